package index

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"sync/atomic"
)

// A segment file is checked in chunks, so that opening it costs nothing
// like its size and yet no byte of it is used unchecked. Its data is cut
// into chunks of chunkSize bytes, each with a CRC-32C (Castagnoli, which the
// CPU computes) in a table after the data; then come the segment's metadata
// and a fixed footer that gives where the table and the metadata are, with
// their own CRCs. Opening reads and checks the footer, the metadata and the
// table; a chunk's bytes are checked the first time anything in them is
// read, and a bit remembers that they were. A chunk that fails its check
// fails the read (and so the search or the merge) with errDamaged: a
// damaged segment is refused, never half-read.
//
//	data      chunk 0 | chunk 1 | ... (the sections of the segment)
//	table     CRC-32C of each chunk, uint32 little-endian
//	meta      the segment's metadata (see segmentMeta)
//	footer    tableOff u64 | metaOff u64 | metaLen u32 | tableCRC u32 |
//	          metaCRC u32 | footerCRC u32 | magic [8]byte
const (
	chunkSize   = 4096
	footerSize  = 40
	footerMagic = "NBSEG\x00v1"
)

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// errDamaged is the error of any read of a segment that fails a check: a
// checksum, a bound, an order.
var errDamaged = errors.New("index segment is damaged")

// chunkWriter writes a segment file: the data through Write, then the
// table, the metadata and the footer through finish. It counts the bytes
// written, so the sections know their offsets.
type chunkWriter struct {
	w    io.Writer
	off  int64
	crc  uint32 // of the chunk being written
	fill int    // bytes in the chunk being written
	crcs []uint32
	err  error
}

func (c *chunkWriter) Write(p []byte) (int, error) {
	if c.err != nil {
		return 0, c.err
	}
	if _, err := c.w.Write(p); err != nil {
		c.err = err
		return 0, err
	}
	n := len(p)
	c.off += int64(n)
	for len(p) > 0 {
		k := min(len(p), chunkSize-c.fill)
		c.crc = crc32.Update(c.crc, castagnoli, p[:k])
		c.fill += k
		if c.fill == chunkSize {
			c.crcs = append(c.crcs, c.crc)
			c.crc, c.fill = 0, 0
		}
		p = p[k:]
	}
	return n, nil
}

// finish writes the table of chunk checksums, meta and the footer.
func (c *chunkWriter) finish(meta []byte) error {
	if c.err != nil {
		return c.err
	}
	if c.fill > 0 {
		c.crcs = append(c.crcs, c.crc)
		c.crc, c.fill = 0, 0
	}
	tableOff := c.off
	table := make([]byte, 4*len(c.crcs))
	for i, x := range c.crcs {
		binary.LittleEndian.PutUint32(table[4*i:], x)
	}
	var foot [footerSize]byte
	binary.LittleEndian.PutUint64(foot[0:], uint64(tableOff))
	binary.LittleEndian.PutUint64(foot[8:], uint64(tableOff)+uint64(len(table)))
	binary.LittleEndian.PutUint32(foot[16:], uint32(len(meta)))
	binary.LittleEndian.PutUint32(foot[20:], crc32.Checksum(table, castagnoli))
	binary.LittleEndian.PutUint32(foot[24:], crc32.Checksum(meta, castagnoli))
	binary.LittleEndian.PutUint32(foot[28:], crc32.Checksum(foot[:28], castagnoli))
	copy(foot[32:], footerMagic)
	for _, b := range [][]byte{table, meta, foot[:]} {
		if _, err := c.w.Write(b); err != nil {
			c.err = err
			return err
		}
		c.off += int64(len(b))
	}
	return nil
}

// chunked is a segment file's bytes, read through its checksums.
type chunked struct {
	data     []byte // the data part: [0, tableOff)
	table    []byte
	verified []atomic.Uint64 // bit i: chunk i was checked
}

// openChunked checks the footer, the table and the metadata of a segment
// file, and returns its data, to be read through bytes, and its metadata.
func openChunked(file []byte) (*chunked, []byte, error) {
	if len(file) < footerSize {
		return nil, nil, fmt.Errorf("%w: %d bytes, too short for a segment", errDamaged, len(file))
	}
	foot := file[len(file)-footerSize:]
	if string(foot[32:]) != footerMagic {
		return nil, nil, fmt.Errorf("%w: not a segment file, or one of another version", errDamaged)
	}
	if crc32.Checksum(foot[:28], castagnoli) != binary.LittleEndian.Uint32(foot[28:]) {
		return nil, nil, fmt.Errorf("%w: footer checksum", errDamaged)
	}
	tableOff := binary.LittleEndian.Uint64(foot[0:])
	metaOff := binary.LittleEndian.Uint64(foot[8:])
	metaLen := uint64(binary.LittleEndian.Uint32(foot[16:]))
	end := uint64(len(file) - footerSize)
	if tableOff > metaOff || metaOff > end || metaLen != end-metaOff {
		return nil, nil, fmt.Errorf("%w: footer offsets", errDamaged)
	}
	table := file[tableOff:metaOff]
	meta := file[metaOff:end]
	nchunks := (tableOff + chunkSize - 1) / chunkSize
	if uint64(len(table)) != 4*nchunks {
		return nil, nil, fmt.Errorf("%w: checksum table of %d bytes for %d chunks", errDamaged, len(table), nchunks)
	}
	if crc32.Checksum(table, castagnoli) != binary.LittleEndian.Uint32(foot[20:]) {
		return nil, nil, fmt.Errorf("%w: checksum table", errDamaged)
	}
	if crc32.Checksum(meta, castagnoli) != binary.LittleEndian.Uint32(foot[24:]) {
		return nil, nil, fmt.Errorf("%w: metadata checksum", errDamaged)
	}
	c := &chunked{
		data:     file[:tableOff],
		table:    table,
		verified: make([]atomic.Uint64, (nchunks+63)/64),
	}
	return c, meta, nil
}

// bytes returns data[off:off+n] once every chunk it touches has passed its
// check.
func (c *chunked) bytes(off, n uint64) ([]byte, error) {
	if off > uint64(len(c.data)) || n > uint64(len(c.data))-off {
		return nil, fmt.Errorf("%w: read of %d bytes at %d past the end (%d)", errDamaged, n, off, len(c.data))
	}
	if n == 0 {
		return nil, nil
	}
	for ch := off / chunkSize; ch <= (off+n-1)/chunkSize; ch++ {
		if c.verified[ch/64].Load()&(1<<(ch%64)) != 0 {
			continue
		}
		if err := c.verify(ch); err != nil {
			return nil, err
		}
	}
	return c.data[off : off+n], nil
}

// verify checks chunk ch and remembers that it passed.
func (c *chunked) verify(ch uint64) error {
	start := ch * chunkSize
	end := min(start+chunkSize, uint64(len(c.data)))
	if crc32.Checksum(c.data[start:end], castagnoli) != binary.LittleEndian.Uint32(c.table[4*ch:]) {
		return fmt.Errorf("%w: checksum of bytes %d to %d", errDamaged, start, end)
	}
	w := &c.verified[ch/64]
	for {
		old := w.Load()
		if w.CompareAndSwap(old, old|1<<(ch%64)) {
			return nil
		}
	}
}

// verifyAll checks every chunk: a merge reads everything, and a test or a
// check command may want the whole file proved.
func (c *chunked) verifyAll() error {
	_, err := c.bytes(0, uint64(len(c.data)))
	return err
}
