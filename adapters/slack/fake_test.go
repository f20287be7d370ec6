package slack

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/newsbot-dev/newsbot"
	"github.com/newsbot-dev/newsbot/corpus"
	"github.com/newsbot-dev/newsbot/corpus/builtin"
	"github.com/newsbot-dev/newsbot/corpus/index"
	"github.com/newsbot-dev/newsbot/corpus/load"
)

// The fake Slack: its Web API over httptest, and a Socket Mode WebSocket
// peer that accepts any Origin, says hello, pings, and records acks.

const (
	botUserID = "UBOT"
	botID     = "BBOT"
	waitLimit = 15 * time.Second
)

// apiCall is one request the fake received.
type apiCall struct {
	method string
	form   url.Values     // form-encoded Web API calls
	json   map[string]any // JSON bodies (response URLs)
	at     time.Time
}

func (c apiCall) get(key string) string {
	if c.form != nil {
		return c.form.Get(key)
	}
	if v, ok := c.json[key]; ok {
		return fmt.Sprint(v)
	}
	return ""
}

// texts returns the call's message text and every text of its blocks.
func (c apiCall) texts() []string {
	out := []string{c.get("text")}
	var blocks any
	if c.form != nil {
		if b := c.form.Get("blocks"); b != "" {
			_ = json.Unmarshal([]byte(b), &blocks)
		}
	} else {
		blocks = c.json["blocks"]
	}
	var walk func(v any)
	walk = func(v any) {
		switch v := v.(type) {
		case map[string]any:
			if s, ok := v["text"].(string); ok {
				out = append(out, s)
			}
			for k, e := range v {
				if k != "text" || !isString(e) {
					walk(e)
				}
			}
		case []any:
			for _, e := range v {
				walk(e)
			}
		}
	}
	walk(blocks)
	return out
}

func isString(v any) bool { _, ok := v.(string); return ok }

// blockTexts returns the texts of the call's blocks only.
func (c apiCall) blockTexts() []string { return c.texts()[1:] }

// all joins every text of the call.
func (c apiCall) all() string { return strings.Join(c.texts(), "\n") }

type fakeSlack struct {
	t   *testing.T
	srv *httptest.Server

	mu        sync.Mutex
	calls     []apiCall
	changed   chan struct{} // closed and replaced on every call
	authErr   string
	openErr   string
	opens     int
	limit429  map[string]int    // method -> 429s still to send
	methodErr map[string]string // method -> Slack error code to answer
	nextTS    int
	conns     chan *fakeConn
	acks      chan ack
	upgrader  websocket.Upgrader
	pingEvery time.Duration
}

type ack struct {
	EnvelopeID string          `json:"envelope_id"`
	Payload    json.RawMessage `json:"payload"`
}

func newFakeSlack(t *testing.T) *fakeSlack {
	f := &fakeSlack{
		t:         t,
		changed:   make(chan struct{}),
		limit429:  map[string]int{},
		methodErr: map[string]string{},
		nextTS:    1,
		conns:     make(chan *fakeConn, 10),
		acks:      make(chan ack, 100),
		upgrader:  websocket.Upgrader{CheckOrigin: func(*http.Request) bool { return true }},
		pingEvery: 200 * time.Millisecond,
	}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fakeSlack) url() string { return f.srv.URL + "/" }

func (f *fakeSlack) serve(w http.ResponseWriter, r *http.Request) {
	method := strings.TrimPrefix(r.URL.Path, "/")
	if method == "ws" {
		f.serveWS(w, r)
		return
	}
	body, _ := io.ReadAll(r.Body)
	c := apiCall{method: method, at: time.Now()}
	if strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
		_ = json.Unmarshal(body, &c.json)
	} else {
		c.form, _ = url.ParseQuery(string(body))
	}
	f.mu.Lock()
	f.calls = append(f.calls, c)
	close(f.changed)
	f.changed = make(chan struct{})
	if f.limit429[method] > 0 {
		f.limit429[method]--
		f.mu.Unlock()
		w.Header().Set("Retry-After", "1")
		w.WriteHeader(http.StatusTooManyRequests)
		return
	}
	ts := fmt.Sprintf("2000000000.%06d", f.nextTS)
	f.nextTS++
	authErr, openErr, methodErr := f.authErr, f.openErr, f.methodErr[method]
	if method == "apps.connections.open" {
		f.opens++
	}
	f.mu.Unlock()

	reply := func(v map[string]any) {
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(v)
	}
	switch {
	case methodErr != "":
		reply(map[string]any{"ok": false, "error": methodErr})
	case method == "auth.test":
		if authErr != "" {
			reply(map[string]any{"ok": false, "error": authErr})
			return
		}
		reply(map[string]any{"ok": true, "user_id": botUserID, "bot_id": botID, "user": "newsbot", "team_id": "T1"})
	case method == "apps.connections.open":
		if openErr != "" {
			reply(map[string]any{"ok": false, "error": openErr})
			return
		}
		reply(map[string]any{"ok": true, "url": "ws" + strings.TrimPrefix(f.srv.URL, "http") + "/ws"})
	case method == "chat.postMessage", method == "chat.update":
		if c.form.Get("ts") != "" {
			ts = c.form.Get("ts")
		}
		reply(map[string]any{"ok": true, "channel": c.form.Get("channel"), "ts": ts})
	case method == "chat.postEphemeral":
		reply(map[string]any{"ok": true, "message_ts": ts})
	case strings.HasPrefix(method, "respond/"):
		_, _ = io.WriteString(w, "ok")
	default:
		reply(map[string]any{"ok": true})
	}
}

// waitFor waits until pred holds for the calls so far, and returns them.
func (f *fakeSlack) waitFor(what string, pred func(calls []apiCall) bool) []apiCall {
	f.t.Helper()
	deadline := time.After(waitLimit)
	for {
		f.mu.Lock()
		calls := append([]apiCall(nil), f.calls...)
		changed := f.changed
		f.mu.Unlock()
		if pred(calls) {
			return calls
		}
		select {
		case <-changed:
		case <-deadline:
			f.t.Fatalf("timed out waiting for %s; calls: %s", what, describe(calls))
		}
	}
}

// waitCall waits for the n-th (from 1) call of method matching pred.
func (f *fakeSlack) waitCall(method string, n int, pred func(apiCall) bool) apiCall {
	f.t.Helper()
	var found apiCall
	f.waitFor(fmt.Sprintf("call %d of %s", n, method), func(calls []apiCall) bool {
		k := 0
		for _, c := range calls {
			if c.method == method && (pred == nil || pred(c)) {
				if k++; k == n {
					found = c
					return true
				}
			}
		}
		return false
	})
	return found
}

// callsOf returns the calls of method so far.
func (f *fakeSlack) callsOf(method string) []apiCall {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []apiCall
	for _, c := range f.calls {
		if c.method == method {
			out = append(out, c)
		}
	}
	return out
}

func describe(calls []apiCall) string {
	var b strings.Builder
	for _, c := range calls {
		fmt.Fprintf(&b, "\n  %s channel=%q thread_ts=%q text=%.80q", c.method, c.get("channel"), c.get("thread_ts"), c.get("text"))
	}
	return b.String()
}

// fakeConn is the fake's side of one Socket Mode WebSocket.
type fakeConn struct {
	f    *fakeSlack
	mu   sync.Mutex
	conn *websocket.Conn
	gone chan struct{}
}

func (f *fakeSlack) serveWS(w http.ResponseWriter, r *http.Request) {
	conn, err := f.upgrader.Upgrade(w, r, nil)
	if err != nil {
		return
	}
	fc := &fakeConn{f: f, conn: conn, gone: make(chan struct{})}
	fc.send(map[string]any{"type": "hello", "num_connections": 1, "connection_info": map[string]any{"app_id": "A1"}})
	go func() {
		t := time.NewTicker(f.pingEvery)
		defer t.Stop()
		for {
			select {
			case <-fc.gone:
				return
			case <-t.C:
				_ = conn.WriteControl(websocket.PingMessage, []byte("ping"), time.Now().Add(time.Second))
			}
		}
	}()
	_ = conn.WriteControl(websocket.PingMessage, []byte("ping"), time.Now().Add(time.Second))
	f.conns <- fc
	defer close(fc.gone)
	defer conn.Close()
	for {
		_, data, err := conn.ReadMessage()
		if err != nil {
			return
		}
		var a ack
		if json.Unmarshal(data, &a) == nil && a.EnvelopeID != "" {
			f.acks <- a
		}
	}
}

func (c *fakeConn) send(v any) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if err := c.conn.WriteJSON(v); err != nil {
		c.f.t.Logf("fake: write: %v", err)
	}
}

// waitAck waits for the ack of envelope id.
func (f *fakeSlack) waitAck(id string) ack {
	f.t.Helper()
	deadline := time.After(waitLimit)
	for {
		select {
		case a := <-f.acks:
			if a.EnvelopeID == id {
				return a
			}
		case <-deadline:
			f.t.Fatalf("no ack for envelope %s", id)
		}
	}
}

func (f *fakeSlack) waitConn() *fakeConn {
	f.t.Helper()
	select {
	case c := <-f.conns:
		return c
	case <-time.After(waitLimit):
		f.t.Fatal("no Socket Mode connection")
		return nil
	}
}

// Events and envelopes.

func mentionEvent(channel, user, ts, threadTS, text string) map[string]any {
	e := map[string]any{"type": "app_mention", "user": user, "text": "<@" + botUserID + "> " + text, "ts": ts, "channel": channel, "event_ts": ts}
	if threadTS != "" {
		e["thread_ts"] = threadTS
	}
	return e
}

func messageEvent(channel, channelType, user, ts, threadTS, text string) map[string]any {
	e := map[string]any{"type": "message", "user": user, "text": text, "ts": ts, "channel": channel, "channel_type": channelType, "event_ts": ts}
	if threadTS != "" {
		e["thread_ts"] = threadTS
	}
	return e
}

func callback(eventID string, inner map[string]any) map[string]any {
	return map[string]any{"type": "event_callback", "token": "x", "team_id": "T1", "api_app_id": "A1", "event_id": eventID, "event_time": 1, "event": inner}
}

func envelope(envID string, retry int, payload map[string]any) map[string]any {
	return map[string]any{"envelope_id": envID, "type": "events_api", "accepts_response_payload": false, "retry_attempt": retry, "payload": payload}
}

// deliver sends an event over Socket Mode and waits for its ack.
func deliver(f *fakeSlack, c *fakeConn, envID, eventID string, retry int, inner map[string]any) {
	f.t.Helper()
	c.send(envelope(envID, retry, callback(eventID, inner)))
	f.waitAck(envID)
}

// Answerers.

func builtinBot(t testing.TB) *newsbot.Bot {
	t.Helper()
	var l load.Loader
	var arts []corpus.Article
	for _, r := range l.LoadFS(builtin.FS, ".") {
		if len(r.Problems) > 0 {
			t.Fatalf("%s: %v", r.Path, r.Problems)
		}
		arts = append(arts, r.Articles...)
	}
	return &newsbot.Bot{Retriever: index.Build(arts), Conversations: &newsbot.MemoryConversations{}}
}

// recorder wraps an Answerer and records its requests, and the turns
// store held for each request's conversation when it was asked.
type recorder struct {
	next  Answerer
	store newsbot.Conversations
	mu    sync.Mutex
	reqs  []newsbot.Request
	turns [][]newsbot.Turn
}

func (r *recorder) Ask(ctx context.Context, req newsbot.Request, stream newsbot.Stream) (newsbot.Answer, error) {
	var turns []newsbot.Turn
	if r.store != nil && req.Conversation != "" {
		turns, _ = r.store.Turns(ctx, req.Conversation)
	}
	r.mu.Lock()
	r.reqs = append(r.reqs, req)
	r.turns = append(r.turns, turns)
	r.mu.Unlock()
	return r.next.Ask(ctx, req, stream)
}

// history returns the turns the i-th request was read against.
func (r *recorder) history(i int) []newsbot.Turn {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.turns[i]
}

func (r *recorder) requests() []newsbot.Request {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]newsbot.Request(nil), r.reqs...)
}

// answerFunc adapts a function to Answerer.
type answerFunc func(ctx context.Context, req newsbot.Request, stream newsbot.Stream) (newsbot.Answer, error)

func (f answerFunc) Ask(ctx context.Context, req newsbot.Request, stream newsbot.Stream) (newsbot.Answer, error) {
	return f(ctx, req, stream)
}

// fixed answers every question with a.
func fixed(a newsbot.Answer) Answerer {
	return answerFunc(func(context.Context, newsbot.Request, newsbot.Stream) (newsbot.Answer, error) { return a, nil })
}

// Running the adapter.

// syncBuffer is a log destination safe for concurrent use.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// running is an adapter under test, with its fake Slack.
type running struct {
	f    *fakeSlack
	a    *Adapter
	conn *fakeConn // Socket Mode only
	logs *syncBuffer
	// finished is closed when Run returns (Socket Mode only).
	finished chan struct{}
	stop     func() error // ends Run (or Shutdown) and returns its error
}

func testConfig(f *fakeSlack, logs *syncBuffer) Config {
	return Config{
		BotToken:      "xoxb-test",
		APIURL:        f.url(),
		HTTPClient:    f.srv.Client(),
		Log:           slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
		UpdateEvery:   20 * time.Millisecond,
		ShutdownGrace: 5 * time.Second,
	}
}

// startSocket runs an adapter in Socket Mode against a fake Slack and
// waits for its connection.
func startSocket(t *testing.T, bot Answerer, change func(*Config)) *running {
	t.Helper()
	f := newFakeSlack(t)
	logs := &syncBuffer{}
	cfg := testConfig(f, logs)
	cfg.AppToken = "xapp-test"
	if change != nil {
		change(&cfg)
	}
	a, err := New(cfg, bot)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	finished := make(chan struct{})
	var runErr error
	go func() {
		runErr = a.Run(ctx)
		close(finished)
	}()
	stop := func() error {
		cancel()
		select {
		case <-finished:
		case <-time.After(waitLimit):
			t.Error("Run did not return")
		}
		return runErr
	}
	t.Cleanup(func() { _ = stop() })
	return &running{f: f, a: a, conn: f.waitConn(), logs: logs, finished: finished, stop: stop}
}

// startHTTP makes an adapter in HTTP mode against a fake Slack; its
// Handler is served by its own test server.
func startHTTP(t *testing.T, bot Answerer, change func(*Config)) (*running, *httptest.Server) {
	t.Helper()
	f := newFakeSlack(t)
	logs := &syncBuffer{}
	cfg := testConfig(f, logs)
	cfg.SigningSecret = testSecret
	cfg.Now = func() time.Time { return time.Unix(testNow, 0) }
	if change != nil {
		change(&cfg)
	}
	a, err := New(cfg, bot)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(a.Handler())
	var once sync.Once
	var err2 error
	stop := func() error {
		once.Do(func() {
			srv.Close()
			ctx, cancel := context.WithTimeout(context.Background(), waitLimit)
			defer cancel()
			err2 = a.Shutdown(ctx)
		})
		return err2
	}
	t.Cleanup(func() { _ = stop() })
	return &running{f: f, a: a, logs: logs, stop: stop}, srv
}
