package index

import (
	"math"
	"math/bits"
	"sort"
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

func newParams(sc scoring, s *snapshot) *params {
	p := &params{k1: sc.K1, b: sc.B, ctx: sc.Context, title: sc.Title, avgSent: s.avgSent, avgDoc: s.avgDoc, avgT: s.avgT}
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
	t     int // the order scores are summed in: the question term's position (times 2, plus 1 for a headline list, in article searches)
	kind  listKind
	idfD  float64
	qw    float64
	w     float64 // idfS × qw, for sentence lists
	list  *plist
	cur   cursor
	ub    float64 // the most it can add anywhere
	sb    int     // the block of its last shallow advance
	bmax  float64 // the most it can add in that block
	bmaxD uint32  // the doc the block bound was found for
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

// blockMax is the most the clause can add at doc d (which its cursor has
// not passed), from the bound of the block d falls in.
func (c *clause) blockMax(p *params, d uint32) float64 {
	l := c.list
	if l.skips == nil {
		return c.ub
	}
	if c.bmaxD != noMore && d <= l.lastDoc(c.sb) && (c.sb == 0 || d > l.lastDoc(c.sb-1)) && c.bmaxD <= d {
		return c.bmax
	}
	b := max(c.sb, c.cur.blk)
	for b < l.nb && l.lastDoc(b) < d {
		b++
	}
	if b >= l.nb {
		return 0
	}
	c.sb, c.bmaxD = b, d
	c.bmax = c.boundScore(p, l.blockBound(b))
	return c.bmax
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
	c.sb, c.bmaxD = 0, noMore
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

// topHeap keeps the n best hits. Hits are appended to a buffer of 2n;
// when it fills, the n best are selected in place (as a quickselect) and
// the weakest of them becomes the threshold: amortised O(1) a hit, where a
// heap would pay a sift for every hit that enters.
type topHeap struct {
	n     int
	h     []hit1
	theta float64 // the threshold: −Inf until n hits were kept
	floor hit1    // the weakest kept at the last selection
}

func newTop(n int) *topHeap {
	return &topHeap{n: n, theta: math.Inf(-1), h: make([]hit1, 0, min(2*n, 4096))}
}

// threshold is the score to beat.
func (t *topHeap) threshold() float64 { return t.theta }

// offer adds x unless it is known not to be among the n best; it reports
// whether the threshold moved.
func (t *topHeap) offer(x hit1) bool {
	if t.theta != math.Inf(-1) && !t.floor.worse(x) {
		return false
	}
	t.h = append(t.h, x)
	if len(t.h) < 2*t.n {
		return false
	}
	t.trim()
	return true
}

// trim keeps the n best, and sets the threshold.
func (t *topHeap) trim() {
	if len(t.h) <= t.n {
		return
	}
	selectBest(t.h, t.n)
	t.h = t.h[:t.n]
	w := t.h[0]
	for _, x := range t.h[1:] {
		if x.worse(w) {
			w = x
		}
	}
	t.floor, t.theta = w, float64(w.score)
}

// best returns the n best hits, in no order.
func (t *topHeap) best() []hit1 {
	t.trim()
	return t.h
}

// selectBest moves the n best of h to its front (Hoare's selection).
func selectBest(h []hit1, n int) {
	lo, hi := 0, len(h)-1
	for lo < hi {
		p := h[(lo+hi)/2]
		i, j := lo, hi
		for i <= j {
			for p.worse(h[i]) {
				i++
			}
			for h[j].worse(p) {
				j--
			}
			if i <= j {
				h[i], h[j] = h[j], h[i]
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

// pruned walks clauses (of one segment, seg) for the best docs into top,
// skipping deleted ones.
type pruned struct {
	p       *params
	top     *topHeap
	seg     int32
	deleted func(uint32) bool
	// contrib is each clause's score in the doc being scored, by its t
	contrib [2 * maxQueryTerms]float64
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
	prefix := make([]float64, len(active)+1)
	for i, c := range active {
		prefix[i+1] = prefix[i] + c.ub
	}
	bm := make([]float64, len(active)+1)
	theta := r.top.threshold()
	ess := r.essential(prefix, theta)
	r.eager(active, ess)
	// The block window: up to winEnd, no clause adds more than bm says.
	winEnd, winValid := uint32(0), false
	for ess < len(active) {
		// The next candidate: the first doc of an essential clause.
		d := uint32(noMore)
		for _, c := range active[ess:] {
			d = min(d, c.cur.doc)
		}
		if d == noMore {
			break
		}
		if !winValid || d > winEnd {
			// Block-max: up to the first end of a block holding d, no
			// clause can add more than its block's bound (nothing, if its
			// next posting is past that end).
			e := uint32(noMore)
			for _, c := range active {
				e = min(e, c.blockEnd(d))
			}
			bm[0] = 0
			for i, c := range active {
				var m float64
				if c.cur.doc <= e {
					m = min(c.ub, c.blockMax(p, max(d, c.cur.doc)))
				}
				bm[i+1] = bm[i] + m
			}
			winEnd, winValid = e, true
		}
		if bm[len(active)] < theta {
			// No doc before the window's end can make it.
			if winEnd == noMore {
				break
			}
			for _, c := range active[ess:] {
				c.cur.advance(winEnd + 1)
				if c.cur.err != nil {
					return c.cur.err
				}
			}
			winValid = false
			continue
		}
		statEnum++
		if r.deleted != nil && r.deleted(d) {
			for _, c := range active[ess:] {
				if c.cur.doc == d {
					c.cur.next()
				}
			}
			continue
		}
		var s float64
		var mask [2]uint64
		var own uint64
		for _, c := range active[ess:] {
			if c.cur.doc == d {
				v := c.score(p)
				r.contrib[c.t] = v
				s += v
				mask[c.t/64] |= 1 << uint(c.t%64)
				if c.kind == sentenceList && c.cur.val(0) > 0 {
					own |= 1 << uint(c.t)
				}
			}
		}
		ok := true
		for i := ess - 1; i >= 0; i-- {
			if s+min(prefix[i+1], bm[i+1]) < theta {
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
				mask[c.t/64] |= 1 << uint(c.t%64)
				if c.kind == sentenceList && c.cur.val(0) > 0 {
					own |= 1 << uint(c.t)
				}
			}
		}
		if ok {
			statScored++
		}
		if ok && s*boundSlack >= theta {
			x := hit1{score: r.sum(mask), seg: r.seg, doc: d, mask: mask[0], own: own}
			if r.top.offer(x) {
				if t := r.top.threshold(); t > theta {
					theta = t
					if e := r.essential(prefix, theta); e != ess {
						ess = e
						r.eager(active, ess)
					}
				}
			}
		}
		for _, c := range active[ess:] {
			if c.cur.doc == d {
				c.cur.next()
				if c.cur.err != nil {
					return c.cur.err
				}
			}
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
func (r *pruned) sum(mask [2]uint64) float32 {
	var s float32
	for k, m := range mask {
		for ; m != 0; m &= m - 1 {
			s += float32(r.contrib[64*k+bits.TrailingZeros64(m)])
		}
	}
	return s
}

var statEnum, statScored int
