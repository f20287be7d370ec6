package chat

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"sync"
	"time"

	"github.com/newsbot-dev/newsbot"
)

// ErrPanic is wrapped by the error Recovered returns for a panic.
var ErrPanic = errors.New("panic")

// Recovered calls f and returns nil, or, when f panics, an error wrapping
// ErrPanic after logging the panic and its stack to log (with the request
// id in ctx): a bug in answering one question must not end the process
// nor leave the person without a reply.
func Recovered(ctx context.Context, log *slog.Logger, what string, f func()) (err error) {
	defer func() {
		if r := recover(); r != nil {
			logPanic(log, ctx, what, r)
			err = fmt.Errorf("%s: %w: %v", what, ErrPanic, r)
		}
	}()
	f()
	return nil
}

func logPanic(log *slog.Logger, ctx context.Context, what string, r any) {
	if log == nil {
		return
	}
	log.Error("panic while "+what, "request_id", newsbot.RequestID(ctx), "panic", fmt.Sprint(r), "stack", string(debug.Stack()))
}

// Detached returns a short context, for the last words of an answer (a
// sorry sentence, removing a reaction), that outlives ctx's cancellation
// but keeps its values (the request id).
func Detached(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
}

// Work runs an adapter's background jobs (answering a question, sharing an
// answer) and shuts them down: Shutdown stops taking jobs, lets those under
// way finish within a grace, then cancels them. A job that panics is
// logged with its stack, the person is told Sorry, and the process keeps
// serving. Its zero value is ready for use; it must not be copied after
// first use.
type Work struct {
	// Log receives panics, with their stacks; nil discards them.
	Log *slog.Logger
	// Timeout bounds each job; 0 means none.
	Timeout time.Duration

	mu      sync.Mutex
	closing bool
	base    context.Context // every job's parent; stop cancels it
	stop    context.CancelFunc
	jobs    sync.WaitGroup
}

// Go runs job in the background, unless Shutdown has begun (it then
// reports false and does nothing). job's context carries a new request id
// (newsbot.WithRequestID) and ends when Shutdown gives up waiting or after
// Timeout. If job panics, the panic is logged and sorry, when not nil, is
// called with a Detached context to tell the person (with Sorry).
func (w *Work) Go(what string, job func(ctx context.Context), sorry func(ctx context.Context)) bool {
	w.mu.Lock()
	if w.closing {
		w.mu.Unlock()
		return false
	}
	w.init()
	w.jobs.Add(1)
	base := w.base
	w.mu.Unlock()
	go func() {
		defer w.jobs.Done()
		ctx := newsbot.WithRequestID(base, newsbot.NewRequestID())
		if w.Timeout > 0 {
			var cancel context.CancelFunc
			ctx, cancel = context.WithTimeout(ctx, w.Timeout)
			defer cancel()
		}
		err := Recovered(ctx, w.Log, what, func() { job(ctx) })
		if err != nil && sorry != nil {
			dctx, cancel := Detached(ctx)
			defer cancel()
			_ = Recovered(dctx, w.Log, what+": saying sorry", func() { sorry(dctx) })
		}
	}()
	return true
}

// init makes the base context. w.mu is held.
func (w *Work) init() {
	if w.base == nil {
		w.base, w.stop = context.WithCancel(context.Background())
	}
}

// Accepting reports whether Go still takes jobs.
func (w *Work) Accepting() bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	return !w.closing
}

// Shutdown stops taking jobs and waits for those under way until ctx ends;
// then it cancels them (each still says its last words, with Detached
// contexts) and waits for them to return, and returns an error saying so.
func (w *Work) Shutdown(ctx context.Context) error {
	w.mu.Lock()
	w.closing = true
	w.init()
	w.mu.Unlock()
	done := make(chan struct{})
	go func() { w.jobs.Wait(); close(done) }()
	select {
	case <-done:
		w.stop()
		return nil
	case <-ctx.Done():
		w.stop()
		<-done
		return fmt.Errorf("answers in progress were cancelled: %w", ctx.Err())
	}
}
