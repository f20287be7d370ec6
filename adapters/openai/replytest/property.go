package replytest

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"github.com/newsbot-dev/newsbot"
	"github.com/newsbot-dev/newsbot/corpus/segment"
)

// The property every shown sentence must have, checked here without the
// checker's own code: each number, name and quotation in it is in the
// sentences it cites (with their outlet and date).

var (
	markerRE   = regexp.MustCompile(`\[(\d+)\]`)
	numberRE   = regexp.MustCompile(`\d+(?:[.,]\d+)*`)
	quoteRE    = regexp.MustCompile(`“([^”]*)”|"([^"]*)"|「([^」]*)」`)
	ellipsisRE = regexp.MustCompile(`\.\.\.|…`)
	yesNoRE    = regexp.MustCompile(`^(?:Yes|No)[.!]$`)
	wordRE     = regexp.MustCompile(`[\p{L}][\p{L}.'’-]*`)
)

// notNames are capitalised words that are not names.
var notNames = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(`the a an he she it they we his her its their this that these those there
	in on at by for with from to of as after before during since while when where why how what who which
	according but and or so yet also however meanwhile both neither each all some many most one no yes
	despite although though if then later earlier president minister foreign prime secretary state
	department mr mrs ms dr official officials senior based`) {
		m[w] = true
	}
	return m
}()

// Unsupported returns what in a's text is not in the sentences it cites:
// a sentence without a marker (other than a bare yes or no, or one saying
// what the coverage does not say), a marker that names no citation, and
// each number, name or quotation missing from the cited sentences.
func Unsupported(a newsbot.Answer) []string {
	if a.NoAnswer {
		return nil
	}
	var problems []string
	for _, s := range sentences(a.Text) {
		bare := strings.TrimSpace(markerRE.ReplaceAllString(s, ""))
		var src, srcQuotes []string
		for _, m := range markerRE.FindAllStringSubmatch(s, -1) {
			n, _ := strconv.Atoi(m[1])
			if n < 1 || n > len(a.Citations) {
				problems = append(problems, fmt.Sprintf("%q: marker [%d] names no citation", s, n))
				continue
			}
			c := a.Citations[n-1]
			// The speaker a citation names is a source of names too: an
			// answer says whom a "she said" quotes ("Reuters, quoting
			// Hillary Clinton: ...").
			src = append(src, c.Sentence, c.Outlet, c.Speaker)
			if !c.Published.IsZero() {
				src = append(src, c.Published.Format("2006 1 2 January Monday"))
			}
			srcQuotes = append(srcQuotes, norm(c.Sentence))
		}
		if len(src) == 0 {
			if !yesNoRE.MatchString(bare) && !strings.HasPrefix(bare, "The coverage does not") {
				problems = append(problems, fmt.Sprintf("%q: no marker", s))
			}
			continue
		}
		text := strings.Join(src, " ")
		low := strings.ToLower(strings.ReplaceAll(text, ".", ""))
		nums := map[string]bool{}
		for _, n := range numberRE.FindAllString(text, -1) {
			nums[strings.ReplaceAll(n, ",", "")] = true
		}
		// Quotations: verbatim, but for quotation marks and white space.
		for _, q := range quoteRE.FindAllStringSubmatch(bare, -1) {
			inner := q[1] + q[2] + q[3]
			for _, part := range ellipsisRE.Split(inner, -1) {
				p := norm(part)
				if p == "" {
					continue
				}
				found := false
				for _, sq := range srcQuotes {
					found = found || strings.Contains(sq, p) || strings.Contains(strings.ToLower(sq), strings.ToLower(p[:1])+p[1:]) && strings.Contains(strings.ToLower(sq), strings.ToLower(p))
				}
				if !found {
					problems = append(problems, fmt.Sprintf("%q: quotation %q is not in its sources", s, p))
				}
			}
		}
		outside := quoteRE.ReplaceAllString(bare, " ")
		for _, n := range numberRE.FindAllString(outside, -1) {
			n = strings.TrimRight(strings.ReplaceAll(n, ",", ""), ".")
			if !nums[n] {
				problems = append(problems, fmt.Sprintf("%q: number %s is not in its sources", s, n))
			}
		}
		for i, w := range wordRE.FindAllString(outside, -1) {
			r := []rune(w)
			if !unicode.IsUpper(r[0]) {
				continue
			}
			name := strings.ToLower(strings.TrimRight(strings.TrimSuffix(strings.TrimSuffix(w, "’s"), "'s"), ".-'’"))
			name = strings.ReplaceAll(name, ".", "")
			if notNames[name] || len(name) <= 1 || i == 0 && strings.Contains(low, name) {
				continue
			}
			found := false
			for _, v := range []string{name, strings.TrimSuffix(name, "n"), strings.TrimSuffix(name, "an"), strings.TrimSuffix(name, "ian"), strings.TrimSuffix(name, "s")} {
				found = found || len(v) >= 2 && strings.Contains(low, v)
			}
			for _, part := range strings.Split(name, "-") {
				if part != name && part != "" && !strings.Contains(low, part) {
					found = false
				}
			}
			if !found {
				problems = append(problems, fmt.Sprintf("%q: name %q is not in its sources", s, w))
			}
		}
	}
	return problems
}

// sentences cuts an answer's text into sentences, at CJK sentence ends and
// after a bare yes or no too.
func sentences(text string) []string {
	var out []string
	for _, sp := range segment.Sentences(text) {
		s := text[sp.Start:sp.End]
		for _, p := range []string{"No. ", "Yes. "} {
			if rest, ok := strings.CutPrefix(s, p); ok {
				out = append(out, strings.TrimSpace(p))
				s = rest
			}
		}
		start := 0
		for i, r := range s {
			if (r == '。' || r == '！' || r == '？') && i >= start {
				end := i + len(string(r))
				for strings.HasPrefix(s[end:], "”") || strings.HasPrefix(s[end:], "」") {
					end += len("”")
				}
				for strings.HasPrefix(strings.TrimLeft(s[end:], " "), "[") {
					end += len(s[end:]) - len(strings.TrimLeft(s[end:], " "))
					if j := strings.Index(s[end:], "]"); j >= 0 {
						end += j + 1
					} else {
						break
					}
				}
				out = append(out, s[start:end])
				start = end
			}
		}
		if strings.TrimSpace(s[start:]) != "" {
			out = append(out, strings.TrimSpace(s[start:]))
		}
	}
	// "... said. [2] Medvedev agreed.": the marker belongs to the sentence
	// before; "[3] quotes him" keeps its own.
	for i := 1; i < len(out); i++ {
		m := leadingRE.FindString(out[i])
		if m == "" {
			continue
		}
		rest := strings.TrimSpace(out[i][len(m):])
		if r := []rune(rest); len(r) > 0 && unicode.IsLower(r[0]) {
			continue
		}
		out[i-1] += " " + strings.TrimSpace(m)
		out[i] = rest
	}
	return slices.DeleteFunc(out, func(s string) bool { return s == "" })
}

var leadingRE = regexp.MustCompile(`^(?:\s*\[\d+\])+`)

// norm is text as quotations are compared: no quotation marks, one space
// for any white space, no punctuation at the ends.
func norm(s string) string {
	s = strings.Map(func(r rune) rune {
		switch {
		case strings.ContainsRune("\"“”‘’'「」", r):
			return -1
		case unicode.IsSpace(r):
			return ' '
		}
		return r
	}, s)
	s = strings.Join(strings.Fields(s), " ")
	return strings.TrimFunc(s, func(r rune) bool { return unicode.IsPunct(r) || unicode.IsSpace(r) })
}
