package index

import (
	"bytes"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/newsbot-dev/newsbot/corpus"
)

// withChecksum makes a file of an index body (the bytes after the magic),
// with the checksum a writer would give it.
func withChecksum(body []byte) []byte {
	b := append([]byte(magic), body...)
	return binary.LittleEndian.AppendUint32(b, crc32.ChecksumIEEE(b))
}

// encoded returns ix's file.
func encoded(t testing.TB, ix *Index) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := ix.encode(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// A file crafted to carry a valid checksum is still checked entry by
// entry: each case here was accepted before, and most then panicked at the
// first search that touched it (finding 4 of issue 10: postings were
// range-checked at their last entry only, and a delta that wrapped around
// passed).
func TestOpenRefusesCraftedIndex(t *testing.T) {
	// raw writes numbers and strings in the file's own encoding.
	raw := func(parts ...any) []byte {
		var buf bytes.Buffer
		e := &encoder{w: &buf}
		for _, p := range parts {
			switch p := p.(type) {
			case int:
				e.uint(uint64(p))
			case uint64:
				e.uint(p)
			case string:
				e.str(p)
			}
		}
		return withChecksum(buf.Bytes())
	}
	for _, tc := range []struct {
		name  string
		craft func(ix *Index) // changes a valid index before it is written
		file  []byte          // or: the file itself
	}{
		{name: "a posting delta that wraps around to a valid last entry", craft: func(ix *Index) {
			ix.post[0] = []posting{{sent: 1 << 20, own: 1}, {sent: 0, own: 1}}
		}},
		{name: "a posting past the last sentence", craft: func(ix *Index) {
			ix.post[0] = []posting{{sent: 0, own: 1}, {sent: uint32(len(ix.sents)), own: 1}}
		}},
		{name: "a posting repeated", craft: func(ix *Index) {
			ix.post[0] = []posting{{sent: 1, own: 1}, {sent: 1, own: 1}}
		}},
		{name: "a sentence past its body", craft: func(ix *Index) {
			ix.sents[0].end = uint32(len(ix.articles[0].Body) + 10)
		}},
		{name: "sentences out of order", craft: func(ix *Index) {
			ix.sents[1].start, ix.sents[1].end = 0, 1
		}},
		{name: "a sentence before the text start", craft: func(ix *Index) {
			ix.articles[0].TextStart = int(ix.sents[0].start) + 1
		}},
		{name: "a text start past the body", craft: func(ix *Index) {
			ix.articles[2].TextStart = len(ix.articles[2].Body) + 1
		}},
		{name: "a title entry naming no article", craft: func(ix *Index) {
			ix.titles[0] = []uint32{uint32(len(ix.articles))}
		}},
		{name: "title entries out of order", craft: func(ix *Index) {
			ix.titles[0] = []uint32{1, 0}
		}},
		{name: "an article count over the articles", craft: func(ix *Index) {
			ix.docDF[0] = uint32(len(ix.articles) + 1)
		}},
		{name: "an article id twice", craft: func(ix *Index) {
			ix.articles[1].ID = ix.articles[0].ID
		}},
		{name: "a term twice", craft: func(ix *Index) {
			ix.terms[1] = ix.terms[0]
		}},
		{name: "a count of articles no file could hold", file: raw(uint64(1) << 40)},
		{name: "a count of sentences the file cannot hold", file: raw(1, "id", "", "", "", 0, "", "", "", "", "", 0, "body", 0, 1000)},
		{name: "nanoseconds of a second or more", file: raw(1, "id", "", "", "", 1, 0, 1_000_000_000, "", "", "", "", "", 0, "body", 0, 0, 0)},
		{name: "a date flag other than 0 or 1", file: raw(1, "id", "", "", "", 2, "", "", "", "", "", 0, "body", 0, 0, 0)},
		{name: "a title length over its field", file: raw(1, "id", "", "", "", 0, "", "", "", "", "", 0, "body", 1<<16, 0, 0)},
		{name: "a paragraph over its field", file: raw(1, "id", "", "", "", 0, "", "", "", "", "", 0, "body", 0, 1, 0, 4, 1<<16, 1, 0)},
		{name: "a count in a sentence over its field", file: raw(1, "id", "", "", "", 0, "", "", "", "", "", 0, "body", 0, 1, 0, 4, 0, 1, 1, "body", 1, 1, 0, 1<<16, 0, 0)},
		{name: "bytes after the last term", file: raw(0, 0, 7)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			file := tc.file
			if tc.craft != nil {
				ix := Build(testArticles())
				tc.craft(ix)
				file = encoded(t, ix)
			}
			dir := t.TempDir()
			if err := os.WriteFile(filepath.Join(dir, IndexFile), file, 0o644); err != nil {
				t.Fatal(err)
			}
			ix, err := Open(dir)
			if err == nil {
				exercise(t, ix) // what the bot would have met
				t.Fatal("a crafted index was accepted")
			}
			if !errors.Is(err, errCorrupt) || !strings.Contains(err.Error(), "damaged: ") {
				t.Errorf("err = %v, want a damaged index, saying what is wrong", err)
			}
		})
	}
	// The same builders, uncrafted, give files that open: the cases fail
	// for what they change.
	if _, err := decode(encoded(t, Build(testArticles()))); err != nil {
		t.Fatalf("the uncrafted index: %v", err)
	}
	if _, err := decode(raw(1, "id", "", "", "", 1, 0, 999_999_999, "", "", "", "", "", 0, "body", 0, 1, 0, 4, 0, 1, 1, "body", 1, 1, 0, 1, 0, 1, 0)); err != nil {
		t.Fatalf("the raw index the raw cases start from: %v", err)
	}
}

// A save killed part-way leaves its temporary file; the next writer to take
// the lock removes it (finding 5 of issue 10: nine kills left 214 MB beside
// a 24 MB index). The index itself, and other files, are left alone.
func TestLockRemovesStaleTemporaryFiles(t *testing.T) {
	dir := t.TempDir()
	if err := Build(testArticles()).Save(dir); err != nil {
		t.Fatal(err)
	}
	stale := []string{IndexFile + ".tmp123", IndexFile + ".tmp4567"}
	for _, name := range stale {
		if err := os.WriteFile(filepath.Join(dir, name), []byte("half-written"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	os.WriteFile(filepath.Join(dir, "manifest.json"), []byte("{}"), 0o644)
	// A reader does not touch them: a writer may be saving.
	if _, err := Open(dir); err != nil {
		t.Fatal(err)
	}
	if left, _ := filepath.Glob(filepath.Join(dir, IndexFile+".tmp*")); len(left) != 2 {
		t.Fatalf("Open removed temporary files: %v left", left)
	}
	unlock, err := Lock(dir)
	if err != nil {
		t.Fatal(err)
	}
	unlock()
	if left, _ := filepath.Glob(filepath.Join(dir, IndexFile+".tmp*")); len(left) != 0 {
		t.Errorf("stale temporary files left after Lock: %v", left)
	}
	for _, keep := range []string{IndexFile, "manifest.json", lockFile} {
		if _, err := os.Stat(filepath.Join(dir, keep)); err != nil {
			t.Errorf("Lock removed %s: %v", keep, err)
		}
	}
	if ix, err := Open(dir); err != nil || ix.Len() != 3 {
		t.Errorf("the index after Lock: %v, %v", ix, err)
	}
}

// FuzzDecode gives the decoder random content with a valid checksum: it
// must refuse it or return an index that every operation can use (search
// over every term, the previous sentence of each hit, adding and replacing
// articles, writing it again) without a panic.
func FuzzDecode(f *testing.F) {
	good := encoded(f, Build(testArticles()))
	f.Add(good[len(magic) : len(good)-4])
	one := encoded(f, Build(testArticles()[1:2]))
	f.Add(one[len(magic) : len(one)-4])
	f.Add([]byte{})
	f.Add([]byte{0, 0})
	f.Fuzz(func(t *testing.T, body []byte) {
		ix, err := decode(withChecksum(body))
		if err != nil {
			if !errors.Is(err, errCorrupt) {
				t.Fatalf("err = %v, want errCorrupt", err)
			}
			return
		}
		exercise(t, ix)
		again, err := decode(encoded(t, ix))
		if err != nil {
			t.Fatalf("an accepted index, written again, is refused: %v", err)
		}
		if again.Len() != ix.Len() || again.Sentences() != ix.Sentences() {
			t.Fatalf("written again: %d articles, %d sentences; was %d, %d", again.Len(), again.Sentences(), ix.Len(), ix.Sentences())
		}
	})
}

// exercise uses every part of ix the way the bot does.
func exercise(t *testing.T, ix *Index) {
	// Every term's postings, as one question holding them all, through
	// every stage of a search.
	qts := make([]qterm, len(ix.terms))
	all := analyseQuestion("Who said what, and when?", nil)
	all.terms = make([]qword, len(ix.terms))
	for id, term := range ix.terms {
		qts[id] = qterm{id: uint32(id), q: id, idfS: 1, idfD: 1, qw: 1}
		all.terms[id] = qword{term: term, weight: 1, entity: id%2 == 0, ask: true}
	}
	if len(ix.sents) > 0 && len(qts) > 0 {
		sc := ix.getScratch()
		cands := ix.stage1(sc, qts, poolSize, nil)
		ix.putScratch(sc)
		s := &search{ix: ix, q: all, qts: qts, total: float64(len(qts)), entTotal: 1, evtTotal: 1, cands: cands}
		if len(cands) > 0 {
			s.gather()
			for _, h := range s.hits(s.rank(10)) {
				_ = h.Text()
				ix.previous(h)
			}
			s.done()
		}
	}
	q := strings.Join(ix.terms[:min(len(ix.terms), 6)], " ")
	if _, err := ix.Retrieve(t.Context(), q, 5); err != nil {
		t.Fatal(err)
	}
	for _, a := range ix.articles {
		ix.Article(a.ID)
	}
	if len(ix.articles) > 0 {
		// Replacing an article re-analyses every other one.
		edited := ix.articles[0]
		edited.Body += " An edit."
		ix.Add([]corpus.Article{edited, {ID: "fuzz-new", Body: "A new article. It has two sentences."}})
	}
}
