package newsbot

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/newsbot-dev/newsbot/corpus"
	"github.com/newsbot-dev/newsbot/prompts"
)

// Request is a question in a conversation.
type Request struct {
	// Question is the person's latest question, as typed.
	Question string
	// History holds the conversation's earlier turns, oldest first. The bot
	// reads at most the last MaxHistory of them.
	History []Turn
}

// Turn is one earlier exchange of a conversation.
type Turn struct {
	// Question is the question as the bot answered it (standalone).
	Question string
	// Answer is the answer's text.
	Answer string
}

// MaxHistory is how many earlier turns a follow-up question is read
// against; older turns are ignored.
const MaxHistory = 4

// The notes that label a fallback to the extractive answer.
const (
	NoteModelFailed = "The model could not answer just now, so here are the sentences of the coverage that best answer the question."
	NoteUnchecked   = "The model's answer could not be checked against the coverage, so here are the sentences that best answer the question instead."
)

// noAnswerToken is the reply the rules ask of the model when the evidence
// does not answer.
const noAnswerToken = "NO_ANSWER"

// Ask answers a question in the context of a conversation. With a Model,
// the model writes the answer from numbered evidence and the core checks
// every citation; stream, when not nil, receives the checked answer's text
// as it is produced, sentence by sentence (pieces that join to a prefix of
// the final Text). The returned Answer is the final, checked answer. When
// the model fails or nothing of its reply survives checking, the answer is
// the extractive one with a Note saying so.
func (b *Bot) Ask(ctx context.Context, req Request, stream func(text string)) (Answer, error) {
	q, err := CleanQuestion(req.Question)
	if err != nil {
		return Answer{}, err
	}
	if err := ctx.Err(); err != nil {
		return Answer{}, err
	}
	if b.Index == nil {
		return Answer{}, errors.New("answer: no index")
	}
	history := req.History
	if len(history) > MaxHistory {
		history = history[len(history)-MaxHistory:]
	}
	var tm Timing
	t0 := time.Now()
	standalone := b.standalone(ctx, history, q)
	t1 := time.Now()
	tm.Rewrite = t1.Sub(t0)
	hits := b.Index.Search(standalone, 10)
	ext := b.extractive(standalone, hits)
	tm.Retrieve = time.Since(t1)
	ext.Timing = tm
	if ext.NoAnswer || b.Model == nil {
		// Nothing relevant: no model call.
		return ext, nil
	}
	a, err := b.modelAnswer(ctx, standalone, hits, stream, &tm)
	if err != nil {
		if ctx.Err() != nil {
			return Answer{}, ctx.Err()
		}
		b.log().Warn("model answer failed; answering extractively", "err", err)
		ext.Fallback, ext.Note, ext.Timing = true, NoteModelFailed, tm
		return ext, nil
	}
	a.Timing = tm
	if a.NoAnswer {
		return a, nil
	}
	if len(a.Citations) == 0 {
		b.log().Info("nothing of the model's answer survived checking; answering extractively", "removed", a.Removed)
		ext.Fallback, ext.Note, ext.Removed, ext.Timing = true, NoteUnchecked, a.Removed, tm
		return ext, nil
	}
	return a, nil
}

func (b *Bot) log() *slog.Logger {
	if b.Log != nil {
		return b.Log
	}
	return slog.New(slog.DiscardHandler)
}

// builtinPrompts are the embedded templates, parsed once.
var builtinPrompts = sync.OnceValues(func() (*prompts.Set, error) { return prompts.Load("") })

func (b *Bot) prompts() (*prompts.Set, error) {
	if b.Prompts != nil {
		return b.Prompts, nil
	}
	return builtinPrompts()
}

// evidence picks the hits worth showing the model: those that match a fair
// part of the question, at most MaxEvidence.
func (b *Bot) evidence(hits []corpus.Hit) []corpus.Hit {
	maxN := b.MaxEvidence
	if maxN == 0 {
		maxN = 8
	}
	minCov := b.minCoverage() / 2
	var ev []corpus.Hit
	for i, h := range hits {
		if len(ev) == maxN {
			break
		}
		if i == 0 || (h.Own > 0 && h.Coverage >= minCov) {
			ev = append(ev, h)
		}
	}
	return ev
}

// modelAnswer asks the model to answer from numbered evidence and checks
// its reply.
func (b *Bot) modelAnswer(ctx context.Context, q string, hits []corpus.Hit, stream func(string), tm *Timing) (Answer, error) {
	ps, err := b.prompts()
	if err != nil {
		return Answer{}, err
	}
	ev := b.evidence(hits)
	data := prompts.AnswerData{Question: q}
	for i, h := range ev {
		e := prompts.Evidence{
			N:        i + 1,
			Outlet:   orUnknown(h.Article.Outlet, "unknown outlet"),
			Title:    orUnknown(h.Article.Title, "untitled"),
			Date:     dateOf(h.Article.Published),
			Sentence: collapseSpace(h.Text()),
		}
		if corpus.NeedsContext(h.Text()) {
			if prev, ok := b.Index.Previous(h); ok {
				e.Context = collapseSpace(prev)
			}
		}
		data.Evidence = append(data.Evidence, e)
	}
	system, err := ps.Render(prompts.System, prompts.SystemData{MaxSentences: 5, NoAnswer: noAnswerToken})
	if err != nil {
		return Answer{}, err
	}
	user, err := ps.Render(prompts.Answer, data)
	if err != nil {
		return Answer{}, err
	}
	msgs := []Message{{Role: RoleSystem, Content: system}, {Role: RoleUser, Content: user}}

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

func citation(n int, h corpus.Hit) Citation {
	return Citation{
		N:         n,
		ArticleID: h.Article.ID,
		Start:     h.Start,
		End:       h.End,
		Sentence:  h.Text(),
		Outlet:    h.Article.Outlet,
		Title:     h.Article.Title,
		URL:       h.Article.URL,
		Published: h.Article.Published,
		Paragraph: h.Paragraph + 1,
		Index:     h.Index + 1,
	}
}
