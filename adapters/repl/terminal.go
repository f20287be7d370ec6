package repl

// Line editing uses golang.org/x/term's Terminal rather than
// github.com/chzyer/readline. Both do the job (a prompt, cursor movement,
// word and line deletion, up/down history); x/term is maintained by the Go
// team, tagged every month or so alongside Go itself, has no dependency
// beyond golang.org/x/sys, and lets us plug in our own History. chzyer's
// readline adds reverse search and completion menus but its last release
// was in 2022, with its issues and pull requests largely unanswered since;
// its maintained fork (ergochat/readline) is not available to us. We need
// two things x/term does not do by itself, and both are small:
//
//   - Terminal.ReadLine treats Ctrl-C like Ctrl-D (io.EOF) and keeps the
//     half-typed line. keyboard, the reader between the terminal and
//     Terminal, turns a Ctrl-C into "end of line, echo ^C, Enter" so the
//     line is ended visibly and then dropped, and while an answer is being
//     made it cancels the answer instead.
//   - Raw mode: term.MakeRaw on In, restored by a deferred term.Restore, so
//     also when ctx ends the chat or the Answerer panics.
//
// The code that needs a real terminal (runTerminal) is only the raw mode
// and the window size; the rest (chatTerminal) runs over any reader and
// writer and is tested both in memory and over a pseudo-terminal.

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"unicode/utf8"

	"golang.org/x/term"
)

const (
	// historyMax bounds the history kept in memory and in HistoryFile.
	historyMax = 1000
	// ctrlC is the byte a terminal in raw mode sends for Ctrl-C.
	ctrlC = 0x03
	// ctrlCKeys is what keyboard hands Terminal for a Ctrl-C typed at the
	// prompt: Ctrl-E (to the end of the line), the echo "^C", and Enter.
	ctrlCKeys = "\x05" + ctrlCEcho + "\r"
	ctrlCEcho = "^C"
	// termMaxLine is the most characters x/term's Terminal keeps in a
	// line; it drops the rest without a word.
	termMaxLine = 4096
)

// terminalFiles reports whether in and out are both terminals and, if so,
// returns them as files. Anything that is not an *os.File is not a
// terminal.
func terminalFiles(in io.Reader, out io.Writer) (inFile, outFile *os.File, ok bool) {
	inFile, ok1 := in.(*os.File)
	outFile, ok2 := out.(*os.File)
	if !ok1 || !ok2 || inFile == nil || outFile == nil {
		return nil, nil, false
	}
	if !term.IsTerminal(int(inFile.Fd())) || !term.IsTerminal(int(outFile.Fd())) {
		return nil, nil, false
	}
	return inFile, outFile, true
}

// runTerminal puts in in raw mode for the chat and restores it on return.
// If raw mode cannot be had, it falls back to reading plain lines.
func runTerminal(ctx context.Context, cfg Config, s *session, in, out *os.File) error {
	fd := int(in.Fd())
	old, err := term.MakeRaw(fd)
	if err != nil {
		s.log.Warn("repl: cannot put the terminal in raw mode; reading plain lines", "err", err)
		s.out = &errWriter{w: out}
		return s.run(ctx, newPipeLines(in))
	}
	defer func() {
		if err := term.Restore(fd, old); err != nil {
			s.log.Error("repl: restoring the terminal", "err", err)
		}
	}()
	outFd := int(out.Fd())
	return chatTerminal(ctx, cfg, s, in, out, func() (int, int, error) { return term.GetSize(outFd) })
}

// chatTerminal runs the chat with line editing over in and out, which must
// behave as a terminal in raw mode (keys in, VT100 out). size, if not nil,
// reports the window size and is asked before each line.
func chatTerminal(ctx context.Context, cfg Config, s *session, in io.Reader, out io.Writer, size func() (width, height int, err error)) error {
	kb := newKeyboard(ctx.Done())
	// pump ends when in does. Reading a terminal cannot be interrupted,
	// so after the chat ends this goroutine may stay blocked until the
	// next key or the end of the process.
	go kb.pump(in)

	prompt := cfg.Prompt
	if prompt == "" {
		prompt = defaultPrompt
	}
	t := term.NewTerminal(struct {
		io.Reader
		io.Writer
	}{kb, out}, prompt)
	hist := openHistory(cfg.HistoryFile, historyMax, s.log)
	defer hist.close()
	t.History = hist

	s.out = &errWriter{w: t} // Terminal turns "\n" into "\r\n" for raw mode.
	s.arm = kb.arm
	if cfg.LogWriter != nil {
		defer cfg.LogWriter.through(t)()
	}
	if banner := strings.TrimSpace(CleanText(cfg.Banner)); banner != "" {
		s.reply(banner)
	}
	lines := &termLines{t: t, kb: kb, hist: hist, size: size}
	err := s.run(ctx, lines)
	if lines.open {
		// Leave the cursor at the start of a fresh line for the shell.
		io.WriteString(out, "\r\n")
	}
	return err
}

// termLines reads lines through x/term's Terminal.
type termLines struct {
	t    *term.Terminal
	kb   *keyboard
	hist *history
	size func() (int, int, error)
	// open is true when the last read ended without Enter, so the prompt
	// is still on the screen.
	open bool
}

func (tl *termLines) readLine(ctx context.Context) (string, error) {
	if tl.size != nil {
		if w, h, err := tl.size(); err == nil && w > 0 {
			tl.t.SetSize(w, h)
		}
	}
	line, err := tl.t.ReadLine()
	if errors.Is(err, term.ErrPasteIndicator) {
		err = nil
	}
	if err != nil {
		tl.open = true
		return "", err
	}
	tl.open = false
	if tl.kb.interrupted() {
		return strings.TrimSuffix(line, ctrlCEcho), errInterrupted
	}
	if utf8.RuneCountInString(line) >= termMaxLine {
		return "", errTermTooLong
	}
	tl.hist.add(line)
	return line, nil
}

// keyboard sits between the terminal and Terminal. A goroutine (pump)
// reads keys as they come, even while an answer is being made, so that a
// Ctrl-C can cancel it; other keys typed meanwhile wait for the next line.
type keyboard struct {
	done <-chan struct{}
	wake chan struct{} // has a value when chunks or err changed

	mu     sync.Mutex
	chunks []chunk // keys not yet read by Terminal, in order
	err    error   // in's error, reported once chunks are drained
	// onCtrlC, while set, is called for a Ctrl-C instead of queueing it.
	onCtrlC func()
	// lastCtrlC is true when the last Read completed a Ctrl-C chunk.
	lastCtrlC bool
}

// chunk is keys for Terminal. A Ctrl-C chunk is never merged with others,
// so the line that Terminal returns after reading it is the one the
// Ctrl-C ended.
type chunk struct {
	b     []byte
	ctrlC bool
}

func newKeyboard(done <-chan struct{}) *keyboard {
	return &keyboard{done: done, wake: make(chan struct{}, 1)}
}

// pump reads in until it fails, queueing keys for Read.
func (k *keyboard) pump(in io.Reader) {
	buf := make([]byte, 1024)
	for {
		n, err := in.Read(buf)
		k.mu.Lock()
		data := buf[:n]
		for len(data) > 0 {
			i := bytes.IndexByte(data, ctrlC)
			if i < 0 {
				k.queue(data, false)
				break
			}
			k.queue(data[:i], false)
			if k.onCtrlC != nil {
				k.onCtrlC()
			} else {
				k.queue([]byte(ctrlCKeys), true)
			}
			data = data[i+1:]
		}
		if err != nil {
			k.err = err
		}
		k.mu.Unlock()
		select {
		case k.wake <- struct{}{}:
		default:
		}
		if err != nil {
			return
		}
	}
}

// queue appends a copy of b; k.mu must be held. A TAB becomes a space:
// Terminal drops it (it is not printable and there is nothing to
// complete), which would join the words around it ("about<TAB>sanctions"
// pasted would read "aboutsanctions").
func (k *keyboard) queue(b []byte, ctrlC bool) {
	if len(b) == 0 {
		return
	}
	if bytes.IndexByte(b, '\t') >= 0 {
		b = bytes.ReplaceAll(b, []byte{'\t'}, []byte{' '})
	}
	if n := len(k.chunks); n > 0 && !ctrlC && !k.chunks[n-1].ctrlC {
		k.chunks[n-1].b = append(k.chunks[n-1].b, b...)
		return
	}
	k.chunks = append(k.chunks, chunk{b: bytes.Clone(b), ctrlC: ctrlC})
}

// Read gives Terminal the next keys, from one chunk at most. It returns
// ctx's error once ctx is done and no keys are waiting.
func (k *keyboard) Read(p []byte) (int, error) {
	for {
		k.mu.Lock()
		if len(k.chunks) > 0 {
			c := &k.chunks[0]
			n := copy(p, c.b)
			c.b = c.b[n:]
			k.lastCtrlC = c.ctrlC && len(c.b) == 0
			if len(c.b) == 0 {
				k.chunks = k.chunks[1:]
			}
			k.mu.Unlock()
			return n, nil
		}
		k.lastCtrlC = false
		err := k.err
		k.mu.Unlock()
		if err != nil {
			return 0, err
		}
		select {
		case <-k.wake:
		case <-k.done:
			return 0, context.Canceled
		}
	}
}

// interrupted reports whether the line Terminal just returned was ended by
// a Ctrl-C: Terminal reads only when it has no whole key left, and a
// Ctrl-C chunk ends with Enter, so that Enter ended the line.
func (k *keyboard) interrupted() bool {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.lastCtrlC
}

// arm makes Ctrl-C call cancel, until disarm is called.
func (k *keyboard) arm(cancel func()) (disarm func()) {
	k.mu.Lock()
	k.onCtrlC = cancel
	k.mu.Unlock()
	return func() {
		k.mu.Lock()
		k.onCtrlC = nil
		k.mu.Unlock()
	}
}

// history is the Terminal's input history, bounded to max lines and, when
// it has a file, persisted by appending each line to it.
//
// Terminal calls Add for every line it returns, including one ended by
// Ctrl-C; Add therefore does nothing, and termLines calls add only for the
// lines the person sent.
type history struct {
	lines []string // oldest first
	max   int
	f     *os.File
	log   *slog.Logger
}

// openHistory loads the last max lines of path, compacting the file if it
// holds more, and opens it for appending. Problems with the file are
// logged and leave a history that lasts for the session only.
func openHistory(path string, max int, log *slog.Logger) *history {
	h := &history{max: max, log: log}
	if path == "" {
		return h
	}
	data, err := os.ReadFile(path)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		log.Warn("repl: reading history file; history is not saved", "path", path, "err", err)
		return h
	}
	var lines []string
	for _, line := range strings.Split(string(data), "\n") {
		// A line the person could not have typed (control or invisible
		// characters) is skipped: Terminal would echo it raw.
		if line = strings.TrimSpace(line); line != "" && CleanLine(line) == line {
			lines = append(lines, line)
		}
	}
	if len(lines) > max {
		lines = lines[len(lines)-max:]
		if err := writeFileAtomic(path, []byte(strings.Join(lines, "\n")+"\n")); err != nil {
			log.Warn("repl: compacting history file", "path", path, "err", err)
		}
	}
	h.lines = lines
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		log.Warn("repl: opening history file; history is not saved", "path", path, "err", err)
		return h
	}
	h.f = f
	return h
}

// writeFileAtomic replaces path with data, so a crash leaves either the old
// file or the new one.
func writeFileAtomic(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // fails harmlessly after the rename
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// Add implements term.History; see the type's comment for why it does
// nothing.
func (h *history) Add(string) {}

// Len implements term.History.
func (h *history) Len() int { return len(h.lines) }

// At implements term.History: 0 is the most recent line.
func (h *history) At(i int) string { return h.lines[len(h.lines)-1-i] }

// add records a line the person sent, skipping blanks and repeats.
func (h *history) add(line string) {
	line = strings.TrimSpace(line)
	if line == "" || len(h.lines) > 0 && h.lines[len(h.lines)-1] == line {
		return
	}
	h.lines = append(h.lines, line)
	if len(h.lines) > h.max {
		h.lines = append(h.lines[:0], h.lines[len(h.lines)-h.max:]...)
	}
	if h.f == nil {
		return
	}
	if _, err := io.WriteString(h.f, line+"\n"); err != nil {
		h.log.Warn("repl: writing history file; history is no longer saved", "err", err)
		h.close()
	}
}

// close closes the history file, if any.
func (h *history) close() {
	if h.f != nil {
		h.f.Close()
		h.f = nil
	}
}

// LogWriter is an io.Writer for a program's log that stays readable while
// a chat has the terminal: while Run has the terminal in raw mode (Config's
// LogWriter), what is written goes through the chat's Terminal, which
// prints it above the line being typed, with the line ends raw mode needs;
// otherwise it goes to W. It is safe for concurrent use.
type LogWriter struct {
	// W receives the log when no chat has the terminal. Required.
	W io.Writer

	mu   sync.Mutex
	term io.Writer
}

// Write implements io.Writer.
func (l *LogWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.term != nil {
		if _, err := l.term.Write(p); err != nil {
			return 0, err
		}
		return len(p), nil
	}
	return l.W.Write(p)
}

// through sends the log through t until the returned function is called.
func (l *LogWriter) through(t io.Writer) (restore func()) {
	l.mu.Lock()
	l.term = t
	l.mu.Unlock()
	return func() {
		l.mu.Lock()
		l.term = nil
		l.mu.Unlock()
	}
}
