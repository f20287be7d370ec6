package index

import (
	"container/heap"
	"math"
	"sort"
	"strings"

	"github.com/newsbot-dev/newsbot/corpus"
)

// Hit is one sentence found by Search.
type Hit struct {
	// Article is the article the sentence belongs to.
	Article *corpus.Article
	// Start and End are the sentence's byte range in Article.Body.
	Start, End int
	// Paragraph and Index place the sentence in its article, from 0.
	Paragraph, Index int
	// Score orders hits; comparable only within one search.
	Score float64
	// Coverage is the share, from 0 to 1, of the question's weight (the IDF
	// of its terms) that the sentence and the context it carries (a
	// pronoun's antecedent) match. A low coverage means the sentence only
	// touches the question.
	Coverage float64
	// Own is the share of the question's weight matched by the sentence's
	// own words, without any context.
	Own float64
}

// Text returns the sentence, verbatim.
func (h Hit) Text() string { return h.Article.Body[h.Start:h.End] }

// scoring holds the weights of the ranking function. The zero value is not
// useful; start from defaultScoring.
type scoring struct {
	// K1 and B are the BM25 parameters, for sentences and articles alike.
	K1, B float64
	// Context weighs a term found only in a sentence's added context (the
	// antecedent of its pronoun) against one in its own words.
	Context float64
	// Article weighs how well the whole article (body and headline)
	// matches the question against how well the sentence does.
	Article float64
	// Title weighs a headline match inside the article score.
	Title float64
	// Neighbour weighs the better-matching of the sentences just before
	// and after.
	Neighbour float64
	// AnswerType is the bonus, relative to the best score, for a sentence
	// that holds an answer of the kind the question asks for (a name for
	// "who", a date for "when", a number for "how many") that is not
	// already in the question.
	AnswerType float64
	// Interrogative multiplies the score of a sentence that is itself a
	// question: it asks rather than answers (quiz pages repeat the very
	// question being asked).
	Interrogative float64
	// Pool is how many top sentences are rescored with the answer type.
	Pool int
}

// defaultScoring are the weights the bot uses, chosen on the training sets
// of ../shared/eval (see the README for the figures).
var defaultScoring = scoring{
	K1:            0.7,
	B:             0.4,
	Context:       0.5,
	Article:       0.3,
	Title:         0.5,
	Neighbour:     0.15,
	AnswerType:    0.25,
	Interrogative: 0.6,
	Pool:          100,
}

// Search returns the k sentences that best answer question, best first.
func (ix *Index) Search(question string, k int) []Hit {
	return ix.searchWith(defaultScoring, question, k)
}

// searchWith is Search with explicit weights. The steps: the question's
// terms, their postings accumulated into per-sentence and per-article
// scores, those combined with each sentence's neighbours and article into
// one score and the best pooled, the pool rescored for the kind of answer
// asked for, sorted, repeated sentences dropped, and the rest returned as
// hits.
func (ix *Index) searchWith(sc scoring, question string, k int) []Hit {
	if ix == nil || len(ix.sents) == 0 || k <= 0 {
		return nil
	}
	q := analyseQuestion(question)
	qts, total := ix.queryTerms(q)
	if len(qts) == 0 || total == 0 {
		return nil
	}
	s := ix.getScratch()
	defer ix.putScratch(s)
	ix.accumulate(sc, s, qts, total)
	m := s.maxima()
	if m.sent == 0 {
		return nil
	}
	cands := ix.pool(sc, s, m, max(k, sc.Pool))
	ix.rescore(sc, q, cands)
	sortByScore(cands)
	cands = ix.dedupe(cands, k)
	return ix.hits(s, cands)
}

// qterm is a question term found in the index.
type qterm struct {
	id         uint32
	idfS, idfD float64 // IDF over sentences, over articles
	qw         float64 // the term's weight in the question
}

// queryTerms looks the question's terms up, and returns those the index
// holds with their IDFs, and the question's total weight: the sum of the
// IDFs of all its terms, found or not, each times its weight in the
// question. Coverage is a share of that total, so that a term the
// coverage lacks counts against every sentence.
func (ix *Index) queryTerms(q question) ([]qterm, float64) {
	var qts []qterm
	var total float64
	nS := float64(len(ix.sents))
	nD := float64(len(ix.articles))
	for _, w := range q.terms {
		id, ok := ix.vocab[w.term]
		var df float64
		if ok {
			df = float64(len(ix.post[id]))
		}
		idfS := math.Log(1 + (nS-df+0.5)/(df+0.5))
		total += idfS * w.weight
		if !ok || df == 0 {
			continue
		}
		ddf := float64(ix.docDF[id])
		qts = append(qts, qterm{id: id, idfS: idfS, idfD: math.Log(1 + (nD-ddf+0.5)/(ddf+0.5)), qw: w.weight})
	}
	return qts, total
}

// scratch holds per-search arrays, reused across searches.
type scratch struct {
	sent    []float32 // by sentence: BM25 of its words and context
	cov     []float32 // by sentence: the share of the question's weight it matches
	own     []float32 // by sentence: the same, its own words only
	doc     []float32 // by article: BM25 of its body and headline
	touched []uint32  // sentences with a score
	docs    []uint32  // articles with a score
}

// getScratch returns zeroed arrays sized for the index.
func (ix *Index) getScratch() *scratch {
	s, _ := ix.scratch.Get().(*scratch)
	if s == nil || len(s.sent) < len(ix.sents) || len(s.doc) < len(ix.articles) {
		s = &scratch{
			sent: make([]float32, len(ix.sents)),
			cov:  make([]float32, len(ix.sents)),
			own:  make([]float32, len(ix.sents)),
			doc:  make([]float32, len(ix.articles)),
		}
	}
	return s
}

// putScratch zeroes what a search wrote and keeps the arrays for the next.
func (ix *Index) putScratch(s *scratch) {
	for _, t := range s.touched {
		s.sent[t], s.cov[t], s.own[t] = 0, 0, 0
	}
	for _, d := range s.docs {
		s.doc[d] = 0
	}
	s.touched, s.docs = s.touched[:0], s.docs[:0]
	ix.scratch.Put(s)
}

// accumulate adds up, term by term, the BM25 of each sentence that holds
// a question term (its own words, and at a lower weight its context), the
// share of the question's weight it matches, and the BM25 of each article
// (body and headline).
func (ix *Index) accumulate(sc scoring, s *scratch, qts []qterm, total float64) {
	k1, b := sc.K1, sc.B
	for _, qt := range qts {
		qw := qt.qw
		idfS32 := float32(qt.idfS * qw / total)
		lastArt := uint32(math.MaxUint32)
		var docTF float64
		// Postings are in sentence order, so an article's are together:
		// its body score is added when the next article's begin.
		flush := func() {
			if lastArt == math.MaxUint32 || docTF == 0 {
				return
			}
			dl := float64(ix.docLen[lastArt])
			v := qt.idfD * qt.qw * docTF * (k1 + 1) / (docTF + k1*(1-b+b*dl/ix.avgDoc))
			if s.doc[lastArt] == 0 {
				s.docs = append(s.docs, lastArt)
			}
			s.doc[lastArt] += float32(v)
		}
		for _, p := range ix.post[qt.id] {
			st := &ix.sents[p.sent]
			if st.article != lastArt {
				flush()
				lastArt, docTF = st.article, 0
			}
			docTF += float64(p.own)
			tf := float64(p.own) + sc.Context*float64(p.ctx)
			v := qt.idfS * qw * tf * (k1 + 1) / (tf + k1*(1-b+b*float64(st.n)/ix.avgSent))
			if s.sent[p.sent] == 0 && s.cov[p.sent] == 0 {
				s.touched = append(s.touched, p.sent)
			}
			s.sent[p.sent] += float32(v)
			s.cov[p.sent] += idfS32
			if p.own > 0 {
				s.own[p.sent] += idfS32
			}
		}
		flush()
		for _, a := range ix.titles[qt.id] {
			tl := float64(ix.tLen[a])
			v := sc.Title * qt.idfD * qw * (k1 + 1) / (1 + k1*(1-b+b*tl/ix.avgT))
			if s.doc[a] == 0 {
				s.docs = append(s.docs, a)
			}
			s.doc[a] += float32(v)
		}
	}
}

// maxima are the best sentence and article scores of a search.
type maxima struct{ sent, doc float32 }

func (s *scratch) maxima() maxima {
	var m maxima
	for _, t := range s.touched {
		m.sent = max(m.sent, s.sent[t])
	}
	for _, d := range s.docs {
		m.doc = max(m.doc, s.doc[d])
	}
	return m
}

// pool combines each scored sentence's signals into one score and
// returns the n sentences of best score, in no order.
func (ix *Index) pool(sc scoring, s *scratch, m maxima, n int) []scored {
	// combined is sentence t's score: its own, the better of its
	// neighbours' and its article's, on one scale: each relative to its
	// best in this search. (A closure called in place, so that it is
	// inlined in the loop over every scored sentence.)
	combined := func(t uint32) float64 {
		st := &ix.sents[t]
		v := float64(s.sent[t] / m.sent)
		var nb float32
		if t > ix.artFirst[st.article] {
			nb = s.sent[t-1]
		}
		if t+1 < ix.artFirst[st.article+1] {
			nb = max(nb, s.sent[t+1])
		}
		v += sc.Neighbour * float64(nb/m.sent)
		if m.doc > 0 {
			v += sc.Article * float64(s.doc[st.article]/m.doc)
		}
		return v
	}
	top := make(hitHeap, 0, n+1)
	for _, t := range s.touched {
		v := combined(t)
		if len(top) < n {
			heap.Push(&top, scored{t, v})
		} else if v > top[0].score {
			top[0] = scored{t, v}
			heap.Fix(&top, 0)
		}
	}
	return top
}

// rescore adjusts the pool for what the sentences say: a sentence that is
// itself a question is marked down, and one that holds the kind of answer
// the question asks for (and that the question lacks) gets a bonus
// relative to the best score.
func (ix *Index) rescore(sc scoring, q question, cands []scored) {
	var top float64
	for _, c := range cands {
		top = max(top, c.score)
	}
	an := newAnalyzer(64)
	var toks []token
	for i, c := range cands {
		text := ix.text(c.sent)
		if isInterrogative(text) {
			cands[i].score *= sc.Interrogative
		}
		if sc.AnswerType > 0 && q.want != wantNothing {
			toks = an.words(toks[:0], text)
			if q.answers(toks) {
				cands[i].score += sc.AnswerType * top
			}
		}
	}
}

// sortByScore sorts best first; equal scores in index order.
func sortByScore(cands []scored) {
	sort.Slice(cands, func(i, j int) bool {
		if cands[i].score != cands[j].score {
			return cands[i].score > cands[j].score
		}
		return cands[i].sent < cands[j].sent
	})
}

// dedupe keeps the first k distinct sentences of sorted cands: the same
// sentence in several articles (wire copy, syndication) is one answer, at
// its best-ranked occurrence.
func (ix *Index) dedupe(cands []scored, k int) []scored {
	seen := make(map[string]bool, k)
	kept := cands[:0]
	for _, c := range cands {
		if len(kept) == k {
			break
		}
		t := ix.text(c.sent)
		if seen[t] {
			continue
		}
		seen[t] = true
		kept = append(kept, c)
	}
	return kept
}

// hits turns the chosen sentences into Hits.
func (ix *Index) hits(s *scratch, cands []scored) []Hit {
	hits := make([]Hit, len(cands))
	for i, c := range cands {
		st := &ix.sents[c.sent]
		hits[i] = Hit{
			Article:   &ix.articles[st.article],
			Start:     int(st.start),
			End:       int(st.end),
			Paragraph: int(st.para),
			Index:     int(c.sent - ix.artFirst[st.article]),
			Score:     c.score,
			Coverage:  float64(s.cov[c.sent]),
			Own:       float64(s.own[c.sent]),
		}
	}
	return hits
}

// text returns sentence t, verbatim.
func (ix *Index) text(t uint32) string {
	st := &ix.sents[t]
	return ix.articles[st.article].Body[st.start:st.end]
}

// isInterrogative reports a sentence that ends with a question mark, before
// any closing quotes or brackets.
func isInterrogative(s string) bool {
	s = strings.TrimRight(s, " \"'’”)]»")
	return strings.HasSuffix(s, "?")
}

type scored struct {
	sent  uint32
	score float64
}

// hitHeap is a min-heap on score, so its root is the weakest of the best.
type hitHeap []scored

func (h hitHeap) Len() int { return len(h) }
func (h hitHeap) Less(i, j int) bool {
	if h[i].score != h[j].score {
		return h[i].score < h[j].score
	}
	return h[i].sent > h[j].sent
}
func (h hitHeap) Swap(i, j int) { h[i], h[j] = h[j], h[i] }
func (h *hitHeap) Push(x any)   { *h = append(*h, x.(scored)) }
func (h *hitHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}

// previous returns the sentence before h in its article, and false when h
// is the article's first sentence (or not from this index).
func (ix *Index) previous(h Hit) (string, bool) {
	a, ok := ix.ids[h.Article.ID]
	if !ok || h.Index <= 0 {
		return "", false
	}
	t := ix.artFirst[a] + uint32(h.Index) - 1
	if t >= ix.artFirst[a+1] {
		return "", false
	}
	return ix.text(t), true
}

// needsContext reports whether a sentence leans on the one before it: it
// refers back with a pronoun ("he said") or begins with a connective
// ("But", "However").
func needsContext(sentence string) bool {
	an := newAnalyzer(16)
	toks := an.words(nil, sentence)
	for i, t := range toks {
		if isAnaphor(t.term) {
			return true
		}
		if i == 0 {
			switch t.term {
			case "but", "however", "this", "that", "these", "those", "it", "also", "meanwhile", "still":
				return true
			}
		}
	}
	return false
}
