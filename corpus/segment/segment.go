// Package segment splits text into sentences, each with its byte range and
// paragraph, by rules written for English newswire. It is a leaf, with no
// dependency beyond the standard library: the sentence index splits
// articles with it, and the answering core splits a model's reply with it
// to check each sentence.
package segment

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Span is one sentence of a text: its byte range [Start, End) in the text, and the
// number (from 0) of the paragraph it belongs to.
type Span struct{ Start, End, Paragraph int }

// Sentences splits text into sentences. Spans are in order, do not overlap, never
// include leading or trailing whitespace, and never cross a paragraph break.
//
// A blank line always ends a paragraph. A single line break inside a
// paragraph is read as a space, so a sentence wrapped over lines stays whole;
// when a sentence ends at a line break, the next sentence starts a new
// paragraph, because news text often puts one paragraph per line. In general
// a sentence starts a new paragraph exactly when the whitespace before it
// holds a line break.
//
// The rules are hand-written for English newswire (abbreviations, initials,
// numbers, quotations, ellipses, lists, URLs); the text is never rewritten,
// so text[s.Start:s.End] is the sentence verbatim.
func Sentences(text string) []Span {
	s := sentenceSplitter{t: text, out: make([]Span, 0, len(text)/128+1)}
	s.run()
	return s.out
}

// sentenceSplitter holds the state of one pass over a text. Sentences are
// found in a single left-to-right scan: ordinary bytes cost one table
// lookup, and the rules look around only at the few bytes that can end a
// sentence.
type sentenceSplitter struct {
	t       string
	out     []Span
	start   int // where the current sentence began (may point at whitespace)
	prevEnd int // end of the last emitted sentence
	para    int

	// The last list marker seen in the current blank-line paragraph, so that
	// "1) a 2) b" splits before "2)" but "March 1. The" does not start a list.
	listN     int
	listStyle byte

	// The current sentence holds only whitespace and bullets in
	// [start, lead); content at lead if leadDone. It spares emptyBefore from
	// rescanning, which would be quadratic on a text of bullets.
	lead     int
	leadDone bool
}

// Byte classes for the hot loop: only these bytes make the scanner stop.
var special = [256]bool{
	'.': true, '?': true, '!': true, ')': true,
	'\n': true, '\r': true,
	0xC2: true, // U+0085 NEL (a line break); also NBSP and °, cheap to reject
	0xE2: true, // …, bullets, U+2028/U+2029, curly quotes
}

// List marker styles.
const (
	styleDot      = '.' // "1." "a."
	styleParen    = ')' // "1)" "a)"
	styleDotParen = 'D' // "1.)"
)

// run scans the whole text, emitting sentences as their ends are decided.
func (s *sentenceSplitter) run() {
	t := s.t
	n := len(t)
	i := 0
	for i < n {
		c := t[i]
		if !special[c] {
			i++
			continue
		}
		switch c {
		case '.':
			if next, ok := s.listMarker(i); ok {
				i = next
				continue
			}
			i = s.terminator(i)
		case '?', '!':
			i = s.terminator(i)
		case ')':
			if next, ok := s.listMarker(i); ok {
				i = next
				continue
			}
			i++
		case '\n', '\r':
			i = s.lineBreak(i)
		case 0xC2:
			if i+1 < n && t[i+1] == 0x85 {
				i = s.lineBreak(i)
			} else {
				i++
			}
		case 0xE2:
			i = s.e2(i)
		default:
			i++
		}
	}
	s.emit(s.start, n)
}

// e2 handles the three-byte runes starting with 0xE2 that matter: the
// ellipsis, bullets and the Unicode line and paragraph separators.
func (s *sentenceSplitter) e2(i int) int {
	t := s.t
	if i+2 >= len(t) {
		return i + 1
	}
	b1, b2 := t[i+1], t[i+2]
	switch {
	case b1 == 0x80 && b2 == 0xA6: // … HORIZONTAL ELLIPSIS
		return s.terminator(i)
	case b1 == 0x80 && (b2 == 0xA8 || b2 == 0xA9): // U+2028, U+2029
		return s.lineBreak(i)
	case isBullet(t, i):
		// A bullet after whitespace starts a list item: "• 9. a • 10. b".
		if i == 0 || lastSpaceLen(t, i) > 0 {
			if !s.emptyBefore(i) {
				s.emit(s.start, i)
				s.start = i
			}
		}
		return i + 3
	}
	// Continuation bytes are not special: step one byte, so invalid UTF-8
	// cannot make the scan skip a line break or a period.
	return i + 1
}

// isBullet reports whether a list bullet rune starts at i.
func isBullet(t string, i int) bool {
	if i+2 >= len(t) || t[i] != 0xE2 {
		return false
	}
	switch t[i+1] {
	case 0x80:
		return t[i+2] == 0xA2 || t[i+2] == 0xA3 // • ‣
	case 0x81:
		return t[i+2] == 0x83 // ⁃
	case 0x96:
		return t[i+2] == 0xAA // ▪
	case 0x97:
		return t[i+2] == 0xA6 || t[i+2] == 0x8F // ◦ ●
	}
	return false
}

// lineBreak handles the line break at i: a blank line (or U+2029) ends the
// paragraph, and a line starting with a dash or star bullet starts a list
// item. Any other line break is just whitespace inside the sentence.
func (s *sentenceSplitter) lineBreak(i int) int {
	t := s.t
	n := len(t)
	l, para := breakLen(t, i)
	j := i + l
	k := j
	blank := para
	for !blank && k < n {
		if bl, _ := breakLen(t, k); bl > 0 {
			blank = true
			break
		}
		sl := spaceLen(t, k)
		if sl == 0 {
			break
		}
		k += sl
	}
	if blank {
		s.emit(s.start, i)
		s.start = j
		s.listN, s.listStyle = 0, 0
		return j
	}
	if k >= n {
		return k
	}
	// "- item", "* item", "– item" at the start of a line.
	dash := 0
	switch {
	case t[k] == '-' || t[k] == '*':
		dash = 1
	case k+2 < n && t[k] == 0xE2 && t[k+1] == 0x80 && (t[k+2] == 0x93 || t[k+2] == 0x94):
		dash = 3
	}
	if dash > 0 && k+dash < n && spaceLen(t, k+dash) > 0 {
		s.emit(s.start, i)
		s.start = k
		return k + dash
	}
	return j
}

// breakLen returns the byte length of the line break at i (0 if none) and
// whether it is a paragraph separator (U+2029).
func breakLen(t string, i int) (int, bool) {
	switch t[i] {
	case '\n':
		return 1, false
	case '\r':
		if i+1 < len(t) && t[i+1] == '\n' {
			return 2, false
		}
		return 1, false
	case 0xC2:
		if i+1 < len(t) && t[i+1] == 0x85 {
			return 2, false
		}
	case 0xE2:
		if i+2 < len(t) && t[i+1] == 0x80 {
			switch t[i+2] {
			case 0xA8:
				return 3, false
			case 0xA9:
				return 3, true
			}
		}
	}
	return 0, false
}

// spaceLen returns the byte length of the whitespace rune (unicode.IsSpace)
// at i, or 0. It avoids decoding for the common ASCII cases.
func spaceLen(t string, i int) int {
	c := t[i]
	if c < utf8.RuneSelf {
		switch c {
		case ' ', '\t', '\n', '\v', '\f', '\r':
			return 1
		}
		return 0
	}
	if c != 0xC2 && c != 0xE1 && c != 0xE2 && c != 0xE3 {
		return 0
	}
	r, size := utf8.DecodeRuneInString(t[i:])
	if unicode.IsSpace(r) {
		return size
	}
	return 0
}

// lastSpaceLen returns the byte length of the whitespace rune ending at i
// (just before t[i]), or 0.
func lastSpaceLen(t string, i int) int {
	if i <= 0 {
		return 0
	}
	c := t[i-1]
	if c < utf8.RuneSelf {
		switch c {
		case ' ', '\t', '\n', '\v', '\f', '\r':
			return 1
		}
		return 0
	}
	r, size := utf8.DecodeLastRuneInString(t[:i])
	if unicode.IsSpace(r) {
		return size
	}
	return 0
}

// emit records the sentence t[a:b] without its surrounding whitespace. The
// sentence starts a new paragraph when the gap since the previous one holds
// a line break.
func (s *sentenceSplitter) emit(a, b int) {
	t := s.t
	for a < b {
		l := spaceLen(t, a)
		if l == 0 {
			break
		}
		a += l
	}
	for b > a {
		l := lastSpaceLen(t, b)
		if l == 0 {
			break
		}
		b -= l
	}
	if a >= b {
		return
	}
	if len(s.out) > 0 {
		for k := s.prevEnd; k < a; k++ {
			if l, _ := breakLen(t, k); l > 0 {
				s.para++
				break
			}
		}
	}
	s.out = append(s.out, Span{Start: a, End: b, Paragraph: s.para})
	s.prevEnd = b
}

// emptyBefore reports whether the current sentence holds nothing but
// whitespace and bullets before i, so that a list marker at i leads it.
func (s *sentenceSplitter) emptyBefore(i int) bool {
	t := s.t
	if s.lead < s.start {
		s.lead, s.leadDone = s.start, false
	}
	for !s.leadDone && s.lead < i {
		if l := spaceLen(t, s.lead); l > 0 {
			s.lead += l
			continue
		}
		if isBullet(t, s.lead) {
			s.lead += 3
			continue
		}
		s.leadDone = true
	}
	return s.lead >= i
}

// listMarker checks whether the '.' or ')' at i closes a list marker ("1.",
// "12)", "1.)", "a.", "B)") and, if so, handles it: a marker leading a
// sentence is kept in it; a marker that continues the current list, or
// starts a line, starts a new sentence. It returns where to resume.
func (s *sentenceSplitter) listMarker(i int) (int, bool) {
	t := s.t
	n := len(t)
	if i == 0 {
		return 0, false
	}
	// The token before i: one or two digits, or one ASCII letter.
	m := i - 1
	var num int
	letter := false
	switch c := t[m]; {
	case c >= '0' && c <= '9':
		num = int(c - '0')
		if m > 0 && t[m-1] >= '0' && t[m-1] <= '9' {
			m--
			num += 10 * int(t[m]-'0')
		}
		if m > 0 && t[m-1] >= '0' && t[m-1] <= '9' {
			return 0, false
		}
	case c >= 'a' && c <= 'z':
		num = int(c-'a') + 1
		letter = true
	case c >= 'A' && c <= 'Z':
		if t[i] == '.' {
			return 0, false // "E. Smith" is an initial, not a list
		}
		num = int(c-'A') + 1
		letter = true
	default:
		return 0, false
	}
	// It must start a word: after whitespace, a bullet or the text start.
	var lineStart bool
	switch {
	case m == 0:
		lineStart = true
	case lastSpaceLen(t, m) > 0:
		lineStart = afterLineBreak(t, m)
	case m >= 3 && isBullet(t, m-3):
	default:
		return 0, false
	}
	style := byte(styleParen)
	end := i + 1
	if t[i] == '.' {
		style = styleDot
		if end < n && t[end] == ')' {
			style = styleDotParen
			end++
		}
	}
	if end >= n || spaceLen(t, end) == 0 {
		return 0, false
	}
	if letter {
		style |= 0x80 // letters and numbers are different lists
	}
	if s.emptyBefore(m) {
		s.listN, s.listStyle = num, style
		return end, true
	}
	continues := s.listStyle == style && s.listN == num-1
	if continues || (lineStart && !letter) || (lineStart && num == 1) {
		s.emit(s.start, m)
		s.start = m
		s.listN, s.listStyle = num, style
		return end, true
	}
	return 0, false
}

// afterLineBreak reports whether the whitespace before i holds a line break
// (or reaches the start of the text).
func afterLineBreak(t string, i int) bool {
	for i > 0 {
		c := t[i-1]
		if c == '\n' || c == '\r' {
			return true
		}
		l := lastSpaceLen(t, i)
		if l == 0 {
			return false
		}
		if l > 1 {
			if bl, _ := breakLen(t, i-l); bl > 0 {
				return true
			}
		}
		i -= l
	}
	return true
}

// Character sets around sentence ends.
func isCloser(r rune) bool {
	switch r {
	case '"', '\'', ')', ']', '”', '’', '»', '›':
		return true
	}
	return false
}

func isOpener(r rune) bool {
	switch r {
	case '"', '\'', '(', '[', '“', '‘', '«', '‹', '„', '‚', '¿', '¡':
		return true
	}
	return false
}

// terminator handles the run of sentence-final punctuation starting at i and
// decides whether the sentence ends after it. It returns where to resume.
func (s *sentenceSplitter) terminator(i int) int {
	t := s.t
	n := len(t)

	// The run: ".", "?!", "....", "…".
	j := i
	dots, other := 0, false
loop:
	for j < n {
		switch t[j] {
		case '.':
			dots++
			j++
		case '?', '!':
			other = true
			j++
		case 0xE2:
			if j+2 < n && t[j+1] == 0x80 && t[j+2] == 0xA6 {
				dots += 3
				j += 3
				continue
			}
			break loop
		default:
			break loop
		}
	}
	runEnd := j

	// A spaced ellipsis ". . ." (handled apart: its dots are separated).
	if dots == 1 && !other && j+1 < n && t[j] == ' ' && t[j+1] == '.' {
		if next, ok := s.spacedEllipsis(i); ok {
			return next
		}
	}

	// An ellipsis in brackets, "[...]", marks an omission, not an end.
	if dots >= 2 && i > 0 && (t[i-1] == '[' || t[i-1] == '(') {
		return runEnd
	}

	// Closing quotes and brackets belong to the sentence they close.
	c, closers := skipClosers(t, runEnd)
	if c < n && spaceLen(t, c) == 0 {
		// Not followed by whitespace: "5.93", "Jane.Doe", "Jr.'s", "U.S.-Japan".
		// But "said...The USDA" ends a sentence in Reuters copy.
		if dots >= 3 && !other && closers == 0 && c+1 < n && isUpper(t[c]) && isLower(t[c+1]) && i > 0 && t[i-1] != '[' && t[i-1] != '(' {
			s.emit(s.start, runEnd)
			s.start = runEnd
		}
		return runEnd
	}
	k, blank := skipSpace(t, c)
	if k >= n || blank {
		// The end of the text or a blank line ends the sentence anyway.
		return c
	}
	opened := false
	p := k
	for p < n {
		r, size := utf8.DecodeRuneInString(t[p:])
		if !isOpener(r) {
			break
		}
		opened = true
		p += size
	}
	if p >= n {
		return c
	}
	r, _ := utf8.DecodeRuneInString(t[p:])
	if unicode.IsLower(r) {
		return c // "Yahoo! in", "'This is great.' she said", "Co. at noon"
	}
	if s.ends(i, dots, other, closers, opened, r, p) {
		s.emit(s.start, c)
		s.start = c
	}
	return c
}

// ends decides a terminator followed by whitespace and a word that does not
// start in lower case; r is the word's first rune, at p.
func (s *sentenceSplitter) ends(i, dots int, other bool, closers int, opened bool, r rune, p int) bool {
	t := s.t
	if dots == 3 && !other && closers == 0 {
		// An ellipsis ends a sentence only before a sentence-starting word:
		// Reuters-21578 capitalises the word after one mid-sentence too
		// ("The study is ... Unfair and unacceptable").
		return opened || startsSentence(t, p)
	}
	if dots >= 2 || closers > 0 {
		return true
	}
	if other {
		// "Yahoo! Japan": a name with its "!" goes on unless a sentence starts.
		if a := wordStart(t, i); a >= 0 && (strings.EqualFold(t[a:i], "yahoo") || strings.EqualFold(t[a:i], "jeopardy")) {
			return startsSentence(t, p)
		}
		return true
	}
	switch abbrevKind(t, i) {
	case abbrTitle:
		return false // "Mr. Smith", "Mt. Fuji", "St. Michael's"
	case abbrEnd:
		if unicode.IsDigit(r) {
			return false // "p. 55", "No. 5", "N°. 1026", "Jan. 5"
		}
		if opened {
			return true // "in the U.S. “We..."
		}
		return startsSentence(t, p)
	}
	return true
}

// skipClosers skips closing quotes and brackets from i.
func skipClosers(t string, i int) (int, int) {
	count := 0
	for i < len(t) {
		c := t[i]
		if c < utf8.RuneSelf {
			if c == '"' || c == '\'' || c == ')' || c == ']' {
				i++
				count++
				continue
			}
			break
		}
		r, size := utf8.DecodeRuneInString(t[i:])
		if !isCloser(r) {
			break
		}
		i += size
		count++
	}
	return i, count
}

// skipSpace skips whitespace from i and reports whether it held a blank line.
func skipSpace(t string, i int) (int, bool) {
	breaks := 0
	blank := false
	for i < len(t) {
		if bl, para := breakLen(t, i); bl > 0 {
			breaks++
			if breaks > 1 || para {
				blank = true
			}
			i += bl
			continue
		}
		l := spaceLen(t, i)
		if l == 0 {
			break
		}
		i += l
	}
	return i, blank
}

// spacedEllipsis handles ". . ." starting at i. Three spaced dots after a
// space are an ellipsis inside a sentence; four after a space end it ("a
// period . . . . Next"); four attached to a word are the word's period plus
// an ellipsis that leads the next sentence ("compounds. . . . The").
func (s *sentenceSplitter) spacedEllipsis(i int) (int, bool) {
	t := s.t
	n := len(t)
	k := i + 1
	dots := 1
	for k+1 < n && t[k] == ' ' && t[k+1] == '.' {
		dots++
		k += 2
	}
	if dots < 3 {
		return 0, false
	}
	attached := i > 0 && lastSpaceLen(t, i) == 0
	if dots == 3 {
		return k, true
	}
	c, _ := skipClosers(t, k)
	if c < n && spaceLen(t, c) == 0 {
		return k, true
	}
	nx, blank := skipSpace(t, c)
	if nx >= n || blank {
		return c, true
	}
	r, _ := utf8.DecodeRuneInString(t[nx:])
	if unicode.IsLower(r) {
		return c, true
	}
	if attached {
		s.emit(s.start, i+1)
		s.start = i + 1
		return k, true
	}
	s.emit(s.start, c)
	s.start = c
	return c, true
}

func isUpper(c byte) bool { return c >= 'A' && c <= 'Z' }
func isLower(c byte) bool { return c >= 'a' && c <= 'z' }

// maxWord bounds the look-back for the word before a period: longer words
// are never abbreviations, and the bound keeps the scan constant-time.
const maxWord = 16

// wordStart returns the start of the word ending at i, without leading
// quotes or brackets and without a hyphenated prefix ("U.S.-Japan"), or -1
// if the word is longer than maxWord. An apostrophe inside a word does
// not end it ("Poor's").
func wordStart(t string, i int) int {
	a := i
	for a > 0 {
		c := t[a-1]
		if c < utf8.RuneSelf {
			if c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f' ||
				c == '(' || c == '[' || c == '"' || c == '-' || c == '/' {
				break
			}
			a--
		} else {
			r, size := utf8.DecodeLastRuneInString(t[:a])
			if unicode.IsSpace(r) || (r != '’' && isOpener(r)) || r == '—' || r == '–' {
				break
			}
			a -= size
		}
		if i-a > maxWord {
			return -1
		}
	}
	// Quotes and marks that open the word are not part of it: "'Mr",
	// "‘Mr", "<E.F" (Reuters writes company names as "<E.F. Hutton>").
	for a < i {
		r, size := utf8.DecodeRuneInString(t[a:])
		if r != '’' && r != '‘' && (r >= utf8.RuneSelf || unicode.IsLetter(r) || unicode.IsDigit(r) || r == '$') {
			break
		}
		a += size
	}
	return a
}

// Abbreviation kinds.
const (
	abbrNone  = iota
	abbrTitle // always precedes a name: never ends a sentence before a capital
	abbrEnd   // may end a sentence: ends it only before a sentence-starting word
)

// abbrevKind classifies the word that ends at the period at i.
func abbrevKind(t string, i int) int {
	a := wordStart(t, i)
	if a < 0 || a == i {
		return abbrNone
	}
	// Lower-case into a stack buffer: indexing a map with string(bytes)
	// does not allocate.
	var buf [maxWord + 4]byte
	w := buf[:0]
	upper, lower, dots := 0, 0, 0
	for k := a; k < i; k++ {
		c := t[k]
		switch {
		case isUpper(c):
			upper++
			c += 'a' - 'A'
		case isLower(c):
			lower++
		case c == '.':
			dots++
		}
		w = append(w, c)
	}
	if e, ok := abbreviations[string(w)]; ok {
		capital := isUpper(t[a])
		allCaps := upper > 1 && lower == 0
		switch {
		case e.capOnly && !capital, allCaps && e.kind != abbrTitle:
			// "fell ill. Doctors": only "Ill." is Illinois; "SEC." and
			// "EST." are acronyms, not "sec." and "est.".
		case e.kind == abbrTitle:
			return abbrTitle
		default:
			return abbrEnd
		}
	}
	// A single letter: an initial ("Jonas E. Smith", "you and I. Did").
	if len(w) == 1 && isLower(w[0]) {
		return abbrEnd
	}
	if dots == 0 {
		return abbrNone
	}
	// Letters joined by periods: "U.S", "E.U", "U.S.A", "a.m", "Ph.D".
	seg := 0
	for _, c := range w {
		switch {
		case isLower(c):
			seg++
			if seg > 2 {
				return abbrNone
			}
		case c == '.':
			if seg == 0 {
				return abbrNone
			}
			seg = 0
		default:
			return abbrNone
		}
	}
	if seg > 0 {
		return abbrEnd
	}
	return abbrNone
}

type abbrev struct {
	kind    int
	capOnly bool // only when written with a capital ("Ill." not "ill.")
}

// abbreviations maps lower-case abbreviations (without the final period) to
// how they behave. Titles never end a sentence before a capital; the rest
// end one only before a word that usually starts a sentence.
var abbreviations = map[string]abbrev{
	// Titles and name parts that precede a name.
	"mr": {abbrTitle, true}, "mrs": {abbrTitle, true}, "ms": {abbrTitle, true},
	"messrs": {abbrTitle, true}, "mme": {abbrTitle, true}, "mlle": {abbrTitle, true},
	"dr": {abbrTitle, true}, "prof": {abbrTitle, true}, "gen": {abbrTitle, true},
	"gens": {abbrTitle, true}, "col": {abbrTitle, true}, "lt": {abbrTitle, true},
	"sgt": {abbrTitle, true}, "capt": {abbrTitle, true}, "maj": {abbrTitle, true},
	"cmdr": {abbrTitle, true}, "adm": {abbrTitle, true}, "brig": {abbrTitle, true},
	"cpl": {abbrTitle, true}, "pvt": {abbrTitle, true}, "gov": {abbrTitle, true},
	"sen": {abbrTitle, true}, "sens": {abbrTitle, true}, "rep": {abbrTitle, true},
	"reps": {abbrTitle, true}, "rev": {abbrTitle, true}, "hon": {abbrTitle, true},
	"pres": {abbrTitle, true}, "supt": {abbrTitle, true}, "insp": {abbrTitle, true},
	"msgr": {abbrTitle, true}, "fr": {abbrTitle, true}, "sr": {abbrEnd, false},
	"st": {abbrTitle, true}, "ste": {abbrTitle, true}, "mt": {abbrTitle, true},
	"ft":   {abbrTitle, true},
	"alex": {abbrTitle, true}, "chas": {abbrTitle, true}, "wm": {abbrTitle, true},
	"geo": {abbrTitle, true}, "thos": {abbrTitle, true}, "jas": {abbrTitle, true},

	// Abbreviations that may also end a sentence.
	"jr": {abbrEnd, false}, "co": {abbrEnd, false}, "cos": {abbrEnd, true},
	"corp": {abbrEnd, false}, "inc": {abbrEnd, false}, "ltd": {abbrEnd, false},
	"bros": {abbrEnd, false}, "plc": {abbrEnd, true}, "assn": {abbrEnd, false},
	"dept": {abbrEnd, false}, "univ": {abbrEnd, false}, "govt": {abbrEnd, false},
	"intl": {abbrEnd, false}, "natl": {abbrEnd, false}, "mfg": {abbrEnd, false},
	"ave": {abbrEnd, false}, "blvd": {abbrEnd, false}, "rd": {abbrEnd, true},
	"no": {abbrEnd, false}, "nos": {abbrEnd, false}, "n°": {abbrEnd, false},
	"nº": {abbrEnd, false}, "vs": {abbrEnd, false}, "v": {abbrEnd, false},
	"etc": {abbrEnd, false}, "al": {abbrEnd, false}, "cf": {abbrEnd, false},
	"approx": {abbrEnd, false}, "est": {abbrEnd, false}, "fig": {abbrEnd, false},
	"figs": {abbrEnd, false}, "p": {abbrEnd, false}, "pp": {abbrEnd, false},
	"vol": {abbrEnd, false}, "vols": {abbrEnd, false}, "ed": {abbrEnd, true},
	"eds": {abbrEnd, false}, "ch": {abbrEnd, false},
	"ext": {abbrEnd, false}, "tel": {abbrEnd, false}, "dist": {abbrEnd, true},
	"ref": {abbrEnd, false}, "min": {abbrEnd, false}, "max": {abbrEnd, false},
	"jan": {abbrEnd, true}, "feb": {abbrEnd, true}, "mar": {abbrEnd, true},
	"apr": {abbrEnd, true}, "jun": {abbrEnd, true}, "jul": {abbrEnd, true},
	"aug": {abbrEnd, true}, "sep": {abbrEnd, true}, "sept": {abbrEnd, true},
	"oct": {abbrEnd, true}, "nov": {abbrEnd, true}, "dec": {abbrEnd, true},
	"mon": {abbrEnd, true}, "tue": {abbrEnd, true}, "tues": {abbrEnd, true},
	"wed": {abbrEnd, true}, "thu": {abbrEnd, true}, "thur": {abbrEnd, true},
	"thurs": {abbrEnd, true}, "fri": {abbrEnd, true}, "sat": {abbrEnd, true},
	"sun": {abbrEnd, true},

	// US states (AP style), with a capital only: "fell ill." is not Illinois.
	"ala": {abbrEnd, true}, "ariz": {abbrEnd, true}, "ark": {abbrEnd, true},
	"calif": {abbrEnd, true}, "colo": {abbrEnd, true}, "conn": {abbrEnd, true},
	"del": {abbrEnd, true}, "fla": {abbrEnd, true}, "ga": {abbrEnd, true},
	"ill": {abbrEnd, true}, "ind": {abbrEnd, true}, "kan": {abbrEnd, true},
	"kans": {abbrEnd, true}, "ky": {abbrEnd, true}, "la": {abbrEnd, true},
	"md": {abbrEnd, true}, "mass": {abbrEnd, true}, "mich": {abbrEnd, true},
	"minn": {abbrEnd, true}, "miss": {abbrEnd, true}, "mo": {abbrEnd, true},
	"mont": {abbrEnd, true}, "neb": {abbrEnd, true}, "nebr": {abbrEnd, true},
	"nev": {abbrEnd, true}, "okla": {abbrEnd, true}, "ore": {abbrEnd, true},
	"pa": {abbrEnd, true}, "penn": {abbrEnd, true}, "tenn": {abbrEnd, true},
	"tex": {abbrEnd, true}, "vt": {abbrEnd, true}, "va": {abbrEnd, true},
	"wash": {abbrEnd, true}, "wis": {abbrEnd, true}, "wisc": {abbrEnd, true},
	"wyo": {abbrEnd, true}, "ont": {abbrEnd, true}, "que": {abbrEnd, true},
	"alta": {abbrEnd, true}, "sask": {abbrEnd, true},
}

// startsSentence reports whether the word at p is one that commonly starts a
// sentence (pronouns, determiners, connectives, question words). After an
// abbreviation that can end a sentence, such a word means it did ("in the
// U.S. How about you?"); a proper noun means it did not ("the U.S.
// Government"). Words such as "And", "Is", "Has", "To", "In", "Last",
// "Later", "During", "Does" are left out on purpose: Reuters-21578 often
// capitalises the word after "U.S." mid-sentence ("for U.S. And Chinese
// soybeans", "exports to the U.S. Later this year").
func startsSentence(t string, p int) bool {
	e := p
	for e < len(t) && e-p <= 12 && (isUpper(t[e]) || isLower(t[e])) {
		e++
	}
	if e == p || e-p > 12 {
		return false
	}
	_, ok := starters[t[p:e]]
	return ok
}

var starters = map[string]struct{}{
	"A": {}, "An": {}, "The": {}, "This": {}, "That": {}, "These": {}, "Those": {},
	"There": {}, "Here": {}, "Then": {}, "Now": {}, "Today": {}, "Yesterday": {},
	"It": {}, "Its": {}, "He": {}, "She": {}, "We": {}, "They": {}, "I": {}, "You": {},
	"His": {}, "Her": {}, "Our": {}, "Their": {}, "My": {}, "Your": {},
	"But": {}, "Yet": {}, "However": {}, "Also": {}, "Meanwhile": {},
	"Still": {}, "Instead": {}, "Moreover": {}, "Furthermore": {}, "Nevertheless": {},
	"Nonetheless": {}, "Thus": {}, "Therefore": {}, "Indeed": {}, "Besides": {},
	"After": {}, "Before": {}, "When": {}, "While": {}, "Although": {}, "Though": {},
	"If": {}, "Since": {}, "Because": {}, "Despite": {}, "Unlike": {},
	"What": {}, "Who": {}, "How": {}, "Why": {},
	"Did": {}, "Let": {}, "Please": {}, "Yes": {},
	"Some": {}, "Many": {}, "Most": {}, "All": {}, "Both": {}, "Each": {}, "Every": {},
	"Several": {}, "Such": {}, "Another": {},
	"According": {}, "Analysts": {}, "Mr": {}, "Mrs": {}, "Ms": {},
	"REUTER": {}, "Reuter": {}, // the sign-off of Reuters-21578 stories
}
