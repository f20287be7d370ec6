package main

import (
	"errors"
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
// configured (see modelConfig) unless NEWSBOT_EXTRACTIVE. It also says, for
// people, how answers are made.
func (e *environ) newBot(src datadir.Coverage) (*newsbot.Bot, string, error) {
	ps, err := prompts.Load(e.set.str("NEWSBOT_PROMPTS"))
	if err != nil {
		return nil, "", err
	}
	b := &newsbot.Bot{Retriever: src.Index, Prompts: ps, Log: e.log, Conversations: e.conversations}
	if e.set.on("NEWSBOT_EXTRACTIVE") {
		return b, "Answers quote the coverage (--extractive).", nil
	}
	cfg, ok, err := modelConfig(e.set)
	if err != nil {
		return nil, "", err
	}
	if !ok {
		return b, "Answers quote the coverage (no model configured).", nil
	}
	cfg.Log = e.log
	m, err := openai.New(cfg)
	if err != nil {
		return nil, "", err
	}
	b.Model = m
	return b, fmt.Sprintf("Answers are written by the model %s and every citation is checked against the coverage.", cfg.Model), nil
}

// modelConfig fills the model's Config from the settings. ok is false,
// with no error, when no model server is configured: neither
// OPENAI_BASE_URL nor OPENAI_API_KEY is set. With the key alone and no
// model named, the model is OpenAI's default; with OPENAI_BASE_URL set and
// no model named, it is an error, since only the server knows its models.
func modelConfig(s *settings) (cfg openai.Config, ok bool, err error) {
	cfg = openai.Config{
		BaseURL: s.str("OPENAI_BASE_URL"),
		APIKey:  s.str("OPENAI_API_KEY"),
		Model:   s.str("NEWSBOT_MODEL"),
		Timeout: s.duration("NEWSBOT_MODEL_TIMEOUT"),
		Format:  s.str("NEWSBOT_MODEL_FORMAT"),
		// Config's zero values mean the model family's.
		Temperature: float32(s.number("NEWSBOT_MODEL_TEMPERATURE")),
		MaxTokens:   s.count("NEWSBOT_MODEL_MAX_TOKENS"),
	}
	if cfg.BaseURL == "" && cfg.APIKey == "" {
		return openai.Config{}, false, nil
	}
	if cfg.Model == "" {
		if cfg.BaseURL != "" {
			return openai.Config{}, false, errors.New("OPENAI_BASE_URL is set but no model is named: set NEWSBOT_MODEL (e.g. NEWSBOT_MODEL=llama3.1 for Ollama)")
		}
		cfg.Model = openai.DefaultOpenAIModel
	}
	return cfg, true, nil
}

// newLogger makes the log, on e.stderr: text on a terminal, JSON otherwise,
// unless NEWSBOT_LOG_FORMAT says. The level is NEWSBOT_LOG_LEVEL; when it
// is unset, info for the services (serve, slack, discord), whose one line
// per question is the log, and warn otherwise. A model server's error text
// goes here, never to the person.
func (e *environ) newLogger() *slog.Logger {
	f, ok := e.stderr.(*os.File)
	return e.newLoggerOn(e.stderr, ok && term.IsTerminal(int(f.Fd())))
}

// newLoggerOn is newLogger writing to w, which tty says is a terminal.
func (e *environ) newLoggerOn(w io.Writer, tty bool) *slog.Logger {
	level := slog.LevelWarn
	if e.set.given("NEWSBOT_LOG_LEVEL") {
		// The kind accepts only names slog knows.
		_ = level.UnmarshalText([]byte(e.set.str("NEWSBOT_LOG_LEVEL")))
	} else if e.serving {
		level = slog.LevelInfo
	}
	opts := &slog.HandlerOptions{Level: level}
	format := e.set.str("NEWSBOT_LOG_FORMAT")
	if format == "auto" || format == "" {
		format = "json"
		if tty {
			format = "text"
		}
	}
	if format == "text" {
		return slog.New(slog.NewTextHandler(w, opts))
	}
	return slog.New(slog.NewJSONHandler(w, opts))
}
