package index

import (
	"encoding/binary"
	"fmt"
	"strings"
)

// The term dictionary of a segment: its terms in byte order, in blocks of
// dictBlock, each block found through the dict index (the offset of each
// block), so that a lookup bisects the blocks by their first term and scans
// one block, reading only those bytes of the file. A block is
//
//	off uvarint (its first term's postings, in the postings section)
//	entries: prefix uvarint | suffixLen uvarint | suffix |
//	         3 × (len uvarint | df uvarint)
//
// each term sharing prefix bytes with the one before it (the first of a
// block shares none). A term's three lists (sentences, articles,
// headlines) follow one another in the postings section, and the terms'
// in dictionary order, so an entry needs only their lengths.
const dictBlock = 32

// termInfo locates a term's lists in the postings section.
type termInfo struct {
	off  uint64
	lens [3]uint64
	dfs  [3]uint32
}

// listOff is the offset of list i in the postings section.
func (t *termInfo) listOff(i int) uint64 {
	o := t.off
	for j := range i {
		o += t.lens[j]
	}
	return o
}

type dictWriter struct {
	spool  spool
	blocks []uint64
	n      int
	prev   string
	buf    []byte
}

func (d *dictWriter) add(term string, ti termInfo) error {
	d.buf = d.buf[:0]
	prefix := 0
	if d.n%dictBlock == 0 {
		d.blocks = append(d.blocks, d.spool.n)
		d.buf = binary.AppendUvarint(d.buf, ti.off)
	} else {
		for prefix < len(term) && prefix < len(d.prev) && term[prefix] == d.prev[prefix] {
			prefix++
		}
	}
	d.buf = binary.AppendUvarint(d.buf, uint64(prefix))
	d.buf = binary.AppendUvarint(d.buf, uint64(len(term)-prefix))
	d.buf = append(d.buf, term[prefix:]...)
	for i := range 3 {
		d.buf = binary.AppendUvarint(d.buf, ti.lens[i])
		d.buf = binary.AppendUvarint(d.buf, uint64(ti.dfs[i]))
	}
	d.prev = term
	d.n++
	return d.spool.write(d.buf)
}

// dict reads a segment's dictionary.
type dict struct {
	c       *chunked
	m       *segmentMeta
	idx     []byte // verified
	maxDocs [3]uint64
}

func openDict(c *chunked, m *segmentMeta) (*dict, error) {
	d := &dict{c: c, m: m, maxDocs: [3]uint64{m.sents, m.arts, m.arts}}
	idx, err := c.bytes(m.dictIdx, 8*m.dictN)
	if err != nil {
		return nil, err
	}
	var prev uint64
	for i := range m.dictN {
		o := binary.LittleEndian.Uint64(idx[8*i:])
		if (i > 0 && o <= prev) || o >= m.dictLen || (i == 0 && o != 0) {
			return nil, fmt.Errorf("%w: dictionary index", errDamaged)
		}
		prev = o
	}
	d.idx = idx
	return d, nil
}

// blockBytes returns dict block i.
func (d *dict) blockBytes(i int) ([]byte, error) {
	start := binary.LittleEndian.Uint64(d.idx[8*i:])
	end := d.m.dictLen
	if uint64(i+1) < d.m.dictN {
		end = binary.LittleEndian.Uint64(d.idx[8*(i+1):])
	}
	return d.c.bytes(d.m.dictOff+start, end-start)
}

// dictIter reads the terms of one block, or all blocks in turn.
type dictIter struct {
	d     *dict
	block int
	b     []byte
	term  []byte
	spare []byte // the buffer of the term before
	info  termInfo
	next  uint64 // postings offset of the next term
	left  int    // terms left in the block, for the check of the count
	count uint64 // terms read so far
	err   error
}

// seek starts it at block i.
func (it *dictIter) seek(i int) bool {
	if uint64(i) >= it.d.m.dictN {
		return false
	}
	b, err := it.d.blockBytes(i)
	if err != nil {
		it.err = err
		return false
	}
	off, n := binary.Uvarint(b)
	if n <= 0 {
		it.err = fmt.Errorf("%w: dictionary block %d", errDamaged, i)
		return false
	}
	if i > 0 && off != it.next && it.count > 0 {
		it.err = fmt.Errorf("%w: dictionary block %d", errDamaged, i)
		return false
	}
	it.block, it.b, it.next = i, b[n:], off
	it.term = it.term[:0]
	it.left = dictBlock
	if last := uint64(i) == it.d.m.dictN-1; last {
		it.left = int(it.d.m.terms - uint64(i)*dictBlock)
	}
	it.count = uint64(i) * dictBlock
	return true
}

// step reads the next term of the current block; false at its end (or on
// damage, with err set).
func (it *dictIter) step() bool {
	if it.err != nil || it.left == 0 {
		if it.err == nil && len(it.b) != 0 {
			it.err = fmt.Errorf("%w: dictionary block %d", errDamaged, it.block)
		}
		return false
	}
	b := it.b
	var v [8]uint64
	prefix, n := binary.Uvarint(b)
	if n <= 0 || prefix > uint64(len(it.term)) || it.count%dictBlock == 0 && prefix != 0 {
		return it.damaged()
	}
	b = b[n:]
	sl, n := binary.Uvarint(b)
	if n <= 0 || sl > uint64(len(b)-n) || sl > 1<<16 {
		return it.damaged()
	}
	b = b[n:]
	term := append(append(it.spare[:0], it.term[:prefix]...), b[:sl]...)
	b = b[sl:]
	for i := range 6 {
		x, n := binary.Uvarint(b)
		if n <= 0 {
			return it.damaged()
		}
		v[i], b = x, b[n:]
	}
	if len(it.term) > 0 && it.count%dictBlock != 0 && string(term) <= string(it.term) {
		return it.damaged()
	}
	ti := termInfo{off: it.next}
	var total uint64
	for i := range 3 {
		ti.lens[i], total = v[2*i], total+v[2*i]
		if v[2*i+1] > it.d.maxDocs[i] || (v[2*i] == 0) != (v[2*i+1] == 0) || v[2*i] > it.d.m.postLen {
			return it.damaged()
		}
		ti.dfs[i] = uint32(v[2*i+1])
	}
	if total > it.d.m.postLen || ti.off > it.d.m.postLen-total {
		return it.damaged()
	}
	it.next = ti.off + total
	it.spare = it.term
	it.term, it.info, it.b = term, ti, b
	it.left--
	it.count++
	return true
}

func (it *dictIter) damaged() bool {
	it.err = fmt.Errorf("%w: dictionary block %d", errDamaged, it.block)
	return false
}

// firstTerm returns the first term of block i, in it's buffer.
func (d *dict) firstTerm(it *dictIter, i int) ([]byte, error) {
	*it = dictIter{d: d, term: it.term[:0], spare: it.spare[:0]}
	if !it.seek(i) || !it.step() {
		if it.err == nil {
			it.err = fmt.Errorf("%w: empty dictionary block", errDamaged)
		}
		return nil, it.err
	}
	return it.term, nil
}

// lookup finds term; ok is false when the segment lacks it.
func (d *dict) lookup(term string) (ti termInfo, ok bool, err error) {
	if d.m.dictN == 0 {
		return ti, false, nil
	}
	// The last block whose first term is at most term.
	lo, hi := 0, int(d.m.dictN)
	var probe dictIter
	for lo < hi {
		mid := (lo + hi) / 2
		ft, err := d.firstTerm(&probe, mid)
		if err != nil {
			return ti, false, err
		}
		if string(ft) <= term {
			lo = mid + 1
		} else {
			hi = mid
		}
	}
	if lo == 0 {
		return ti, false, nil
	}
	it := dictIter{d: d}
	if !it.seek(lo - 1) {
		return ti, false, it.err
	}
	for it.step() {
		switch strings.Compare(string(it.term), term) {
		case 0:
			return it.info, true, nil
		case 1:
			return ti, false, nil
		}
	}
	return ti, false, it.err
}
