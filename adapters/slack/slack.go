// Package slack is the Slack adapter: it answers questions about the news
// coverage in Slack, through slack-go, with the cited sentences as Block Kit
// sources.
//
// People ask by mentioning the bot in a channel (answered in the mention's
// thread), by direct message, by following up in a thread the bot has
// answered in (no new mention needed; see Config.DisableThreadFollowUps),
// or with the /ask slash command (answered only to the asker, with a
// "Share to channel" button; see Config.AskInChannel).
//
// Events arrive over Socket Mode (Config.AppToken; no public URL needed) or
// over HTTP (Config.SigningSecret and Handler, which verifies Slack's
// request signatures with an injectable clock). Every delivery is
// acknowledged at once and answered in the background; each event is
// answered once however often Slack delivers it. While it works the bot
// puts a reaction on the question, streams the answer into its reply with
// chat.update at most once per Config.UpdateEvery, and ends with the final,
// checked answer. Any failure ends in a short, fixed sentence in the thread:
// the bot is never silent, and an error's text never reaches Slack (it goes
// to the log).
//
// Everything the bot did not write itself is escaped before it is posted,
// so neither a model nor an article can mention @channel, @here or a person,
// or add a link other than the cited sources' (format.go has the rules).
//
// The package imports the answering core, never the reverse; slack-go's
// types do not leave it.
package slack

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	slackgo "github.com/slack-go/slack"

	"github.com/newsbot-dev/newsbot"
	"github.com/newsbot-dev/newsbot/adapters/chat"
)

// Answerer answers a question in the context of a conversation's earlier
// turns. When stream is not nil it may receive the answer's checked text as
// it is produced, in pieces that join to a prefix of the final Answer's
// Text; the returned Answer is the final one. *newsbot.Bot implements it.
type Answerer interface {
	Ask(ctx context.Context, req newsbot.Request, stream newsbot.Stream) (newsbot.Answer, error)
}

// ErrFatalAuth is wrapped by the error Run returns when Slack refuses a
// token (invalid_auth, token_revoked, account_inactive, not_authed,
// not_allowed_token_type): retrying cannot help, a person must fix the
// token.
var ErrFatalAuth = errors.New("the token was refused by Slack")

// Defaults for Config's zero values, and the body limit.
const (
	DefaultRatePerMinute = chat.DefaultPerMinute
	DefaultBurst         = chat.DefaultBurst
	DefaultUpdateEvery   = time.Second
	DefaultMaxConcurrent = 8
	DefaultAnswerTimeout = 2 * time.Minute
	DefaultShutdownGrace = 10 * time.Second
	DefaultReaction      = "hourglass_flowing_sand"
	DefaultAddr          = ":3000"
	// MaxBodyBytes bounds an HTTP request's body and a Socket Mode message.
	// Slack's event payloads are far smaller; a larger body is refused
	// unread.
	MaxBodyBytes = 1 << 20
)

// Config configures an Adapter. BotToken is required, and AppToken (Socket
// Mode) or SigningSecret (HTTP mode) or both; every other field's zero value
// is a working default.
type Config struct {
	// BotToken is the bot's OAuth token, "xoxb-...". Required.
	BotToken string
	// AppToken is the app-level token, "xapp-...", with the
	// connections:write scope. When set, Run uses Socket Mode.
	AppToken string
	// SigningSecret verifies the requests Slack sends to Handler (HTTP
	// mode). When empty, Handler refuses every request.
	SigningSecret string
	// Addr is the address Run listens on in HTTP mode (no AppToken). If
	// empty, DefaultAddr (":3000").
	Addr string

	// APIURL is Slack's Web API base URL, ending in "/". If empty, Slack's
	// own. A test seam; also the one host besides *.slack.com that
	// response URLs may point to.
	APIURL string
	// HTTPClient makes the Web API calls. If nil, a client with a 30 s
	// timeout.
	HTTPClient *http.Client
	// Log receives what went wrong (error details never reach Slack). If
	// nil, logs are discarded.
	Log *slog.Logger
	// Now is the clock for signature checks, per-person rates and
	// forgetting old event IDs. If nil, time.Now.
	Now func() time.Time

	// Conversations is the store the Answerer keeps the conversations in
	// (newsbot.Bot.Conversations): questions carry their thread's (or
	// DM's) key as Request.Conversation, and a thread is one the bot
	// answered in when the store has turns for it, so that follow-ups are
	// still answered after a restart with a store that persists
	// (adapters/bolt). If nil, the adapter remembers the threads it
	// answered in since it started.
	Conversations newsbot.Conversations
	// Dedupe remembers the deliveries already answered (event IDs, and
	// messages that arrive as two kinds of event), for an hour. If nil, an
	// in-memory chat.MemoryDedupe; several replicas need a shared one.
	Dedupe chat.Dedupe

	// DisableThreadFollowUps stops the bot from answering, without a new
	// mention, the messages of threads it has answered in. By default it
	// answers them, with the thread's earlier answers as the conversation
	// (a message that mentions someone else is left alone: it is meant
	// for them).
	DisableThreadFollowUps bool
	// AskInChannel makes /ask answers visible to the whole channel. By
	// default they are shown only to the asker, with a "Share to channel"
	// button.
	AskInChannel bool
	// DisableShareButton leaves the "Share to channel" button off /ask's
	// private answers.
	DisableShareButton bool

	// RatePerMinute is how many questions one person may ask a minute, on
	// average; Burst is how many they may ask at once. Zero means
	// DefaultRatePerMinute (6) and DefaultBurst (3); a negative
	// RatePerMinute means no limit. A person over the limit gets a short
	// notice only they can see.
	RatePerMinute float64
	// Burst is how many questions one person may ask at once; see
	// RatePerMinute. If zero, DefaultBurst (3).
	Burst int
	// UpdateEvery is the least time between two edits of a reply while its
	// answer streams (chat.update). If zero, DefaultUpdateEvery (1 s).
	UpdateEvery time.Duration
	// MaxConcurrent bounds the questions answered at once; more wait their
	// turn. If zero, DefaultMaxConcurrent (8).
	MaxConcurrent int
	// AnswerTimeout bounds one answer, from the question to the final
	// message. If zero, DefaultAnswerTimeout (2 min).
	AnswerTimeout time.Duration
	// ShutdownGrace is how long Run waits, once its context ends, for the
	// answers in progress to finish before it cancels them. If zero,
	// DefaultShutdownGrace (10 s).
	ShutdownGrace time.Duration
	// OnEvent, when set, is told of each adapter event by name (for
	// metrics): "delivery", "duplicate", "rate_limited" (Slack asked the
	// bot to wait), "connected", "connection_error". It must be quick.
	OnEvent func(event string)
	// ExternalHTTP means the caller serves Handler on its own server: Run
	// then checks the token and waits, without listening on Addr, and shuts
	// down the answers in progress when ctx ends.
	ExternalHTTP bool
	// Reaction is the emoji (without colons) put on a question while it is
	// answered, and removed afterwards. If empty, DefaultReaction
	// (hourglass_flowing_sand); "-" puts none.
	Reaction string
}

// Fixed sentences the bot says besides the kit's (chat.Sorry...). Errors
// reach people in no other form.
const (
	msgWorking    = "Looking that up…"
	msgShareGone  = "That answer can no longer be shared. Please ask again."
	msgShareLabel = "Share to channel"
)

// shareActionID names the "Share to channel" button.
const shareActionID = "newsbot_share"

// Adapter connects an Answerer to Slack. Create it with New; it serves
// once: after Run returns or Shutdown is called it answers nothing more.
type Adapter struct {
	cfg Config
	bot Answerer
	api *slackgo.Client
	log *slog.Logger
	now func() time.Time

	dedupe   chat.Dedupe
	answered chat.MemoryLinks // threads answered in, when Config.Conversations is nil
	shares   *shareStore
	limiter  *chat.Limiter
	sem      chan struct{}
	work     chat.Work

	mu   sync.Mutex
	self identity // from auth.test; zero until known

	fatal chan error // fatal auth errors met while answering, for Run
}

// identity is the bot's own user and bot IDs.
type identity struct {
	userID, botID string
}

// New returns an Adapter answering with bot. It checks cfg but makes no
// network call; Run (or the first event Handler receives) calls auth.test.
func New(cfg Config, bot Answerer) (*Adapter, error) {
	if bot == nil {
		return nil, errors.New("slack: new: no Answerer")
	}
	if strings.TrimSpace(cfg.BotToken) == "" {
		return nil, errors.New("slack: new: no bot token")
	}
	if err := CheckBotToken(cfg.BotToken); err != nil {
		return nil, fmt.Errorf("slack: new: BotToken: %w", err)
	}
	if cfg.AppToken != "" {
		if err := CheckAppToken(cfg.AppToken); err != nil {
			return nil, fmt.Errorf("slack: new: AppToken: %w", err)
		}
	}
	if cfg.AppToken == "" && cfg.SigningSecret == "" {
		return nil, errors.New("slack: new: neither an app token (Socket Mode) nor a signing secret (HTTP mode)")
	}
	if cfg.APIURL != "" {
		if err := CheckAPIURL(cfg.APIURL); err != nil {
			return nil, fmt.Errorf("slack: new: APIURL: %w", err)
		}
	}
	if cfg.RatePerMinute == 0 {
		cfg.RatePerMinute = DefaultRatePerMinute
	}
	if cfg.Burst <= 0 {
		cfg.Burst = DefaultBurst
	}
	if cfg.UpdateEvery <= 0 {
		cfg.UpdateEvery = DefaultUpdateEvery
	}
	if cfg.MaxConcurrent <= 0 {
		cfg.MaxConcurrent = DefaultMaxConcurrent
	}
	if cfg.AnswerTimeout <= 0 {
		cfg.AnswerTimeout = DefaultAnswerTimeout
	}
	if cfg.ShutdownGrace <= 0 {
		cfg.ShutdownGrace = DefaultShutdownGrace
	}
	if cfg.Reaction == "" {
		cfg.Reaction = DefaultReaction
	}
	if cfg.Addr == "" {
		cfg.Addr = DefaultAddr
	}
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = &http.Client{Timeout: 30 * time.Second}
	}
	a := &Adapter{
		cfg:    cfg,
		bot:    bot,
		log:    cfg.Log,
		now:    cfg.Now,
		dedupe: cfg.Dedupe,
		shares: newShareStore(1000, 30*time.Minute),
		sem:    make(chan struct{}, cfg.MaxConcurrent),
		fatal:  make(chan error, 1),
	}
	if a.log == nil {
		a.log = slog.New(slog.DiscardHandler)
	}
	if a.now == nil {
		a.now = time.Now
	}
	if a.dedupe == nil {
		a.dedupe = &chat.MemoryDedupe{Now: a.clock}
	}
	a.work.Log = a.log
	a.limiter = &chat.Limiter{PerMinute: cfg.RatePerMinute, Burst: cfg.Burst, Now: a.clock}
	opts := []slackgo.Option{slackgo.OptionHTTPClient(cfg.HTTPClient)}
	if cfg.AppToken != "" {
		opts = append(opts, slackgo.OptionAppLevelToken(cfg.AppToken))
	}
	if cfg.APIURL != "" {
		opts = append(opts, slackgo.OptionAPIURL(cfg.APIURL))
	}
	a.api = slackgo.New(cfg.BotToken, opts...)
	return a, nil
}

func (a *Adapter) clock() time.Time { return a.now() }

// Run serves until ctx ends, then waits up to Config.ShutdownGrace for the
// answers in progress and returns nil. With an AppToken it uses Socket
// Mode (slack-go's client, which reconnects by itself when Slack asks or
// the connection dies); without one it serves Handler over HTTP on
// Config.Addr. It first checks the bot token with auth.test. It returns an
// error wrapping ErrFatalAuth when Slack refuses a token, at the start or
// later; other errors name the step that failed.
func (a *Adapter) Run(ctx context.Context) error {
	if err := a.identify(ctx); err != nil {
		return err
	}
	if a.cfg.AppToken != "" {
		return a.runSocketMode(ctx)
	}
	return a.runHTTP(ctx)
}

// identify learns the bot's own IDs with auth.test, once. A refused token
// is fatal; other failures are retried, with a growing pause, until ctx
// ends.
func (a *Adapter) identify(ctx context.Context) error {
	a.mu.Lock()
	known := a.self.userID != ""
	a.mu.Unlock()
	if known {
		return nil
	}
	pause := time.Second
	for {
		var resp *slackgo.AuthTestResponse
		err := a.call(ctx, "auth.test", func(ctx context.Context) (err error) {
			resp, err = a.api.AuthTestContext(ctx)
			return err
		})
		if err == nil {
			a.mu.Lock()
			a.self = identity{userID: resp.UserID, botID: resp.BotID}
			a.mu.Unlock()
			return nil
		}
		if errors.Is(err, ErrFatalAuth) {
			return fmt.Errorf("slack: %w (check SLACK_BOT_TOKEN)", err)
		}
		if ctx.Err() != nil {
			return fmt.Errorf("slack: auth.test: %w", ctx.Err())
		}
		a.log.Warn("slack: auth.test failed; retrying", "err", err, "in", pause)
		if err := sleepCtx(ctx, pause); err != nil {
			return fmt.Errorf("slack: auth.test: %w", err)
		}
		pause = min(2*pause, 30*time.Second)
	}
}

func (a *Adapter) identity() identity {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.self
}

// event reports an adapter event to Config.OnEvent.
func (a *Adapter) event(name string) {
	if a.cfg.OnEvent != nil {
		a.cfg.OnEvent(name)
	}
}

// runHTTP serves Handler on Config.Addr until ctx ends.
func (a *Adapter) runHTTP(ctx context.Context) error {
	if a.cfg.ExternalHTTP {
		var runErr error
		select {
		case <-ctx.Done():
		case err := <-a.fatal:
			runErr = err
		}
		sctx, cancel := context.WithTimeout(context.Background(), a.cfg.ShutdownGrace)
		defer cancel()
		_ = a.Shutdown(sctx)
		return runErr
	}
	// The timeouts and connection cap of every server of the bot
	// (chat.LimitServer).
	srv := &http.Server{Handler: a.Handler()}
	served := make(chan error, 1)
	if ln, err := net.Listen("tcp", a.cfg.Addr); err != nil {
		served <- err
	} else {
		ln = chat.LimitServer(srv, ln, chat.ServerLimits{})
		go func() { served <- srv.Serve(ln) }()
	}
	a.log.Info("slack: serving HTTP events", "addr", a.cfg.Addr)
	var runErr error
	select {
	case <-ctx.Done():
	case err := <-served:
		runErr = fmt.Errorf("slack: serve HTTP on %s: %w", a.cfg.Addr, err)
	case err := <-a.fatal:
		runErr = err
	}
	sctx, cancel := context.WithTimeout(context.Background(), a.cfg.ShutdownGrace)
	defer cancel()
	_ = srv.Shutdown(sctx)
	_ = a.Shutdown(sctx)
	return runErr
}

// Shutdown stops taking new questions and waits for the answers in
// progress until ctx ends; then it cancels them (each still ends with a
// short message in its thread) and waits for them to stop. Use it in HTTP
// mode when serving Handler yourself; Run calls it on return.
func (a *Adapter) Shutdown(ctx context.Context) error {
	if err := a.work.Shutdown(ctx); err != nil {
		return fmt.Errorf("slack: shutdown: %w", err)
	}
	return nil
}

// spawn runs job in the background as answering work (see chat.Work),
// unless the adapter is shutting down; sorry tells the person when job
// panics.
func (a *Adapter) spawn(what string, job, sorry func(ctx context.Context)) bool {
	return a.work.Go("slack: "+what, job, sorry)
}

// reportFatal hands a fatal auth error met while answering to Run.
func (a *Adapter) reportFatal(err error) {
	select {
	case a.fatal <- err:
	default:
	}
}

// fatalCodes are the Slack error codes that mean a token is refused.
var fatalCodes = map[string]bool{
	"invalid_auth":           true,
	"token_revoked":          true,
	"token_expired":          true,
	"account_inactive":       true,
	"not_authed":             true,
	"not_allowed_token_type": true,
}

// fatalCode returns the Slack error code of err when it means a refused
// token.
func fatalCode(err error) (string, bool) {
	if err == nil {
		return "", false
	}
	var se slackgo.SlackErrorResponse
	if errors.As(err, &se) && fatalCodes[se.Err] {
		return se.Err, true
	}
	// slack-go's Socket Mode client returns some as plain errors.
	if fatalCodes[err.Error()] {
		return err.Error(), true
	}
	return "", false
}

// newID returns a random identifier for a shared answer.
func newID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

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
