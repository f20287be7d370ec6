package index

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"syscall"
	"time"

	"github.com/newsbot-dev/newsbot/corpus"
)

// The index is stored in one file, IndexFile, in its directory. A save
// writes a new file beside it, syncs it, and renames it over the old one, so
// a crash at any moment leaves either the old index or the new one, never a
// mix. The file ends with a CRC-32 of everything before it: a damaged file
// is refused, not half-read.
const (
	// IndexFile is the name of the index file in an index directory.
	IndexFile = "index.bin"
	lockFile  = "lock"
	// magic opens the file and names its version: 2 adds each article's
	// Wire and Language; a version 1 file is still read (without them)
	// and is written as version 2 when the index next changes.
	magic   = "NEWSIDX\x02"
	magicV1 = "NEWSIDX\x01"
)

// ErrNoIndex is returned by Open when the directory holds no index yet.
var ErrNoIndex = errors.New("no index")

// Open loads the index stored in dir.
func Open(dir string) (*Index, error) {
	b, err := os.ReadFile(filepath.Join(dir, IndexFile))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("open index in %s: %w", dir, ErrNoIndex)
	}
	if err != nil {
		return nil, fmt.Errorf("open index: %w", err)
	}
	ix, err := decode(b)
	if err != nil {
		return nil, fmt.Errorf("open index %s: %w", filepath.Join(dir, IndexFile), err)
	}
	return ix, nil
}

// Save writes the index to dir atomically, creating dir if needed. Call it
// holding the directory's Lock: a save killed part-way leaves a temporary
// file, which the next Lock removes.
func (ix *Index) Save(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("save index: %w", err)
	}
	f, err := os.CreateTemp(dir, IndexFile+".tmp*")
	if err != nil {
		return fmt.Errorf("save index: %w", err)
	}
	tmp := f.Name()
	defer os.Remove(tmp) // a no-op once renamed
	w := bufio.NewWriterSize(f, 1<<20)
	if err := ix.encode(w); err != nil {
		f.Close()
		return fmt.Errorf("save index: write: %w", err)
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return fmt.Errorf("save index: write: %w", err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return fmt.Errorf("save index: sync: %w", err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("save index: %w", err)
	}
	if err := os.Rename(tmp, filepath.Join(dir, IndexFile)); err != nil {
		return fmt.Errorf("save index: %w", err)
	}
	// Make the rename itself durable.
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
	return nil
}

// Lock takes the directory's writer lock, waiting for another writer (a
// second `bot ingest`) to finish, then removes what an interrupted save left
// (see removeStaleSaves). Readers need no lock. Call the returned
// function to release it; the lock also ends with the process.
func Lock(dir string) (unlock func(), err error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("lock index: %w", err)
	}
	f, err := os.OpenFile(filepath.Join(dir, lockFile), os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return nil, fmt.Errorf("lock index: %w", err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
		f.Close()
		return nil, fmt.Errorf("lock index: %w", err)
	}
	if err := removeStaleSaves(dir); err != nil {
		syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
		f.Close()
		return nil, fmt.Errorf("lock index: %w", err)
	}
	return func() {
		syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
		f.Close()
	}, nil
}

// removeStaleSaves removes the temporary files of saves that never finished (a
// writer killed part-way). It runs under the writer lock: only a writer
// saves, so no save is under way while it runs and every such file is
// garbage.
func removeStaleSaves(dir string) error {
	stale, err := filepath.Glob(filepath.Join(dir, IndexFile+".tmp*"))
	if err != nil {
		return err
	}
	for _, name := range stale {
		if err := os.Remove(name); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("remove a stale temporary file: %w", err)
		}
	}
	return nil
}

// encoder writes the index format: unsigned varints and length-prefixed
// strings, with a running CRC.
type encoder struct {
	w   io.Writer
	crc uint32
	buf [binary.MaxVarintLen64]byte
	err error
}

func (e *encoder) bytes(b []byte) {
	if e.err != nil {
		return
	}
	e.crc = crc32.Update(e.crc, crc32.IEEETable, b)
	_, e.err = e.w.Write(b)
}

func (e *encoder) uint(v uint64) { e.bytes(e.buf[:binary.PutUvarint(e.buf[:], v)]) }
func (e *encoder) int(v int64)   { e.bytes(e.buf[:binary.PutVarint(e.buf[:], v)]) }
func (e *encoder) str(s string) {
	e.uint(uint64(len(s)))
	e.bytes([]byte(s))
}

func (ix *Index) encode(w io.Writer) error { return ix.encodeVersion(w, 2) }

// encodeVersion writes the format of a version: 2, or 1 (without Wire and
// Language) for the tests that read old files.
func (ix *Index) encodeVersion(w io.Writer, version int) error {
	e := &encoder{w: w}
	if version == 1 {
		e.bytes([]byte(magicV1))
	} else {
		e.bytes([]byte(magic))
	}
	e.uint(uint64(len(ix.articles)))
	for i, a := range ix.articles {
		e.str(a.ID)
		e.str(a.Title)
		e.str(a.Outlet)
		e.str(a.URL)
		if a.Published.IsZero() {
			e.uint(0)
		} else {
			e.uint(1)
			e.int(a.Published.Unix())
			e.uint(uint64(a.Published.Nanosecond()))
		}
		e.str(a.Author)
		e.str(a.Place)
		if version != 1 {
			e.str(a.Wire)
			e.str(a.Language)
		}
		e.str(a.Source)
		e.uint(uint64(a.TextStart))
		e.str(a.Body)
		e.uint(uint64(ix.tLen[i]))
		first, last := ix.artFirst[i], ix.artFirst[i+1]
		e.uint(uint64(last - first))
		var prev uint32
		for _, s := range ix.sents[first:last] {
			e.uint(uint64(s.start - prev))
			e.uint(uint64(s.end - s.start))
			e.uint(uint64(s.para))
			e.uint(uint64(s.n))
			prev = s.end
		}
	}
	e.uint(uint64(len(ix.terms)))
	for t, term := range ix.terms {
		e.str(term)
		e.uint(uint64(ix.docDF[t]))
		e.uint(uint64(len(ix.post[t])))
		var prev uint32
		for _, p := range ix.post[t] {
			e.uint(uint64(p.sent - prev))
			e.uint(uint64(p.own))
			e.uint(uint64(p.ctx))
			prev = p.sent
		}
		e.uint(uint64(len(ix.titles[t])))
		prev = 0
		for _, a := range ix.titles[t] {
			e.uint(uint64(a - prev))
			prev = a
		}
	}
	if e.err != nil {
		return e.err
	}
	var sum [4]byte
	binary.LittleEndian.PutUint32(sum[:], e.crc)
	_, err := w.Write(sum[:])
	return err
}

// decoder reads the index format from a string that holds the whole file:
// every string in the index is a substring of it, so loading allocates
// once for all the text.
//
// The checksum only says that the file is the one written; it says nothing
// of a file crafted to have a valid one. So the decoder checks every count,
// offset and posting it reads against what the rest of the index needs
// (see decode), and its first failure is kept: a file it accepts cannot
// make a search index out of range.
type decoder struct {
	v1  bool // a version 1 file: no Wire, no Language
	s   string
	off int
	err error
}

var errCorrupt = errors.New("index file is damaged")

// fail records the first problem, naming what was wrong.
func (d *decoder) fail(format string, args ...any) {
	if d.err == nil {
		d.err = fmt.Errorf("%w: %s", errCorrupt, fmt.Sprintf(format, args...))
	}
}

// uint reads an unsigned varint. Most are one byte: that case comes first.
// (It does not look at d.err: after a failure the values read are
// meaningless, and every loop stops on d.err.)
func (d *decoder) uint() uint64 {
	if off := d.off; off < len(d.s) && d.s[off] < 0x80 {
		d.off++
		return uint64(d.s[off])
	}
	return d.varint()
}

func (d *decoder) varint() uint64 {
	if d.err != nil {
		return 0
	}
	var v uint64
	var shift uint
	for {
		if d.off >= len(d.s) || shift > 63 {
			d.fail("a number runs past the end of the file at byte %d", d.off)
			return 0
		}
		c := d.s[d.off]
		d.off++
		if shift == 63 && c > 1 {
			d.fail("a number over 64 bits at byte %d", d.off-1)
			return 0
		}
		v |= uint64(c&0x7f) << shift
		if c < 0x80 {
			return v
		}
		shift += 7
	}
}

// bounded reads a number that must be at most limit.
func (d *decoder) bounded(what string, limit uint64) uint64 {
	v := d.uint()
	if v > limit {
		d.fail("%s %d is over %d", what, v, limit)
		return 0
	}
	return v
}

func (d *decoder) int() int64 {
	u := d.uint()
	return int64(u>>1) ^ -int64(u&1)
}

func (d *decoder) str() string {
	n := d.uint()
	if d.err != nil {
		return ""
	}
	if n > uint64(len(d.s)-d.off) {
		d.fail("a string of %d bytes runs past the end of the file at byte %d", n, d.off)
		return ""
	}
	s := d.s[d.off : d.off+int(n)]
	d.off += int(n)
	return s
}

// count reads how many items follow, each at least minBytes long in the
// file, and checks that the rest of the input can hold them: a damaged or
// crafted count cannot make us allocate without bound.
func (d *decoder) count(what string, minBytes int) int {
	n := d.uint()
	if d.err != nil {
		return 0
	}
	if n > uint64((len(d.s)-d.off)/minBytes) {
		d.fail("%d %s cannot fit in the %d bytes left", n, what, len(d.s)-d.off)
		return 0
	}
	return int(n)
}

// The least bytes each item takes in the file: an article is eight strings
// (ten from version 2),
// the date flag, the text start, the title length and the sentence count; a
// sentence four numbers; a term its string, its count of articles and two
// list lengths; a posting three numbers; a title entry one.
const (
	minArticle  = 12
	minSentence = 4
	minTerm     = 4
	minPosting  = 3
	minTitle    = 1
)

// decode reads an index file. Beyond the checksum it checks what search
// relies on: article ids and terms are unique; a date's nanoseconds are
// under a second; every count fits the bytes left; each article's text
// start lies in its body, and its sentences lie in order within the body,
// after the text start, without overlap; every length fits its field; a
// term's postings name existing sentences in strictly ascending order, its
// article count is at most the number of articles, and its title list
// names existing articles in strictly ascending order; nothing follows the
// last term. Offsets are added in 64 bits, so a delta cannot wrap around.
func decode(b []byte) (*Index, error) {
	if len(b) < len(magic)+4 {
		return nil, errors.New("not an index file")
	}
	v1 := false
	switch string(b[:len(magic)]) {
	case magic:
	case magicV1:
		v1 = true
	default:
		if string(b[:len(magic)-1]) == magic[:len(magic)-1] {
			return nil, fmt.Errorf("an index of version %d, newer than this bot reads (version 2): use a newer bot, or move it away and ingest again", b[len(magic)-1])
		}
		return nil, errors.New("not an index file")
	}
	body := b[:len(b)-4]
	if crc32.ChecksumIEEE(body) != binary.LittleEndian.Uint32(b[len(b)-4:]) {
		return nil, fmt.Errorf("%w: checksum mismatch", errCorrupt)
	}
	d := &decoder{s: string(body), off: len(magic), v1: v1}
	ix := d.articles()
	if d.err == nil {
		d.terms(ix)
	}
	if d.err == nil && d.off != len(d.s) {
		d.fail("%d bytes follow the last term", len(d.s)-d.off)
	}
	if d.err != nil {
		return nil, d.err
	}
	ix.stats()
	return ix, nil
}

// articles reads the articles and their sentences.
func (d *decoder) articles() *Index {
	na := d.count("articles", minArticle)
	ix := &Index{
		articles: make([]corpus.Article, na),
		ids:      make(map[string]uint32, na),
		tLen:     make([]uint16, na),
		docLen:   make([]uint32, na),
		artFirst: make([]uint32, 1, na+1),
	}
	for i := range na {
		a := &ix.articles[i]
		a.ID = d.str()
		a.Title = d.str()
		a.Outlet = d.str()
		a.URL = d.str()
		switch d.bounded("date flag", 1) {
		case 1:
			sec := d.int()
			a.Published = time.Unix(sec, int64(d.bounded("nanoseconds", 1e9-1))).UTC()
		}
		a.Author = d.str()
		a.Place = d.str()
		if !d.v1 {
			a.Wire = d.str()
			a.Language = d.str()
		}
		a.Source = d.str()
		textStart := d.uint()
		a.Body = d.str()
		if d.err == nil && textStart > uint64(len(a.Body)) {
			d.fail("article %d: text starts at %d, past its body of %d bytes", i, textStart, len(a.Body))
		}
		a.TextStart = int(textStart)
		ix.tLen[i] = uint16(d.bounded("title length", math.MaxUint16))
		ns := d.count("sentences", minSentence)
		if uint64(len(ix.sents))+uint64(ns) > math.MaxUint32 {
			d.fail("more than %d sentences", uint64(math.MaxUint32))
		}
		var prev uint64
		for j := 0; j < ns && d.err == nil; j++ {
			start := prev + d.uint()
			end := start + d.uint()
			para := d.bounded("paragraph", math.MaxUint16)
			n := d.bounded("sentence length", math.MaxUint16)
			if d.err == nil && (start < prev || start < textStart || end < start || end > uint64(len(a.Body))) {
				d.fail("article %d: sentence %d at bytes %d-%d is out of order or past its body of %d bytes", i, j, start, end, len(a.Body))
			}
			ix.docLen[i] += uint32(n)
			ix.sents = append(ix.sents, sentence{start: uint32(start), end: uint32(end), article: uint32(i), para: uint16(para), n: uint16(n)})
			prev = end
		}
		ix.artFirst = append(ix.artFirst, uint32(len(ix.sents)))
		ix.ids[a.ID] = uint32(i)
		if len(ix.ids) != i+1 {
			d.fail("article id %q appears twice", a.ID)
		}
		if d.err != nil {
			return ix
		}
	}
	return ix
}

// terms reads the vocabulary: each term's postings and title list.
func (d *decoder) terms(ix *Index) {
	nt := d.count("terms", minTerm)
	na, nsent := uint64(len(ix.articles)), uint64(len(ix.sents))
	ix.terms = make([]string, nt)
	ix.vocab = make(map[string]uint32, nt)
	ix.post = make([][]posting, nt)
	ix.docDF = make([]uint32, nt)
	ix.titles = make([][]uint32, nt)
	for t := range nt {
		term := d.str()
		ix.terms[t] = term
		ix.vocab[term] = uint32(t)
		if len(ix.vocab) != t+1 {
			d.fail("term %q appears twice", term)
		}
		ix.docDF[t] = uint32(d.bounded("article count", na))
		ix.post[t] = d.postings(t, nsent)
		ix.titles[t] = d.titleList(t, na)
		if d.err != nil {
			return
		}
	}
}

// postings reads a term's postings: delta-coded sentences that must rise
// strictly (the first from zero) and stay under nsent, each with its two
// counts. (Written out rather than shared with titleList: it is the
// loop that loading spends its time in.)
func (d *decoder) postings(term int, nsent uint64) []posting {
	n := d.count("postings", minPosting)
	if n == 0 || d.err != nil {
		return nil
	}
	ps := make([]posting, n)
	var prev uint64
	for j := range ps {
		delta := d.uint()
		v := prev + delta
		own, ctx := d.uint(), d.uint()
		if (j > 0 && delta == 0) || v < prev || v >= nsent || own > math.MaxUint16 || ctx > math.MaxUint16 {
			d.fail("term %d: posting %d (sentence %d of %d, counts %d and %d) is out of order or out of range", term, j, v, nsent, own, ctx)
		}
		if d.err != nil {
			return nil
		}
		ps[j] = posting{sent: uint32(v), own: uint16(own), ctx: uint16(ctx)}
		prev = v
	}
	return ps
}

// titleList reads the articles whose headline holds a term: delta-coded,
// rising strictly (the first from zero), each under na.
func (d *decoder) titleList(term int, na uint64) []uint32 {
	n := d.count("title entries", minTitle)
	if n == 0 || d.err != nil {
		return nil
	}
	ts := make([]uint32, n)
	var prev uint64
	for j := range ts {
		delta := d.uint()
		v := prev + delta
		if (j > 0 && delta == 0) || v < prev || v >= na {
			d.fail("term %d: title entry %d (article %d of %d) is out of order or out of range", term, j, v, na)
		}
		if d.err != nil {
			return nil
		}
		ts[j] = uint32(v)
		prev = v
	}
	return ts
}
