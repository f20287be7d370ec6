package newsbot

import (
	"context"
	"fmt"
	"time"
)

// ErrBusy is the error of a question that Limit turned away: too many
// were being answered at once. It wraps ErrNotReady, so adapters answer
// it as they answer a process not ready (the HTTP API with 503 and
// Retry-After, the chat adapters with their not-ready sentence).
var ErrBusy = fmt.Errorf("too many questions at once: %w", ErrNotReady)

// Limit is an Answerer that lets at most a fixed number of questions
// through to the next one at once, so that a burst costs a bounded amount
// of memory and CPU and the questions let through stay fast. A question
// over the bound waits in line up to the queue wait for a place; past it,
// or when its context ends first, it gets ErrBusy. Make one with
// NewLimit.
type Limit struct {
	next  Answerer
	slots chan struct{}
	wait  time.Duration
}

// NewLimit returns a Limit of n questions at once (at least 1) before
// next, each extra one waiting up to wait.
func NewLimit(next Answerer, n int, wait time.Duration) *Limit {
	return &Limit{next: next, slots: make(chan struct{}, max(1, n)), wait: wait}
}

// Ask implements Answerer.
func (l *Limit) Ask(ctx context.Context, req Request, stream Stream) (Answer, error) {
	select {
	case l.slots <- struct{}{}:
	default:
		t := time.NewTimer(l.wait)
		select {
		case l.slots <- struct{}{}:
			t.Stop()
		case <-t.C:
			return Answer{}, ErrBusy
		case <-ctx.Done():
			t.Stop()
			return Answer{}, fmt.Errorf("%w (%w)", ErrBusy, ctx.Err())
		}
	}
	defer func() { <-l.slots }()
	return l.next.Ask(ctx, req, stream)
}
