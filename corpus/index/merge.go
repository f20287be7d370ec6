package index

import (
	"container/heap"
	"context"
	"fmt"
	"sort"
	"time"
)

// Stats are what a writer did since it was opened.
type Stats struct {
	// Merges of committed segments, and the time they took.
	Merges    int
	MergeTime time.Duration
}

// Stats returns what the writer did since it was opened.
func (ix *Disk) Stats() Stats {
	ix.wmu.Lock()
	defer ix.wmu.Unlock()
	return ix.stats
}

// Policy decides which segments to merge: size-tiered, as Cassandra's
// size-tiered compaction and Lucene's TieredMergePolicy. Segments are put
// in buckets of similar size (none more than twice the smallest of its
// bucket, every segment counting as at least Floor sentences); when a
// bucket holds Factor segments, they are merged into one, which lands in a
// bucket Factor times larger. So each sentence is rewritten about
// log_Factor(N/Floor) times over the life of an index, a stream of small
// ingests costs amortised O(its size × that), and a search reads
// O(Factor × log_Factor(N/Floor)) segments. A segment more than MaxDeleted
// of whose articles are tombstones is rewritten alone, to drop them.
type Policy struct {
	// Factor is how many segments of a bucket are merged at once; 0 means
	// 10.
	Factor int
	// Floor is the size in sentences below which segments count as equal;
	// 0 means 2,000.
	Floor uint64
	// MaxDeleted is the share of deleted articles past which a segment is
	// rewritten; 0 means 0.3.
	MaxDeleted float64
}

func (p Policy) factor() int {
	if p.Factor < 2 {
		return 10
	}
	return p.Factor
}

func (p Policy) floor() uint64 {
	if p.Floor == 0 {
		return 2000
	}
	return p.Floor
}

func (p Policy) maxDeleted() float64 {
	if p.MaxDeleted <= 0 {
		return 0.3
	}
	return p.MaxDeleted
}

// pick returns the positions in segs of the segments to merge next, or nil.
func (p Policy) pick(segs []segEntry, _ []*deletions) []int {
	for i, s := range segs {
		if s.arts > 0 && float64(len(s.dels)) > p.maxDeleted()*float64(s.arts) {
			return []int{i}
		}
	}
	// Live sizes, floored, smallest first.
	size := func(s segEntry) uint64 {
		live := s.sents - s.sents*uint64(len(s.dels))/max(s.arts, 1)
		return max(live, p.floor())
	}
	order := make([]int, len(segs))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return size(segs[order[a]]) < size(segs[order[b]]) })
	for lo := 0; lo < len(order); {
		hi := lo + 1
		for hi < len(order) && size(segs[order[hi]]) <= 2*size(segs[order[lo]]) {
			hi++
		}
		if hi-lo >= p.factor() {
			pick := append([]int(nil), order[lo:lo+p.factor()]...)
			sort.Ints(pick)
			return pick
		}
		lo = hi
	}
	return nil
}

// mergeByPolicy runs the merges the policy asks for on the committed
// segments, committing each. The caller holds wmu.
func (ix *Disk) mergeByPolicy(ctx context.Context) error {
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		pick := ix.Policy.pick(ix.man.segs, nil)
		if pick == nil {
			return nil
		}
		if err := ix.mergeCommitted(ctx, pick); err != nil {
			return err
		}
	}
}

// Merge merges every segment into one (dropping tombstones), for an index
// that will only be read from now on. It is not needed otherwise: the
// policy keeps the number of segments small.
func (ix *Disk) Merge(ctx context.Context) error {
	ix.wmu.Lock()
	defer ix.wmu.Unlock()
	if !ix.writable {
		return fmt.Errorf("index: not open for writing")
	}
	if len(ix.man.segs) < 2 && (len(ix.man.segs) == 0 || len(ix.man.segs[0].dels) == 0) {
		return nil
	}
	all := make([]int, len(ix.man.segs))
	for i := range all {
		all[i] = i
	}
	return ix.mergeCommitted(ctx, all)
}

// mergeCommitted merges the committed segments at positions pick into one
// and commits the manifest that has it in their place. The caller holds
// wmu.
func (ix *Disk) mergeCommitted(ctx context.Context, pick []int) error {
	t0 := time.Now()
	defer func() { ix.stats.MergeTime += time.Since(t0) }()
	ix.stats.Merges++
	s := ix.acquire()
	defer s.release()
	if len(s.segs) != len(ix.man.segs) {
		return fmt.Errorf("index: the snapshot and the manifest disagree")
	}
	in := make([]*segFile, len(pick))
	dels := make([]*deletions, len(pick))
	var sents uint64
	for k, i := range pick {
		in[k], dels[k] = s.segs[i], s.dels[i]
		sents += s.segs[i].m.sents
	}
	if ix.Merging != nil {
		ix.Merging(len(in), sents)
	}
	name := segName(ix.man.next)
	ix.man.next++
	if err := ix.writeSegment(name, func(w *segWriter) error { return mergeInto(ctx, w, in, dels) }); err != nil {
		return fmt.Errorf("merge segments: %w", err)
	}
	g, err := ix.mapSegment(name)
	if err != nil {
		ix.removeSegment(name)
		return fmt.Errorf("merge segments: %w", err)
	}
	drop := map[int]bool{}
	for _, i := range pick {
		drop[i] = true
	}
	m := manifest{gen: ix.man.gen + 1, next: ix.man.next}
	for i, e := range ix.man.segs {
		switch {
		case i == pick[0]:
			m.segs = append(m.segs, segEntry{name: name, size: g.size, arts: g.m.arts, sents: g.m.sents})
		case !drop[i]:
			m.segs = append(m.segs, e)
		}
	}
	ix.open[name] = g
	if err := ix.commit(&m); err != nil {
		delete(ix.open, name)
		ix.removeSegment(name)
		return err
	}
	return nil
}

// mergeInto writes the live articles of the segments in into w, in order,
// and the union of their postings, renumbered.
func mergeInto(ctx context.Context, w *segWriter, in []*segFile, dels []*deletions) error {
	sentMap := make([][]uint32, len(in))
	artMap := make([][]uint32, len(in))
	var nsent, nart uint32
	for k, g := range in {
		if err := g.c.verifyAll(); err != nil {
			return fmt.Errorf("segment %s: %w", g.name, err)
		}
		sentMap[k] = make([]uint32, g.m.sents)
		artMap[k] = make([]uint32, g.m.arts)
		var sents []sentRec
		var ans [][]uint32
		for a := range uint32(g.m.arts) {
			if a%1024 == 0 {
				if err := ctx.Err(); err != nil {
					return err
				}
			}
			r, err := g.art(a)
			if err != nil {
				return err
			}
			if dels[k].art(a) {
				artMap[k][a] = noMore
				for t := r.first; t < r.first+r.nsent; t++ {
					sentMap[k][t] = noMore
				}
				continue
			}
			stored, err := g.c.bytes(g.m.stored+r.stored, uint64(r.storedLen))
			if err != nil {
				return err
			}
			art, _, err := g.article(a, false)
			if err != nil {
				return err
			}
			sents, ans = sents[:0], ans[:0]
			for t := r.first; t < r.first+r.nsent; t++ {
				sr, err := g.sent(t)
				if err != nil {
					return err
				}
				if sr.article != a || sr.end > r.bodyLen {
					return fmt.Errorf("segment %s: %w: sentence %d", g.name, errDamaged, t)
				}
				words, err := g.answerWords(sr, nil)
				if err != nil {
					return err
				}
				sents = append(sents, sr)
				ans = append(ans, words)
				sentMap[k][t] = nsent
				nsent++
			}
			artMap[k][a] = nart
			nart++
			if err := w.addArticle(stored, r, art.ID, sents, ans, art.Outlet, art.Wire); err != nil {
				return err
			}
		}
	}
	return mergeTerms(ctx, w, in, sentMap, artMap)
}

// termStream reads one segment's terms in order, across its blocks.
type termStream struct {
	k     int
	it    dictIter
	block int
	ok    bool
}

func (t *termStream) advance() {
	for {
		if t.it.step() {
			t.ok = true
			return
		}
		if t.it.err != nil {
			t.ok = false
			return
		}
		t.block++
		if !t.it.seek(t.block) {
			t.ok = false
			return
		}
	}
}

type streamHeap []*termStream

func (h streamHeap) Len() int { return len(h) }
func (h streamHeap) Less(i, j int) bool {
	if c := string(h[i].it.term); c != string(h[j].it.term) {
		return c < string(h[j].it.term)
	}
	return h[i].k < h[j].k
}
func (h streamHeap) Swap(i, j int) { h[i], h[j] = h[j], h[i] }
func (h *streamHeap) Push(x any)   { *h = append(*h, x.(*termStream)) }
func (h *streamHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}

// mergeTerms writes the union of the segments' terms, each with its
// postings from every segment in order, renumbered by the maps (noMore:
// deleted).
func mergeTerms(ctx context.Context, w *segWriter, in []*segFile, sentMap, artMap [][]uint32) error {
	h := &streamHeap{}
	for k, g := range in {
		ts := &termStream{k: k, it: dictIter{d: g.d}}
		if ts.it.seek(0) {
			ts.advance()
		}
		if ts.it.err != nil {
			return fmt.Errorf("segment %s: %w", g.name, ts.it.err)
		}
		if ts.ok {
			heap.Push(h, ts)
		}
	}
	var enc termLists
	var cur cursor
	count := 0
	for h.Len() > 0 {
		term := string((*h)[0].it.term)
		enc.reset()
		for h.Len() > 0 && string((*h)[0].it.term) == term {
			ts := heap.Pop(h).(*termStream)
			g := in[ts.k]
			for li := range 3 {
				l, err := g.list(ts.it.info, li)
				if err != nil {
					return fmt.Errorf("segment %s: term %q: %w", g.name, term, err)
				}
				if l == nil {
					continue
				}
				m := sentMap[ts.k]
				if li > 0 {
					m = artMap[ts.k]
				}
				for cur.reset(l); cur.doc != noMore; cur.next() {
					d := m[cur.doc]
					if d == noMore {
						continue
					}
					switch li {
					case 0:
						enc.addSent(d, cur.val(0), cur.val(1), cur.val(2))
					case 1:
						enc.addArt(d, cur.val(0), cur.val(1))
					case 2:
						enc.addTitle(d, cur.val(0))
					}
				}
				if cur.err != nil {
					return fmt.Errorf("segment %s: term %q: %w", g.name, term, cur.err)
				}
			}
			ts.advance()
			if ts.it.err != nil {
				return fmt.Errorf("segment %s: %w", g.name, ts.it.err)
			}
			if ts.ok {
				heap.Push(h, ts)
			}
		}
		if len(enc.l[0].docs)+len(enc.l[1].docs)+len(enc.l[2].docs) == 0 {
			continue // every posting was of a deleted article
		}
		if err := enc.write(w, term); err != nil {
			return err
		}
		if count++; count%4096 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
	}
	return nil
}
