package newsbot

import (
	"regexp"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/newsbot-dev/newsbot/corpus/segment"
)

// Reading a reply: after its reasoning is removed (reasoning.go), the reply
// is cut into blocks (paragraphs and list items), its Markdown is reduced to
// plain text (headings, emphasis, rules, tables and the model's own list of
// sources go), the citation styles models use are rewritten as [n], and
// each block is cut into sentences, at CJK sentence ends too.

// unit is one sentence of a reply, as the checker reads it.
type unit struct {
	// text is the sentence with its markers as [n] and no Markdown.
	text string
	// block numbers the paragraph or list item the sentence is in.
	block int
	// last is true for the last sentence of its block.
	last bool
}

var (
	// Citation styles, rewritten as [n].
	lenticularRE   = regexp.MustCompile(`【\s*(\d{1,3})(?:\s*[:：]\s*\d+)?\s*(?:†[^】]*)?】`)
	daggerRE       = regexp.MustCompile(`\[\s*(\d{1,3})\s*†[^\]\n]*\]`)
	footnoteRE     = regexp.MustCompile(`\[\^\s*(\d{1,3}(?:\s*,\s*\^?\s*\d{1,3})*)\s*\]`)
	namedMarkerRE  = regexp.MustCompile(`(?i)[\[(]\s*(?:sources?|evidence|refs?\.?|references?|citations?|sentences?|docs?|documents?)\s*[:#]?\s*#?\s*(\d{1,3}(?:\s*(?:,|;|and|&|-|–)\s*#?\s*\d{1,3})*)\s*[\])]`)
	hashMarkerRE   = regexp.MustCompile(`\[\s*#\s*(\d{1,3})\s*\]`)
	bareMarkerRE   = regexp.MustCompile(`\b(?:[Ss]ources?|[Ee]vidence(?: sentences?)?|[Ss]entences?)\s+#?(\d{1,3}(?:\s*(?:,|and|&)\s*\d{1,3})*)\b`)
	spaceMarkerRE  = regexp.MustCompile(`([\p{Latin}\p{N}.,;:!?”"’)])(\[\d)`)
	parenMarkerRE  = regexp.MustCompile(`\(\s*(\d{1,2}(?:\s*(?:,|;|-|–)\s*\d{1,2})*)\s*\)`)
	linkedMarkerRE = regexp.MustCompile(`\[(\d{1,3})\]\([^()\s]*\)`)
	parenGroupRE   = regexp.MustCompile(`\(\s*((?:\[\d+\][,;\s]*)+)\)`)
	markerGapRE    = regexp.MustCompile(`\]\s*,\s*\[`)
	punctMarkerRE  = regexp.MustCompile(`([.!?。！？])(\[\d)`)

	// Markdown.
	headingRE     = regexp.MustCompile(`^\s{0,3}#{1,6}(?:\s|$)`)
	boldLineRE    = regexp.MustCompile(`^\s*(?:\*\*|__)[^*_]{1,80}(?:\*\*|__)\s*:?\s*$`)
	bulletRE      = regexp.MustCompile(`^\s*(?:[-*•+‣◦]|\d{1,2}[.)]|\(\d{1,2}\)|[a-z][.)])\s+`)
	ruleRE        = regexp.MustCompile(`^\s*(?:[-*_]\s*){3,}$`)
	tableRE       = regexp.MustCompile(`^\s*\|`)
	fenceRE       = regexp.MustCompile("^\\s*(?:```|~~~)")
	quoteLineRE   = regexp.MustCompile(`^\s*>\s?`)
	sourcesHeadRE = regexp.MustCompile(`(?i)^\s*(?:#+\s*)?(?:\*\*|__)?\s*(?:sources?|references?|citations?|bibliography|works cited|cited sources|sources used|evidence used|evidence cited)\s*(?:\*\*|__)?\s*:?\s*(?:\*\*|__)?\s*(?:(?:\[\d+\][,;\s]*)*)$`)
	footDefRE     = regexp.MustCompile(`^\s*\[\^?\d+\]\s*:`)
	boldLabelRE   = regexp.MustCompile(`^\s*(?:\*\*|__)[^*_\n]{1,40}(?::\s*(?:\*\*|__)|(?:\*\*|__)\s*:)\s*`)
	answerLabelRE = regexp.MustCompile(`(?i)^\s*(?:\*\*|__)?\s*(?:final\s+)?answer\s*(?:\*\*|__)?\s*:\s*(?:\*\*|__)?\s*`)
	imageRE       = regexp.MustCompile(`!\[[^\]]*\]\([^)]*\)`)
	boldRE        = regexp.MustCompile(`\*\*([^*\n]+)\*\*|__([^_\n]+)__|~~([^~\n]+)~~`)
	italicRE      = regexp.MustCompile(`(^|[\s(“"'])[*_]([^*_\s][^*_\n]*?[^*_\s]|[^*_\s])[*_]([\s).,;:!?”"']|$)`)
	codeRE        = regexp.MustCompile("`([^`\n]+)`")

	// yesNoOpenRE is a bare yes or no opening a paragraph.
	yesNoOpenRE = regexp.MustCompile(`(?i)^\s*(?:yes|no)[.!]\s+`)

	// ellipsisRE splits a quotation into the parts that must be verbatim.
	ellipsisRE = regexp.MustCompile(`\s*(?:\.\s?\.\s?\.|…|\[\s*(?:\.\.\.|…)\s*\])\s*`)
)

// canonicalMarkers rewrites the citation styles models write as [n]:
// [^1], 【1】, 【1†source】, [1†source], (Source 1), [Source 1], [Sources 1,
// 2], [#1], [1](url), ([1]), and (1) or (1, 3) when every number names an
// evidence sentence (1 to n; otherwise it is a parenthesis of the text).
func canonicalMarkers(s string, n int) string {
	if !strings.ContainsAny(s, "[(【") && !strings.Contains(s, "ource") && !strings.Contains(s, "vidence") && !strings.Contains(s, "entence") {
		return s
	}
	s = lenticularRE.ReplaceAllString(s, "[$1]")
	s = daggerRE.ReplaceAllString(s, "[$1]")
	s = footnoteRE.ReplaceAllStringFunc(s, func(m string) string {
		return groupMarkers(footnoteRE.FindStringSubmatch(m)[1])
	})
	s = namedMarkerRE.ReplaceAllStringFunc(s, func(m string) string {
		return groupMarkers(namedMarkerRE.FindStringSubmatch(m)[1])
	})
	s = hashMarkerRE.ReplaceAllString(s, "[$1]")
	s = linkedMarkerRE.ReplaceAllString(s, "[$1]")
	s = parenMarkerRE.ReplaceAllStringFunc(s, func(m string) string {
		nums := markerNumbers(parenMarkerRE.FindStringSubmatch(m)[1])
		if len(nums) == 0 {
			return m
		}
		for _, k := range nums {
			if k < 1 || k > n {
				return m
			}
		}
		return groupMarkers(parenMarkerRE.FindStringSubmatch(m)[1])
	})
	s = bareMarkerRE.ReplaceAllStringFunc(s, func(m string) string {
		sub := bareMarkerRE.FindStringSubmatch(m)
		for _, k := range markerNumbers(strings.NewReplacer("and", ",", "&", ",").Replace(sub[1])) {
			if k < 1 || k > n {
				return m
			}
		}
		return groupMarkers(sub[1])
	})
	s = parenGroupRE.ReplaceAllString(s, "$1")
	s = markerGapRE.ReplaceAllString(s, "][")
	s = spaceMarkerRE.ReplaceAllString(s, "$1 $2")
	return s
}

// groupMarkers writes the numbers of a list ("1, 3", "2-4", "^1, ^2") as
// [1][3], [2][3][4], [1][2].
func groupMarkers(list string) string {
	list = strings.NewReplacer("^", "", "#", "", "and", ",", "&", ",").Replace(list)
	var b strings.Builder
	for _, k := range markerNumbers(list) {
		b.WriteString("[" + strconv.Itoa(k) + "]")
	}
	return b.String()
}

// parseReply cuts a reply (without reasoning) into sentences. ev is the
// evidence the reply cites, for telling a line of the model's own list of
// sources from a sentence. partial says the reply is still arriving: its
// last line may grow, so it is read only for what its start decides (a
// list item, a heading), and held back whole when it starts with a marker
// (it may be a line of a source list).
func parseReply(reply string, ev []Evidence, partial bool) []unit {
	var units []unit
	block := 0
	var cur []string // the lines of the current paragraph
	flush := func() {
		if len(cur) == 0 {
			return
		}
		units = appendBlock(units, strings.Join(cur, " "), block, len(ev))
		block++
		cur = cur[:0]
	}
	lines := strings.Split(reply, "\n")
	for li, line := range lines {
		line = strings.TrimRight(line, " \t\r")
		open := partial && li == len(lines)-1 // the line may grow
		switch {
		case strings.TrimSpace(line) == "":
			flush()
			continue
		case open && leadingMarkersRE.MatchString(canonicalMarkers(strings.TrimLeft(line, " \t-*•"), len(ev))):
			flush()
			continue
		case !open && sourcesHeadRE.MatchString(line):
			// The model's own list of sources: the bot shows its own.
			flush()
			return markLast(units)
		case fenceRE.MatchString(line), ruleRE.MatchString(line), tableRE.MatchString(line),
			footDefRE.MatchString(line), headingRE.MatchString(line),
			!open && boldLineRE.MatchString(line), !open && isSourceLine(line, ev):
			flush()
			continue
		}
		line = quoteLineRE.ReplaceAllString(line, "")
		if m := bulletRE.FindString(line); m != "" {
			flush()
			item := strings.TrimSpace(line[len(m):])
			if !open {
				item = endSentence(item)
			}
			cur = append(cur, item)
			flush()
			continue
		}
		cur = append(cur, strings.TrimSpace(line))
		if !open && strings.HasSuffix(line, ":") {
			// "Here is what the coverage says:" ends its paragraph.
			flush()
		}
	}
	flush()
	return markLast(units)
}

// isSourceLine reports a line of the model's own source list: a marker
// followed by the outlet, the headline or a link of that evidence sentence.
func isSourceLine(line string, ev []Evidence) bool {
	l := strings.TrimLeft(line, " \t-*•")
	l = canonicalMarkers(l, len(ev))
	m := leadingMarkersRE.FindString(l)
	if m == "" {
		return false
	}
	rest := strings.TrimLeft(l[len(m):], " :-–—.")
	rest = strings.Trim(rest, "*_ ")
	if strings.HasPrefix(rest, "http") || strings.HasPrefix(rest, "www.") {
		return true
	}
	for _, k := range markerNumbers(m) {
		if k < 1 || k > len(ev) {
			continue
		}
		e := ev[k-1]
		if e.Title != "" && strings.Contains(strings.ToLower(rest), strings.ToLower(e.Title)) {
			return true
		}
		if e.Outlet != "" && hasPrefixFold(rest, strings.ToLower(e.Outlet)) {
			after := strings.TrimSpace(rest[len(e.Outlet):])
			if after == "" || strings.ContainsAny(after[:1], ",–—-:(|\"“") {
				return true
			}
		}
		if hasPrefixFold(rest, "unknown outlet") || hasPrefixFold(rest, "one report") && len(rest) < 40 {
			return true
		}
	}
	return false
}

// endSentence gives a list item that lacks one a full stop, so that items
// read as sentences once the list is gone.
func endSentence(s string) string {
	bare := strings.TrimRight(markerTailRE.ReplaceAllString(s, ""), " ")
	r, _ := utf8.DecodeLastRuneInString(bare)
	if r == utf8.RuneError || strings.ContainsRune(".!?。！？:;…", r) {
		return s
	}
	return s + "."
}

var markerTailRE = regexp.MustCompile(`(?:\s*\[\d+\])+\s*$`)

// appendBlock adds the sentences of one block of text.
func appendBlock(units []unit, text string, block, n int) []unit {
	text = answerLabelRE.ReplaceAllString(text, "")
	text = boldLabelRE.ReplaceAllString(text, "")
	text = imageRE.ReplaceAllString(text, "")
	text = canonicalMarkers(text, n)
	text = stripEmphasis(text)
	text = punctMarkerRE.ReplaceAllString(text, "$1 $2")
	if m := yesNoOpenRE.FindString(text); m != "" {
		// "No. Clinton said ...": the splitter reads "No." as an
		// abbreviation.
		units = append(units, unit{text: strings.TrimSpace(m), block: block})
		text = text[len(m):]
	}
	for _, sp := range segment.Sentences(text) {
		for _, s := range splitCJK(text[sp.Start:sp.End]) {
			if s = strings.TrimSpace(s); s != "" {
				units = append(units, unit{text: s, block: block})
			}
		}
	}
	return units
}

// stripEmphasis reduces bold, italics, strike-through and inline code to
// their text.
func stripEmphasis(s string) string {
	if !strings.ContainsAny(s, "*_~`") {
		return s
	}
	s = boldRE.ReplaceAllString(s, "$1$2$3")
	for range 2 { // adjacent spans share a delimiter's neighbour
		s = italicRE.ReplaceAllString(s, "$1$2$3")
	}
	s = codeRE.ReplaceAllString(s, "$1")
	return strings.NewReplacer("**", "", "__", "").Replace(s)
}

// splitCJK cuts a sentence after each CJK full stop, question or
// exclamation mark (and the closing quotes or brackets after it), which
// the sentence splitter, made for newswire English, does not.
func splitCJK(s string) []string {
	if !strings.ContainsAny(s, "。！？") {
		return []string{s}
	}
	var out []string
	start := 0
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		if r != '。' && r != '！' && r != '？' {
			continue
		}
		for i < len(s) {
			r2, s2 := utf8.DecodeRuneInString(s[i:])
			if !strings.ContainsRune("」』”）)\"’", r2) {
				break
			}
			i += s2
		}
		out = append(out, s[start:i])
		start = i
	}
	if start < len(s) {
		out = append(out, s[start:])
	}
	return out
}

// markLast marks the last sentence of each block.
func markLast(units []unit) []unit {
	for i := range units {
		units[i].last = i+1 == len(units) || units[i+1].block != units[i].block
	}
	return units
}

// isLowerStart reports whether s begins with a lower-case letter.
func isLowerStart(s string) bool {
	r, _ := utf8.DecodeRuneInString(s)
	return unicode.IsLower(r)
}
