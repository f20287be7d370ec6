package repl

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/newsbot-dev/newsbot"
	"github.com/newsbot-dev/newsbot/adapters/chat"
)

// syncBuffer is a bytes.Buffer safe for one writer and one reader.
type syncBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// step is one move in a scripted terminal session: send keys, wait for the
// Answerer to start, close the input, cancel the context, or wait for
// output to appear (after what earlier steps waited for).
type step struct {
	send    string
	started bool // wait until the slow Answerer has started
	close   bool // close the input (end of input)
	cancel  bool // cancel the session's context
	expect  string
}

// screen follows a session's output for expectations in order.
type screen struct {
	out  *syncBuffer
	seen int
}

// expect waits until s appears in the output after what was last expected.
func (sc *screen) expect(t *testing.T, s string) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		all := sc.out.String()
		if i := strings.Index(all[sc.seen:], s); i >= 0 {
			sc.seen += i + len(s)
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("output lacks %q after:\n%q\nfull output:\n%q", s, all[:sc.seen], all)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

// slowBot answers damAnswer for the dam question; for "slow" it blocks
// until its context is done, closing started when it begins.
type slowBot struct {
	fakeBot
	started chan struct{}
}

func (b *slowBot) Answer(ctx context.Context, q string) (newsbot.Answer, error) {
	if q == "slow" {
		b.mu.Lock()
		b.asked = append(b.asked, q)
		b.mu.Unlock()
		close(b.started)
		<-ctx.Done()
		return newsbot.Answer{}, ctx.Err()
	}
	return b.fakeBot.Answer(ctx, q)
}

func (b *slowBot) Ask(ctx context.Context, req newsbot.Request, _ newsbot.Stream) (newsbot.Answer, error) {
	return b.Answer(ctx, req.Question)
}

func newSlowBot() *slowBot {
	return &slowBot{fakeBot: *newFakeBot(), started: make(chan struct{})}
}

// terminalCases are scripted sessions run both in memory and over a
// pseudo-terminal.
var terminalCases = []struct {
	name      string
	steps     []step
	wantErr   error
	wantAsked []string
	absent    []string
	// atPrompt says the chat ends with the prompt on the screen, so Run
	// must leave the cursor on a fresh line.
	atPrompt bool
}{
	{
		name: "banner, prompt, answer, Ctrl-D",
		steps: []step{
			{expect: "BANNER\r\n\r\nT> "},
			{send: "What happened to the dam?\r", expect: "What happened to the dam?\r\n"},
			{expect: "The dam failed after days of rain [1]. Officials ordered an evacuation [2].\r\n\r\nSources:\r\n[1] The Courier"},
			{expect: "\r\n\r\nT> "},
			{send: "/sources\r", expect: "    \"The dam failed on Tuesday after days of heavy rain.\"\r\n"},
			{send: "\x04"},
		},
		wantAsked: []string{"What happened to the dam?"},
		atPrompt:  true,
	},
	{
		name: "Ctrl-C cancels the line being typed",
		steps: []step{
			{expect: "T> "},
			{send: "half a quest\x03", expect: "half a quest^C\r\nT> "},
			{send: "/help\r", expect: "Commands:"},
			{send: "/quit\r"},
		},
		absent: []string{msgCtrlC},
	},
	{
		name: "Ctrl-C on an empty line says how to leave",
		steps: []step{
			{expect: "T> "},
			{send: "\x03", expect: "^C\r\n" + msgCtrlC + "\r\nT> "},
			{send: "\x04"},
		},
		atPrompt: true,
	},
	{
		name: "Ctrl-C cancels the answer in progress",
		steps: []step{
			{expect: "T> "},
			{send: "slow\r", started: true},
			{send: "\x03", expect: msgCancelled + "\r\n\r\nT> "},
			{send: "What happened to the dam?\r", expect: "Sources:"},
			{send: "\x04"},
		},
		wantAsked: []string{"slow", "What happened to the dam?"},
		absent:    []string{chat.Sorry, msgCtrlC},
		atPrompt:  true,
	},
	{
		name: "up arrow recalls the last question",
		steps: []step{
			{expect: "T> "},
			{send: "What happened to the dam?\r", expect: "Sources:"},
			{send: "/help\r", expect: "Commands:"},
			{send: "\x1b[A\x1b[A\r", expect: "Sources:"},
			{send: "/quit\r"},
		},
		wantAsked: []string{"What happened to the dam?", "What happened to the dam?"},
	},
	{
		name: "an error gives the friendly line",
		steps: []step{
			{expect: "T> "},
			{send: "Why is the sky green?\r", expect: chat.Sorry + "\r\n"},
			{send: "\x04"},
		},
		wantAsked: []string{"Why is the sky green?"},
		absent:    []string{"secret-token", "connection refused"},
		atPrompt:  true,
	},
	{
		name: "article control characters are escaped",
		steps: []step{
			{expect: "T> "},
			{send: "evil\r", expect: `Line one [1].\x1b[2J`},
			{send: "/sources\r", expect: `"It rained.\x1b[2J\x1b]0;pwned\x07evil"`},
			{send: "\x04"},
		},
		wantAsked: []string{"evil"},
		absent:    []string{"\x1b[2J", "\x1b]", "\x07", "\u202e", "\x1b[31m"},
		atPrompt:  true,
	},
	{
		name: "a TAB, typed or pasted, is a space",
		steps: []step{
			{expect: "T> "},
			{send: "What happened to\tthe dam?\r", expect: "Sources:"},
			{send: "\x1b[200~What happened\tto the dam?\x1b[201~\r", expect: "Sources:"},
			{send: "\x04"},
		},
		wantAsked: []string{"What happened to the dam?", "What happened to the dam?"},
		atPrompt:  true,
	},
	{
		// The terminal keeps at most 4,096 characters of a line and drops
		// the rest: the cut line is not asked, and the person is told why.
		name: "a line the terminal cuts is refused clearly",
		steps: []step{
			{expect: "T> "},
			{send: strings.Repeat("x", 5000) + "\r", expect: chat.TooLong + "\r\n"},
			{send: "What happened to the dam?\r", expect: "Sources:"},
			{send: "\x04"},
		},
		wantAsked: []string{"What happened to the dam?"},
		absent:    []string{chat.Sorry},
		atPrompt:  true,
	},
	{
		name: "end of input ends the chat",
		steps: []step{
			{expect: "T> "},
			{close: true},
		},
		atPrompt: true,
	},
	{
		name: "cancelling the context ends the chat",
		steps: []step{
			{expect: "T> "},
			{cancel: true},
		},
		wantErr:  context.Canceled,
		atPrompt: true,
	},
	{
		name: "cancelling the context during an answer ends the chat",
		steps: []step{
			{expect: "T> "},
			{send: "slow\r", started: true},
			{cancel: true},
		},
		wantErr:   context.Canceled,
		wantAsked: []string{"slow"},
		absent:    []string{chat.Sorry, msgCancelled},
	},
}

// play runs steps against a session started by start, which returns the
// session's result channel. keys receives what is typed.
func play(t *testing.T, bot *slowBot, keys io.WriteCloser, out *syncBuffer, cancel context.CancelFunc, steps []step) {
	t.Helper()
	sc := &screen{out: out}
	for _, st := range steps {
		if st.send != "" {
			if _, err := io.WriteString(keys, st.send); err != nil {
				t.Fatalf("typing %q: %v", st.send, err)
			}
		}
		if st.started {
			select {
			case <-bot.started:
			case <-time.After(5 * time.Second):
				t.Fatal("the Answerer did not start")
			}
		}
		if st.close {
			keys.Close()
		}
		if st.cancel {
			cancel()
		}
		if st.expect != "" {
			sc.expect(t, st.expect)
		}
	}
}

func checkSession(t *testing.T, err, wantErr error, out string, bot *slowBot, wantAsked, absent []string) {
	t.Helper()
	if !errors.Is(err, wantErr) || (wantErr == nil && err != nil) {
		t.Errorf("chat returned %v, want %v", err, wantErr)
	}
	if asked := bot.questions(); !equal(asked, wantAsked) {
		t.Errorf("asked %q, want %q", asked, wantAsked)
	}
	for _, s := range absent {
		if strings.Contains(out, s) {
			t.Errorf("output has %q:\n%q", s, out)
		}
	}
}

// TestChatTerminal drives the line-editing path in memory: keys go in
// through a pipe as a terminal in raw mode would send them.
func TestChatTerminal(t *testing.T) {
	for _, tt := range terminalCases {
		t.Run(tt.name, func(t *testing.T) {
			bot := newSlowBot()
			keysR, keysW := io.Pipe()
			defer keysW.Close()
			out := &syncBuffer{}
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			cfg := Config{Prompt: "T> ", Banner: "BANNER"}
			s := &session{bot: bot, log: slog.New(slog.DiscardHandler)}
			done := make(chan error, 1)
			go func() { done <- chatTerminal(ctx, cfg, s, keysR, out, nil) }()

			play(t, bot, keysW, out, cancel, tt.steps)
			var err error
			select {
			case err = <-done:
			case <-time.After(5 * time.Second):
				t.Fatalf("the chat did not end; output:\n%q", out.String())
			}
			checkSession(t, err, tt.wantErr, out.String(), bot, tt.wantAsked, tt.absent)
		})
	}
}

func TestTerminalHistoryFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "history")
	session := func(steps []step) *slowBot {
		t.Helper()
		bot := newSlowBot()
		keysR, keysW := io.Pipe()
		defer keysW.Close()
		out := &syncBuffer{}
		cfg := Config{HistoryFile: path}
		s := &session{bot: bot, log: slog.New(slog.DiscardHandler)}
		done := make(chan error, 1)
		go func() { done <- chatTerminal(context.Background(), cfg, s, keysR, out, nil) }()
		play(t, bot, keysW, out, nil, steps)
		if err := <-done; err != nil {
			t.Fatalf("chat: %v", err)
		}
		return bot
	}

	session([]step{
		{expect: "> "},
		{send: "What happened to the dam?\r", expect: "Sources:"},
		{send: "secret half line\x03", expect: "^C"},
		{send: "/help\r", expect: "Commands:"},
		{send: "/help\r", expect: "Commands:"},
		{send: "\x04"},
	})
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := string(data), "What happened to the dam?\n/help\n"; got != want {
		t.Errorf("history file %q, want %q", got, want)
	}
	if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("history file mode: %v %v", fi.Mode(), err)
	}

	// A second session recalls the first one's lines.
	bot := session([]step{
		{expect: "> "},
		{send: "\x1b[A\x1b[A\r", expect: "Sources:"},
		{send: "/quit\r"},
	})
	if asked := bot.questions(); !equal(asked, []string{"What happened to the dam?"}) {
		t.Errorf("second session asked %q", asked)
	}
}

func TestHistoryBounded(t *testing.T) {
	path := filepath.Join(t.TempDir(), "history")
	var b strings.Builder
	for i := range 1500 {
		fmt.Fprintf(&b, "line %d\n", i)
	}
	b.WriteString("\x1b]0;pwned\x07\n\n   \n")
	if err := os.WriteFile(path, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	h := openHistory(path, historyMax, slog.New(slog.DiscardHandler))
	tests := []struct {
		name string
		got  any
		want any
	}{
		{"loaded", h.Len(), historyMax},
		{"most recent", h.At(0), "line 1499"},
		{"oldest kept", h.At(historyMax - 1), "line 500"},
	}
	h.add("new line")
	h.add("new line") // a repeat is not kept twice
	h.add("   ")
	h.close()
	data, _ := os.ReadFile(path)
	lines := strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")
	tests = append(tests, []struct {
		name string
		got  any
		want any
	}{
		{"after add", h.Len(), historyMax},
		{"newest", h.At(0), "new line"},
		{"oldest after add", h.At(historyMax - 1), "line 501"},
		{"file compacted and appended", len(lines), historyMax + 1},
		{"file first line", lines[0], "line 500"},
		{"file last line", lines[len(lines)-1], "new line"},
	}...)
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("%s: got %v, want %v", tt.name, tt.got, tt.want)
		}
	}
}

func TestHistoryFileProblems(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name string
		path string
	}{
		{"no such directory", filepath.Join(dir, "missing", "history")},
		{"a directory", dir},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var logs syncBuffer
			h := openHistory(tt.path, historyMax, slog.New(slog.NewTextHandler(&logs, nil)))
			h.add("still works")
			if h.Len() != 1 || h.At(0) != "still works" {
				t.Errorf("history in memory: %d lines", h.Len())
			}
			h.close()
			if !strings.Contains(logs.String(), "history") {
				t.Errorf("no log of the problem: %q", logs.String())
			}
		})
	}
}

// While the chat has the terminal, a log line goes through it (with the
// line ends raw mode needs, above the prompt), not straight to the
// terminal underneath; before and after, it goes to the LogWriter's W.
func TestLogWriterGoesThroughTheTerminal(t *testing.T) {
	var direct syncBuffer
	logs := &LogWriter{W: &direct}
	log := slog.New(slog.NewTextHandler(logs, nil))
	log.Warn("before the chat")
	bot := newSlowBot()
	keysR, keysW := io.Pipe()
	defer keysW.Close()
	out := &syncBuffer{}
	cfg := Config{Prompt: "T> ", LogWriter: logs}
	s := &session{bot: bot, log: slog.New(slog.DiscardHandler)}
	done := make(chan error, 1)
	go func() { done <- chatTerminal(context.Background(), cfg, s, keysR, out, nil) }()
	sc := &screen{out: out}
	sc.expect(t, "T> ")
	log.Warn("during the chat")
	sc.expect(t, "during the chat\"\r\n")
	io.WriteString(keysW, "\x04")
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	log.Warn("after the chat")
	d := direct.String()
	if !strings.Contains(d, "before the chat") || !strings.Contains(d, "after the chat") || strings.Contains(d, "during the chat") {
		t.Errorf("written directly:\n%s", d)
	}
}
