package newsbot_test

import (
	"context"
	"fmt"
	"math"
	"sort"
	"strings"
	"testing"

	"github.com/newsbot-dev/newsbot"
	"github.com/newsbot-dev/newsbot/corpus"
	"github.com/newsbot-dev/newsbot/corpus/load"
	"github.com/newsbot-dev/newsbot/corpus/segment"
)

// The bridge coverage (corpus/testdata/bridge): five outlets on one bridge
// collapse, disagreeing on the death toll (twelve "died", "at least 14
// people were killed", "the death toll ... rose to 15", "Thirteen people
// have died") and quoting different officials, the mayor each time in
// other words ("Mayor Jane Ortiz told reporters", "She said", "Ortiz
// promised ... she said", "The city's mayor, Jane Ortiz, called").

// bridgeSpeakers are the attributions of the bridge coverage, given by
// hand as an extractor would find them: a sentence (by a part of it), its
// speaker with a pronoun resolved, the source as written, and whether it
// quotes.
var bridgeSpeakers = []struct {
	in, speaker, source string
	direct              bool
}{
	{"darkest day our city has known", "Mayor Jane Ortiz", "Mayor Jane Ortiz", true},
	{"divers had worked through the night", "Fire Chief Tom Reyes", "Fire Chief Tom Reyes", false},
	{"still treating this as a rescue", "Tom Reyes", "he", true},
	{"Governor Linda Hale declared", "Governor Linda Hale", "Governor Linda Hale", false},
	{"county officials said on Wednesday", "county officials", "county officials", false},
	{"found no serious faults", "Mayor Jane Ortiz", "Mayor Jane Ortiz", false},
	{"independent engineering firm", "Jane Ortiz", "She", false},
	{"Nobody should have to wonder", "Jane Ortiz", "she", true},
	{"It folded like paper", "Ana Pruitt", "Ana Pruitt", true},
	{"six people had been pulled alive", "Fire Chief Tom Reyes", "Fire Chief Tom Reyes", false},
	{"Ortiz promised that crews", "Ortiz", "Ortiz", false},
	{"We will not stop until everyone", "Ortiz", "she", true},
	{"toured the site by helicopter", "Governor Linda Hale", "Governor Linda Hale", false},
	{"Three people remain unaccounted", "the county sheriff's office", "the county sheriff's office", false},
	{"hospital officials said", "hospital officials", "hospital officials", false},
	{"a wound that will take years to heal", "Jane Ortiz", "The city's mayor, Jane Ortiz", true},
	{"turned into a recovery operation", "Fire Chief Tom Reyes", "Fire Chief Tom Reyes", false},
	{"according to city budget documents", "city budget documents", "city budget documents", false},
	{"according to the Tane County coroner", "the Tane County coroner", "the Tane County coroner", false},
	{"asked federal investigators to lead", "Ortiz", "Ortiz, the city's mayor since 2022", false},
	{"publish every inspection report", "Ortiz", "She", false},
	{"sending a team of 12 investigators", "The National Transportation Safety Board", "The National Transportation Safety Board", false},
	{"the mayor's office said", "the mayor's office", "the mayor's office", false},
}

// bridgeArticles loads the bridge coverage.
func bridgeArticles(t testing.TB) []corpus.Article {
	t.Helper()
	var out []corpus.Article
	for _, r := range (&load.Loader{}).Load("corpus/testdata/bridge") {
		if len(r.Problems) > 0 {
			t.Fatalf("%s: %v", r.Path, r.Problems)
		}
		out = append(out, r.Articles...)
	}
	if len(out) < 5 {
		t.Fatalf("loaded %d bridge articles, want 5", len(out))
	}
	return out
}

// wordRetriever is a small search engine for the core's tests: it scores
// each sentence by the share of the question's content words (IDF
// weighted) that it, its context or its speaker holds, with the
// equivalents an index gives at query time ("died" ~ "killed" ~ "death
// toll"), and it filters by outlet. It makes no estimate of answering
// (Relevance.Answers is 0), so the core judges by Coverage.
type wordRetriever struct {
	ev  []newsbot.Evidence
	idf map[string]float64
}

// equivalents are the query-time equivalents the test engine knows.
var equivalents = map[string]string{
	"died": "death", "die": "death", "dead": "death", "deaths": "death", "killed": "death", "kill": "death", "toll": "death", "deadly": "death",
	"says": "say", "said": "say", "told": "say", "tell": "say",
}

// testStop are the words the test engine does not search.
var testStop = set(strings.Fields("a an the of to in on at for and or but is are was were be been did do does what who how many much which when why where that this it its with by from as about he she they his her their has have had said say tell told people outlets outlet agree disagree report reported"))

func terms(s string) []string {
	var out []string
	for _, w := range strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '\'')
	}) {
		w = strings.TrimSuffix(strings.TrimSuffix(w, "'s"), "'")
		if testStop[w] || len(w) < 2 {
			continue
		}
		if e, ok := equivalents[w]; ok {
			w = e
		}
		out = append(out, w)
	}
	return out
}

func newWordRetriever(arts []corpus.Article) *wordRetriever {
	wr := &wordRetriever{idf: map[string]float64{}}
	for _, a := range arts {
		spans := segment.Sentences(a.Body)
		for i, sp := range spans {
			s := a.Body[sp.Start:sp.End]
			e := newsbot.Evidence{ArticleID: a.ID, Start: sp.Start, End: sp.End, Sentence: s, Paragraph: sp.Paragraph, Index: i + 1,
				Outlet: a.Outlet, Title: a.Title, URL: a.URL, Published: a.Published}
			if i > 0 && leans(s) {
				e.Before = a.Body[spans[i-1].Start:spans[i-1].End]
			}
			for _, sk := range bridgeSpeakers {
				if strings.Contains(s, sk.in) {
					e.Attributions = append(e.Attributions, newsbot.Attribution{Speaker: sk.speaker, Source: sk.source, Cue: "said", Start: sp.Start, End: sp.End, Direct: sk.direct})
				}
			}
			wr.ev = append(wr.ev, e)
		}
	}
	df := map[string]int{}
	for _, e := range wr.ev {
		seen := map[string]bool{}
		for _, t := range terms(e.Sentence) {
			if !seen[t] {
				seen[t] = true
				df[t]++
			}
		}
	}
	for t, n := range df {
		wr.idf[t] = math.Log(1 + float64(len(wr.ev))/float64(n))
	}
	return wr
}

// leans reports a sentence that leans on the one before: a pronoun or a
// quotation whose speaker is a pronoun.
func leans(s string) bool {
	l := strings.ToLower(s)
	return strings.HasPrefix(l, "she ") || strings.HasPrefix(l, "he ") || strings.Contains(l, " she said") || strings.Contains(l, " he said")
}

func (wr *wordRetriever) Retrieve(ctx context.Context, q string, k int) ([]newsbot.Evidence, error) {
	return wr.RetrieveFiltered(ctx, q, k, newsbot.Filter{})
}

func (wr *wordRetriever) RetrieveFiltered(_ context.Context, q string, k int, f newsbot.Filter) ([]newsbot.Evidence, error) {
	qt := map[string]bool{}
	total := 0.0
	for _, t := range terms(q) {
		if !qt[t] {
			qt[t] = true
			total += wr.idf[t] + 0.5
		}
	}
	if total == 0 {
		return nil, nil
	}
	var out []newsbot.Evidence
	for _, e := range wr.ev {
		if len(f.Outlets) > 0 && !containsFold(f.Outlets, e.Outlet) {
			continue
		}
		own := set(terms(e.Sentence))
		ctx := set(terms(e.Before))
		for _, a := range e.Attributions {
			for _, t := range terms(a.Speaker + " " + a.Source) {
				ctx[t] = true
			}
		}
		var mOwn, mAll float64
		for t := range qt {
			w := wr.idf[t] + 0.5
			if own[t] {
				mOwn += w
				mAll += w
			} else if ctx[t] {
				mAll += w
			}
		}
		if mAll == 0 {
			continue
		}
		e.Relevance = newsbot.Relevance{Score: mAll/total + mOwn/total/10, Coverage: mAll / total, Own: mOwn / total}
		if e.Relevance.Own == 0 {
			// a sentence found by its context alone still counts as its own
			// match when its speaker is what matched (the index stores
			// speakers with the sentence).
			e.Relevance.Own = e.Relevance.Coverage / 2
		}
		out = append(out, e)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Relevance.Score > out[j].Relevance.Score })
	return out[:min(k, len(out))], nil
}

func (wr *wordRetriever) Outlets(context.Context) ([]string, error) {
	seen := map[string]bool{}
	var out []string
	for _, e := range wr.ev {
		if !seen[e.Outlet] {
			seen[e.Outlet] = true
			out = append(out, e.Outlet)
		}
	}
	return out, nil
}

func set(ts []string) map[string]bool {
	m := map[string]bool{}
	for _, t := range ts {
		m[t] = true
	}
	return m
}

func containsFold(list []string, s string) bool {
	for _, x := range list {
		if strings.EqualFold(x, s) {
			return true
		}
	}
	return false
}

// plainRetriever hides the filtering of a FilterRetriever: the core then
// narrows retrievals itself.
type plainRetriever struct{ r newsbot.Retriever }

func (p plainRetriever) Retrieve(ctx context.Context, q string, k int) ([]newsbot.Evidence, error) {
	return p.r.Retrieve(ctx, q, k)
}

// cited returns the outlets of an answer's citations, with their
// sentences, as "Outlet: sentence" lines.
func cited(a newsbot.Answer) []string {
	var out []string
	for _, c := range a.Citations {
		out = append(out, c.Outlet+": "+c.Sentence)
	}
	return out
}

// The three questions of issue 15's "must show", over the bridge coverage
// with a retriever that filters by outlet and one that does not.
func TestBridgeCoverage(t *testing.T) {
	wr := newWordRetriever(bridgeArticles(t))
	for _, r := range []struct {
		name string
		r    newsbot.Retriever
	}{{"filtering", wr}, {"plain", plainRetriever{wr}}} {
		t.Run(r.name, func(t *testing.T) {
			checkBridge(t, &newsbot.Bot{Retriever: r.r})
		})
	}
}

// checkBridge asks b the three questions and checks the answers.
func checkBridge(t *testing.T, b *newsbot.Bot) {
	t.Helper()
	ask := func(q string) newsbot.Answer {
		t.Helper()
		a, err := b.Answer(context.Background(), q)
		if err != nil {
			t.Fatal(err)
		}
		if a.NoAnswer {
			t.Fatalf("%q: no answer", q)
		}
		t.Logf("%s\n%s", q, a.Text)
		return a
	}

	// Every outlet's figure, with its outlet, and the disagreement said.
	a := ask("How many people died?")
	for _, want := range []struct{ outlet, figure string }{
		{"Northern Wire", "twelve"}, {"Valley Courier", "at least 14"}, {"Capital Tribune", "15"}, {"Riverside Gazette", "twelve"}, {"Metro Daily", "thirteen"},
	} {
		if !strings.Contains(a.Text, want.outlet+" says "+want.figure+" [") {
			t.Errorf("How many people died? does not give %s's figure %q:\n%s", want.outlet, want.figure, a.Text)
		}
		if !strings.Contains(a.Text, "\n"+want.outlet+": ") {
			t.Errorf("How many people died? quotes nothing of %s:\n%s", want.outlet, a.Text)
		}
	}
	if !strings.HasPrefix(a.Text, "The outlets disagree on the death toll: ") {
		t.Errorf("How many people died? does not say the outlets disagree:\n%s", a.Text)
	}
	checkMarkers(t, a)

	// Each outlet's quote of the mayor, however it names her.
	a = ask("What did the mayor say?")
	outlets := map[string]bool{}
	for _, c := range a.Citations {
		if !strings.Contains(c.Speaker, "Ortiz") {
			t.Errorf("What did the mayor say? quotes %q (speaker %q), not the mayor", c.Sentence, c.Speaker)
		}
		outlets[c.Outlet] = true
	}
	for _, o := range []string{"Northern Wire", "Valley Courier", "Capital Tribune", "Riverside Gazette", "Metro Daily"} {
		if !outlets[o] {
			t.Errorf("What did the mayor say? has no quote from %s:\n%s", o, a.Text)
		}
	}
	// A quote that does not name her says whom it quotes.
	if !strings.Contains(a.Text, "Capital Tribune, quoting Ortiz: ") && !strings.Contains(a.Text, "Valley Courier, quoting Jane Ortiz: ") && !strings.Contains(a.Text, "Capital Tribune: ") {
		t.Errorf("the mayor's quotes do not say who:\n%s", a.Text)
	}
	checkMarkers(t, a)

	// The toll: no, and the figures.
	a = ask("Do the outlets agree on the toll?")
	if !strings.HasPrefix(a.Text, "The outlets disagree on the death toll: ") {
		t.Errorf("Do the outlets agree on the toll? does not say no:\n%s", a.Text)
	}
	for _, f := range []string{"twelve", "at least 14", "15", "thirteen"} {
		if !strings.Contains(a.Text, "says "+f+" [") {
			t.Errorf("Do the outlets agree on the toll? lacks the figure %q:\n%s", f, a.Text)
		}
	}
	checkMarkers(t, a)
}

// checkMarkers checks that every citation is quoted verbatim in the text
// with its marker.
func checkMarkers(t *testing.T, a newsbot.Answer) {
	t.Helper()
	for _, c := range a.Citations {
		if !strings.Contains(a.Text, c.Sentence+fmt.Sprintf(" [%d]", c.N)) {
			t.Errorf("citation [%d] %q is not quoted with its marker in:\n%s", c.N, c.Sentence, a.Text)
		}
	}
}

// Questions that name an outlet are answered from it alone; questions
// about the coverage and about speakers in other words.
func TestBridgeQuestionKinds(t *testing.T) {
	wr := newWordRetriever(bridgeArticles(t))
	b := &newsbot.Bot{Retriever: wr}
	for _, tt := range []struct {
		q       string
		outlets []string // the outlets cited, in any order; nil for no answer
		has     []string // in the text
	}{
		{"What did the Valley Courier report about the death toll?", []string{"Valley Courier"}, []string{"At least 14 people were killed"}},
		{"According to Metro Daily, how many people died?", []string{"Metro Daily"}, []string{"Thirteen people have died"}},
		{"How many people died, according to the Capital Tribune?", []string{"Capital Tribune"}, []string{"rose to 15"}},
		{"Did the outlets agree on how many were killed?", nil, []string{"The outlets disagree on the death toll:"}},
		{"Which outlets reported different death tolls?", nil, []string{"The outlets disagree on the death toll:", "Capital Tribune says 15"}},
		{"What did outlets disagree on?", nil, []string{"The outlets disagree on the death toll:"}},
		{"How much did the repairs cost?", nil, []string{"The outlets disagree on the cost: Riverside Gazette says $1.5 million", "Metro Daily says $2.1 million"}},
		{"What did the fire chief say?", nil, []string{"Tom Reyes"}},
		{"Who said the rescue had turned into a recovery operation?", []string{"Riverside Gazette"}, []string{"Fire Chief Tom Reyes said it [1]."}},
		{"What did Governor Hale say?", nil, []string{"Governor Linda Hale"}},
	} {
		a, err := b.Answer(context.Background(), tt.q)
		if err != nil {
			t.Fatal(err)
		}
		if a.NoAnswer {
			t.Errorf("%q: no answer", tt.q)
			continue
		}
		if tt.outlets != nil {
			got := map[string]bool{}
			for _, c := range a.Citations {
				got[c.Outlet] = true
			}
			if len(got) != len(tt.outlets) || !allIn(tt.outlets, got) {
				t.Errorf("%q cites %v, want %v:\n%s", tt.q, cited(a), tt.outlets, a.Text)
			}
		}
		for _, h := range tt.has {
			if !strings.Contains(a.Text, h) {
				t.Errorf("%q: the answer lacks %q:\n%s", tt.q, h, a.Text)
			}
		}
		checkMarkers(t, a)
	}
}

func allIn(want []string, got map[string]bool) bool {
	for _, w := range want {
		if !got[w] {
			return false
		}
	}
	return true
}

// When the outlets give the same figure, the answer says they agree.
func TestFiguresAgree(t *testing.T) {
	mk := func(outlet, s string) newsbot.Evidence {
		e := ev(outlet, 1, s, 0)
		e.Outlet = outlet
		e.Relevance = newsbot.Relevance{Score: 1, Coverage: 0.9, Own: 0.9}
		return e
	}
	r := fixedRetriever{
		mk("North", "Twelve people died when the Harlow Street bridge collapsed."),
		mk("South", "The Harlow Street collapse killed 12 people, police said."),
	}
	a, err := (&newsbot.Bot{Retriever: r}).Answer(context.Background(), "Do the outlets agree on the death toll?")
	if err != nil {
		t.Fatal(err)
	}
	want := "The outlets quoted agree on the death toll: North [1] and South [2] give twelve.\nNorth: Twelve people died when the Harlow Street bridge collapsed. [1]\nSouth: The Harlow Street collapse killed 12 people, police said. [2]"
	if a.Text != want {
		t.Errorf("got\n%s\nwant\n%s", a.Text, want)
	}
}

// Tolls of different events are not a disagreement: figures are compared
// only between sentences about one event.
func TestFiguresOfOtherEvents(t *testing.T) {
	mk := func(outlet, s string) newsbot.Evidence {
		e := ev(outlet, 1, s, 0)
		e.Outlet = outlet
		e.Relevance = newsbot.Relevance{Score: 1, Coverage: 0.9, Own: 0.9}
		return e
	}
	r := fixedRetriever{
		mk("North", "Twelve people died when the Harlow Street bridge collapsed."),
		mk("South", "At least 40 people were killed in floods in Valencia, officials said."),
	}
	a, err := (&newsbot.Bot{Retriever: r}).Answer(context.Background(), "How many people died?")
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(a.Text, "disagree") || strings.Contains(a.Text, "agree on") {
		t.Errorf("compared the tolls of two events:\n%s", a.Text)
	}
}
