// Package httpapi serves the bot over HTTP for other tools: POST /v1/ask
// answers with the core's answer and its citations as JSON, and POST
// /v1/chat/completions speaks the OpenAI chat completions API (plain and
// streamed), so that chat front ends and OpenAI client libraries can use
// the bot as if it were a model. GET /healthz and /readyz report the
// process's state; /metrics is served when a handler is given.
//
// Requests are bounded in size, optionally need a bearer token, and are
// rate limited per client, failed authentications included. A body must be
// exactly one JSON value in valid UTF-8. A client's X-Request-Id is kept
// only when it is a plain token (see requestID). Errors reach the caller as
// fixed sentences; their detail goes to the log.
package httpapi

import (
	"bytes"
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"runtime/debug"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/newsbot-dev/newsbot"
	"golang.org/x/time/rate"
)

// Answerer answers a question in a conversation; *newsbot.Bot is one. An
// error wrapping newsbot.ErrNotReady (the index is loading, the process is
// stopping) gets 503 and Retry-After.
type Answerer = newsbot.Answerer

// Config configures the API. Every field's zero value is a working default.
type Config struct {
	// Token, when set, is required as "Authorization: Bearer TOKEN" on the
	// /v1 endpoints (health and metrics stay open).
	Token string
	// MaxBody bounds a request body; 0 means 64 KiB.
	MaxBody int64
	// Rate and Burst bound each client's requests (a client is its bearer
	// token, else its IP address); 0 means DefaultRate (5 a second) and
	// DefaultBurst (20); rate.Inf means no limit. Requests with a missing
	// or wrong token count against their IP address's own bucket of the
	// same size, so guessing is as slow.
	Rate  rate.Limit
	Burst int
	// TrustedProxies are the reverse proxies whose X-Forwarded-For is
	// believed. By default (none) a client is the address of the TCP peer,
	// so behind a proxy every client shares the proxy's rate bucket. With
	// the proxy listed, a request from it is the client that the header
	// names: the rightmost address in X-Forwarded-For that is not itself
	// a trusted proxy. A request from any other peer is its peer, whatever
	// its headers say.
	TrustedProxies []netip.Prefix
	// Ready reports whether the index is loaded (/readyz); nil means ready.
	Ready func() bool
	// Metrics, when set, is served at /metrics.
	Metrics http.Handler
	// Model is the model name the chat completions API reports; "" means
	// "newsbot".
	Model string
	// Log receives errors' detail; nil discards.
	Log *slog.Logger
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// API is the HTTP handler.
type API struct {
	cfg     Config
	bot     Answerer
	mux     *http.ServeMux
	mu      sync.Mutex
	clients map[string]*client
}

type client struct {
	lim  *rate.Limiter
	seen time.Time
}

// Defaults of the Config fields whose zero value means "the default".
const (
	DefaultRate  rate.Limit = 5
	DefaultBurst int        = 20
)

// maxClients bounds the per-client limiters kept; idle ones are dropped
// first.
const maxClients = 10000

// New returns the API over bot.
func New(cfg Config, bot Answerer) *API {
	if cfg.MaxBody == 0 {
		cfg.MaxBody = 64 << 10
	}
	if cfg.Rate == 0 {
		cfg.Rate = DefaultRate
	}
	if cfg.Burst == 0 {
		cfg.Burst = DefaultBurst
	}
	if cfg.Model == "" {
		cfg.Model = "newsbot"
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	a := &API{cfg: cfg, bot: bot, mux: http.NewServeMux(), clients: map[string]*client{}}
	a.mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		fmt.Fprintln(w, "ok")
	})
	a.mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		if cfg.Ready != nil && !cfg.Ready() {
			w.WriteHeader(http.StatusServiceUnavailable)
			fmt.Fprintln(w, "index not loaded")
			return
		}
		fmt.Fprintln(w, "ready")
	})
	if cfg.Metrics != nil {
		a.mux.Handle("GET /metrics", cfg.Metrics)
	}
	a.mux.Handle("POST /v1/ask", a.guard(http.HandlerFunc(a.ask)))
	a.mux.Handle("POST /v1/chat/completions", a.guard(http.HandlerFunc(a.chat)))
	a.mux.Handle("GET /v1/models", a.guard(http.HandlerFunc(a.models)))
	return a
}

// ServeHTTP serves the API.
func (a *API) ServeHTTP(w http.ResponseWriter, r *http.Request) { a.mux.ServeHTTP(w, r) }

// Fixed error sentences: nothing else of a failure reaches a caller.
const (
	msgUnauthorized = "missing or wrong bearer token"
	msgTooLarge     = "request body too large"
	msgRate         = "too many requests; slow down"
	msgBadJSON      = "request body is not valid JSON of the expected shape"
	msgBadUTF8      = "request body is not valid UTF-8"
	msgTrailing     = "request body holds more than one JSON value"
	msgFailed       = "the bot could not answer just now"
	msgUnavailable  = "the bot is not ready to answer; try again shortly"
)

// guard checks the token, bounds the body and applies the client's rate.
// A request that fails the token check spends its address's bucket of
// failures first, so that a wrong token is rate limited too.
func (a *API) guard(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		key := "ip " + a.clientIP(r)
		if a.cfg.Token != "" {
			got, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
			if !ok || subtle.ConstantTimeCompare([]byte(got), []byte(a.cfg.Token)) != 1 {
				if !a.allow("failed " + key) {
					w.Header().Set("Retry-After", "1")
					writeError(w, http.StatusTooManyRequests, msgRate)
					return
				}
				writeError(w, http.StatusUnauthorized, msgUnauthorized)
				return
			}
			key = "token"
		}
		if !a.allow(key) {
			w.Header().Set("Retry-After", "1")
			writeError(w, http.StatusTooManyRequests, msgRate)
			return
		}
		if r.ContentLength > a.cfg.MaxBody {
			writeError(w, http.StatusRequestEntityTooLarge, msgTooLarge)
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, a.cfg.MaxBody)
		next.ServeHTTP(w, r)
	})
}

// clientIP is the client's address: the TCP peer's, or, when the peer is
// a trusted proxy, the one its X-Forwarded-For names (Config.TrustedProxies).
func (a *API) clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	peer, err := netip.ParseAddr(host)
	if err != nil || !a.trusted(peer) {
		return host
	}
	// Right to left: the addresses each trusted proxy saw; the first
	// untrusted one is the client. A header it cannot parse leaves the
	// proxy's own address, so a broken header cannot choose a bucket.
	hops := strings.Split(strings.Join(r.Header.Values("X-Forwarded-For"), ","), ",")
	client := peer
	for i := len(hops) - 1; i >= 0; i-- {
		hop, err := netip.ParseAddr(strings.TrimSpace(hops[i]))
		if err != nil {
			break
		}
		client = hop.Unmap()
		if !a.trusted(client) {
			break
		}
	}
	return client.String()
}

func (a *API) trusted(ip netip.Addr) bool {
	ip = ip.Unmap()
	for _, p := range a.cfg.TrustedProxies {
		if p.Contains(ip) {
			return true
		}
	}
	return false
}

func (a *API) allow(key string) bool {
	now := a.cfg.Now()
	a.mu.Lock()
	defer a.mu.Unlock()
	c, ok := a.clients[key]
	if !ok {
		if len(a.clients) >= maxClients {
			a.evict(now)
		}
		c = &client{lim: rate.NewLimiter(a.cfg.Rate, a.cfg.Burst)}
		a.clients[key] = c
	}
	c.seen = now
	return c.lim.AllowN(now, 1)
}

// evict drops the clients idle longest: those not seen in the last minute,
// or, if none, half of them.
func (a *API) evict(now time.Time) {
	for k, c := range a.clients {
		if now.Sub(c.seen) > time.Minute {
			delete(a.clients, k)
		}
	}
	for k := range a.clients {
		if len(a.clients) < maxClients/2 {
			break
		}
		delete(a.clients, k)
	}
}

// decode reads a JSON body strictly: exactly one JSON value, in valid
// UTF-8, with nothing but white space after it; anything else is 400 (a
// too-large body 413). Invalid UTF-8 is refused rather than replaced, so
// that the bot never answers a question other than the one sent.
func decode(w http.ResponseWriter, r *http.Request, v any) bool {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			writeError(w, http.StatusRequestEntityTooLarge, msgTooLarge)
		} else {
			writeError(w, http.StatusBadRequest, msgBadJSON)
		}
		return false
	}
	// The body is read: lift the server's read deadline, which would
	// otherwise end the request's context while a long answer is made.
	http.NewResponseController(w).SetReadDeadline(time.Time{})
	if !utf8.Valid(body) {
		writeError(w, http.StatusBadRequest, msgBadUTF8)
		return false
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	if err := dec.Decode(v); err != nil {
		writeError(w, http.StatusBadRequest, msgBadJSON)
		return false
	}
	if _, err := dec.Token(); err != io.EOF {
		writeError(w, http.StatusBadRequest, msgTrailing)
		return false
	}
	return true
}

// writeGrace is how long each write of a response may take, counted from
// when it starts: an answer may take minutes to make (a model's deadline),
// but a client that stops reading is cut off this long after.
const writeGrace = 30 * time.Second

// extendWrite gives the next write writeGrace (see chat.LimitServer's
// WriteTimeout). Writers that do not support deadlines are left alone.
func extendWrite(w http.ResponseWriter) {
	http.NewResponseController(w).SetWriteDeadline(time.Now().Add(writeGrace))
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	extendWrite(w)
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.Encode(v)
}

// writeError answers in the shape of the OpenAI API's errors, which both
// endpoints' clients understand.
func writeError(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, map[string]any{"error": map[string]any{"message": msg, "type": errorType(status), "code": status}})
}

func errorType(status int) string {
	switch {
	case status == http.StatusUnauthorized:
		return "authentication_error"
	case status == http.StatusTooManyRequests:
		return "rate_limit_error"
	case status < 500:
		return "invalid_request_error"
	}
	return "server_error"
}

// requestID returns the request's X-Request-Id when it is a plain token
// (1 to 64 ASCII letters, digits, "-", "_", ".", ":"), so that it can be
// echoed and logged as it is; otherwise a new one, and the client's is
// neither echoed nor logged.
func requestID(r *http.Request) string {
	if id := r.Header.Get("X-Request-Id"); validRequestID(id) {
		return id
	}
	var b [8]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

func validRequestID(id string) bool {
	if id == "" || len(id) > 64 {
		return false
	}
	for i := 0; i < len(id); i++ {
		switch c := id[i]; {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9', c == '-', c == '_', c == '.', c == ':':
		default:
			return false
		}
	}
	return true
}

// run asks the bot, with the request's id in ctx and in the response's
// X-Request-Id header. A panic while answering is logged with its stack and
// becomes an error, which the caller gets as the fixed 500 sentence; the
// server goes on.
func (a *API) run(w http.ResponseWriter, r *http.Request, req newsbot.Request, stream newsbot.Stream) (ans newsbot.Answer, id string, err error) {
	id = requestID(r)
	w.Header().Set("X-Request-Id", id)
	ctx := newsbot.WithRequestID(r.Context(), id)
	defer func() {
		if p := recover(); p != nil {
			a.cfg.Log.Error("httpapi: panic while answering", "request_id", id, "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
			ans, err = newsbot.Answer{}, fmt.Errorf("answer: panic: %v", p)
		}
	}()
	ans, err = a.bot.Ask(ctx, req, stream)
	return ans, id, err
}

// failure is what the caller is told of err: the core's own words about an
// unusable question, else a fixed sentence (the detail is logged).
func (a *API) failure(err error, id string) (int, string) {
	if errors.Is(err, newsbot.ErrQuestion) {
		return http.StatusBadRequest, err.Error()
	}
	if errors.Is(err, newsbot.ErrNotReady) {
		return http.StatusServiceUnavailable, msgUnavailable
	}
	a.cfg.Log.Error("httpapi: answering failed", "request_id", id, "err", err)
	return http.StatusInternalServerError, msgFailed
}
