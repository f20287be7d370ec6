package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	newsbot "github.com/newsbot-dev/newsbot"
	"github.com/newsbot-dev/newsbot/adapters/repl"
)

const chatUsage = `Usage: bot [flags] [chat]

Opens a chat in the terminal: type a question, get an answer quoting the
coverage with numbered sources. Commands inside the chat: /sources shows the
last answer's sources in full, /help, /quit. On a terminal, lines can be edited
and earlier questions recalled with the arrow keys (history is kept in the data
directory when one is set); when piped, questions are read one per line.
`

func (e *environ) chat(ctx context.Context, args []string) error {
	fs := e.flags("chat", chatUsage, groupCommon, groupAnswers)
	if done, err := e.parse(fs, args); done {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("chat takes no arguments (did you mean \"bot ask %s\"?)", strings.Join(fs.Args(), " "))
	}
	// A terminal session's turns live as long as the session: nothing is
	// written for them.
	e.conversations = &newsbot.MemoryConversations{}
	bot, from, mode, err := e.openBot(e.stdout)
	if err != nil {
		return err
	}
	cfg := repl.Config{
		In:     e.stdin,
		Out:    e.stdout,
		Log:    bot.Log,
		Banner: "Answering from " + from + ".\n" + mode + "\nAsk a question, or /help.",
	}
	if e.set.given("NEWSBOT_DATA") {
		cfg.HistoryFile = filepath.Join(e.set.str("NEWSBOT_DATA"), "history")
	}
	err = repl.Run(ctx, cfg, bot)
	if errors.Is(err, context.Canceled) {
		return nil
	}
	return err
}

const askUsage = `Usage: bot [flags] ask QUESTION

Prints one answer, with its sources, and exits. The words after "ask" are
the question (quote it or not).
`

func (e *environ) ask(ctx context.Context, args []string) error {
	fs := e.flags("ask", askUsage, groupCommon, groupAnswers)
	if done, err := e.parse(fs, args); done {
		return err
	}
	q := strings.Join(fs.Args(), " ")
	if strings.TrimSpace(q) == "" {
		return errors.New("ask needs a question: bot ask \"What did Lavrov say about sanctions?\"")
	}
	bot, _, _, err := e.openBot(io.Discard)
	if err != nil {
		return err
	}
	a, err := bot.Answer(ctx, q)
	if err != nil {
		return err
	}
	return repl.Format(e.stdout, a)
}
