// Package repl is the terminal chat: it reads questions line by line, asks
// an Answerer, and prints the answer as plain text with its sources.
//
// On a terminal it offers line editing and history (see [Run]); on a pipe it
// reads plain lines and prints only the replies, so its output can be piped
// on. [Format] is the plain-text rendering the one-shot `bot ask` shares.
//
// Everything derived from an answer (text, sentences, titles, outlets,
// URLs) is sanitised before it is printed: control characters are shown as
// visible escapes and invisible format characters are dropped, so an
// article cannot move the cursor, change colours, set the window title or
// hide text. Errors from the Answerer reach the person only as a fixed
// friendly sentence; their detail goes to the log.
//
// The package imports the answering core, never the reverse.
package repl

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync/atomic"
	"unicode/utf8"

	"github.com/newsbot-dev/newsbot"
	"github.com/newsbot-dev/newsbot/adapters/chat"
)

// Answerer answers a question in the context of the chat's earlier turns.
// When stream is not nil it may receive the answer's text as it is
// produced (checked text, pieces that join to a prefix of the final
// answer's Text); the returned Answer is the final one.
type Answerer interface {
	Ask(ctx context.Context, req newsbot.Request, stream newsbot.Stream) (newsbot.Answer, error)
}

// Config configures a chat session. In and Out are required; every other
// field's zero value is a working default.
type Config struct {
	// In is where questions are read from. Required. When In and Out are
	// both terminals (*os.File), the chat offers line editing and history;
	// otherwise it reads plain lines.
	In io.Reader
	// Out is where replies are written. Required.
	Out io.Writer
	// Log receives the detail of errors that the person sees only as a
	// friendly sentence. If nil, logs are discarded.
	Log *slog.Logger
	// Prompt is shown before each question on a terminal (never on a
	// pipe). If empty, "> " is used.
	Prompt string
	// HistoryFile, if set, keeps the terminal's input history across
	// sessions: the last 1000 lines are loaded at start and each new line
	// is appended. If empty, history lasts for the session only.
	HistoryFile string
	// Banner is printed once at the start on a terminal (for example, what
	// corpus is loaded); it is not printed on a pipe. If empty, nothing is
	// printed.
	Banner string
	// LogWriter, if set, is where the program's log is written (see
	// LogWriter): while Run has the terminal in raw mode, Run routes it
	// through the chat's terminal, so that a log line neither breaks the
	// line being typed nor staircases across the screen.
	LogWriter *LogWriter
}

// Fixed sentences the chat shows, besides the kit's (chat.Sorry,
// chat.NotReady). Errors never reach the person in any other form.
const (
	msgNoAnswerYet = "There is no answer yet: ask a question first, then type /sources."
	msgCancelled   = "Cancelled."
	msgCtrlC       = "(To leave, type /quit or press Ctrl-D.)"
	msgTooLong     = "That line is too long (over 64 KiB), so I skipped it."
	msgCutOff      = "(That answer was cut off.)"
	msgNew         = "Starting a new conversation: the questions before this one are not used to read the next."
	msgHelp        = `Ask a question about the news coverage and press Enter. A question that
leans on the one before ("and what did Medvedev say?", "What did he say
about the UN?") is read with it, and the reading is shown.
Commands:
  /new      start a new conversation (earlier questions are no longer used)
  /sources  show the full sentences the last answer cites
  /help     show this help
  /quit     end the chat (also /exit, or Ctrl-D)
On a terminal, Ctrl-C cancels the line you are typing or the answer in progress.`
)

const (
	defaultPrompt = "> "
	// maxLine is the longest input line the pipe reader accepts, in bytes
	// including the line break; longer lines are skipped and reported.
	maxLine = 64 << 10
)

var (
	// errInterrupted is returned by a lineReader when the person pressed
	// Ctrl-C: the line it returns with it is abandoned.
	errInterrupted = errors.New("repl: line interrupted")
	// errTooLong is returned by a lineReader for a line over maxLine.
	errTooLong = errors.New("repl: line too long")
	// errTermTooLong is returned by the terminal's lineReader for a line
	// that reached the terminal's limit, which drops what is typed or
	// pasted beyond it.
	errTermTooLong = errors.New("repl: line cut by the terminal")
)

// Run runs the chat until /quit or /exit, the end of input (Ctrl-D on a
// terminal), or ctx is done. It returns nil when the chat ends by command
// or end of input, ctx.Err() when ctx ends it, and an error for a
// missing In or Out, or when reading In or writing Out fails.
//
// When In and Out are both terminals, Run puts In in raw mode (restoring
// it on return, including on a panic from the Answerer), prints Banner and
// a Prompt, and offers line editing and history through
// golang.org/x/term's Terminal; Ctrl-C cancels the line being typed or the
// answer in progress. Otherwise Run reads plain lines, prints no prompt or
// banner, and separates replies with a blank line, so the output is only
// the replies.
//
// Reading a terminal cannot be interrupted, so when Run returns on a
// terminal one goroutine may stay blocked reading In until the next key:
// a program should not read In itself after the chat. On a pipe, a read
// pending when ctx ends is likewise left to finish in the background.
//
// Commands: /sources shows the last answer's citations in full, /new starts
// a new conversation (a new key: the earlier turns are no longer read),
// /help lists the commands, /quit and /exit end the chat. Empty lines are
// ignored.
//
// Every question carries the session's own key as Request.Conversation, so
// that an Answerer that keeps conversations (newsbot.Bot.Conversations, a
// newsbot.MemoryConversations for a terminal session) reads a follow-up
// against the earlier turns. A panic while answering is logged with its
// stack and shown as the sorry sentence; the chat goes on.
func Run(ctx context.Context, cfg Config, bot Answerer) error {
	if cfg.In == nil || cfg.Out == nil {
		return errors.New("repl: Config.In and Config.Out are required")
	}
	if bot == nil {
		return errors.New("repl: no Answerer")
	}
	log := cfg.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	s := &session{bot: bot, log: log, conversation: newConversation()}
	if in, out, ok := terminalFiles(cfg.In, cfg.Out); ok {
		return runTerminal(ctx, cfg, s, in, out)
	}
	s.out = &errWriter{w: cfg.Out}
	return s.run(ctx, newPipeLines(cfg.In))
}

// newConversation is a fresh conversation key for the session.
func newConversation() string { return "repl:" + newsbot.NewRequestID() }

// lineReader reads the next line of input without its line break. At the
// end of input it returns io.EOF.
type lineReader interface {
	readLine(ctx context.Context) (string, error)
}

// session is the state of one chat, shared by the terminal and pipe paths.
type session struct {
	bot Answerer
	out *errWriter
	log *slog.Logger
	// last is the last answer shown, for /sources.
	last *newsbot.Answer
	// conversation is the session's key: the Answerer keeps its turns
	// (newsbot.Bot.Conversations), for follow-ups.
	conversation string
	// arm, if set, makes Ctrl-C call cancel until the returned disarm is
	// called. Only the terminal path sets it.
	arm func(cancel func()) (disarm func())
}

// run is the read–answer loop.
func (s *session) run(ctx context.Context, lines lineReader) error {
	for {
		if err := s.writeErr(); err != nil {
			return err
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		line, err := lines.readLine(ctx)
		switch {
		case err == nil:
		case errors.Is(err, errInterrupted):
			if strings.TrimSpace(line) == "" {
				s.say(msgCtrlC)
			}
			continue
		case errors.Is(err, errTooLong):
			s.log.Warn("repl: input line too long; skipped", "max_bytes", maxLine)
			s.reply(msgTooLong)
			continue
		case errors.Is(err, errTermTooLong):
			// The terminal cut the line: asking the rest would answer
			// another question.
			s.reply(chat.TooLong)
			continue
		case errors.Is(err, io.EOF):
			return s.writeErr()
		case ctx.Err() != nil:
			return ctx.Err()
		default:
			return fmt.Errorf("repl: reading input: %w", err)
		}
		quit, err := s.handle(ctx, strings.TrimSpace(line))
		if err != nil {
			return err
		}
		if quit {
			return s.writeErr()
		}
	}
}

// handle acts on one trimmed input line and reports whether the chat ends.
// Its only error is ctx's, when ctx ends during an answer.
func (s *session) handle(ctx context.Context, line string) (quit bool, err error) {
	if line == "" {
		return false, nil
	}
	if !strings.HasPrefix(line, "/") {
		return false, s.ask(ctx, line)
	}
	name := strings.Fields(line)[0]
	switch strings.ToLower(name) {
	case "/quit", "/exit":
		return true, nil
	case "/help":
		s.reply(msgHelp)
	case "/new":
		s.conversation = newConversation()
		s.last = nil
		s.reply(msgNew)
	case "/sources":
		if s.last == nil {
			s.reply(msgNoAnswerYet)
			break
		}
		formatSources(s.out, *s.last)
		s.say("")
	default:
		s.reply(fmt.Sprintf("Unknown command %s: type /help for the commands.", shorten(CleanLine(name), 40)))
	}
	return false, nil
}

// ask answers one question and shows the answer, or a friendly line if it
// fails. It returns an error only when ctx is done. A question the core
// would refuse (too long, not text) gets the sentence that says why, as
// "bot ask" does, not the sorry sentence.
func (s *session) ask(ctx context.Context, question string) error {
	question, refusal := chat.Check(question)
	if refusal != "" {
		s.reply(refusal)
		return nil
	}
	actx, cancel := context.WithCancel(ctx)
	defer cancel()
	var interrupted atomic.Bool
	disarm := func() {}
	if s.arm != nil {
		disarm = s.arm(func() {
			interrupted.Store(true)
			cancel()
		})
	}
	// The answer is printed as it streams in; streamed is what was shown,
	// until a piece withdraws it (a fallback replaces it).
	var streamed strings.Builder
	withdrawn := false
	stream := func(p newsbot.Piece) {
		if interrupted.Load() {
			return
		}
		if p.Withdraw {
			withdrawn = withdrawn || streamed.Len() > 0
			return
		}
		io.WriteString(s.out, newsbot.Delink(CleanText(p.Text), nil))
		streamed.WriteString(p.Text)
	}
	actx = newsbot.WithRequestID(actx, newsbot.NewRequestID())
	var a newsbot.Answer
	var err error
	if perr := chat.Recovered(actx, s.log, "answering in the terminal", func() {
		a, err = s.bot.Ask(actx, newsbot.Request{Question: question, Conversation: s.conversation}, stream)
	}); perr != nil {
		err = perr
	}
	disarm()
	shown := streamed.String()
	if shown != "" && (err != nil || interrupted.Load() || withdrawn) {
		// What streamed is not the answer after all: say so before what
		// follows.
		s.say("")
		s.say(msgCutOff)
	}
	switch {
	case ctx.Err() != nil:
		return ctx.Err()
	case interrupted.Load():
		// The person asked to cancel; an answer that came anyway is
		// dropped so what they see matches what they asked for.
		s.reply(msgCancelled)
	case err != nil:
		s.log.Error("repl: answering failed", "request_id", newsbot.RequestID(actx), "question", question, "err", err)
		s.reply(chat.Failure(err))
	default:
		s.last = &a
		if shown != "" && !withdrawn {
			// The stream's text is a prefix of the answer's (newsbot.Stream).
			formatAnswer(s.out, a, len(shown))
		} else {
			Format(s.out, a)
		}
		if a.Question != "" && a.Question != question {
			s.say("(Read as: " + CleanLine(a.Question) + ")")
		}
		s.say("")
	}
	return nil
}

// writeErr returns the first error writing Out, if any.
func (s *session) writeErr() error {
	if s.out.err != nil {
		return fmt.Errorf("repl: writing output: %w", s.out.err)
	}
	return nil
}

// reply writes a line of the chat's own followed by a blank line, the
// separator between replies.
func (s *session) reply(msg string) {
	s.say(msg)
	s.say("")
}

// say writes one line. Write errors are kept in s.out and end the loop.
func (s *session) say(msg string) {
	io.WriteString(s.out, msg+"\n")
}

// shorten cuts s to at most n runes, marking the cut.
func shorten(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n]) + "…"
}

// errWriter remembers the first write error; later writes fail with it.
type errWriter struct {
	w   io.Writer
	err error
}

func (e *errWriter) Write(p []byte) (int, error) {
	if e.err != nil {
		return 0, e.err
	}
	n, err := e.w.Write(p)
	if err != nil {
		e.err = err
	}
	return n, err
}

// pipeLines reads plain lines from a reader that is not a terminal.
type pipeLines struct {
	r *bufio.Reader
}

func newPipeLines(r io.Reader) *pipeLines {
	return &pipeLines{r: bufio.NewReaderSize(r, maxLine)}
}

type lineResult struct {
	line string
	err  error
}

// readLine reads the next line. A read blocked on a pipe does not see ctx,
// so it runs in its own goroutine and readLine returns as soon as ctx is
// done; that goroutine then ends when the pending read does. Only one line
// is read at a time, so nothing after /quit is consumed by the chat.
func (p *pipeLines) readLine(ctx context.Context) (string, error) {
	ch := make(chan lineResult, 1)
	go func() {
		line, err := p.next()
		ch <- lineResult{line, err}
	}()
	select {
	case r := <-ch:
		return r.line, r.err
	case <-ctx.Done():
		return "", ctx.Err()
	}
}

// next reads one line, without "\n" or "\r\n". A line longer than maxLine
// is read to its end and dropped, and errTooLong returned in its place.
// A last line without a line break still counts as a line.
func (p *pipeLines) next() (string, error) {
	b, err := p.r.ReadSlice('\n')
	if errors.Is(err, bufio.ErrBufferFull) {
		for errors.Is(err, bufio.ErrBufferFull) {
			_, err = p.r.ReadSlice('\n')
		}
		if err != nil && !errors.Is(err, io.EOF) {
			return "", err
		}
		return "", errTooLong
	}
	if err != nil && !(errors.Is(err, io.EOF) && len(b) > 0) {
		return "", err
	}
	line := strings.TrimSuffix(string(b), "\n")
	return strings.TrimSuffix(line, "\r"), nil
}
