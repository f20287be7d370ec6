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
	parenMarkerRE  = regexp.MustCompile(`\(\s*(\d{1,2}(?:\s*(?:,|;|-|–)\s*\d{1,2})*)\s*\)`)
	linkedMarkerRE = regexp.MustCompile(`\[(\d{1,3})\]\([^()\s]*\)`)
	parenGroupRE   = regexp.MustCompile(`\(\s*((?:\[\d+\][,;\s]*)+)\)`)
	markerGapRE    = regexp.MustCompile(`\]\s*,\s*\[`)

	// Markdown.
	headingRE     = regexp.MustCompile(`^\s{0,3}#{1,6}(?:\s|$)`)
	boldLineRE    = regexp.MustCompile(`^\s*(?:\*\*|__)[^*_]{1,80}(?:\*\*|__)\s*:?\s*$`)
	bulletRE      = regexp.MustCompile(`^\s*(?:[-*•+‣◦]|\d{1,2}[.)]|\(\d{1,2}\)|[a-z][.)])(?:\s+|$)`)
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
	if !strings.ContainsAny(s, "[(") && !strings.Contains(s, "【") && !mentionsSource(s) {
		return s
	}
	// Each style is looked for only where its telltale character is.
	if strings.Contains(s, "【") {
		s = lenticularRE.ReplaceAllString(s, "[$1]")
	}
	if strings.Contains(s, "†") {
		s = daggerRE.ReplaceAllString(s, "[$1]")
	}
	named := mentionsSource(s)
	if strings.Contains(s, "[^") {
		s = footnoteRE.ReplaceAllStringFunc(s, func(m string) string {
			return groupMarkers(footnoteRE.FindStringSubmatch(m)[1])
		})
	}
	if bracketWord(s) {
		s = namedMarkerRE.ReplaceAllStringFunc(s, func(m string) string {
			return groupMarkers(namedMarkerRE.FindStringSubmatch(m)[1])
		})
	}
	if strings.Contains(s, "#") {
		s = hashMarkerRE.ReplaceAllString(s, "[$1]")
	}
	if strings.Contains(s, "](") {
		s = linkedMarkerRE.ReplaceAllString(s, "[$1]")
	}
	inRange := func(list string) bool {
		nums := markerNumbers(strings.NewReplacer("and", ",", "&", ",").Replace(list))
		for _, k := range nums {
			if k < 1 || k > n {
				return false
			}
		}
		return len(nums) > 0
	}
	if strings.Contains(s, "(") {
		s = parenMarkerRE.ReplaceAllStringFunc(s, func(m string) string {
			list := parenMarkerRE.FindStringSubmatch(m)[1]
			if !inRange(list) {
				return m // a parenthesis of the text: "(1987)"
			}
			return groupMarkers(list)
		})
		if strings.Contains(s, "([") {
			s = parenGroupRE.ReplaceAllString(s, "$1")
		}
	}
	if named {
		s = bareMarkerRE.ReplaceAllStringFunc(s, func(m string) string {
			list := bareMarkerRE.FindStringSubmatch(m)[1]
			if !inRange(list) {
				return m
			}
			return groupMarkers(list)
		})
	}
	if !strings.Contains(s, "[") {
		return s
	}
	if strings.Contains(s, "],") {
		s = markerGapRE.ReplaceAllString(s, "][")
	}
	return spaceBeforeMarkers(s)
}

// spaceBeforeMarkers puts a space before a marker that follows a word or
// punctuation of Latin text ("counter-productive[1]"); CJK text keeps its
// markers close.
func spaceBeforeMarkers(s string) string {
	return spaceBeforeMarkersAfter(s, func(r rune) bool {
		return r != ' ' && r != '[' && r != ']' && r != '\n' && (unicode.Is(unicode.Latin, r) || unicode.IsDigit(r) || strings.ContainsRune(".,;:!?”\"’)", r))
	})
}

// spaceBeforeMarkersAfter puts a space before each marker "[n" of s whose
// preceding character r gives after(r).
func spaceBeforeMarkersAfter(s string, after func(r rune) bool) string {
	var b strings.Builder
	last := 0
	for i := 1; i+1 < len(s); i++ {
		if s[i] != '[' || !isDigitByte(s[i+1]) {
			continue
		}
		if r, _ := utf8.DecodeLastRuneInString(s[:i]); !after(r) {
			continue
		}
		b.WriteString(s[last:i])
		b.WriteByte(' ')
		last = i
	}
	if last == 0 {
		return s
	}
	b.WriteString(s[last:])
	return b.String()
}

// mentionsSource reports a text that may name an evidence sentence in
// words: "Source 1", "evidence 2", "sentence 3".
func mentionsSource(s string) bool {
	return strings.Contains(s, "ource") || strings.Contains(s, "vidence") || strings.Contains(s, "entence") ||
		strings.Contains(s, "OURCE") || strings.Contains(s, "VIDENCE")
}

// bracketWord reports a bracket or parenthesis opening on a word that may
// name an evidence sentence: [Source 1], (Ref. 2), [Doc 3].
func bracketWord(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] != '[' && s[i] != '(' {
			continue
		}
		j := i + 1
		for j < len(s) && s[j] == ' ' {
			j++
		}
		if j < len(s) && strings.IndexByte("sSeErRcCdD", s[j]) >= 0 {
			return true
		}
	}
	return false
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
//
// cache, when not nil, keeps the sentences of each block's text, so that
// reading a reply again as it grows reads only its new blocks.
func parseReply(reply string, ev []Evidence, partial bool, cache map[string][]string) []unit {
	var units []unit
	block := 0
	var cur []string // the lines of the current paragraph
	flush := func() {
		if len(cur) == 0 {
			return
		}
		text := strings.Join(cur, " ")
		sents, ok := cache[text]
		if !ok {
			sents = blockSentences(text, len(ev))
			if cache != nil {
				cache[text] = sents
			}
		}
		for _, s := range sents {
			units = append(units, unit{text: s, block: block})
		}
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
		case !open && len(line) < 80 && sourcesHeadRE.MatchString(line):
			// The model's own list of sources: the bot shows its own.
			flush()
			return markLast(units)
		case markupStart(line) && (fenceRE.MatchString(line) || ruleRE.MatchString(line) || tableRE.MatchString(line) ||
			footDefRE.MatchString(line) || headingRE.MatchString(line) || !open && boldLineRE.MatchString(line)),
			!open && isSourceLine(line, ev):
			flush()
			continue
		}
		line = quoteLineRE.ReplaceAllString(line, "")
		if m := bulletRE.FindString(line); m != "" {
			flush()
			item := strings.TrimSpace(line[len(m):])
			if item == "" {
				// An item not begun ("2." where a reply was cut): no
				// sentence, not the number 2.
				continue
			}
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

// markupStart reports a line that begins as Markdown markup may: a fence,
// rule, table, footnote, heading or bold line.
func markupStart(line string) bool {
	t := strings.TrimLeft(line, " \t")
	return t != "" && strings.ContainsRune("`~-*_|[#", rune(t[0]))
}

// isSourceLine reports a line of the model's own source list: a marker
// followed by the outlet, the headline or a link of that evidence sentence.
func isSourceLine(line string, ev []Evidence) bool {
	l := strings.TrimLeft(line, " \t-*•")
	if l == "" || !strings.ContainsRune("[(【", rune(l[0])) && !strings.HasPrefix(l, "【") {
		return false
	}
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

// spaceAfterStop puts a space between a full stop and a marker that
// follows it without one ("said.[2] He"), so that the sentences split.
func spaceAfterStop(s string) string {
	return spaceBeforeMarkersAfter(s, func(r rune) bool { return strings.ContainsRune(".!?。！？", r) })
}

// blockSentences returns the sentences of one block of text, its Markdown
// reduced and its markers as [n] (n evidence sentences given).
func blockSentences(text string, n int) []string {
	if strings.Contains(text, ":") {
		text = answerLabelRE.ReplaceAllString(text, "")
	}
	if strings.HasPrefix(strings.TrimSpace(text), "**") || strings.HasPrefix(strings.TrimSpace(text), "__") {
		text = boldLabelRE.ReplaceAllString(text, "")
	}
	if strings.Contains(text, "![") {
		text = imageRE.ReplaceAllString(text, "")
	}
	text = canonicalMarkers(text, n)
	text = stripEmphasis(text)
	if strings.Contains(text, "[") {
		text = spaceAfterStop(text)
	}
	var out []string
	if m := yesNoOpenRE.FindString(text); m != "" {
		// "No. Clinton said ...": the splitter reads "No." as an
		// abbreviation.
		out = append(out, strings.TrimSpace(m))
		text = text[len(m):]
	}
	for _, sp := range segment.Sentences(text) {
		for _, s := range splitCJK(text[sp.Start:sp.End]) {
			if s = strings.TrimSpace(s); s != "" {
				out = append(out, s)
			}
		}
	}
	return out
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
	if !strings.Contains(s, "。") && !strings.Contains(s, "！") && !strings.Contains(s, "？") {
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
