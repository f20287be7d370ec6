package newsbot

import (
	"regexp"
	"strconv"
	"strings"

	"github.com/newsbot-dev/newsbot/corpus/segment"
)

// The model's reply is checked sentence by sentence against the evidence
// it was given, before any of it reaches a person:
//
//   - a marker [n] must name an evidence sentence that was given; one that
//     does not ([7] when five were given) is removed;
//   - a sentence left without a valid marker is dropped (the policy: every
//     statement the person reads is backed by a cited sentence);
//   - a link that is not the URL of a source the same sentence cites is
//     removed, and Markdown link syntax is reduced to its text;
//   - markers are renumbered in order of first appearance, so the answer's
//     citations are [1], [2], ... with no gaps.

var (
	// markerRE matches one bracketed group of evidence numbers: [2],
	// [1, 3], [1][2] (as two groups), [2-4].
	markerRE = regexp.MustCompile(`\[\s*\d+(?:\s*(?:[,;]|[-–])\s*\d+)*\s*\]`)
	// leadingMarkersRE matches markers (and spaces) at the start of a
	// sentence: they belong to the sentence before ("... said. [2]").
	leadingMarkersRE = regexp.MustCompile(`^(?:\s*\[\s*\d+(?:\s*(?:[,;]|[-–])\s*\d+)*\s*\])+`)
	// markdownLinkRE matches [text](target).
	markdownLinkRE = regexp.MustCompile(`\[([^\[\]]*)\]\(\s*([^()\s]*)\s*\)`)
	// urlRE matches links written out: with a scheme, or starting www.
	urlRE = regexp.MustCompile(`(?i)<?\b(?:[a-z][a-z0-9+.-]*://|www\.)[^\s<>"'\x60\]\[]+>?`)
	// markerSepRE separates the numbers of one marker group.
	markerSepRE = regexp.MustCompile(`\s*[,;]\s*`)
	spacesRE    = regexp.MustCompile(`[ \t]{2,}`)
	// spaceBeforePunctRE matches a space left before punctuation by a removal.
	spaceBeforePunctRE = regexp.MustCompile(` +([.,;:!?])`)
)

// checker validates a reply against numbered evidence and keeps the state
// that must stay stable while a reply streams in: the renumbering.
type checker struct {
	evidence []Evidence  // evidence[n-1] is marker n
	renum    map[int]int // evidence number -> citation number
	order    []int       // evidence numbers in citation order
	removed  Removed
	// stableEnd and stable cache stableText's last result: while a reply
	// streams in, most pieces complete no new sentence.
	stableEnd int
	stable    string
}

// Removed counts what checking took out of a model's reply.
type Removed struct {
	// Markers that named no evidence sentence.
	Markers int
	// Sentences dropped because no valid marker supported them.
	Sentences int
	// Links that were not the URL of a cited source.
	Links int
}

func newChecker(evidence []Evidence) *checker {
	return &checker{evidence: evidence, renum: map[int]int{}}
}

// check returns the checked text of reply. It is deterministic and
// prefix-stable: checking a longer reply whose first sentences are the same
// gives a text that begins with the earlier result, as long as the earlier
// call was given only whole sentences. The checker's counts and numbering
// are those of the last call.
func (c *checker) check(reply string) string {
	c.renum = map[int]int{}
	c.order = c.order[:0]
	c.removed = Removed{}
	var out strings.Builder
	units := splitUnits(reply)
	lastPara := -1
	for _, u := range units {
		s, ok := c.sentence(u.text)
		if !ok {
			continue
		}
		if out.Len() > 0 {
			if u.para != lastPara {
				out.WriteString("\n\n")
			} else {
				out.WriteByte(' ')
			}
		}
		lastPara = u.para
		out.WriteString(s)
	}
	return out.String()
}

type unit struct {
	text string
	para int
}

// splitUnits cuts a reply into sentences, moving markers that open a
// sentence back to the sentence before.
func splitUnits(reply string) []unit {
	var units []unit
	for _, sp := range segment.Sentences(reply) {
		t := reply[sp.Start:sp.End]
		if m := leadingMarkersRE.FindString(t); m != "" && len(units) > 0 {
			units[len(units)-1].text += " " + strings.TrimSpace(m)
			t = strings.TrimSpace(t[len(m):])
			if t == "" {
				continue
			}
		}
		units = append(units, unit{t, sp.Paragraph})
	}
	return units
}

// sentence checks one sentence of the reply; ok is false when it is dropped.
func (c *checker) sentence(s string) (string, bool) {
	// Which evidence does it cite?
	var cited []int
	for _, m := range markerRE.FindAllString(s, -1) {
		for _, n := range markerNumbers(m) {
			if n >= 1 && n <= len(c.evidence) {
				cited = append(cited, n)
			}
		}
	}
	if len(cited) == 0 {
		c.removed.Sentences++
		c.removed.Markers += len(markerRE.FindAllString(s, -1))
		return "", false
	}
	allowed := map[string]bool{}
	for _, n := range cited {
		if u := c.evidence[n-1].URL; u != "" {
			allowed[strings.TrimRight(u, "/")] = true
		}
	}
	// Links first, while markers are still in their original form.
	s = markdownLinkRE.ReplaceAllStringFunc(s, func(m string) string {
		sub := markdownLinkRE.FindStringSubmatch(m)
		if !allowed[strings.TrimRight(sub[2], "/")] && sub[2] != "" {
			c.removed.Links++
		}
		return sub[1]
	})
	s = urlRE.ReplaceAllStringFunc(s, func(u string) string {
		bare := strings.TrimRight(strings.Trim(u, "<>"), ".,;:!?)")
		tail := strings.Trim(u, "<>")[len(bare):]
		if allowed[strings.TrimRight(bare, "/")] {
			return bare + tail
		}
		c.removed.Links++
		return tail
	})
	// Markers: valid ones renumbered, the others removed.
	s = markerRE.ReplaceAllStringFunc(s, func(m string) string {
		var b strings.Builder
		for _, n := range markerNumbers(m) {
			if n < 1 || n > len(c.evidence) {
				c.removed.Markers++
				continue
			}
			k, ok := c.renum[n]
			if !ok {
				k = len(c.order) + 1
				c.renum[n] = k
				c.order = append(c.order, n)
			}
			b.WriteString("[" + strconv.Itoa(k) + "]")
		}
		return b.String()
	})
	s = spacesRE.ReplaceAllString(s, " ")
	s = spaceBeforePunctRE.ReplaceAllString(s, "$1")
	return strings.TrimSpace(s), true
}

// markerNumbers returns the numbers a marker names, ranges expanded (at
// most 20 numbers: a range is a short run of sentences, not a way to cite
// everything).
func markerNumbers(m string) []int {
	m = strings.Trim(m, "[] ")
	var out []int
	for _, part := range markerSepRE.Split(m, -1) {
		lo, hi, isRange := strings.Cut(strings.ReplaceAll(part, "–", "-"), "-")
		a, err := strconv.Atoi(strings.TrimSpace(lo))
		if err != nil {
			continue
		}
		b := a
		if isRange {
			if b, err = strconv.Atoi(strings.TrimSpace(hi)); err != nil || b < a || b-a > 20 {
				b = a
			}
		}
		for n := a; n <= b; n++ {
			out = append(out, n)
		}
	}
	return out
}

// stableText returns the checked text of the sentences of reply that are
// certainly complete: all but the last (which may still grow), and all but
// the last two when the last could be markers that belong to the one before.
func (c *checker) stableText(reply string) string {
	spans := segment.Sentences(reply)
	n := len(spans) - 1
	if n >= 1 {
		last := strings.TrimSpace(reply[spans[n].Start:spans[n].End])
		if strings.HasPrefix(last, "[") {
			n--
		}
	}
	if n <= 0 {
		return ""
	}
	if end := spans[n-1].End; end != c.stableEnd {
		c.stableEnd, c.stable = end, c.check(reply[:end])
	}
	return c.stable
}
