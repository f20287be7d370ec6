package newsbot

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"time"
)

// Observer records each question an adapter asked: metrics. The core
// declares it; adapters/prometheus implements it. It must be quick and safe
// for concurrent use.
type Observer interface {
	// Observe records one question asked through adapter: what it got (a
	// and err, as Ask returned them) and how long it took in all.
	Observe(adapter string, a Answer, err error, total time.Duration)
}

// Observe returns next with observation around it: every question gets a
// request id (the one in ctx, see WithRequestID, else a new one), is recorded
// by obs (when not nil), and gets one log line: request id, adapter,
// outcome, the time of each stage, citations kept and removed; never
// article text or a secret, and the question only as its length. Every
// adapter is given an observed Answerer, in `bot serve` and alone alike.
func Observe(next Answerer, adapter string, obs Observer, log *slog.Logger) Answerer {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &observed{next: next, adapter: adapter, obs: obs, log: log}
}

type observed struct {
	next    Answerer
	adapter string
	obs     Observer
	log     *slog.Logger
}

func (o *observed) Ask(ctx context.Context, req Request, stream Stream) (Answer, error) {
	id := RequestID(ctx)
	if id == "" {
		id = NewRequestID()
		ctx = WithRequestID(ctx, id)
	}
	start := time.Now()
	a, err := o.next.Ask(ctx, req, stream)
	total := time.Since(start)
	if o.obs != nil {
		o.obs.Observe(o.adapter, a, err, total)
	}
	ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
	attrs := []any{
		"request_id", id, "adapter", o.adapter, "outcome", string(OutcomeOf(a, err)),
		"question_bytes", len(req.Question), "history_turns", len(req.History),
		"total_ms", ms(total), "rewrite_ms", ms(a.Timing.Rewrite), "retrieve_ms", ms(a.Timing.Retrieve),
		"model_ms", ms(a.Timing.Model), "check_ms", ms(a.Timing.Check),
		"citations", len(a.Citations), "removed_markers", a.Removed.Markers,
		"removed_sentences", a.Removed.Sentences, "removed_links", a.Removed.Links,
		"removed_unsupported", a.Removed.Unsupported, "recited", a.Removed.Recited,
		"reasoning_bytes", a.Removed.Reasoning,
	}
	if a.Fallback != FallbackNone {
		attrs = append(attrs, "fallback", string(a.Fallback))
	}
	if err != nil {
		o.log.Warn("question", append(attrs, "err", err)...)
	} else {
		o.log.Info("question", attrs...)
	}
	return a, err
}

type requestIDKey struct{}

// WithRequestID returns ctx carrying the request id id, which Observe logs
// and adapters may return to their callers.
func WithRequestID(ctx context.Context, id string) context.Context {
	return context.WithValue(ctx, requestIDKey{}, id)
}

// RequestID returns the request id in ctx, or "".
func RequestID(ctx context.Context) string {
	id, _ := ctx.Value(requestIDKey{}).(string)
	return id
}

// NewRequestID returns a new random request id: 16 hex digits.
func NewRequestID() string {
	var b [8]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}
