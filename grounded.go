package newsbot

import (
	"context"
	"strings"
	"sync"
	"time"

	"github.com/newsbot-dev/newsbot/prompts"
)

// builtinPrompts are the embedded templates, parsed once.
var builtinPrompts = sync.OnceValues(func() (*prompts.Set, error) { return prompts.Load("") })

func (b *Bot) prompts() (*prompts.Set, error) {
	if b.Prompts != nil {
		return b.Prompts, nil
	}
	return builtinPrompts()
}

// evidenceForModel picks the evidence worth showing the model: the best
// sentence, and those that match a fair part of the question, at most
// MaxEvidence.
func (b *Bot) evidenceForModel(ev []Evidence) []Evidence {
	maxN := b.MaxEvidence
	if maxN == 0 {
		maxN = 8
	}
	minCov := b.minCoverage() / 2
	var out []Evidence
	for i, e := range ev {
		if len(out) == maxN {
			break
		}
		if i == 0 || (e.Relevance.Own > 0 && e.Relevance.Coverage >= minCov) {
			out = append(out, e)
		}
	}
	return out
}

// grounded asks the model to answer q from numbered evidence and checks
// its reply. stream, when not nil, receives the checked text of whole
// sentences as the reply arrives.
func (b *Bot) grounded(ctx context.Context, q string, all []Evidence, stream func(string), tm *Timing) (Answer, error) {
	ps, err := b.prompts()
	if err != nil {
		return Answer{}, err
	}
	ev := b.evidenceForModel(all)
	msgs, err := answerPrompt(ps, q, ev)
	if err != nil {
		return Answer{}, err
	}

	c := newChecker(ev)
	var onText func(string)
	sent := ""
	if stream != nil {
		// Release the checked text of whole sentences only, so that what
		// the person sees while the reply streams is already checked.
		var reply strings.Builder
		onText = func(piece string) {
			reply.WriteString(piece)
			stable := c.stableText(reply.String())
			if len(stable) > len(sent) && strings.HasPrefix(stable, sent) {
				stream(stable[len(sent):])
				sent = stable
			}
		}
	}
	start := time.Now()
	reply, err := b.Model.Complete(ctx, msgs, onText)
	tm.Model = time.Since(start)
	if err != nil {
		return Answer{}, err
	}
	start = time.Now()
	defer func() { tm.Check = time.Since(start) }()
	if isNoAnswer(reply) {
		return Answer{Question: q, Mode: ModeModel, NoAnswer: true, Text: NoAnswerText}, nil
	}
	a := Answer{Question: q, Mode: ModeModel}
	a.Text = c.check(reply)
	a.Removed = c.removed
	if stream != nil && len(a.Text) > len(sent) && strings.HasPrefix(a.Text, sent) {
		// The reply is complete: its last sentence is now certain too.
		stream(a.Text[len(sent):])
	}
	for _, n := range c.order {
		a.Citations = append(a.Citations, citation(len(a.Citations)+1, ev[n-1]))
	}
	return a, nil
}

// answerPrompt renders the messages that ask the model to answer q from
// the numbered evidence.
func answerPrompt(ps *prompts.Set, q string, ev []Evidence) ([]Message, error) {
	data := prompts.AnswerData{Question: q}
	for i, e := range ev {
		data.Evidence = append(data.Evidence, prompts.Evidence{
			N:        i + 1,
			Outlet:   orUnknown(SourceName(e.Outlet, e.Wire), "unknown outlet"),
			Title:    orUnknown(e.Title, "untitled"),
			Date:     dateOf(e.Published),
			Sentence: collapseSpace(e.Sentence),
			Context:  collapseSpace(e.Before),
		})
	}
	system, err := ps.Render(prompts.System, prompts.SystemData{MaxSentences: 5, NoAnswer: noAnswerToken})
	if err != nil {
		return nil, err
	}
	user, err := ps.Render(prompts.Answer, data)
	if err != nil {
		return nil, err
	}
	return []Message{{Role: RoleSystem, Content: system}, {Role: RoleUser, Content: user}}, nil
}

// isNoAnswer recognises the model's way of saying the evidence does not
// answer.
func isNoAnswer(reply string) bool {
	r := strings.TrimSpace(strings.Trim(strings.TrimSpace(reply), "`\"'*."))
	return strings.HasPrefix(r, noAnswerToken)
}

func orUnknown(s, label string) string {
	if strings.TrimSpace(s) == "" {
		return label
	}
	return s
}

func dateOf(t time.Time) string {
	if t.IsZero() {
		return "date unknown"
	}
	return t.Format("2006-01-02")
}
