package index

import (
	"context"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"unicode"

	"github.com/newsbot-dev/newsbot"
	"github.com/newsbot-dev/newsbot/corpus"
	"github.com/newsbot-dev/newsbot/corpus/attribution"
	"github.com/newsbot-dev/newsbot/corpus/retrievaltest"
)

func TestDiskConformance(t *testing.T) {
	t.Run("Memory", func(t *testing.T) {
		retrievaltest.Run(t, func(t *testing.T, arts []corpus.Article) newsbot.Retriever {
			return BuildDisk(arts)
		})
	})
	// With attribution relations: every quotation, with the mayor's
	// speaker where the fixtures name her.
	t.Run("Attributions", func(t *testing.T) {
		retrievaltest.Run(t, func(t *testing.T, arts []corpus.Article) newsbot.Retriever {
			ix := Memory()
			ix.Attributions = quoteExtractor
			if _, err := ix.Add(context.Background(), arts); err != nil {
				t.Fatal(err)
			}
			return ix
		})
	})
	// Through the files: written one article a segment (so that search
	// crosses segments), then opened as a restart opens them.
	t.Run("Opened", func(t *testing.T) {
		retrievaltest.Run(t, func(t *testing.T, arts []corpus.Article) newsbot.Retriever {
			dir := t.TempDir()
			w, err := OpenWriter(dir)
			if err != nil {
				t.Fatal(err)
			}
			for _, a := range arts {
				if _, err := w.Add(context.Background(), []corpus.Article{a}); err != nil {
					t.Fatal(err)
				}
			}
			w.Close()
			ix, err := OpenDisk(dir)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { ix.Close() })
			return ix
		})
	})
}

func diskTexts(hits []DiskHit) []string {
	var out []string
	for _, h := range hits {
		out = append(out, h.Sentence)
	}
	return out
}

func TestDiskAddDuplicateReplace(t *testing.T) {
	dir := t.TempDir()
	ix, err := OpenWriter(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	ctx := context.Background()
	arts := testArticles()
	st, err := ix.Add(ctx, append(arts, arts[0]))
	if err != nil {
		t.Fatal(err)
	}
	if want := []AddStatus{Added, Added, Added, Duplicate}; !equalStatus(st, want) {
		t.Errorf("first add: %v, want %v", st, want)
	}
	st, _ = ix.Add(ctx, arts[:1])
	if !equalStatus(st, []AddStatus{Duplicate}) {
		t.Errorf("same text again: %v", st)
	}
	edited := arts[1]
	edited.Body = "Rain fell on the Bahia cocoa zone all week. Arrivals were 90,000 bags."
	st, _ = ix.Add(ctx, []corpus.Article{edited})
	if !equalStatus(st, []AddStatus{Replaced}) {
		t.Errorf("edited: %v", st)
	}
	if ix.Len() != 3 {
		t.Errorf("Len = %d, want 3", ix.Len())
	}
	hits, err := ix.Search("How many bags arrived?", 5)
	if err != nil {
		t.Fatal(err)
	}
	got := strings.Join(diskTexts(hits), "|")
	if strings.Contains(got, "155,221") || !strings.Contains(got, "90,000") {
		t.Errorf("after replacing, hits %q: want the new text only", got)
	}
	if a, ok, _ := ix.Article(edited.ID); !ok || a.Body != edited.Body {
		t.Errorf("Article(%q) = %q, %v", edited.ID, a.Body, ok)
	}
	// The tombstone survives a restart, and a merge drops it.
	ix.Close()
	rd, err := OpenDisk(dir)
	if err != nil {
		t.Fatal(err)
	}
	if rd.Len() != 3 {
		t.Errorf("reopened: Len = %d", rd.Len())
	}
	rd.Close()
	w, err := OpenWriter(dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Merge(ctx); err != nil {
		t.Fatal(err)
	}
	if n, _ := w.Segments(); n != 1 || w.Len() != 3 || len(w.man.segs[0].dels) != 0 {
		t.Errorf("after merge: %d segments, %d articles, tombstones %v", n, w.Len(), w.man.segs[0].dels)
	}
	hits, _ = w.Search("How many bags arrived?", 5)
	if got := strings.Join(diskTexts(hits), "|"); strings.Contains(got, "155,221") || !strings.Contains(got, "90,000") {
		t.Errorf("after merge, hits %q", got)
	}
	w.Close()
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if strings.Contains(e.Name(), ".tmp") {
			t.Errorf("left behind: %s", e.Name())
		}
	}
}

func equalStatus(a, b []AddStatus) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// The policy merges ten segments of a tier into one, and search is the
// same before and after.
func TestDiskMergePolicy(t *testing.T) {
	ix := Memory()
	ix.Policy = Policy{Factor: 3, Floor: 1}
	ctx := context.Background()
	arts := testArticles()
	for i := range 9 {
		a := arts[i%3]
		a.ID = a.ID + "-" + string(rune('a'+i))
		if _, err := ix.Add(ctx, []corpus.Article{a}); err != nil {
			t.Fatal(err)
		}
	}
	if n, _ := ix.Segments(); n >= 9 {
		t.Errorf("%d segments after 9 adds with a merge factor of 3", n)
	}
	if ix.Len() != 9 {
		t.Errorf("Len = %d", ix.Len())
	}
	hits, err := ix.Search("What did Lavrov say about sanctions?", 3)
	if err != nil || !strings.Contains(strings.Join(diskTexts(hits), " "), "counter-productive") {
		t.Errorf("search after merges: %v %v", diskTexts(hits), err)
	}
}

// A damaged byte anywhere in a segment is found: opening refuses the
// segment, or the search that reads the damaged chunk fails. No damaged
// byte is ever used.
func TestDiskRefusesDamage(t *testing.T) {
	dir := t.TempDir()
	w, err := OpenWriter(dir)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.Add(context.Background(), testArticles()); err != nil {
		t.Fatal(err)
	}
	w.Close()
	segs, _ := filepath.Glob(filepath.Join(dir, "seg-*.nbs"))
	if len(segs) != 1 {
		t.Fatalf("segments: %v", segs)
	}
	orig, _ := os.ReadFile(segs[0])
	questions := []string{"What did Lavrov say about sanctions?", "How many bags arrived?", "Why did Mrs Clinton miss the summit?"}
	for off := 0; off < len(orig); off += max(1, len(orig)/97) {
		b := append([]byte(nil), orig...)
		b[off] ^= 0x5a
		os.WriteFile(segs[0], b, 0o644)
		ix, err := OpenDisk(dir)
		if err != nil {
			if !errors.Is(err, errDamaged) {
				t.Errorf("byte %d: open: %v, not a damage error", off, err)
			}
			continue
		}
		failed := false
		for _, q := range questions {
			if _, err := ix.Search(q, 5); err != nil {
				if !errors.Is(err, errDamaged) {
					t.Errorf("byte %d: search: %v", off, err)
				}
				failed = true
			}
		}
		if err := ix.cur.segs[0].c.verifyAll(); err == nil {
			t.Errorf("byte %d: damage not found by a full check", off)
		}
		_ = failed
		ix.Close()
	}
	os.WriteFile(segs[0], orig[:len(orig)-1], 0o644)
	if _, err := OpenDisk(dir); err == nil {
		t.Error("truncated segment opened")
	}
	os.WriteFile(segs[0], orig, 0o644)
	man, _ := os.ReadFile(filepath.Join(dir, ManifestFile))
	man[len(man)/2] ^= 1
	os.WriteFile(filepath.Join(dir, ManifestFile), man, 0o644)
	if _, err := OpenDisk(dir); err == nil || !errors.Is(err, errManifest) {
		t.Errorf("damaged manifest: %v", err)
	}
}

// Searches run while articles are added and merged, and while a reader
// reloads.
func TestDiskConcurrentSearchAddReload(t *testing.T) {
	dir := t.TempDir()
	w, err := OpenWriter(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	w.Policy = Policy{Factor: 2, Floor: 1}
	ctx := context.Background()
	if _, err := w.Add(ctx, testArticles()); err != nil {
		t.Fatal(err)
	}
	r, err := OpenDisk(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	var wg sync.WaitGroup
	stop := make(chan struct{})
	for _, ix := range []*Disk{w, r, r} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				if _, err := ix.Retrieve(ctx, "What did Lavrov say about sanctions?", 5); err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	for i := range 12 {
		a := testArticles()[i%3]
		a.ID += "-" + string(rune('a'+i))
		if _, err := w.Add(ctx, []corpus.Article{a}); err != nil {
			t.Fatal(err)
		}
		if err := r.Reload(); err != nil {
			t.Fatal(err)
		}
	}
	close(stop)
	wg.Wait()
	if r.Len() != 15 {
		t.Errorf("reader holds %d articles, want 15", r.Len())
	}
}

// reseal recomputes a segment file's checksums, so that damage reaches the
// decoders instead of stopping at a checksum.
func reseal(b []byte) []byte {
	if len(b) < footerSize {
		return b
	}
	foot := b[len(b)-footerSize:]
	tableOff := binary.LittleEndian.Uint64(foot[0:])
	metaOff := binary.LittleEndian.Uint64(foot[8:])
	end := uint64(len(b) - footerSize)
	if tableOff > metaOff || metaOff > end {
		return b
	}
	n := (tableOff + chunkSize - 1) / chunkSize
	if metaOff-tableOff != 4*n {
		return b
	}
	for ch := range n {
		s, e := ch*chunkSize, min((ch+1)*chunkSize, tableOff)
		binary.LittleEndian.PutUint32(b[tableOff+4*ch:], crc32.Checksum(b[s:e], castagnoli))
	}
	binary.LittleEndian.PutUint32(foot[16:], uint32(end-metaOff))
	binary.LittleEndian.PutUint32(foot[20:], crc32.Checksum(b[tableOff:metaOff], castagnoli))
	binary.LittleEndian.PutUint32(foot[24:], crc32.Checksum(b[metaOff:end], castagnoli))
	binary.LittleEndian.PutUint32(foot[28:], crc32.Checksum(foot[:28], castagnoli))
	return b
}

// exerciseSegment reads everything a segment holds, as searches and merges do.
func exerciseSegment(g *segFile) {
	for i := range uint32(min(g.m.sents, 64)) {
		if r, err := g.sent(i); err == nil {
			if a, err := g.art(r.article); err == nil {
				g.text(a, r.start, r.end)
			}
			g.answerWords(r, nil)
		}
	}
	for i := range uint32(min(g.m.arts, 16)) {
		g.article(i, true)
		g.storedID(i)
		g.attributions(i)
	}
	g.findID("a1")
	it := dictIter{d: g.d}
	var cur cursor
	for b := 0; it.seek(b) && b < 64; b++ {
		for it.step() {
			for li := range 3 {
				if l, err := g.list(it.info, li); err == nil && l != nil {
					for cur.reset(l); cur.doc != noMore; cur.next() {
						cur.val(0)
					}
					cur.reset(l)
					cur.advance(3)
					cur.advance(1 << 20)
				}
			}
		}
	}
	g.d.lookup("lavrov")
	if t, err := g.outlets(); err == nil {
		g.artOutlets(t, func(uint32, int, int) error { return nil })
		for _, l := range t.lower {
			g.keep(map[string]bool{l: true})
		}
	}
	g.c.verifyAll()
}

// FuzzSegment: no input, even one whose checksums are right, makes the
// segment reader panic or read out of bounds.
func FuzzSegment(f *testing.F) {
	w, _ := newSegWriter("")
	bl := newBuilder("")
	bl.w = w
	an := newAnalyzer(64)
	for _, a := range testArticles() {
		bl.add(an.prepare(&a, quoteExtractor))
	}
	bl.write(context.Background(), w)
	seed, _ := w.finish("x")
	f.Add(seed, uint(0), byte(0))
	f.Add(seed, uint(len(seed)/2), byte(0xff))
	if g, err := openSegment("x", seed, nil); err == nil {
		// The outlet names' count, a name's length, an article's outlet.
		f.Add(seed, uint(g.m.outOff), byte(0x7f))
		f.Add(seed, uint(g.m.outOff+1), byte(0x40))
		f.Add(seed, uint(g.m.outArtsOff), byte(0x10))
	}
	f.Fuzz(func(t *testing.T, b []byte, off uint, x byte) {
		b = append([]byte(nil), b...)
		if len(b) > 0 {
			b[off%uint(len(b))] ^= x
		}
		b = reseal(b)
		g, err := openSegment("x", b, nil)
		if err != nil {
			return
		}
		exerciseSegment(g)
		// And a search over it.
		s := &snapshot{segs: []*segFile{g}, dels: []*deletions{nil}}
		s.refs.Add(1)
		s.stats()
		s.search(&stemCache{}, 50, "What did Lavrov say about sanctions?", 5)
		s.search(&stemCache{}, 50, "How many bags arrived on the week of February?", 5)
	})
}

// FuzzManifest: no manifest makes the reader panic.
func FuzzManifest(f *testing.F) {
	m := manifest{gen: 3, next: 9, segs: []segEntry{{name: segName(1), size: 10, arts: 4, sents: 9, dels: []uint32{1, 3}}}}
	f.Add(m.encode())
	f.Fuzz(func(t *testing.T, b []byte) {
		if len(b) >= 4 {
			binary.LittleEndian.PutUint32(b[len(b)-4:], crc32.Checksum(b[:len(b)-4], castagnoli))
		}
		got, err := decodeManifest(b)
		if err == nil {
			decodeManifest(got.encode())
		}
	})
}

// TestSegmentDamageSweep is FuzzSegment over a deterministic sweep of
// damaged bytes, resealed, run with the other tests.
func TestSegmentDamageSweep(t *testing.T) {
	w, _ := newSegWriter("")
	bl := newBuilder("")
	bl.w = w
	an := newAnalyzer(64)
	for _, a := range testArticles() {
		bl.add(an.prepare(&a, quoteExtractor))
	}
	bl.write(context.Background(), w)
	seed, _ := w.finish("x")
	opened := 0
	for off := 0; off < len(seed); off++ {
		for _, x := range []byte{0x01, 0x80, 0xff} {
			b := append([]byte(nil), seed...)
			b[off] ^= x
			b = reseal(b)
			g, err := openSegment("x", b, nil)
			if err != nil {
				continue
			}
			opened++
			exerciseSegment(g)
			s := &snapshot{segs: []*segFile{g}, dels: []*deletions{nil}}
			s.refs.Add(1)
			s.stats()
			s.search(&stemCache{}, 50, "What did Lavrov say about sanctions?", 5)
		}
	}
	t.Logf("%d bytes, %d damaged copies opened and read", len(seed), opened)
}

// quoteExtractor is a crude attribution extractor for tests: every
// quotation in curly marks is a relation whose speaker is the first
// capitalised pair of words before it, when there is one.
func quoteExtractor(body string) []attribution.Attribution {
	var out []attribution.Attribution
	for off := 0; ; {
		i := strings.Index(body[off:], "“")
		if i < 0 {
			return out
		}
		i += off
		j := strings.Index(body[i:], "”")
		if j < 0 {
			return out
		}
		j += i + len("”")
		a := attribution.Attribution{Content: []attribution.Span{{Start: i, End: j}}}
		words := strings.Fields(body[:i])
		for w := len(words) - 2; w >= 0; w-- {
			if words[w] != "" && words[w+1] != "" && unicode.IsUpper([]rune(words[w])[0]) && unicode.IsUpper([]rune(words[w+1])[0]) {
				name := words[w] + " " + words[w+1]
				if k := strings.LastIndex(body[:i], name); k >= 0 {
					a.Speaker = attribution.Span{Start: k, End: k + len(name)}
				}
				break
			}
		}
		out = append(out, a)
		off = j
	}
}
