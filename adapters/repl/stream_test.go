package repl

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"github.com/newsbot-dev/newsbot"
	"github.com/newsbot-dev/newsbot/adapters/chat"
)

// convBot streams its answers and keeps the conversations as the core's
// Bot does (in a newsbot.MemoryConversations, by Request.Conversation); it
// records the history each question was read against.
type convBot struct {
	store     newsbot.MemoryConversations
	keys      []string
	histories [][]newsbot.Turn
	answer    func(req newsbot.Request, stream newsbot.Stream) newsbot.Answer
}

func (b *convBot) Ask(ctx context.Context, req newsbot.Request, stream newsbot.Stream) (newsbot.Answer, error) {
	req.History, _ = b.store.Turns(ctx, req.Conversation)
	b.keys = append(b.keys, req.Conversation)
	b.histories = append(b.histories, req.History)
	a := b.answer(req, stream)
	b.store.Append(ctx, req.Conversation, newsbot.Turn{Question: a.Question, Answer: a.Text})
	return a, nil
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
	for range newsbot.MaxTurns + 3 {
		in += "more?\n"
	}
	Run(context.Background(), Config{In: strings.NewReader(in), Out: &out}, bot)
	if len(bot.histories[0]) != 0 || len(bot.histories[1]) != 1 || bot.histories[1][0].Question != "What did Lavrov say about sanctions?" {
		t.Errorf("histories = %+v", bot.histories[:2])
	}
	if !strings.Contains(out.String(), "(Read as: What did Lavrov say about sanctions? and what did Medvedev say?)") {
		t.Errorf("rewritten question not shown:\n%s", out.String())
	}
	if n := len(bot.histories[len(bot.histories)-1]); n != newsbot.MaxTurns {
		t.Errorf("history grew to %d turns, want it bounded at %d", n, newsbot.MaxTurns)
	}
	for _, k := range bot.keys {
		if k == "" || k != bot.keys[0] {
			t.Fatalf("conversation keys %q, want the session's for every question", bot.keys)
		}
	}
	// Another chat is another conversation.
	again := &convBot{answer: bot.answer}
	Run(context.Background(), Config{In: strings.NewReader("and what did Medvedev say?\n"), Out: &out}, again)
	if again.keys[0] == bot.keys[0] || len(again.histories[0]) != 0 {
		t.Errorf("a second session shares the first's conversation (%q)", again.keys[0])
	}
}

// A panic inside answering (after a piece streamed) is the cut-off line and
// the sorry sentence; the next question is answered. Not ready has its own
// sentence.
func TestPanicWhileAnsweringKeepsTheChatGoing(t *testing.T) {
	bot := &convBot{answer: func(req newsbot.Request, stream newsbot.Stream) newsbot.Answer {
		switch req.Question {
		case "boom":
			stream(newsbot.Piece{Text: "Reuters reported [1]."})
			var turns []newsbot.Turn
			_ = turns[len(req.Question)] // out of range: a real bug's panic
		}
		return newsbot.Answer{Question: req.Question, Text: "Lavrov objected [1].", Citations: []newsbot.Citation{lavrov}}
	}}
	var out bytes.Buffer
	var logs bytes.Buffer
	err := Run(context.Background(), Config{In: strings.NewReader("boom\nWhat did Lavrov say?\n"), Out: &out, Log: slog.New(slog.NewTextHandler(&logs, nil))}, bot)
	if err != nil {
		t.Fatal(err)
	}
	want := "Reuters reported [1].\n" + msgCutOff + "\n" + chat.Sorry + "\n\nLavrov objected [1].\n\nSources:\n"
	if got := out.String(); !strings.HasPrefix(got, want) {
		t.Errorf("output:\n%s\nwant it to start:\n%s", got, want)
	}
	if !strings.Contains(logs.String(), "index out of range") {
		t.Errorf("the panic was not logged: %s", logs.String())
	}

	notReady := answerFunc(func(context.Context, string) (newsbot.Answer, error) {
		return newsbot.Answer{}, fmt.Errorf("the coverage is loading: %w", newsbot.ErrNotReady)
	})
	out.Reset()
	Run(context.Background(), Config{In: strings.NewReader("What did Lavrov say?\n"), Out: &out}, notReady)
	if out.String() != chat.NotReady+"\n\n" {
		t.Errorf("not ready: %q", out.String())
	}
}

// /new starts a new conversation: the next question carries a new key, so
// no earlier turn is read with it.
func TestNewConversation(t *testing.T) {
	bot := &convBot{answer: func(req newsbot.Request, stream newsbot.Stream) newsbot.Answer {
		return newsbot.Answer{Question: req.Question, Text: "Answer [1]", Citations: []newsbot.Citation{lavrov}}
	}}
	var out bytes.Buffer
	in := "What did Lavrov say about sanctions?\nand what did Medvedev say?\n/new\nWhere were the talks held?\n"
	if err := Run(context.Background(), Config{In: strings.NewReader(in), Out: &out}, bot); err != nil {
		t.Fatal(err)
	}
	if len(bot.keys) != 3 || bot.keys[0] != bot.keys[1] || bot.keys[2] == bot.keys[1] || bot.keys[2] == "" {
		t.Fatalf("conversation keys %q: want the first two the same, the third new", bot.keys)
	}
	if len(bot.histories[1]) != 1 || len(bot.histories[2]) != 0 {
		t.Errorf("histories %+v: want one earlier turn for the follow-up, none after /new", bot.histories)
	}
	if !strings.Contains(out.String(), msgNew) {
		t.Errorf("output lacks the /new line:\n%s", out.String())
	}
}
