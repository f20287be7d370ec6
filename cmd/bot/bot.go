package main

import (
	"fmt"
	"io"
	"log/slog"
	"os"

	newsbot "github.com/newsbot-dev/newsbot"
	"github.com/newsbot-dev/newsbot/adapters/openai"
	"github.com/newsbot-dev/newsbot/corpus/datadir"
	"github.com/newsbot-dev/newsbot/prompts"
	"golang.org/x/term"
)

// openBot opens the coverage to answer from (see open) and wires the bot
// over it; it returns the bot and, for people, what it answers from and how.
func (e *environ) openBot(log io.Writer) (bot *newsbot.Bot, from, mode string, err error) {
	src, err := e.open(log)
	if err != nil {
		return nil, "", "", err
	}
	bot, mode, err = e.newBot(src)
	return bot, src.Label, mode, err
}

// newBot wires the answering core: the index, and the model when one is
// configured (OPENAI_BASE_URL or OPENAI_API_KEY) unless --extractive. It
// also says, for people, how answers are made.
func (e *environ) newBot(src datadir.Coverage) (*newsbot.Bot, string, error) {
	log := e.logger()
	ps, err := prompts.Load(e.opts.prompts)
	if err != nil {
		return nil, "", err
	}
	b := &newsbot.Bot{Retriever: src.Index, Prompts: ps, Log: log, Conversations: e.conversations}
	mode := "Answers quote the coverage (no model configured)."
	if e.opts.extractive {
		return b, "Answers quote the coverage (--extractive).", nil
	}
	cfg, ok, err := openai.ConfigFromEnv(e.getenv)
	if err != nil {
		return nil, "", err
	}
	if !ok {
		return b, mode, nil
	}
	cfg.Log = log
	m, err := openai.New(cfg)
	if err != nil {
		return nil, "", err
	}
	b.Model = m
	return b, fmt.Sprintf("Answers are written by the model %s and every citation is checked against the coverage.", cfg.Model), nil
}

// logger logs to standard error: text on a terminal, JSON otherwise
// (NEWSBOT_LOG_FORMAT=text|json decides). The level is NEWSBOT_LOG_LEVEL
// (debug, info, warn, error); by default info for serve, whose one line per
// question is the log, and warn otherwise. A model server's error text goes
// here, never to the person.
func (e *environ) logger() *slog.Logger {
	var level slog.Level
	if err := level.UnmarshalText([]byte(e.getenv("NEWSBOT_LOG_LEVEL"))); err != nil {
		level = slog.LevelWarn
		if e.getenv("NEWSBOT_LOG_LEVEL") == "" && e.serving {
			level = slog.LevelInfo
		}
	}
	opts := &slog.HandlerOptions{Level: level}
	var w io.Writer = os.Stderr
	switch e.getenv("NEWSBOT_LOG_FORMAT") {
	case "text":
		return slog.New(slog.NewTextHandler(w, opts))
	case "json":
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	if term.IsTerminal(int(os.Stderr.Fd())) {
		return slog.New(slog.NewTextHandler(w, opts))
	}
	return slog.New(slog.NewJSONHandler(w, opts))
}
