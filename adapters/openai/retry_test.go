package openai_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/newsbot-dev/newsbot/adapters/openai"
)

// answer is one canned answer of the fake server: a status (0 means the
// success reply), headers and a body.
type answer struct {
	status int
	header map[string]string
	body   string
}

// script answers request n with answers[n], and the last answer after.
func script(answers ...answer) handler {
	return func(w http.ResponseWriter, r *http.Request, n int, req request) {
		a := answers[min(n, len(answers)-1)]
		if a.status == 0 {
			ok(w, r, n, req)
			return
		}
		for k, v := range a.header {
			w.Header().Set(k, v)
		}
		w.WriteHeader(a.status)
		io.WriteString(w, a.body)
	}
}

var success = answer{}

const (
	htmlBody = "<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>"
	keyBody  = `{"error":{"message":"Incorrect API key provided: sk-test-SECRETKEY. You can find your API key at https://platform.openai.com/account/api-keys.","type":"invalid_request_error","param":null,"code":"invalid_api_key"}}`
	badBody  = `{"error":{"message":"Invalid value for 'messages': sk-test-SECRETKEY","type":"invalid_request_error","param":"messages","code":null}}`
)

// between is a backoff wait for retry n: 0.5 s × 2^n up to 8 s, less at
// most a quarter.
func between(n int) [2]time.Duration {
	d := min(500*time.Millisecond<<n, 8*time.Second)
	return [2]time.Duration{d * 3 / 4, d}
}

func exactly(d time.Duration) [2]time.Duration { return [2]time.Duration{d, d} }

func TestRetries(t *testing.T) {
	tests := []struct {
		name       string
		maxRetries int
		answers    []answer
		// wantWaits bounds each wait the client slept, in order.
		wantWaits [][2]time.Duration
		wantCode  int // 0: success
		// notInError must not appear in the error's text.
		notInError []string
	}{
		{
			name:      "500 then success",
			answers:   []answer{{status: 500, body: "oops"}, success},
			wantWaits: [][2]time.Duration{between(0)},
		},
		{
			name:      "502 and 503 then success",
			answers:   []answer{{status: 502, body: htmlBody}, {status: 503}, success},
			wantWaits: [][2]time.Duration{between(0), between(1)},
		},
		{
			name:      "408 and 409 then success",
			answers:   []answer{{status: 408}, {status: 409}, success},
			wantWaits: [][2]time.Duration{between(0), between(1)},
		},
		{
			name:      "429 with Retry-After seconds",
			answers:   []answer{{status: 429, header: map[string]string{"Retry-After": "3"}}, success},
			wantWaits: [][2]time.Duration{exactly(3 * time.Second)},
		},
		{
			name:      "429 with retry-after-ms",
			answers:   []answer{{status: 429, header: map[string]string{"Retry-After-Ms": "1500", "Retry-After": "2"}}, success},
			wantWaits: [][2]time.Duration{exactly(1500 * time.Millisecond)},
		},
		{
			name: "429 with Retry-After as an HTTP date",
			answers: []answer{{status: 429, header: map[string]string{
				"Retry-After": time.Now().Add(5 * time.Second).UTC().Format(http.TimeFormat),
			}}, success},
			wantWaits: [][2]time.Duration{{3 * time.Second, 5 * time.Second}},
		},
		{
			name:      "429 with unreadable Retry-After backs off",
			answers:   []answer{{status: 429, header: map[string]string{"Retry-After": "soon"}}, success},
			wantWaits: [][2]time.Duration{between(0)},
		},
		{
			name:       "429 with Retry-After over 120 s gives up at once",
			answers:    []answer{{status: 429, header: map[string]string{"Retry-After": "300"}}, success},
			wantCode:   429,
			notInError: []string{"sk-test"},
		},
		{
			name: "429 with a far HTTP date gives up at once",
			answers: []answer{{status: 429, header: map[string]string{
				"Retry-After": time.Now().Add(time.Hour).UTC().Format(http.TimeFormat),
			}}, success},
			wantCode: 429,
		},
		{
			name:       "502 HTML every time gives up after MaxRetries",
			answers:    []answer{{status: 502, body: htmlBody}},
			wantWaits:  [][2]time.Duration{between(0), between(1)},
			wantCode:   502,
			notInError: []string{"<html", "nginx", "<center>"},
		},
		{
			name:       "backoff doubles up to 8 s",
			maxRetries: 6,
			answers:    []answer{{status: 500}},
			wantWaits:  [][2]time.Duration{between(0), between(1), between(2), between(3), between(4), between(5)},
			wantCode:   500,
		},
		{
			name:       "no retries with MaxRetries -1",
			maxRetries: -1,
			answers:    []answer{{status: 503}, success},
			wantCode:   503,
		},
		{
			name:       "401 echoing the key is not retried",
			answers:    []answer{{status: 401, body: keyBody}, success},
			wantCode:   401,
			notInError: []string{"sk-test", "SECRETKEY", "Incorrect", "invalid_api_key", "platform.openai.com"},
		},
		{
			name:       "400 is not retried",
			answers:    []answer{{status: 400, body: badBody}, success},
			wantCode:   400,
			notInError: []string{"SECRETKEY", "Invalid value"},
		},
		{
			name:     "403 is not retried",
			answers:  []answer{{status: 403, body: `{"error":{"message":"region"}}`}, success},
			wantCode: 403,
		},
		{
			name:     "404 is not retried",
			answers:  []answer{{status: 404, body: `{"error":{"message":"model not found"}}`}, success},
			wantCode: 404,
		},
		{
			name:     "422 is not retried",
			answers:  []answer{{status: 422}, success},
			wantCode: 422,
		},
		{
			name:      "retry stops at a status that is not retried",
			answers:   []answer{{status: 503}, {status: 401, body: keyBody}, success},
			wantWaits: [][2]time.Duration{between(0)},
			wantCode:  401,
		},
	}
	for _, tt := range tests {
		for _, m := range modes {
			t.Run(tt.name+"/"+m.name, func(t *testing.T) {
				f := newFakeServer(t, script(tt.answers...))
				s := &sleeps{}
				var log bytes.Buffer
				c := newClient(t, openai.Config{
					BaseURL: f.baseURL(), APIKey: "sk-test-SECRETKEY", Model: "m",
					MaxRetries: tt.maxRetries, Sleep: s.sleep, Timeout: 10 * time.Minute,
					Log: slog.New(slog.NewTextHandler(&log, &slog.HandlerOptions{Level: slog.LevelDebug})),
				})
				reply, _, err := call(c, context.Background(), m)

				waits := s.waits()
				if len(waits) != len(tt.wantWaits) {
					t.Errorf("waited %v, want %d waits in %v", waits, len(tt.wantWaits), tt.wantWaits)
				} else {
					for i, w := range waits {
						if w < tt.wantWaits[i][0] || w > tt.wantWaits[i][1] {
							t.Errorf("wait %d = %v, want %v to %v", i, w, tt.wantWaits[i][0], tt.wantWaits[i][1])
						}
					}
				}
				reqs := f.requests()
				if want := len(tt.wantWaits) + 1; len(reqs) != want {
					t.Errorf("%d requests, want %d", len(reqs), want)
				}
				for i, r := range reqs[1:] {
					if !bytes.Equal(r.Body, reqs[0].Body) {
						t.Errorf("retry %d sent body %s, want the first one %s", i+1, r.Body, reqs[0].Body)
					}
				}
				if strings.Contains(log.String(), "sk-test-SECRETKEY") {
					t.Errorf("log holds the API key:\n%s", log.String())
				}

				if tt.wantCode == 0 {
					if err != nil || reply != "Hello, world." {
						t.Fatalf("Complete = %q, %v; want the reply", reply, err)
					}
					return
				}
				var se *openai.StatusError
				if !errors.As(err, &se) || se.Code != tt.wantCode {
					t.Fatalf("Complete = %q, %v; want a StatusError %d", reply, err, tt.wantCode)
				}
				if reply != "" {
					t.Errorf("reply %q with the error", reply)
				}
				msg := err.Error()
				if !strings.HasPrefix(msg, "openai: chat completion: ") || !strings.Contains(msg, fmt.Sprint(tt.wantCode)) {
					t.Errorf("error %q does not name the step and the status", msg)
				}
				for _, s := range tt.notInError {
					if strings.Contains(msg, s) {
						t.Errorf("error %q contains %q", msg, s)
					}
				}
				if tt.answers[0].body != "" && !strings.Contains(log.String(), "body=") {
					t.Errorf("log does not hold the error body:\n%s", log.String())
				}
			})
		}
	}
}

// The issue asks for one retry after at least 2 s on a real clock.
func TestRetryAfterRealClock(t *testing.T) {
	f := newFakeServer(t, script(answer{status: 429, header: map[string]string{"Retry-After": "2"}}, success))
	c := newClient(t, openai.Config{BaseURL: f.baseURL(), Model: "m", Timeout: 10 * time.Second})
	start := time.Now()
	reply, err := c.Complete(context.Background(), question, nil)
	elapsed := time.Since(start)
	if err != nil || reply != "Hello, world." {
		t.Fatalf("Complete = %q, %v; want the reply", reply, err)
	}
	if n := len(f.requests()); n != 2 {
		t.Errorf("%d requests, want 2", n)
	}
	if elapsed < 2*time.Second {
		t.Errorf("retried after %v, want at least 2s", elapsed)
	}
}

// A wait that would end after the call's deadline is not started.
func TestRetryAfterPastDeadline(t *testing.T) {
	f := newFakeServer(t, script(answer{status: 429, header: map[string]string{"Retry-After": "5"}}, success))
	s := &sleeps{}
	c := newClient(t, openai.Config{BaseURL: f.baseURL(), Model: "m", Timeout: time.Second, Sleep: s.sleep})
	_, err := c.Complete(context.Background(), question, nil)
	var se *openai.StatusError
	if !errors.As(err, &se) || se.Code != 429 {
		t.Fatalf("Complete error %v, want a StatusError 429", err)
	}
	if len(s.waits()) != 0 || len(f.requests()) != 1 {
		t.Errorf("%d waits, %d requests; want 0, 1", len(s.waits()), len(f.requests()))
	}
}

func TestConnectionRefusedRetried(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	url := srv.URL
	srv.Close()
	for _, m := range modes {
		t.Run(m.name, func(t *testing.T) {
			s := &sleeps{}
			c := newClient(t, openai.Config{BaseURL: url + "/v1", Model: "m", Sleep: s.sleep})
			reply, _, err := call(c, context.Background(), m)
			if err == nil {
				t.Fatalf("Complete = %q, nil; want an error", reply)
			}
			if !strings.Contains(err.Error(), "gave up after 3 attempts") {
				t.Errorf("error %q, want it to say it gave up after 3 attempts", err)
			}
			if w := s.waits(); len(w) != 2 {
				t.Errorf("waited %v, want 2 waits", w)
			}
		})
	}
}

// A plain reply cut while its body is read is retried: no text reached
// anyone yet.
func TestPlainBodyCutRetried(t *testing.T) {
	f := newFakeServer(t, func(w http.ResponseWriter, r *http.Request, n int, req request) {
		if n == 0 {
			w.Header().Set("Content-Length", "1000")
			io.WriteString(w, `{"id":"chatcmpl-1","choi`)
			w.(http.Flusher).Flush()
			panic(http.ErrAbortHandler)
		}
		ok(w, r, n, req)
	})
	s := &sleeps{}
	c := newClient(t, openai.Config{BaseURL: f.baseURL(), Model: "m", Sleep: s.sleep})
	reply, err := c.Complete(context.Background(), question, nil)
	if err != nil || reply != "Hello, world." {
		t.Fatalf("Complete = %q, %v; want the reply", reply, err)
	}
	if n := len(f.requests()); n != 2 {
		t.Errorf("%d requests, want 2", n)
	}
}

// Cancelling the caller's context ends a retry wait at once.
func TestCancelDuringRetryWait(t *testing.T) {
	f := newFakeServer(t, script(answer{status: 503, header: map[string]string{"Retry-After": "60"}}, success))
	c := newClient(t, openai.Config{BaseURL: f.baseURL(), Model: "m"})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	time.AfterFunc(200*time.Millisecond, cancel)
	start := time.Now()
	_, err := c.Complete(ctx, question, nil)
	if !errors.Is(err, context.Canceled) || time.Since(start) > 2*time.Second {
		t.Fatalf("Complete = %v after %v; want context.Canceled soon after 200ms", err, time.Since(start))
	}
}
