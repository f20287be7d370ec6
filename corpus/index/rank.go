package index

import (
	"context"
	"math"
	"math/bits"
	"runtime"
	"sort"

	"github.com/newsbot-dev/newsbot"
	"github.com/newsbot-dev/newsbot/corpus"
)

// DiskHit is one sentence found by a search of a Disk index. Its strings
// are copies: they stay valid whatever happens to the index after.
type DiskHit struct {
	// Article is the sentence's article: its metadata, without the Body.
	Article corpus.Article
	// Sentence is the sentence, verbatim: the article body's bytes
	// [Start:End].
	Sentence string
	// Start and End are the sentence's byte range in the article's body.
	Start, End int
	// Paragraph and Index place the sentence in its article, from 0.
	Paragraph, Index int
	// Score orders hits; comparable only within one search.
	Score float64
	// Coverage and Own are as in Hit.
	Coverage, Own float64

	seg   int
	sent  uint32
	flags uint8
}

// Text returns the sentence, verbatim.
func (h DiskHit) Text() string { return h.Sentence }

// firstStage is how many sentences the first stage keeps for the second:
// the sentences of best BM25 alone, from which the ranking's other signals
// (the article, the neighbours, the answer type) choose. Measured on the
// shared sets (TestFirstStageMetrics): from 100 to 300 they score the same
// (against an exhaustive ranking, realtimeqa-2022a gains a Hit@5 and loses
// an AnsHit@5), from 1000 exactly as exhaustive; search time grows with it
// (Reuters-21578 median about 0.3 ms at 100, 0.4 at 200, 1 ms at 1000; at
// 1M sentences 0.77 ms at 100, 0.96 at 200). A second stage with more
// signals (a learned ranker) may want more: Disk.FirstStage sets it.
const firstStage = 100

// Search returns the k sentences that best answer question, best first.
func (ix *Disk) Search(question string, k int) ([]DiskHit, error) {
	return ix.searchCtx(context.Background(), question, k)
}

// searchCtx is Search, waiting its turn (see Searchers) unless ctx ends.
func (ix *Disk) searchCtx(ctx context.Context, question string, k int) ([]DiskHit, error) {
	slots := ix.searchSlots()
	select {
	case slots <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	defer func() { <-slots }()
	s := ix.acquire()
	defer s.release()
	return s.search(defaultScoring, ix.firstStage(), question, k)
}

// searchSlots is the semaphore of Searchers.
func (ix *Disk) searchSlots() chan struct{} {
	ix.slotsOnce.Do(func() {
		n := ix.Searchers
		if n <= 0 {
			n = runtime.GOMAXPROCS(0)
		}
		ix.slots = make(chan struct{}, n)
	})
	return ix.slots
}

func (ix *Disk) firstStage() int {
	if ix.FirstStage > 0 {
		return ix.FirstStage
	}
	return firstStage
}

var _ newsbot.Retriever = (*Disk)(nil)

// Retrieve implements newsbot.Retriever: Search, as evidence. A sentence
// that leans on the one before it carries that one as Before.
func (ix *Disk) Retrieve(ctx context.Context, question string, k int) ([]newsbot.Evidence, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	hits, err := ix.searchCtx(ctx, question, k)
	if err != nil || len(hits) == 0 {
		return nil, err
	}
	s := ix.acquire()
	defer s.release()
	out := make([]newsbot.Evidence, len(hits))
	for i, h := range hits {
		a := h.Article
		e := newsbot.Evidence{
			ArticleID: a.ID,
			Start:     h.Start,
			End:       h.End,
			Sentence:  h.Sentence,
			Paragraph: h.Paragraph + 1,
			Index:     h.Index + 1,
			Outlet:    a.Outlet,
			Title:     a.Title,
			URL:       a.URL,
			Author:    a.Author,
			Published: a.Published,
			Relevance: newsbot.Relevance{Score: h.Score, Coverage: h.Coverage, Own: h.Own},
		}
		if h.flags&flagLeans != 0 && h.Index > 0 {
			if e.Before, err = s.sentenceText(h.seg, h.sent-1); err != nil {
				return nil, err
			}
		}
		out[i] = e
	}
	return out, nil
}

// sentenceText returns sentence t of segment seg.
func (s *snapshot) sentenceText(seg int, t uint32) (string, error) {
	g := s.segs[seg]
	r, err := g.sent(t)
	if err != nil {
		return "", err
	}
	a, err := g.art(r.article)
	if err != nil {
		return "", err
	}
	return g.text(a, r.start, r.end)
}

// dterm is a question term as a search of a snapshot uses it.
type dterm struct {
	term       string
	qw         float64
	idfS, idfD float64
	cov        float32 // its share of the question's weight
	infos      []termInfo
	in         []bool // by segment: the segment has the term
}

// queryTerms looks the question's terms up in every segment, with their
// IDFs over the whole snapshot, and returns those found, and the
// question's total weight (as Index.queryTerms).
func (s *snapshot) queryTerms(q question) ([]dterm, float64, error) {
	var qts []dterm
	var total float64
	nS, nD := float64(s.sents), float64(s.arts)
	for _, w := range q.terms {
		t := dterm{term: w.term, qw: w.weight, infos: make([]termInfo, len(s.segs)), in: make([]bool, len(s.segs))}
		var df, ddf uint64
		for i, g := range s.segs {
			ti, ok, err := g.d.lookup(w.term)
			if err != nil {
				return nil, 0, err
			}
			if ok {
				t.infos[i], t.in[i] = ti, true
				df += uint64(ti.dfs[0])
				ddf += uint64(ti.dfs[1])
			}
		}
		t.idfS = math.Log(1 + (nS-float64(df)+0.5)/(float64(df)+0.5))
		total += t.idfS * w.weight
		if df == 0 {
			continue
		}
		t.idfD = math.Log(1 + (nD-float64(ddf)+0.5)/(float64(ddf)+0.5))
		qts = append(qts, t)
	}
	if len(qts) > maxQueryTerms {
		// Keep the terms of most weight, in the question's order.
		idx := make([]int, len(qts))
		for i := range idx {
			idx[i] = i
		}
		sort.SliceStable(idx, func(a, b int) bool { return qts[idx[a]].idfS*qts[idx[a]].qw > qts[idx[b]].idfS*qts[idx[b]].qw })
		idx = idx[:maxQueryTerms]
		sort.Ints(idx)
		kept := make([]dterm, len(idx))
		for i, j := range idx {
			kept[i] = qts[j]
		}
		qts = kept
	}
	for i := range qts {
		qts[i].cov = float32(qts[i].idfS * qts[i].qw / total)
	}
	return qts, total, nil
}

// cand is a sentence in the second stage.
type cand struct {
	hit1
	rec   sentRec
	art   artRec
	score float64 // combined, then rescored
	doc   float32 // its article's score
	nb    float32 // the better of its neighbours' scores
}

// search is the whole ranking on a snapshot: the first stage's best pool
// sentences by BM25, then for those the signals of the ranking (the
// article's score over body and headline, the better neighbour, each
// relative to the best of its kind; a question marked down; the kind of
// answer asked for), repeats dropped.
func (s *snapshot) search(sc scoring, pool int, question string, k int) ([]DiskHit, error) {
	if len(s.segs) == 0 || k <= 0 || s.live == 0 {
		return nil, nil
	}
	q := analyseQuestion(question)
	qts, total, err := s.queryTerms(q)
	if err != nil || len(qts) == 0 || total == 0 {
		return nil, err
	}
	p := newParams(sc, s)

	// The first stage.
	top := newTop(max(pool, k))
	order := make([]int, len(s.segs))
	for i := range order {
		order[i] = i
	}
	// The largest segments first: the threshold rises soonest there.
	sort.SliceStable(order, func(a, b int) bool { return s.segs[order[a]].m.sents > s.segs[order[b]].m.sents })
	for _, si := range order {
		var cls []*clause
		for i := range qts {
			t := &qts[i]
			if !t.in[si] || t.infos[si].dfs[0] == 0 {
				continue
			}
			l, err := s.segs[si].list(t.infos[si], 0)
			if err != nil {
				return nil, err
			}
			cls = append(cls, &clause{t: i, kind: sentenceList, w: t.idfS * t.qw, list: l})
		}
		r := &pruned{p: p, top: top, seg: int32(si)}
		if d := s.dels[si]; d != nil {
			r.deleted = d.sent
		}
		if err := r.run(cls); err != nil {
			return nil, err
		}
	}
	best := top.best()
	if len(best) == 0 {
		return nil, nil
	}

	// The second stage: the candidates' records, neighbours and articles,
	// in index order so that each list is read forwards once.
	sort.Slice(best, func(i, j int) bool {
		if best[i].seg != best[j].seg {
			return best[i].seg < best[j].seg
		}
		return best[i].doc < best[j].doc
	})
	cands := make([]cand, len(best))
	var mSent float32
	for i, h := range best {
		g := s.segs[h.seg]
		r, err := g.sent(h.doc)
		if err != nil {
			return nil, err
		}
		a, err := g.art(r.article)
		if err != nil {
			return nil, err
		}
		cands[i] = cand{hit1: h, rec: r, art: a}
		mSent = max(mSent, h.score)
	}
	if mSent == 0 {
		return nil, nil
	}
	if err := s.neighbours(p, qts, cands); err != nil {
		return nil, err
	}
	mDoc, err := s.articles(p, qts, cands)
	if err != nil {
		return nil, err
	}

	// Combined, as Index.pool combines: each signal relative to its best.
	n := max(k, sc.Pool)
	for i := range cands {
		c := &cands[i]
		v := float64(c.hit1.score / mSent)
		v += sc.Neighbour * float64(c.nb/mSent)
		if mDoc > 0 {
			v += sc.Article * float64(c.doc/mDoc)
		}
		c.score = v
	}
	if len(cands) > n {
		selectCands(cands, n)
		cands = cands[:n]
	}

	// Rescored for what the sentences say (as Index.rescore).
	var topScore float64
	for _, c := range cands {
		topScore = max(topScore, c.score)
	}
	var seen map[uint32]bool
	if sc.AnswerType > 0 && q.want != wantNothing {
		seen = make(map[uint32]bool, len(q.seen))
		for w := range q.seen {
			seen[wordHash(w)] = true
		}
	}
	var words []uint32
	for i := range cands {
		c := &cands[i]
		if c.rec.flags&flagQuestion != 0 {
			c.score *= sc.Interrogative
		}
		if seen != nil {
			words, err = s.segs[c.seg].answerWords(c.rec, words[:0])
			if err != nil {
				return nil, err
			}
			if answersWith(q.want, seen, words, c.rec.flags) {
				c.score += sc.AnswerType * topScore
			}
		}
	}
	sort.Slice(cands, func(i, j int) bool { return better(&cands[i], &cands[j]) })
	return s.hits(qts, cands, k)
}

// better orders the second stage: higher score, then earlier in the index.
func better(a, b *cand) bool {
	if a.score != b.score {
		return a.score > b.score
	}
	if a.seg != b.seg {
		return a.seg < b.seg
	}
	return a.hit1.doc < b.hit1.doc
}

// neighbours finds, for each candidate, the better score of the sentences
// just before and after it in its article: those of other candidates from
// the first stage, the others by moving each term's cursor to them (in
// order, so each list is read at most once). cands are in index order, so
// a neighbour that is a candidate is the next or previous one, and the
// others come in order.
func (s *snapshot) neighbours(p *params, qts []dterm, cands []cand) error {
	type need struct {
		seg  int32
		sent uint32
	}
	var needs []need
	// where[2i] and where[2i+1] say where candidate i's neighbours' scores
	// are: -1 none, -2-j candidate j, else needs[where].
	where := make([]int, 2*len(cands))
	add := func(seg int32, t uint32) int {
		if k := len(needs); k > 0 && needs[k-1] == (need{seg, t}) {
			return k - 1
		}
		needs = append(needs, need{seg, t})
		return len(needs) - 1
	}
	for i := range cands {
		c := &cands[i]
		t, a := c.hit1.doc, c.art
		where[2*i], where[2*i+1] = -1, -1
		if t > a.first {
			if i > 0 && cands[i-1].seg == c.seg && cands[i-1].hit1.doc == t-1 {
				where[2*i] = -2 - (i - 1)
			} else {
				where[2*i] = add(c.seg, t-1)
			}
		}
		if t+1 < a.first+a.nsent {
			if i+1 < len(cands) && cands[i+1].seg == c.seg && cands[i+1].hit1.doc == t+1 {
				where[2*i+1] = -2 - (i + 1)
			} else {
				where[2*i+1] = add(c.seg, t+1)
			}
		}
	}
	scores := make([]float32, len(needs))
	var cur cursor
	for lo := 0; lo < len(needs); {
		seg := needs[lo].seg
		hi := lo
		for hi < len(needs) && needs[hi].seg == seg {
			hi++
		}
		g := s.segs[seg]
		for i := range qts {
			t := &qts[i]
			if !t.in[seg] || t.infos[seg].dfs[0] == 0 {
				continue
			}
			l, err := g.list(t.infos[seg], 0)
			if err != nil {
				return err
			}
			w := t.idfS * t.qw
			cur.reset(l)
			for j := lo; j < hi; j++ {
				id := needs[j].sent
				cur.advance(id)
				if cur.doc == noMore {
					break
				}
				if cur.doc == id {
					scores[j] += float32(p.sentScore(w, cur.val(0), cur.val(1), cur.val(2)))
				}
			}
			if cur.err != nil {
				return cur.err
			}
		}
		lo = hi
	}
	score := func(w int) float32 {
		switch {
		case w == -1:
			return 0
		case w < -1:
			return cands[-2-w].hit1.score
		}
		return scores[w]
	}
	for i := range cands {
		cands[i].nb = max(score(where[2*i]), score(where[2*i+1]))
	}
	return nil
}

// selectCands moves the n best of cands (by better) to its front.
func selectCands(c []cand, n int) {
	lo, hi := 0, len(c)-1
	for lo < hi {
		p := c[(lo+hi)/2]
		i, j := lo, hi
		for i <= j {
			for better(&c[i], &p) {
				i++
			}
			for better(&p, &c[j]) {
				j--
			}
			if i <= j {
				c[i], c[j] = c[j], c[i]
				i++
				j--
			}
		}
		switch {
		case n-1 <= j:
			hi = j
		case n-1 >= i:
			lo = i
		default:
			return
		}
	}
}

// articles scores the candidates' articles (body and headline, term by
// term) and returns the best of those scores. cands are in index order,
// so their articles are too.
func (s *snapshot) articles(p *params, qts []dterm, cands []cand) (float32, error) {
	var cur cursor
	var best float32
	for lo := 0; lo < len(cands); {
		seg := cands[lo].seg
		hi := lo
		var ids []uint32
		for hi < len(cands) && cands[hi].seg == seg {
			if a := cands[hi].rec.article; len(ids) == 0 || ids[len(ids)-1] != a {
				ids = append(ids, a)
			}
			hi++
		}
		sc := make([]float32, len(ids))
		g := s.segs[seg]
		for i := range qts {
			t := &qts[i]
			if !t.in[seg] {
				continue
			}
			for li := 1; li <= 2; li++ {
				l, err := g.list(t.infos[seg], li)
				if err != nil {
					return 0, err
				}
				if l == nil {
					continue
				}
				cur.reset(l)
				for j, id := range ids {
					cur.advance(id)
					if cur.doc == noMore {
						break
					}
					if cur.doc != id {
						continue
					}
					if li == 1 {
						sc[j] += float32(p.bodyScore(t.idfD, t.qw, cur.val(0), cur.val(1)))
					} else {
						sc[j] += float32(p.titleScore(t.idfD, t.qw, cur.val(0)))
					}
				}
				if cur.err != nil {
					return 0, cur.err
				}
			}
		}
		j := 0
		for i := lo; i < hi; i++ {
			for ids[j] != cands[i].rec.article {
				j++
			}
			cands[i].doc = sc[j]
			best = max(best, sc[j])
		}
		lo = hi
	}
	// The best article score is taken among the candidates' articles: the
	// exact best over every article (a pruned search of its own) ranked the
	// shared sets the same, at a third of the search's time.
	return best, nil
}

// hits drops repeated sentences from sorted cands and returns the first k
// as hits.
func (s *snapshot) hits(qts []dterm, cands []cand, k int) ([]DiskHit, error) {
	var out []DiskHit
	seen := map[uint64][]string{}
	for _, c := range cands {
		if len(out) == k {
			break
		}
		g := s.segs[c.seg]
		text, err := g.text(c.art, c.rec.start, c.rec.end)
		if err != nil {
			return nil, err
		}
		dup := false
		for _, t := range seen[c.rec.hash] {
			if t == text {
				dup = true
			}
		}
		if dup {
			continue
		}
		seen[c.rec.hash] = append(seen[c.rec.hash], text)
		a, _, err := g.article(c.rec.article, false)
		if err != nil {
			return nil, err
		}
		var cov, own float32
		for m := c.mask; m != 0; m &= m - 1 {
			cov += qts[bits.TrailingZeros64(m)].cov
		}
		for m := c.own; m != 0; m &= m - 1 {
			own += qts[bits.TrailingZeros64(m)].cov
		}
		out = append(out, DiskHit{
			Article:   a,
			Sentence:  text,
			Start:     int(c.rec.start),
			End:       int(c.rec.end),
			Paragraph: int(c.rec.para),
			Index:     int(c.hit1.doc - c.art.first),
			Score:     c.score,
			Coverage:  float64(cov),
			Own:       float64(own),
			seg:       int(c.seg),
			sent:      c.hit1.doc,
			flags:     c.rec.flags,
		})
	}
	return out, nil
}
