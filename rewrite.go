package newsbot

import (
	"context"
	"regexp"
	"strings"
	"time"

	"github.com/newsbot-dev/newsbot/corpus/segment"
	"github.com/newsbot-dev/newsbot/prompts"
)

// DefaultRewriteTimeout is Bot.RewriteTimeout's default. The rewrite is
// one short line that holds up the whole answer, so it gets seconds, not
// the answer's deadline: past it the heuristic rewrites the question.
const DefaultRewriteTimeout = 5 * time.Second

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
	timeout := b.RewriteTimeout
	if timeout <= 0 {
		timeout = DefaultRewriteTimeout
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	out, err := b.Model.Complete(ctx, []Message{{Role: RoleUser, Content: p}}, nil)
	if err != nil {
		b.log().Warn("model rewrite of a follow-up failed; using the heuristic", "err", err)
		return "", false
	}
	r, why := parseRewrite(out, q, history)
	if why != "" {
		b.log().Info("model rewrite of a follow-up refused; using the heuristic", "why", why)
		return "", false
	}
	return r, true
}

var (
	// rewriteLabelRE is a label before the rewritten question.
	rewriteLabelRE = regexp.MustCompile(`(?i)^(?:(?:sure|okay|ok|certainly|of course)[!,.]?\s*)?(?:here(?:'s| is) (?:the |a |your )?)?(?:(?:rewritten|standalone|stand-alone|reformulated|rephrased|clarified|new|final|revised)\s+)?(?:(?:version of the )?(?:question|query))?(?:\s+(?:is|would be))?\s*:\s*`)
	// preambleRE is a line that announces the question without being it.
	preambleRE = regexp.MustCompile(`(?i)^(?:sure|okay|ok|certainly|of course|here(?:'s| is)|the rewritten|rewritten|standalone|i (?:would|'d) (?:rewrite|rephrase))\b[^?]*$`)
	// questionStartRE is how a question without its question mark begins.
	questionStartRE = regexp.MustCompile(`(?i)^(?:who|whom|whose|what|when|where|why|how|which|did|does|do|is|are|was|were|can|could|will|would|has|have|had|should)\b`)
)

// parseRewrite reads the model's rewrite of q strictly: one question, on
// one line, without preamble ("Sure! Here is the rewritten question:") or
// quotation marks, and about what q asks: it keeps q's names, and names
// nothing and says little that neither q nor the conversation says. why
// says what is wrong, "" when r can be used.
func parseRewrite(out, q string, history []Turn) (r, why string) {
	var lines []string
	for _, line := range strings.Split(stripReasoning(out), "\n") {
		line = strings.TrimSpace(stripEmphasis(strings.TrimSpace(line)))
		line = strings.TrimSpace(rewriteLabelRE.ReplaceAllString(line, ""))
		line = strings.TrimSpace(strings.Trim(line, "\"“”'‘’`"))
		if line == "" || preambleRE.MatchString(line) && !strings.Contains(line, "?") {
			continue
		}
		lines = append(lines, line)
	}
	switch {
	case len(lines) == 0:
		return "", "empty"
	case len(lines) > 1:
		return "", "more than one line"
	}
	r = lines[0]
	switch n := strings.Count(r, "?"); {
	case n > 1:
		return "", "more than one question"
	case n == 1 && !strings.HasSuffix(r, "?"):
		return "", "text after the question"
	case n == 0 && !questionStartRE.MatchString(r):
		return "", "not a question"
	}
	if len(segment.Sentences(r)) > 1 {
		return "", "more than one sentence"
	}
	// Drift: the rewrite keeps q's names, and brings in only what the
	// conversation says.
	var known strings.Builder
	known.WriteString(q)
	for _, t := range history {
		known.WriteString(" " + t.Question + " " + t.Answer)
	}
	conv := map[string]bool{}
	for _, t := range tokens(known.String()) {
		n := nameNorm(t.text)
		conv[n], conv[stem(n)], conv[t.number] = true, true, true
	}
	noLower := func(string) bool { return false }
	rf := factsOf(r, noLower)
	for _, n := range append(rf.names, rf.numbers...) {
		if !conv[n] && !conv[strings.TrimSuffix(n, "s")] {
			return "", "names what the conversation does not"
		}
	}
	qf := factsOf(q, noLower)
	inR := map[string]bool{}
	for _, n := range append(append(rf.names, rf.numbers...), rf.content...) {
		inR[n] = true
	}
	for _, n := range append(qf.names, qf.numbers...) {
		if !inR[n] {
			return "", "drops a name of the question"
		}
	}
	fresh := 0
	for _, w := range rf.content {
		if !conv[w] {
			fresh++
		}
	}
	if fresh > 0 && fresh*5 > len(rf.content) {
		return "", "words from outside the conversation"
	}
	if r, err := CleanQuestion(r); err != nil || len(r) > 500 {
		return "", "unusable"
	}
	return r, ""
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
