package attribution

import "math"

// The source selector picks a cue's source among candidates: the source
// chunks the tagger found in the cue's sentence and the one before, the
// word just before the cue and the one just after it (for the sources the
// tagger missed), or none. It is a linear ranker over hashed features of
// (cue, candidate), trained by Train on the tagger's own output on
// articles it was not trained on.

// selBits is the log2 of the selector's feature buckets.
const selBits = 16

// nSelFeatures is the number of features of a candidate.
const nSelFeatures = 19

// Candidate kinds.
const (
	candNone   = iota
	candChunk  // a source chunk
	candBefore // the word before the cue
	candAfter  // the word after the cue
	candFirst  // the first word of the cue's sentence
	candName   // the nearest capitalised word or pronoun before the cue
)

// candidate is a possible source of a cue: tokens [a, b).
type candidate struct {
	a, b  int
	kind  int
	feats [nSelFeatures]uint32
}

// sourceCandidates returns the candidate sources of the cue chunk cs[cue],
// the none candidate first.
func sourceCandidates(body string, toks []token, cs []chunk, cue int, out []candidate) []candidate {
	c := cs[cue]
	cw := toks[c.a].h
	prevW := uint64(hStart)
	if c.a > 0 {
		prevW = toks[c.a-1].h
	}
	nextW := uint64(hEnd)
	if c.b < len(toks) {
		nextW = toks[c.b].h
	}
	hasChunk := uint64(0)
	for k := cue - 1; k >= 0 && cs[k].sb >= c.sa-1; k-- {
		if cs[k].role == 1 {
			hasChunk = 1
		}
	}
	for k := cue + 1; k < len(cs) && cs[k].sa <= c.sb; k++ {
		if cs[k].role == 1 {
			hasChunk |= 2
		}
	}
	none := candidate{a: -1, b: -1, kind: candNone}
	nf := none.feats[:0]
	nf = append(nf, smix(0, cw), smix(1, hasChunk), smix(2, pair(cw, hasChunk)), smix(3, prevW), smix(4, nextW))
	for len(nf) < nSelFeatures {
		nf = append(nf, smix(99, 0))
	}
	out = append(out, none)
	add := func(a, b, kind, rank int, prevSent uint64) {
		after := b > c.b || a >= c.b
		dir := uint64(0)
		var lo, hi int
		if after {
			dir, lo, hi = 1, c.b, a
		} else {
			lo, hi = b, c.a
		}
		dist := distBucket(hi - lo + 1)
		var commas, quotes, contents, cues uint64
		for i := lo; i < hi; i++ {
			switch toks[i].kind {
			case kPunct:
				if body[toks[i].start] == ',' {
					commas++
				}
			case kOpen, kClose:
				quotes = 1
			}
		}
		// The chunks between, from the cue outwards.
		for k := cue + 1; after && k < len(cs) && cs[k].b <= hi; k++ {
			contents |= b2u(cs[k].role == 3)
			cues |= b2u(cs[k].role == 2)
		}
		for k := cue - 1; !after && k >= 0 && cs[k].a >= lo; k-- {
			contents |= b2u(cs[k].role == 3)
			cues |= b2u(cs[k].role == 2)
		}
		before := uint64(hStart)
		if a > 0 {
			before = toks[a-1].h
		}
		afterW := uint64(hEnd)
		if b < len(toks) {
			afterW = toks[b].h
		}
		pron := uint64(0)
		if b-a == 1 && isPronoun(body[toks[a].start:toks[a].end]) {
			pron = 1
		}
		k := uint64(kind)<<1 | dir
		cand := candidate{a: a, b: b, kind: kind}
		cand.feats = [nSelFeatures]uint32{
			smix(10, k),
			smix(11, k<<8|dist),
			smix(12, pair(cw, k)),
			smix(13, pair(pair(cw, k), dist)),
			smix(14, k<<8|uint64(min(rank, 3))),
			smix(15, k<<8|prevSent),
			smix(16, pair(toks[a].h, k)),
			smix(17, pair(toks[b-1].h, k)),
			smix(18, k<<8|pron<<4|min(commas, 3)),
			smix(19, k<<8|contents<<2|quotes<<1|cues),
			smix(20, pair(before, k)),
			smix(21, pair(afterW, k)),
			smix(22, pair(prevW, k)),
			smix(23, pair(nextW, k)),
			smix(24, k<<8|hasChunk<<4|dist),
			smix(25, pair(cw, k<<8|contents<<2|quotes<<1|min(commas, 1))),
			smix(26, k<<8|shape(body, toks[a])<<4|distBucket(b-a)),
			smix(27, pair(toks[a].h, k<<8|dist)),
			smix(28, k<<8|capsAt(toks, a-1)<<4|capsAt(toks, b)),
		}
		out = append(out, cand)
	}
	rank := 0
	for k := cue - 1; k >= 0 && cs[k].sb >= c.sa-1; k-- {
		if cs[k].role == 1 {
			rank++
			prev := uint64(0)
			if cs[k].sb < c.sa {
				prev = 1
			}
			add(cs[k].a, cs[k].b, candChunk, rank, prev)
		}
	}
	rank = 0
	for k := cue + 1; k < len(cs) && cs[k].sa <= c.sb; k++ {
		if cs[k].role == 1 {
			rank++
			add(cs[k].a, cs[k].b, candChunk, rank, 0)
		}
	}
	// The word before the cue, past auxiliaries and adverbs ("has also
	// said"), and the word after it.
	i := c.a - 1
	for i >= 0 && !toks[i+1].sent && toks[i].kind == kWord && isAux(body[toks[i].start:toks[i].end]) {
		i--
	}
	if i >= 0 && !toks[c.a].sent && toks[i].kind == kWord && !toks[i].quoted {
		add(i, i+1, candBefore, 0, 0)
	}
	if c.b < len(toks) && !toks[c.b].sent && toks[c.b].kind == kWord && !toks[c.b].quoted {
		add(c.b, c.b+1, candAfter, 0, 0)
	}
	before := i
	first := c.a
	for first > 0 && !toks[first].sent {
		first--
	}
	if first < before && toks[first].kind == kWord && !toks[first].quoted {
		add(first, first+1, candFirst, 0, 0)
	}
	for j := before - 1; j > first; j-- {
		if toks[j].quoted || toks[j].kind != kWord {
			continue
		}
		if w := body[toks[j].start:toks[j].end]; toks[j].cap && !isTitleWord(w) || isPronoun(w) && w != "that" && w != "which" && w != "it" {
			add(j, j+1, candName, 0, 0)
			break
		}
	}
	return out
}

// smix hashes a selector feature into its table.
func smix(tmpl int, v uint64) uint32 { return mix(tmpl+100, v, selBits) }

// selector is the source selector's weights (1<<selBits).
type selector []float32

// pick returns the index of the best candidate;
// none is added to the score of the first candidate, none.
func (s selector) pick(cands []candidate, none float32) int {
	bi, bs := 0, float32(math.Inf(-1))
	for i := range cands {
		var v float32
		if i == 0 {
			v = none
		}
		for _, f := range cands[i].feats {
			v += s[f]
		}
		if v > bs {
			bi, bs = i, v
		}
	}
	return bi
}

// trainSelector learns the selector from instances (each a list of
// candidates and the index of the right one) by the averaged perceptron.
func trainSelector(inst [][]candidate, right []int, epochs int) selector {
	w := make([]float32, 1<<selBits)
	u := make([]float32, 1<<selBits)
	t := float32(1)
	for e := 0; e < epochs; e++ {
		for n, cands := range inst {
			p := selector(w).pick(cands, 0)
			if g := right[n]; p != g {
				for _, f := range cands[g].feats {
					w[f]++
					u[f] += t
				}
				for _, f := range cands[p].feats {
					w[f]--
					u[f] -= t
				}
			}
			t++
		}
	}
	for i := range w {
		w[i] -= u[i] / t
	}
	return w
}

// capsAt is 1 for a capitalised word at i, 2 for punctuation, 3 beyond
// the ends, 0 otherwise.
func capsAt(toks []token, i int) uint64 {
	switch {
	case i < 0 || i >= len(toks):
		return 3
	case toks[i].cap:
		return 1
	case toks[i].kind != kWord:
		return 2
	}
	return 0
}

func b2u(b bool) uint64 {
	if b {
		return 1
	}
	return 0
}

// cueCandidates returns the cues the content chunk cs[k] may belong to:
// none first (the content is dropped), then up to two cue chunks on each
// side within the sentence before and the one after; a candidate's a is
// the cue's chunk index.
func cueCandidates(body string, toks []token, cs []chunk, k int, out []candidate) []candidate {
	c := cs[k]
	fw := toks[c.a].h
	lw := toks[c.b-1].h
	quotedC := b2u(toks[c.a].kind == kOpen)
	clen := distBucket(c.b - c.a)
	prevW := uint64(hStart)
	if c.a > 0 {
		prevW = toks[c.a-1].h
	}
	nextW := uint64(hEnd)
	if c.b < len(toks) {
		nextW = toks[c.b].h
	}
	none := candidate{a: -1, b: -1}
	none.feats = [nSelFeatures]uint32{smix(200, 0), smix(201, fw), smix(202, quotedC<<8|clen), smix(203, prevW), smix(204, nextW), smix(205, lw)}
	for i := 6; i < nSelFeatures; i++ {
		none.feats[i] = smix(299, 0)
	}
	out = append(out, none)
	add := func(j, rank int, after bool) {
		cue := cs[j]
		dir := b2u(after)
		var lo, hi int
		if after {
			lo, hi = c.b, cue.a
		} else {
			lo, hi = cue.b, c.a
		}
		var commas, quotes, colon uint64
		for i := lo; i < hi; i++ {
			switch toks[i].kind {
			case kPunct:
				switch body[toks[i].start] {
				case ',':
					commas++
				case ':':
					colon = 1
				}
			case kOpen, kClose:
				quotes = 1
			}
		}
		var between uint64
		for x := k + 1; after && x < j; x++ {
			between |= 1 << cs[x].role
		}
		for x := j + 1; !after && x < k; x++ {
			between |= 1 << cs[x].role
		}
		sent := uint64(0)
		if after && cue.sa > c.sb || !after && cue.sb < c.sa {
			sent = 1
		}
		cw := toks[cue.a].h
		d := distBucket(hi - lo + 1)
		kk := dir<<1 | sent
		cd := candidate{a: j, b: j, kind: candChunk}
		cd.feats = [nSelFeatures]uint32{
			smix(210, kk),
			smix(211, kk<<8|d),
			smix(212, pair(cw, kk)),
			smix(213, pair(pair(cw, kk), d)),
			smix(214, kk<<8|uint64(rank)),
			smix(215, kk<<8|min(commas, 3)<<4|quotes<<2|colon),
			smix(216, kk<<8|between),
			smix(217, pair(fw, kk)),
			smix(218, pair(lw, kk)),
			smix(219, kk<<8|quotedC<<4|clen),
			smix(220, pair(prevW, kk)),
			smix(221, pair(nextW, kk)),
			smix(222, pair(cw, kk<<8|quotedC<<2|min(commas, 1)<<1|colon)),
			smix(223, pair(cw, fw)),
			smix(224, kk<<8|between<<4|d),
			smix(225, pair(cw, kk<<8|between)),
			smix(226, kk<<8|d<<4|quotedC<<1|colon),
			smix(227, pair(toks[cue.b-1].h, kk)),
			smix(228, pair(cw, clen<<2|dir)),
		}
		out = append(out, cd)
	}
	rank := 0
	for j := k - 1; j >= 0 && cs[j].sb >= c.sa-1 && rank < 2; j-- {
		if cs[j].role == 2 {
			rank++
			add(j, rank, false)
		}
	}
	rank = 0
	for j := k + 1; j < len(cs) && cs[j].sa <= c.sb+1 && rank < 2; j++ {
		if cs[j].role == 2 {
			rank++
			add(j, rank, true)
		}
	}
	return out
}

// isAux reports the words that come between a source and its cue:
// auxiliaries, negations and adverbs ("has also said", "was quoted as",
// "repeatedly claimed").
func isAux(w string) bool {
	switch w {
	case "also", "has", "had", "have", "later", "then", "previously", "once", "recently", "would", "will", "repeatedly", "often",
		"is", "are", "was", "were", "be", "been", "being", "not", "never", "did", "does", "do", "could", "should", "may", "might", "can", "must", "still", "already", "even", "just", "only", "now", "first", "again", "who", "which", "that":
		return true
	}
	return len(w) > 4 && w[len(w)-2:] == "ly"
}
