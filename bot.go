package newsbot

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/newsbot-dev/newsbot/corpus"
	"github.com/newsbot-dev/newsbot/prompts"
)

// MaxQuestionBytes bounds a question. Longer questions are refused before
// any search: no real question needs more, and a bound keeps a pasted
// document from becoming a costly query.
const MaxQuestionBytes = 4000

// ErrQuestion is wrapped by the errors Answer returns for a question it
// refuses (empty, too long, not text).
var ErrQuestion = errors.New("unusable question")

// Bot answers questions from an index of news coverage. Its zero value has
// no index; set Index before use. A Bot is safe for concurrent use.
type Bot struct {
	// Index is the coverage to answer from.
	Index *corpus.Index
	// Model, when set, writes the answers from the retrieved evidence; the
	// bot checks every citation. Nil means extractive answers: the best
	// sentences, quoted.
	Model Model
	// Prompts are the templates sent to the model; nil means the built-in
	// ones.
	Prompts *prompts.Set
	// Log receives what went wrong with a model (its error text is never
	// shown to a person); nil discards it.
	Log *slog.Logger
	// MaxEvidence bounds the sentences given to the model; 0 means 8.
	MaxEvidence int
	// MaxSentences bounds the sentences quoted in an answer; 0 means 3.
	MaxSentences int
	// MinCoverage is the share of the question's weight (the IDF of its
	// terms) that the best sentence must match for the coverage to count
	// as answering; below it the bot says the coverage does not say. 0
	// means DefaultMinCoverage.
	MinCoverage float64
}

// DefaultMinCoverage is Bot.MinCoverage's default. At 0.4, a question
// whose distinctive words the coverage mostly lacks ("Who won the 2018
// World Cup?" against articles that mention only "the world") gets no
// answer, while a question phrased in other words than the article ("miss"
// for "did not attend") still finds it.
const DefaultMinCoverage = 0.4

// Answer answers a question on its own, outside any conversation, without
// streaming. See Ask.
func (b *Bot) Answer(ctx context.Context, question string) (Answer, error) {
	return b.Ask(ctx, Request{Question: question}, nil)
}

func (b *Bot) minCoverage() float64 {
	if b.MinCoverage == 0 {
		return DefaultMinCoverage
	}
	return b.MinCoverage
}

// CleanQuestion trims a question and checks that it can be answered: not
// empty, valid UTF-8, at most MaxQuestionBytes.
func CleanQuestion(q string) (string, error) {
	if !utf8.ValidString(q) {
		return "", fmt.Errorf("%w: not valid UTF-8", ErrQuestion)
	}
	q = strings.TrimSpace(q)
	if q == "" {
		return "", fmt.Errorf("%w: empty", ErrQuestion)
	}
	if len(q) > MaxQuestionBytes {
		return "", fmt.Errorf("%w: %d bytes, over the limit of %d", ErrQuestion, len(q), MaxQuestionBytes)
	}
	return q, nil
}

// NoAnswerText is what the bot says when the coverage does not answer.
const NoAnswerText = "The coverage I have does not answer that question."

// extractive composes an answer from the best hits: the best sentence,
// the sentence right after it when that one also bears on the question
// (it often completes it: the quote after "Lavrov restated ..."), and other
// sentences that score close to the best and match as much of the question
// as it does, each cited. A sentence that only shares a word or two with
// the question ("Clinton praised ... discussions with Lavrov" for "What did
// Lavrov say about sanctions?") is left out.
func (b *Bot) extractive(q string, hits []corpus.Hit) Answer {
	minCov := b.minCoverage()
	maxN := b.MaxSentences
	if maxN == 0 {
		maxN = 3
	}
	a := Answer{Question: q, Mode: ModeExtractive}
	if len(hits) == 0 || hits[0].Coverage < minCov || hits[0].Own == 0 {
		a.NoAnswer = true
		a.Text = NoAnswerText
		return a
	}
	best := hits[0]
	chosen := []corpus.Hit{best}
	has := func(h corpus.Hit) bool {
		for _, c := range chosen {
			if c.Article == h.Article && c.Start == h.Start {
				return true
			}
		}
		return false
	}
	// The sentence after the best one, if it matches the question too.
	for _, h := range hits[1:] {
		if h.Article == best.Article && h.Index == best.Index+1 && h.Own > 0 {
			chosen = append(chosen, h)
			break
		}
	}
	for _, h := range hits[1:] {
		if len(chosen) >= maxN {
			break
		}
		if has(h) || h.Coverage < max(minCov, 0.9*best.Coverage) || h.Own == 0 || h.Score < 0.8*best.Score {
			continue
		}
		chosen = append(chosen, h)
	}

	var text strings.Builder
	for i, h := range chosen {
		c := citation(i+1, h)
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

// collapseSpace turns each run of white space (line breaks and no-break
// spaces included) into one space, for display. Citations keep the exact
// bytes.
func collapseSpace(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range s {
		if unicode.IsSpace(r) {
			space = true
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
