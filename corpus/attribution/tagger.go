package attribution

import (
	"bytes"
	"compress/gzip"
	_ "embed"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"sync"
)

// The tagger labels every token of a body with its role (lO, lBSrc, ...)
// greedily left to right: an averaged perceptron over hashed features
// (nFeatures per token, the last few depending on the labels already
// given), each feature's weights for the nLabels labels side by side so
// that one feature costs one cache line.

// Feature templates; each token has one feature of each.
const (
	fBias = iota
	fW0
	fWm1
	fWp1
	fWm2
	fWp2
	fWm1W0
	fW0Wp1
	fSuffix
	fShape
	fKind
	fLeftCue
	fLeftCueDist
	fRightCueDist
	fRightCue
	fCommas
	fQuoteSent
	fFromStart
	fToEnd
	fAfterCue
	fCaps
	fWm1Wm2
	fWp1Wp2
	fCueW0
	fStrongLeft
	fStrongRight
	nStatic
)

// The dynamic features, after the static ones.
const (
	fPrevLabel = nStatic + iota
	fPrev2
	fPrevW0
	fLastRole
	nFeatures
)

// stride is the width of one feature's weights: nLabels, padded.
const stride = 8

// Model is a trained tagger: the cue lexicon its features use and its
// weights. The zero Model is not usable; Extract uses the one trained by
// ./train and embedded in the package.
type Model struct {
	bits uint
	// lexicon holds the hashes of the words that were cues often enough
	// in the training set.
	lexicon map[uint64]bool
	// strong holds the words of the lexicon that were cues in at least
	// a third of their uses ("said", "according"): the tagger's features
	// also measure the distance to the nearest of these, which the
	// weaker ones ("had", "in") do not hide.
	strong map[uint64]bool
	// w holds each feature's weights for the labels, one byte each
	// (the weight scaled to -127..127, plus 128), in one word: the
	// tagger adds the words of a token's features lane-wise (see tag).
	w []uint64
	// sel picks each cue's source; nil: the nearest source chunk.
	sel selector
	// cueSel picks each content's cue, or none; nil: the nearest cue.
	cueSel selector
	// srcNone and cueNone are added to the selectors' scores of none:
	// the operating point, picked by Train on its own data.
	srcNone, cueNone float32
	// prev and roles are the weights of the dynamic features that do
	// not depend on the token, summed ahead (see tables): prev of
	// fPrevLabel and fPrev2 by the two labels before (prevIndex), roles
	// of fLastRole by roles<<1|quoted. The tagger looks them up instead
	// of hashing them into w, which is bigger than a core's cache.
	prev  [8][8]laneSum
	roles [32]laneSum
	// cues is lexicon and strong as staticFeatures looks them up.
	cues *wordSet
}

// wordSet is the cue lexicon as staticFeatures looks it up, once for
// every word: the hashes in an open-addressed table, probed linearly from
// a slot their hash picks, at a fraction of a map's cost.
type wordSet struct {
	keys  []uint64 // 0: an empty slot
	flags []uint8  // of each slot: cueLex, cueStrong
	shift uint
	zero  uint8 // the flags of the hash 0, which keys cannot hold
}

// The flags of a word in a wordSet.
const (
	cueLex    = 1 // in the lexicon
	cueStrong = 2 // a strong cue
)

// newWordSet makes the set of the words of lexicon and strong.
func newWordSet(lexicon, strong map[uint64]bool) *wordSet {
	n, shift := 16, uint(64-4)
	for n < 4*(len(lexicon)+len(strong)) {
		n, shift = n<<1, shift-1
	}
	s := &wordSet{keys: make([]uint64, n), flags: make([]uint8, n), shift: shift}
	put := func(h uint64, f uint8) {
		if h == 0 {
			s.zero |= f
			return
		}
		i := s.slot(h)
		for s.keys[i] != 0 && s.keys[i] != h {
			i = (i + 1) & (n - 1)
		}
		s.keys[i] = h
		s.flags[i] |= f
	}
	for h := range lexicon {
		put(h, cueLex)
	}
	for h := range strong {
		put(h, cueStrong)
	}
	return s
}

// slot is where the probe for h starts.
func (s *wordSet) slot(h uint64) int { return int(h * 0x9e3779b97f4a7c15 >> s.shift) }

// get returns the flags of h; 0 when it is not in the set.
func (s *wordSet) get(h uint64) uint8 {
	if h == 0 {
		return s.zero
	}
	mask := len(s.keys) - 1
	for i := s.slot(h); ; i = (i + 1) & mask {
		switch s.keys[i] {
		case h:
			return s.flags[i]
		case 0:
			return 0
		}
	}
}

// laneSum is a sum of weight words, lane-wise: the even labels' bytes
// in 16-bit lanes of even, the odd ones' in odd.
type laneSum struct{ even, odd uint64 }

// lanes masks the even bytes of a weight word.
const lanes = 0x00ff00ff00ff00ff

// add adds the weight word x.
func (s *laneSum) add(x uint64) {
	s.even += x & lanes
	s.odd += x >> 8 & lanes
}

// plus returns the sum of s and t.
func (s laneSum) plus(t laneSum) laneSum { return laneSum{s.even + t.even, s.odd + t.odd} }

// prevIndex is the index in Model.prev of a label before a token as
// dynamicFeatures sees it: lO..lICon, or lO+8 before the first token.
func prevIndex(p uint64) int { return int(min(p, 7)) }

// tables fills prev and roles from w, with the hashes dynamicFeatures
// uses, so that a lookup gives what the hashed features would.
func (m *Model) tables() {
	m.cues = newWordSet(m.lexicon, m.strong)
	for _, p2 := range [...]uint64{0, 1, 2, 3, 4, 5, 6, lO + 8} {
		for _, p1 := range [...]uint64{0, 1, 2, 3, 4, 5, 6, lO + 8} {
			var s laneSum
			s.add(m.w[mix(fPrevLabel, p1, m.bits)])
			s.add(m.w[mix(fPrev2, p2<<4|p1, m.bits)])
			m.prev[prevIndex(p2)][prevIndex(p1)] = s
		}
	}
	for v := range m.roles {
		var s laneSum
		s.add(m.w[mix(fLastRole, uint64(v), m.bits)])
		m.roles[v] = s
	}
}

//go:embed model.bin.gz
var embedded []byte

// builtin decodes the embedded model once, on first use; nil when the
// package is built with an empty model.bin.gz (before the first training),
// and then Extract finds nothing.
var builtin = sync.OnceValue(func() *Model {
	if len(embedded) == 0 {
		return nil
	}
	m, err := ReadModel(bytes.NewReader(embedded))
	if err != nil {
		panic(fmt.Sprintf("attribution: the embedded model: %v", err)) // a build defect, caught by every test
	}
	return m
})

const modelMagic = "NBATTR1\n"

// ReadModel reads a model written by WriteTo (gzip-compressed).
func ReadModel(r io.Reader) (*Model, error) {
	zr, err := gzip.NewReader(r)
	if err != nil {
		return nil, fmt.Errorf("read model: %w", err)
	}
	b, err := io.ReadAll(zr)
	if err != nil {
		return nil, fmt.Errorf("read model: %w", err)
	}
	if len(b) < len(modelMagic)+16 || string(b[:len(modelMagic)]) != modelMagic {
		return nil, errors.New("read model: not an attribution model")
	}
	b = b[len(modelMagic):]
	bits := uint(binary.LittleEndian.Uint32(b))
	nlex := int(binary.LittleEndian.Uint32(b[4:]))
	nstrong := int(binary.LittleEndian.Uint32(b[8:]))
	b = b[12:]
	if bits < 8 || bits > 24 || len(b) != (nlex+nstrong)*8+(1<<bits)*8+2*(1<<selBits)*4+8 {
		return nil, errors.New("read model: wrong size")
	}
	m := &Model{bits: bits, lexicon: make(map[uint64]bool, nlex), strong: make(map[uint64]bool, nstrong), w: make([]uint64, 1<<bits)}
	for i := 0; i < nlex; i++ {
		m.lexicon[binary.LittleEndian.Uint64(b[i*8:])] = true
	}
	b = b[nlex*8:]
	for i := 0; i < nstrong; i++ {
		m.strong[binary.LittleEndian.Uint64(b[i*8:])] = true
	}
	b = b[nstrong*8:]
	for i := range m.w {
		m.w[i] = binary.LittleEndian.Uint64(b[i*8:])
	}
	b = b[len(m.w)*8:]
	m.sel, m.cueSel = make(selector, 1<<selBits), make(selector, 1<<selBits)
	for i := range m.sel {
		m.sel[i] = math.Float32frombits(binary.LittleEndian.Uint32(b[i*4:]))
	}
	b = b[len(m.sel)*4:]
	for i := range m.cueSel {
		m.cueSel[i] = math.Float32frombits(binary.LittleEndian.Uint32(b[i*4:]))
	}
	b = b[len(m.cueSel)*4:]
	m.srcNone = math.Float32frombits(binary.LittleEndian.Uint32(b))
	m.cueNone = math.Float32frombits(binary.LittleEndian.Uint32(b[4:]))
	m.tables()
	return m, nil
}

// NewModel makes a model from trained float weights (len 1<<bits*stride),
// scaled to 8 bits, and the lexicon of cue words.
func NewModel(bits uint, lexicon, strong map[uint64]bool, w []float32) *Model {
	var max float64
	for _, v := range w {
		max = math.Max(max, math.Abs(float64(v)))
	}
	if max == 0 {
		max = 1
	}
	m := &Model{bits: bits, lexicon: lexicon, strong: strong, w: make([]uint64, len(w)/stride)}
	for i := range m.w {
		var word uint64
		for l := 0; l < stride; l++ {
			q := uint64(0)
			if l < nLabels {
				q = uint64(math.Round(float64(w[i*stride+l])/max*127) + 128)
			}
			word |= q << (8 * l)
		}
		m.w[i] = word
	}
	m.tables()
	return m
}

// WriteTo writes m gzip-compressed, as ReadModel reads it.
func (m *Model) WriteTo(w io.Writer) (int64, error) {
	var buf bytes.Buffer
	buf.WriteString(modelMagic)
	var b [8]byte
	binary.LittleEndian.PutUint32(b[:], uint32(m.bits))
	binary.LittleEndian.PutUint32(b[4:], uint32(len(m.lexicon)))
	buf.Write(b[:])
	binary.LittleEndian.PutUint32(b[:], uint32(len(m.strong)))
	buf.Write(b[:4])
	for _, h := range append(sortedKeys(m.lexicon), sortedKeys(m.strong)...) {
		binary.LittleEndian.PutUint64(b[:], h)
		buf.Write(b[:])
	}
	for _, v := range m.w {
		binary.LittleEndian.PutUint64(b[:], v)
		buf.Write(b[:])
	}
	for _, sel := range []selector{m.sel, m.cueSel} {
		if sel == nil {
			sel = make(selector, 1<<selBits)
		}
		for _, v := range sel {
			binary.LittleEndian.PutUint32(b[:], math.Float32bits(v))
			buf.Write(b[:4])
		}
	}
	binary.LittleEndian.PutUint32(b[:], math.Float32bits(m.srcNone))
	binary.LittleEndian.PutUint32(b[4:], math.Float32bits(m.cueNone))
	buf.Write(b[:])
	zw, _ := gzip.NewWriterLevel(w, gzip.BestCompression)
	n, err := zw.Write(buf.Bytes())
	if err != nil {
		return int64(n), err
	}
	return int64(n), zw.Close()
}

func sortedKeys(m map[uint64]bool) []uint64 {
	ks := make([]uint64, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	for i := 1; i < len(ks); i++ {
		for j := i; j > 0 && ks[j] < ks[j-1]; j-- {
			ks[j], ks[j-1] = ks[j-1], ks[j]
		}
	}
	return ks
}

// scratch is the buffers of one Extract, kept for the next.
type scratch struct {
	toks   []token
	feats  []uint32
	labels []uint8
	right  []int32
	sums   []uint64
	// assemble's
	sents    []int32
	chunks   []chunk
	groups   []group
	cueGroup []int32
	cands    []candidate
}

// scratchPool keeps buffers between calls: the index extracts from every
// article it ingests.
var scratchPool = sync.Pool{New: func() any { return new(scratch) }}

// Extract is the package's Extract with this model.
func (m *Model) Extract(body string) []Attribution {
	sc := scratchPool.Get().(*scratch)
	defer scratchPool.Put(sc)
	toks := tokenize(body, sc.toks[:0])
	sc.toks = toks
	if len(toks) == 0 {
		return nil
	}
	sc.feats = grow(sc.feats, len(toks)*nStatic)
	sc.labels = grow(sc.labels, len(toks))
	sc.right = grow(sc.right, 2*len(toks))
	staticFeatures(body, toks, m.cues, m.bits, sc.feats, sc.right, true)
	sc.sums = m.tag(toks, sc.feats, sc.labels, sc.sums)
	return assemble(body, toks, sc.labels, m, sc)
}

// grow returns b with length n, reusing its array when it is big enough;
// the contents are not cleared.
func grow[T any](b []T, n int) []T {
	if cap(b) < n {
		return make([]T, n)
	}
	return b[:n]
}

// tag labels the tokens greedily. sums is scratch of 3*len(toks), or
// nil.
//
// The scores are lane-wise sums of the features' weight words: even
// labels in even, odd in odd, 16 bits a lane; at most nFeatures*255 each,
// so no lane carries into the next. Every label's sum has the same
// 128*nFeatures added, which does not change which is highest. The words
// of the static features are summed first, for all the tokens (their
// loads from w, a table bigger than a core's cache, do not wait on one
// another there), and so is the word of fPrevW0 for the label before
// being O, as it is most of the time; the greedy pass then adds the
// dynamic features' words, from the small tables for all but fPrevW0,
// which it loads again only when the label before is not O.
func (m *Model) tag(toks []token, feats []uint32, labels []uint8, sums []uint64) []uint64 {
	sums = grow(sums, 3*len(toks))
	for i := range toks {
		if toks[i].skip {
			continue
		}
		var s laneSum
		for _, f := range feats[i*nStatic : (i+1)*nStatic] {
			s.add(m.w[f])
		}
		sums[3*i], sums[3*i+1] = s.even, s.odd
		sums[3*i+2] = m.w[mix(fPrevW0, pair(firstPrev(i), toks[i].h), m.bits)]
	}
	var roles uint64
	for i := range toks {
		if toks[i].sent {
			roles = 0
		}
		if toks[i].skip {
			labels[i] = lO
			roles |= 1
			continue
		}
		p1, p2 := firstPrev(i), firstPrev(i-1)
		if i > 0 {
			p1 = uint64(labels[i-1])
		}
		if i > 1 {
			p2 = uint64(labels[i-2])
		}
		s := laneSum{sums[3*i], sums[3*i+1]}
		pw := sums[3*i+2]
		if p1 != firstPrev(i) {
			pw = m.w[mix(fPrevW0, pair(p1, toks[i].h), m.bits)]
		}
		s.add(pw)
		s = s.plus(m.prev[prevIndex(p2)][prevIndex(p1)]).plus(m.roles[roles<<1|b2u(toks[i].quoted)])
		var score [stride]int32
		for l := 0; l < stride; l += 2 {
			score[l] = int32(s.even >> (8 * l) & 0xffff)
			score[l+1] = int32(s.odd >> (8 * l) & 0xffff)
		}
		labels[i] = best(score[:nLabels], prevLabel(labels, i))
		roles |= 1 << role(labels[i])
	}
	return sums
}

// firstPrev is the label before token i that the tag pass guesses ahead:
// O, or lO+8 (what dynamicFeatures gives) before the first token.
func firstPrev(i int) uint64 {
	if i <= 0 {
		return lO + 8
	}
	return lO
}

// prevLabel is the label before token i, lO at the start.
func prevLabel(labels []uint8, i int) uint8 {
	if i == 0 {
		return lO
	}
	return labels[i-1]
}

// allowed reports whether label l may follow prev: an inside label only
// continues a chunk of its role.
func allowed(prev, l uint8) bool {
	return l == lO || l%2 == 1 || prev != lO && role(prev) == role(l)
}

// best returns the allowed label with the highest score.
func best[T int32 | float32](score []T, prev uint8) uint8 {
	b := uint8(lO)
	for l := uint8(1); l < nLabels; l++ {
		if allowed(prev, l) && score[l] > score[b] {
			b = l
		}
	}
	return b
}

// mix hashes a template and a value into a bucket of a table of 1<<bits.
func mix(tmpl int, v uint64, bits uint) uint32 {
	h := v ^ (uint64(tmpl)+1)*0x9e3779b97f4a7c15
	h ^= h >> 31
	h *= 0xbf58476d1ce4e5b9
	h ^= h >> 29
	return uint32(h >> (64 - bits))
}

// pair combines two hashes.
func pair(a, b uint64) uint64 { return a*31 + b*0x100000001b3 + 7 }

// distBucket buckets a token distance (0: none).
func distBucket(d int) uint64 {
	switch {
	case d <= 0:
		return 0
	case d <= 3:
		return uint64(d)
	case d <= 5:
		return 4
	case d <= 8:
		return 5
	case d <= 15:
		return 6
	case d <= 30:
		return 7
	}
	return 8
}

// shape is a token's form: 0 lower-case word, 1 capitalised, 2 all
// capitals, 3 number, 4 punctuation, 5 opening mark, 6 closing mark.
func shape(body string, t token) uint64 {
	switch t.kind {
	case kPunct:
		return 4
	case kOpen:
		return 5
	case kClose:
		return 6
	}
	c := body[t.start]
	if c >= '0' && c <= '9' {
		return 3
	}
	if !t.cap {
		return 0
	}
	for i := t.start + 1; i < t.end; i++ {
		if c := body[i]; c >= 'a' && c <= 'z' {
			return 1
		}
	}
	if t.end-t.start == 1 {
		return 1
	}
	return 2
}

// boundary hashes stand for the words beyond the body's ends.
const (
	hStart = 0x1234567
	hEnd   = 0x7654321
)

// staticFeatures computes the features of each token that depend only on
// the body (nStatic per token, into feats).
// right is scratch of 2*len(toks), or nil.
// With gate, the sentences with neither a word of the lexicon nor a
// quotation mark are marked skip and get no features: the tagger labels
// them O without looking. Few are (about 5% of Reuters-21578's tokens:
// the lexicon is wide), but at no cost in the figures (CV within 0.002);
// gating on the strong words alone would skip 24% and lose 0.02 of
// content F1.
func staticFeatures(body string, toks []token, cues *wordSet, bits uint, feats []uint32, right []int32, gate bool) {
	n := len(toks)
	word := func(i int) uint64 {
		if i < 0 {
			return hStart
		}
		if i >= n {
			return hEnd
		}
		return toks[i].h
	}
	// Sentence extents, nearest lexicon cues on each side within the
	// sentence, the commas between, and whether the sentence has a
	// quotation.
	sentStart, leftCue, commasLeft, leftStrong := 0, -1, 0, -1
	quoteSent := false
	// rightCue and sentence ends need a backward pass: store them in a
	// small scratch of the same length.
	right = grow(right, 3*n)
	{
		end, rc, commas, rs := n, -1, 0, -1
		for i := n - 1; i >= 0; i-- {
			right[3*i] = int32(end)
			if rc >= 0 {
				right[3*i+1] = int32(rc)<<4 | int32(min(commas, 15))
			} else {
				right[3*i+1] = -1
			}
			right[3*i+2] = int32(rs)
			cue := uint8(0)
			if toks[i].kind == kWord {
				cue = cues.get(toks[i].h)
			}
			toks[i].lex, toks[i].strong = cue&cueLex != 0, cue&cueStrong != 0
			if toks[i].lex && !toks[i].quoted {
				rc, commas = i, 0
				if toks[i].strong {
					rs = i
				}
			}
			if toks[i].kind == kPunct && body[toks[i].start] == ',' {
				commas++
			}
			if toks[i].sent {
				end, rc, commas, rs = i, -1, 0, -1
			}
		}
	}
	for i := 0; i < n; i++ {
		t := toks[i]
		if t.sent {
			sentStart, leftCue, commasLeft, leftStrong = i, -1, 0, -1
			quoteSent = false
			lex := false
			j := i
			for ; j < n && (j == i || !toks[j].sent); j++ {
				if toks[j].kind == kOpen || toks[j].kind == kClose {
					quoteSent = true
				}
				lex = lex || toks[j].lex
			}
			skip := gate && !quoteSent && !lex
			for k := i; k < j; k++ {
				toks[k].skip = skip
			}
		}
		if t.skip {
			// Not tagged: only the running state is kept.
			if t.kind == kPunct && body[t.start] == ',' {
				commasLeft++
			}
			continue
		}
		f := feats[i*nStatic : (i+1)*nStatic]
		q := uint64(0)
		if t.quoted {
			q = 1
		}
		sh := shape(body, t)
		suffix := uint64(0)
		if t.kind == kWord && t.end-t.start >= 4 {
			suffix = lowerHash(body[t.end-3 : t.end])
		}
		sentEnd := int(right[3*i])
		rs := int(right[3*i+2])
		rc, rcommas := -1, 0
		if r := right[3*i+1]; r >= 0 {
			rc, rcommas = int(r>>4), int(r&15)
		}
		ld, rd := 0, 0
		lw, rw := uint64(0), uint64(0)
		if leftCue >= 0 {
			ld, lw = i-leftCue, toks[leftCue].h
		}
		if rc >= 0 {
			rd, rw = rc-i, toks[rc].h
		}
		isCue := b2u(t.lex)
		qs := uint64(0)
		if quoteSent {
			qs = 1
		}
		capsOf := func(j int) uint64 {
			if j < 0 || j >= n {
				return 3
			}
			if toks[j].cap {
				return 1
			}
			if toks[j].kind != kWord {
				return 2
			}
			return 0
		}
		f[fBias] = mix(fBias, 0, bits)
		f[fW0] = mix(fW0, t.h, bits)
		f[fWm1] = mix(fWm1, word(i-1), bits)
		f[fWp1] = mix(fWp1, word(i+1), bits)
		f[fWm2] = mix(fWm2, word(i-2), bits)
		f[fWp2] = mix(fWp2, word(i+2), bits)
		f[fWm1W0] = mix(fWm1W0, pair(word(i-1), t.h), bits)
		f[fW0Wp1] = mix(fW0Wp1, pair(t.h, word(i+1)), bits)
		f[fSuffix] = mix(fSuffix, suffix, bits)
		f[fShape] = mix(fShape, sh<<1|q, bits)
		var st uint64
		if t.sent {
			st |= 1
		}
		if t.para {
			st |= 2
		}
		f[fKind] = mix(fKind, st<<4|sh<<1|q, bits)
		dl, dr := distBucket(ld), distBucket(rd)
		f[fLeftCue] = mix(fLeftCue, pair(lw, dl), bits)
		f[fLeftCueDist] = mix(fLeftCueDist, dl<<8|uint64(min(commasLeft, 3))<<2|q<<1|isCue, bits)
		f[fRightCueDist] = mix(fRightCueDist, dr<<8|uint64(min(rcommas, 3))<<2|q<<1|isCue, bits)
		f[fRightCue] = mix(fRightCue, pair(rw, dr), bits)
		f[fCommas] = mix(fCommas, uint64(min(commasLeft, 3))<<4|uint64(min(rcommas, 3))<<2|q, bits)
		f[fQuoteSent] = mix(fQuoteSent, qs<<2|q<<1|isCue, bits)
		f[fFromStart] = mix(fFromStart, distBucket(i-sentStart+1)<<1|q, bits)
		f[fToEnd] = mix(fToEnd, distBucket(sentEnd-i)<<1|q, bits)
		f[fAfterCue] = mix(fAfterCue, pair(t.h, dl), bits)
		f[fCaps] = mix(fCaps, capsOf(i-1)<<4|capsOf(i)<<2|capsOf(i+1), bits)
		f[fWm1Wm2] = mix(fWm1Wm2, pair(word(i-2), word(i-1)), bits)
		f[fWp1Wp2] = mix(fWp1Wp2, pair(word(i+1), word(i+2)), bits)
		f[fCueW0] = mix(fCueW0, pair(t.h, dr), bits)
		sl, sr := uint64(0), uint64(0)
		sld, srd := 0, 0
		if leftStrong >= 0 {
			sl, sld = toks[leftStrong].h, i-leftStrong
		}
		if rs >= 0 {
			sr, srd = toks[rs].h, rs-i
		}
		f[fStrongLeft] = mix(fStrongLeft, pair(sl, distBucket(sld)<<1|q), bits)
		f[fStrongRight] = mix(fStrongRight, pair(sr, distBucket(srd)<<1|q), bits)
		if isCue == 1 && !t.quoted {
			leftCue, commasLeft = i, 0
			if t.strong {
				leftStrong = i
			}
		}
		if t.kind == kPunct && body[t.start] == ',' {
			commasLeft++
		}
	}
}

// dynamicFeatures computes token i's features that depend on the labels
// given to the tokens before it.
// roles is the set of roles (1<<role) given so far in i's sentence.
func dynamicFeatures(toks []token, labels []uint8, i int, roles uint64, bits uint, f []uint32) {
	p1, p2 := uint64(lO)+8, uint64(lO)+8
	if i > 0 {
		p1 = uint64(labels[i-1])
	}
	if i > 1 {
		p2 = uint64(labels[i-2])
	}
	q := uint64(0)
	if toks[i].quoted {
		q = 1
	}
	f[fPrevLabel-nStatic] = mix(fPrevLabel, p1, bits)
	f[fPrev2-nStatic] = mix(fPrev2, p2<<4|p1, bits)
	f[fPrevW0-nStatic] = mix(fPrevW0, pair(p1, toks[i].h), bits)
	f[fLastRole-nStatic] = mix(fLastRole, roles<<1|q, bits)
}
