package newsbot

import (
	"fmt"
	"strings"
	"unicode"
)

// extractive composes an answer from the best evidence: the best
// sentence, the sentence right after it when that one also bears on the
// question (it often completes it: the quote after "Lavrov restated ..."),
// and other sentences that score close to the best and match as much of the
// question as it does, each cited. A sentence that only shares a word or two
// with the question ("Clinton praised ... discussions with Lavrov" for "What
// did Lavrov say about sanctions?") is left out.
func (b *Bot) extractive(q string, ev []Evidence) Answer {
	minCov := b.minCoverage()
	maxN := b.MaxSentences
	if maxN == 0 {
		maxN = 3
	}
	a := Answer{Question: q, Mode: ModeExtractive}
	if len(ev) == 0 || ev[0].Relevance.Coverage < minCov || ev[0].Relevance.Own == 0 {
		a.NoAnswer = true
		a.Text = NoAnswerText
		return a
	}
	best := ev[0]
	chosen := []Evidence{best}
	has := func(e Evidence) bool {
		for _, c := range chosen {
			if c.ArticleID == e.ArticleID && c.Start == e.Start {
				return true
			}
		}
		return false
	}
	// The sentence after the best one, if it matches the question too.
	for _, e := range ev[1:] {
		if e.ArticleID == best.ArticleID && e.Index == best.Index+1 && e.Relevance.Own > 0 {
			chosen = append(chosen, e)
			break
		}
	}
	for _, e := range ev[1:] {
		if len(chosen) >= maxN {
			break
		}
		r := e.Relevance
		if has(e) || r.Coverage < max(minCov, 0.9*best.Relevance.Coverage) || r.Own == 0 || r.Score < 0.8*best.Relevance.Score {
			continue
		}
		chosen = append(chosen, e)
	}

	var text strings.Builder
	for i, e := range chosen {
		c := citation(i+1, e)
		a.Citations = append(a.Citations, c)
		if i > 0 {
			text.WriteByte(' ')
		}
		text.WriteString(collapseSpace(c.Sentence))
		fmt.Fprintf(&text, " [%d]", c.N)
	}
	a.Text = text.String()
	return a
}

// citation cites evidence e as marker n.
func citation(n int, e Evidence) Citation {
	return Citation{
		N:         n,
		ArticleID: e.ArticleID,
		Start:     e.Start,
		End:       e.End,
		Sentence:  e.Sentence,
		Outlet:    e.Outlet,
		Wire:      e.Wire,
		Title:     e.Title,
		URL:       e.URL,
		Published: e.Published,
		Paragraph: e.Paragraph,
		Index:     e.Index,
	}
}

// collapseSpace turns each run of white space (line breaks and no-break
// spaces included) into one space, and drops invisible characters, for
// display and for the model's prompt. Citations keep the exact bytes.
func collapseSpace(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	space := false
	var prev rune
	for _, r := range s {
		last := prev
		prev = r
		if unicode.IsSpace(r) {
			space = true
			continue
		}
		if isIgnorable(r) && !keepsSelector(last, r) {
			continue
		}
		if space && b.Len() > 0 {
			b.WriteByte(' ')
		}
		space = false
		b.WriteRune(r)
	}
	return b.String()
}

// isIgnorable reports a character that a reader does not see and that
// carries no word (format characters, variation selectors and the other
// default-ignorable code points), as corpus.IsInvisible does for the
// corpus: a JSON Lines body keeps them, and through them a hidden message,
// so what is shown or sent to the model skips them.
func isIgnorable(r rune) bool {
	if r < 0xAD {
		return false
	}
	switch r {
	case 0xAD, 0x34F, 0x115F, 0x1160, 0x3164, 0xFFA0:
		return true
	}
	return unicode.Is(unicode.Cf, r) || unicode.Is(unicode.Variation_Selector, r) ||
		unicode.Is(unicode.Other_Default_Ignorable_Code_Point, r)
}

// keepsSelector reports whether r is the one presentation selector that the
// character before it needs (U+FE0E or U+FE0F after a symbol or a keycap's
// digit, "#" or "*"), as corpus.KeepsSelector does: a hidden message needs
// a run of selectors, or selectors after letters.
func keepsSelector(prev, r rune) bool {
	return (r == 0xFE0E || r == 0xFE0F) &&
		(unicode.IsSymbol(prev) || prev >= '0' && prev <= '9' || prev == '#' || prev == '*')
}
