package discord

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/newsbot-dev/newsbot"
	"github.com/newsbot-dev/newsbot/corpus"
	"github.com/newsbot-dev/newsbot/corpus/builtin"
	"github.com/newsbot-dev/newsbot/corpus/index"
	"github.com/newsbot-dev/newsbot/corpus/load"
)

// Ids the fake Discord uses.
const (
	botUserID = "100"
	appID     = "200"
	guildID   = "1"
	channelID = "2"
	threadID  = "3"
)

// fakeDiscord is a local Discord: the REST API (reached through a
// redirecting RoundTripper, as discordgo's URLs are fixed) and a gateway
// WebSocket peer that speaks the gateway protocol (HELLO, IDENTIFY or
// RESUME, READY, heartbeats and their acks, dispatches, close codes).
type fakeDiscord struct {
	t   *testing.T
	srv *httptest.Server

	mu       sync.Mutex
	reqs     []fakeReq
	nextID   int
	commands []map[string]any
	// hook, if set, may answer a REST request itself (return true).
	hook func(w http.ResponseWriter, r *http.Request, body []byte) bool

	// Gateway.
	attempts  atomic.Int32 // connections made
	identifys []int        // intents of each IDENTIFY
	ops       []int        // the op (2 identify, 6 resume) of each connection
	// closeOn, if set, returns a close code for a connection (counted from
	// 1) after its IDENTIFY or RESUME, or 0 to carry on.
	closeOn func(n int) int
	gwMu    sync.Mutex
	gw      *gwConn
	seq     int
}

// gwConn is one gateway connection; mu serialises its writes.
type gwConn struct {
	c  *websocket.Conn
	mu sync.Mutex
}

func (g *gwConn) write(v any) error {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.c.SetWriteDeadline(time.Now().Add(5 * time.Second))
	return g.c.WriteJSON(v)
}

func (g *gwConn) close(code int) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.c.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(code, closeText(code)), time.Now().Add(time.Second))
	g.c.Close()
}

type fakeReq struct {
	Method, Path string
	Body         []byte
	At           time.Time
}

// JSON decodes the request body.
func (r fakeReq) JSON() map[string]any {
	var m map[string]any
	json.Unmarshal(r.Body, &m)
	return m
}

func newFakeDiscord(t *testing.T) *fakeDiscord {
	f := &fakeDiscord{t: t, nextID: 5000}
	mux := http.NewServeMux()
	mux.HandleFunc("/gw/", f.serveGateway)
	mux.HandleFunc("/api/v9/", f.serveREST)
	f.srv = httptest.NewServer(mux)
	t.Cleanup(f.srv.Close)
	return f
}

// transport sends every request to the fake, keeping its path.
func (f *fakeDiscord) transport() http.RoundTripper {
	u, _ := url.Parse(f.srv.URL)
	return redirect{u}
}

type redirect struct{ to *url.URL }

func (r redirect) RoundTrip(req *http.Request) (*http.Response, error) {
	req = req.Clone(req.Context())
	req.URL.Scheme, req.URL.Host, req.Host = r.to.Scheme, r.to.Host, ""
	return http.DefaultTransport.RoundTrip(req)
}

func (f *fakeDiscord) serveREST(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	path := strings.TrimPrefix(r.URL.Path, "/api/v9/")
	f.mu.Lock()
	f.reqs = append(f.reqs, fakeReq{r.Method, path, body, time.Now()})
	hook := f.hook
	f.mu.Unlock()
	if hook != nil && hook(w, r, body) {
		return
	}
	parts := strings.Split(path, "/")
	reply := func(v any) {
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(v)
	}
	switch {
	case r.Method == "GET" && path == "gateway":
		reply(map[string]any{"url": "ws" + strings.TrimPrefix(f.srv.URL, "http") + "/gw"})
	case r.Method == "GET" && path == "users/@me":
		reply(map[string]any{"id": botUserID, "username": "newsbot", "bot": true})
	case parts[0] == "applications" && strings.Contains(path, "/commands"):
		f.serveCommands(w, r, parts, body, reply)
	case r.Method == "POST" && parts[0] == "interactions" && len(parts) == 4 && parts[3] == "callback":
		w.WriteHeader(http.StatusNoContent)
	case r.Method == "PATCH" && parts[0] == "webhooks":
		reply(map[string]any{"id": parts[len(parts)-1], "channel_id": channelID})
	case r.Method == "POST" && parts[0] == "webhooks":
		reply(map[string]any{"id": f.newID(), "channel_id": channelID})
	case r.Method == "POST" && parts[0] == "channels" && len(parts) == 3 && parts[2] == "typing":
		w.WriteHeader(http.StatusNoContent)
	case r.Method == "POST" && parts[0] == "channels" && len(parts) == 3 && parts[2] == "messages":
		reply(map[string]any{"id": f.newID(), "channel_id": parts[1], "author": map[string]any{"id": botUserID, "bot": true}})
	case r.Method == "PATCH" && parts[0] == "channels" && len(parts) == 4:
		reply(map[string]any{"id": parts[3], "channel_id": parts[1]})
	case r.Method == "GET" && parts[0] == "channels" && len(parts) == 2:
		typ := 0
		if parts[1] == threadID {
			typ = 11
		}
		reply(map[string]any{"id": parts[1], "type": typ, "guild_id": guildID})
	default:
		http.Error(w, `{"message": "404: Not Found", "code": 0}`, http.StatusNotFound)
	}
}

func (f *fakeDiscord) newID() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.nextID++
	return fmt.Sprint(f.nextID)
}

func (f *fakeDiscord) serveCommands(w http.ResponseWriter, r *http.Request, parts []string, body []byte, reply func(any)) {
	f.mu.Lock()
	defer f.mu.Unlock()
	switch r.Method {
	case "GET":
		reply(f.commands)
	case "POST":
		var c map[string]any
		json.Unmarshal(body, &c)
		f.nextID++
		c["id"] = fmt.Sprint(f.nextID)
		f.commands = append(f.commands, c)
		reply(c)
	case "PATCH":
		var c map[string]any
		json.Unmarshal(body, &c)
		id := parts[len(parts)-1]
		for i, old := range f.commands {
			if old["id"] == id {
				c["id"] = id
				f.commands[i] = c
			}
		}
		reply(c)
	default:
		http.Error(w, "", http.StatusMethodNotAllowed)
	}
}

// requests returns the REST requests so far that match.
func (f *fakeDiscord) requests(match func(fakeReq) bool) []fakeReq {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []fakeReq
	for _, r := range f.reqs {
		if match == nil || match(r) {
			out = append(out, r)
		}
	}
	return out
}

// wait waits until n requests match and returns them.
func (f *fakeDiscord) wait(what string, n int, match func(fakeReq) bool) []fakeReq {
	f.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		if got := f.requests(match); len(got) >= n {
			return got
		}
		if time.Now().After(deadline) {
			f.t.Fatalf("timed out waiting for %d %s; requests so far: %v", n, what, f.summary())
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func (f *fakeDiscord) summary() []string {
	var out []string
	for _, r := range f.requests(nil) {
		out = append(out, r.Method+" "+r.Path)
	}
	return out
}

func isCallback(r fakeReq) bool {
	return r.Method == "POST" && strings.HasPrefix(r.Path, "interactions/") && strings.HasSuffix(r.Path, "/callback")
}

func isOriginalEdit(r fakeReq) bool {
	return r.Method == "PATCH" && strings.HasSuffix(r.Path, "/messages/@original")
}

func isFollowup(r fakeReq) bool {
	return r.Method == "POST" && strings.HasPrefix(r.Path, "webhooks/")
}

func isChannelPost(r fakeReq) bool {
	return r.Method == "POST" && strings.HasPrefix(r.Path, "channels/") && strings.HasSuffix(r.Path, "/messages")
}

// final reports a message edit or post that carries embeds or is not a
// streaming preview.
func final(r fakeReq) bool {
	m := r.JSON()
	if e, _ := m["embeds"].([]any); len(e) > 0 {
		return true
	}
	c, _ := m["content"].(string)
	return c != "" && !strings.HasSuffix(c, " …")
}

// --- Gateway ---------------------------------------------------------------

func (f *fakeDiscord) serveGateway(w http.ResponseWriter, r *http.Request) {
	n := int(f.attempts.Add(1))
	up := websocket.Upgrader{CheckOrigin: func(*http.Request) bool { return true }}
	c, err := up.Upgrade(w, r, nil)
	if err != nil {
		return
	}
	defer c.Close()
	g := &gwConn{c: c}
	write := g.write
	if write(map[string]any{"op": 10, "d": map[string]any{"heartbeat_interval": 45000}}) != nil {
		return
	}
	var hello struct {
		Op int `json:"op"`
		D  struct {
			Intents int `json:"intents"`
		} `json:"d"`
	}
	c.SetReadDeadline(time.Now().Add(10 * time.Second))
	if err := c.ReadJSON(&hello); err != nil {
		return
	}
	c.SetReadDeadline(time.Time{})
	f.mu.Lock()
	f.ops = append(f.ops, hello.Op)
	if hello.Op == 2 {
		f.identifys = append(f.identifys, hello.D.Intents)
	}
	closeOn := f.closeOn
	f.mu.Unlock()
	if closeOn != nil {
		if code := closeOn(n); code != 0 {
			g.close(code)
			return
		}
	}
	f.gwMu.Lock()
	f.seq++
	seq := f.seq
	f.gwMu.Unlock()
	if hello.Op == 6 {
		write(map[string]any{"op": 0, "t": "RESUMED", "s": seq, "d": map[string]any{}})
	} else {
		write(map[string]any{"op": 0, "t": "READY", "s": seq, "d": map[string]any{
			"v": 9, "session_id": "session-1",
			"user":        map[string]any{"id": botUserID, "username": "newsbot", "bot": true},
			"application": map[string]any{"id": appID},
			"guilds":      []any{},
		}})
	}
	f.gwMu.Lock()
	f.gw = g
	f.gwMu.Unlock()
	defer func() {
		f.gwMu.Lock()
		if f.gw == g {
			f.gw = nil
		}
		f.gwMu.Unlock()
	}()
	// Heartbeats get acks until the client goes.
	for {
		var m struct {
			Op int `json:"op"`
		}
		if err := c.ReadJSON(&m); err != nil {
			return
		}
		if m.Op == 1 {
			write(map[string]any{"op": 11})
		}
	}
}

func closeText(code int) string {
	switch code {
	case 4004:
		return "Authentication failed."
	case 4014:
		return "Disallowed intent(s)."
	}
	return "Unknown error."
}

// conn waits for a ready gateway connection.
func (f *fakeDiscord) conn() *gwConn {
	f.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		f.gwMu.Lock()
		c := f.gw
		f.gwMu.Unlock()
		if c != nil {
			return c
		}
		if time.Now().After(deadline) {
			f.t.Fatal("no gateway connection")
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// dispatch sends an event over the gateway.
func (f *fakeDiscord) dispatch(event string, data any) {
	f.t.Helper()
	c := f.conn()
	f.gwMu.Lock()
	f.seq++
	seq := f.seq
	f.gwMu.Unlock()
	if err := c.write(map[string]any{"op": 0, "t": event, "s": seq, "d": data}); err != nil {
		f.t.Fatalf("dispatch %s: %v", event, err)
	}
}

// closeGateway closes the current connection with code.
func (f *fakeDiscord) closeGateway(code int) {
	f.conn().close(code)
}

// --- Helpers ---------------------------------------------------------------

// builtinBot is the real core on the built-in corpus, extractive.
func builtinBot(t testing.TB) *newsbot.Bot {
	t.Helper()
	var l load.Loader
	var arts []corpus.Article
	for _, r := range l.LoadFS(builtin.FS, ".") {
		arts = append(arts, r.Articles...)
	}
	if len(arts) == 0 {
		t.Fatal("no built-in articles")
	}
	return &newsbot.Bot{Retriever: index.Build(arts)}
}

// recorder wraps an Answerer and records each request and when it came.
type recorder struct {
	Answerer
	mu   sync.Mutex
	reqs []newsbot.Request
	at   []time.Time
}

func (r *recorder) Ask(ctx context.Context, req newsbot.Request, stream newsbot.Stream) (newsbot.Answer, error) {
	r.mu.Lock()
	r.reqs = append(r.reqs, req)
	r.at = append(r.at, time.Now())
	r.mu.Unlock()
	return r.Answerer.Ask(ctx, req, stream)
}

func (r *recorder) calls() []newsbot.Request {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]newsbot.Request(nil), r.reqs...)
}

// answerFunc is an Answerer from a function.
type answerFunc func(ctx context.Context, req newsbot.Request, stream newsbot.Stream) (newsbot.Answer, error)

func (f answerFunc) Ask(ctx context.Context, req newsbot.Request, stream newsbot.Stream) (newsbot.Answer, error) {
	return f(ctx, req, stream)
}

// startGateway runs an adapter against the fake until the test ends, and
// waits for it to connect and register /ask.
func startGateway(t *testing.T, f *fakeDiscord, cfg Config, bot Answerer) *Adapter {
	t.Helper()
	cfg.Token = "test-token"
	cfg.Transport = f.transport()
	if cfg.EditEvery == 0 {
		cfg.EditEvery = 20 * time.Millisecond
	}
	a, err := New(cfg, bot)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- a.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("Run: %v", err)
			}
		case <-time.After(10 * time.Second):
			t.Error("Run did not return after its context ended")
		}
	})
	f.wait("registration of /ask", 1, func(r fakeReq) bool {
		return strings.HasPrefix(r.Path, "applications/") && r.Method != "GET"
	})
	return a
}

// askEvent is an INTERACTION_CREATE for /ask.
func askEvent(id, user, question string) map[string]any {
	return map[string]any{
		"id": id, "application_id": appID, "type": 2, "token": "token-" + id,
		"guild_id": guildID, "channel_id": channelID, "version": 1,
		"member": map[string]any{"user": map[string]any{"id": user, "username": "person" + user}},
		"data": map[string]any{"id": "cmd-1", "name": "ask", "type": 1, "options": []any{
			map[string]any{"name": "question", "type": 3, "value": question},
		}},
	}
}

// mentionEvent is a MESSAGE_CREATE that mentions the bot.
func mentionEvent(id, user, text string) map[string]any {
	return map[string]any{
		"id": id, "channel_id": channelID, "guild_id": guildID, "type": 0,
		"author":   map[string]any{"id": user, "username": "person" + user},
		"content":  "<@" + botUserID + "> " + text,
		"mentions": []any{map[string]any{"id": botUserID, "username": "newsbot", "bot": true}},
	}
}

// unescape undoes the Markdown escapes and zero-width spaces, to compare
// what a reader sees.
func unescape(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+1 < len(s) {
			i++
		}
		b.WriteByte(s[i])
	}
	return strings.ReplaceAll(b.String(), "\u200b", "")
}

// embedsOf returns the embeds of a message body.
func embedsOf(r fakeReq) []map[string]any {
	var out []map[string]any
	es, _ := r.JSON()["embeds"].([]any)
	for _, e := range es {
		m, _ := e.(map[string]any)
		out = append(out, m)
	}
	return out
}

// checkNoMentions asserts that a message body carries allowed_mentions with
// an explicitly empty parse list.
func checkNoMentions(t *testing.T, r fakeReq) {
	t.Helper()
	m := r.JSON()
	if isCallback(r) {
		m, _ = m["data"].(map[string]any)
	}
	am, ok := m["allowed_mentions"].(map[string]any)
	if !ok {
		t.Errorf("%s %s: no allowed_mentions in %s", r.Method, r.Path, r.Body)
		return
	}
	p, ok := am["parse"].([]any)
	if !ok || len(p) != 0 {
		t.Errorf("%s %s: allowed_mentions.parse = %v, want []", r.Method, r.Path, am["parse"])
	}
	if am["replied_user"] == true {
		t.Errorf("%s %s: replied_user is true", r.Method, r.Path)
	}
}

// isMessage reports requests that post or edit a visible message.
func isMessage(r fakeReq) bool {
	return isCallback(r) || isOriginalEdit(r) || isFollowup(r) || isChannelPost(r) ||
		(r.Method == "PATCH" && strings.HasPrefix(r.Path, "channels/"))
}

func jsonMarshal(v any) ([]byte, error) { return json.Marshal(v) }

func itoa(n int) string { return fmt.Sprint(n) }
