// Package retrievaltest is the conformance suite for the answering core's
// Retriever (newsbot.Retriever), in the manner of golang/oscar's
// storage.TestDB: every implementation runs Run in its own tests, so that
// putting a new engine behind the bot is routine. The suite checks the
// contract of Retrieve (verbatim sentences and their places, metadata, the
// order, the bound k, context, no match, cancellation, concurrent use) and
// that the unchanged core answers the built-in questions through the
// engine.
package retrievaltest

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode"

	"github.com/newsbot-dev/newsbot"
	"github.com/newsbot-dev/newsbot/corpus"
	"github.com/newsbot-dev/newsbot/corpus/builtin"
	"github.com/newsbot-dev/newsbot/corpus/load"
)

// Open makes the retriever under test over articles. Run calls it several
// times, each with its own articles.
type Open func(t *testing.T, articles []corpus.Article) newsbot.Retriever

// An Option adjusts what Run expects of an engine.
type Option func(*suite)

// WithoutContext is for an engine that never gives the sentence a
// retrieved one leans on: Run then checks that Evidence.Before is always
// "", instead of requiring it for a sentence that refers back ("she
// said").
func WithoutContext() Option {
	return func(s *suite) { s.noContext = true }
}

type suite struct {
	open      Open
	noContext bool
}

// Run runs the conformance suite against the retrievers that open makes.
// Run it with -race: one test asks from several goroutines at once.
func Run(t *testing.T, open Open, opts ...Option) {
	s := &suite{open: open}
	for _, o := range opts {
		o(s)
	}
	t.Run("Evidence", s.testEvidence)
	t.Run("Places", s.testPlaces)
	t.Run("Context", s.testContext)
	t.Run("BestFirstAtMostK", s.testBestFirstAtMostK)
	t.Run("NoMatch", s.testNoMatch)
	t.Run("Cancelled", s.testCancelled)
	t.Run("Concurrent", s.testConcurrent)
	t.Run("AnswersThroughTheCore", s.testAnswers)
	t.Run("Filter", s.testFilter)
}

// The suite's own articles: plain sentences and paragraphs, so that any
// sensible sentence splitter finds the same ones, and metadata that is
// all given (harbour), partly given (orchard) or all unknown (copper).
const (
	harbourFirst   = "The port of Valdora reopened on Thursday after a storm closed it for three days."
	harbourOkafor  = "Harbour master Ines Okafor ordered the cranes checked before the first ships docked."
	harbourQuote   = "“Every crane passed inspection,” she said."
	harbourLast    = "Fishing boats returned to the quay by noon."
	copperFirst    = "Copper prices rose sharply in Lima on Monday."
	orchardHarvest = "Growers expect a smaller apple harvest this autumn."
)

func fixtures() []corpus.Article {
	return []corpus.Article{
		{
			ID: "harbour", Title: "Port of Valdora reopens after storm", Outlet: "Coast Herald",
			URL: "https://herald.example/valdora-port", Author: "Ana Ruiz",
			Published: time.Date(2021, 3, 4, 9, 30, 0, 0, time.UTC),
			Body:      harbourFirst + "\n\n" + harbourOkafor + " " + harbourQuote + "\n\n" + harbourLast,
			Source:    "harbour.txt",
		},
		{
			ID:   "copper",
			Body: copperFirst + " Miners in the highlands welcomed the rise.",
		},
		{
			ID: "orchard", Title: "Frost hits orchards", Outlet: "Valley Times",
			Body: "A late frost damaged apple orchards across the valley. " + orchardHarvest + " The frost came after a warm March.",
		},
	}
}

// builtinArticles loads the coverage built into the binary.
func builtinArticles(t *testing.T) []corpus.Article {
	t.Helper()
	var l load.Loader
	var arts []corpus.Article
	for _, r := range l.LoadFS(builtin.FS, ".") {
		if len(r.Problems) > 0 {
			t.Fatalf("built-in coverage: %s: %v", r.Path, r.Problems)
		}
		arts = append(arts, r.Articles...)
	}
	return arts
}

// retrieve asks r and checks what every retrieval must hold: no error,
// at most k pieces of evidence, each the verbatim bytes of the article it
// names with that article's metadata, best first.
func retrieve(t *testing.T, r newsbot.Retriever, arts []corpus.Article, q string, k int) []newsbot.Evidence {
	t.Helper()
	ev, err := r.Retrieve(context.Background(), q, k)
	if err != nil {
		t.Fatalf("Retrieve(%q, %d): %v", q, k, err)
	}
	checkEvidence(t, arts, q, k, ev)
	return ev
}

func checkEvidence(t *testing.T, arts []corpus.Article, q string, k int, ev []newsbot.Evidence) {
	t.Helper()
	byID := map[string]corpus.Article{}
	for _, a := range arts {
		byID[a.ID] = a
	}
	if len(ev) > k {
		t.Errorf("%q: %d pieces of evidence for k=%d", q, len(ev), k)
	}
	for i, e := range ev {
		a, ok := byID[e.ArticleID]
		if !ok {
			t.Errorf("%q: evidence %d names article %q, which the retriever was not given", q, i, e.ArticleID)
			continue
		}
		if e.Start < 0 || e.Start >= e.End || e.End > len(a.Body) {
			t.Errorf("%q: evidence %d has range [%d:%d] in a body of %d bytes", q, i, e.Start, e.End, len(a.Body))
			continue
		}
		if got := a.Body[e.Start:e.End]; got != e.Sentence {
			t.Errorf("%q: evidence %d: Sentence %q, but the article's bytes [%d:%d] are %q", q, i, e.Sentence, e.Start, e.End, got)
		}
		if e.Outlet != a.Outlet || e.Title != a.Title || e.URL != a.URL || e.Author != a.Author || !e.Published.Equal(a.Published) {
			t.Errorf("%q: evidence %d carries outlet %q, title %q, URL %q, author %q, date %v; the article has %q, %q, %q, %q, %v",
				q, i, e.Outlet, e.Title, e.URL, e.Author, e.Published, a.Outlet, a.Title, a.URL, a.Author, a.Published)
		}
		if e.Paragraph < 1 || e.Index < 1 || e.Paragraph > e.Index {
			t.Errorf("%q: evidence %d is paragraph %d, sentence %d; both count from 1, and a paragraph holds a sentence", q, i, e.Paragraph, e.Index)
		}
		if e.Before != "" && (e.Before == e.Sentence || !strings.Contains(a.Body[:e.Start], e.Before)) {
			t.Errorf("%q: evidence %d: Before %q is not an earlier sentence of its article", q, i, e.Before)
		}
		r := e.Relevance
		if r.Own < 0 || r.Own > r.Coverage+1e-6 || r.Coverage > 1+1e-6 {
			t.Errorf("%q: evidence %d: Own %v, Coverage %v; want 0 <= Own <= Coverage <= 1", q, i, r.Own, r.Coverage)
		}
		for _, at := range e.Attributions {
			if at.Start < 0 || at.Start >= at.End || at.End > len(a.Body) || at.Start >= e.End || at.End <= e.Start {
				t.Errorf("%q: evidence %d [%d:%d]: attribution content [%d:%d] does not lie in its article (%d bytes) overlapping the sentence", q, i, e.Start, e.End, at.Start, at.End, len(a.Body))
			}
			for _, f := range []string{at.Speaker, at.Source, at.Cue} {
				if f != collapse(f) || strings.ContainsFunc(f, unicode.IsControl) {
					t.Errorf("%q: evidence %d: attribution text %q is not one line of collapsed white space", q, i, f)
				}
			}
		}
		if i > 0 && r.Score > ev[i-1].Relevance.Score {
			t.Errorf("%q: evidence %d scores %v, above evidence %d's %v: not best first", q, i, r.Score, i-1, ev[i-1].Relevance.Score)
		}
	}
}

// find returns the evidence whose sentence is s.
func find(ev []newsbot.Evidence, s string) (newsbot.Evidence, bool) {
	for _, e := range ev {
		if e.Sentence == s {
			return e, true
		}
	}
	return newsbot.Evidence{}, false
}

func (s *suite) testEvidence(t *testing.T) {
	for _, set := range []struct {
		name string
		arts []corpus.Article
		qs   []string
	}{
		{"fixtures", fixtures(), []string{
			"When did the port of Valdora reopen?", "Who checked the cranes?", "Why did copper prices rise in Lima?",
			"What damaged the apple orchards?", "frost", "harvest apple copper port",
		}},
		{"built-in", builtinArticles(t), []string{
			"What did Lavrov say about sanctions?", "Why did Mrs Clinton miss the July summit?",
			"What did Medvedev say?", "reset", "Iran nuclear programme sanctions Russia",
		}},
	} {
		t.Run(set.name, func(t *testing.T) {
			r := s.open(t, set.arts)
			for _, q := range set.qs {
				if ev := retrieve(t, r, set.arts, q, 10); len(ev) == 0 {
					t.Errorf("%q: no evidence, though the articles answer it", q)
				}
			}
		})
	}
}

// testPlaces checks that a question worded after one sentence finds it
// first, at its place in its article, with its article's metadata (all of
// it, some, or none known).
func (s *suite) testPlaces(t *testing.T) {
	arts := fixtures()
	r := s.open(t, arts)
	for _, tt := range []struct {
		q, sentence      string
		article          string
		paragraph, index int
	}{
		{"When did the port of Valdora reopen after the storm?", harbourFirst, "harbour", 1, 1},
		{"Did fishing boats return to the quay?", harbourLast, "harbour", 3, 4},
		{"Where did copper prices rise sharply?", copperFirst, "copper", 1, 1},
		{"What smaller harvest do apple growers expect?", orchardHarvest, "orchard", 1, 2},
	} {
		ev := retrieve(t, r, arts, tt.q, 5)
		if len(ev) == 0 {
			t.Errorf("%q: no evidence", tt.q)
			continue
		}
		e := ev[0]
		if e.Sentence != tt.sentence || e.ArticleID != tt.article {
			t.Errorf("%q: first evidence is %q from %q, want %q from %q", tt.q, e.Sentence, e.ArticleID, tt.sentence, tt.article)
			continue
		}
		if e.Paragraph != tt.paragraph || e.Index != tt.index {
			t.Errorf("%q: paragraph %d, sentence %d; want %d, %d", tt.q, e.Paragraph, e.Index, tt.paragraph, tt.index)
		}
		if tt.index == 1 && e.Before != "" {
			t.Errorf("%q: the first sentence of an article has Before %q", tt.q, e.Before)
		}
	}
}

// testContext checks Before: set to the sentence before for a sentence
// that refers back with a pronoun, when the engine gives context.
func (s *suite) testContext(t *testing.T) {
	arts := fixtures()
	r := s.open(t, arts)
	const q = "Who said every crane passed inspection?"
	ev := retrieve(t, r, arts, q, 5)
	e, ok := find(ev, harbourQuote)
	if !ok {
		t.Fatalf("%q: the quote is not retrieved: %v", q, sentences(ev))
	}
	if e.Paragraph != 2 || e.Index != 3 {
		t.Errorf("the quote is paragraph %d, sentence %d; want 2, 3", e.Paragraph, e.Index)
	}
	switch {
	case s.noContext && e.Before != "":
		t.Errorf("an engine without context gave Before %q", e.Before)
	case !s.noContext && strings.TrimSpace(e.Before) != harbourOkafor:
		t.Errorf("the quote (\"she said\") has Before %q, want the sentence before it, %q", e.Before, harbourOkafor)
	}
	for _, e := range ev {
		if s.noContext && e.Before != "" {
			t.Errorf("an engine without context gave %q Before %q", e.Sentence, e.Before)
		}
	}
}

func (s *suite) testBestFirstAtMostK(t *testing.T) {
	arts := builtinArticles(t)
	r := s.open(t, arts)
	const q = "What did Russia, Clinton and Lavrov say about sanctions against Iran?"
	for _, k := range []int{1, 2, 3, 5, 10, 50} {
		ev := retrieve(t, r, arts, q, k)
		if want := min(k, 5); len(ev) < want {
			t.Errorf("k=%d: %d pieces of evidence, though many sentences match", k, len(ev))
		}
	}
	if ev, err := r.Retrieve(context.Background(), q, 0); err != nil || len(ev) != 0 {
		t.Errorf("k=0: %d pieces of evidence, err %v; want none", len(ev), err)
	}
}

func (s *suite) testNoMatch(t *testing.T) {
	r := s.open(t, fixtures())
	for _, q := range []string{"quantum chromodynamics", "Xylophone zeppelins?"} {
		ev, err := r.Retrieve(context.Background(), q, 10)
		if ev != nil || err != nil {
			t.Errorf("%q: %d pieces of evidence (%v), err %v; want nil, nil", q, len(ev), sentences(ev), err)
		}
	}
}

func (s *suite) testCancelled(t *testing.T) {
	r := s.open(t, fixtures())
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	ev, err := r.Retrieve(ctx, "When did the port of Valdora reopen?", 5)
	if !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled context: err = %v, want context.Canceled", err)
	}
	if len(ev) != 0 {
		t.Errorf("cancelled context: %d pieces of evidence with the error", len(ev))
	}
}

// testConcurrent asks one retriever from several goroutines at once: each
// gets what a lone caller gets (and -race sees any shared state).
func (s *suite) testConcurrent(t *testing.T) {
	arts := append(builtinArticles(t), fixtures()...)
	r := s.open(t, arts)
	qs := []string{
		"What did Lavrov say about sanctions?", "Why did Mrs Clinton miss the July summit?",
		"Who said every crane passed inspection?", "What damaged the apple orchards?", "quantum chromodynamics",
	}
	want := make([][]newsbot.Evidence, len(qs))
	for i, q := range qs {
		want[i] = retrieve(t, r, arts, q, 10)
	}
	var (
		wg     sync.WaitGroup
		mu     sync.Mutex
		differ = map[string]bool{}
	)
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for n := range 20 {
				i := (g + n) % len(qs)
				got, err := r.Retrieve(context.Background(), qs[i], 10)
				if err != nil || !reflect.DeepEqual(got, want[i]) {
					mu.Lock()
					differ[qs[i]] = true
					mu.Unlock()
				}
			}
		}()
	}
	wg.Wait()
	for _, q := range qs {
		if differ[q] {
			t.Errorf("%q: a retrieval made alongside others differs from a lone one (the same retrieval must give the same evidence)", q)
		}
	}
}

// testAnswers puts the retriever behind the unchanged core and asks the
// built-in questions.
func (s *suite) testAnswers(t *testing.T) {
	arts := builtinArticles(t)
	b := &newsbot.Bot{Retriever: s.open(t, arts)}
	ask := func(q string) newsbot.Answer {
		t.Helper()
		a, err := b.Answer(context.Background(), q)
		if err != nil {
			t.Fatalf("%q: %v", q, err)
		}
		checkCitations(t, arts, a)
		return a
	}

	a := ask("What did Lavrov say about sanctions?")
	if a.NoAnswer || len(a.Citations) == 0 {
		t.Errorf("Lavrov on sanctions: no answer: %q", a.Text)
	} else {
		c := a.Citations[0]
		if !strings.Contains(collapse(c.Sentence), "any talk of sanctions against Iran at this stage was counter-productive") {
			t.Errorf("Lavrov on sanctions: first citation %q, want Lavrov's statement", c.Sentence)
		}
		if c.Outlet != "Reuters" || c.Title != "Clinton fails to win Russia pledge on Iran sanctions" {
			t.Errorf("Lavrov on sanctions: cited %q, %q; want Reuters and its headline", c.Outlet, c.Title)
		}
	}

	// The sentence that says why is quoted (the core quotes it first when
	// the engine ranks it first; it must at least be among the quoted).
	a = ask("Why did Mrs Clinton miss the July summit?")
	found := false
	for _, c := range a.Citations {
		if strings.Contains(c.Sentence, "because of an injury") {
			found = true
			if c.Outlet != "" {
				t.Errorf("Clinton's injury: outlet %q, want unknown (the article names none)", c.Outlet)
			}
		}
	}
	if !found {
		t.Errorf("Clinton's injury: the sentence that says why is not cited: %q", a.Text)
	}

	a = ask("Who won the 2018 World Cup?")
	if !a.NoAnswer || len(a.Citations) != 0 || a.Text != newsbot.NoAnswerText {
		t.Errorf("World Cup: %q with %d citations, want the plain no-answer", a.Text, len(a.Citations))
	}
}

// checkCitations checks the core's promise through the engine: every
// citation is its article's bytes.
func checkCitations(t *testing.T, arts []corpus.Article, a newsbot.Answer) {
	t.Helper()
	for _, c := range a.Citations {
		ok := false
		for _, art := range arts {
			if art.ID == c.ArticleID && c.End <= len(art.Body) && c.Start >= 0 && c.Start < c.End && art.Body[c.Start:c.End] == c.Sentence {
				ok = true
			}
		}
		if !ok {
			t.Errorf("citation [%d] %q is not the bytes [%d:%d] of article %q", c.N, c.Sentence, c.Start, c.End, c.ArticleID)
		}
	}
}

// testFilter checks a FilterRetriever (a retriever that is not one
// skips it): Outlets lists the fixtures' outlets, and RetrieveFiltered
// keeps only the articles of the outlets named, compared without regard
// to case, and still finds theirs.
func (s *suite) testFilter(t *testing.T) {
	arts := fixtures()
	r := s.open(t, arts)
	fr, ok := r.(newsbot.FilterRetriever)
	if !ok {
		t.Skip("not a FilterRetriever")
	}
	ctx := context.Background()
	got, err := fr.Outlets(ctx)
	if want := []string{"Coast Herald", "Valley Times"}; err != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("Outlets = %q, %v; want %q", got, err, want)
	}
	const q = "frost harvest port storm"
	for _, tt := range []struct {
		outlet, article string
	}{
		{"valley times", "orchard"},
		{"COAST HERALD", "harbour"},
	} {
		ev, err := fr.RetrieveFiltered(ctx, q, 3, newsbot.Filter{Outlets: []string{tt.outlet}})
		if err != nil {
			t.Fatalf("RetrieveFiltered(%q, %q): %v", q, tt.outlet, err)
		}
		checkEvidence(t, arts, q, 3, ev)
		if len(ev) == 0 {
			t.Errorf("RetrieveFiltered(%q, %q): no evidence", q, tt.outlet)
		}
		for _, e := range ev {
			if e.ArticleID != tt.article {
				t.Errorf("RetrieveFiltered(%q, %q): evidence of %q (%q)", q, tt.outlet, e.ArticleID, e.Outlet)
			}
		}
	}
	if ev, err := fr.RetrieveFiltered(ctx, q, 3, newsbot.Filter{Outlets: []string{"Nowhere Gazette"}}); err != nil || len(ev) != 0 {
		t.Errorf("RetrieveFiltered to an outlet the coverage lacks: %v, %v", sentences(ev), err)
	}
}

func sentences(ev []newsbot.Evidence) []string {
	out := make([]string, len(ev))
	for i, e := range ev {
		out[i] = e.Sentence
	}
	return out
}

func collapse(s string) string { return strings.Join(strings.Fields(s), " ") }
