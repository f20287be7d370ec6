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
	"log/slog"
	"os"
	"os/signal"
	"slices"
	"strings"
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
  bot [flags] watch [--once]      poll the feeds (NEWSBOT_FEEDS) into the data directory
  bot [flags] search [--k N] [--jsonl] [QUESTION]
                                  print the ranked sentences for a question, or
                                  with --jsonl answer {"qid","question"} lines on stdin
  bot [flags] attributions --jsonl
                                  write who said what in the articles on stdin
                                  (JSON Lines in and out)
  bot [flags] eval SET_DIR...     measure retrieval on evaluation sets
  bot [flags] serve [--addr ADDR] run as a service: Slack, Discord and an HTTP API
                                  (see "bot serve --help")
  bot [flags] slack               answer in Slack (see "bot slack --help")
  bot [flags] discord             answer in Discord (see "bot discord --help")
  bot [flags] config              print the settings in effect, secrets redacted
  bot [flags] bench --questions DIR... [--sentences N,...] PATH
                                  measure ingest, search and restart at scale

Where answers come from: the --corpus files if given; else, with --data, what
"bot ingest" added there; else the built-in coverage, two articles about
Hillary Clinton's October 2009 visit to Moscow and Iran sanctions.

How answers are made: with no model configured, answers quote the best
sentences of the coverage. With a model (any OpenAI-compatible server), the
model writes the answer from numbered evidence and the bot checks every
citation; if the model fails, the quoted answer is given instead, labelled as
such.

Formats read: plain text (.txt), Markdown with YAML front matter (.md), HTML
(.html, .htm), JSON Lines articles (.jsonl, .ndjson), any of them optionally
gzip-compressed (.gz), and directories of these, recursively; pages and
RSS/Atom feeds by URL.

Run "bot COMMAND --help" for a command's flags and settings, and "bot config"
for every setting's value in effect.
`

// run is the whole program: main only supplies the process's environment.
func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout io.Writer) error {
	return newEnviron(getenv, stdin, stdout, os.Stderr).run(ctx, args)
}

// environ is what every command works with.
type environ struct {
	getenv func(string) string
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer // the log's
	// flagged holds the settings given by flags, by setting name, in
	// order; the flags of bot and of the command both add to it.
	flagged map[string][]string
	// set is every setting's value in effect, and log the log made from
	// them: both are made by parse, once the command's flags are known.
	set *settings
	log *slog.Logger
	// serving is true for the commands that run as services (serve,
	// slack, discord): they log every question.
	serving bool
	// conversations keep the turns of the conversations the bot answers
	// in (see conversations.go); nil keeps none.
	conversations newsbot.Conversations
}

func newEnviron(getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) *environ {
	return &environ{getenv: getenv, stdin: stdin, stdout: stdout, stderr: stderr, flagged: map[string][]string{}}
}

// run parses bot's own flags and runs the command that follows them.
func (e *environ) run(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("bot", flag.ContinueOnError)
	fs.SetOutput(e.stdout)
	fs.Usage = func() { fmt.Fprint(e.stdout, usage+settingsHelp(groupCommon, groupAnswers)) }
	e.settingFlags(fs, groupCommon, groupAnswers)
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
	switch cmd {
	case "chat":
		return e.chat(ctx, args)
	case "ask":
		return e.ask(ctx, args)
	case "ingest":
		return e.ingest(ctx, args)
	case "export":
		return e.export(ctx, args)
	case "watch":
		return e.watch(ctx, args)
	case "search":
		return e.search(ctx, args)
	case "attributions":
		return e.attributions(ctx, args)
	case "eval":
		return e.eval(ctx, args)
	case "bench":
		return e.bench(ctx, args)
	case "serve":
		e.serving = true
		return e.serve(ctx, args)
	case "slack":
		e.serving = true
		return e.slack(ctx, args)
	case "discord":
		e.serving = true
		return e.discord(ctx, args)
	case "config":
		return e.config(ctx, args)
	case restartCommand:
		return e.benchAsk(ctx, args)
	case benchSearchCommand:
		return e.benchSearch(ctx, args)
	case benchReadCommand:
		return e.benchRead(ctx, args)
	case benchAddCommand:
		return e.benchAdd(ctx, args)
	case "help":
		fs.Usage()
		return nil
	}
	return fmt.Errorf("unknown command %q; run \"bot --help\" for the commands", cmd)
}

// flags returns a flag set for a command. It also takes bot's own flags,
// so that "bot ask --corpus x q" works as well as "bot --corpus x ask q",
// and the flags of the settings in groups; its --help lists the settings
// of groups after the flags.
func (e *environ) flags(name, use string, groups ...group) *flag.FlagSet {
	fs := flag.NewFlagSet("bot "+name, flag.ContinueOnError)
	fs.SetOutput(e.stdout)
	fs.Usage = func() {
		fmt.Fprint(e.stdout, use)
		fmt.Fprintln(e.stdout, "\nFlags:")
		fs.PrintDefaults()
		if len(groups) > 0 {
			fmt.Fprint(e.stdout, settingsHelp(groups...))
		}
	}
	e.settingFlags(fs, append([]group{groupCommon, groupAnswers}, groups...)...)
	return fs
}

// settingFlags adds to fs the flags of the settings in groups. A flag
// records its value in e.flagged, where parse finds it.
func (e *environ) settingFlags(fs *flag.FlagSet, groups ...group) {
	seen := map[string]bool{}
	for _, d := range table() {
		if d.flag == "" || seen[d.name] || !slices.Contains(groups, d.group) {
			continue
		}
		seen[d.name] = true
		usage := plain(d.doc) + " (" + d.name + ")"
		if arg := flagArg(d.doc); arg != "" {
			usage = strings.Replace(usage, arg, "`"+arg+"`", 1)
		}
		set := func(v string) error {
			if strings.TrimSpace(v) == "" {
				return errors.New("empty value")
			}
			e.flagged[d.name] = append(e.flagged[d.name], strings.TrimSpace(v))
			return nil
		}
		if d.kind.boolean {
			fs.BoolFunc(d.flag, usage, set)
		} else {
			fs.Func(d.flag, usage, set)
		}
	}
}

// flagArg is the name of a flag's argument in --help: the first word of
// its setting's doc in backquotes that is all capitals ("DIR").
func flagArg(doc string) string {
	parts := strings.Split(doc, "`")
	for i := 1; i < len(parts); i += 2 {
		if w := parts[i]; w != "" && strings.Trim(w, "ABCDEFGHIJKLMNOPQRSTUVWXYZ_") == "" {
			return w
		}
	}
	return ""
}

// parse parses a command's flags, then resolves every setting (see
// resolveSettings) and makes the log. done is true when the command must
// stop: it printed help, or a flag or a setting is wrong. Every command
// refuses a wrong setting, whatever the setting, so that a config that is
// wrong is found at once; bot config alone goes on, to show it.
func (e *environ) parse(fs *flag.FlagSet, args []string) (done bool, err error) {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return true, nil
		}
		return true, err
	}
	s, err := resolveSettings(e.getenv, e.flagged)
	if err != nil {
		return true, err
	}
	e.set = s
	if len(s.problems) > 0 && fs.Name() != "bot config" {
		return true, errors.Join(s.problems...)
	}
	e.log = e.newLogger()
	for _, n := range s.notices {
		e.log.Warn(n.msg, "setting", n.old, "replaced_by", n.new)
	}
	return false, nil
}
