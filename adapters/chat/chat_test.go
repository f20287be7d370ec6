package chat

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

// clock is a settable test clock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

func TestCheck(t *testing.T) {
	for _, tt := range []struct{ in, q, refusal string }{
		{"  What did Lavrov say?  ", "What did Lavrov say?", ""},
		{"   ", "", Empty},
		{"", "", Empty},
		{strings.Repeat("a", newsbot.MaxQuestionBytes+1), "", TooLong},
		{strings.Repeat("a", newsbot.MaxQuestionBytes), strings.Repeat("a", newsbot.MaxQuestionBytes), ""},
		{"caf\xe9?", "", Unreadable},
	} {
		q, refusal := Check(tt.in)
		if q != tt.q || refusal != tt.refusal {
			t.Errorf("Check(%.20q) = %.20q, %q; want %.20q, %q", tt.in, q, refusal, tt.q, tt.refusal)
		}
		if _, err := newsbot.CleanQuestion(tt.in); (err == nil) != (tt.refusal == "") {
			t.Errorf("Check and newsbot.CleanQuestion disagree on %.20q", tt.in)
		}
	}
}

func TestFailure(t *testing.T) {
	for _, tt := range []struct {
		err  error
		want string
	}{
		{fmt.Errorf("the coverage is loading: %w", newsbot.ErrNotReady), NotReady},
		{fmt.Errorf("x: %w", newsbot.ErrQuestion), Unreadable},
		{errors.New("connection refused"), Sorry},
		{fmt.Errorf("answer: %w", ErrPanic), Sorry},
	} {
		if got := Failure(tt.err); got != tt.want {
			t.Errorf("Failure(%v) = %q, want %q", tt.err, got, tt.want)
		}
	}
}

func TestLimiterNotifiesOncePerRunOfRefusals(t *testing.T) {
	c := &clock{t: time.Unix(1700000000, 0)}
	l := &Limiter{PerMinute: 6, Burst: 2, Now: c.now}
	type step struct{ ok, notify bool }
	var got []step
	ask := func() { ok, n := l.Allow("ann"); got = append(got, step{ok, n}) }
	ask()
	ask()
	ask() // over: told
	ask() // over: quiet
	ask() // over: quiet
	if ok, _ := l.Allow("bob"); !ok {
		t.Error("another person was limited by ann's questions")
	}
	c.add(10 * time.Second) // one question a 10 s
	ask()                   // allowed again
	ask()                   // over: told again, a new run
	want := []step{{true, false}, {true, false}, {false, true}, {false, false}, {false, false}, {true, false}, {false, true}}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("got %v, want %v", got, want)
	}
}

func TestLimiterBoundsPeopleAndCanBeOff(t *testing.T) {
	c := &clock{t: time.Unix(1700000000, 0)}
	l := &Limiter{Burst: 1, MaxPeople: 3, Now: c.now}
	for i := range 10 {
		l.Allow(fmt.Sprint("p", i))
	}
	if n := len(l.people); n != 3 || l.lru.Len() != 3 {
		t.Errorf("tracking %d people, want at most 3", n)
	}
	off := &Limiter{PerMinute: -1}
	for range 100 {
		if ok, _ := off.Allow("ann"); !ok {
			t.Fatal("a negative PerMinute limited")
		}
	}
	var zero Limiter // DefaultBurst
	for i := range DefaultBurst {
		if ok, _ := zero.Allow("ann"); !ok {
			t.Fatalf("question %d of the default burst refused", i+1)
		}
	}
	if ok, _ := zero.Allow("ann"); ok {
		t.Error("the zero Limiter allowed more than DefaultBurst at once")
	}
}

func TestMemoryDedupeTTL(t *testing.T) {
	c := &clock{t: time.Unix(1700000000, 0)}
	d := &MemoryDedupe{Now: c.now}
	ctx := context.Background()
	first := func(key string) bool {
		ok, err := d.First(ctx, key, time.Minute)
		if err != nil {
			t.Fatal(err)
		}
		return ok
	}
	if !first("Ev1") || first("Ev1") {
		t.Fatal("a second delivery within the TTL was not a duplicate")
	}
	c.add(59 * time.Second)
	if first("Ev1") {
		t.Error("forgotten before its TTL")
	}
	c.add(2 * time.Second)
	if !first("Ev1") {
		t.Error("still a duplicate after its TTL")
	}
	if a, b := first(""), first(""); !a || !b {
		t.Error("an empty key was a duplicate")
	}
}

func TestMemoryDedupeBound(t *testing.T) {
	c := &clock{t: time.Unix(1700000000, 0)}
	d := &MemoryDedupe{Max: 3, Now: c.now}
	ctx := context.Background()
	for _, k := range []string{"a", "b", "c", "d"} {
		if ok, _ := d.First(ctx, k, time.Hour); !ok {
			t.Fatalf("%s: not first", k)
		}
	}
	if len(d.until) > 3 || d.order.Len() > 3 {
		t.Errorf("kept %d keys, want at most 3", len(d.until))
	}
	if ok, _ := d.First(ctx, "a", time.Hour); !ok {
		t.Error(`the oldest key, "a", was not the one forgotten`)
	}
	if ok, _ := d.First(ctx, "d", time.Hour); ok {
		t.Error(`the newest key, "d", was forgotten`)
	}
}

func TestMemoryLinks(t *testing.T) {
	ctx := context.Background()
	l := &MemoryLinks{Max: 2}
	l.Link(ctx, "m1", "conv-a")
	l.Link(ctx, "m2", "conv-a")
	if k, _ := l.Conversation(ctx, "m1"); k != "conv-a" {
		t.Errorf("m1 -> %q", k)
	}
	l.Link(ctx, "m3", "conv-b") // m2 is the least recently used
	if k, _ := l.Conversation(ctx, "m2"); k != "" {
		t.Errorf("m2 kept beyond the bound: %q", k)
	}
	if k, _ := l.Conversation(ctx, "m3"); k != "conv-b" {
		t.Errorf("m3 -> %q", k)
	}
	if k, _ := l.Conversation(ctx, "nope"); k != "" {
		t.Errorf("unknown -> %q", k)
	}
}

// edits records a Streamer's edits and when they came.
type edits struct {
	mu    sync.Mutex
	texts []string
	at    []time.Time
	got   chan struct{}
}

func newEdits() *edits { return &edits{got: make(chan struct{}, 100)} }

func (e *edits) edit(_ context.Context, text string) {
	e.mu.Lock()
	e.texts = append(e.texts, text)
	e.at = append(e.at, time.Now())
	e.mu.Unlock()
	e.got <- struct{}{}
}

func (e *edits) waitN(t *testing.T, n int) {
	t.Helper()
	for {
		e.mu.Lock()
		have := len(e.texts)
		e.mu.Unlock()
		if have >= n {
			return
		}
		select {
		case <-e.got:
		case <-time.After(10 * time.Second):
			t.Fatalf("waited for %d edits, have %d", n, have)
		}
	}
}

func TestStreamerEditsAtMostOncePerInterval(t *testing.T) {
	const every = 50 * time.Millisecond
	e := newEdits()
	s := NewStreamer(context.Background(), every, nil, e.edit)
	s.Add(newsbot.Piece{Text: "Lavrov objected [1]."})
	e.waitN(t, 1) // the first text is shown at once
	for _, p := range []string{" He", " wanted", " talks", " [1]."} {
		s.Add(newsbot.Piece{Text: p})
	}
	e.waitN(t, 2)
	s.Add(newsbot.Piece{Text: " More."})
	var finalAt time.Time
	err := s.Finish(context.Background(), func(context.Context) error { finalAt = time.Now(); return nil })
	if err != nil {
		t.Fatal(err)
	}
	if !s.Edited() {
		t.Error("Edited is false after edits")
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.texts[0] != "Lavrov objected [1]." {
		t.Errorf("first edit %q", e.texts[0])
	}
	if last := e.texts[len(e.texts)-1]; !strings.HasPrefix(last, "Lavrov objected [1]. He") {
		t.Errorf("later edit %q is not the whole text so far", last)
	}
	at := append(e.at, finalAt)
	for i := 1; i < len(at); i++ {
		if gap := at[i].Sub(at[i-1]); gap < every {
			t.Errorf("edits %d and %d %v apart, under the interval %v", i, i+1, gap, every)
		}
	}
}

func TestStreamerWithdrawEmptiesTheText(t *testing.T) {
	e := newEdits()
	s := NewStreamer(context.Background(), time.Millisecond, nil, e.edit)
	s.Add(newsbot.Piece{Text: "The model's answer [1]."})
	e.waitN(t, 1)
	s.Add(newsbot.Piece{Withdraw: true})
	s.Add(newsbot.Piece{Text: "Another start."})
	e.waitN(t, 2)
	s.Finish(context.Background(), nil)
	e.mu.Lock()
	defer e.mu.Unlock()
	if got := e.texts[len(e.texts)-1]; got != "Another start." {
		t.Errorf("after Withdraw the edit shows %q, want only what came after", got)
	}
	for _, x := range e.texts {
		if strings.TrimSpace(x) == "" {
			t.Error("a blank edit was made")
		}
	}
}

func TestStreamerFinishFlushesTheRest(t *testing.T) {
	e := newEdits()
	s := NewStreamer(context.Background(), time.Hour, nil, e.edit)
	s.Add(newsbot.Piece{Text: "One."})
	e.waitN(t, 1)
	s.Add(newsbot.Piece{Text: " Two."}) // held back by the hour-long interval
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	s.Finish(ctx, nil)
	e.mu.Lock()
	defer e.mu.Unlock()
	if got := e.texts[len(e.texts)-1]; got != "One. Two." {
		t.Errorf("Finish left %q shown, want the whole text", got)
	}
}

func TestStreamerSurvivesAPanicInEdit(t *testing.T) {
	logs := &syncBuffer{}
	editing := make(chan struct{})
	s := NewStreamer(context.Background(), time.Millisecond, slog.New(slog.NewTextHandler(logs, nil)), func(context.Context, string) {
		close(editing)
		panic("render bug")
	})
	s.Add(newsbot.Piece{Text: "x"})
	<-editing
	s.Finish(context.Background(), func(context.Context) error { return nil })
	if !strings.Contains(logs.String(), "render bug") {
		t.Errorf("the panic was not logged: %s", logs.String())
	}
}

// syncBuffer is a log destination safe for concurrent use.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}
func (s *syncBuffer) String() string { s.mu.Lock(); defer s.mu.Unlock(); return s.b.String() }

func TestWorkPanicIsLoggedThePersonToldAndWorkGoesOn(t *testing.T) {
	logs := &syncBuffer{}
	w := &Work{Log: slog.New(slog.NewTextHandler(logs, nil))}
	told := make(chan string, 1)
	w.Go("answering", func(ctx context.Context) {
		var turns []newsbot.Turn
		_ = turns[len(newsbot.RequestID(ctx))] // out of range: a real bug's panic
	}, func(ctx context.Context) {
		told <- newsbot.RequestID(ctx)
	})
	var id string
	select {
	case id = <-told:
	case <-time.After(10 * time.Second):
		t.Fatal("the person was not told after a panic")
	}
	if id == "" {
		t.Error("the job had no request id")
	}
	ran := make(chan struct{})
	if !w.Go("answering", func(context.Context) { close(ran) }, nil) {
		t.Fatal("no more work taken after a panic")
	}
	<-ran
	if err := w.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	l := logs.String()
	for _, want := range []string{"panic while answering", "index out of range", "request_id=" + id, "chat.TestWork"} {
		if !strings.Contains(l, want) {
			t.Errorf("log lacks %q:\n%s", want, l)
		}
	}
}

func TestWorkShutdownWaitsThenCancels(t *testing.T) {
	var w Work
	started := make(chan struct{})
	finished := make(chan string, 2)
	w.Go("quick", func(ctx context.Context) {
		close(started)
		time.Sleep(20 * time.Millisecond)
		finished <- "quick: " + fmt.Sprint(ctx.Err())
	}, nil)
	<-started
	if err := w.Shutdown(context.Background()); err != nil {
		t.Fatalf("Shutdown with a job that finishes: %v", err)
	}
	if got := <-finished; got != "quick: <nil>" {
		t.Errorf("the job in progress was not let finish: %s", got)
	}
	if w.Accepting() || w.Go("late", func(context.Context) { finished <- "late" }, nil) {
		t.Error("work taken after Shutdown")
	}

	var w2 Work
	started2 := make(chan struct{})
	w2.Go("slow", func(ctx context.Context) {
		close(started2)
		<-ctx.Done()
		finished <- "slow: cancelled"
	}, nil)
	<-started2
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	if err := w2.Shutdown(ctx); err == nil || !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Shutdown past its grace: err = %v", err)
	}
	select {
	case got := <-finished:
		if got != "slow: cancelled" {
			t.Errorf("got %q", got)
		}
	default:
		t.Error("Shutdown returned before the cancelled job did")
	}
}
