package index

import (
	"cmp"
	"container/heap"
	"math"
	"slices"
	"sort"
	"strings"
	"sync"
	"unicode/utf8"

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
	// Answers is the estimated probability, from 0 to 1, that the
	// coverage answers the question with this sentence: that it holds the
	// question's focus (its named things, what it asks about) and the kind
	// of answer asked for. It is calibrated on questions asked of their own
	// coverage and of unrelated coverage (see the README); it is not
	// comparable to Score.
	Answers float64
}

// Text returns the sentence, verbatim.
func (h Hit) Text() string { return h.Article.Body[h.Start:h.End] }

// The ranking, in two stages, so that an engine with disk-backed
// postings and block-max WAND or MaxScore top-k can take the first over:
//
// Stage 1 is a plain sum of per-term sentence scores: BM25 (k1, b) of the
// sentence's own words plus, at weight contextWeight, the words of the
// context it carries (the names of the sentence before it when it refers
// back with a pronoun). The best poolSize sentences go on; nothing else is
// read from all the postings of a term.
//
// Stage 2 computes, for those candidates only, the signals below by
// seeking each question term's postings to the candidates' articles (the
// candidates sorted by sentence, so each seek goes forward) and reading
// the postings of those articles: at most one seek per term and article,
// and the memory of a search is bounded by the pool. The candidates are
// ordered by the weighted sum of those features, and stage 3 reads the
// words of the best rerankDepth of them (their own text only) for the
// last features and orders them by the full sum (see rank). Each feature
// is in [0, 1]; featureNames names them in this order:
//
//	sent      stage-1 BM25 of the sentence, over the best in the pool
//	cov       share of the question's weight (IDF times its weight in the
//	          question, found or not in the index) that the sentence or its
//	          context matches
//	own       the same, the sentence's own words only
//	ent       share of the weight of the question's named things (entity
//	          terms: capitalised words, acronyms, numbers) matched; 1 when it
//	          has none
//	evt       share of the weight of the other terms of the question proper
//	          (what it asks about: the verb, the head noun) matched; 1 when
//	          there are none
//	subj      1 when the sentence or its context holds the question's
//	          subject: the last word of the first name in the question proper
//	          ("Lavrov" in "What did Sergei Lavrov say ...?"); 1 when it
//	          names no one
//	topic     share of the weight of what the question says it is about
//	          (the words after "about": "sanctions" in "What did Lavrov say
//	          about sanctions?") that the sentence or its context matches; 1
//	          when it says nothing of the kind
//	art       BM25 of the whole article body, over the best in the pool
//	artcov    share of the question's weight the article's body or headline
//	          holds
//	artent    share of the entity weight the article's body or headline holds
//	title     share of the question's weight the headline holds
//	nbr       the better BM25 of the sentences just before and after, over
//	          the best sentence's
//	lead      sent, for the first sentence of its article (else 0)
//	pos       sent/(1 + the sentence's index in its article): where a
//	          sentence stands counts in proportion to how well it matches, so
//	          that a lead that barely touches the question does not outrank
//	          the sentence that answers it
//	short     1 for a sentence of fewer than 5 terms
//	ask       1 for a sentence that is itself a question (it asks, it does
//	          not answer: quiz pages repeat the question)
//	echo      cov for a sentence that is itself a question, else 0: the
//	          question repeated, which never answers it
//	surp      how unlikely it is that a sentence holds the question terms it
//	          matches by chance: the sum of log(sentences/df) of those terms
//	          over log(sentences), a quarter of it, at most 1 (see surprise)
//	artsurp   the same for the article body, over articles
//	atype     the sentence holds an answer of the kind asked for, not
//	          already in the question: 1 for a clear one, 0.5 for a weak sign
//	          (see question.answerType), for a question that asks for a name,
//	          a place, a time or a number [stage 3]
//	atype2    the same for a question that asks what someone said or why:
//	          signs of those (a quotation, "because") are weaker [stage 3]
//	prox      matched question terms over the span of words they cover in
//	          the sentence, when two or more match [stage 3]
//	phrase    share of the question's pairs of adjacent terms ("world
//	          cup", "head of state": a stop word may stand between) that
//	          stand together in the sentence, in order, at most one word
//	          between them; 1 when it has none [stage 3]
//	near      how near the word that carries the answer type stands to a
//	          word matching the question: 1/(1 + the words between them), 0
//	          with no such word [stage 3]
//
// The score is a weighted sum of these features, the weights learned by
// corpus/index/train (rankWeights in weights.go): one set for sentences
// with an article around them, one for sentences that are their article's
// only one (as in TREC QA), where the article's features only repeat the
// sentence's. The answerability of a
// candidate, Hit.Answers, is a logistic model over its absolute features
// and the question's (answerFeatureNames), its weights learned by the same
// script.
const (
	k1            = 0.7
	b             = 0.4
	contextWeight = 0.5
	poolSize      = 200
	rerankDepth   = 40
)

// The features, in the order of featureNames.
const (
	fSent = iota
	fCov
	fOwn
	fEnt
	fEvt
	fSubj
	fTopic
	fArt
	fArtCov
	fArtEnt
	fTitle
	fNbr
	fLead
	fPos
	fShort
	fAsk
	fEcho
	fSurp
	fArtSurp
	fAType // stage 3 from here on
	fAType2
	fProx
	fPhrase
	fNear
	numFeatures
)

// firstToken is the first feature that needs the sentence's words.
const firstToken = fAType

var featureNames = [numFeatures]string{
	"sent", "cov", "own", "ent", "evt", "subj", "topic", "art", "artcov", "artent", "title",
	"nbr", "lead", "pos", "short", "ask", "echo", "surp", "artsurp", "atype", "atype2", "prox",
	"phrase", "near",
}

// Search returns the k sentences that best answer question, best first.
func (ix *Index) Search(question string, k int) []Hit {
	return ix.search(question, k, nil)
}

// search is Search over the articles of the outlets in want (lower-cased;
// nil: all), filtered in stage 1.
func (ix *Index) search(question string, k int, want map[string]bool) []Hit {
	if ix == nil || len(ix.sents) == 0 || k <= 0 {
		return nil
	}
	s := ix.newSearchFiltered(question, poolSize, want)
	if s == nil {
		return nil
	}
	defer s.done()
	return s.hits(s.rank(k))
}

// done returns what the search borrowed from the index.
func (s *search) done() {
	switch {
	case s.an == nil:
	case s.ix != nil:
		s.ix.putAnalyzer(s.an)
	case s.analyzers != nil:
		putAnalyzer(s.analyzers, s.an)
	}
	s.an = nil
}

// text is candidate c's sentence, verbatim.
func (s *search) text(c *cand) string {
	if s.d != nil {
		t, err := s.d.sentenceText(int(c.seg), c.sent)
		if err != nil && s.err == nil {
			s.err = err
		}
		return t
	}
	return s.ix.text(c.sent)
}

// getAnalyzer returns an analyzer for stage 3's words, with the words
// interned by earlier searches.
func (ix *Index) getAnalyzer() *analyzer { return getAnalyzer(&ix.analyzers) }

func getAnalyzer(p *sync.Pool) *analyzer {
	if an, ok := p.Get().(*analyzer); ok {
		return an
	}
	return newAnalyzer(64)
}

// putAnalyzer keeps an analyzer for the next search, its interned words
// forgotten when they have grown past a bound.
func (ix *Index) putAnalyzer(an *analyzer) { putAnalyzer(&ix.analyzers, an) }

func putAnalyzer(p *sync.Pool, an *analyzer) {
	if len(an.seen) > 1<<14 {
		clear(an.seen)
	}
	p.Put(an)
}

// search is one search in progress: the analysed question, its terms
// found in the index, and the pool of candidates.
type search struct {
	ix *Index
	// d, when set instead of ix, is the Disk snapshot searched, and dts
	// its question terms, parallel to qts.
	d   *snapshot
	dts []dterm
	// analyzers pools stage 3's analyzers for a Disk search.
	analyzers *sync.Pool
	q         question
	// qts are the question's terms that the index holds.
	qts []qterm
	// total is the question's weight; entTotal, evtTotal and phraseTotal
	// the weights of its entity terms, its other terms of the question
	// proper, and its term pairs.
	total, entTotal, evtTotal, phraseTotal, topicTotal float64
	// found and entFound are the shares of total and entTotal that the
	// index holds at all.
	found, entFound float64
	// bestArt is the best share of the question's weight that the
	// article of any candidate holds.
	bestArt float64
	cands   []cand
	err     error     // a damaged segment met by a Disk search
	an      *analyzer // for stage 3, from the index's pool
	toks    []token   // stage 3's words, reused
}

// qterm is a question term found in the index.
type qterm struct {
	id         uint32
	q          int     // index in question.terms
	idfS, idfD float64 // IDF over sentences, over articles
	qw         float64 // the term's weight in the question
}

// cand is one sentence of the pool.
type cand struct {
	seg   int32 // the segment, in a search of a Disk snapshot
	sent  uint32
	bm25  float32 // stage 1
	x     [numFeatures]float32
	cheap float64 // the weighted sum of the stage-2 features
	score float64
	full  bool // stage-3 features are in x and score
	// single is true for the only sentence of its article.
	single bool
}

// weights returns the ranking weights for c: rankWeights[alone] for a
// sentence that is its article's only one (the TREC QA kind of corpus:
// there the article features only repeat the sentence's), rankWeights[0]
// for one with an article around it.
func (c *cand) weights() *[numFeatures]float64 {
	if c.single {
		return &rankWeights[alone]
	}
	return &rankWeights[0]
}

// alone indexes rankWeights for sentences that are their article's only
// one.
const alone = 1

// newSearch analyses the question, runs stage 1 and computes the stage-2
// features of the pool. It returns nil when no sentence matches.
func (ix *Index) newSearch(text string, pool int) *search {
	return ix.newSearchFiltered(text, pool, nil)
}

// newSearchFiltered is newSearch whose stage 1 keeps only the sentences
// of articles whose outlet or wire is in want (nil: all).
func (ix *Index) newSearchFiltered(text string, pool int, want map[string]bool) *search {
	s := &search{ix: ix, q: analyseQuestion(text, ix.stemCache())}
	s.terms()
	if len(s.qts) == 0 || s.total == 0 {
		return nil
	}
	sc := ix.getScratch()
	var keep func(t uint32) bool
	if want != nil {
		keep = func(t uint32) bool {
			a := &ix.articles[ix.sents[t].article]
			return want[strings.ToLower(a.Outlet)] || want[strings.ToLower(a.Wire)]
		}
	}
	s.cands = ix.stage1(sc, s.qts, pool, keep)
	ix.putScratch(sc)
	if len(s.cands) == 0 {
		return nil
	}
	s.gather()
	for i := range s.cands {
		c := &s.cands[i]
		w := c.weights()
		for f := range firstToken {
			c.cheap += w[f] * float64(c.x[f])
		}
	}
	return s
}

// terms looks the question's terms up and sums the weights the features
// are shares of. A term the index lacks counts in the totals, so that it
// counts against every sentence.
func (s *search) terms() {
	ix := s.ix
	nD := float64(len(ix.articles))
	var found, entFound float64
	idfs := make([]float64, len(s.q.terms))
	for i, w := range s.q.terms {
		id, ok := ix.vocab[w.term]
		var df float64
		if ok {
			df = float64(len(ix.post[id]))
		}
		idfS := ix.idf(w.term, df)
		idfs[i] = idfS
		if w.alt && idfS > idfs[w.of] {
			// An alternate gives at most sameEventWeight of its term's
			// weight.
			s.q.terms[i].weight *= idfs[w.of] / idfS
			w = s.q.terms[i]
		}
		v := idfS * w.weight
		if w.alt {
			v = 0 // it counts in no total
		}
		s.total += v
		if w.topic {
			s.topicTotal += v
		}
		if w.entity {
			s.entTotal += v
		} else if w.ask {
			s.evtTotal += v
		}
		if !ok || df == 0 {
			continue
		}
		found += v
		if w.entity {
			entFound += v
		}
		ddf := float64(ix.docDF[id])
		s.qts = append(s.qts, qterm{id: id, q: i, idfS: idfS, idfD: math.Log(1 + (nD-ddf+0.5)/(ddf+0.5)), qw: w.weight})
	}
	for _, bg := range s.q.bigrams {
		s.phraseTotal += min(idfs[bg[0]]*s.q.terms[bg[0]].weight, idfs[bg[1]]*s.q.terms[bg[1]].weight)
	}
	s.found = share(found, s.total)
	s.entFound = 1
	if s.entTotal > 0 {
		s.entFound = entFound / s.entTotal
	}
}

// share is a/b, 0 when b is 0.
func share(a, b float64) float64 {
	if b == 0 {
		return 0
	}
	return a / b
}

// bm25 is the BM25 of a term with frequency tf in a text of n terms whose
// average length is avg, with the term's IDF times its question weight.
func bm25(idfw, tf, n, avg float64) float64 {
	return idfw * tf * (k1 + 1) / (tf + k1*(1-b+b*n/avg))
}

// scratch holds per-search arrays for stage 1, reused across searches.
type scratch struct {
	sent    []float32 // by sentence: BM25 of its words and context
	touched []uint32  // sentences with a score
}

// getScratch returns zeroed arrays sized for the index.
func (ix *Index) getScratch() *scratch {
	s, _ := ix.scratch.Get().(*scratch)
	if s == nil || len(s.sent) < len(ix.sents) {
		s = &scratch{sent: make([]float32, len(ix.sents))}
	}
	return s
}

// putScratch zeroes what a search wrote and keeps the arrays for the next.
func (ix *Index) putScratch(s *scratch) {
	for _, t := range s.touched {
		s.sent[t] = 0
	}
	s.touched = s.touched[:0]
	ix.scratch.Put(s)
}

// stage1 adds up, term by term, the BM25 of each sentence that holds a
// question term (its own words and, at contextWeight, its context), and
// returns the n best sentences, in no order; only those keep keeps when
// it is not nil.
func (ix *Index) stage1(s *scratch, qts []qterm, n int, keep func(uint32) bool) []cand {
	for _, qt := range qts {
		idfw := qt.idfS * qt.qw
		for _, p := range ix.post[qt.id] {
			tf := float64(p.own) + contextWeight*float64(p.ctx)
			v := bm25(idfw, tf, float64(ix.sents[p.sent].n), ix.avgSent)
			if s.sent[p.sent] == 0 {
				s.touched = append(s.touched, p.sent)
			}
			s.sent[p.sent] += float32(v)
		}
	}
	top := make(poolHeap, 0, n+1)
	for _, t := range s.touched {
		v := s.sent[t]
		if keep != nil && !keep(t) {
			continue
		}
		if len(top) < n {
			heap.Push(&top, pooled{t, v})
		} else if v > top[0].bm25 || (v == top[0].bm25 && t < top[0].sent) {
			top[0] = pooled{t, v}
			heap.Fix(&top, 0)
		}
	}
	cands := make([]cand, len(top))
	for i, p := range top {
		cands[i] = cand{sent: p.sent, bm25: p.bm25}
	}
	return cands
}

// gather computes the stage-2 features of the pool: for each question
// term, one forward seek per candidate article in the term's postings,
// then the postings of that article.
func (s *search) gather() {
	ix := s.ix
	cs := s.cands
	slices.SortFunc(cs, func(a, b cand) int { return cmp.Compare(a.sent, b.sent) })
	nS, nD := float64(len(ix.sents)), float64(len(ix.articles))
	accs := make([]acc, len(cs))
	for _, qt := range s.qts {
		w := s.q.terms[qt.q]
		v := qt.idfS * w.weight // the term's part of the totals
		idfw := qt.idfS * qt.qw
		post := ix.post[qt.id]
		titles := ix.titles[qt.id]
		pos, tpos := 0, 0
		for g := 0; g < len(cs); {
			a := ix.sents[cs[g].sent].article
			h := g + 1
			for h < len(cs) && ix.sents[cs[h].sent].article == a {
				h++
			}
			lo, hi := ix.artFirst[a], ix.artFirst[a+1]
			pos = seek(post, pos, lo)
			var docTF float64
			i := g
			for ; pos < len(post) && post[pos].sent < hi; pos++ {
				p := post[pos]
				docTF += float64(p.own)
				for i < h && cs[i].sent+1 < p.sent {
					i++
				}
				for j := i; j < h && cs[j].sent <= p.sent+1; j++ {
					c, ac := &cs[j], &accs[j]
					tf := float64(p.own) + contextWeight*float64(p.ctx)
					switch {
					case c.sent == p.sent:
						ac.subj = ac.subj || qt.q == s.q.subject
						ac.cov += v
						if w.topic {
							ac.topic += v
						}
						ac.surp += math.Log(nS / float64(len(post)))
						if p.own > 0 {
							ac.own += v
						}
						if w.entity {
							ac.ent += v
						} else if w.ask {
							ac.evt += v
						}
					case c.sent == p.sent+1:
						ac.prev += bm25(idfw, tf, float64(ix.sents[p.sent].n), ix.avgSent)
					default: // p.sent == c.sent+1
						ac.next += bm25(idfw, tf, float64(ix.sents[p.sent].n), ix.avgSent)
					}
				}
			}
			inTitle := false
			tpos = seekU32(titles, tpos, a)
			if tpos < len(titles) && titles[tpos] == a {
				inTitle = true
			}
			if docTF > 0 || inTitle {
				var art, surp float64
				if docTF > 0 {
					art = bm25(qt.idfD*qt.qw, docTF, float64(ix.docLen[a]), ix.avgDoc)
					surp = math.Log(nD / float64(max(1, ix.docDF[qt.id])))
				}
				for j := g; j < h; j++ {
					ac := &accs[j]
					ac.art += art
					ac.artSurp += surp
					ac.artCov += v
					if w.entity {
						ac.artEnt += v
					}
					if inTitle {
						ac.title += v
					}
				}
			}
			g = h
		}
	}
	maxS, maxA := poolMax(cs, accs)
	for i := range cs {
		c := &cs[i]
		st := &ix.sents[c.sent]
		idx := c.sent - ix.artFirst[st.article]
		c.single = ix.artFirst[st.article+1]-ix.artFirst[st.article] == 1
		s.setFeatures(c, &accs[i], maxS, maxA, nS, nD, int(idx), st.n < 5, isInterrogative(ix.text(c.sent)))
	}
}

// acc holds what gather sums for one candidate over the question's terms:
// the neighbours' and the article's BM25, and the shares matched.
type acc struct {
	prev, next, art                           float64
	cov, own, ent, evt, artCov, artEnt, title float64
	surp, artSurp, topic                      float64
	subj                                      bool
}

// poolMax returns the pool's best sentence BM25 and best article BM25,
// which the features are shares of.
func poolMax(cs []cand, accs []acc) (maxS, maxA float64) {
	for i, c := range cs {
		maxS = max(maxS, float64(c.bm25))
		maxA = max(maxA, accs[i].art)
	}
	return maxS, maxA
}

// setFeatures sets candidate c's stage-2 features from its sums ac, the
// same for every engine: maxS and maxA are poolMax's, nS and nD the
// coverage's sentences and articles, idx the sentence's place in its
// article (from 0), short and question what is known of the sentence (under
// five words; a question).
func (s *search) setFeatures(c *cand, ac *acc, maxS, maxA, nS, nD float64, idx int, short, question bool) {
	x := &c.x
	x[fSent] = float32(share(float64(c.bm25), maxS))
	x[fCov] = float32(min(1, share(ac.cov, s.total)))
	x[fOwn] = float32(min(1, share(ac.own, s.total)))
	x[fEnt] = min(1, ratioOr1(ac.ent, s.entTotal))
	x[fEvt] = min(1, ratioOr1(ac.evt, s.evtTotal))
	x[fArt] = float32(share(ac.art, maxA))
	x[fArtCov] = float32(min(1, share(ac.artCov, s.total)))
	s.bestArt = max(s.bestArt, float64(x[fArtCov]))
	x[fSurp] = surprise(ac.surp, nS)
	x[fArtSurp] = surprise(ac.artSurp, nD)
	x[fArtEnt] = min(1, ratioOr1(ac.artEnt, s.entTotal))
	x[fTitle] = float32(min(1, share(ac.title, s.total)))
	x[fNbr] = float32(share(max(ac.prev, ac.next), maxS))
	if ac.subj || s.q.subject < 0 {
		x[fSubj] = 1
	}
	x[fTopic] = min(1, ratioOr1(ac.topic, s.topicTotal))
	if idx == 0 {
		x[fLead] = x[fSent]
	}
	x[fPos] = x[fSent] / float32(1+idx)
	if short {
		x[fShort] = 1
	}
	if question {
		x[fAsk] = 1
		x[fEcho] = x[fCov]
	}
}

// surprise scales how unlikely it is that a text holds the question
// terms it matches by chance: the sum of log(n/df) of those terms (the
// log of the expected number of texts, of n, that hold them all if terms
// fell independently) over log n, a quarter of it, at most 1. At 0.25 one
// text in the coverage would hold them by chance; higher, fewer.
func surprise(sum, n float64) float32 {
	if n <= 1 {
		return 0
	}
	return float32(min(1, sum/math.Log(n)/4))
}

// ratioOr1 is a/b, or 1 when b is 0: a question with no term of a kind
// misses none.
func ratioOr1(a, b float64) float32 {
	if b == 0 {
		return 1
	}
	return float32(min(1, a/b))
}

// seek returns the first position at or after from whose sentence is at
// least sent, galloping: forward steps double until they pass it, then a
// binary search.
func seek(post []posting, from int, sent uint32) int {
	if from >= len(post) || post[from].sent >= sent {
		return from
	}
	step := 1
	lo, hi := from, from+1
	for hi < len(post) && post[hi].sent < sent {
		lo = hi
		step *= 2
		hi += step
	}
	hi = min(hi, len(post))
	return lo + 1 + sort.Search(hi-lo-1, func(i int) bool { return post[lo+1+i].sent >= sent })
}

// seekU32 is seek over a sorted list of article numbers.
func seekU32(list []uint32, from int, v uint32) int {
	if from >= len(list) || list[from] >= v {
		return from
	}
	step := 1
	lo, hi := from, from+1
	for hi < len(list) && list[hi] < v {
		lo = hi
		step *= 2
		hi += step
	}
	hi = min(hi, len(list))
	return lo + 1 + sort.Search(hi-lo-1, func(i int) bool { return list[lo+1+i] >= v })
}

// words computes the stage-3 features of candidate c from its words.
func (s *search) words(c *cand) {
	if c.full {
		return
	}
	c.full = true
	if s.an == nil {
		switch {
		case s.ix != nil:
			s.an = s.ix.getAnalyzer()
		case s.analyzers != nil:
			s.an = getAnalyzer(s.analyzers)
		default:
			s.an = newAnalyzer(64)
		}
	}
	text := s.text(c)
	toks := s.an.words(s.toks[:0], text)
	s.toks = toks
	at, pos := s.q.answerType(toks, text)
	if s.q.want == wantStatement || s.q.want == wantReason {
		c.x[fAType2] = float32(at)
	} else {
		c.x[fAType] = float32(at)
	}
	c.x[fProx], c.x[fPhrase], c.x[fNear] = s.proximity(toks, pos)
	c.score = c.cheap
	w := c.weights()
	for f := firstToken; f < numFeatures; f++ {
		c.score += w[f] * float64(c.x[f])
	}
}

// proximity returns how closely the sentence's words that match question
// terms stand together (matched terms over the span of words they cover,
// 0 with fewer than two), the share of the question's term pairs that
// stand together in it, and how near the answer's word (at ans, -1 for
// none) stands to a matched word: 1/(1 + words between them), 0 for none.
func (s *search) proximity(toks []token, ans int) (prox, phrase, near float32) {
	terms := s.q.terms
	// match[i] is the question term word i matches, or -1.
	match := make([]int, len(toks))
	for i, t := range toks {
		match[i] = -1
		if t.stop {
			continue
		}
		w := t.term
		if l, ok := lemmas[w]; ok {
			w = l
		}
		for j := range terms {
			if matches(w, terms[j].term) {
				match[i] = j
				break
			}
		}
	}
	distinct := map[int]int{} // term -> last position seen
	first, last, n := -1, -1, 0
	best := float32(0)
	for i, m := range match {
		if m < 0 {
			continue
		}
		if _, ok := distinct[m]; !ok {
			n++
		}
		distinct[m] = i
		if first < 0 {
			first = i
		}
		last = i
		// The tightest window ending here that holds every term seen so
		// far: from the earliest of their last positions.
		lo := last
		for _, p := range distinct {
			lo = min(lo, p)
		}
		if n >= 2 {
			best = max(best, float32(n)/float32(last-lo+1))
		}
	}
	_ = first
	if ans >= 0 {
		d := len(toks)
		for i, m := range match {
			if m >= 0 {
				d = min(d, max(i-ans, ans-i)-1)
			}
		}
		if d < len(toks) {
			near = 1 / (1 + float32(max(d, 0)))
		}
	}
	if len(s.q.bigrams) == 0 {
		return best, 1, near
	}
	var got float64
	for _, bg := range s.q.bigrams {
	pairs:
		for i := range match {
			if match[i] != bg[0] {
				continue
			}
			for j := i + 1; j < len(match) && j <= i+2; j++ {
				if match[j] == bg[1] {
					got += s.pairWeight(bg)
					break pairs
				}
			}
		}
	}
	return best, float32(share(got, s.phraseTotal)), near
}

// pairWeight is the weight of a question term pair: the lesser of its
// terms'.
func (s *search) pairWeight(bg [2]int) float64 {
	w := func(i int) float64 {
		for _, qt := range s.qts {
			if qt.q == i {
				return qt.idfS * qt.qw
			}
		}
		// Not in the index: the pair cannot match anyway.
		return 0
	}
	return min(w(bg[0]), w(bg[1]))
}

// matches reports whether the lower-cased word w (its irregular form
// already joined: "said" as "say") is a form of the question term, a stem:
// the stem is a prefix of it ("sanction" of "sanctions"). Short stems must
// match whole, so that "un" does not match "under".
func matches(w, stem string) bool {
	if len(stem) < 4 {
		return w == stem || (len(w) == len(stem)+1 && w[len(stem)] == 's' && w[:len(stem)] == stem)
	}
	return strings.HasPrefix(w, stem) || (stem[len(stem)-1] == 'i' && len(w) >= len(stem) && w[:len(stem)-1] == stem[:len(stem)-1] && w[len(stem)-1] == 'y')
}

// rank returns the k best distinct candidates, best first: the
// rerankDepth best by their stage-2 score get their stage-3 features and
// are ordered by the full score; the rest, should the first be too few
// once repeated sentences are dropped, follow in stage-2 order.
func (s *search) rank(k int) []*cand {
	cs := s.cands
	order := make([]*cand, len(cs))
	for i := range cs {
		order[i] = &cs[i]
	}
	slices.SortFunc(order, func(a, b *cand) int {
		if c := cmp.Compare(b.cheap, a.cheap); c != 0 {
			return c
		}
		if c := cmp.Compare(a.seg, b.seg); c != 0 {
			return c
		}
		return cmp.Compare(a.sent, b.sent)
	})
	head := order[:min(rerankDepth, len(order))]
	for _, c := range head {
		s.words(c)
	}
	slices.SortStableFunc(head, func(a, b *cand) int {
		switch {
		case better(a, b):
			return -1
		case better(b, a):
			return 1
		}
		return 0
	})
	for _, c := range order[len(head):] {
		c.score = c.cheap
	}
	seen := make(map[string]bool, k)
	out := make([]*cand, 0, k)
	for _, c := range order {
		if len(out) == k {
			break
		}
		t := s.text(c)
		if seen[t] {
			continue
		}
		seen[t] = true
		out = append(out, c)
	}
	return out
}

// better orders candidates: higher score first, then earlier sentence.
func better(a, b *cand) bool {
	if a.score != b.score {
		return a.score > b.score
	}
	if a.seg != b.seg {
		return a.seg < b.seg
	}
	return a.sent < b.sent
}

// hits turns ranked candidates into Hits.
func (s *search) hits(cs []*cand) []Hit {
	ix := s.ix
	hits := make([]Hit, len(cs))
	for i, c := range cs {
		st := &ix.sents[c.sent]
		hits[i] = Hit{
			Article:   &ix.articles[st.article],
			Start:     int(st.start),
			End:       int(st.end),
			Paragraph: int(st.para),
			Index:     int(c.sent - ix.artFirst[st.article]),
			Score:     c.score,
			Coverage:  float64(c.x[fCov]),
			Own:       float64(c.x[fOwn]),
			Answers:   s.answers(c),
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
	for len(s) > 0 {
		r, n := utf8.DecodeLastRuneInString(s)
		switch r {
		case '?':
			return true
		case ' ', '"', '\'', '’', '”', ')', ']', '»':
			s = s[:len(s)-n]
			continue
		}
		return false
	}
	return false
}

// stemCache returns the index's cache of question stems, made on first
// use.
func (ix *Index) stemCache() *stemCache {
	ix.stemsOnce.Do(func() { ix.stems = &stemCache{} })
	return ix.stems
}

// pooled is a sentence of stage 1's pool and its score.
type pooled struct {
	sent uint32
	bm25 float32
}

// poolHeap is a min-heap on stage-1 score, so its root is the weakest of
// the best.
type poolHeap []pooled

func (h poolHeap) Len() int { return len(h) }
func (h poolHeap) Less(i, j int) bool {
	if h[i].bm25 != h[j].bm25 {
		return h[i].bm25 < h[j].bm25
	}
	return h[i].sent > h[j].sent
}
func (h poolHeap) Swap(i, j int) { h[i], h[j] = h[j], h[i] }
func (h *poolHeap) Push(x any)   { *h = append(*h, x.(pooled)) }
func (h *poolHeap) Pop() any {
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
