// Command bot answers questions about news coverage, citing the articles'
// own sentences. Run it with no arguments for a terminal chat on the
// built-in coverage; `bot --help` lists the commands.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	newsbot "github.com/newsbot-dev/newsbot"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Getenv, os.Stdin, os.Stdout)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "bot:", err)
		var ee exitError
		if errors.As(err, &ee) {
			os.Exit(ee.code)
		}
		os.Exit(1)
	}
}

// exitError is an error that asks for a particular exit status.
type exitError struct {
	code int
	err  error
}

func (e exitError) Error() string { return e.err.Error() }
func (e exitError) Unwrap() error { return e.err }

const usage = `bot answers questions about news coverage, quoting and citing the
articles' own sentences (outlet, title, date, link).

Usage:
  bot [flags]                     chat in the terminal (the default command)
  bot [flags] chat                the same
  bot [flags] ask QUESTION        print one answer
  bot [flags] ingest PATH|URL...  add files, directories, pages and feeds to the
                                  data directory
  bot [flags] export [--out FILE] write the articles as JSON Lines (backups, moves)
  bot [flags] search [--k N] [--jsonl] [QUESTION]
                                  print the ranked sentences for a question, or
                                  with --jsonl answer {"qid","question"} lines on stdin
  bot [flags] eval SET_DIR...     measure retrieval on evaluation sets
  bot [flags] serve [--addr ADDR] run as a service: Slack, Discord and an HTTP API
                                  (see "bot serve --help")
  bot [flags] slack               answer in Slack (see "bot slack --help")
  bot [flags] discord             answer in Discord (see "bot discord --help")
  bot [flags] config              print the settings in effect, secrets redacted
  bot [flags] bench [--questions DIR]... PATH
                                  measure ingest, search and restart speed on PATH

Where answers come from:
  --corpus PATH    answer from these files or directories (repeatable) instead of
                   the built-in coverage; indexed into the data directory on first
                   use and reused after (re-indexed when the files change).
                   Environment: NEWSBOT_CORPUS, paths separated by ':'.
  --data DIR       the data directory. With --data alone (no --corpus) the bot
                   answers from what "bot ingest" added there. Environment:
                   NEWSBOT_DATA. Default: $XDG_DATA_HOME/newsbot, else
                   ~/.local/share/newsbot (used by ingest and --corpus only).
With neither, the bot answers from its built-in coverage: two articles about
Hillary Clinton's October 2009 visit to Moscow and Iran sanctions.

How answers are made:
  With no model configured, answers quote the best sentences of the coverage.
  With a model (any OpenAI-compatible server), the model writes the answer from
  numbered evidence and the bot checks every citation; if the model fails, the
  quoted answer is given instead, labelled as such.
  OPENAI_BASE_URL        the server, e.g. http://127.0.0.1:11434/v1 (Ollama);
                         unset with OPENAI_API_KEY set means OpenAI's
  OPENAI_API_KEY         the key, if the server needs one
  NEWSBOT_MODEL          the model name (also OPENAI_MODEL); required with
                         OPENAI_BASE_URL, gpt-4o-mini by default for OpenAI
  NEWSBOT_MODEL_TIMEOUT  deadline for one model call, e.g. 90s (default 2m)
  NEWSBOT_LOG_LEVEL      debug, info, warn (default) or error; logs go to stderr
  --extractive           quote, even with a model configured (env NEWSBOT_EXTRACTIVE=1)
  --prompts DIR          replace the prompt templates (system.tmpl, answer.tmpl,
                         rewrite.tmpl) with those in DIR (env NEWSBOT_PROMPTS)

Formats read: plain text (.txt), Markdown with YAML front matter (.md), HTML
(.html, .htm), JSON Lines articles (.jsonl, .ndjson, optionally .gz), and
directories of these, recursively.

Configuration: flags win over environment variables, which win over an
optional YAML config file (--config FILE or NEWSBOT_CONFIG) whose keys are the
same names; "bot config" lists every setting and its value, secrets redacted.

Run "bot COMMAND --help" for a command's flags.
`

// run is the whole program: main only supplies the process's environment.
func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout io.Writer) error {
	getenv, _, err := withConfigFile(args, getenv)
	if err != nil {
		return err
	}
	opts := newOptions(getenv)
	fs := flag.NewFlagSet("bot", flag.ContinueOnError)
	fs.SetOutput(stdout)
	fs.Usage = func() { fmt.Fprint(stdout, usage) }
	opts.register(fs)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return err
	}
	args = fs.Args()
	cmd := "chat"
	if len(args) > 0 {
		cmd, args = args[0], args[1:]
	}
	env := &environ{opts: opts, getenv: getenv, stdin: stdin, stdout: stdout}
	switch cmd {
	case "chat":
		return env.chat(ctx, args)
	case "ask":
		return env.ask(ctx, args)
	case "ingest":
		return env.ingest(ctx, args)
	case "export":
		return env.export(ctx, args)
	case "search":
		return env.search(ctx, args)
	case "eval":
		return env.eval(ctx, args)
	case "bench":
		return env.bench(ctx, args)
	case "serve":
		return env.serve(ctx, args)
	case "slack":
		return env.slack(ctx, args)
	case "discord":
		return env.discord(ctx, args)
	case "config":
		return env.config(ctx, args)
	case restartCommand:
		return env.benchAsk(ctx, args)
	case "help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	return fmt.Errorf("unknown command %q; run \"bot --help\" for the commands", cmd)
}

// environ is what every command works with.
type environ struct {
	opts    *options
	serving bool // the serve command: log every question
	getenv  func(string) string
	stdin   io.Reader
	stdout  io.Writer
	// conversations keep the turns of the conversations the bot answers
	// in (see conversations.go); nil keeps none.
	conversations newsbot.Conversations
}

// flags returns a flag set for a command that also accepts the common
// flags, so that "bot ask --corpus x q" works as well as "bot --corpus x ask q".
func (e *environ) flags(name, use string) *flag.FlagSet {
	fs := flag.NewFlagSet("bot "+name, flag.ContinueOnError)
	fs.SetOutput(e.stdout)
	fs.Usage = func() {
		fmt.Fprint(e.stdout, use)
		fmt.Fprintln(e.stdout, "\nFlags:")
		fs.PrintDefaults()
	}
	e.opts.register(fs)
	return fs
}

// parse parses a command's flags; done is true when it printed help.
func parse(fs *flag.FlagSet, args []string) (done bool, err error) {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return true, nil
		}
		return true, err
	}
	return false, nil
}
