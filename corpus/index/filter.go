package index

import (
	"context"
	"encoding/binary"
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/newsbot-dev/newsbot"
)

var _ newsbot.FilterRetriever = (*Disk)(nil)

// outletTable is a segment's outlets: the distinct Outlet and Wire names
// of its articles, read from the segment's outlets section the first time
// a filtered search or Outlets needs them. Each article's two names are
// read from the per-article outlets section where needed, never from the
// stored articles (a segment of version 1, read only to be converted,
// has no such sections: its table is built from its stored articles).
type outletTable struct {
	once  sync.Once
	err   error
	names []string // as the first article to carry them gives them, distinct without regard to case
	lower []string // names, lower-cased
	arts  []byte   // version 1: what the per-article section holds
}

// outlets returns the segment's outlet table.
func (s *segFile) outlets() (*outletTable, error) {
	t := &s.outl
	t.once.Do(func() {
		if s.m.version < 2 {
			t.err = s.outletsFromArticles(t)
			return
		}
		b, err := s.c.bytes(s.m.outOff, s.m.outLen)
		if err != nil {
			t.err = err
			return
		}
		n, k := binary.Uvarint(b)
		if k <= 0 || n > uint64(len(b)-k) || n >= 1<<31 {
			t.err = fmt.Errorf("%w: outlets: %d names in %d bytes", errDamaged, n, len(b))
			return
		}
		b = b[k:]
		t.names, t.lower = make([]string, 0, n), make([]string, 0, n)
		for range n {
			l, k := binary.Uvarint(b)
			if k <= 0 || l == 0 || l > uint64(len(b)-k) {
				t.err = fmt.Errorf("%w: outlets: name %d", errDamaged, len(t.names))
				return
			}
			name := string(b[k : k+int(l)])
			b = b[k+int(l):]
			t.names, t.lower = append(t.names, name), append(t.lower, strings.ToLower(name))
		}
		if len(b) != 0 {
			t.err = fmt.Errorf("%w: outlets: %d bytes after the names", errDamaged, len(b))
		}
	})
	return t, t.err
}

// outletsFromArticles fills t from the stored articles of a segment of
// version 1.
func (s *segFile) outletsFromArticles(t *outletTable) error {
	idx := map[string]uint32{}
	name := func(n string) uint32 {
		if n == "" {
			return 0
		}
		l := strings.ToLower(n)
		if i, ok := idx[l]; ok {
			return i
		}
		t.names, t.lower = append(t.names, n), append(t.lower, l)
		idx[l] = uint32(len(t.names))
		return uint32(len(t.names))
	}
	t.arts = make([]byte, 0, s.m.arts*outlRecSize)
	for i := range uint32(s.m.arts) {
		a, _, err := s.article(i, false)
		if err != nil {
			return err
		}
		t.arts = binary.LittleEndian.AppendUint32(t.arts, name(a.Outlet))
		t.arts = binary.LittleEndian.AppendUint32(t.arts, name(a.Wire))
	}
	return nil
}

// artOutlets calls f with each article's outlet and wire, indexes into
// t.names (-1: none), checked against them.
func (s *segFile) artOutlets(t *outletTable, f func(art uint32, outlet, wire int) error) error {
	b := t.arts
	if b == nil {
		var err error
		if b, err = s.c.bytes(s.m.outArtsOff, s.m.arts*outlRecSize); err != nil {
			return err
		}
	}
	if uint64(len(b)) != s.m.arts*outlRecSize {
		return fmt.Errorf("%w: outlets of %d articles in %d bytes", errDamaged, s.m.arts, len(b))
	}
	for i := range uint32(s.m.arts) {
		o := binary.LittleEndian.Uint32(b[i*outlRecSize:])
		w := binary.LittleEndian.Uint32(b[i*outlRecSize+4:])
		if uint64(o) > uint64(len(t.names)) || uint64(w) > uint64(len(t.names)) {
			return fmt.Errorf("%w: outlets of article %d", errDamaged, i)
		}
		if err := f(i, int(o)-1, int(w)-1); err != nil {
			return err
		}
	}
	return nil
}

// keep returns the segment's sentences of articles whose outlet or wire
// is one of want (lower-cased), as bits.
func (s *segFile) keep(want map[string]bool) ([]uint64, error) {
	t, err := s.outlets()
	if err != nil {
		return nil, err
	}
	match := make([]bool, len(t.lower))
	some := false
	for i, l := range t.lower {
		match[i] = want[l]
		some = some || match[i]
	}
	bits := make([]uint64, (s.m.sents+63)/64)
	if !some {
		return bits, nil
	}
	err = s.artOutlets(t, func(i uint32, o, w int) error {
		if (o < 0 || !match[o]) && (w < 0 || !match[w]) {
			return nil
		}
		a, err := s.art(i)
		if err != nil {
			return err
		}
		for x := a.first; x < a.first+a.nsent; x++ {
			bits[x/64] |= 1 << (x % 64)
		}
		return nil
	})
	return bits, err
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
	s.outl.once.Do(func() { s.outl.names, s.outl.err = s.outlets() })
	return slices.Clone(s.outl.names), s.outl.err
}

// outlets lists the snapshot's live outlets and wires, sorted without
// regard to case. A snapshot never changes, so Disk.Outlets, which the
// core asks on every question, computes it once per snapshot.
func (s *snapshot) outlets() ([]string, error) {
	seen := map[string]bool{}
	var out []string
	for i, g := range s.segs {
		t, err := g.outlets()
		if err != nil {
			return nil, err
		}
		used := make([]bool, len(t.names))
		if s.dels[i] == nil {
			// Every name is some article's (as the segment was
			// written), and none is deleted.
			for n := range used {
				used[n] = true
			}
		} else {
			err := g.artOutlets(t, func(a uint32, o, w int) error {
				if !s.dels[i].art(a) {
					for _, n := range [2]int{o, w} {
						if n >= 0 {
							used[n] = true
						}
					}
				}
				return nil
			})
			if err != nil {
				return nil, err
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
