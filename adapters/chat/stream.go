package chat

import (
	"context"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/newsbot-dev/newsbot"
)

// Streamer shows an answer while it is made, by edits of one message: it
// receives the answer's Pieces (Add is a newsbot.Stream) and calls the
// adapter's edit with the text so far at most once per interval, the first
// time as soon as there is text. A Piece that withdraws what streamed (a
// fallback replaced the model's answer) empties the text; the final answer
// then takes its place (see Finish). Make one with NewStreamer.
type Streamer struct {
	every time.Duration
	log   *slog.Logger
	edit  func(ctx context.Context, text string)
	wake  chan struct{}
	quit  chan struct{}
	done  chan struct{}
	once  sync.Once

	mu   sync.Mutex
	text strings.Builder

	// Owned by run until done is closed.
	shown string
	last  time.Time
}

// NewStreamer starts showing a streamed answer with edit, which is called
// with the whole text so far (never blank, never twice the same), one call
// at a time, at most once per every, until Finish. edit renders and posts
// it (the first call usually posts the message the later ones edit) and
// logs its own failures; a panic in it is logged to log and ends the
// streaming, not the process.
func NewStreamer(ctx context.Context, every time.Duration, log *slog.Logger, edit func(ctx context.Context, text string)) *Streamer {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	s := &Streamer{every: every, log: log, edit: edit, wake: make(chan struct{}, 1), quit: make(chan struct{}), done: make(chan struct{})}
	go s.run(ctx)
	return s
}

// Add receives a piece of the answer; it never blocks on the platform.
func (s *Streamer) Add(p newsbot.Piece) {
	s.mu.Lock()
	if p.Withdraw {
		s.text.Reset()
	}
	s.text.WriteString(p.Text)
	s.mu.Unlock()
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

func (s *Streamer) run(ctx context.Context) {
	defer close(s.done)
	defer func() {
		if r := recover(); r != nil {
			logPanic(s.log, ctx, "showing a streamed answer", r)
		}
	}()
	for {
		select {
		case <-s.quit:
			return
		case <-s.wake:
		}
		if !s.pause(s.wait()) {
			return
		}
		s.mu.Lock()
		text := s.text.String()
		s.mu.Unlock()
		if text == s.shown || strings.TrimSpace(text) == "" {
			continue
		}
		s.edit(ctx, text)
		s.shown, s.last = text, time.Now()
	}
}

// wait is what remains of the interval since the last edit.
func (s *Streamer) wait() time.Duration {
	if s.last.IsZero() {
		return 0
	}
	return s.every - time.Since(s.last)
}

// pause waits d, or until Finish; it reports false for Finish.
func (s *Streamer) pause(d time.Duration) bool {
	if d <= 0 {
		return true
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-s.quit:
		return false
	case <-t.C:
		return true
	}
}

// Finish ends the streaming: an edit under way completes, no other
// starts. Then, once the interval since the last edit has passed (so that
// the last edit keeps to it too), it calls final, the adapter's own last
// edit with the whole answer, and returns its error; with final nil it
// flushes the text streamed so far, if it was not all shown. Call Finish
// once; ctx bounds only the wait.
func (s *Streamer) Finish(ctx context.Context, final func(ctx context.Context) error) error {
	s.Stop()
	if d := s.wait(); d > 0 {
		t := time.NewTimer(d)
		select {
		case <-t.C:
		case <-ctx.Done():
		}
		t.Stop()
	}
	if final != nil {
		return final(ctx)
	}
	s.mu.Lock()
	text := s.text.String()
	s.mu.Unlock()
	if text != s.shown && strings.TrimSpace(text) != "" {
		s.edit(ctx, text)
		s.shown, s.last = text, time.Now()
	}
	return nil
}

// Stop ends the streaming without a last edit: an edit under way
// completes, no other starts. It may be called more than once, and after
// Finish; defer it where a panic could skip Finish.
func (s *Streamer) Stop() {
	s.once.Do(func() { close(s.quit) })
	<-s.done
}

// Edited reports whether any edit was made; call it after Finish.
func (s *Streamer) Edited() bool { return !s.last.IsZero() }
