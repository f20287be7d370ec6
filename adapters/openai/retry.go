package openai

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
	"unicode/utf8"
)

// Retry timing, as in the official SDK (except the longest Retry-After
// honoured, which is ours).
const (
	initialBackoff = 500 * time.Millisecond
	maxBackoff     = 8 * time.Second
	// maxRetryAfter is the longest wait a server may ask for; asked for
	// more, we give up at once.
	maxRetryAfter = 120 * time.Second
	// maxLoggedBody is how much of an error body reaches the log.
	maxLoggedBody = 300
	// maxReplyBody bounds a reply that is not streamed.
	maxReplyBody = 16 << 20
)

// StatusError is the error Complete returns (wrapped) when the server
// answers with an error status, after any retries. It holds the status
// only: the body, which may echo part of the key, goes to the log. Callers
// can tell a configuration problem (401, 403, 404) from a server one (5xx).
type StatusError struct {
	// Code is the HTTP status code.
	Code int
}

// Error returns the status code and its standard text, e.g. "server
// answered 401 Unauthorized".
func (e *StatusError) Error() string {
	return fmt.Sprintf("server answered %d %s", e.Code, http.StatusText(e.Code))
}

// retryDoer is the go-openai HTTP client. go-openai neither retries nor
// shows Retry-After, so the doer retries here, where status and headers
// are seen before go-openai reads a body. It turns every error status into
// a *StatusError, so no error body ever reaches go-openai's error strings.
// It returns a response only once retrying is over, so a retry can never
// follow text that reached a person.
type retryDoer struct {
	next       *http.Client
	maxRetries int
	sleep      func(ctx context.Context, d time.Duration) error
	log        *slog.Logger
	apiKey     string
}

// Do sends req, retrying connection errors and 408, 409, 429 and 5xx
// answers up to maxRetries times.
func (d *retryDoer) Do(req *http.Request) (*http.Response, error) {
	ctx := req.Context()
	streaming := req.Header.Get("Accept") == "text/event-stream"
	for attempt := 0; ; attempt++ {
		r := req
		if attempt > 0 {
			var err error
			if r, err = rewind(req); err != nil {
				return nil, err
			}
		}
		resp, err := d.next.Do(r)
		if err == nil && resp.StatusCode < http.StatusBadRequest {
			if streaming {
				f := newSSEFilter(resp.Body)
				f.done, _ = ctx.Value(doneKey{}).(*atomic.Bool)
				resp.Body = f
				return resp, nil
			}
			// Read a plain reply here, so that a connection cut while
			// reading it is retried like any other connection error.
			if err = buffer(resp); err == nil {
				return resp, nil
			}
			err = fmt.Errorf("reading reply: %w", err)
		}
		if err != nil && ctx.Err() != nil {
			return nil, err // out of time or cancelled: never retried
		}

		var (
			failure = err
			retry   = err != nil
			wait    time.Duration
			asked   bool
		)
		if err == nil {
			failure = &StatusError{Code: resp.StatusCode}
			retry = retryable(resp.StatusCode)
			wait, asked = retryAfter(resp.Header, time.Now())
			d.logBody(resp, attempt)
		}
		if !retry {
			return nil, failure
		}
		if attempt >= d.maxRetries {
			if attempt == 0 {
				return nil, failure
			}
			return nil, fmt.Errorf("gave up after %d attempts: %w", attempt+1, failure)
		}
		if asked && wait > maxRetryAfter {
			return nil, fmt.Errorf("server asked to retry after %v, more than %v: %w", wait, maxRetryAfter, failure)
		}
		if !asked || wait <= 0 {
			wait = backoff(attempt)
		}
		if dl, ok := ctx.Deadline(); ok && time.Until(dl) < wait {
			return nil, fmt.Errorf("retry due in %v, after the call's deadline: %w", wait.Round(time.Millisecond), failure)
		}
		d.log.Info("openai: retrying", "attempt", attempt+1, "wait", wait, "after", failure.Error())
		if err := d.sleep(ctx, wait); err != nil {
			return nil, fmt.Errorf("waiting to retry: %w (after %w)", err, failure)
		}
	}
}

// rewind returns a copy of req with a fresh body, for a retry.
func rewind(req *http.Request) (*http.Request, error) {
	r := req.Clone(req.Context())
	if req.Body == nil || req.Body == http.NoBody {
		return r, nil
	}
	if req.GetBody == nil {
		return nil, errors.New("cannot retry: request body cannot be re-read")
	}
	body, err := req.GetBody()
	if err != nil {
		return nil, fmt.Errorf("cannot retry: re-reading request body: %w", err)
	}
	r.Body = body
	return r, nil
}

// buffer reads resp's body whole, replacing it with an in-memory copy.
func buffer(resp *http.Response) error {
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, maxReplyBody+1))
	if err != nil {
		return err
	}
	if len(b) > maxReplyBody {
		return fmt.Errorf("reply is over %d bytes", maxReplyBody)
	}
	resp.Body = io.NopCloser(bytes.NewReader(b))
	return nil
}

// logBody logs the start of an error answer's body and closes it.
func (d *retryDoer) logBody(resp *http.Response, attempt int) {
	defer resp.Body.Close()
	b, _ := io.ReadAll(io.LimitReader(resp.Body, maxLoggedBody+1))
	// Drain a little more so the connection can be reused.
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	d.log.Warn("openai: server answered an error",
		"status", resp.StatusCode, "attempt", attempt+1, "body", redact(truncate(string(b)), d.apiKey))
}

// retryable reports whether the official SDK retries status code.
func retryable(code int) bool {
	switch code {
	case http.StatusRequestTimeout, http.StatusConflict, http.StatusTooManyRequests:
		return true
	}
	return code >= 500
}

// retryAfter reads how long the server asked us to wait: retry-after-ms
// (OpenAI's), else Retry-After in seconds or as an HTTP date. ok is false
// when the server did not say, or said something unreadable.
func retryAfter(h http.Header, now time.Time) (wait time.Duration, ok bool) {
	if v := strings.TrimSpace(h.Get("Retry-After-Ms")); v != "" {
		if ms, err := strconv.ParseFloat(v, 64); err == nil && !math.IsNaN(ms) {
			return seconds(ms / 1000), true
		}
	}
	v := strings.TrimSpace(h.Get("Retry-After"))
	if v == "" {
		return 0, false
	}
	if s, err := strconv.ParseFloat(v, 64); err == nil && !math.IsNaN(s) {
		return seconds(s), true
	}
	if t, err := http.ParseTime(v); err == nil {
		return t.Sub(now), true
	}
	return 0, false
}

// seconds converts s to a Duration without overflowing.
func seconds(s float64) time.Duration {
	if s > 1e6 {
		s = 1e6
	}
	return time.Duration(s * float64(time.Second))
}

// backoff is the wait before retry n+1: 0.5 s × 2^n, at most 8 s, less up
// to a quarter at random so that clients do not retry in step.
func backoff(n int) time.Duration {
	d := maxBackoff
	if n < 5 {
		d = min(initialBackoff<<n, maxBackoff)
	}
	return time.Duration(float64(d) * (1 - 0.25*rand.Float64()))
}

// sleepCtx waits d, or until ctx ends.
func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// truncate shortens s to maxLoggedBody bytes, keeping it valid UTF-8.
func truncate(s string) string {
	if len(s) <= maxLoggedBody {
		return strings.ToValidUTF8(s, "\uFFFD")
	}
	s = s[:maxLoggedBody]
	for len(s) > 0 && !utf8.ValidString(s) {
		s = s[:len(s)-1]
	}
	return s + "…"
}

// redact removes the API key from s, should the server echo it whole.
func redact(s, key string) string {
	if key == "" {
		return s
	}
	return strings.ReplaceAll(s, key, "[redacted]")
}

// sseFilter drops `data:` lines with nothing after them, which some
// servers send as keep-alives. Per the SSE specification such an event is
// not dispatched, but go-openai hands its empty data to the JSON decoder
// and fails the stream. It also notes, in done when not nil, the [DONE]
// that ends a stream, which go-openai does not tell from a connection
// that closed.
type sseFilter struct {
	body io.ReadCloser
	r    *bufio.Reader
	line []byte
	err  error
	done *atomic.Bool
}

func newSSEFilter(body io.ReadCloser) *sseFilter {
	return &sseFilter{body: body, r: bufio.NewReader(body)}
}

// Read implements io.Reader.
func (f *sseFilter) Read(p []byte) (int, error) {
	for len(f.line) == 0 {
		if f.err != nil {
			return 0, f.err
		}
		line, err := f.r.ReadBytes('\n')
		f.err = err
		t := bytes.TrimSpace(line)
		if string(t) == "data:" {
			continue
		}
		if f.done != nil && bytes.HasPrefix(t, []byte("data:")) && string(bytes.TrimSpace(t[len("data:"):])) == "[DONE]" {
			f.done.Store(true)
		}
		f.line = line
	}
	n := copy(p, f.line)
	f.line = f.line[n:]
	return n, nil
}

// Close implements io.Closer.
func (f *sseFilter) Close() error {
	return f.body.Close()
}
