package newsbot

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
)

// ErrNotReady is wrapped by the errors of an Answerer that cannot answer
// yet or any more: the coverage is still loading, or the process is
// stopping. Adapters say so (the HTTP API with 503) instead of the sorry
// sentence.
var ErrNotReady = errors.New("not ready")

// Gate is an Answerer that passes questions to the Answerer it was last
// opened with: it answers ErrNotReady until Open is first called and after
// Close, and Open again swaps in a new Answerer (a reloaded index) without
// stopping, the questions already being answered finishing on the old one.
// Its zero value is closed and ready for use.
type Gate struct {
	next    atomic.Pointer[Answerer]
	stopped atomic.Bool
}

// Open makes the gate answer with next.
func (g *Gate) Open(next Answerer) { g.next.Store(&next) }

// Close makes the gate refuse every later question with ErrNotReady.
func (g *Gate) Close() { g.stopped.Store(true) }

// Ready reports whether the gate answers.
func (g *Gate) Ready() bool { return g.next.Load() != nil && !g.stopped.Load() }

// Ask implements Answerer.
func (g *Gate) Ask(ctx context.Context, req Request, stream Stream) (Answer, error) {
	next := g.next.Load()
	if next == nil {
		return Answer{}, fmt.Errorf("the coverage is loading: %w", ErrNotReady)
	}
	if g.stopped.Load() {
		return Answer{}, fmt.Errorf("stopping: %w", ErrNotReady)
	}
	return (*next).Ask(ctx, req, stream)
}
