package index

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"fmt"
	"hash/fnv"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// A segment is an immutable part of the index: some articles, their
// sentences, and the postings of their terms, in one file (see chunks.go
// for how the file is checked). Its data holds these sections, located by
// the metadata:
//
//	stored     per article: its body, then its other fields and its
//	           attribution relations (see appendStored, attrs.go)
//	articles   per article, 32 bytes (see artRec)
//	sentences  per sentence, 32 bytes (see sentRec)
//	answers    per sentence, the words that could answer a question (see answerWords)
//	ids        per article, 12 bytes, sorted: FNV-1a hash of its ID, article
//	outlets    the distinct Outlet and Wire names (see outletTable)
//	art outl.  per article, 8 bytes: its Outlet's and its Wire's index in
//	           outlets, plus one (0: none)
//	postings   per term: its sentence list, article list and headline list
//	dict       the terms, sorted, in blocks of dictBlock (see dict.go)
//	dict index the offset of each dict block, uint64
//
// Sentences and articles are numbered from 0 within the segment; an
// article's sentences are consecutive.
const (
	artRecSize  = 32
	sentRecSize = 32
	idRecSize   = 12
	outlRecSize = 8
	// metaVersion is the version of the segment format this package
	// writes. Version 2 added the attribution relations to the stored
	// records and the outlets sections; a segment of version 1
	// (minVersion) is read only to be converted (see Convert), which
	// re-analyses its articles.
	metaVersion = 2
	minVersion  = 1
)

// sentRec is a sentence's fixed-size record.
type sentRec struct {
	article    uint32
	start, end uint32 // byte range in the article's body
	ans        uint32 // first of its answer words in the answers section
	hash       uint64 // of its text, for dropping repeats
	para       uint16 // paragraph, from 0
	n          uint16 // own length in terms
	idx        uint16 // index in its article, from 0 (saturating)
	nans       uint8  // answer words
	flags      uint8
}

// Sentence flags, found when the sentence is indexed rather than at each
// search.
const (
	flagQuestion  uint8 = 1 << iota // it ends with a question mark
	flagLeans                       // it leans on the one before (needsContext)
	flagManyNames                   // more answer words of each kind than kept
	flagManyTimes
	flagManyNumbers
)

func (s *sentRec) put(b []byte) {
	binary.LittleEndian.PutUint32(b[0:], s.article)
	binary.LittleEndian.PutUint32(b[4:], s.start)
	binary.LittleEndian.PutUint32(b[8:], s.end)
	binary.LittleEndian.PutUint32(b[12:], s.ans)
	binary.LittleEndian.PutUint64(b[16:], s.hash)
	binary.LittleEndian.PutUint16(b[24:], s.para)
	binary.LittleEndian.PutUint16(b[26:], s.n)
	binary.LittleEndian.PutUint16(b[28:], s.idx)
	b[30] = s.nans
	b[31] = s.flags
}

func getSentRec(b []byte) sentRec {
	return sentRec{
		article: binary.LittleEndian.Uint32(b[0:]),
		start:   binary.LittleEndian.Uint32(b[4:]),
		end:     binary.LittleEndian.Uint32(b[8:]),
		ans:     binary.LittleEndian.Uint32(b[12:]),
		hash:    binary.LittleEndian.Uint64(b[16:]),
		para:    binary.LittleEndian.Uint16(b[24:]),
		n:       binary.LittleEndian.Uint16(b[26:]),
		idx:     binary.LittleEndian.Uint16(b[28:]),
		nans:    b[30],
		flags:   b[31],
	}
}

// artRec is an article's fixed-size record.
type artRec struct {
	stored    uint64 // offset of its stored record in the stored section
	storedLen uint32
	bodyLen   uint32 // the stored record starts with the body
	first     uint32 // first sentence
	nsent     uint32
	docLen    uint32 // body length in terms
	titleLen  uint32 // headline length in terms
}

func (a *artRec) put(b []byte) {
	binary.LittleEndian.PutUint64(b[0:], a.stored)
	binary.LittleEndian.PutUint32(b[8:], a.storedLen)
	binary.LittleEndian.PutUint32(b[12:], a.bodyLen)
	binary.LittleEndian.PutUint32(b[16:], a.first)
	binary.LittleEndian.PutUint32(b[20:], a.nsent)
	binary.LittleEndian.PutUint32(b[24:], a.docLen)
	binary.LittleEndian.PutUint32(b[28:], a.titleLen)
}

func getArtRec(b []byte) artRec {
	return artRec{
		stored:    binary.LittleEndian.Uint64(b[0:]),
		storedLen: binary.LittleEndian.Uint32(b[8:]),
		bodyLen:   binary.LittleEndian.Uint32(b[12:]),
		first:     binary.LittleEndian.Uint32(b[16:]),
		nsent:     binary.LittleEndian.Uint32(b[20:]),
		docLen:    binary.LittleEndian.Uint32(b[24:]),
		titleLen:  binary.LittleEndian.Uint32(b[28:]),
	}
}

// idHash is the hash by which the ids section finds an article.
func idHash(id string) uint64 {
	h := fnv.New64a()
	h.Write([]byte(id))
	return h.Sum64()
}

// textHash is the hash by which repeated sentences are found.
func textHash(s string) uint64 {
	h := fnv.New64a()
	h.Write([]byte(s))
	return h.Sum64()
}

// segmentMeta is a segment's metadata: its counts, the sums its averages
// come from, and where its sections are.
type segmentMeta struct {
	version            uint64 // of the format (metaVersion, or older)
	arts, sents, terms uint64
	sumN, sumDoc, sumT uint64 // sentence, body and headline lengths in terms
	stored, storedLen  uint64
	artsOff, sentsOff  uint64
	ansOff, ansLen     uint64
	idsOff             uint64
	postOff, postLen   uint64
	dictOff, dictLen   uint64
	dictIdx, dictN     uint64 // offset of the dict index, and its blocks
	outOff, outLen     uint64 // the outlet names (version 2)
	outArtsOff         uint64 // the articles' outlets (version 2)
}

func (m *segmentMeta) fields() []*uint64 {
	return []*uint64{&m.arts, &m.sents, &m.terms, &m.sumN, &m.sumDoc, &m.sumT,
		&m.stored, &m.storedLen, &m.artsOff, &m.sentsOff, &m.ansOff, &m.ansLen,
		&m.idsOff, &m.postOff, &m.postLen, &m.dictOff, &m.dictLen, &m.dictIdx, &m.dictN,
		&m.outOff, &m.outLen, &m.outArtsOff}
}

// versionFields returns the metadata fields a segment of the metadata's
// version has: version 1 ends before the outlets sections.
func (m *segmentMeta) versionFields() []*uint64 {
	f := m.fields()
	if m.version < 2 {
		f = f[:len(f)-3]
	}
	return f
}

func (m *segmentMeta) encode() []byte {
	v := m.version
	if v == 0 {
		v = metaVersion
	}
	b := binary.AppendUvarint(nil, v)
	c := *m
	c.version = v
	for _, f := range c.versionFields() {
		b = binary.AppendUvarint(b, *f)
	}
	return b
}

// decodeMeta reads metadata and checks every section against the data's
// size, so that no later read needs to trust an offset.
func decodeMeta(b []byte, dataLen uint64) (segmentMeta, error) {
	var m segmentMeta
	v, n := binary.Uvarint(b)
	if n <= 0 || v < minVersion || v > metaVersion {
		return m, fmt.Errorf("%w: metadata of version %d, not %d", errDamaged, v, metaVersion)
	}
	m.version = v
	b = b[n:]
	for _, f := range m.versionFields() {
		x, n := binary.Uvarint(b)
		if n <= 0 {
			return m, fmt.Errorf("%w: metadata", errDamaged)
		}
		*f, b = x, b[n:]
	}
	if len(b) != 0 {
		return m, fmt.Errorf("%w: metadata", errDamaged)
	}
	const limit = 1 << 32
	sections := [][2]uint64{
		{m.stored, m.storedLen},
		{m.artsOff, m.arts * artRecSize},
		{m.sentsOff, m.sents * sentRecSize},
		{m.ansOff, m.ansLen},
		{m.idsOff, m.arts * idRecSize},
		{m.postOff, m.postLen},
		{m.dictOff, m.dictLen},
		{m.dictIdx, m.dictN * 8},
		{m.outOff, m.outLen},
		{m.outArtsOff, m.arts * outlRecSize},
	}
	if m.version < 2 {
		sections = sections[:len(sections)-2]
	}
	if m.arts >= limit || m.sents >= limit || m.terms >= limit || m.ansLen%4 != 0 || (m.terms == 0) != (m.dictN == 0) {
		return m, fmt.Errorf("%w: metadata counts", errDamaged)
	}
	for _, s := range sections {
		if s[0] > dataLen || s[1] > dataLen-s[0] {
			return m, fmt.Errorf("%w: a section past the end of the data", errDamaged)
		}
	}
	return m, nil
}

// spool collects one section while another is written: in memory, or past
// spoolMemory in a temporary file beside the segment.
type spool struct {
	dir string // "" keeps everything in memory
	buf []byte
	f   *os.File
	w   *bufio.Writer
	n   uint64
}

const spoolMemory = 8 << 20

func (s *spool) write(p []byte) error {
	s.n += uint64(len(p))
	if s.w != nil {
		_, err := s.w.Write(p)
		return err
	}
	s.buf = append(s.buf, p...)
	if s.dir == "" || len(s.buf) < spoolMemory {
		return nil
	}
	f, err := os.CreateTemp(s.dir, "spool.tmp*")
	if err != nil {
		return err
	}
	s.f, s.w = f, bufio.NewWriterSize(f, 1<<20)
	_, err = s.w.Write(s.buf)
	s.buf = nil
	return err
}

// copyTo writes the spool's bytes to w.
func (s *spool) copyTo(w io.Writer) error {
	if s.w == nil {
		_, err := w.Write(s.buf)
		return err
	}
	if err := s.w.Flush(); err != nil {
		return err
	}
	if _, err := s.f.Seek(0, io.SeekStart); err != nil {
		return err
	}
	_, err := io.Copy(w, bufio.NewReaderSize(s.f, 1<<20))
	return err
}

func (s *spool) close() {
	if s.f != nil {
		s.f.Close()
		os.Remove(s.f.Name())
		s.f, s.w = nil, nil
	}
	s.buf = nil
}

// segWriter writes one segment: its articles with their sentences first
// (addArticle), then its terms in sorted order (addTerm), then finish.
type segWriter struct {
	dir  string // "" for a segment in memory
	file *os.File
	bw   *bufio.Writer
	mem  *bytes.Buffer
	cw   *chunkWriter
	meta segmentMeta

	arts, sents, ans, outl spool
	ids                    []idRec
	outIdx                 map[string]uint32 // lower-cased name: its index, plus one
	outNames               []byte            // the outlets section
	termsStarted           bool
	dict                   dictWriter
	rec                    [32]byte
}

type idRec struct {
	hash uint64
	art  uint32
}

// newSegWriter starts a segment in dir (a temporary file, renamed by
// finish) or, with dir "", in memory.
func newSegWriter(dir string) (*segWriter, error) {
	w := &segWriter{dir: dir}
	w.arts.dir, w.sents.dir, w.ans.dir, w.outl.dir = dir, dir, dir, dir
	w.outIdx = map[string]uint32{}
	var out io.Writer
	if dir == "" {
		w.mem = &bytes.Buffer{}
		out = w.mem
	} else {
		f, err := os.CreateTemp(dir, "segment.tmp*")
		if err != nil {
			return nil, err
		}
		w.file = f
		w.bw = bufio.NewWriterSize(f, 1<<20)
		out = w.bw
	}
	w.cw = &chunkWriter{w: out}
	w.dict.spool.dir = dir
	return w, nil
}

// abort gives up the segment and removes its files.
func (w *segWriter) abort() {
	w.arts.close()
	w.sents.close()
	w.ans.close()
	w.outl.close()
	w.dict.spool.close()
	if w.file != nil {
		w.file.Close()
		os.Remove(w.file.Name())
		w.file = nil
	}
}

// addArticle adds an article: its stored record (body then fields), its
// record (whose stored, first and nsent addArticle fills), its sentences
// (whose article and ans it fills), their answer words, and its Outlet
// and Wire for the outlets sections.
func (w *segWriter) addArticle(stored []byte, a artRec, id string, sents []sentRec, ans [][]uint32, outlet, wire string) error {
	art := uint32(w.meta.arts)
	a.stored = w.meta.storedLen
	a.storedLen = uint32(len(stored))
	a.first = uint32(w.meta.sents)
	a.nsent = uint32(len(sents))
	if _, err := w.cw.Write(stored); err != nil {
		return err
	}
	w.meta.storedLen += uint64(len(stored))
	a.put(w.rec[:])
	if err := w.arts.write(w.rec[:artRecSize]); err != nil {
		return err
	}
	for i := range sents {
		s := sents[i]
		s.article = art
		s.ans = uint32(w.ans.n / 4)
		s.nans = uint8(len(ans[i]))
		for _, x := range ans[i] {
			var b [4]byte
			binary.LittleEndian.PutUint32(b[:], x)
			if err := w.ans.write(b[:]); err != nil {
				return err
			}
		}
		s.put(w.rec[:])
		if err := w.sents.write(w.rec[:sentRecSize]); err != nil {
			return err
		}
		w.meta.sumN += uint64(s.n)
	}
	w.meta.sumDoc += uint64(a.docLen)
	w.meta.sumT += uint64(a.titleLen)
	w.ids = append(w.ids, idRec{idHash(id), art})
	var o [outlRecSize]byte
	binary.LittleEndian.PutUint32(o[0:], w.outlet(outlet))
	binary.LittleEndian.PutUint32(o[4:], w.outlet(wire))
	if err := w.outl.write(o[:]); err != nil {
		return err
	}
	w.meta.arts++
	w.meta.sents += uint64(len(sents))
	return nil
}

// outlet returns name's index in the outlets section, plus one, adding
// it as the first article to carry it spells it; 0 for "".
func (w *segWriter) outlet(name string) uint32 {
	if name == "" {
		return 0
	}
	l := strings.ToLower(name)
	if i, ok := w.outIdx[l]; ok {
		return i
	}
	i := uint32(len(w.outIdx)) + 1
	w.outIdx[l] = i
	w.outNames = binary.AppendUvarint(w.outNames, uint64(len(name)))
	w.outNames = append(w.outNames, name...)
	return i
}

// startTerms writes the sections of the articles, which are complete.
func (w *segWriter) startTerms() error {
	if w.termsStarted {
		return nil
	}
	w.termsStarted = true
	w.meta.artsOff = uint64(w.cw.off)
	if err := w.arts.copyTo(w.cw); err != nil {
		return err
	}
	w.meta.sentsOff = uint64(w.cw.off)
	if err := w.sents.copyTo(w.cw); err != nil {
		return err
	}
	w.meta.ansOff = uint64(w.cw.off)
	w.meta.ansLen = w.ans.n
	if err := w.ans.copyTo(w.cw); err != nil {
		return err
	}
	w.arts.close()
	w.sents.close()
	w.ans.close()
	sort.Slice(w.ids, func(i, j int) bool {
		if w.ids[i].hash != w.ids[j].hash {
			return w.ids[i].hash < w.ids[j].hash
		}
		return w.ids[i].art < w.ids[j].art
	})
	w.meta.idsOff = uint64(w.cw.off)
	buf := make([]byte, 0, 64<<10)
	for _, r := range w.ids {
		buf = binary.LittleEndian.AppendUint64(buf, r.hash)
		buf = binary.LittleEndian.AppendUint32(buf, r.art)
		if len(buf) > 60<<10 {
			if _, err := w.cw.Write(buf); err != nil {
				return err
			}
			buf = buf[:0]
		}
	}
	if _, err := w.cw.Write(buf); err != nil {
		return err
	}
	w.ids = nil
	w.meta.outOff = uint64(w.cw.off)
	names := binary.AppendUvarint(nil, uint64(len(w.outIdx)))
	if _, err := w.cw.Write(append(names, w.outNames...)); err != nil {
		return err
	}
	w.meta.outLen = uint64(w.cw.off) - w.meta.outOff
	w.meta.outArtsOff = uint64(w.cw.off)
	if err := w.outl.copyTo(w.cw); err != nil {
		return err
	}
	w.outl.close()
	w.outIdx, w.outNames = nil, nil
	w.meta.postOff = uint64(w.cw.off)
	return nil
}

// addTerm adds a term, greater than the last, with its three lists
// (encoded, nil when empty) and their lengths in postings.
func (w *segWriter) addTerm(term string, lists [3][]byte, dfs [3]uint32) error {
	if err := w.startTerms(); err != nil {
		return err
	}
	ti := termInfo{off: uint64(w.cw.off) - w.meta.postOff}
	for i, l := range lists {
		if _, err := w.cw.Write(l); err != nil {
			return err
		}
		ti.lens[i] = uint64(len(l))
		ti.dfs[i] = dfs[i]
	}
	w.meta.terms++
	return w.dict.add(term, ti)
}

// finish writes the dictionary and the metadata, and returns the
// segment's bytes (in memory) or makes its file final as dir/name.
func (w *segWriter) finish(name string) ([]byte, error) {
	defer w.abort()
	if err := w.startTerms(); err != nil {
		return nil, err
	}
	w.meta.postLen = uint64(w.cw.off) - w.meta.postOff
	w.meta.dictOff = uint64(w.cw.off)
	if err := w.dict.spool.copyTo(w.cw); err != nil {
		return nil, err
	}
	w.meta.dictLen = uint64(w.cw.off) - w.meta.dictOff
	w.meta.dictIdx = uint64(w.cw.off)
	w.meta.dictN = uint64(len(w.dict.blocks))
	idx := make([]byte, 0, 8*len(w.dict.blocks))
	for _, o := range w.dict.blocks {
		idx = binary.LittleEndian.AppendUint64(idx, o)
	}
	if _, err := w.cw.Write(idx); err != nil {
		return nil, err
	}
	if err := w.cw.finish(w.meta.encode()); err != nil {
		return nil, err
	}
	if w.mem != nil {
		return w.mem.Bytes(), nil
	}
	if err := w.bw.Flush(); err != nil {
		return nil, err
	}
	if err := w.file.Sync(); err != nil {
		return nil, err
	}
	if err := w.file.Close(); err != nil {
		return nil, err
	}
	tmp := w.file.Name()
	w.file = nil
	if err := os.Rename(tmp, filepath.Join(w.dir, name)); err != nil {
		os.Remove(tmp)
		return nil, err
	}
	return nil, nil
}
