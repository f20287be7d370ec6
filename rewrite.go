package newsbot

import (
	"context"
	"strings"
	"time"
	"unicode"

	"github.com/newsbot-dev/newsbot/prompts"
)

// rewriteTimeout bounds the model call that rewrites a follow-up: a slow
// rewrite falls back to the heuristic rather than hold up the answer.
const rewriteTimeout = 20 * time.Second

// standalone returns the question to retrieve with: q itself when it
// stands alone or there is no history; otherwise q rewritten to carry the
// earlier turns' subject, by the model when there is one, else by a
// heuristic.
func (b *Bot) standalone(ctx context.Context, history []Turn, q string) string {
	if len(history) == 0 || !isFollowUp(q) {
		return q
	}
	if b.Model != nil {
		if r, ok := b.rewrite(ctx, history, q); ok {
			return r
		}
	}
	return withEarlierTurn(history, q)
}

// rewrite asks the model to make q stand alone.
func (b *Bot) rewrite(ctx context.Context, history []Turn, q string) (string, bool) {
	ps, err := b.prompts()
	if err != nil {
		return "", false
	}
	data := prompts.RewriteData{Question: q}
	for _, t := range history {
		data.History = append(data.History, prompts.Turn{Question: t.Question, Answer: truncate(t.Answer, 1000)})
	}
	p, err := ps.Render(prompts.Rewrite, data)
	if err != nil {
		b.log().Warn("render rewrite prompt", "err", err)
		return "", false
	}
	ctx, cancel := context.WithTimeout(ctx, rewriteTimeout)
	defer cancel()
	out, err := b.Model.Complete(ctx, []Message{{Role: RoleUser, Content: p}}, nil)
	if err != nil {
		b.log().Warn("model rewrite of a follow-up failed; using the heuristic", "err", err)
		return "", false
	}
	line, _, _ := strings.Cut(strings.TrimSpace(out), "\n")
	line = strings.TrimSpace(strings.Trim(strings.TrimSpace(line), `"“”'`))
	if r, err := CleanQuestion(line); err == nil && len(r) <= 500 {
		return r, true
	}
	return "", false
}

// withEarlierTurn is the heuristic rewrite: the previous question, then
// this one. Retrieval weighs the last question most and the earlier one as
// its preamble, so "and what did Medvedev say?" after "What did Lavrov say
// about sanctions?" looks for Medvedev on sanctions.
func withEarlierTurn(history []Turn, q string) string {
	prev := strings.TrimSpace(history[len(history)-1].Question)
	if !strings.HasSuffix(q, "?") {
		q += "?"
	}
	if prev == "" {
		return q
	}
	if !strings.HasSuffix(prev, "?") && !strings.HasSuffix(prev, ".") {
		prev += "."
	}
	return truncate(prev, MaxQuestionBytes/2) + " " + q
}

// isFollowUp reports a question that leans on the conversation: it opens
// with a connective ("and", "what about"), refers back with a pronoun, or
// is too short to stand alone.
func isFollowUp(q string) bool {
	words := strings.FieldsFunc(strings.ToLower(q), func(r rune) bool {
		return !unicode.IsLetter(r) && r != '\''
	})
	if len(words) == 0 {
		return false
	}
	switch words[0] {
	case "and", "but", "also", "so", "then", "or":
		return true
	}
	if len(words) >= 2 && (words[0] == "what" || words[0] == "how") && words[1] == "about" {
		return true
	}
	for _, w := range words {
		switch w {
		case "he", "she", "they", "him", "her", "them", "his", "hers", "their", "theirs", "it", "its":
			return true
		}
	}
	return len(words) <= 3
}

// truncate cuts s to at most n bytes, on a rune boundary.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

func utf8RuneStart(b byte) bool { return b&0xC0 != 0x80 }
