package repl

import (
	"fmt"
	"io"
	"strings"
	"unicode"

	"github.com/newsbot-dev/newsbot"
)

// Labels for metadata the corpus does not know. They are shown instead of a
// blank, and nothing is ever guessed in their place.
const (
	unknownOutlet   = "unknown outlet"
	unknownTitle    = "untitled"
	unknownDate     = "date unknown"
	unknownURL      = "no link"
	unknownPosition = "position unknown"
	missingSentence = "(sentence text missing)"
)

// Format writes a as plain text, the way the chat shows it: the answer text
// with its [n] markers, then a.Note if there is one, then a blank line,
// "Sources:" and one line per citation, with who the sentence quotes or
// reports after the outlet when the citation names them:
//
//	[1] Outlet — "Title" (2009-10-14), https://example.com/a, paragraph 3, sentence 2
//	[2] Outlet — Sergei Lavrov — "Title" (2009-10-14), https://example.com/a, paragraph 4, sentence 1
//
// Metadata the corpus does not know is shown as "unknown outlet",
// "untitled", "date unknown", "no link" or "position unknown". When
// a.NoAnswer is true, or a has no citations, there is no Sources section.
// Everything taken from a passes through the package's sanitiser, so
// article text cannot send control sequences to the terminal. Format is
// also what `bot ask` prints.
func Format(w io.Writer, a newsbot.Answer) error {
	return formatAnswer(w, a, 0)
}

// formatAnswer is Format for an answer whose first shown bytes of Text were
// already printed (as it streamed).
func formatAnswer(w io.Writer, a newsbot.Answer, shown int) error {
	var b strings.Builder
	shown = min(shown, len(a.Text))
	srcs := sources(a)
	if shown > 0 {
		b.WriteString(strings.TrimRightFunc(newsbot.Delink(CleanText(a.Text[shown:]), srcs), unicode.IsSpace))
	} else {
		text := strings.TrimSpace(newsbot.Delink(CleanText(a.Text), srcs))
		if text == "" && a.NoAnswer {
			text = "The coverage I have does not answer that."
		}
		b.WriteString(text)
	}
	b.WriteByte('\n')
	if note := strings.TrimSpace(newsbot.Delink(CleanText(a.Note), srcs)); note != "" {
		b.WriteByte('\n')
		b.WriteString(note)
		b.WriteByte('\n')
	}
	if !a.NoAnswer && len(a.Citations) > 0 {
		b.WriteString("\nSources:\n")
		for _, c := range a.Citations {
			b.WriteString(sourceLine(c))
			b.WriteByte('\n')
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// formatSources writes every citation of a in full, as /sources shows it:
// a heading naming the question, then for each citation the same line as
// Format and, indented below it, the cited sentence in quotes:
//
//	[1] Outlet — "Title" (2009-10-14), https://example.com/a, paragraph 3, sentence 2
//	    "The verbatim sentence."
//
// An answer without citations gets one line saying so.
func formatSources(w io.Writer, a newsbot.Answer) error {
	var b strings.Builder
	if len(a.Citations) == 0 {
		b.WriteString("That answer cites no sources.\n")
		_, err := io.WriteString(w, b.String())
		return err
	}
	if q := strings.TrimSpace(CleanLine(a.Question)); q != "" {
		b.WriteString("Sources for \"" + q + "\":\n")
	} else {
		b.WriteString("Sources:\n")
	}
	for i, c := range a.Citations {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(sourceLine(c))
		b.WriteString("\n    ")
		if s := strings.TrimSpace(newsbot.Delink(CleanLine(c.Sentence), sources(a))); s != "" {
			b.WriteString(`"` + s + `"`)
		} else {
			b.WriteString(missingSentence)
		}
		b.WriteByte('\n')
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// sources are the URLs of a's citations: the links newsbot.Delink leaves
// as they are. Every other host name shown from a (the answer, its note,
// quoted sentences, titles, outlets) gets its invisible break, so that a
// terminal that detects links does not take it for one; a source's own URL
// is printed as it is.
func sources(a newsbot.Answer) []string {
	var out []string
	for _, c := range a.Citations {
		if c.URL != "" {
			out = append(out, c.URL)
		}
	}
	return out
}

// sourceLine is the one-line description of a citation shared by Format
// and formatSources.
func sourceLine(c newsbot.Citation) string {
	outlet := newsbot.Delink(orLabel(c.Source(), unknownOutlet), nil)
	if sp := speaker(c); sp != "" {
		outlet += " — " + sp
	}
	title := unknownTitle
	if t := strings.TrimSpace(newsbot.Delink(CleanLine(c.Title), nil)); t != "" {
		title = `"` + t + `"`
	}
	date := unknownDate
	if !c.Published.IsZero() {
		date = c.Published.Format("2006-01-02")
	}
	url := orLabel(c.URL, unknownURL)
	return fmt.Sprintf("[%d] %s — %s (%s), %s, %s", c.N, outlet, title, date, url, position(c))
}

// maxSpeakerShown bounds, in characters, the speaker shown beside a
// source's outlet: a name is short, and article text may be anything.
const maxSpeakerShown = 80

// speaker is who the cited sentence quotes or reports, sanitised for one
// line and bounded; "" when it attributes nothing.
func speaker(c newsbot.Citation) string {
	s := strings.Join(strings.Fields(newsbot.Delink(CleanLine(c.Speaker), nil)), " ")
	if r := []rune(s); len(r) > maxSpeakerShown {
		s = strings.TrimSpace(string(r[:maxSpeakerShown-1])) + "…"
	}
	return s
}

// position says where the sentence is in its article, as far as known.
func position(c newsbot.Citation) string {
	switch {
	case c.Paragraph > 0 && c.Index > 0:
		return fmt.Sprintf("paragraph %d, sentence %d", c.Paragraph, c.Index)
	case c.Paragraph > 0:
		return fmt.Sprintf("paragraph %d", c.Paragraph)
	case c.Index > 0:
		return fmt.Sprintf("sentence %d", c.Index)
	}
	return unknownPosition
}

// orLabel returns s sanitised for one line, or label when that is blank.
func orLabel(s, label string) string {
	if s = strings.TrimSpace(CleanLine(s)); s != "" {
		return s
	}
	return label
}
