package index

import (
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/newsbot-dev/newsbot/corpus"
	"github.com/newsbot-dev/newsbot/corpus/attribution"
)

// segFile is an open segment: its file mapped into memory (or held in
// memory), read only through checks. Apart from the mapping it holds its
// metadata and a bit per 4 KiB chunk: its memory does not grow with the
// articles it holds.
type segFile struct {
	name  string
	size  int64 // of the file
	c     *chunked
	m     segmentMeta
	d     *dict
	unmap func() error
	refs  atomic.Int64 // snapshots holding it; unmapped at zero
	outl  outletTable  // read on first use (filtered searches, Outlets)
}

// openSegment reads a segment's footer, metadata and dictionary index.
func openSegment(name string, file []byte, unmap func() error) (*segFile, error) {
	c, meta, err := openChunked(file)
	if err != nil {
		return nil, err
	}
	m, err := decodeMeta(meta, uint64(len(c.data)))
	if err != nil {
		return nil, err
	}
	s := &segFile{name: name, size: int64(len(file)), c: c, m: m, unmap: unmap}
	if s.d, err = openDict(c, &s.m); err != nil {
		return nil, err
	}
	return s, nil
}

// mapSegment maps the segment file at path.
func mapSegment(path, name string) (*segFile, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if st.Size() < footerSize || st.Size() > 1<<40 {
		return nil, fmt.Errorf("segment %s: %w: %d bytes", name, errDamaged, st.Size())
	}
	data, err := syscall.Mmap(int(f.Fd()), 0, int(st.Size()), syscall.PROT_READ, syscall.MAP_SHARED)
	if err != nil {
		return nil, fmt.Errorf("segment %s: map: %w", name, err)
	}
	// Searches read a few blocks here and there: no read-ahead, which
	// would bring (and count as resident) pages nobody asked for.
	syscall.Madvise(data, syscall.MADV_RANDOM)
	s, err := openSegment(name, data, func() error { return syscall.Munmap(data) })
	if err != nil {
		syscall.Munmap(data)
		return nil, fmt.Errorf("segment %s: %w", name, err)
	}
	return s, nil
}

// acquire and release count the snapshots using s; the last release
// unmaps it.
func (s *segFile) acquire() { s.refs.Add(1) }

func (s *segFile) release() {
	if s.refs.Add(-1) == 0 && s.unmap != nil {
		s.unmap()
	}
}

// sent returns sentence i's record, checked against the segment.
func (s *segFile) sent(i uint32) (sentRec, error) {
	if uint64(i) >= s.m.sents {
		return sentRec{}, fmt.Errorf("%w: sentence %d of %d", errDamaged, i, s.m.sents)
	}
	b, err := s.c.bytes(s.m.sentsOff+uint64(i)*sentRecSize, sentRecSize)
	if err != nil {
		return sentRec{}, err
	}
	r := getSentRec(b)
	if uint64(r.article) >= s.m.arts || r.start > r.end || uint64(r.ans)+uint64(r.nans) > s.m.ansLen/4 {
		return sentRec{}, fmt.Errorf("%w: sentence %d", errDamaged, i)
	}
	return r, nil
}

// art returns article i's record, checked against the segment.
func (s *segFile) art(i uint32) (artRec, error) {
	if uint64(i) >= s.m.arts {
		return artRec{}, fmt.Errorf("%w: article %d of %d", errDamaged, i, s.m.arts)
	}
	b, err := s.c.bytes(s.m.artsOff+uint64(i)*artRecSize, artRecSize)
	if err != nil {
		return artRec{}, err
	}
	a := getArtRec(b)
	if uint64(a.first)+uint64(a.nsent) > s.m.sents || a.stored > s.m.storedLen || uint64(a.storedLen) > s.m.storedLen-a.stored || a.bodyLen > a.storedLen {
		return artRec{}, fmt.Errorf("%w: article %d", errDamaged, i)
	}
	return a, nil
}

// text returns bytes [start:end] of the body of the article a, copied (the
// mapping may go while the caller holds the string).
func (s *segFile) text(a artRec, start, end uint32) (string, error) {
	if start > end || end > a.bodyLen {
		return "", fmt.Errorf("%w: text [%d:%d] of a body of %d bytes", errDamaged, start, end, a.bodyLen)
	}
	b, err := s.c.bytes(s.m.stored+a.stored+uint64(start), uint64(end-start))
	if err != nil {
		return "", err
	}
	return string(b), nil
}

// answerWords returns sentence r's answer words.
func (s *segFile) answerWords(r sentRec, dst []uint32) ([]uint32, error) {
	b, err := s.c.bytes(s.m.ansOff+4*uint64(r.ans), 4*uint64(r.nans))
	if err != nil {
		return dst, err
	}
	for i := range int(r.nans) {
		dst = append(dst, binary.LittleEndian.Uint32(b[4*i:]))
	}
	return dst, nil
}

// article returns article i, its strings copied out of the mapping. With
// body false the Body is left empty.
func (s *segFile) article(i uint32, body bool) (corpus.Article, artRec, error) {
	a, err := s.art(i)
	if err != nil {
		return corpus.Article{}, a, err
	}
	b, err := s.c.bytes(s.m.stored+a.stored, uint64(a.storedLen))
	if err != nil {
		return corpus.Article{}, a, err
	}
	art, _, err := decodeStored(b, int(a.bodyLen), body, s.m.version, false)
	if err != nil {
		return art, a, fmt.Errorf("article %d: %w", i, err)
	}
	return art, a, nil
}

// attributions returns the attribution relations of article i, and its
// record.
func (s *segFile) attributions(i uint32) ([]attribution.Attribution, artRec, error) {
	a, err := s.art(i)
	if err != nil {
		return nil, a, err
	}
	b, err := s.c.bytes(s.m.stored+a.stored, uint64(a.storedLen))
	if err != nil {
		return nil, a, err
	}
	_, as, err := decodeStored(b, int(a.bodyLen), false, s.m.version, true)
	if err != nil {
		return nil, a, fmt.Errorf("article %d: %w", i, err)
	}
	return as, a, nil
}

// storedID returns the ID of article i.
func (s *segFile) storedID(i uint32) (string, error) {
	a, _, err := s.article(i, false)
	return a.ID, err
}

// findID returns the article with the given ID, if the segment has one.
func (s *segFile) findID(id string) (uint32, bool, error) {
	h := idHash(id)
	n := s.m.arts
	lo, hi := uint64(0), n
	rec := func(i uint64) (uint64, uint32, error) {
		b, err := s.c.bytes(s.m.idsOff+i*idRecSize, idRecSize)
		if err != nil {
			return 0, 0, err
		}
		return binary.LittleEndian.Uint64(b), binary.LittleEndian.Uint32(b[8:]), nil
	}
	for lo < hi {
		mid := (lo + hi) / 2
		x, _, err := rec(mid)
		if err != nil {
			return 0, false, err
		}
		if x < h {
			lo = mid + 1
		} else {
			hi = mid
		}
	}
	for i := lo; i < n; i++ {
		x, art, err := rec(i)
		if err != nil {
			return 0, false, err
		}
		if x != h {
			break
		}
		got, err := s.storedID(art)
		if err != nil {
			return 0, false, err
		}
		if got == id {
			return art, true, nil
		}
	}
	return 0, false, nil
}

// list opens list i (0 sentences, 1 articles, 2 headlines) of a term; nil
// when the term has none.
func (s *segFile) list(ti termInfo, i int) (*plist, error) {
	if ti.dfs[i] == 0 {
		return nil, nil
	}
	maxDoc := s.m.arts
	if i == 0 {
		maxDoc = s.m.sents
	}
	return openList(s.c, s.m.postOff+ti.listOff(i), ti.lens[i], int(ti.dfs[i]), uint32(maxDoc))
}

// appendStored appends an article's stored record: its body, then its
// other fields as length-prefixed strings and varints, then its
// attribution relations (see appendAttrs).
func appendStored(b []byte, a *corpus.Article, as []attribution.Attribution) []byte {
	b = append(b, a.Body...)
	for _, s := range []string{a.ID, a.Title, a.Outlet, a.URL, a.Author, a.Place, a.Source, a.Wire, a.Language} {
		b = binary.AppendUvarint(b, uint64(len(s)))
		b = append(b, s...)
	}
	if a.Published.IsZero() {
		b = append(b, 0)
	} else {
		b = append(b, 1)
		b = binary.AppendVarint(b, a.Published.Unix())
		b = binary.AppendUvarint(b, uint64(a.Published.Nanosecond()))
	}
	b = binary.AppendUvarint(b, uint64(a.TextStart))
	return appendAttrs(b, as, len(a.Body))
}

var errStored = errors.New("stored article is damaged")

// decodeStored reads a stored record of a segment of the given version
// whose body is its first bodyLen bytes, and its attribution relations
// when attrs is true (they are checked either way).
func decodeStored(b []byte, bodyLen int, body bool, version uint64, attrs bool) (corpus.Article, []attribution.Attribution, error) {
	var a corpus.Article
	if body {
		a.Body = string(b[:bodyLen])
	}
	b = b[bodyLen:]
	str := func() (string, bool) {
		n, k := binary.Uvarint(b)
		if k <= 0 || n > uint64(len(b)-k) {
			return "", false
		}
		s := string(b[k : k+int(n)])
		b = b[k+int(n):]
		return s, true
	}
	for _, f := range []*string{&a.ID, &a.Title, &a.Outlet, &a.URL, &a.Author, &a.Place, &a.Source, &a.Wire, &a.Language} {
		s, ok := str()
		if !ok {
			return a, nil, fmt.Errorf("%w: %w", errDamaged, errStored)
		}
		*f = s
	}
	if len(b) == 0 {
		return a, nil, fmt.Errorf("%w: %w", errDamaged, errStored)
	}
	if b[0] == 1 {
		sec, k := binary.Varint(b[1:])
		if k <= 0 {
			return a, nil, fmt.Errorf("%w: %w", errDamaged, errStored)
		}
		b = b[1+k:]
		ns, k := binary.Uvarint(b)
		if k <= 0 || ns >= 1e9 {
			return a, nil, fmt.Errorf("%w: %w", errDamaged, errStored)
		}
		b = b[k:]
		a.Published = time.Unix(sec, int64(ns)).UTC()
	} else if b[0] == 0 {
		b = b[1:]
	} else {
		return a, nil, fmt.Errorf("%w: %w", errDamaged, errStored)
	}
	ts, k := binary.Uvarint(b)
	if k <= 0 || ts > uint64(bodyLen) {
		return a, nil, fmt.Errorf("%w: %w", errDamaged, errStored)
	}
	a.TextStart = int(ts)
	b = b[k:]
	if version < 2 {
		if len(b) != 0 {
			return a, nil, fmt.Errorf("%w: %w", errDamaged, errStored)
		}
		return a, nil, nil
	}
	as, err := decodeAttrs(b, bodyLen, attrs)
	return a, as, err
}
