package index

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/newsbot-dev/newsbot/corpus"
)

func TestAnalyseQuestion(t *testing.T) {
	for _, tt := range []struct {
		q        string
		want     want
		subject  string // "" for none
		entities []string
		topic    []string
		absent   []string // terms that must not be in the question
	}{
		{q: "What did Lavrov say about sanctions?", want: wantStatement, subject: "lavrov", entities: []string{"lavrov"}, topic: []string{"sanction"}},
		{q: "What did Sergei Lavrov tell reporters about the UN?", want: wantStatement, subject: "lavrov", entities: []string{"sergei", "lavrov", "un"}, topic: []string{"un"}},
		{q: "Who is Lavrov?", want: wantName, subject: "lavrov", entities: []string{"lavrov"}},
		{q: "Where were the talks held?", want: wantPlace, absent: []string{"hold", "held"}},
		{q: "When did the summit take place?", want: wantTime, absent: []string{"take", "place"}},
		{q: "How many people attended the news conference?", want: wantNumber},
		{q: "Why did Mrs Clinton miss the July summit?", want: wantReason, subject: "clinton"},
		{q: "Which country was shaken by a 7.0-magnitude earthquake this week?", want: wantPlace, absent: []string{"week"}},
		{q: "What was the monetary value of the Nobel Peace Prize in 1989?", want: wantNumber, subject: "prize"},
		{q: "What is the name of the managing director of Apricot Computer?", want: wantName, subject: "comput"},
		{q: "Afghanistan was rocked by an earthquake. What was its magnitude?", want: wantNumber},
	} {
		q := analyseQuestion(tt.q, nil)
		if q.want != tt.want {
			t.Errorf("%q: wants %s, want %s", tt.q, q.want, tt.want)
		}
		subject := ""
		if q.subject >= 0 {
			subject = q.terms[q.subject].term
		}
		if subject != tt.subject {
			t.Errorf("%q: subject %q, want %q", tt.q, subject, tt.subject)
		}
		has := map[string]qword{}
		for _, w := range q.terms {
			has[w.term] = w
		}
		for _, e := range tt.entities {
			if !has[e].entity {
				t.Errorf("%q: %q is not an entity term (terms %+v)", tt.q, e, q.terms)
			}
		}
		for _, e := range tt.topic {
			if !has[e].topic {
				t.Errorf("%q: %q is not a topic term (terms %+v)", tt.q, e, q.terms)
			}
		}
		for _, a := range tt.absent {
			if _, ok := has[a]; ok {
				t.Errorf("%q: %q should have been left out (terms %+v)", tt.q, a, q.terms)
			}
		}
	}
	// A preamble weighs less than the question proper.
	q := analyseQuestion("Afghanistan was rocked by an earthquake. What was its magnitude?", nil)
	for _, w := range q.terms {
		if w.alt {
			// Words for the same event as "earthquake" (see sameEvent).
			if w.weight != preamble*sameEventWeight {
				t.Errorf("alternate %q weighs %v", w.term, w.weight)
			}
			continue
		}
		if (w.term != "magnitud") != (w.weight == preamble) {
			t.Errorf("term %q weighs %v", w.term, w.weight)
		}
	}
}

func TestSeek(t *testing.T) {
	post := []posting{{sent: 2}, {sent: 5}, {sent: 6}, {sent: 9}, {sent: 15}, {sent: 40}, {sent: 41}}
	for from := range len(post) + 1 {
		for target := uint32(0); target < 45; target++ {
			want := from
			for want < len(post) && post[want].sent < target {
				want++
			}
			if got := seek(post, from, target); got != want {
				t.Fatalf("seek(from %d, %d) = %d, want %d", from, target, got, want)
			}
		}
	}
}

// randomArticles makes a corpus of articles over a small vocabulary, with
// capitals, pronouns and headlines, so that every stage-2 feature is
// exercised.
func randomArticles(n int, seed uint64) []corpus.Article {
	rng := rand.New(rand.NewPCG(seed, 1))
	words := []string{"sanctions", "talks", "Moscow", "Lavrov", "Iran", "oil", "prices", "rose", "fell", "said", "he", "minister", "nuclear", "deal", "Clinton", "market", "the", "and", "of"}
	var arts []corpus.Article
	for a := range n {
		var body strings.Builder
		for s := range 1 + rng.IntN(6) {
			if s > 0 {
				body.WriteString(" ")
			}
			for w := range 4 + rng.IntN(8) {
				if w > 0 {
					body.WriteString(" ")
				}
				word := words[rng.IntN(len(words))]
				if w == 0 {
					word = strings.ToUpper(word[:1]) + word[1:]
				}
				body.WriteString(word)
			}
			body.WriteString(".")
		}
		title := ""
		if rng.IntN(2) == 0 {
			title = words[rng.IntN(len(words))] + " " + words[rng.IntN(len(words))]
		}
		arts = append(arts, corpus.Article{ID: fmt.Sprint(a), Title: title, Body: body.String()})
	}
	return arts
}

// TestStage2MatchesBruteForce checks the stage-2 features, which Search
// computes by seeking into the postings, against a computation from every
// posting of every question term: what another engine must reproduce.
func TestStage2MatchesBruteForce(t *testing.T) {
	ix := Build(randomArticles(60, 7))
	for _, question := range []string{
		"What did Lavrov say about sanctions?",
		"Did oil prices rise after the nuclear deal?",
		"Where were the talks held in Moscow?",
		"Who is the minister?",
	} {
		s := ix.newSearch(question, 1<<20) // the whole pool
		if s == nil {
			t.Fatalf("%q: nothing found", question)
		}
		var maxS, maxA float64
		type want struct{ cov, own, ent, art, artCov, title, prev, next float64 }
		wants := make([]want, len(s.cands))
		for i, c := range s.cands {
			st := ix.sents[c.sent]
			a := st.article
			w := &wants[i]
			for _, qt := range s.qts {
				qw := s.q.terms[qt.q]
				v := qt.idfS * qw.weight
				var docTF float64
				for _, p := range ix.post[qt.id] {
					ps := ix.sents[p.sent]
					tf := float64(p.own) + contextWeight*float64(p.ctx)
					switch {
					case p.sent == c.sent:
						w.cov += v
						if p.own > 0 {
							w.own += v
						}
						if qw.entity {
							w.ent += v
						}
					case p.sent+1 == c.sent && ps.article == a:
						w.prev += bm25(qt.idfS*qt.qw, tf, float64(ps.n), ix.avgSent)
					case p.sent == c.sent+1 && ps.article == a:
						w.next += bm25(qt.idfS*qt.qw, tf, float64(ps.n), ix.avgSent)
					}
					if ps.article == a {
						docTF += float64(p.own)
					}
				}
				inTitle := false
				for _, ta := range ix.titles[qt.id] {
					inTitle = inTitle || ta == a
				}
				if docTF > 0 {
					w.art += bm25(qt.idfD*qt.qw, docTF, float64(ix.docLen[a]), ix.avgDoc)
				}
				if docTF > 0 || inTitle {
					w.artCov += v
				}
				if inTitle {
					w.title += v
				}
			}
			maxS = max(maxS, float64(c.bm25))
			maxA = max(maxA, w.art)
		}
		near := func(a float32, b float64) bool { return math.Abs(float64(a)-b) < 1e-4 }
		for i, c := range s.cands {
			w := wants[i]
			x := c.x
			checks := []struct {
				name string
				got  float32
				want float64
			}{
				{"cov", x[fCov], share(w.cov, s.total)},
				{"own", x[fOwn], share(w.own, s.total)},
				{"art", x[fArt], share(w.art, maxA)},
				{"artcov", x[fArtCov], share(w.artCov, s.total)},
				{"title", x[fTitle], share(w.title, s.total)},
				{"nbr", x[fNbr], share(max(w.prev, w.next), maxS)},
			}
			if s.entTotal > 0 {
				checks = append(checks, struct {
					name string
					got  float32
					want float64
				}{"ent", x[fEnt], min(1, w.ent/s.entTotal)})
			}
			for _, ch := range checks {
				if !near(ch.got, ch.want) {
					t.Errorf("%q, sentence %d (%q): %s = %v, brute force %v", question, c.sent, ix.text(c.sent), ch.name, ch.got, ch.want)
				}
			}
		}
	}
}

// Search ranks as Explain's features and the weights say, and Answers is
// the answerability model on them.
func TestSearchAgreesWithExplain(t *testing.T) {
	ix := Build(randomArticles(80, 3))
	q := "What did Lavrov say about the nuclear deal?"
	p := ix.Explain(q)
	if p == nil {
		t.Fatal("no pool")
	}
	type place struct {
		article string
		start   int
	}
	byPlace := map[place]Candidate{}
	for _, c := range p.Candidates {
		byPlace[place{c.Article.ID, c.Start}] = c
	}
	hits := ix.Search(q, 5)
	if len(hits) == 0 {
		t.Fatal("no hits")
	}
	for i, h := range hits {
		c, ok := byPlace[place{h.Article.ID, h.Start}]
		if !ok {
			t.Fatalf("hit %d not in the pool", i)
		}
		w := &rankWeights[0]
		if c.Alone {
			w = &rankWeights[alone]
		}
		var score float64
		for f, v := range c.Features {
			score += w[f] * v
		}
		if math.Abs(score-h.Score) > 1e-4 {
			t.Errorf("hit %d: score %v, the weights on its features give %v", i, h.Score, score)
		}
		z := answerWeights[NumAnswerFeatures]
		for f, v := range c.Answer {
			z += answerWeights[f] * v
		}
		if a := 1 / (1 + math.Exp(-z)); math.Abs(a-h.Answers) > 1e-9 {
			t.Errorf("hit %d: Answers %v, the model gives %v", i, h.Answers, a)
		}
		if i > 0 && h.Score > hits[i-1].Score {
			t.Errorf("hit %d scores above hit %d", i, i-1)
		}
	}
}

// The background weighs a small coverage's terms; a large coverage's own
// counts decide.
func TestBlendedIDF(t *testing.T) {
	small := Build(randomArticles(3, 1))
	// Two terms the small coverage lacks: a common verb of the news and a
	// name the background does not know.
	if common, rare := small.idf("hold", 0), small.idf("zzyzx", 0); common >= rare/2 {
		t.Errorf("small coverage: idf(hold) = %v, idf(zzyzx) = %v; want a common word to weigh far less", common, rare)
	}
	big := &Index{sents: make([]sentence, 1<<20)}
	if a, b := big.idf("hold", 10), big.idf("zzyzx", 10); math.Abs(a-b) > 0.05*a {
		t.Errorf("large coverage: idf(hold) = %v, idf(zzyzx) = %v; want its own counts to decide", a, b)
	}
}
