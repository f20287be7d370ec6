package index

import (
	"encoding/binary"
	"fmt"
	"math"
)

// Postings lists, in blocks of blockSize postings as Lucene and Tantivy
// lay them out. A list has up to four columns: the document (a sentence or
// an article, strictly ascending, stored as gaps) and up to three values
// per posting (for a sentence: the term's own count, its count in the added
// context, the sentence's length). Each block packs each column at the
// width its largest value needs.
//
// A list of at most blockSize postings is one block after its widths:
//
//	w0 w1 w2 w3 (one byte a column) | packed columns
//
// A longer list starts with its bounds, then a skip entry per block, then
// the blocks:
//
//	nbound u8 | nbound × (A u32, B u32) | nblocks × skip | blocks
//	skip: lastDoc u32 | off u32 (from the first block) | A u32 | B u32 | w0 w1 w2 w3
//
// A and B bound what a block's postings can score, for dynamic pruning
// (block-max WAND, MaxScore): A holds the largest frequencies (for a
// sentence list the own count in its low 16 bits and the context count in
// its high 16, each saturating at 0xFFFF; for an article list the body
// count), B the smallest length. BM25 grows with the frequency and falls
// with the length, so a block can score no more than its (A, B) would.
// The list's bounds are the blocks' (A, B) pairs that no other block's
// dominates (at most maxBounds; past that, one pair of the largest A and
// smallest B), so a term's bound for a whole list is exact or nearly.
const (
	blockSize = 128
	skipSize  = 20
	maxBounds = 8
	noMore    = math.MaxUint32
)

// bound is one (A, B) pair: frequencies at most A, length at least B.
type bound struct{ a, b uint32 }

// dominates reports whether every posting bounded by o is also bounded by
// x.
func (x bound) dominates(o bound) bool {
	return x.a&0xFFFF >= o.a&0xFFFF && x.a>>16 >= o.a>>16 && x.b <= o.b
}

func (x bound) join(o bound) bound {
	return bound{
		a: max(x.a&0xFFFF, o.a&0xFFFF) | max(x.a>>16, o.a>>16)<<16,
		b: min(x.b, o.b),
	}
}

// listCols is a list to encode: docs ascending, vals[i][j] the column-i
// value of posting j, bounds[j] posting j's (A, B).
type listCols struct {
	docs   []uint32
	vals   [3][]uint32
	ncols  int // value columns used
	bounds []bound
}

// appendList appends the encoding of l.
func appendList(dst []byte, l *listCols) []byte {
	n := len(l.docs)
	if n <= blockSize {
		return appendBlock(dst, l, 0, n, noMore, nil)
	}
	nb := (n + blockSize - 1) / blockSize
	var fronts []bound
	blocks := make([]bound, nb)
	for b := range nb {
		x := l.bounds[b*blockSize]
		for _, y := range l.bounds[b*blockSize : min(n, (b+1)*blockSize)] {
			x = x.join(y)
		}
		blocks[b] = x
		fronts = addFront(fronts, x)
	}
	if len(fronts) > maxBounds {
		x := fronts[0]
		for _, y := range fronts[1:] {
			x = x.join(y)
		}
		fronts = []bound{x}
	}
	dst = append(dst, byte(len(fronts)))
	for _, f := range fronts {
		dst = binary.LittleEndian.AppendUint32(dst, f.a)
		dst = binary.LittleEndian.AppendUint32(dst, f.b)
	}
	skipAt := len(dst)
	dst = append(dst, make([]byte, nb*skipSize)...)
	blocksAt := len(dst)
	prev := uint32(noMore) // the doc before the first: -1
	for b := range nb {
		lo, hi := b*blockSize, min(n, (b+1)*blockSize)
		sk := dst[skipAt+b*skipSize:]
		binary.LittleEndian.PutUint32(sk[0:], l.docs[hi-1])
		binary.LittleEndian.PutUint32(sk[4:], uint32(len(dst)-blocksAt))
		binary.LittleEndian.PutUint32(sk[8:], blocks[b].a)
		binary.LittleEndian.PutUint32(sk[12:], blocks[b].b)
		var ws [4]byte
		dst = appendBlock(dst, l, lo, hi, prev, ws[:])
		copy(dst[skipAt+b*skipSize+16:], ws[:])
		prev = l.docs[hi-1]
	}
	return dst
}

// addFront adds x to a set of pairs none of which dominates another.
func addFront(fronts []bound, x bound) []bound {
	for _, f := range fronts {
		if f.dominates(x) {
			return fronts
		}
	}
	kept := fronts[:0]
	for _, f := range fronts {
		if !x.dominates(f) {
			kept = append(kept, f)
		}
	}
	return append(kept, x)
}

// appendBlock appends postings lo to hi of l as one block, its docs as gaps
// from prev (noMore for none). With ws nil the widths go before the columns
// (a list of one block); else they are put in ws, for the skip entry.
func appendBlock(dst []byte, l *listCols, lo, hi int, prev uint32, ws []byte) []byte {
	gaps := make([]uint32, hi-lo)
	for i, d := range l.docs[lo:hi] {
		gaps[i] = d - prev - 1 // prev is -1 (noMore) before the first
		prev = d
	}
	cols := [4][]uint32{gaps}
	for c := range l.ncols {
		cols[c+1] = l.vals[c][lo:hi]
	}
	var w [4]byte
	for c := range 1 + l.ncols {
		w[c] = byte(widthOf(cols[c]))
	}
	if ws == nil {
		dst = append(dst, w[:]...)
	} else {
		copy(ws, w[:])
	}
	for c := range 1 + l.ncols {
		dst = appendPacked(dst, cols[c], int(w[c]))
	}
	return dst
}

// plist is an encoded list in a segment, to be read through cursors.
type plist struct {
	c      *chunked
	off    uint64 // of the list in the segment's data
	size   uint64
	count  int
	maxDoc uint32 // docs are below it
	nb     int
	bounds []bound
	skips  []byte // verified; nil for a one-block list
	blocks uint64 // offset of the first block
}

// openList reads the header of the list at off, size bytes, of count
// postings, whose docs are below maxDoc.
func openList(c *chunked, off, size uint64, count int, maxDoc uint32) (*plist, error) {
	l := &plist{c: c, off: off, size: size, count: count, maxDoc: maxDoc}
	if count <= 0 || uint64(count) > uint64(maxDoc) {
		return nil, fmt.Errorf("%w: a list of %d postings over %d documents", errDamaged, count, maxDoc)
	}
	if count <= blockSize {
		l.nb = 1
		l.blocks = off
		return l, nil
	}
	l.nb = (count + blockSize - 1) / blockSize
	h, err := c.bytes(off, min(size, 1))
	if err != nil || len(h) < 1 {
		return nil, fmt.Errorf("%w: list header", errDamaged)
	}
	nbound := int(h[0])
	head := uint64(1 + 8*nbound)
	skipLen := uint64(l.nb * skipSize)
	if nbound == 0 || nbound > maxBounds || head+skipLen > size {
		return nil, fmt.Errorf("%w: list header", errDamaged)
	}
	hb, err := c.bytes(off, head+skipLen)
	if err != nil {
		return nil, err
	}
	l.bounds = make([]bound, nbound)
	for i := range l.bounds {
		l.bounds[i] = bound{binary.LittleEndian.Uint32(hb[1+8*i:]), binary.LittleEndian.Uint32(hb[5+8*i:])}
	}
	l.skips = hb[head:]
	l.blocks = off + head + skipLen
	// The skip entries must be in order and inside the list, so that no
	// cursor can be sent backwards or outside it.
	var last uint32
	var boff uint32
	for b := range l.nb {
		sk := l.skips[b*skipSize:]
		d, o := binary.LittleEndian.Uint32(sk), binary.LittleEndian.Uint32(sk[4:])
		if (b > 0 && (d <= last || o <= boff)) || d >= maxDoc || uint64(o) >= size-head-skipLen {
			return nil, fmt.Errorf("%w: skip entry %d", errDamaged, b)
		}
		for _, w := range sk[16:20] {
			if w > 32 {
				return nil, fmt.Errorf("%w: skip entry %d", errDamaged, b)
			}
		}
		last, boff = d, o
	}
	return l, nil
}

// blockCount is the number of postings in block b.
func (l *plist) blockCount(b int) int {
	if b == l.nb-1 {
		return l.count - b*blockSize
	}
	return blockSize
}

// lastDoc is the last doc of block b of a list with skip data.
func (l *plist) lastDoc(b int) uint32 {
	return binary.LittleEndian.Uint32(l.skips[b*skipSize:])
}

// blockBound is block b's (A, B).
func (l *plist) blockBound(b int) bound {
	sk := l.skips[b*skipSize:]
	return bound{binary.LittleEndian.Uint32(sk[8:]), binary.LittleEndian.Uint32(sk[12:])}
}

// cursor reads a list in doc order. Its zero value is exhausted.
type cursor struct {
	l     *plist
	blk   int // block decoded; -1 before the first
	n     int // postings in it
	pos   int
	docs  [blockSize]uint32
	cols  [3][]byte // the value columns of the block
	ws    [3]int
	doc   uint32 // current doc; noMore when exhausted
	err   error
	first bound // a one-block list's bound, computed when decoded
	// With eager set, a block's value columns are unpacked into vals when
	// it is loaded (for a cursor that reads every posting); otherwise
	// values are read one by one from the packed columns.
	eager    bool
	unpacked bool
	vals     [3][blockSize]uint32
}

// setEager chooses how the cursor reads values (see eager).
func (c *cursor) setEager(e bool) {
	if e && !c.eager && c.doc != noMore {
		c.unpackCols()
	}
	c.eager = e
}

func (c *cursor) unpackCols() {
	for i := range 3 {
		unpack(c.vals[i][:c.n], c.cols[i], c.ws[i])
	}
	c.unpacked = true
}

// reset starts c at the beginning of l.
func (c *cursor) reset(l *plist) {
	c.l, c.blk, c.n, c.pos, c.doc, c.err, c.eager, c.unpacked = l, -1, 0, 0, 0, nil, false, false
	c.load(0)
	if c.doc != noMore {
		c.doc = c.docs[0]
	}
}

// load decodes block b and puts the cursor on its first posting.
func (c *cursor) load(b int) {
	l := c.l
	if b >= l.nb {
		c.doc = noMore
		return
	}
	n := l.blockCount(b)
	var off, end uint64
	var ws [4]int
	var prev uint64
	if l.skips == nil {
		h, err := l.c.bytes(l.off, min(l.size, 4))
		if err != nil || len(h) < 4 {
			c.fail(fmt.Errorf("%w: list header", errDamaged))
			return
		}
		for i := range ws {
			ws[i] = int(h[i])
		}
		off, end = l.off+4, l.off+l.size
		prev = math.MaxUint64 // -1
	} else {
		sk := l.skips[b*skipSize:]
		for i := range ws {
			ws[i] = int(sk[16+i])
		}
		off = l.blocks + uint64(binary.LittleEndian.Uint32(sk[4:]))
		end = l.off + l.size
		if b+1 < l.nb {
			end = l.blocks + uint64(binary.LittleEndian.Uint32(l.skips[(b+1)*skipSize+4:]))
		}
		if b > 0 {
			prev = uint64(binary.LittleEndian.Uint32(l.skips[(b-1)*skipSize:]))
		} else {
			prev = math.MaxUint64
		}
	}
	need := 0
	for _, w := range ws {
		if w > 32 {
			c.fail(fmt.Errorf("%w: width %d", errDamaged, w))
			return
		}
		need += packedLen(n, w)
	}
	if off > end || uint64(need) > end-off {
		c.fail(fmt.Errorf("%w: block %d overruns its list", errDamaged, b))
		return
	}
	data, err := l.c.bytes(off, uint64(need))
	if err != nil {
		c.fail(err)
		return
	}
	docs := c.docs[:n]
	unpack(docs, data, ws[0])
	data = data[packedLen(n, ws[0]):]
	d := prev
	for i, g := range docs {
		d += uint64(g) + 1
		if d >= uint64(l.maxDoc) {
			c.fail(fmt.Errorf("%w: document %d past the segment's %d", errDamaged, d, l.maxDoc))
			return
		}
		docs[i] = uint32(d)
	}
	if l.skips != nil && docs[n-1] != l.lastDoc(b) {
		c.fail(fmt.Errorf("%w: block %d ends at %d, its skip entry says %d", errDamaged, b, docs[n-1], l.lastDoc(b)))
		return
	}
	for i := range 3 {
		k := packedLen(n, ws[i+1])
		c.cols[i] = data[:k]
		c.ws[i] = ws[i+1]
		data = data[k:]
	}
	c.blk, c.n, c.pos = b, n, 0
	c.doc = docs[0]
	c.unpacked = false
	if c.eager {
		c.unpackCols()
	}
}

func (c *cursor) fail(err error) {
	c.err = err
	c.doc = noMore
}

// next moves to the next posting.
func (c *cursor) next() {
	if c.doc == noMore {
		return
	}
	c.pos++
	if c.pos < c.n {
		c.doc = c.docs[c.pos]
		return
	}
	c.load(c.blk + 1)
}

// nextEager is next for a cursor whose columns are unpacked.
func (c *cursor) nextEager() {
	c.pos++
	if c.pos < c.n {
		c.doc = c.docs[c.pos]
		return
	}
	c.load(c.blk + 1)
}

// advance moves to the first posting at or after target.
func (c *cursor) advance(target uint32) {
	if c.doc >= target {
		return
	}
	l := c.l
	if l.skips != nil && target > l.lastDoc(c.blk) {
		b := c.findBlock(target)
		if b >= l.nb {
			c.doc = noMore
			return
		}
		c.load(b)
		if c.doc == noMore {
			return
		}
	}
	for c.pos < c.n && c.docs[c.pos] < target {
		c.pos++
	}
	if c.pos < c.n {
		c.doc = c.docs[c.pos]
		return
	}
	c.load(c.blk + 1)
}

// findBlock returns the first block at or after the current one whose last
// doc is at least target (l.nb when none is).
func (c *cursor) findBlock(target uint32) int {
	l := c.l
	lo, hi := max(c.blk, 0), l.nb
	// Gallop, then bisect: targets are usually near.
	step := 1
	for lo+step < hi && l.lastDoc(lo+step) < target {
		lo += step
		step *= 2
	}
	hi = min(hi, lo+step+1)
	for lo < hi {
		m := (lo + hi) / 2
		if l.lastDoc(m) < target {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return lo
}

// val returns value column i of the current posting.
func (c *cursor) val(i int) uint32 {
	if c.unpacked {
		return c.vals[i][c.pos]
	}
	return packedAt(c.cols[i], c.pos, c.ws[i])
}

// listKind says what a list's value columns are.
type listKind int

const (
	sentenceList listKind = iota // own count, context count, sentence length
	articleList                  // body count, body length
	titleList                    // headline length
)

// listBounds is the list's (A, B) pairs: those of its skip data, or for a
// one-block list the one pair of its postings, read from the cursor c that
// was just reset on it.
func (l *plist) listBounds(c *cursor, kind listKind) []bound {
	if l.skips != nil {
		return l.bounds
	}
	x := bound{b: math.MaxUint32}
	for i := range c.n {
		x = x.join(c.boundAt(i, kind))
	}
	c.first = x
	return []bound{x}
}

// boundAt is posting i's own (A, B) in the decoded block.
func (c *cursor) boundAt(i int, kind listKind) bound {
	switch kind {
	case sentenceList:
		return bound{a: min(packedAt(c.cols[0], i, c.ws[0]), 0xFFFF) | min(packedAt(c.cols[1], i, c.ws[1]), 0xFFFF)<<16, b: packedAt(c.cols[2], i, c.ws[2])}
	case articleList:
		return bound{a: min(packedAt(c.cols[0], i, c.ws[0]), 0xFFFF), b: packedAt(c.cols[1], i, c.ws[1])}
	}
	return bound{a: 1, b: packedAt(c.cols[0], i, c.ws[0])}
}

// blockLast is the last doc of the cursor's current block, or of block b
// ahead of it.
func (c *cursor) blockLast(b int) uint32 {
	if c.l.skips == nil {
		if c.n == 0 {
			return noMore
		}
		return c.docs[c.n-1]
	}
	return c.l.lastDoc(b)
}
