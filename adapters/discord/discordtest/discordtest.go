// Package discordtest is a local Discord for tests: the REST API and the
// gateway, as a discordgo client sees them. The Discord adapter's tests and
// the command's (bot serve against a fake Discord) share it.
//
// Point a client at it with Transport (a RoundTripper that sends every
// request to the fake, path kept: discordgo's endpoint URLs are fixed
// package variables) or, through the adapter's APIURL, at URL. GET
// /api/v9/gateway names the fake's own WebSocket, which speaks the gateway
// protocol: HELLO, IDENTIFY or RESUME, READY, heartbeats and their acks,
// dispatches (Dispatch) and close codes (CloseGateway, SetCloseOn). As
// Discord does, READY names a resume_gateway_url apart from the one GET
// /gateway gives (its path is /gw-resume), where a RESUME must go; Paths
// says where each connection went.
package discordtest

import (
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
)

// Ids the fake Discord uses.
const (
	BotUserID = "100"
	AppID     = "200"
	GuildID   = "1"
	ChannelID = "2"
	ThreadID  = "3"
)

// Fake is a local Discord: the REST API (reached through a
// redirecting RoundTripper, as discordgo's URLs are fixed) and a gateway
// WebSocket peer that speaks the gateway protocol (HELLO, IDENTIFY or
// RESUME, READY, heartbeats and their acks, dispatches, close codes).
type Fake struct {
	t   testing.TB
	srv *httptest.Server

	mu       sync.Mutex
	reqs     []Request
	nextID   int
	commands []map[string]any
	// hook, if set, may answer a REST request itself (return true).
	hook func(w http.ResponseWriter, r *http.Request, body []byte) bool

	// Gateway.
	attempts  atomic.Int32 // connections made
	identifys []int        // intents of each IDENTIFY
	ops       []int        // the op (2 identify, 6 resume) of each connection
	paths     []string     // the URL path of each connection
	// closeOn, if set, returns a close code for a connection (counted from
	// 1) after its IDENTIFY or RESUME, or 0 to carry on.
	closeOn func(n int) int
	gwMu    sync.Mutex
	gw      *gwConn
	gwN     int // the connection number of gw
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

type Request struct {
	Method, Path string
	Body         []byte
	At           time.Time
}

// JSON decodes the request body.
func (r Request) JSON() map[string]any {
	var m map[string]any
	json.Unmarshal(r.Body, &m)
	return m
}

func New(t testing.TB) *Fake {
	f := &Fake{t: t, nextID: 5000}
	mux := http.NewServeMux()
	mux.HandleFunc("/gw/", f.serveGateway)
	mux.HandleFunc("/gw-resume/", f.serveGateway)
	mux.HandleFunc("/api/v9/", f.serveREST)
	f.srv = httptest.NewServer(mux)
	t.Cleanup(f.srv.Close)
	return f
}

// transport sends every request to the fake, keeping its path.
func (f *Fake) Transport() http.RoundTripper {
	u, _ := url.Parse(f.srv.URL)
	return redirect{u}
}

type redirect struct{ to *url.URL }

func (r redirect) RoundTrip(req *http.Request) (*http.Response, error) {
	req = req.Clone(req.Context())
	req.URL.Scheme, req.URL.Host, req.Host = r.to.Scheme, r.to.Host, ""
	return http.DefaultTransport.RoundTrip(req)
}

func (f *Fake) serveREST(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	path := strings.TrimPrefix(r.URL.Path, "/api/v9/")
	f.mu.Lock()
	f.reqs = append(f.reqs, Request{r.Method, path, body, time.Now()})
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
		reply(map[string]any{"id": BotUserID, "username": "newsbot", "bot": true})
	case parts[0] == "applications" && strings.Contains(path, "/commands"):
		f.serveCommands(w, r, parts, body, reply)
	case r.Method == "POST" && parts[0] == "interactions" && len(parts) == 4 && parts[3] == "callback":
		w.WriteHeader(http.StatusNoContent)
	case r.Method == "PATCH" && parts[0] == "webhooks":
		reply(map[string]any{"id": parts[len(parts)-1], "channel_id": ChannelID})
	case r.Method == "POST" && parts[0] == "webhooks":
		reply(map[string]any{"id": f.newID(), "channel_id": ChannelID})
	case r.Method == "POST" && parts[0] == "channels" && len(parts) == 3 && parts[2] == "typing":
		w.WriteHeader(http.StatusNoContent)
	case r.Method == "POST" && parts[0] == "channels" && len(parts) == 3 && parts[2] == "messages":
		reply(map[string]any{"id": f.newID(), "channel_id": parts[1], "author": map[string]any{"id": BotUserID, "bot": true}})
	case r.Method == "PATCH" && parts[0] == "channels" && len(parts) == 4:
		reply(map[string]any{"id": parts[3], "channel_id": parts[1]})
	case r.Method == "GET" && parts[0] == "channels" && len(parts) == 2:
		typ := 0
		if parts[1] == ThreadID {
			typ = 11
		}
		reply(map[string]any{"id": parts[1], "type": typ, "guild_id": GuildID})
	default:
		http.Error(w, `{"message": "404: Not Found", "code": 0}`, http.StatusNotFound)
	}
}

func (f *Fake) newID() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.nextID++
	return fmt.Sprint(f.nextID)
}

func (f *Fake) serveCommands(w http.ResponseWriter, r *http.Request, parts []string, body []byte, reply func(any)) {
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
func (f *Fake) Requests(match func(Request) bool) []Request {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []Request
	for _, r := range f.reqs {
		if match == nil || match(r) {
			out = append(out, r)
		}
	}
	return out
}

// wait waits until n requests match and returns them.
func (f *Fake) Wait(what string, n int, match func(Request) bool) []Request {
	f.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		if got := f.Requests(match); len(got) >= n {
			return got
		}
		if time.Now().After(deadline) {
			f.t.Fatalf("timed out waiting for %d %s; requests so far: %v", n, what, f.Summary())
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func (f *Fake) Summary() []string {
	var out []string
	for _, r := range f.Requests(nil) {
		out = append(out, r.Method+" "+r.Path)
	}
	return out
}

// --- Gateway ---------------------------------------------------------------

func (f *Fake) serveGateway(w http.ResponseWriter, r *http.Request) {
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
	f.paths = append(f.paths, r.URL.Path)
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
			"resume_gateway_url": "ws" + strings.TrimPrefix(f.srv.URL, "http") + "/gw-resume",
			"user":               map[string]any{"id": BotUserID, "username": "newsbot", "bot": true},
			"application":        map[string]any{"id": AppID},
			"guilds":             []any{},
		}})
	}
	f.gwMu.Lock()
	f.gw, f.gwN = g, n
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
func (f *Fake) conn() *gwConn {
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
func (f *Fake) Dispatch(event string, data any) {
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
func (f *Fake) CloseGateway(code int) {
	f.conn().close(code)
}

// URL is the fake's base URL, for the adapter's APIURL.
func (f *Fake) URL() string { return f.srv.URL }

// WaitConnected waits until a gateway connection is ready.
func (f *Fake) WaitConnected() { f.t.Helper(); f.conn() }

// WaitConnection waits until the n-th gateway connection (counted from 1),
// or a later one, is ready: after a client reconnects, Dispatch then
// reaches the new connection.
func (f *Fake) WaitConnection(n int) {
	f.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		f.gwMu.Lock()
		ok := f.gw != nil && f.gwN >= n
		f.gwMu.Unlock()
		if ok {
			return
		}
		if time.Now().After(deadline) {
			f.t.Fatalf("no gateway connection %d", n)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// LastID is the id the fake gave the last message or command it created.
func (f *Fake) LastID() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return fmt.Sprint(f.nextID)
}

// SetHook lets hook answer REST requests first: when it returns true, it
// has answered.
func (f *Fake) SetHook(hook func(w http.ResponseWriter, r *http.Request, body []byte) bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.hook = hook
}

// SetCloseOn makes the gateway close connection n (counted from 1) with
// the code closeOn returns, right after its IDENTIFY or RESUME; 0 carries
// on.
func (f *Fake) SetCloseOn(closeOn func(n int) int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.closeOn = closeOn
}

// Commands returns the application commands registered so far.
func (f *Fake) Commands() []map[string]any {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]map[string]any(nil), f.commands...)
}

// SetCommands replaces the registered commands.
func (f *Fake) SetCommands(c []map[string]any) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.commands = c
}

// Attempts is how many gateway connections were made.
func (f *Fake) Attempts() int { return int(f.attempts.Load()) }

// Identifys returns the intents of each IDENTIFY.
func (f *Fake) Identifys() []int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]int(nil), f.identifys...)
}

// Paths returns the URL path of each connection that sent its first
// message, in the order of Ops: "/gw/" is GET /gateway's URL, "/gw-resume/"
// the resume_gateway_url of READY.
func (f *Fake) Paths() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.paths...)
}

// Ops returns the op of each connection's first message: 2 IDENTIFY, 6
// RESUME.
func (f *Fake) Ops() []int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]int(nil), f.ops...)
}
