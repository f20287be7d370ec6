package newsbot

import (
	"context"
	"strings"
	"time"

	"github.com/newsbot-dev/newsbot/prompts"
)

// rewriteTimeout bounds the model call that rewrites a follow-up: a slow
// rewrite falls back to the heuristic rather than hold up the answer.
const rewriteTimeout = 20 * time.Second

// standalone returns the question to retrieve with: q itself when it
// stands alone or there is no history; otherwise, when it leans on the last
// turn (isFollowUp, in followup.go), q made to stand alone with the last
// turn or two: by the model when there is one, else by readWith.
func (b *Bot) standalone(ctx context.Context, history []Turn, q string) string {
	history = lastTurns(history, followUpTurns)
	prev, ok := previousReading(history)
	if !ok || !isFollowUp(q, prev) {
		return q
	}
	if b.Model != nil {
		if r, ok := b.rewrite(ctx, history, q); ok {
			return r
		}
	}
	return readWith(prev, q)
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
