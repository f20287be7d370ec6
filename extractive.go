package newsbot

import (
	"fmt"
	"strings"
	"unicode"
)

// extractive composes an answer from the best evidence: the best sentence
// when it answers the question (see answers), and a second one only when
// it bears on the question too (see second), each cited. Otherwise the
// coverage does not answer: a sentence that merely shares the question's
// words ("Clinton praised ... discussions with Lavrov" for "What did
// Lavrov say about sanctions?") is not quoted.
//
// q is the question as answered, search the question searched (q less
// the outlets it names), which the sentences are judged against.
func (b *Bot) extractive(q, search string, ev []Evidence) Answer {
	maxN := b.MaxSentences
	if maxN == 0 {
		maxN = 2
	}
	a := Answer{Question: q, Mode: ModeExtractive}
	if len(ev) == 0 || !b.answersFigure(search, ev[0]) {
		a.NoAnswer = true
		a.Text = NoAnswerText
		return a
	}
	chosen := []Evidence{ev[0]}
	for len(chosen) < maxN {
		e, ok := b.next(chosen, ev)
		if !ok {
			break
		}
		chosen = append(chosen, e)
	}

	a.Text, a.Citations = quote("", chosen)
	return a
}

// The text of an extractive answer says who says what: each quoted
// sentence, verbatim and followed by its [n] marker, comes after its
// source, the outlet (as Citation.Source names it; "An unnamed outlet"
// when the article does not say), and, when the sentence reports someone's words
// without naming them itself ("“We will rebuild,” she said."), who it
// quotes:
//
//	Northern Wire: Twelve people died on Tuesday when ... [1]
//	Capital Tribune, quoting Jane Ortiz: “We will not stop ...,” she said. [2]
//
// Sentences with the same source in a row share one line; each new source
// starts a line. A lead sentence in the bot's own words (a comparison of
// the outlets' figures, the speakers found) comes first, on its own line.
// The sentences are not put between quotation marks of the bot's own: they
// hold their own quotation marks, and the marker and the Sources list say
// they are quoted; a reader who splits the text into sentences (a
// checker, a screen reader) finds each quoted sentence whole, in any
// script.

// quote composes the text of an answer that quotes chosen after lead
// (which may be ""), and its citations.
func quote(lead string, chosen []Evidence) (string, []Citation) {
	var text strings.Builder
	text.WriteString(lead)
	var cites []Citation
	prev := ""
	for i, e := range chosen {
		c := citation(i+1, e)
		cites = append(cites, c)
		p := quoteSource(c)
		switch {
		case i > 0 && p == prev:
			text.WriteByte(' ')
		case text.Len() > 0:
			text.WriteByte('\n')
		}
		if i == 0 || p != prev {
			text.WriteString(p)
			text.WriteString(": ")
		}
		fmt.Fprintf(&text, "%s [%d]", collapseSpace(c.Sentence), c.N)
		prev = p
	}
	return text.String(), cites
}

// quoteSource names the source of a quoted sentence: its outlet, and who
// it quotes when the sentence does not name them.
func quoteSource(c Citation) string {
	src := collapseSpace(c.Source())
	if src == "" {
		src = unnamedOutlet
	}
	if sp := collapseSpace(c.Speaker); sp != "" && !namedIn(sp, c.Sentence) {
		src += ", quoting " + sp
	}
	return src
}

// unnamedOutlet stands for the outlet of an article that does not name it.
const unnamedOutlet = "An unnamed outlet"

// namedIn reports whether sentence s names speaker sp itself: a part of
// the name ("Ortiz" of "Jane Ortiz"), or, for a speaker with no name
// ("officials", "the report"), its last word.
func namedIn(sp, s string) bool {
	in := map[string]bool{}
	for _, w := range wordsOf(s) {
		in[w.lower] = true
	}
	ws := wordsOf(sp)
	named := false
	for _, w := range ws {
		if w.name || unicode.IsUpper([]rune(w.text)[0]) {
			if isTitle(w.lower) {
				continue
			}
			named = true
			if in[w.lower] || in[strings.TrimSuffix(strings.TrimSuffix(w.lower, "’s"), "'s")] {
				return true
			}
		}
	}
	if !named && len(ws) > 0 {
		return in[ws[len(ws)-1].lower]
	}
	return false
}

// answers reports whether evidence e answers the question: the retriever's
// estimate is at least MinAnswers (or, from a retriever that makes none,
// the sentence matches at least MinCoverage of the question), and the
// sentence itself, not only its context, matches the question.
func (b *Bot) answers(e Evidence) bool {
	r := e.Relevance
	if r.Own == 0 {
		return false
	}
	if r.Answers > 0 {
		return r.Answers >= b.minAnswers()
	}
	return r.Coverage >= b.minCoverage()
}

// next picks the sentence to quote after those chosen, if one bears on the
// question: the sentence right after the last one chosen, in its article,
// when it continues it (it leans on it: "he said", "But") and answers the
// question by the same standard; else the best other evidence that answers
// the question by that standard, is as likely to answer as the best one
// within a margin, and says something else (not the same sentence again).
// A neighbour is never added for padding.
func (b *Bot) next(chosen []Evidence, ev []Evidence) (Evidence, bool) {
	has := func(e Evidence) bool {
		for _, c := range chosen {
			if c.ArticleID == e.ArticleID && c.Start == e.Start || collapseSpace(c.Sentence) == collapseSpace(e.Sentence) {
				return true
			}
		}
		return false
	}
	last := chosen[len(chosen)-1]
	for _, e := range ev[1:] {
		if !has(e) && e.ArticleID == last.ArticleID && e.Index == last.Index+1 && e.Before != "" && b.answers(e) {
			return e, true
		}
	}
	best := chosen[0].Relevance
	for _, e := range ev[1:] {
		if has(e) || !b.answers(e) {
			continue
		}
		r := e.Relevance
		if r.Answers > 0 && r.Answers < best.Answers-secondMargin {
			continue
		}
		if r.Answers == 0 && r.Coverage < 0.9*best.Coverage {
			continue
		}
		return e, true
	}
	return Evidence{}, false
}

// secondMargin is how much less likely to answer than the best sentence a
// further one may be and still be quoted.
const secondMargin = 0.1

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
		Speaker:   e.Speaker(),
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
