package bolt

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"go.etcd.io/bbolt"

	"github.com/newsbot-dev/newsbot"
)

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

func open(t *testing.T, path string, opts Options) *Store {
	t.Helper()
	s, err := Open(path, opts)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func turn(i int) newsbot.Turn {
	return newsbot.Turn{Question: fmt.Sprint("question ", i), Answer: fmt.Sprint("answer ", i, " [1]")}
}

func TestTurnsSurviveReopening(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "data", "conversations.db")
	s := open(t, path, Options{})
	for i := range newsbot.MaxTurns + 2 {
		if err := s.Append(ctx, "slack:C1/1700000000.000100", turn(i)); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Link(ctx, "5001", "discord:msg:m1"); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	s = open(t, path, Options{})
	defer s.Close()
	got, err := s.Turns(ctx, "slack:C1/1700000000.000100")
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != newsbot.MaxTurns || got[0] != turn(2) || got[len(got)-1] != turn(newsbot.MaxTurns+1) {
		t.Errorf("after reopening: %+v, want the last %d turns", got, newsbot.MaxTurns)
	}
	if k, err := s.Conversation(ctx, "5001"); err != nil || k != "discord:msg:m1" {
		t.Errorf("link after reopening: %q, %v", k, err)
	}
	if got, err := s.Turns(ctx, "unknown"); err != nil || got != nil {
		t.Errorf("unknown conversation: %+v, %v", got, err)
	}
	if k, err := s.Conversation(ctx, "unknown"); err != nil || k != "" {
		t.Errorf("unknown message: %q, %v", k, err)
	}
}

func TestBoundedLeastRecentlyChangedFirst(t *testing.T) {
	ctx := context.Background()
	c := &clock{t: time.Unix(1700000000, 0)}
	s := open(t, filepath.Join(t.TempDir(), "c.db"), Options{MaxConversations: 3, MaxLinks: 2, Now: c.now})
	defer s.Close()
	for _, k := range []string{"a", "b", "c"} {
		c.add(time.Second)
		s.Append(ctx, k, turn(0))
	}
	c.add(time.Second)
	s.Append(ctx, "a", turn(1)) // a is now the most recent
	c.add(time.Second)
	s.Append(ctx, "d", turn(0)) // b goes
	for k, want := range map[string]int{"a": 2, "b": 0, "c": 1, "d": 1} {
		if got, _ := s.Turns(ctx, k); len(got) != want {
			t.Errorf("%s: %d turns, want %d", k, len(got), want)
		}
	}
	for _, id := range []string{"m1", "m2", "m3"} {
		c.add(time.Second)
		s.Link(ctx, id, "k-"+id)
	}
	if k, _ := s.Conversation(ctx, "m1"); k != "" {
		t.Errorf("m1 kept beyond MaxLinks: %q", k)
	}
	if k, _ := s.Conversation(ctx, "m3"); k != "k-m3" {
		t.Errorf("m3: %q", k)
	}
	var n, idx int
	s.db.View(func(tx *bbolt.Tx) error {
		n, idx = tx.Bucket(s.convs.data).Stats().KeyN, tx.Bucket(s.convs.byTime).Stats().KeyN
		return nil
	})
	if n != 3 || idx != 3 {
		t.Errorf("%d conversations and %d index entries on disk, want 3 and 3", n, idx)
	}
}

func TestForgottenAfterTTL(t *testing.T) {
	ctx := context.Background()
	c := &clock{t: time.Unix(1700000000, 0)}
	s := open(t, filepath.Join(t.TempDir(), "c.db"), Options{TTL: time.Hour, Now: c.now})
	defer s.Close()
	s.Append(ctx, "old", turn(0))
	s.Link(ctx, "m-old", "old")
	c.add(59 * time.Minute)
	if got, _ := s.Turns(ctx, "old"); len(got) != 1 {
		t.Fatalf("forgotten before its TTL: %+v", got)
	}
	c.add(2 * time.Minute)
	if got, _ := s.Turns(ctx, "old"); len(got) != 0 {
		t.Errorf("kept after its TTL: %+v", got)
	}
	if k, _ := s.Conversation(ctx, "m-old"); k != "" {
		t.Errorf("link kept after its TTL: %q", k)
	}
	s.Append(ctx, "old", turn(1)) // starts afresh, and prunes the stale entry
	if got, _ := s.Turns(ctx, "old"); len(got) != 1 || got[0] != turn(1) {
		t.Errorf("a conversation restarted after its TTL: %+v", got)
	}
	var idx int
	s.db.View(func(tx *bbolt.Tx) error { idx = tx.Bucket(s.convs.byTime).Stats().KeyN; return nil })
	if idx != 1 {
		t.Errorf("%d index entries, want 1", idx)
	}
}

func TestSecondProcessGetsAClearError(t *testing.T) {
	path := filepath.Join(t.TempDir(), "c.db")
	s := open(t, path, Options{})
	defer s.Close()
	_, err := Open(path, Options{LockWait: 50 * time.Millisecond})
	if !errors.Is(err, ErrInUse) {
		t.Fatalf("second Open: %v, want ErrInUse", err)
	}
	for _, want := range []string{path, "in use by another process", "bot serve"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not say %q", err, want)
		}
	}
}

func TestConcurrentUse(t *testing.T) {
	ctx := context.Background()
	s := open(t, filepath.Join(t.TempDir(), "c.db"), Options{})
	defer s.Close()
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 20 {
				key := fmt.Sprint("conv-", g)
				if err := s.Append(ctx, key, turn(i)); err != nil {
					t.Error(err)
				}
				if _, err := s.Turns(ctx, key); err != nil {
					t.Error(err)
				}
			}
		}()
	}
	wg.Wait()
	for g := range 4 {
		if got, _ := s.Turns(ctx, fmt.Sprint("conv-", g)); len(got) != newsbot.MaxTurns || got[len(got)-1] != turn(19) {
			t.Errorf("conv-%d: %+v", g, got)
		}
	}
}
