package index

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"io/fs"
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

// Save writes the index to dir atomically, creating dir if needed.
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
// second `bot ingest`) to finish. Readers need no lock. Call the returned
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
	return func() {
		syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
		f.Close()
	}, nil
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
type decoder struct {
	s   string
	off int
	err error
}

var errCorrupt = errors.New("index file is damaged")

func (d *decoder) uint() uint64 {
	if d.err != nil {
		return 0
	}
	var v uint64
	var shift uint
	for {
		if d.off >= len(d.s) || shift > 63 {
			d.err = errCorrupt
			return 0
		}
		c := d.s[d.off]
		d.off++
		v |= uint64(c&0x7f) << shift
		if c < 0x80 {
			return v
		}
		shift += 7
	}
}

func (d *decoder) int() int64 {
	u := d.uint()
	return int64(u>>1) ^ -int64(u&1)
}

func (d *decoder) str() string {
	n := d.uint()
	if d.err != nil || n > uint64(len(d.s)-d.off) {
		d.err = errCorrupt
		return ""
	}
	s := d.s[d.off : d.off+int(n)]
	d.off += int(n)
	return s
}

// count reads a length and checks it against what is left of the input, so
// that a damaged length cannot make us allocate without bound.
func (d *decoder) count() int {
	n := d.uint()
	if n > uint64(len(d.s)-d.off) {
		d.err = errCorrupt
		return 0
	}
	return int(n)
}

func decode(b []byte) (*Index, error) {
	if len(b) < len(magic)+4 {
		return nil, errors.New("not an index file")
	}
	v2 := true
	switch string(b[:len(magic)]) {
	case magic:
	case magicV1:
		v2 = false
	default:
		if string(b[:len(magic)-1]) == magic[:len(magic)-1] {
			return nil, fmt.Errorf("an index of version %d, newer than this bot reads (version 2): use a newer bot, or move it away and ingest again", b[len(magic)-1])
		}
		return nil, errors.New("not an index file")
	}
	body := b[:len(b)-4]
	if crc32.ChecksumIEEE(body) != binary.LittleEndian.Uint32(b[len(b)-4:]) {
		return nil, errCorrupt
	}
	d := &decoder{s: string(body), off: len(magic)}
	na := d.count()
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
		if d.uint() == 1 {
			sec := d.int()
			a.Published = time.Unix(sec, int64(d.uint())).UTC()
		}
		a.Author = d.str()
		a.Place = d.str()
		if v2 {
			a.Wire = d.str()
			a.Language = d.str()
		}
		a.Source = d.str()
		a.TextStart = int(d.uint())
		a.Body = d.str()
		ix.tLen[i] = uint16(d.uint())
		ns := d.count()
		var prev uint32
		for range ns {
			start := prev + uint32(d.uint())
			end := start + uint32(d.uint())
			s := sentence{start: start, end: end, article: uint32(i), para: uint16(d.uint()), n: uint16(d.uint())}
			if int(end) > len(a.Body) || a.TextStart > len(a.Body) {
				d.err = errCorrupt
			}
			ix.docLen[i] += uint32(s.n)
			ix.sents = append(ix.sents, s)
			prev = end
		}
		ix.artFirst = append(ix.artFirst, uint32(len(ix.sents)))
		ix.ids[a.ID] = uint32(i)
		if d.err != nil {
			return nil, d.err
		}
	}
	nt := d.count()
	ix.terms = make([]string, nt)
	ix.vocab = make(map[string]uint32, nt)
	ix.post = make([][]posting, nt)
	ix.docDF = make([]uint32, nt)
	ix.titles = make([][]uint32, nt)
	for t := range nt {
		ix.terms[t] = d.str()
		ix.vocab[ix.terms[t]] = uint32(t)
		ix.docDF[t] = uint32(d.uint())
		np := d.count()
		var ps []posting
		if np > 0 {
			ps = make([]posting, np)
		}
		var prev uint32
		for j := range ps {
			prev += uint32(d.uint())
			ps[j] = posting{sent: prev, own: uint16(d.uint()), ctx: uint16(d.uint())}
		}
		if np > 0 && int(prev) >= len(ix.sents) {
			d.err = errCorrupt
		}
		ix.post[t] = ps
		nti := d.count()
		var ts []uint32
		if nti > 0 {
			ts = make([]uint32, nti)
		}
		prev = 0
		for j := range ts {
			prev += uint32(d.uint())
			ts[j] = prev
		}
		if nti > 0 && int(prev) >= na {
			d.err = errCorrupt
		}
		ix.titles[t] = ts
		if d.err != nil {
			return nil, d.err
		}
	}
	if d.off != len(d.s) {
		return nil, errCorrupt
	}
	ix.stats()
	return ix, nil
}
