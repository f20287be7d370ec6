package repl

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/newsbot-dev/newsbot"
)

// convBot streams its answers and records the history it was given.
type convBot struct {
	histories [][]newsbot.Turn
	answer    func(req newsbot.Request, stream newsbot.Stream) newsbot.Answer
}

func (b *convBot) Ask(ctx context.Context, req newsbot.Request, stream newsbot.Stream) (newsbot.Answer, error) {
	b.histories = append(b.histories, append([]newsbot.Turn(nil), req.History...))
	return b.answer(req, stream), nil
}

var lavrov = newsbot.Citation{N: 1, ArticleID: "a", Sentence: "Lavrov said talk of sanctions was counter-productive.", Outlet: "Reuters", Title: "Clinton fails"}

func TestStreamedAnswerPrintedOnce(t *testing.T) {
	bot := &convBot{answer: func(req newsbot.Request, stream newsbot.Stream) newsbot.Answer {
		stream(newsbot.Piece{Text: "Reuters reported that Lavrov objected [1]."})
		stream(newsbot.Piece{Text: " He wanted talks [1]."})
		return newsbot.Answer{Question: req.Question, Mode: newsbot.ModeModel, Text: "Reuters reported that Lavrov objected [1]. He wanted talks [1].", Citations: []newsbot.Citation{lavrov}}
	}}
	var out bytes.Buffer
	if err := Run(context.Background(), Config{In: strings.NewReader("What did Lavrov say?\n"), Out: &out}, bot); err != nil {
		t.Fatal(err)
	}
	got := out.String()
	if strings.Count(got, "Lavrov objected") != 1 || !strings.Contains(got, "He wanted talks [1].\n\nSources:\n[1] Reuters") {
		t.Errorf("output:\n%s", got)
	}
	if strings.Contains(got, "cut off") {
		t.Errorf("complete answer labelled as cut off:\n%s", got)
	}
}

func TestCutStreamThenFallback(t *testing.T) {
	bot := &convBot{answer: func(req newsbot.Request, stream newsbot.Stream) newsbot.Answer {
		stream(newsbot.Piece{Text: "Reuters reported that Lavrov objected [1]."})
		stream(newsbot.Piece{Withdraw: true})
		return newsbot.Answer{Question: req.Question, Mode: newsbot.ModeExtractive, Fallback: newsbot.FallbackModelFailed, Note: newsbot.NoteModelFailed,
			Text: "Lavrov said talk of sanctions was counter-productive. [1]", Citations: []newsbot.Citation{lavrov}}
	}}
	var out bytes.Buffer
	Run(context.Background(), Config{In: strings.NewReader("What did Lavrov say?\n"), Out: &out}, bot)
	got := out.String()
	cut := strings.Index(got, msgCutOff)
	if cut < 0 || cut < strings.Index(got, "Lavrov objected") || !strings.Contains(got[cut:], "counter-productive. [1]") || !strings.Contains(got, newsbot.NoteModelFailed) {
		t.Errorf("output:\n%s", got)
	}
}

func TestConversationHistory(t *testing.T) {
	bot := &convBot{answer: func(req newsbot.Request, stream newsbot.Stream) newsbot.Answer {
		q := req.Question
		if len(req.History) > 0 {
			q = req.History[len(req.History)-1].Question + " " + q
		}
		return newsbot.Answer{Question: q, Text: "Answer to " + q + " [1]", Citations: []newsbot.Citation{lavrov}}
	}}
	var out bytes.Buffer
	in := "What did Lavrov say about sanctions?\nand what did Medvedev say?\n"
	for range maxTurns + 3 {
		in += "more?\n"
	}
	Run(context.Background(), Config{In: strings.NewReader(in), Out: &out}, bot)
	if len(bot.histories[0]) != 0 || len(bot.histories[1]) != 1 || bot.histories[1][0].Question != "What did Lavrov say about sanctions?" {
		t.Errorf("histories = %+v", bot.histories[:2])
	}
	if !strings.Contains(out.String(), "(Read as: What did Lavrov say about sanctions? and what did Medvedev say?)") {
		t.Errorf("rewritten question not shown:\n%s", out.String())
	}
	if n := len(bot.histories[len(bot.histories)-1]); n != maxTurns {
		t.Errorf("history grew to %d turns, want it bounded at %d", n, maxTurns)
	}
}
