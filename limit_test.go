package newsbot

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"
)

// blocking answers once released.
type blocking struct {
	release chan struct{}
	in      chan struct{}
}

func (b blocking) Ask(ctx context.Context, req Request, _ Stream) (Answer, error) {
	b.in <- struct{}{}
	<-b.release
	return Answer{Text: req.Question}, nil
}

func TestLimitQueuesThenRefuses(t *testing.T) {
	b := blocking{release: make(chan struct{}), in: make(chan struct{}, 10)}
	l := NewLimit(b, 2, 50*time.Millisecond)
	var wg sync.WaitGroup
	errs := make(chan error, 3)
	for range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := l.Ask(context.Background(), Request{Question: "q"}, nil)
			errs <- err
		}()
	}
	<-b.in
	<-b.in
	// A third waits its turn, then is turned away with ErrBusy, which
	// adapters treat as not ready.
	_, err := l.Ask(context.Background(), Request{Question: "q"}, nil)
	if !errors.Is(err, ErrBusy) || !errors.Is(err, ErrNotReady) {
		t.Errorf("over the bound: %v, want ErrBusy wrapping ErrNotReady", err)
	}
	// One waiting in line gets the place freed.
	got := make(chan error, 1)
	l2 := NewLimit(b, 1, time.Hour)
	go func() {
		_, err := l2.Ask(context.Background(), Request{Question: "first"}, nil)
		got <- err
	}()
	<-b.in
	go func() {
		_, err := l2.Ask(context.Background(), Request{Question: "second"}, nil)
		got <- err
	}()
	close(b.release)
	for range 2 {
		if err := <-got; err != nil {
			t.Errorf("queued: %v", err)
		}
	}
	<-b.in
	wg.Wait()
	for range 2 {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
	// A cancelled wait ends at once.
	l3 := NewLimit(b, 1, time.Hour)
	l3.slots <- struct{}{}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := l3.Ask(ctx, Request{}, nil); !errors.Is(err, ErrBusy) || !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: %v", err)
	}
}
