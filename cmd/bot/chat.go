package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	newsbot "github.com/newsbot-dev/newsbot"
	"github.com/newsbot-dev/newsbot/adapters/repl"
	"golang.org/x/term"
)

const chatUsage = `Usage: bot [flags] [chat]

Opens a chat in the terminal: type a question, get an answer quoting the
coverage with numbered sources. Commands inside the chat: /sources shows the
last answer's sources in full, /new starts a new conversation, /help, /quit. On a terminal, lines can be edited
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
	// The log goes through the chat's terminal while it is in raw mode.
	logs := &repl.LogWriter{W: e.stderr}
	f, tty := e.stderr.(*os.File)
	e.log = e.newLoggerOn(logs, tty && term.IsTerminal(int(f.Fd())))
	bot, from, mode, err := e.openBot(e.stdout)
	if err != nil {
		return err
	}
	cfg := repl.Config{
		In:        e.stdin,
		Out:       e.stdout,
		Log:       bot.Log,
		LogWriter: logs,
		Banner:    "Answering from " + from + ".\n" + mode + "\nAsk a question, or /help.",
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

const askUsage = `Usage: bot [flags] ask [--jsonl] QUESTION

Prints one answer, with its sources, and exits. The words after "ask" are
the question (quote it or not). The first line says which coverage it
answers from, on standard error.

With --jsonl, reads one {"qid": ..., "question": ...} object per line on
standard input, answers each on its own, and writes one line per question:
  {"qid": ..., "no_answer": false, "text": "... [1]",
   "citations": [{"n", "article", "start", "end", "text", "outlet", "title",
                  "url", "published"}, ...]}
where start and end are byte offsets into the article's UTF-8 body
(body[start:end] == text), as in shared/eval; a question the coverage does
not answer has "no_answer": true and no citations. A line that cannot be
read gets {"qid": ..., "error": "..."} and the others are still answered.
`

func (e *environ) ask(ctx context.Context, args []string) error {
	fs := e.flags("ask", askUsage, groupCommon, groupAnswers)
	jsonl := fs.Bool("jsonl", false, "read questions as JSON Lines on stdin, write answers as JSON Lines")
	if done, err := e.parse(fs, args); done {
		return err
	}
	q := strings.Join(fs.Args(), " ")
	if !*jsonl && strings.TrimSpace(q) == "" {
		return errors.New("ask needs a question: bot ask \"What did Lavrov say about sanctions?\"")
	}
	if *jsonl && fs.NArg() > 0 {
		return errors.New("ask --jsonl reads its questions from standard input, not its arguments")
	}
	bot, from, _, err := e.openBot(io.Discard)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stderr, "Answering from %s.\n", from)
	if *jsonl {
		return askJSONL(ctx, bot, e.stdin, e.stdout)
	}
	a, err := bot.Answer(ctx, q)
	if err != nil {
		return err
	}
	return repl.Format(e.stdout, a)
}
