package attribution

import "strings"

// Token labels: which part of an attribution a token is, the begin (B) and
// inside (I) of each role's chunk.
const (
	lO = iota
	lBSrc
	lISrc
	lBCue
	lICue
	lBCon
	lICon
	nLabels
)

// role of a label: 0 none, 1 source, 2 cue, 3 content.
func role(l uint8) int { return (int(l) + 1) / 2 }

// chunk is a run of tokens [a, b) with one role.
type chunk struct {
	a, b int
	role int
	// sa and sb are the first and last sentence the chunk touches.
	sa, sb int
}

// chunks returns the role chunks of labels, sentence numbers from sents
// (the sentence of each token).
func chunks(labels []uint8, sents []int32, out []chunk) []chunk {
	for i := 0; i < len(labels); {
		r := role(labels[i])
		if r == 0 {
			i++
			continue
		}
		j := i + 1
		for j < len(labels) && role(labels[j]) == r && labels[j]%2 == 0 {
			j++
		}
		out = append(out, chunk{a: i, b: j, role: r, sa: int(sents[i]), sb: int(sents[j-1])})
		i = j
	}
	return out
}

// assemble makes attributions from the labelled tokens: one per cue chunk,
// with its source (picked by sel, else the nearest source chunk of its
// sentence) and the content chunks nearest to it. A cue with no source or
// no content, and a content with no cue near, make no attribution. sc
// holds buffers kept between calls, or is nil.
func assemble(body string, toks []token, labels []uint8, m *Model, sc *scratch) []Attribution {
	var sel, cueSel selector
	if m != nil {
		sel, cueSel = m.sel, m.cueSel
	}
	if sc == nil {
		sc = new(scratch)
	}
	sc.sents = sentencesInto(toks, sc.sents)
	sents := sc.sents
	cs := chunks(labels, sents, sc.chunks[:0])
	sc.chunks = cs
	groups := sc.groups[:0]
	cueGroup := grow(sc.cueGroup, len(cs))
	for k, c := range cs {
		if c.role == 2 {
			cueGroup[k] = int32(len(groups))
			if len(groups) < cap(groups) {
				// Reuse the element, and the array of its contents.
				groups = groups[:len(groups)+1]
				g := &groups[len(groups)-1]
				g.cue, g.srcSpan, g.contents = k, candidate{a: -1}, g.contents[:0]
			} else {
				groups = append(groups, group{cue: k, srcSpan: candidate{a: -1}})
			}
		}
	}
	defer func() { sc.groups, sc.cueGroup = groups, cueGroup }()
	cands := sc.cands[:0]
	defer func() { sc.cands = cands }()
	// A source is the nearest source chunk in the cue's sentence: the
	// one before the cue if any, else the one after.
	for gi := range groups {
		g := &groups[gi]
		if sel != nil {
			cands = sourceCandidates(body, toks, cs, g.cue, cands[:0])
			g.srcSpan = cands[sel.pick(cands, m.srcNone)]
			continue
		}
		c := cs[g.cue]
		best, bestD := -1, 1<<30
		for k := g.cue - 1; k >= 0 && cs[k].sb >= c.sa; k-- {
			if cs[k].role == 1 {
				best, bestD = k, c.a-cs[k].b
				break
			}
		}
		for k := g.cue + 1; k < len(cs) && cs[k].sa <= c.sb; k++ {
			if cs[k].role == 1 {
				// After the cue only when nothing is before, or it is
				// much nearer ("said Mr. Trump" after a quote).
				if d := cs[k].a - c.b; best < 0 || d*4 < bestD {
					best = k
				}
				break
			}
		}
		if best >= 0 {
			g.srcSpan = candidate{a: cs[best].a, b: cs[best].b}
		}
	}
	// Each content chunk goes to the nearest cue of a sentence it touches,
	// else of the sentence before or after it.
	for k, c := range cs {
		if c.role != 3 {
			continue
		}
		if cueSel != nil {
			cands = cueCandidates(body, toks, cs, k, cands[:0])
			if p := cands[cueSel.pick(cands, m.cueNone)]; p.a >= 0 {
				g := &groups[cueGroup[p.a]]
				g.contents = append(g.contents, k)
			}
			continue
		}
		best, bestD := -1, 1<<30
		for _, reach := range [2]int{0, 1} {
			for j := k - 1; j >= 0 && cs[j].sb >= c.sa-reach; j-- {
				if cs[j].role == 2 {
					if d := c.a - cs[j].b; d < bestD {
						best, bestD = j, d
					}
					break
				}
			}
			for j := k + 1; j < len(cs) && cs[j].sa <= c.sb+reach; j++ {
				if cs[j].role == 2 {
					if d := cs[j].a - c.b; d < bestD {
						best, bestD = j, d
					}
					break
				}
			}
			if best >= 0 {
				break
			}
		}
		if best < 0 {
			continue // a content no cue is near: whose, we cannot say
		}
		g := &groups[cueGroup[best]]
		g.contents = append(g.contents, k)
	}
	span := func(c chunk) Span { return Span{int(toks[c.a].start), int(toks[c.b-1].end)} }
	// The spans of all the attributions share one array, each role's
	// slice capped so that appending to it copies.
	n, nspans := 0, 0
	for _, g := range groups {
		if len(g.contents) > 0 && g.srcSpan.a >= 0 {
			n++
			nspans += 2 + len(g.contents)
		}
	}
	if n == 0 {
		return nil
	}
	out := make([]Attribution, 0, n)
	spans := make([]Span, 0, nspans)
	take := func(k int) []Span {
		s := spans[len(spans)-k : len(spans) : len(spans)]
		return s
	}
	for _, g := range groups {
		if len(g.contents) == 0 || g.srcSpan.a < 0 {
			// No content, or no source: says nothing about who said
			// what.
			continue
		}
		var a Attribution
		spans = append(spans, span(cs[g.cue]))
		a.Cue = take(1)
		for _, k := range g.contents {
			spans = append(spans, span(cs[k]))
		}
		a.Content = take(len(g.contents))
		b := extendSource(body, toks, labels, g.srcSpan.a, g.srcSpan.b, g.srcSpan.a >= cs[g.cue].b)
		spans = append(spans, Span{int(toks[g.srcSpan.a].start), int(toks[b-1].end)})
		a.Source = take(1)
		out = append(out, a)
	}
	sortByContent(out)
	resolveSpeakers(body, toks, sents, out)
	return out
}

// group is a cue chunk as assemble makes an attribution of it: its
// source and its contents.
type group struct {
	cue      int       // chunk index
	srcSpan  candidate // the source's tokens; a < 0 for none
	contents []int
}

// sortByContent orders attributions by the start of their content.
func sortByContent(as []Attribution) {
	for i := 1; i < len(as); i++ {
		for j := i; j > 0 && as[j].Content[0].Start < as[j-1].Content[0].Start; j-- {
			as[j], as[j-1] = as[j-1], as[j]
		}
	}
}

// sentences returns the sentence number of each token.
func sentences(toks []token) []int32 { return sentencesInto(toks, nil) }

// sentencesInto is sentences reusing the array of sents.
func sentencesInto(toks []token, sents []int32) []int32 {
	sents = grow(sents, len(toks))
	s := int32(-1)
	for i := range toks {
		if toks[i].sent {
			s++
		}
		sents[i] = s
	}
	return sents
}

// extendSource returns the end of a source [a, b) taken on past words
// that cannot end a noun phrase ("the", "former"), and for a source after
// its cue, over the words up to a comma that no other role has:
// "according to the | fire department, ...".
func extendSource(body string, toks []token, labels []uint8, a, b int, afterCue bool) int {
	for b < len(toks) && b-a < 8 && !toks[b].sent && toks[b].kind == kWord && role(labels[b]) == 0 && (afterCue || isDeterminer(body[toks[b-1].start:toks[b-1].end])) {
		b++
	}
	return b
}

// isDeterminer reports words that lead into a noun: a source ending in
// one has lost its noun.
func isDeterminer(w string) bool {
	switch strings.ToLower(w) {
	case "the", "a", "an", "this", "these", "those", "its", "their", "his", "her", "our", "some", "many", "most", "several", "former", "top", "senior", "other", "one", "two", "three", "state", "federal", "local":
		return true
	}
	return false
}
