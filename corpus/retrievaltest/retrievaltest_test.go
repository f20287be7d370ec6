package retrievaltest_test

import (
	"context"
	"math"
	"sort"
	"strings"
	"testing"
	"unicode"

	"github.com/newsbot-dev/newsbot"
	"github.com/newsbot-dev/newsbot/corpus"
	"github.com/newsbot-dev/newsbot/corpus/retrievaltest"
	"github.com/newsbot-dev/newsbot/corpus/segment"
)

// overlap is the trivial retriever: a fixed slice of sentences, split with
// corpus/segment, scored by the IDF-weighted overlap of their words with
// the question's. A sentence that refers back with a pronoun also matches
// the words of the sentence before it, at half weight, and carries that
// sentence as Before. It shows that the suite asks for the contract, not
// for the sentence index's ranking.
type overlap struct {
	sents []sentence
	df    map[string]int // sentences holding each word
}

type sentence struct {
	art              *corpus.Article
	start, end       int
	paragraph, index int // from 1
	words, context   map[string]bool
	before           string
}

// stop holds the words that carry no topic, the question words among them;
// reporting verbs too, since "what did X say" asks about what X said,
// not about saying.
var stop = set(`a an the of in on at to for by with from and or but is was were are be been
	did do does what who whom whose why when where which how this that these those it its
	about as after before than then so not no has had have will would could should
	say says said tell told`)

var pronouns = set("he she they his her him them their")

func set(words string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(words) {
		m[w] = true
	}
	return m
}

// words lists the lower-cased words of s.
func words(s string) []string {
	return strings.FieldsFunc(strings.ToLower(s), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
}

func wordSet(s string) map[string]bool {
	m := map[string]bool{}
	for _, w := range words(s) {
		if !stop[w] {
			m[w] = true
		}
	}
	return m
}

func leans(s string) bool {
	for _, w := range words(s) {
		if pronouns[w] {
			return true
		}
	}
	return false
}

func newOverlap(arts []corpus.Article) *overlap {
	o := &overlap{df: map[string]int{}}
	for i := range arts {
		a := &arts[i]
		text := a.Body[a.TextStart:]
		var prev string
		for n, sp := range segment.Sentences(text) {
			s := sentence{
				art:   a,
				start: a.TextStart + sp.Start, end: a.TextStart + sp.End,
				paragraph: sp.Paragraph + 1, index: n + 1,
			}
			body := a.Body[s.start:s.end]
			s.words = wordSet(body)
			if prev != "" && leans(body) {
				s.before, s.context = prev, wordSet(prev)
			}
			for w := range s.words {
				o.df[w]++
			}
			o.sents = append(o.sents, s)
			prev = body
		}
	}
	return o
}

func (o *overlap) idf(w string) float64 {
	return math.Log(1 + float64(len(o.sents))/float64(1+o.df[w]))
}

func (o *overlap) Retrieve(ctx context.Context, question string, k int) ([]newsbot.Evidence, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	// The question's words in order, each once, so that sums (and
	// scores) come out the same on every call.
	var q []string
	seen := map[string]bool{}
	for _, w := range words(question) {
		if !stop[w] && !seen[w] {
			seen[w] = true
			q = append(q, w)
		}
	}
	var total float64
	for _, w := range q {
		total += o.idf(w)
	}
	if total == 0 || k <= 0 {
		return nil, nil
	}
	var out []newsbot.Evidence
	for _, s := range o.sents {
		var own, ctx float64
		for _, w := range q {
			switch {
			case s.words[w]:
				own += o.idf(w)
			case s.context[w]:
				ctx += o.idf(w)
			}
		}
		if own+ctx == 0 {
			continue
		}
		a := s.art
		out = append(out, newsbot.Evidence{
			ArticleID: a.ID, Start: s.start, End: s.end, Sentence: a.Body[s.start:s.end],
			Paragraph: s.paragraph, Index: s.index, Before: s.before,
			Outlet: a.Outlet, Title: a.Title, URL: a.URL, Author: a.Author, Published: a.Published,
			Relevance: newsbot.Relevance{Score: own + ctx/2, Coverage: (own + ctx) / total, Own: own / total},
		})
	}
	// Stable: among equal scores, the order of the sentences.
	sort.SliceStable(out, func(i, j int) bool { return out[i].Relevance.Score > out[j].Relevance.Score })
	if len(out) > k {
		out = out[:k]
	}
	return out, nil
}

func TestOverlapRetriever(t *testing.T) {
	retrievaltest.Run(t, func(t *testing.T, arts []corpus.Article) newsbot.Retriever {
		return newOverlap(arts)
	})
}

// withoutContext hides the sentence a retrieved one leans on, as an
// engine without context would.
type withoutContext struct{ r newsbot.Retriever }

func (w withoutContext) Retrieve(ctx context.Context, q string, k int) ([]newsbot.Evidence, error) {
	ev, err := w.r.Retrieve(ctx, q, k)
	for i := range ev {
		ev[i].Before = ""
	}
	return ev, err
}

func TestOverlapRetrieverWithoutContext(t *testing.T) {
	retrievaltest.Run(t, func(t *testing.T, arts []corpus.Article) newsbot.Retriever {
		return withoutContext{newOverlap(arts)}
	}, retrievaltest.WithoutContext())
}
