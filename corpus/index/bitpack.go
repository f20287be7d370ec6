package index

import (
	"encoding/binary"
	"math/bits"
)

// Bit-packing, the block encoding of postings (as Lucene's ForUtil and
// Tantivy's bitpacker): n values of w bits each, least significant bit
// first, in ceil(n*w/8) bytes. A width of 0 means every value is 0 and takes
// no bytes. One value can be read in place, without unpacking its
// neighbours: a cursor that skips to one posting of a block reads only its
// columns' values at that position.

// packedLen is the byte length of n values of width w.
func packedLen(n, w int) int { return (n*w + 7) / 8 }

// widthOf is the number of bits the largest of vals needs.
func widthOf(vals []uint32) int {
	var or uint32
	for _, v := range vals {
		or |= v
	}
	return bits.Len32(or)
}

// appendPacked appends vals packed at width w (every value must fit).
func appendPacked(dst []byte, vals []uint32, w int) []byte {
	if w == 0 {
		return dst
	}
	var acc uint64
	nacc := 0
	for _, v := range vals {
		acc |= uint64(v) << nacc
		nacc += w
		for nacc >= 8 {
			dst = append(dst, byte(acc))
			acc >>= 8
			nacc -= 8
		}
	}
	if nacc > 0 {
		dst = append(dst, byte(acc))
	}
	return dst
}

// packedAt reads value i of a packed column src of width w. The caller
// has checked that src holds packedLen(i+1, w) bytes.
func packedAt(src []byte, i, w int) uint32 {
	if w == 0 {
		return 0
	}
	bit := i * w
	b := bit >> 3
	var x uint64
	if b+8 <= len(src) {
		x = binary.LittleEndian.Uint64(src[b:])
	} else {
		var tmp [8]byte
		copy(tmp[:], src[b:])
		x = binary.LittleEndian.Uint64(tmp[:])
	}
	return uint32(x>>(bit&7)) & uint32(uint64(1)<<w-1)
}

// unpack reads the first len(out) values of a packed column src of width
// w into out. The caller has checked that src holds packedLen(len(out), w)
// bytes.
func unpack(out []uint32, src []byte, w int) {
	if w == 0 {
		clear(out)
		return
	}
	mask := uint64(1)<<w - 1
	n := len(out)
	// The fast path reads 8 bytes at a time while they are all in src.
	i, bit := 0, 0
	for ; i < n; i++ {
		b := bit >> 3
		if b+8 > len(src) {
			break
		}
		out[i] = uint32(binary.LittleEndian.Uint64(src[b:]) >> (bit & 7) & mask)
		bit += w
	}
	for ; i < n; i++ {
		out[i] = packedAt(src, i, w)
	}
}
