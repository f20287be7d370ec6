// Package discord answers questions about the news coverage in Discord: the
// /ask slash command, messages that mention the bot, and direct messages.
//
// Interactions arrive over the gateway (a bot token, [Adapter.Run]) or at the
// HTTP interactions endpoint ([Adapter.Handler], verified with the
// application's public key). Either way the first response is a deferral
// sent before any search or model call, so the 3-second deadline holds
// however slow the answer; the answer then streams into the original
// message by throttled edits and ends as embeds: the answer in the
// description, each cited sentence as a field with its outlet, date and
// linked headline. What does not fit Discord's limits continues in
// follow-up messages.
//
// Output safety: every message, edit and follow-up carries allowed_mentions
// with an empty parse list, so nothing the bot posts can ping anyone; text
// taken from articles or the model is stripped of control and invisible
// characters and its Discord markdown is escaped, so it cannot format,
// mask a link or form a mention; a link that is not a cited source's is
// neutralised (the rules are listed in render.go).
//
// Supervision: discordgo reconnects forever, even when Discord closes the
// gateway with a code that no retry can fix (4004, a bad token; 4014,
// intents the application may not use). Run does the reconnecting itself
// and stops with an error wrapping [ErrFatalClose] on those codes. Every
// REST request has a deadline; interaction responses use their own
// rate-limit state, so a rate-limit sleep elsewhere never delays a deferral.
//
// The package imports the answering core, never the reverse; discordgo's
// types stay inside it. Errors reach a person only as fixed friendly
// sentences; their detail goes to the log.
package discord

import (
	"context"
	"crypto/ed25519"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/bwmarrin/discordgo"
	"github.com/gorilla/websocket"

	"github.com/newsbot-dev/newsbot"
	"github.com/newsbot-dev/newsbot/adapters/chat"
)

// Answerer answers a question in the context of a conversation's earlier
// turns. When stream is not nil it may receive the answer's text as it is
// produced (checked text, pieces that join to a prefix of the final Text);
// the returned Answer is final. *newsbot.Bot implements it.
type Answerer interface {
	Ask(ctx context.Context, req newsbot.Request, stream newsbot.Stream) (newsbot.Answer, error)
}

// Defaults of the Config fields whose zero value means "the default".
const (
	DefaultRequestTimeout = 10 * time.Second
	DefaultEditEvery      = time.Second
	DefaultRatePerMinute  = chat.DefaultPerMinute
	DefaultBurst          = chat.DefaultBurst
	DefaultShutdownGrace  = 10 * time.Second
	DefaultMaxBody        = 64 << 10
	DefaultMaxSkew        = 5 * time.Minute
)

// Config configures an Adapter. Token is required for the gateway and for
// registering the command; PublicKey is required for the HTTP endpoint.
// Every other field's zero value is a working default.
type Config struct {
	// Token is the bot token from the Developer Portal (Bot page). The
	// "Bot " prefix is added when missing.
	Token string
	// AppID is the application id. If empty, it is taken from the
	// gateway's READY event, or (for Register without Run) from the
	// token's own user, which for a bot is the application's id.
	AppID string
	// PublicKey is the application's Ed25519 public key, in hex (General
	// Information page). It is needed only for the HTTP interactions
	// endpoint.
	PublicKey string
	// GuildID, if set, registers /ask on that one server, where it appears
	// at once (for trying the bot out); empty registers it globally.
	GuildID string
	// Ephemeral makes /ask answers visible only to the person who asked.
	Ephemeral bool
	// OnEvent, when set, is told of each adapter event by name (for
	// metrics): "interaction", "message", "duplicate", "rate_limited" (a
	// person asking too fast), "reconnect". It must be quick.
	OnEvent func(event string)
	// Addr, if set, is where Run also serves the HTTP interactions
	// endpoint ([Adapter.Handler]) at every path, for example ":8080".
	// Requires PublicKey. Empty serves nothing: the endpoint can still be
	// mounted on another server through Handler.
	Addr string

	// Transport, if set, carries every REST request (a test seam:
	// discordgo's endpoint URLs are fixed package variables, so tests
	// redirect requests to a local server with a RoundTripper). Nil means
	// http.DefaultTransport. The gateway's URL is whatever GET /gateway
	// answers through it.
	Transport http.RoundTripper
	// APIURL, if set, is where every request goes instead of
	// https://discord.com, path kept: the REST API and GET /gateway, whose
	// answer names the gateway's WebSocket URL. A test seam (the
	// NEWSBOT_DISCORD_API_URL setting), for a fake Discord such as
	// discordtest's; it redirects through Transport.
	APIURL string
	// Links remember which conversation each message belongs to, so that
	// a reply to the bot's answer continues its conversation; nil keeps
	// them in memory (chat.MemoryLinks). adapters/bolt keeps them across
	// restarts. The turns themselves are the Answerer's: each question
	// carries its conversation's key as newsbot.Request.Conversation.
	Links chat.Links
	// Dedupe remembers the interactions and messages already answered, and
	// the signatures of the HTTP requests accepted; nil keeps them in
	// memory (chat.MemoryDedupe). Several replicas need a shared one.
	Dedupe chat.Dedupe
	// Log receives what went wrong, in detail; nil discards it.
	Log *slog.Logger
	// Now is the clock for the signature timestamp window and the
	// question rate; nil means time.Now.
	Now func() time.Time

	// RequestTimeout is the deadline of every REST request, rate-limit
	// sleeps included; 0 means DefaultRequestTimeout (10 s). The deferral
	// of an interaction has its own deadline of 3 s from receipt.
	RequestTimeout time.Duration
	// EditEvery is the least time between two edits of a streaming answer;
	// 0 means DefaultEditEvery (1 s).
	EditEvery time.Duration
	// RatePerMinute is how many questions one person may ask a minute, on
	// average, and Burst how many at once (the same units as the Slack
	// adapter's). 0 means DefaultRatePerMinute (6) and DefaultBurst (3); a
	// negative RatePerMinute turns the limit off.
	RatePerMinute float64
	Burst         int
	// ShutdownGrace is how long Run waits, once its context ends, for the
	// answers in progress to finish before it cancels them; 0 means
	// DefaultShutdownGrace (10 s).
	ShutdownGrace time.Duration
	// MaxBody bounds the HTTP endpoint's request body; 0 means
	// DefaultMaxBody (64 KiB). Larger bodies get 401 before any parsing.
	MaxBody int64
	// MaxSkew is how far the HTTP endpoint's X-Signature-Timestamp may be
	// from Now, past or future; 0 means DefaultMaxSkew (5 minutes).
	MaxSkew time.Duration
}

// ErrFatalClose is wrapped by the error Run returns when Discord closes the
// gateway with a code that reconnecting cannot fix.
var ErrFatalClose = errors.New("discord closed the gateway for good")

// CloseError is the error Run returns for a fatal gateway close code. It
// wraps ErrFatalClose.
type CloseError struct {
	// Code is the WebSocket close code, for example 4004.
	Code int
	// Text is Discord's reason, if it gave one.
	Text string
}

func (e *CloseError) Error() string {
	return fmt.Sprintf("discord: the gateway closed the connection with code %d (%s): %s",
		e.Code, strings.TrimSpace(e.Text), closeAdvice(e.Code))
}

// Unwrap lets errors.Is(err, ErrFatalClose) hold.
func (e *CloseError) Unwrap() error { return ErrFatalClose }

// fatalCodes are the gateway close codes after which Discord's
// documentation says not to reconnect, with what to do instead.
var fatalCodes = map[int]string{
	4004: "authentication failed: the bot token is wrong or was reset; set DISCORD_TOKEN to the token from the Developer Portal (Bot page)",
	4010: "invalid shard",
	4011: "sharding required: the bot is in too many servers for one connection",
	4012: "invalid gateway API version",
	4013: "invalid intents",
	4014: "disallowed intents: the bot asked for a privileged intent that is not enabled for it in the Developer Portal (Bot page, Privileged Gateway Intents)",
}

func closeAdvice(code int) string {
	if s, ok := fatalCodes[code]; ok {
		return s
	}
	return "not reconnecting"
}

// intents is what the gateway connection asks for: server metadata
// (threads, to keep a thread's conversation), messages in servers and in
// DMs. The privileged Message Content intent is not needed: Discord gives
// a bot the content of messages that mention it and of DMs without it.
const intents = discordgo.IntentGuilds | discordgo.IntentGuildMessages | discordgo.IntentDirectMessages

// answerTimeout bounds one answer: an interaction's token lasts 15 minutes,
// after which its message can no longer be edited.
const answerTimeout = 14 * time.Minute

// deferTimeout is the deadline of an interaction's deferral: Discord
// drops an interaction not answered within 3 seconds.
const deferTimeout = 3 * time.Second

// Adapter connects an Answerer to Discord. Make one with New.
type Adapter struct {
	cfg  Config
	bot  Answerer
	log  *slog.Logger
	key  ed25519.PublicKey
	rest *discordgo.Session // bot-token REST and the gateway
	ixs  *discordgo.Session // interaction callbacks and webhooks: own rate-limit state, no token

	selfID atomic.Value // string: the bot's user id, from READY
	appID  atomic.Value // string

	dedupe  chat.Dedupe // interaction and message ids already handled, signatures of accepted HTTP requests
	links   chat.Links  // message id -> conversation key
	threads *lru[bool]  // channel id -> is a thread
	limiter *chat.Limiter
	work    chat.Work

	base    context.Context // deferrals' parent; cancelled when Run ends
	stop    context.CancelFunc
	running atomic.Bool

	connMu sync.Mutex
	conn   net.Conn // the gateway's current TCP connection

	gateway *resumeGateway // resumes on READY's resume_gateway_url
}

// New returns an Adapter for cfg that answers with bot. It checks the
// configuration but connects to nothing.
func New(cfg Config, bot Answerer) (*Adapter, error) {
	if bot == nil {
		return nil, errors.New("discord: new adapter: no Answerer")
	}
	if cfg.Token == "" && cfg.PublicKey == "" {
		return nil, errors.New("discord: new adapter: neither a bot token nor a public key is set")
	}
	if cfg.Addr != "" && cfg.PublicKey == "" {
		return nil, errors.New("discord: new adapter: Addr is set but PublicKey is not: the HTTP endpoint needs the public key")
	}
	if cfg.Token != "" {
		if err := CheckToken(cfg.Token); err != nil {
			return nil, fmt.Errorf("discord: new adapter: token: %w", err)
		}
	}
	for _, id := range []struct{ field, v string }{{"AppID", cfg.AppID}, {"GuildID", cfg.GuildID}} {
		if id.v != "" {
			if err := CheckID(id.v); err != nil {
				return nil, fmt.Errorf("discord: new adapter: %s: %w", id.field, err)
			}
		}
	}
	a := &Adapter{cfg: cfg, bot: bot, log: cfg.Log}
	if a.log == nil {
		a.log = slog.New(slog.DiscardHandler)
	}
	if cfg.PublicKey != "" {
		k, err := parsePublicKey(cfg.PublicKey)
		if err != nil {
			return nil, fmt.Errorf("discord: new adapter: public key: %w", err)
		}
		a.key = k
	}
	if a.cfg.RequestTimeout <= 0 {
		a.cfg.RequestTimeout = DefaultRequestTimeout
	}
	if a.cfg.EditEvery <= 0 {
		a.cfg.EditEvery = DefaultEditEvery
	}
	if a.cfg.ShutdownGrace <= 0 {
		a.cfg.ShutdownGrace = DefaultShutdownGrace
	}
	if a.cfg.MaxBody <= 0 {
		a.cfg.MaxBody = DefaultMaxBody
	}
	if a.cfg.MaxSkew <= 0 {
		a.cfg.MaxSkew = DefaultMaxSkew
	}
	if a.cfg.Now == nil {
		a.cfg.Now = time.Now
	}
	token := strings.TrimSpace(cfg.Token)
	if token != "" && !strings.HasPrefix(token, "Bot ") {
		token = "Bot " + token
	}
	transport := cfg.Transport
	if cfg.APIURL != "" {
		if err := CheckAPIURL(cfg.APIURL); err != nil {
			return nil, fmt.Errorf("discord: new adapter: API URL: %w", err)
		}
		to, _ := url.Parse(cfg.APIURL)
		transport = redirect{to: to, next: transport}
	}
	client := &http.Client{Transport: transport} // deadlines come from contexts
	var err error
	if a.rest, err = discordgo.New(token); err != nil {
		return nil, fmt.Errorf("discord: new adapter: %w", err)
	}
	a.gateway = &resumeGateway{next: transport}
	a.rest.Client = &http.Client{Transport: a.gateway}
	a.rest.Identify.Intents = intents
	// Run reconnects itself, so that it can stop on fatal close codes.
	a.rest.ShouldReconnectOnError = false
	a.rest.ShouldReconnectVoiceOnSessionError = false
	a.rest.Dialer = &websocket.Dialer{
		Proxy:            http.ProxyFromEnvironment,
		HandshakeTimeout: 15 * time.Second,
		NetDialContext:   a.dialGateway,
	}
	// Interaction endpoints authenticate with the interaction's token and
	// are not bound to the bot's global rate limit: a separate session
	// keeps their rate-limit state apart.
	if a.ixs, err = discordgo.New(""); err != nil {
		return nil, fmt.Errorf("discord: new adapter: %w", err)
	}
	a.ixs.Client = client
	a.appID.Store(cfg.AppID)
	a.selfID.Store("")

	a.dedupe, a.links = cfg.Dedupe, cfg.Links
	if a.dedupe == nil {
		a.dedupe = &chat.MemoryDedupe{Now: a.cfg.Now}
	}
	if a.links == nil {
		a.links = &chat.MemoryLinks{}
	}
	a.threads = newLRU[bool](2048)
	a.limiter = &chat.Limiter{PerMinute: a.cfg.RatePerMinute, Burst: a.cfg.Burst, Now: a.cfg.Now}
	a.work = chat.Work{Log: a.log, Timeout: answerTimeout}
	a.base, a.stop = context.WithCancel(context.Background())
	return a, nil
}

// redirect sends every request to another host, path kept (Config.APIURL).
type redirect struct {
	to   *url.URL
	next http.RoundTripper // nil: http.DefaultTransport
}

func (r redirect) RoundTrip(req *http.Request) (*http.Response, error) {
	req = req.Clone(req.Context())
	req.URL.Scheme, req.URL.Host, req.Host = r.to.Scheme, r.to.Host, ""
	if r.next == nil {
		return http.DefaultTransport.RoundTrip(req)
	}
	return r.next.RoundTrip(req)
}

// dialGateway opens the gateway's TCP connection and remembers it, so that
// Run can cut a connection that hangs while opening.
func (a *Adapter) dialGateway(ctx context.Context, network, addr string) (net.Conn, error) {
	if a.gateway.refuseDial() {
		return nil, errMoveGateway
	}
	var d net.Dialer
	c, err := d.DialContext(ctx, network, addr)
	if err != nil {
		return nil, err
	}
	a.connMu.Lock()
	a.conn = c
	a.connMu.Unlock()
	return c, nil
}

func (a *Adapter) currentConn() net.Conn {
	a.connMu.Lock()
	defer a.connMu.Unlock()
	return a.conn
}

// event reports an adapter event to Config.OnEvent.
func (a *Adapter) event(name string) {
	if a.cfg.OnEvent != nil {
		a.cfg.OnEvent(name)
	}
}

// openTimeout bounds connecting to the gateway up to READY.
const openTimeout = 30 * time.Second

// Run connects to the gateway and answers until ctx ends, then returns nil
// after the answers under way have stopped. It registers /ask once
// connected (a failure is logged, not fatal) and, when Config.Addr is set,
// serves the HTTP interactions endpoint there too. It reconnects after a
// lost connection, waiting 1 s, 2 s, 4 s ... up to 1 minute between
// failed attempts, and returns an error wrapping ErrFatalClose (a
// *CloseError) when Discord closes the gateway with a code that
// reconnecting cannot fix, such as 4004 (a bad token) or 4014 (intents not
// enabled for the bot). An Adapter runs once.
func (a *Adapter) Run(ctx context.Context) error {
	if !a.running.CompareAndSwap(false, true) {
		return errors.New("discord: run: the adapter already ran")
	}
	defer a.shutdown()
	if a.cfg.Token == "" {
		return errors.New("discord: run: no bot token")
	}
	if a.cfg.Addr != "" {
		// The timeouts and connection cap of every server of the bot
		// (chat.LimitServer).
		srv := &http.Server{Handler: a.Handler()}
		ln, err := net.Listen("tcp", a.cfg.Addr)
		if err != nil {
			return fmt.Errorf("discord: run: listen for interactions on %s: %w", a.cfg.Addr, err)
		}
		ln = chat.LimitServer(srv, ln, chat.ServerLimits{})
		go func() {
			if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
				a.log.Error("discord: serve the interactions endpoint", "err", err)
			}
		}()
		defer func() {
			sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			srv.Shutdown(sctx)
		}()
	}

	disconnected := make(chan struct{}, 1)
	handlers := []func(){
		a.rest.AddHandler(func(_ *discordgo.Session, _ *discordgo.Disconnect) {
			select {
			case disconnected <- struct{}{}:
			default:
			}
		}),
		a.rest.AddHandler(func(_ *discordgo.Session, ic *discordgo.InteractionCreate) {
			a.onGatewayInteraction(ic.Interaction)
		}),
		a.rest.AddHandler(func(_ *discordgo.Session, m *discordgo.MessageCreate) {
			a.onMessage(m.Message)
		}),
		a.rest.AddHandler(func(_ *discordgo.Session, e *discordgo.Event) {
			a.gateway.onEvent(e)
		}),
	}
	defer func() {
		for _, remove := range handlers {
			remove()
		}
	}()

	registered := false
	wait := time.Duration(0)
	for attempt := 1; ; attempt++ {
		// A disconnect signalled before this attempt is stale.
		select {
		case <-disconnected:
		default:
		}
		err := a.open(ctx)
		if ctx.Err() != nil {
			if err == nil {
				a.rest.Close()
			}
			return nil
		}
		if err != nil && a.gateway.moving() {
			// Not a fault: the session moves to its resume URL (see
			// resumeGateway) and opens again at once.
			attempt--
			continue
		}
		if err != nil {
			var ce *websocket.CloseError
			if errors.As(err, &ce) {
				if _, fatal := fatalCodes[ce.Code]; fatal {
					return fmt.Errorf("discord: run: connect to the gateway (attempt %d): %w", attempt, &CloseError{Code: ce.Code, Text: ce.Text})
				}
			}
			wait = min(max(2*wait, time.Second), time.Minute)
			a.log.Warn("discord: connect to the gateway failed; retrying", "attempt", attempt, "in", wait, "err", err)
			select {
			case <-ctx.Done():
				return nil
			case <-time.After(wait):
			}
			continue
		}
		wait = 0
		a.learnIdentity()
		a.log.Info("discord: connected to the gateway", "attempt", attempt, "user", a.self(), "application", a.app())
		if !registered {
			if err := a.Register(ctx); err != nil {
				a.log.Error("discord: registering /ask failed; the command may be missing or out of date", "err", err)
			} else {
				registered = true
			}
		}
		select {
		case <-ctx.Done():
			a.rest.Close()
			return nil
		case <-disconnected:
			a.log.Warn("discord: lost the gateway connection; reconnecting")
			a.event("reconnect")
		}
	}
}

// open opens the gateway connection (HELLO, IDENTIFY or RESUME, READY),
// cutting it when ctx ends or it takes longer than openTimeout.
func (a *Adapter) open(ctx context.Context) error {
	done := make(chan error, 1)
	go func() { done <- a.rest.Open() }()
	timer := time.NewTimer(openTimeout)
	defer timer.Stop()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
	case <-timer.C:
	}
	// Cutting the TCP connection makes the blocked read fail and Open
	// return.
	if c := a.currentConn(); c != nil {
		c.Close()
	}
	err := <-done
	if err == nil && ctx.Err() == nil {
		err = errors.New("opening took too long")
	}
	return err // nil: opened just as ctx ended, and Run closes it
}

// learnIdentity takes the bot's user id and the application id from the
// READY event that discordgo keeps in its state.
func (a *Adapter) learnIdentity() {
	st := a.rest.State
	st.RLock()
	defer st.RUnlock()
	if u := st.Ready.User; u != nil && u.ID != "" {
		a.selfID.Store(u.ID)
	}
	if a.app() == "" {
		if app := st.Ready.Application; app != nil && app.ID != "" {
			a.appID.Store(app.ID)
		} else if u := st.Ready.User; u != nil {
			a.appID.Store(u.ID)
		}
	}
}

func (a *Adapter) self() string { return a.selfID.Load().(string) }
func (a *Adapter) app() string  { return a.appID.Load().(string) }

// call runs one REST request with the deadline RequestTimeout (or the
// earlier one of ctx). The caller gets control back at the deadline even
// when discordgo is sleeping on a rate limit inside the call, which no
// context can interrupt; the abandoned call then fails on its own.
func (a *Adapter) call(ctx context.Context, step string, timeout time.Duration, fn func(opts ...discordgo.RequestOption) error, opts ...discordgo.RequestOption) error {
	if timeout <= 0 {
		timeout = a.cfg.RequestTimeout
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	done := make(chan error, 1)
	opts = append([]discordgo.RequestOption{discordgo.WithContext(ctx)}, opts...)
	go func() { done <- fn(opts...) }()
	select {
	case err := <-done:
		if err != nil {
			return fmt.Errorf("discord: %s: %w", step, err)
		}
		return nil
	case <-ctx.Done():
		return fmt.Errorf("discord: %s: %w", step, ctx.Err())
	}
}

// goWork runs job as tracked work (chat.Work) whose context ends after
// answerTimeout, or when Run ends and its grace is over; sorry tells the
// person when job panics. After Run has ended it does nothing.
func (a *Adapter) goWork(what string, job, sorry func(ctx context.Context)) {
	a.work.Go("discord: "+what, job, sorry)
}

// shutdown lets the answers under way finish within ShutdownGrace, then
// cancels them and waits for them.
func (a *Adapter) shutdown() {
	ctx, cancel := context.WithTimeout(context.Background(), a.cfg.ShutdownGrace)
	defer cancel()
	if err := a.work.Shutdown(ctx); err != nil {
		a.log.Warn("discord: shutdown", "err", err)
	}
	a.stop()
}
