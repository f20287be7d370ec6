package index

import (
	"context"
	"encoding/binary"
	"errors"
	"reflect"
	"testing"

	"github.com/newsbot-dev/newsbot/corpus"
)

// outletSegment writes arts as one segment in memory and opens it.
func outletSegment(t *testing.T, arts []corpus.Article) (*segFile, []byte) {
	t.Helper()
	w, err := newSegWriter("")
	if err != nil {
		t.Fatal(err)
	}
	bl := newBuilder("")
	bl.w = w
	an := newAnalyzer(64)
	for _, a := range arts {
		if err := bl.add(an.prepare(&a, nil)); err != nil {
			t.Fatal(err)
		}
	}
	if err := bl.write(context.Background(), w); err != nil {
		t.Fatal(err)
	}
	b, err := w.finish("x")
	if err != nil {
		t.Fatal(err)
	}
	g, err := openSegment("x", b, nil)
	if err != nil {
		t.Fatal(err)
	}
	return g, b
}

func outletArticles() []corpus.Article {
	arts, _ := bridge()
	return append(arts,
		corpus.Article{ID: "again", Outlet: "coast herald", Body: "The bridge is closed."},
		corpus.Article{ID: "wired", Outlet: "Valley Times", Wire: "AP", Body: "The bridge is open."},
		corpus.Article{ID: "anon", Body: "No outlet."})
}

// TestOutletSectionsAreTheArticles: the outlet table written with a
// segment (and after merges) is what its stored articles say, read
// without them.
func TestOutletSectionsAreTheArticles(t *testing.T) {
	arts := outletArticles()
	g, _ := outletSegment(t, arts)
	got, err := g.outlets()
	if err != nil {
		t.Fatal(err)
	}
	var want outletTable
	if err := g.outletsFromArticles(&want); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got.names, want.names) || !reflect.DeepEqual(got.lower, want.lower) {
		t.Errorf("names %q, %q; from the articles %q, %q", got.names, got.lower, want.names, want.lower)
	}
	stored, err := g.c.bytes(g.m.outArtsOff, g.m.arts*outlRecSize)
	if err != nil || !reflect.DeepEqual(stored, want.arts) {
		t.Errorf("per-article outlets %v, %v; from the articles %v", stored, err, want.arts)
	}
	if got.arts != nil {
		t.Error("a segment of version 2 holds its articles' outlets in memory")
	}

	// Written in three batches and merged: the same outlets, the same
	// filtered results.
	ctx := context.Background()
	ix := Memory()
	for i := 0; i < len(arts); i += 3 {
		if _, err := ix.Add(ctx, arts[i:min(i+3, len(arts))]); err != nil {
			t.Fatal(err)
		}
	}
	before, _ := ix.Outlets(ctx)
	if err := ix.Merge(ctx); err != nil {
		t.Fatal(err)
	}
	if n := len(ix.cur.segs); n != 1 {
		t.Fatalf("%d segments after Merge", n)
	}
	after, err := ix.Outlets(ctx)
	wantNames := []string{"AP", "Coast Herald", "Daily Post", "Morning Star", "Reuters", "Valley Times"}
	if err != nil || !reflect.DeepEqual(after, wantNames) || !reflect.DeepEqual(before, wantNames) {
		t.Errorf("Outlets before a merge %q, after %q, %v; want %q", before, after, err, wantNames)
	}
	bits, err := ix.cur.segs[0].keep(map[string]bool{"ap": true})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for s := range uint32(ix.cur.segs[0].m.sents) {
		if bits[s/64]&(1<<(s%64)) != 0 {
			n++
			r, _ := ix.cur.segs[0].sent(s)
			a, _, _ := ix.cur.segs[0].article(r.article, false)
			if a.Wire != "AP" {
				t.Errorf("sentence %d of %q kept for AP", s, a.ID)
			}
		}
	}
	if n != 1 {
		t.Errorf("%d sentences kept for AP, want 1", n)
	}
}

// TestOutletSectionsRefuseDamage: outlet sections crafted with valid
// checksums are damage, found when read, not a panic or a wrong answer.
func TestOutletSectionsRefuseDamage(t *testing.T) {
	arts := outletArticles()
	g, orig := outletSegment(t, arts)
	good, err := g.outlets()
	if err != nil {
		t.Fatal(err)
	}
	nn := len(good.names)
	names := g.m.outOff
	firstLen := names + 1 // the count takes one byte here
	artsOff := g.m.outArtsOff
	cases := []struct {
		name string
		edit func(data []byte)
		read func(g *segFile) error
	}{
		{"more names than bytes", func(d []byte) { d[names] = 0x7f }, nil},
		{"a name past the end", func(d []byte) { d[firstLen] = 0x7f }, nil},
		{"an empty name", func(d []byte) { d[firstLen] = 0 }, nil},
		{"bytes after the names", func(d []byte) { d[names] = byte(nn - 1) }, nil},
		{"an unfinished count", func(d []byte) { d[names] = 0x80 }, nil},
		{"an outlet index past the names", func(d []byte) {
			binary.LittleEndian.PutUint32(d[artsOff:], uint32(nn+1))
		}, func(g *segFile) error { _, err := g.keep(map[string]bool{"reuters": true}); return err }},
		{"a wire index past the names", func(d []byte) {
			binary.LittleEndian.PutUint32(d[artsOff+4:], 1<<31)
		}, func(g *segFile) error {
			t, err := g.outlets()
			if err != nil {
				return err
			}
			return g.artOutlets(t, func(uint32, int, int) error { return nil })
		}},
	}
	for _, c := range cases {
		b := append([]byte(nil), orig...)
		c.edit(b) // the data starts at byte 0 of the file
		b = reseal(b)
		g, err := openSegment("x", b, nil)
		if err != nil {
			t.Errorf("%s: open: %v", c.name, err)
			continue
		}
		if c.read == nil {
			_, err = g.outlets()
		} else {
			err = c.read(g)
		}
		if !errors.Is(err, errDamaged) {
			t.Errorf("%s: %v, not a damage error", c.name, err)
		}
	}
	// The metadata's per-article section must fit the data.
	m := g.m
	m.outArtsOff = uint64(len(g.c.data)) - m.arts*outlRecSize + 1
	if _, err := decodeMeta(m.encode(), uint64(len(g.c.data))); !errors.Is(err, errDamaged) {
		t.Errorf("per-article outlets past the data: %v", err)
	}
	m = g.m
	m.outLen = uint64(len(g.c.data))
	if _, err := decodeMeta(m.encode(), uint64(len(g.c.data))); !errors.Is(err, errDamaged) {
		t.Errorf("outlet names past the data: %v", err)
	}
}
