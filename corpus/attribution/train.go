package attribution

import (
	"math"
	"math/rand/v2"
	"strconv"
)

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

// Train learns a model from examples. The tagger: the cue lexicon, then
// the averaged perceptron's weights, each example's tokens labelled
// greedily with the weights so far and every wrong label corrected. The
// source selector: trained on the output of taggers trained on two thirds
// of the examples and run on the other third, so that it learns from the
// tagger's mistakes as they are on articles it has not seen.
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
	docs := make([]doc, len(examples))
	for i, ex := range examples {
		d := &docs[i]
		d.body, d.gold, d.toks = ex.Body, ex.Gold, tokenize(ex.Body, nil)
		d.labels = goldLabels(d.toks, ex.Gold)
	}
	const inner = 3
	var inst, cueInst [][]candidate
	var right, cueRight []int
	var tagged []taggedDoc
	var instFold, cueInstFold []int
	for f := 0; f < inner; f++ {
		var tr, held []doc
		for i, d := range docs {
			if i%inner == f {
				held = append(held, d)
			} else {
				tr = append(tr, d)
			}
		}
		m := trainTagger(tr, opt)
		for _, d := range held {
			in, r, cin, cr, labels := selectorInstances(m, d)
			tagged = append(tagged, taggedDoc{d, labels, f})
			inst, right = append(inst, in...), append(right, r...)
			cueInst, cueRight = append(cueInst, cin...), append(cueRight, cr...)
			for range in {
				instFold = append(instFold, f)
			}
			for range cin {
				cueInstFold = append(cueInstFold, f)
			}
		}
	}
	m := trainTagger(docs, opt)
	m.sel = trainSelector(inst, right, 10)
	m.cueSel = trainSelector(cueInst, cueRight, 10)
	// The operating point is judged with selectors that did not learn
	// from the documents they are judged on: on its own instances a
	// selector looks surer than it is.
	var folds [inner][2]selector
	for f := range folds {
		keep := func(in [][]candidate, r, fold []int) ([][]candidate, []int) {
			var ki [][]candidate
			var kr []int
			for i := range in {
				if fold[i] != f {
					ki, kr = append(ki, in[i]), append(kr, r[i])
				}
			}
			return ki, kr
		}
		si, sr := keep(inst, right, instFold)
		ci, cr := keep(cueInst, cueRight, cueInstFold)
		folds[f] = [2]selector{trainSelector(si, sr, 10), trainSelector(ci, cr, 10)}
	}
	m.srcNone, m.cueNone = operatingPoint(m, tagged, folds[:], margin(m.sel, inst), margin(m.cueSel, cueInst))
	return m
}

// doc is an example prepared for training.
type doc struct {
	body   string
	gold   []Attribution
	toks   []token
	labels []uint8 // the gold labels
}

// selectorInstances tags d with m and returns the instances of the two
// selectors. For the source selector: each cue chunk found that is a gold
// cue whose source is among the candidates (or which has none), with the
// index of the right candidate. For the cue selector: each content chunk
// found, with the cue of the gold attribution whose content it matches (as
// the scorer matches), or none when it matches none.
func selectorInstances(m *Model, d doc) (inst [][]candidate, right []int, cueInst [][]candidate, cueRight []int, labels []uint8) {
	feats := make([]uint32, len(d.toks)*nStatic)
	staticFeatures(d.body, d.toks, m.cues, m.bits, feats, nil, false)
	labels = make([]uint8, len(d.toks))
	m.tag(d.toks, feats, labels, nil)
	sents := sentences(d.toks)
	cs := chunks(labels, sents, nil)
	for k, c := range cs {
		if c.role != 2 {
			continue
		}
		cue := []Span{{int(d.toks[c.a].start), int(d.toks[c.b-1].end)}}
		gi := -1
		for i, g := range d.gold {
			if overlap(g.Cue, cue) > 0 {
				gi = i
				break
			}
		}
		cands := sourceCandidates(d.body, d.toks, cs, k, nil)
		r := -1
		if gi < 0 || len(d.gold[gi].Source) == 0 {
			r = 0
		} else {
			for i, cd := range cands[1:] {
				if overlap(d.gold[gi].Source, []Span{{int(d.toks[cd.a].start), int(d.toks[cd.b-1].end)}}) > 0 {
					r = i + 1
					break
				}
			}
		}
		if r >= 0 {
			inst, right = append(inst, cands), append(right, r)
		}
	}
	span := func(c chunk) []Span { return []Span{{int(d.toks[c.a].start), int(d.toks[c.b-1].end)}} }
	for k, c := range cs {
		if c.role != 3 {
			continue
		}
		content := span(c)
		gi, best := -1, 0
		for i, g := range d.gold {
			ov := overlap(g.Content, content)
			if ov > best && float64(ov) >= 0.5*float64(min(length(g.Content), length(content))) {
				gi, best = i, ov
			}
		}
		cands := cueCandidates(d.body, d.toks, cs, k, nil)
		r := -1
		if gi < 0 {
			r = 0
		} else {
			for i, cd := range cands[1:] {
				if overlap(d.gold[gi].Cue, span(cs[cd.a])) > 0 {
					r = i + 1
					break
				}
			}
		}
		if r >= 0 {
			cueInst, cueRight = append(cueInst, cands), append(cueRight, r)
		}
	}
	return inst, right, cueInst, cueRight, labels
}

// taggedDoc is a training document with the labels of a tagger that was
// not trained on it.
type taggedDoc struct {
	doc
	labels []uint8
	fold   int // the inner fold it was held out of
}

// operatingPoint picks the selectors' offsets for none: on the tagged
// documents (the training examples, each tagged by a tagger trained
// without it, and assembled by selectors trained without it: folds, by
// the documents' inner fold), those that clear the targets for content F1 (0.70),
// source accuracy (0.85) and attribution F1 (0.60) with the widest margin
// (the largest smallest margin): the selectors trade content recall for
// sure sources, and this is the trade the targets ask for. First the
// source selector's offset, then the cue selector's.
// The offsets tried are multiples of each selector's mean margin between
// none and the best other candidate.
func operatingPoint(m *Model, tagged []taggedDoc, folds [][2]selector, srcScale, cueScale float32) (srcNone, cueNone float32) {
	gold, bodies := map[string][]Attribution{}, map[string]string{}
	for i, d := range tagged {
		id := strconv.Itoa(i)
		gold[id], bodies[id] = d.gold, d.body
	}
	eval := func(s, c float32) float64 {
		pred := map[string][]Attribution{}
		for i, d := range tagged {
			mm := *m
			mm.sel, mm.cueSel = folds[d.fold][0], folds[d.fold][1]
			mm.srcNone, mm.cueNone = s, c
			pred[strconv.Itoa(i)] = assemble(d.body, d.toks, d.labels, &mm, nil)
		}
		sc := Score(gold, pred, bodies)
		return min(sc.ContentF1-0.70, sc.SourceAccuracy-0.85, sc.AttributionF1-0.60)
	}
	grid := []float32{-1, -0.5, -0.25, -0.125, 0, 0.125, 0.25, 0.5, 1}
	best := eval(0, 0)
	for _, g := range grid {
		if v := eval(g*srcScale, 0); v > best {
			best, srcNone = v, g*srcScale
		}
	}
	for _, g := range grid {
		if v := eval(srcNone, g*cueScale); v > best {
			best, cueNone = v, g*cueScale
		}
	}
	return srcNone, cueNone
}

// margin is the mean over instances of the absolute difference between
// the score of none and that of the best other candidate.
func margin(s selector, inst [][]candidate) float32 {
	var sum float64
	n := 0
	for _, cands := range inst {
		if len(cands) < 2 {
			continue
		}
		score := func(c candidate) float32 {
			var v float32
			for _, f := range c.feats {
				v += s[f]
			}
			return v
		}
		none, best := score(cands[0]), float32(math.Inf(-1))
		for _, c := range cands[1:] {
			best = max(best, score(c))
		}
		sum += math.Abs(float64(best - none))
		n++
	}
	if n == 0 {
		return 1
	}
	return float32(sum / float64(n))
}

// trainTagger trains the tagger's lexicon and weights on docs.
func trainTagger(docs []doc, opt TrainOptions) *Model {
	inCue, seen := map[uint64]int{}, map[uint64]int{}
	for _, d := range docs {
		for j, t := range d.toks {
			seen[t.h]++
			if role(d.labels[j]) == 2 && t.kind == kWord {
				inCue[t.h]++
			}
		}
	}
	lexicon, strong := map[uint64]bool{}, map[uint64]bool{}
	for h, n := range inCue {
		if n >= opt.MinCue && float64(n) >= opt.MinCueShare*float64(seen[h]) {
			lexicon[h] = true
			if 3*n >= seen[h] {
				strong[h] = true
			}
		}
	}
	feats := make([][]uint32, len(docs))
	pred := make([][]uint8, len(docs))
	cues := newWordSet(lexicon, strong)
	for i, d := range docs {
		feats[i] = make([]uint32, len(d.toks)*nStatic)
		staticFeatures(d.body, d.toks, cues, opt.Bits, feats[i], nil, false)
		pred[i] = make([]uint8, len(d.toks))
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
			d, labels := &docs[di], pred[di]
			var roles uint64
			for i := range d.toks {
				if d.toks[i].sent {
					roles = 0
				}
				copy(fs[:nStatic], feats[di][i*nStatic:(i+1)*nStatic])
				dynamicFeatures(d.toks, labels, i, roles, opt.Bits, fs[nStatic:])
				var score [nLabels]float32
				for _, f := range fs {
					ws := w[int(f)*stride:]
					for l := range score {
						score[l] += ws[l]
					}
				}
				prev := prevLabel(labels, i)
				p := best(score[:], prev)
				g := d.labels[i]
				if !allowed(prev, g) {
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
				labels[i] = p
				roles |= 1 << role(p)
				t++
			}
		}
	}
	for i := range w {
		w[i] -= u[i] / t
	}
	return NewModel(opt.Bits, lexicon, strong, w)
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

// OperatingPoint returns the offsets Train picked for the selectors'
// none (see operatingPoint), for the training report.
func (m *Model) OperatingPoint() (srcNone, cueNone float32) { return m.srcNone, m.cueNone }
