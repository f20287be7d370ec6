package index

import (
	"math"
	"math/bits"
	"sort"
	"sync"
)

// The first stage of a search: the sentences of best BM25 (their own words
// plus, at a lower weight, their context), found with dynamic pruning in
// the manner of MaxScore (Turtle and Flood; Lucene's MaxScoreBulkScorer)
// with block-max bounds (Ding and Suel): the question's terms, sorted by
// the most each can add, split into essential terms, whose postings are
// walked, and the rest, whose sum cannot lift a sentence past the weakest
// of the best found so far. A sentence is a candidate only where an
// essential term occurs; the other terms' cursors jump to it with their
// skip data, and a candidate is dropped as soon as what it has plus what
// the terms left could add (by the bounds of the blocks it falls in) cannot
// beat that weakest. The same code finds the best article score (over
// article and headline lists) that the second stage scales by.

// maxQueryTerms bounds the terms a search walks: a question's terms past
// the 64 of most weight count in its total (and so against every sentence)
// but find nothing. (Questions are at most a few hundred characters.)
const maxQueryTerms = 64

// boundSlack widens every bound: scores are summed in float32, as the
// ranking has always summed them, and bounds in float64.
const boundSlack = 1 + 1e-5

// params are a search's scoring constants.
type params struct {
	k1, b, ctx, title float64
	avgSent, avgDoc   float64
	avgT              float64
	normS             [256]float64 // k1*(1-b+b*n/avgSent) for short n
}

func newParams(s *snapshot) *params {
	p := &params{k1: k1, b: b, ctx: contextWeight, title: 0.5, avgSent: s.avgSent, avgDoc: s.avgDoc, avgT: s.avgT}
	for n := range p.normS {
		p.normS[n] = p.k1 * (1 - p.b + p.b*float64(n)/p.avgSent)
	}
	return p
}

func (p *params) normSent(n uint32) float64 {
	if n < uint32(len(p.normS)) {
		return p.normS[n]
	}
	return p.k1 * (1 - p.b + p.b*float64(n)/p.avgSent)
}

// sentScore is a term's BM25 in a sentence, as the ranking has always
// computed it (the same operations in the same order, so that the same
// corpus ranks the same).
func (p *params) sentScore(w float64, own, ctx, n uint32) float64 {
	tf := float64(own) + p.ctx*float64(ctx)
	return w * tf * (p.k1 + 1) / (tf + p.normSent(n))
}

// bodyScore is a term's BM25 in an article's body; w is idfD × qw.
func (p *params) bodyScore(idfD, qw float64, tf, dl uint32) float64 {
	t := float64(tf)
	return idfD * qw * t * (p.k1 + 1) / (t + p.k1*(1-p.b+p.b*float64(dl)/p.avgDoc))
}

// titleScore is a term's headline match.
func (p *params) titleScore(idfD, qw float64, tl uint32) float64 {
	return p.title * idfD * qw * (p.k1 + 1) / (1 + p.k1*(1-p.b+p.b*float64(tl)/p.avgT))
}

// clause is one list walked by a pruned search.
type clause struct {
	t    int // the order scores are summed in: the question term's position (times 2, plus 1 for a headline list, in article searches)
	kind listKind
	idfD float64
	qw   float64
	w    float64 // idfS × qw, for sentence lists
	list *plist
	cur  cursor
	ub   float64 // the most it can add anywhere
	sb   int     // the block of its last shallow advance
}

// boundScore is the most a posting bounded by x can add.
func (c *clause) boundScore(p *params, x bound) float64 {
	switch c.kind {
	case sentenceList:
		own, ctx := x.a&0xFFFF, x.a>>16
		if own == 0xFFFF || ctx == 0xFFFF {
			return c.w * (p.k1 + 1) * boundSlack
		}
		return p.sentScore(c.w, own, ctx, x.b) * boundSlack
	case articleList:
		if x.a == 0xFFFF {
			return c.idfD * c.qw * (p.k1 + 1) * boundSlack
		}
		return p.bodyScore(c.idfD, c.qw, x.a, x.b) * boundSlack
	}
	return p.titleScore(c.idfD, c.qw, x.b) * boundSlack
}

// score is what the clause's current posting adds.
func (c *clause) score(p *params) float64 {
	switch c.kind {
	case sentenceList:
		return p.sentScore(c.w, c.cur.val(0), c.cur.val(1), c.cur.val(2))
	case articleList:
		return p.bodyScore(c.idfD, c.qw, c.cur.val(0), c.cur.val(1))
	}
	return p.titleScore(c.idfD, c.qw, c.cur.val(0))
}

// maxOver is the most the clause can add at any doc in [d, e]: the
// largest bound of the blocks that span it.
func (c *clause) maxOver(p *params, d, e uint32) float64 {
	l := c.list
	if l.skips == nil {
		return c.ub
	}
	b := max(c.sb, c.cur.blk)
	for b < l.nb && l.lastDoc(b) < d {
		b++
	}
	c.sb = b
	var m float64
	for ; b < l.nb; b++ {
		m = max(m, c.boundScore(p, l.blockBound(b)))
		if l.lastDoc(b) >= e || m >= c.ub {
			break
		}
	}
	return m
}

// blockEnd is the last doc of the clause's block that holds d (or that its
// cursor is in, if past d): d's bound in the clause holds up to there.
func (c *clause) blockEnd(d uint32) uint32 {
	l := c.list
	d = max(d, c.cur.doc)
	if d == noMore {
		return noMore
	}
	if l.skips == nil {
		if last := c.cur.blockLast(0); last >= d {
			return last
		}
		return noMore
	}
	b := max(c.sb, c.cur.blk)
	for b < l.nb && l.lastDoc(b) < d {
		b++
	}
	if b >= l.nb {
		return noMore
	}
	return l.lastDoc(b)
}

// open resets the clause's cursor and computes its bound.
func (c *clause) open(p *params) {
	c.cur.reset(c.list)
	c.sb = 0
	c.ub = 0
	for _, x := range c.list.listBounds(&c.cur, c.kind) {
		c.ub = max(c.ub, c.boundScore(p, x))
	}
}

// scored is a document a pruned search kept: its score as the ranking
// sums it (float32, term by term in the question's order), and which
// terms matched it (own: in its own words).
type hit1 struct {
	score     float32
	seg       int32
	doc       uint32
	mask, own uint64
}

// worse orders hits: lower score, then later in the index.
func (a hit1) worse(b hit1) bool {
	if a.score != b.score {
		return a.score < b.score
	}
	if a.seg != b.seg {
		return a.seg > b.seg
	}
	return a.doc > b.doc
}

// topHeap keeps the n best hits in a binary heap whose root is the
// weakest of them, so that the threshold to beat is always exact.
type topHeap struct {
	n int
	h []hit1
}

func newTop(n int) *topHeap { return &topHeap{n: n, h: make([]hit1, 0, min(n, 4096))} }

// threshold is the score to beat: −Inf until n hits were kept.
func (t *topHeap) threshold() float64 {
	if len(t.h) < t.n {
		return math.Inf(-1)
	}
	return float64(t.h[0].score)
}

// offer adds x if it is among the n best; it reports whether the
// threshold may have moved.
func (t *topHeap) offer(x hit1) bool {
	h := t.h
	if len(h) < t.n {
		h = append(h, x)
		for i := len(h) - 1; i > 0; {
			p := (i - 1) / 2
			if !h[i].worse(h[p]) {
				break
			}
			h[i], h[p] = h[p], h[i]
			i = p
		}
		t.h = h
		return len(h) == t.n
	}
	if !h[0].worse(x) {
		return false
	}
	h[0] = x
	for i := 0; ; {
		l, r, m := 2*i+1, 2*i+2, i
		if l < len(h) && h[l].worse(h[m]) {
			m = l
		}
		if r < len(h) && h[r].worse(h[m]) {
			m = r
		}
		if m == i {
			break
		}
		h[i], h[m] = h[m], h[i]
		i = m
	}
	return true
}

// best returns the hits kept, in no order.
func (t *topHeap) best() []hit1 { return t.h }

// pruned walks the sentence lists of one segment, seg, for the best
// sentences into top, skipping deleted ones.
type pruned struct {
	p       *params
	top     *topHeap
	seg     int32
	deleted func(uint32) bool
	// contrib is each term's score in the doc being scored, by term
	contrib [maxQueryTerms]float64
}

// window is the span of docs whose essential postings are gathered at
// once, as Lucene's MaxScoreBulkScorer gathers them: a tight loop over each
// essential list's decoded block fills the window, then each doc found is
// completed from the other lists.
const window = 512

var windowBufs sync.Pool

// getWindowBuf returns a clean window for n clauses.
func getWindowBuf(n int) *windowBuf {
	wb, _ := windowBufs.Get().(*windowBuf)
	if wb == nil {
		wb = &windowBuf{}
	}
	if len(wb.contrib) < n {
		wb.contrib = make([][window]float64, n)
	}
	return wb
}

// windowBuf is a window's scratch; between windows its bits, mask and own
// are all zero (contrib is read only where mask says).
type windowBuf struct {
	bits    [window / 64]uint64
	mask    [window]uint64 // terms matched
	own     [window]uint64 // terms matched in the sentence's own words
	contrib [][window]float64
}

func (r *pruned) run(cls []*clause) error {
	p := r.p
	var active []*clause
	for _, c := range cls {
		c.open(p)
		if c.cur.err != nil {
			return c.cur.err
		}
		if c.cur.doc != noMore {
			active = append(active, c)
		}
	}
	// By bound, smallest first; prefix[i] is the sum of the first i.
	sort.SliceStable(active, func(i, j int) bool { return active[i].ub < active[j].ub })
	n := len(active)
	prefix := make([]float64, n+1)
	for i, c := range active {
		prefix[i+1] = prefix[i] + c.ub
	}
	bm := make([]float64, n+1)
	wb := getWindowBuf(n)
	defer windowBufs.Put(wb)
	var rowOf [maxQueryTerms]int // the clause of each term, by t
	for i, c := range active {
		rowOf[c.t] = i
	}
	theta := r.top.threshold()
	ess := r.essential(prefix, theta)
	r.eager(active, ess)
	next := uint32(0) // the first doc not yet looked at
	for ess < n {
		// The window starts at the first essential posting from next.
		d0 := uint32(noMore)
		for _, c := range active[ess:] {
			if c.cur.doc < next {
				c.cur.advance(next)
				if c.cur.err != nil {
					return c.cur.err
				}
			}
			d0 = min(d0, c.cur.doc)
		}
		if d0 == noMore {
			break
		}
		// It ends within window docs, and where an essential list's block
		// ends, so that each list's bound holds over all of it.
		e := d0 + window - 1
		if e < d0 {
			e = noMore - 1
		}
		for _, c := range active[ess:] {
			e = min(e, c.blockEnd(d0))
		}
		bm[0] = 0
		for i, c := range active {
			var m float64
			if c.cur.doc <= e {
				m = min(c.ub, c.maxOver(p, max(d0, c.cur.doc), e))
			}
			bm[i+1] = bm[i] + m
		}
		next = e + 1
		if bm[n] < theta {
			continue // nothing in the window can make it
		}
		// Gather the essential postings of the window.
		for i := ess; i < n; i++ {
			c := active[i]
			row := &wb.contrib[i]
			bit := uint64(1) << uint(c.t)
			cur := &c.cur
			for cur.doc <= e {
				j := cur.doc - d0
				v := p.sentScore(c.w, cur.vals[0][cur.pos], cur.vals[1][cur.pos], cur.vals[2][cur.pos])
				row[j] = v
				wb.bits[j/64] |= 1 << (j % 64)
				wb.mask[j] |= bit
				if cur.vals[0][cur.pos] > 0 {
					wb.own[j] |= bit
				}
				cur.nextEager()
			}
			if cur.err != nil {
				return cur.err
			}
		}
		// Complete each doc found from the other lists, best bound first.
		for k, word := range wb.bits {
			for word != 0 {
				j := uint32(k*64 + bits.TrailingZeros64(word))
				word &= word - 1
				d := d0 + j
				mask, own := wb.mask[j], wb.own[j]
				wb.mask[j], wb.own[j] = 0, 0
				if r.deleted != nil && r.deleted(d) {
					continue
				}
				var s float64
				for m := mask; m != 0; m &= m - 1 {
					t := bits.TrailingZeros64(m)
					v := wb.contrib[rowOf[t]][j]
					r.contrib[t] = v
					s += v
				}
				ok := true
				for i := ess - 1; i >= 0; i-- {
					if s+bm[i+1] < theta {
						ok = false
						break
					}
					c := active[i]
					c.cur.advance(d)
					if c.cur.err != nil {
						return c.cur.err
					}
					if c.cur.doc == d {
						v := c.score(p)
						r.contrib[c.t] = v
						s += v
						mask |= 1 << uint(c.t)
						if c.cur.val(0) > 0 {
							own |= 1 << uint(c.t)
						}
					}
				}
				if ok && s*boundSlack >= theta {
					x := hit1{score: r.sum(mask), seg: r.seg, doc: d, mask: mask, own: own}
					if r.top.offer(x) {
						theta = r.top.threshold()
					}
				}
			}
		}
		wb.bits = [window / 64]uint64{}
		if e := r.essential(prefix, theta); e != ess {
			ess = e
			r.eager(active, ess)
		}
	}
	for _, c := range active {
		if c.cur.err != nil {
			return c.cur.err
		}
	}
	return nil
}

// eager makes the essential clauses' cursors decode whole blocks (they
// read every posting) and the others read postings one by one.
func (r *pruned) eager(active []*clause, ess int) {
	for i, c := range active {
		c.cur.setEager(i >= ess)
	}
}

// essential returns the number of clauses that are not essential: the
// longest prefix whose bounds sum below theta.
func (r *pruned) essential(prefix []float64, theta float64) int {
	e := 0
	for e+1 < len(prefix) && prefix[e+1] < theta {
		e++
	}
	return e
}

// sum adds the matched terms' scores in float32, in the order of the
// question's terms.
func (r *pruned) sum(mask uint64) float32 {
	var s float32
	for m := mask; m != 0; m &= m - 1 {
		s += float32(r.contrib[bits.TrailingZeros64(m)])
	}
	return s
}
