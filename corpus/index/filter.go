package index

import (
	"context"
	"sort"
	"strings"
	"sync"

	"github.com/newsbot-dev/newsbot"
)

var _ newsbot.FilterRetriever = (*Disk)(nil)

// outletTable is a segment's outlets: the distinct Outlet and Wire names
// of its articles, and each article's, read from the stored records the
// first time a filtered search or Outlets needs them (one pass over the
// segment's articles; then 16 bytes an article).
type outletTable struct {
	once  sync.Once
	err   error
	names []string // as the articles give them, distinct without regard to case
	lower []string // names, lower-cased
	arts  []artOutlet
}

type artOutlet struct {
	outlet, wire int32 // into names; -1 when none
	first, nsent uint32
}

// outlets returns the segment's outlet table.
func (s *segFile) outlets() (*outletTable, error) {
	t := &s.outl
	t.once.Do(func() {
		idx := map[string]int32{}
		name := func(n string) int32 {
			if n == "" {
				return -1
			}
			l := strings.ToLower(n)
			if i, ok := idx[l]; ok {
				return i
			}
			i := int32(len(t.names))
			idx[l] = i
			t.names, t.lower = append(t.names, n), append(t.lower, l)
			return i
		}
		t.arts = make([]artOutlet, s.m.arts)
		for i := range uint32(s.m.arts) {
			a, r, err := s.article(i, false)
			if err != nil {
				t.err = err
				return
			}
			t.arts[i] = artOutlet{outlet: name(a.Outlet), wire: name(a.Wire), first: r.first, nsent: r.nsent}
		}
	})
	return t, t.err
}

// keep returns the segment's sentences of articles whose outlet or wire
// is one of want (lower-cased), as bits.
func (s *segFile) keep(want map[string]bool) ([]uint64, error) {
	t, err := s.outlets()
	if err != nil {
		return nil, err
	}
	match := make([]bool, len(t.lower))
	for i, l := range t.lower {
		match[i] = want[l]
	}
	bits := make([]uint64, (s.m.sents+63)/64)
	for _, a := range t.arts {
		if (a.outlet >= 0 && match[a.outlet]) || (a.wire >= 0 && match[a.wire]) {
			for x := a.first; x < a.first+a.nsent; x++ {
				bits[x/64] |= 1 << (x % 64)
			}
		}
	}
	return bits, nil
}

// filterSet is a Filter's outlets, lower-cased; nil keeps everything.
func filterSet(f newsbot.Filter) map[string]bool {
	var want map[string]bool
	for _, o := range f.Outlets {
		if o = strings.TrimSpace(o); o != "" {
			if want == nil {
				want = map[string]bool{}
			}
			want[strings.ToLower(o)] = true
		}
	}
	return want
}

// RetrieveFiltered implements newsbot.FilterRetriever: Retrieve over the
// articles whose Outlet or Wire is one of f.Outlets (compared without
// regard to case). The filter applies inside the search, in its first
// stage: the k sentences returned are the best k of those articles, not
// what is left of a larger retrieval. The corpus statistics (IDF, average
// lengths) stay those of the whole index. A filter naming no outlet
// keeps everything.
func (ix *Disk) RetrieveFiltered(ctx context.Context, question string, k int, f newsbot.Filter) ([]newsbot.Evidence, error) {
	return ix.retrieve(ctx, question, k, filterSet(f))
}

// Outlets implements newsbot.FilterRetriever: the distinct Outlet and
// Wire names of the live articles, each as its first article gives it,
// sorted without regard to case.
func (ix *Disk) Outlets(ctx context.Context) ([]string, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s := ix.acquire()
	defer s.release()
	seen := map[string]bool{}
	var out []string
	for i, g := range s.segs {
		t, err := g.outlets()
		if err != nil {
			return nil, err
		}
		used := make([]bool, len(t.names))
		for a, ao := range t.arts {
			if s.dels[i].art(uint32(a)) {
				continue
			}
			for _, n := range [2]int32{ao.outlet, ao.wire} {
				if n >= 0 {
					used[n] = true
				}
			}
		}
		for n, u := range used {
			if u && !seen[t.lower[n]] {
				seen[t.lower[n]] = true
				out = append(out, t.names[n])
			}
		}
	}
	sort.Slice(out, func(a, b int) bool { return strings.ToLower(out[a]) < strings.ToLower(out[b]) })
	return out, nil
}
