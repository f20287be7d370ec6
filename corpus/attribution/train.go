package attribution

import "math/rand/v2"

// Example is an article with its hand-annotated attributions, for Train.
type Example struct {
	Body string
	Gold []Attribution
}

// TrainOptions are Train's settings; the zero value is the defaults.
type TrainOptions struct {
	// Bits is the log2 of the number of feature buckets: 18 if 0.
	Bits uint
	// Epochs is the number of passes over the examples: 8 if 0.
	Epochs int
	// Seed orders the passes.
	Seed uint64
	// MinCue and MinCueShare make the cue lexicon: the words inside gold
	// cues at least MinCue times (3 if 0) and in at least MinCueShare of
	// their occurrences (0.05 if 0).
	MinCue      int
	MinCueShare float64
}

// Train learns a model from examples: the cue lexicon, then the averaged
// perceptron's weights, each example's tokens labelled greedily with the
// weights so far and every wrong label corrected.
func Train(examples []Example, opt TrainOptions) *Model {
	if opt.Bits == 0 {
		opt.Bits = 18
	}
	if opt.Epochs == 0 {
		opt.Epochs = 8
	}
	if opt.MinCue == 0 {
		opt.MinCue = 3
	}
	if opt.MinCueShare == 0 {
		opt.MinCueShare = 0.05
	}
	type doc struct {
		body   string
		toks   []token
		gold   []uint8
		feats  []uint32
		labels []uint8
	}
	docs := make([]doc, len(examples))
	inCue, seen := map[uint64]int{}, map[uint64]int{}
	for i, ex := range examples {
		d := &docs[i]
		d.body, d.toks = ex.Body, tokenize(ex.Body, nil)
		d.gold = goldLabels(d.toks, ex.Gold)
		d.labels = make([]uint8, len(d.toks))
		for j, t := range d.toks {
			seen[t.h]++
			if role(d.gold[j]) == 2 && t.kind == kWord {
				inCue[t.h]++
			}
		}
	}
	lexicon := map[uint64]bool{}
	for h, n := range inCue {
		if n >= opt.MinCue && float64(n) >= opt.MinCueShare*float64(seen[h]) {
			lexicon[h] = true
		}
	}
	for i := range docs {
		d := &docs[i]
		d.feats = make([]uint32, len(d.toks)*nStatic)
		staticFeatures(d.body, d.toks, lexicon, opt.Bits, d.feats)
	}
	size := (1 << opt.Bits) * stride
	w := make([]float32, size)
	u := make([]float32, size) // the sum of t*update, for averaging
	t := float32(1)
	rng := rand.New(rand.NewPCG(opt.Seed, 0x5eed))
	order := make([]int, len(docs))
	for i := range order {
		order[i] = i
	}
	var fs [nFeatures]uint32
	for epoch := 0; epoch < opt.Epochs; epoch++ {
		rng.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
		for _, di := range order {
			d := &docs[di]
			var roles uint64
			for i := range d.toks {
				if d.toks[i].sent {
					roles = 0
				}
				copy(fs[:nStatic], d.feats[i*nStatic:(i+1)*nStatic])
				dynamicFeatures(d.toks, d.labels, i, roles, opt.Bits, fs[nStatic:])
				var score [nLabels]float32
				for _, f := range fs {
					ws := w[int(f)*stride:]
					for l := range score {
						score[l] += ws[l]
					}
				}
				p := best(score[:], prevLabel(d.labels, i))
				g := d.gold[i]
				if !allowed(prevLabel(d.labels, i), g) {
					// The gold continues a chunk the tagger did not
					// start: learn to start one.
					g = g - 1
				}
				if p != g {
					for _, f := range fs {
						w[int(f)*stride+int(g)]++
						w[int(f)*stride+int(p)]--
						u[int(f)*stride+int(g)] += t
						u[int(f)*stride+int(p)] -= t
					}
				}
				d.labels[i] = p
				roles |= 1 << role(p)
				t++
			}
		}
	}
	for i := range w {
		w[i] -= u[i] / t
	}
	return NewModel(opt.Bits, lexicon, w)
}

// goldLabels labels tokens from gold attributions: content first, then
// sources and cues over it (a nested attribution's source and cue inside
// another's content); a token belongs to a span when most of it is inside.
func goldLabels(toks []token, gold []Attribution) []uint8 {
	labels := make([]uint8, len(toks))
	mark := func(ss []Span, b uint8) {
		for _, s := range ss {
			first := true
			for i, t := range toks {
				mid := (int(t.start) + int(t.end)) / 2
				if mid < s.Start || mid >= s.End {
					continue
				}
				if first {
					labels[i] = b
					first = false
				} else {
					labels[i] = b + 1
				}
			}
		}
	}
	for _, a := range gold {
		mark(a.Content, lBCon)
	}
	for _, a := range gold {
		mark(a.Source, lBSrc)
		mark(a.Cue, lBCue)
	}
	return labels
}
