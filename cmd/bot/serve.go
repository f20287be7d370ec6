package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	newsbot "github.com/newsbot-dev/newsbot"
	"github.com/newsbot-dev/newsbot/adapters/chat"
	"github.com/newsbot-dev/newsbot/adapters/httpapi"
	"github.com/newsbot-dev/newsbot/adapters/prometheus"
	"github.com/newsbot-dev/newsbot/corpus/datadir"
	"github.com/newsbot-dev/newsbot/corpus/index"
	"golang.org/x/time/rate"
)

const serveUsage = `Usage: bot [flags] serve [--addr ADDR]

Runs the bot as a service: every chat adapter whose credentials are set
(Slack, Discord) and an HTTP server on ADDR, in one process sharing one index.
With nothing else configured it serves the HTTP API on the built-in coverage.

HTTP endpoints:
  POST /v1/ask               {"question": "...", "history": [{"question","answer"}]}
                             -> the answer and its citations as JSON
  POST /v1/chat/completions  the OpenAI chat completions API, plain and streamed
  GET  /healthz, /readyz     liveness; readiness (the index is loaded)
  GET  /metrics              Prometheus metrics
The /v1 endpoints need "Authorization: Bearer TOKEN" when NEWSBOT_API_TOKEN is
set, take bodies of at most 64 KiB, and allow each client NEWSBOT_HTTP_RATE
questions a minute, NEWSBOT_HTTP_BURST at once. The whole process answers at
most NEWSBOT_MAX_QUESTIONS questions at once; one more waits up to
NEWSBOT_QUEUE_WAIT for a place, then gets 503 (in a chat, the not-ready
sentence).

With feeds configured (NEWSBOT_FEEDS) it also polls them every
NEWSBOT_WATCH_INTERVAL into the data directory, as "bot watch" does, and
answers from what they add without a restart.

On SIGTERM or Ctrl-C it stops taking questions and lets answers in flight
finish, for up to NEWSBOT_SHUTDOWN_TIMEOUT, then exits 0. On SIGHUP it reloads
the coverage (what "bot ingest" added since, or changed --corpus files) without
stopping, mapping only the index's new segments; if the reload fails it keeps
the old one.
Logs: one line per question (request id, adapter, outcome, time of each
stage, citations kept and removed); no article text and no secrets.
`

// serve runs the service in named steps: build the API with its metrics
// and gate (newService), the chat adapters (addChatAdapters), the server
// (listen); load the coverage (loadCoverage); run the tasks (runTasks);
// wait for a signal (waitForStop); shut down (shutdown, then close).
//
// Where the next pieces go: the HTTP server's timeouts in newHTTPServer,
// limits on connections in listen; something else that runs beside the
// server (a feed watcher) is a task, added by a step of its own beside
// addChatAdapters, and may reload the coverage through loadCoverage; a
// new reason to reload or to stop is a case of waitForStop.
func (e *environ) serve(ctx context.Context, args []string) error {
	fs := e.flags("serve", serveUsage, allGroups()...)
	if done, err := e.parse(fs, args); done {
		return err
	}
	if fs.NArg() > 0 {
		return errors.New("serve takes no arguments")
	}
	s := e.newService()
	defer s.close()
	if err := e.addChatAdapters(s); err != nil {
		return err
	}
	if err := e.addWatcher(s); err != nil {
		return err
	}
	addr, err := s.listen(e.set.str("NEWSBOT_ADDR"), e.maxConnections())
	if err != nil {
		return err
	}
	s.log.Info("serving", "addr", addr.String())
	fmt.Fprintf(e.stdout, "serving HTTP on %s\n", addr)
	// The coverage loads while the server already answers /healthz (and
	// /readyz says not yet).
	if err := e.loadCoverage(s); err != nil {
		s.shutdown()
		return err
	}
	e.runTasks(s)
	stopErr := e.waitForStop(ctx, s)
	s.shutdown()
	return stopErr
}

// service is bot serve while it runs: what its steps built, and what
// stops it.
type service struct {
	log     *slog.Logger
	grace   time.Duration // how long answers in flight may finish
	metrics *prometheus.Metrics
	gate    *newsbot.Gate // not ready until the coverage is loaded
	// limit bounds the questions answered at once, by every adapter
	// together, in front of the gate.
	limit  *newsbot.Limit
	mux    *http.ServeMux
	srv    *http.Server
	served chan error // the server's end
	// tasks run beside the server until the service stops: the chat
	// adapters (a feed watcher would be one too). One that fails for good
	// (a refused token) stops the whole service, with its message,
	// rather than let it run without.
	tasks     []task
	taskCtx   context.Context // ends when the service stops
	stopTasks context.CancelFunc
	failed    chan error // the first task to fail for good
	running   sync.WaitGroup
	cov       *datadir.Coverage // the coverage, once loaded: loading again reloads it
	covMu     sync.Mutex        // a reload at a time: SIGHUP and the feed watch
	closers   []func()          // run by close, last first
}

// task is something serve runs beside its server until it stops.
type task struct {
	name    string // in the error it fails with
	started string // printed once it runs, for people
	run     func(ctx context.Context) error
}

// newService builds the HTTP API, with its metrics and the gate that
// holds questions until the coverage is loaded.
func (e *environ) newService() *service {
	s := &service{
		log:     e.log,
		grace:   e.set.duration("NEWSBOT_SHUTDOWN_TIMEOUT"),
		metrics: prometheus.New(),
		gate:    &newsbot.Gate{},
		mux:     http.NewServeMux(),
		failed:  make(chan error, 1),
	}
	s.limit = newsbot.NewLimit(s.gate, e.set.count("NEWSBOT_MAX_QUESTIONS"), e.set.duration("NEWSBOT_QUEUE_WAIT"))
	s.taskCtx, s.stopTasks = context.WithCancel(context.Background())
	s.metrics.Adapter("http")
	perMinute := e.set.perMinute("NEWSBOT_HTTP_RATE")
	apiRate := rate.Limit(perMinute / 60)
	if perMinute < 0 {
		apiRate = rate.Inf
	}
	api := httpapi.New(httpapi.Config{
		Token:          e.set.str("NEWSBOT_API_TOKEN"),
		Rate:           apiRate,
		Burst:          e.set.count("NEWSBOT_HTTP_BURST"),
		Ready:          s.gate.Ready,
		Metrics:        s.metrics.Handler(),
		Log:            s.log,
		TrustedProxies: e.set.prefixes("NEWSBOT_TRUSTED_PROXIES"),
	}, newsbot.Observe(s.limit, "http", s.metrics, s.log))
	s.mux.Handle("/", countRequests(api, s.metrics))
	return s
}

// addChatAdapters builds the chat adapters whose credentials are set,
// mounts their HTTP endpoints, and makes them tasks. Their conversations
// persist in the data directory, opened first so that another process
// holding them stops the start.
func (e *environ) addChatAdapters(s *service) error {
	if !e.chatConfigured() {
		return nil
	}
	store, closeStore, err := e.openConversations(s.log)
	if err != nil {
		return err
	}
	s.closers = append(s.closers, closeStore)
	e.conversations = store
	adapters, err := e.chatAdapters(s.limit, s.metrics, store)
	if err != nil {
		return err
	}
	for _, a := range adapters {
		if a.handler != nil {
			s.mux.Handle(a.path, a.handler)
		}
		s.tasks = append(s.tasks, task{name: a.name, started: "answering in " + a.name, run: a.run})
	}
	return nil
}

// addWatcher makes the feed watch a task when feeds are configured: it
// polls them into the data directory, and when a poll adds articles, new
// questions go to a bot over the new index (questions being answered
// finish on the old one), so a new story is answerable within one
// interval. Its polls are counted in the metrics.
func (e *environ) addWatcher(s *service) error {
	if len(e.feeds()) == 0 {
		return nil
	}
	w, err := e.newWatcher(s.metrics)
	if err != nil {
		return err
	}
	w.Updated = func(ix *index.Disk) {
		// The coverage in use reloads in place (mapping only the new
		// segments); the index the watch opened is not needed.
		ix.Close()
		s.covMu.Lock()
		defer s.covMu.Unlock()
		if s.cov == nil {
			return // not loaded yet: the first load reads what is there
		}
		if err := s.cov.Reload(cleanWriter{io.Discard}); err != nil {
			s.log.Error("watch: new articles not answerable: the index could not be reloaded", "err", err)
			return
		}
		label := watchedLabel(s.cov.Index, w.Data, len(w.Feeds))
		s.cov.Label = label
		bot, _, err := e.newBot(*s.cov)
		if err != nil {
			s.log.Error("watch: new articles not answerable: the bot could not be rebuilt", "err", err)
			return
		}
		s.gate.Open(bot)
		s.log.Info("reloaded", "coverage", label)
		fmt.Fprintf(e.stdout, "reloaded: answering from %s\n", label)
	}
	s.tasks = append(s.tasks, task{
		name:    "the feed watch",
		started: fmt.Sprintf("watching %d feeds every %s", len(w.Feeds), showDuration(w.Interval)),
		run:     w.Run,
	})
	return nil
}

// listen starts the HTTP server on addr, with at most maxConns
// connections open at once, and returns the address it listens on.
func (s *service) listen(addr string, maxConns int) (net.Addr, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("serve: %w", err)
	}
	s.srv = newHTTPServer(s.mux, s.log)
	capped := chat.LimitServer(s.srv, ln, chat.ServerLimits{MaxConnections: maxConns})
	s.served = make(chan error, 1)
	go func() { s.served <- s.srv.Serve(capped) }()
	return ln.Addr(), nil
}

// newHTTPServer is serve's HTTP server over h. Its timeouts are those of
// every server of the bot (chat.LimitServer, applied by listen): 10 s to
// read a request's headers, 30 s to read all of it, 30 s for each write
// (the API gives each write of an answer its own 30 s, so answers that
// take minutes still finish), 30 s for an idle keep-alive connection.
func newHTTPServer(h http.Handler, log *slog.Logger) *http.Server {
	return &http.Server{
		Handler:  h,
		ErrorLog: slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
}

// maxConnections is NEWSBOT_MAX_CONNECTIONS, else 10,000 or, when the
// process may open fewer files (RLIMIT_NOFILE, whose soft limit Go raises
// to the hard one at start), that limit less 512 for the process's own
// files and outgoing connections (the index, the data directory, the model
// server, Slack and Discord), and at least 64.
func (e *environ) maxConnections() int {
	if e.set.given("NEWSBOT_MAX_CONNECTIONS") {
		return e.set.count("NEWSBOT_MAX_CONNECTIONS")
	}
	n := chat.DefaultMaxConnections
	var lim syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim); err == nil && lim.Cur < uint64(n)+connReserve {
		n = max(64, int(lim.Cur)-connReserve)
	}
	return n
}

// connReserve is the files bot serve keeps for itself under its open-file
// limit, beyond its HTTP server's connections.
const connReserve = 512

// loadCoverage opens the coverage and lets questions through to a bot
// over it. Called again, it reloads: questions already being answered
// finish on the old index, new ones use the new one.
func (e *environ) loadCoverage(s *service) error {
	s.covMu.Lock()
	defer s.covMu.Unlock()
	reload := s.cov != nil
	if !reload {
		cov, err := e.open(io.Discard)
		if err != nil {
			return err
		}
		s.cov = &cov
	} else if err := s.cov.Reload(cleanWriter{io.Discard}); err != nil {
		// The index in use is left as it was.
		return err
	}
	bot, mode, err := e.newBot(*s.cov)
	if err != nil {
		return err
	}
	from := s.cov.Label
	s.gate.Open(bot)
	if reload {
		s.log.Info("reloaded", "coverage", from)
		fmt.Fprintf(e.stdout, "reloaded: answering from %s\n", from)
		return nil
	}
	s.log.Info("ready", "coverage", from, "mode", mode)
	fmt.Fprintf(e.stdout, "answering from %s. %s\n", from, mode)
	return nil
}

// runTasks starts every task.
func (e *environ) runTasks(s *service) {
	for _, t := range s.tasks {
		s.start(t)
		fmt.Fprintln(e.stdout, t.started)
	}
}

// start runs t until the service stops. When t fails on its own, the
// service stops.
func (s *service) start(t task) {
	s.running.Add(1)
	go func() {
		defer s.running.Done()
		if err := t.run(s.taskCtx); err != nil && s.taskCtx.Err() == nil {
			select {
			case s.failed <- fmt.Errorf("%s: %w", t.name, err):
			default: // another task's failure already stops the service
			}
		}
	}()
}

// waitForStop waits until the process is told to stop (ctx ends), the
// server fails, or a task fails for good, and returns why, nil for the
// first. Meanwhile SIGHUP reloads the coverage (after "bot ingest" added
// articles, or --corpus files changed); a failed reload keeps the old
// coverage. Other reasons to reload (a feed watcher) belong here too.
func (e *environ) waitForStop(ctx context.Context, s *service) error {
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)
	for {
		select {
		case <-ctx.Done():
			return nil
		case err := <-s.served:
			return fmt.Errorf("serve: %w", err)
		case err := <-s.failed:
			s.log.Error("an adapter stopped for good; stopping", "err", err)
			return err
		case <-hup:
			if err := e.loadCoverage(s); err != nil {
				s.log.Error("reload failed; still answering from the previous coverage", "err", err)
			}
		}
	}
}

// shutdown stops taking questions and lets answers in flight finish: the
// tasks stop taking questions when their context ends and wait for their
// answers in progress (each within its own grace); the HTTP server takes
// no new connections and its requests in flight (whose contexts are not
// the process's) finish within s.grace.
func (s *service) shutdown() {
	s.log.Info("stopping: answers in flight may finish", "grace", s.grace.String())
	s.gate.Close()
	s.stopTasks()
	ctx, cancel := context.WithTimeout(context.Background(), s.grace)
	defer cancel()
	if err := s.srv.Shutdown(ctx); err != nil {
		s.log.Warn("stopped before every answer finished", "err", err)
	}
	s.running.Wait()
}

// close releases what the service opened (the conversations), once it
// has shut down.
func (s *service) close() {
	for i := len(s.closers) - 1; i >= 0; i-- {
		s.closers[i]()
	}
}

// countRequests counts the HTTP API's requests by status, as the http
// adapter's events ("status_200", "status_429"...); health and metrics
// scrapes are not counted.
func countRequests(next http.Handler, m *prometheus.Metrics) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sw := &statusWriter{ResponseWriter: w, status: http.StatusOK}
		next.ServeHTTP(sw, r)
		if strings.HasPrefix(r.URL.Path, "/v1/") {
			m.Event("http", "status_"+strconv.Itoa(sw.status))
		}
	})
}

type statusWriter struct {
	http.ResponseWriter
	status int
	wrote  bool
}

func (s *statusWriter) WriteHeader(code int) {
	if !s.wrote {
		s.status, s.wrote = code, true
	}
	s.ResponseWriter.WriteHeader(code)
}

// Unwrap lets http.ResponseController reach the connection: the API lifts
// the read deadline once it has read a body, and sets a write deadline
// for each write of an answer.
func (s *statusWriter) Unwrap() http.ResponseWriter { return s.ResponseWriter }

// Flush lets streamed answers through.
func (s *statusWriter) Flush() {
	if f, ok := s.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}
