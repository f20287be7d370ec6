package newsbot_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/newsbot-dev/newsbot"
)

// A streamed model answer that falls back is withdrawn explicitly, so a
// consumer never shows the model's sentences beside the quoted answer.
func TestStreamWithdrawnOnFallback(t *testing.T) {
	b := builtinBot(t)
	// The model streams one good sentence, then the stream breaks.
	b.Model = modelFunc(func(ctx context.Context, msgs []newsbot.Message, stream func(string)) (string, error) {
		if stream != nil {
			stream("Lavrov called talk of sanctions counter-productive [1]. He added more ")
		}
		return "", errors.New("stream cut")
	})
	var pieces []newsbot.Piece
	a, err := b.Ask(context.Background(), newsbot.Request{Question: "What did Lavrov say about sanctions?"}, func(p newsbot.Piece) { pieces = append(pieces, p) })
	if err != nil {
		t.Fatal(err)
	}
	if a.Fallback != newsbot.FallbackModelFailed || newsbot.OutcomeOf(a, nil) != newsbot.OutcomeFallback {
		t.Fatalf("answer = %+v", a)
	}
	if len(pieces) < 2 || pieces[0].Text == "" || !pieces[len(pieces)-1].Withdraw {
		t.Fatalf("pieces = %+v, want text then a withdrawal", pieces)
	}

	// Nothing streamed: nothing to withdraw.
	pieces = nil
	b.Model = modelFunc(func(context.Context, []newsbot.Message, func(string)) (string, error) {
		return "", errors.New("refused")
	})
	if _, err := b.Ask(context.Background(), newsbot.Request{Question: "What did Lavrov say about sanctions?"}, func(p newsbot.Piece) { pieces = append(pieces, p) }); err != nil {
		t.Fatal(err)
	}
	if len(pieces) != 0 {
		t.Errorf("pieces = %+v, want none", pieces)
	}
}

type modelFunc func(ctx context.Context, msgs []newsbot.Message, stream func(string)) (string, error)

func (f modelFunc) Complete(ctx context.Context, msgs []newsbot.Message, stream func(string)) (string, error) {
	return f(ctx, msgs, stream)
}

// With Conversations, a request names its conversation and the bot reads
// and records the turns itself.
func TestConversationsByKey(t *testing.T) {
	b := builtinBot(t)
	convs := &newsbot.MemoryConversations{}
	b.Conversations = convs
	ctx := context.Background()
	if _, err := b.Ask(ctx, newsbot.Request{Question: "What did Lavrov say about sanctions?", Conversation: "t1"}, nil); err != nil {
		t.Fatal(err)
	}
	a, err := b.Ask(ctx, newsbot.Request{Question: "and what did Medvedev say?", Conversation: "t1"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(a.Question, "sanctions") {
		t.Errorf("follow-up read as %q, without the earlier turn", a.Question)
	}
	// Another conversation does not see it.
	a, _ = b.Ask(ctx, newsbot.Request{Question: "and what did Medvedev say?", Conversation: "t2"}, nil)
	if strings.Contains(a.Question, "sanctions") {
		t.Errorf("conversation t2 read t1's turn: %q", a.Question)
	}
	turns, _ := convs.Turns(ctx, "t1")
	if len(turns) != 2 || turns[0].Question != "What did Lavrov say about sanctions?" {
		t.Errorf("stored turns = %+v", turns)
	}
}

func TestMemoryConversationsBounds(t *testing.T) {
	ctx := context.Background()
	m := &newsbot.MemoryConversations{Max: 3}
	for i := range 10 {
		m.Append(ctx, "a", newsbot.Turn{Question: fmt.Sprint(i)})
	}
	turns, _ := m.Turns(ctx, "a")
	if len(turns) != newsbot.MaxTurns || turns[len(turns)-1].Question != "9" {
		t.Errorf("turns = %+v, want the last %d", turns, newsbot.MaxTurns)
	}
	for _, k := range []string{"b", "c", "d"} {
		m.Append(ctx, k, newsbot.Turn{Question: k})
	}
	if turns, _ := m.Turns(ctx, "a"); len(turns) != 0 {
		t.Errorf("least recently used conversation kept beyond Max: %+v", turns)
	}
	if turns, _ := m.Turns(ctx, "d"); len(turns) != 1 {
		t.Errorf("newest conversation lost: %+v", turns)
	}
}

func TestGate(t *testing.T) {
	var g newsbot.Gate
	ctx := context.Background()
	req := newsbot.Request{Question: "What did Lavrov say about sanctions?"}
	if _, err := g.Ask(ctx, req, nil); !errors.Is(err, newsbot.ErrNotReady) || g.Ready() {
		t.Fatalf("closed gate: err = %v, ready = %v", err, g.Ready())
	}
	g.Open(builtinBot(t))
	if a, err := g.Ask(ctx, req, nil); err != nil || len(a.Citations) == 0 || !g.Ready() {
		t.Fatalf("open gate: %+v, %v", a, err)
	}
	g.Close()
	if _, err := g.Ask(ctx, req, nil); !errors.Is(err, newsbot.ErrNotReady) || g.Ready() {
		t.Fatalf("stopped gate: err = %v", err)
	}
}

type recorder struct {
	mu       sync.Mutex
	outcomes []newsbot.Outcome
	adapters []string
}

func (r *recorder) Observe(adapter string, a newsbot.Answer, err error, total time.Duration) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.outcomes = append(r.outcomes, newsbot.OutcomeOf(a, err))
	r.adapters = append(r.adapters, adapter)
}

// Observe records every question and logs one line for it, with a request
// id: the caller's, or a new one; never the question's text.
func TestObserve(t *testing.T) {
	var logs bytes.Buffer
	rec := &recorder{}
	o := newsbot.Observe(builtinBot(t), "test", rec, slog.New(slog.NewJSONHandler(&logs, nil)))
	ctx := newsbot.WithRequestID(context.Background(), "req-1")
	o.Ask(ctx, newsbot.Request{Question: "What did Lavrov say about sanctions?"}, nil)
	o.Ask(context.Background(), newsbot.Request{Question: "Who won the 2018 World Cup?"}, nil)
	o.Ask(context.Background(), newsbot.Request{Question: ""}, nil)
	want := []newsbot.Outcome{newsbot.OutcomeExtractive, newsbot.OutcomeNoAnswer, newsbot.OutcomeError}
	if fmt.Sprint(rec.outcomes) != fmt.Sprint(want) || rec.adapters[0] != "test" {
		t.Errorf("observed %v %v, want %v", rec.outcomes, rec.adapters, want)
	}
	lines := strings.Split(strings.TrimSpace(logs.String()), "\n")
	if len(lines) != 3 || !strings.Contains(lines[0], `"request_id":"req-1"`) || !strings.Contains(lines[1], `"request_id":"`) {
		t.Errorf("log lines:\n%s", logs.String())
	}
	if strings.Contains(logs.String(), "Lavrov") || strings.Contains(logs.String(), "counter-productive") {
		t.Errorf("the log holds question or article text:\n%s", logs.String())
	}
}
