package openai_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/newsbot-dev/newsbot"
	"github.com/newsbot-dev/newsbot/adapters/openai"
)

// The fake server speaks the chat completions API: POST
// /v1/chat/completions, a JSON reply, or server-sent events of
// chat.completion.chunk ending with "data: [DONE]".

// request is what the fake server saw of one request.
type request struct {
	Auth   string
	Accept string
	Body   []byte
	Stream bool
	// Decoded body.
	Model          string  `json:"model"`
	TopP           float64 `json:"top_p"`
	ResponseFormat *struct {
		Type       string `json:"type"`
		JSONSchema struct {
			Name   string          `json:"name"`
			Strict bool            `json:"strict"`
			Schema json.RawMessage `json:"schema"`
		} `json:"json_schema"`
	} `json:"response_format"`
	MaxTokens           int     `json:"max_tokens"`
	MaxCompletionTokens int     `json:"max_completion_tokens"`
	Temperature         float64 `json:"temperature"`
	HasTemperature      bool
	Messages            []struct {
		Role    string `json:"role"`
		Content string `json:"content"`
	} `json:"messages"`
}

// handler answers request n (counting from 0).
type handler func(w http.ResponseWriter, r *http.Request, n int, req request)

type fakeServer struct {
	t      *testing.T
	srv    *httptest.Server
	handle handler

	mu   sync.Mutex
	reqs []request
}

func newFakeServer(t *testing.T, h handler) *fakeServer {
	t.Helper()
	f := &fakeServer{t: t, handle: h}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fakeServer) serve(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost || r.URL.Path != "/v1/chat/completions" {
		http.Error(w, "not found", http.StatusNotFound)
		return
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		http.Error(w, "bad body", http.StatusBadRequest)
		return
	}
	req := request{Auth: r.Header.Get("Authorization"), Accept: r.Header.Get("Accept"), Body: body}
	var flags struct {
		Stream      bool     `json:"stream"`
		Temperature *float64 `json:"temperature"`
	}
	if err := json.Unmarshal(body, &req); err != nil {
		f.t.Errorf("request body is not JSON: %v", err)
	}
	_ = json.Unmarshal(body, &flags)
	req.Stream, req.HasTemperature = flags.Stream, flags.Temperature != nil
	f.mu.Lock()
	n := len(f.reqs)
	f.reqs = append(f.reqs, req)
	f.mu.Unlock()
	f.handle(w, r, n, req)
}

func (f *fakeServer) requests() []request {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]request(nil), f.reqs...)
}

func (f *fakeServer) baseURL() string { return f.srv.URL + "/v1" }

// writeReply answers with text whole (plain) or in pieces (streamed),
// finishing with reason finish.
func writeReply(w http.ResponseWriter, req request, finish string, pieces ...string) {
	if !req.Stream {
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"id":"chatcmpl-1","object":"chat.completion","created":1,"model":"m",`+
			`"choices":[{"index":0,"message":{"role":"assistant","content":%q},"finish_reason":%q}],`+
			`"usage":{"prompt_tokens":1,"completion_tokens":1,"total_tokens":2}}`, strings.Join(pieces, ""), finish)
		return
	}
	startSSE(w)
	writeEvent(w, `{"id":"c","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"role":"assistant"},"finish_reason":null}]}`)
	for _, p := range pieces {
		writeEvent(w, chunk(p, ""))
	}
	writeEvent(w, chunk("", finish))
	writeEvent(w, "[DONE]")
}

func startSSE(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "text/event-stream")
	w.WriteHeader(http.StatusOK)
	w.(http.Flusher).Flush()
}

func writeEvent(w http.ResponseWriter, data string) {
	fmt.Fprintf(w, "data: %s\n\n", data)
	w.(http.Flusher).Flush()
}

// chunk is a chat.completion.chunk carrying content and, unless "", a
// finish reason.
func chunk(content, finish string) string {
	fr := "null"
	if finish != "" {
		fr = fmt.Sprintf("%q", finish)
	}
	return fmt.Sprintf(`{"id":"c","object":"chat.completion.chunk","created":1,"model":"m",`+
		`"choices":[{"index":0,"delta":{"content":%q},"finish_reason":%s}]}`, content, fr)
}

// ok answers every request with "Hello, world." in three pieces.
func ok(w http.ResponseWriter, r *http.Request, n int, req request) {
	writeReply(w, req, "stop", "Hello", ", ", "world.")
}

// sleeps records the retry waits instead of waiting.
type sleeps struct {
	mu sync.Mutex
	d  []time.Duration
}

func (s *sleeps) sleep(ctx context.Context, d time.Duration) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.d = append(s.d, d)
	return ctx.Err()
}

func (s *sleeps) waits() []time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]time.Duration(nil), s.d...)
}

var question = []newsbot.Message{
	{Role: newsbot.RoleSystem, Content: "Answer from the sources."},
	{Role: newsbot.RoleUser, Content: "What happened?"},
}

// mode is a way to call Complete: plain or streamed.
type mode struct {
	name   string
	stream bool
}

var modes = []mode{{"plain", false}, {"stream", true}}

// call runs Complete in mode m, returning the reply, the pieces streamed
// and the error.
func call(c *openai.Client, ctx context.Context, m mode) (string, []string, error) {
	var pieces []string
	var stream func(string)
	if m.stream {
		stream = func(s string) { pieces = append(pieces, s) }
	}
	reply, err := c.Complete(ctx, question, stream)
	return reply, pieces, err
}

func newClient(t *testing.T, cfg openai.Config) *openai.Client {
	t.Helper()
	c, err := openai.New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return c
}

func TestCompleteSendsRequest(t *testing.T) {
	tests := []struct {
		name     string
		cfg      openai.Config
		wantAuth string
		check    func(t *testing.T, r request)
	}{
		{
			name:     "key and defaults",
			cfg:      openai.Config{APIKey: "sk-test-key", Model: "gpt-4o-mini"},
			wantAuth: "Bearer sk-test-key",
			check: func(t *testing.T, r request) {
				if r.MaxTokens != 800 || r.Temperature < 0.19 || r.Temperature > 0.21 {
					t.Errorf("max_tokens %d, temperature %v; want 800, 0.2", r.MaxTokens, r.Temperature)
				}
			},
		},
		{
			name:     "no key for a local server",
			cfg:      openai.Config{Model: "llama3.1", MaxTokens: 50, Temperature: 0.7},
			wantAuth: "",
			check: func(t *testing.T, r request) {
				if r.MaxTokens != 50 || r.Temperature < 0.69 || r.Temperature > 0.71 {
					t.Errorf("max_tokens %d, temperature %v; want 50, 0.7", r.MaxTokens, r.Temperature)
				}
			},
		},
		{
			name:     "reasoning model",
			cfg:      openai.Config{APIKey: "k", Model: "o3-mini"},
			wantAuth: "Bearer k",
			check: func(t *testing.T, r request) {
				if r.MaxTokens != 0 || r.MaxCompletionTokens != 4096 || r.HasTemperature {
					t.Errorf("max_tokens %d, max_completion_tokens %d, temperature sent %v; want 0, 4096, false",
						r.MaxTokens, r.MaxCompletionTokens, r.HasTemperature)
				}
			},
		},
	}
	for _, tt := range tests {
		for _, m := range modes {
			t.Run(tt.name+"/"+m.name, func(t *testing.T) {
				f := newFakeServer(t, ok)
				tt.cfg.BaseURL = f.baseURL()
				c := newClient(t, tt.cfg)
				reply, pieces, err := call(c, context.Background(), m)
				if err != nil {
					t.Fatalf("Complete: %v", err)
				}
				if reply != "Hello, world." {
					t.Errorf("reply %q, want %q", reply, "Hello, world.")
				}
				if m.stream && strings.Join(pieces, "|") != "Hello|, |world." {
					t.Errorf("streamed %q, want Hello, \", \", world. in order", pieces)
				}
				reqs := f.requests()
				if len(reqs) != 1 {
					t.Fatalf("%d requests, want 1", len(reqs))
				}
				r := reqs[0]
				if r.Auth != tt.wantAuth {
					t.Errorf("Authorization %q, want %q", r.Auth, tt.wantAuth)
				}
				if r.Model != tt.cfg.Model || r.Stream != m.stream {
					t.Errorf("model %q stream %v, want %q %v", r.Model, r.Stream, tt.cfg.Model, m.stream)
				}
				if len(r.Messages) != len(question) {
					t.Fatalf("%d messages, want %d", len(r.Messages), len(question))
				}
				for i, msg := range r.Messages {
					if msg.Role != question[i].Role || msg.Content != question[i].Content {
						t.Errorf("message %d = %s %q, want %s %q", i, msg.Role, msg.Content, question[i].Role, question[i].Content)
					}
				}
				tt.check(t, r)
			})
		}
	}
}

func TestStreamSkipsUsageChunk(t *testing.T) {
	f := newFakeServer(t, func(w http.ResponseWriter, r *http.Request, n int, req request) {
		startSSE(w)
		writeEvent(w, chunk("A", ""))
		writeEvent(w, chunk("", ""))
		writeEvent(w, chunk("B", ""))
		writeEvent(w, chunk("C", "stop"))
		writeEvent(w, `{"id":"c","object":"chat.completion.chunk","created":1,"model":"m","choices":[],"usage":{"prompt_tokens":3,"completion_tokens":3,"total_tokens":6}}`)
		writeEvent(w, "[DONE]")
	})
	c := newClient(t, openai.Config{BaseURL: f.baseURL(), Model: "m"})
	reply, pieces, err := call(c, context.Background(), mode{stream: true})
	if err != nil {
		t.Fatalf("Complete: %v", err)
	}
	if reply != "ABC" || strings.Join(pieces, "|") != "A|B|C" {
		t.Errorf("reply %q, pieces %q; want ABC, A|B|C", reply, pieces)
	}
}

func TestPlainNoChoices(t *testing.T) {
	f := newFakeServer(t, func(w http.ResponseWriter, r *http.Request, n int, req request) {
		fmt.Fprint(w, `{"id":"x","object":"chat.completion","choices":[]}`)
	})
	c := newClient(t, openai.Config{BaseURL: f.baseURL(), Model: "m"})
	if reply, err := c.Complete(context.Background(), question, nil); err == nil {
		t.Fatalf("Complete = %q, nil; want an error", reply)
	}
}

func TestKeepAlivesBeforeFirstChunk(t *testing.T) {
	tests := []struct {
		name, line string
	}{
		{"comments", ": keep-alive\n\n"},
		{"bare colons", ":\n"},
		{"empty data lines", "data: \n\n"},
		{"empty data lines without space", "data:\n\n"},
		{"event names", "event: ping\n\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeServer(t, func(w http.ResponseWriter, r *http.Request, n int, req request) {
				startSSE(w)
				io.WriteString(w, strings.Repeat(tt.line, 400))
				w.(http.Flusher).Flush()
				writeEvent(w, chunk("Hi", ""))
				io.WriteString(w, strings.Repeat(tt.line, 400))
				writeEvent(w, chunk(".", "stop"))
				writeEvent(w, "[DONE]")
			})
			c := newClient(t, openai.Config{BaseURL: f.baseURL(), Model: "m"})
			reply, _, err := call(c, context.Background(), mode{stream: true})
			if err != nil || reply != "Hi." {
				t.Fatalf("Complete = %q, %v; want Hi., nil", reply, err)
			}
		})
	}
}

func TestIncompleteReplies(t *testing.T) {
	tests := []struct {
		name    string
		stream  bool
		handle  handler
		wantErr error
		// wantPieces is how many pieces reach the stream before the error.
		wantPieces int
		// wantReply is the reply returned with the error: what arrived, when
		// the server stopped it (newsbot.ErrCut), else nothing.
		wantReply string
	}{
		{
			name:   "stream closed without finish reason or DONE",
			stream: true,
			handle: func(w http.ResponseWriter, r *http.Request, n int, req request) {
				startSSE(w)
				writeEvent(w, chunk("The minister", ""))
				writeEvent(w, chunk(" resigned", ""))
			},
			wantErr:    openai.ErrTruncated,
			wantPieces: 2,
		},
		{
			name:   "DONE without finish reason",
			stream: true,
			handle: func(w http.ResponseWriter, r *http.Request, n int, req request) {
				startSSE(w)
				writeEvent(w, chunk("The minister", ""))
				writeEvent(w, "[DONE]")
			},
			wantErr:    openai.ErrNoFinishReason,
			wantPieces: 1,
			wantReply:  "The minister",
		},
		{
			name:   "connection cut in the middle of an event",
			stream: true,
			handle: func(w http.ResponseWriter, r *http.Request, n int, req request) {
				startSSE(w)
				writeEvent(w, chunk("The minister", ""))
				io.WriteString(w, `data: {"id":"c","obj`)
				w.(http.Flusher).Flush()
				panic(http.ErrAbortHandler)
			},
			wantErr:    openai.ErrTruncated,
			wantPieces: 1,
		},
		{
			name:   "stream finish reason length",
			stream: true,
			handle: func(w http.ResponseWriter, r *http.Request, n int, req request) {
				writeReply(w, req, "length", "The minister", " resigned")
			},
			wantErr:    openai.ErrTokenLimit,
			wantPieces: 2,
			wantReply:  "The minister resigned",
		},
		{
			name: "plain finish reason length",
			handle: func(w http.ResponseWriter, r *http.Request, n int, req request) {
				writeReply(w, req, "length", "The minister resigned")
			},
			wantErr:   openai.ErrTokenLimit,
			wantReply: "The minister resigned",
		},
		{
			name: "plain finish reason content_filter",
			handle: func(w http.ResponseWriter, r *http.Request, n int, req request) {
				writeReply(w, req, "content_filter", "The")
			},
			wantErr: openai.ErrContentFilter,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeServer(t, tt.handle)
			s := &sleeps{}
			c := newClient(t, openai.Config{BaseURL: f.baseURL(), Model: "m", Sleep: s.sleep})
			reply, pieces, err := call(c, context.Background(), mode{stream: tt.stream})
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("Complete error %v, want %v", err, tt.wantErr)
			}
			if reply != tt.wantReply {
				t.Errorf("Complete returned %q with the error; want %q", reply, tt.wantReply)
			}
			if cut := errors.Is(err, newsbot.ErrCut); cut != (tt.wantReply != "") {
				t.Errorf("error %v wraps newsbot.ErrCut: %v", err, cut)
			}
			if len(pieces) != tt.wantPieces {
				t.Errorf("%d pieces streamed, want %d", len(pieces), tt.wantPieces)
			}
			if n := len(f.requests()); n != 1 {
				t.Errorf("%d requests, want 1 (no retry once the server answered)", n)
			}
		})
	}
}

// A stream that fails after text reached the person is never retried.
func TestStreamFailureAfterFirstPieceNotRetried(t *testing.T) {
	tests := []struct {
		name   string
		handle handler
	}{
		{"connection aborted", func(w http.ResponseWriter, r *http.Request, n int, req request) {
			startSSE(w)
			writeEvent(w, chunk("First", ""))
			panic(http.ErrAbortHandler)
		}},
		{"error event", func(w http.ResponseWriter, r *http.Request, n int, req request) {
			startSSE(w)
			writeEvent(w, chunk("First", ""))
			writeEvent(w, `{"error":{"message":"overloaded, key sk-test-SECRETKEY","type":"server_error"}}`)
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeServer(t, tt.handle)
			var log bytes.Buffer
			s := &sleeps{}
			c := newClient(t, openai.Config{
				BaseURL: f.baseURL(), Model: "m", APIKey: "sk-test-SECRETKEY",
				Sleep: s.sleep, Log: slog.New(slog.NewTextHandler(&log, &slog.HandlerOptions{Level: slog.LevelDebug})),
			})
			reply, pieces, err := call(c, context.Background(), mode{stream: true})
			if err == nil {
				t.Fatalf("Complete = %q, nil; want an error", reply)
			}
			if reply != "" || len(pieces) != 1 {
				t.Errorf("reply %q, pieces %q; want no reply, one piece", reply, pieces)
			}
			if n := len(f.requests()); n != 1 || len(s.waits()) != 0 {
				t.Errorf("%d requests, %d waits; want 1, 0", n, len(s.waits()))
			}
			if strings.Contains(err.Error(), "overloaded") || strings.Contains(err.Error(), "SECRETKEY") {
				t.Errorf("error %q carries the server's text", err)
			}
			if strings.Contains(log.String(), "sk-test-SECRETKEY") {
				t.Errorf("log holds the API key:\n%s", log.String())
			}
		})
	}
}

func TestDeadline(t *testing.T) {
	const timeout = 300 * time.Millisecond
	hang := func(w http.ResponseWriter, r *http.Request, n int, req request) {
		<-r.Context().Done()
	}
	stall := func(w http.ResponseWriter, r *http.Request, n int, req request) {
		startSSE(w)
		writeEvent(w, chunk("Partly", ""))
		<-r.Context().Done()
	}
	tests := []struct {
		name   string
		stream bool
		handle handler
	}{
		{"plain, no answer", false, hang},
		{"stream, no answer", true, hang},
		{"stream stops midway", true, stall},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeServer(t, tt.handle)
			c := newClient(t, openai.Config{BaseURL: f.baseURL(), Model: "m", Timeout: timeout})
			start := time.Now()
			reply, _, err := call(c, context.Background(), mode{stream: tt.stream})
			elapsed := time.Since(start)
			if !errors.Is(err, context.DeadlineExceeded) {
				t.Fatalf("Complete = %q, %v; want a deadline error", reply, err)
			}
			if elapsed < timeout || elapsed > timeout+time.Second {
				t.Errorf("Complete took %v, want about %v", elapsed, timeout)
			}
			if n := len(f.requests()); n != 1 {
				t.Errorf("%d requests, want 1", n)
			}
		})
	}
}

func TestUnknownRoleAndNoMessages(t *testing.T) {
	c := newClient(t, openai.Config{BaseURL: "http://127.0.0.1:1/v1", Model: "m"})
	for _, msgs := range [][]newsbot.Message{nil, {{Role: "tool", Content: "x"}}} {
		if _, err := c.Complete(context.Background(), msgs, nil); err == nil {
			t.Errorf("Complete(%v) succeeded, want an error", msgs)
		}
	}
}

func TestNew(t *testing.T) {
	tests := []struct {
		name    string
		cfg     openai.Config
		wantErr string
	}{
		{"local server without key", openai.Config{BaseURL: "http://127.0.0.1:11434/v1", Model: "llama3.1"}, ""},
		{"OpenAI with key", openai.Config{APIKey: "sk-x", Model: "gpt-4o-mini"}, ""},
		{"no model", openai.Config{BaseURL: "http://127.0.0.1:11434/v1"}, "Model"},
		{"OpenAI without key", openai.Config{Model: "gpt-4o-mini"}, "APIKey"},
		{"not http", openai.Config{BaseURL: "ftp://example.com/v1", Model: "m"}, "http"},
		{"no host", openai.Config{BaseURL: "http:///v1", Model: "m"}, "host"},
		{"unparsable", openai.Config{BaseURL: "http://[::1", Model: "m"}, "parse"},
		{"negative timeout", openai.Config{BaseURL: "http://h/v1", Model: "m", Timeout: -time.Second}, "Timeout"},
		{"retries below -1", openai.Config{BaseURL: "http://h/v1", Model: "m", MaxRetries: -2}, "MaxRetries"},
		{"temperature too high", openai.Config{BaseURL: "http://h/v1", Model: "m", Temperature: 2.5}, "Temperature"},
		{"negative max tokens", openai.Config{BaseURL: "http://h/v1", Model: "m", MaxTokens: -1}, "MaxTokens"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := openai.New(tt.cfg)
			switch {
			case tt.wantErr == "" && err != nil:
				t.Errorf("New: %v", err)
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
				t.Errorf("New error %v, want one naming %s", err, tt.wantErr)
			}
		})
	}
}

// CheckBaseURL, which bot's OPENAI_BASE_URL setting uses, says what is
// wrong without repeating the URL, which may hold credentials.
func TestCheckBaseURL(t *testing.T) {
	for _, tt := range []struct{ url, wantErr string }{
		{"http://127.0.0.1:11434/v1", ""},
		{"https://api.openai.com/v1", ""},
		{"127.0.0.1:11434", "http"},
		{"ftp://user:hunter2@example.com/v1", "http"},
		{"http:///v1", "host"},
		{"http://user:hunter2@[::1", "parse"},
	} {
		err := openai.CheckBaseURL(tt.url)
		switch {
		case tt.wantErr == "" && err != nil:
			t.Errorf("CheckBaseURL(%q): %v", tt.url, err)
		case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
			t.Errorf("CheckBaseURL(%q) = %v, want an error naming %s", tt.url, err, tt.wantErr)
		case err != nil && strings.Contains(err.Error(), "hunter2"):
			t.Errorf("CheckBaseURL(%q) = %v: it repeats the credentials", tt.url, err)
		}
	}
}

func TestConfigStringHidesKey(t *testing.T) {
	cfg := openai.Config{APIKey: "sk-test-SECRETKEY", Model: "m"}
	for _, s := range []string{fmt.Sprint(cfg), fmt.Sprintf("%+v", cfg), cfg.LogValue().String()} {
		if strings.Contains(s, "SECRETKEY") {
			t.Errorf("%q shows the key", s)
		}
	}
}

func TestConcurrentCalls(t *testing.T) {
	f := newFakeServer(t, ok)
	c := newClient(t, openai.Config{BaseURL: f.baseURL(), Model: "m"})
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			reply, _, err := call(c, context.Background(), modes[i%2])
			if err != nil || reply != "Hello, world." {
				t.Errorf("Complete = %q, %v", reply, err)
			}
		}()
	}
	wg.Wait()
}
