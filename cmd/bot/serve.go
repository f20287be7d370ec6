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
	"github.com/newsbot-dev/newsbot/adapters/httpapi"
	"github.com/newsbot-dev/newsbot/adapters/prometheus"
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
questions a minute, NEWSBOT_HTTP_BURST at once.

On SIGTERM or Ctrl-C it stops taking questions and lets answers in flight
finish, for up to NEWSBOT_SHUTDOWN_TIMEOUT, then exits 0. On SIGHUP it reloads
the coverage (what "bot ingest" added since, or changed --corpus files) without
stopping; if the reload fails it keeps the old one.
Logs: one line per question (request id, adapter, outcome, time of each
stage, citations kept and removed); no article text and no secrets.
`

func (e *environ) serve(ctx context.Context, args []string) error {
	fs := e.flags("serve", serveUsage, allGroups()...)
	if done, err := e.parse(fs, args); done {
		return err
	}
	if fs.NArg() > 0 {
		return errors.New("serve takes no arguments")
	}
	log := e.log
	addr := e.set.str("NEWSBOT_ADDR")
	grace := e.set.duration("NEWSBOT_SHUTDOWN_TIMEOUT")
	perMinute := e.set.perMinute("NEWSBOT_HTTP_RATE")
	apiRate := rate.Limit(perMinute / 60)
	if perMinute < 0 {
		apiRate = rate.Inf
	}

	metrics := prometheus.New()
	metrics.Adapter("http")
	gate := &newsbot.Gate{}
	api := httpapi.New(httpapi.Config{
		Token:   e.set.str("NEWSBOT_API_TOKEN"),
		Rate:    apiRate,
		Burst:   e.set.count("NEWSBOT_HTTP_BURST"),
		Ready:   gate.Ready,
		Metrics: metrics.Handler(),
		Log:     log,
	}, newsbot.Observe(gate, "http", metrics, log))
	// The chat adapters' conversations persist in the data directory,
	// opened first so that another process holding them stops the start.
	var store conversationStore
	if e.chatConfigured() {
		s, closeStore, err := e.openConversations(log)
		if err != nil {
			return err
		}
		defer closeStore()
		store = s
		e.conversations = s
	}
	adapters, err := e.chatAdapters(gate, metrics, store)
	if err != nil {
		return err
	}
	mux := http.NewServeMux()
	mux.Handle("/", countRequests(api, metrics))
	for _, a := range adapters {
		if a.handler != nil {
			mux.Handle(a.path, a.handler)
		}
	}

	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("serve: %w", err)
	}
	srv := &http.Server{
		Handler:           mux,
		ReadHeaderTimeout: 10 * time.Second,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	log.Info("serving", "addr", ln.Addr().String())
	fmt.Fprintf(e.stdout, "serving HTTP on %s\n", ln.Addr())

	// The index loads while the server already answers /healthz (and
	// /readyz says not yet).
	bot, from, mode, err := e.openBot(io.Discard)
	if err != nil {
		shutdown(srv, grace)
		return err
	}
	gate.Open(bot)
	log.Info("ready", "coverage", from, "mode", mode)
	fmt.Fprintf(e.stdout, "answering from %s. %s\n", from, mode)

	// The chat adapters run until the process stops or one of them fails
	// for good (a refused token): then the whole service stops, with the
	// adapter's message, rather than run without it.
	actx, stopAdapters := context.WithCancel(context.Background())
	defer stopAdapters()
	failed := make(chan error, len(adapters))
	var running sync.WaitGroup
	for _, a := range adapters {
		running.Add(1)
		go func() {
			defer running.Done()
			if err := a.run(actx); err != nil && actx.Err() == nil {
				failed <- fmt.Errorf("%s: %w", a.name, err)
			}
		}()
		fmt.Fprintf(e.stdout, "answering in %s\n", a.name)
	}

	// SIGHUP reloads the coverage (after "bot ingest" added articles, or
	// --corpus files changed) without stopping: questions already being
	// answered finish on the old index, new ones use the new one.
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)

	var stopErr error
wait:
	for {
		select {
		case <-ctx.Done():
			break wait
		case err := <-served:
			stopErr = fmt.Errorf("serve: %w", err)
			break wait
		case err := <-failed:
			stopErr = err
			log.Error("an adapter stopped for good; stopping", "err", err)
			break wait
		case <-hup:
			nb, from, _, err := e.openBot(io.Discard)
			if err != nil {
				log.Error("reload failed; still answering from the previous coverage", "err", err)
				continue
			}
			gate.Open(nb)
			log.Info("reloaded", "coverage", from)
			fmt.Fprintf(e.stdout, "reloaded: answering from %s\n", from)
		}
	}
	// Stop taking questions; let answers in flight finish. The adapters
	// stop taking questions when their context ends and wait for their
	// answers in progress (each within its own grace).
	log.Info("stopping: answers in flight may finish", "grace", grace.String())
	gate.Close()
	stopAdapters()
	if err := shutdown(srv, grace); err != nil {
		log.Warn("stopped before every answer finished", "err", err)
	}
	running.Wait()
	return stopErr
}

// shutdown stops the HTTP server: no new connections, and the requests in
// flight (their contexts are not the process's) finish within grace.
func shutdown(srv *http.Server, grace time.Duration) error {
	ctx, cancel := context.WithTimeout(context.Background(), grace)
	defer cancel()
	return srv.Shutdown(ctx)
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

// Flush lets streamed answers through.
func (s *statusWriter) Flush() {
	if f, ok := s.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}
