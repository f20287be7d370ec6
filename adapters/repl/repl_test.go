package repl

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
	"testing"
	"time"

	"github.com/newsbot-dev/newsbot"
	"github.com/newsbot-dev/newsbot/adapters/chat"
)

// fakeBot answers from a table and records the questions it was asked.
type fakeBot struct {
	mu      sync.Mutex
	answers map[string]newsbot.Answer
	asked   []string
}

// errSecret is what the fake returns for an unknown question; its text must
// never reach the person.
var errSecret = errors.New("dial tcp 10.0.0.7:443: connection refused (secret-token-123)")

func (b *fakeBot) Answer(ctx context.Context, q string) (newsbot.Answer, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.asked = append(b.asked, q)
	a, ok := b.answers[q]
	if !ok {
		return newsbot.Answer{}, errSecret
	}
	return a, nil
}

func (b *fakeBot) Ask(ctx context.Context, req newsbot.Request, _ newsbot.Stream) (newsbot.Answer, error) {
	return b.Answer(ctx, req.Question)
}

func (b *fakeBot) questions() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]string(nil), b.asked...)
}

func newFakeBot() *fakeBot {
	return &fakeBot{answers: map[string]newsbot.Answer{
		"What happened to the dam?": damAnswer,
		"Who won the election?":     {Question: "Who won the election?", Text: "The coverage I have does not say who won.", NoAnswer: true},
		"evil":                      evilAnswer,
	}}
}

// answerFunc adapts a function to Answerer.
type answerFunc func(context.Context, string) (newsbot.Answer, error)

func (f answerFunc) Ask(ctx context.Context, req newsbot.Request, _ newsbot.Stream) (newsbot.Answer, error) {
	return f(ctx, req.Question)
}

const helpReply = msgHelp + "\n\n"

func TestRunPiped(t *testing.T) {
	tests := []struct {
		name      string
		in        string
		want      string   // the whole output, if set
		contains  []string // substrings, in order
		absent    []string
		wantAsked []string
		wantLog   string // a substring of the log
	}{
		{
			name:      "question gets the formatted answer with sources",
			in:        "What happened to the dam?\n",
			want:      damFormatted + "\n",
			wantAsked: []string{"What happened to the dam?"},
		},
		{
			name:      "sources after an answer shows the full sentences",
			in:        "What happened to the dam?\n/sources\n",
			want:      damFormatted + "\n" + damSources + "\n",
			wantAsked: []string{"What happened to the dam?"},
		},
		{
			name: "sources before any answer",
			in:   "/sources\n",
			want: msgNoAnswerYet + "\n\n",
		},
		{
			name:      "sources of a no answer",
			in:        "Who won the election?\n/sources\n",
			want:      "The coverage I have does not say who won.\n\nThat answer cites no sources.\n\n",
			wantAsked: []string{"Who won the election?"},
		},
		{
			name: "help",
			in:   "/help\n",
			want: helpReply,
		},
		{
			name:      "commands are case-insensitive and trimmed",
			in:        "  /HELP  \n/Quit\nWhat happened to the dam?\n",
			want:      helpReply,
			wantAsked: nil,
		},
		{
			name:      "quit stops before later lines",
			in:        "What happened to the dam?\n/quit\nWho won the election?\n/help\n",
			want:      damFormatted + "\n",
			wantAsked: []string{"What happened to the dam?"},
		},
		{
			name:   "exit stops too",
			in:     "/exit\n/help\n",
			want:   "",
			absent: []string{"Commands"},
		},
		{
			name:      "end of input ends, last line without a line break counts",
			in:        "/help\nWhat happened to the dam?",
			want:      helpReply + damFormatted + "\n",
			wantAsked: []string{"What happened to the dam?"},
		},
		{
			name: "empty input",
			in:   "",
			want: "",
		},
		{
			name: "empty and blank lines are ignored",
			in:   "\n   \n\t\n\r\n",
			want: "",
		},
		{
			name:      "CRLF line endings",
			in:        "What happened to the dam?\r\n/sources\r\n",
			want:      damFormatted + "\n" + damSources + "\n",
			wantAsked: []string{"What happened to the dam?"},
		},
		{
			name: "unknown command gets a hint",
			in:   "/frobnicate now\n",
			want: "Unknown command /frobnicate: type /help for the commands.\n\n",
		},
		{
			name:     "unknown command is sanitised and shortened",
			in:       "/\x1b[2J" + strings.Repeat("x", 100) + "\n",
			contains: []string{`Unknown command /\x1b[2Jxxx`, "…: type /help"},
		},
		{
			name:      "an error gives the friendly line and nothing of the error",
			in:        "Why is the sky green?\n/sources\nWhat happened to the dam?\n",
			want:      chat.Sorry + "\n\n" + msgNoAnswerYet + "\n\n" + damFormatted + "\n",
			absent:    []string{"connection refused", "secret-token", "dial tcp"},
			wantAsked: []string{"Why is the sky green?", "What happened to the dam?"},
			wantLog:   "secret-token-123",
		},
		{
			name:      "article control characters never reach the output raw",
			in:        "evil\n/sources\n",
			contains:  []string{"Sources:", "Sources for", `"It rained.\x1b[2J\x1b]0;pwned\x07evil"`},
			absent:    []string{"\x1b", "\x07", "\u202e", "\u2066", "\r"},
			wantAsked: []string{"evil"},
		},
		{
			name:      "an over-long line is reported and skipped",
			in:        strings.Repeat("a", 70<<10) + "\nWhat happened to the dam?\n",
			want:      msgTooLong + "\n\n" + damFormatted + "\n",
			wantAsked: []string{"What happened to the dam?"},
			wantLog:   "too long",
		},
		{
			name: "an over-long last line",
			in:   strings.Repeat("a", 70<<10),
			want: msgTooLong + "\n\n",
		},
		{
			// Not the sorry sentence: the sentence that says why, as bot
			// ask does.
			name:      "a line over the question limit gets the clear refusal and is not asked",
			in:        strings.Repeat("b", maxLine-1) + "\nWhat happened to the dam?\n",
			want:      chat.TooLong + "\n\n" + damFormatted + "\n",
			wantAsked: []string{"What happened to the dam?"},
		},
		{
			name:      "a question at the limit is asked",
			in:        strings.Repeat("b", newsbot.MaxQuestionBytes) + "\n",
			want:      chat.Sorry + "\n\n",
			wantAsked: []string{strings.Repeat("b", newsbot.MaxQuestionBytes)},
		},
		{
			name: "/new says that it starts over",
			in:   "/new\n",
			want: msgNew + "\n\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			bot := newFakeBot()
			var out, logs bytes.Buffer
			cfg := Config{
				In:     strings.NewReader(tt.in),
				Out:    &out,
				Log:    slog.New(slog.NewTextHandler(&logs, nil)),
				Prompt: "PROMPT> ",
				Banner: "BANNER",
			}
			if err := Run(context.Background(), cfg, bot); err != nil {
				t.Fatalf("Run: %v", err)
			}
			got := out.String()
			if strings.Contains(got, "PROMPT") || strings.Contains(got, "BANNER") {
				t.Errorf("piped output has the prompt or banner:\n%s", got)
			}
			if tt.want != "" || (tt.contains == nil && tt.want == "") {
				if got != tt.want {
					t.Errorf("output:\ngot:\n%q\nwant:\n%q", got, tt.want)
				}
			}
			rest := got
			for _, s := range tt.contains {
				i := strings.Index(rest, s)
				if i < 0 {
					t.Errorf("output lacks %q (in order):\n%s", s, got)
					break
				}
				rest = rest[i+len(s):]
			}
			for _, s := range tt.absent {
				if strings.Contains(got, s) {
					t.Errorf("output has %q:\n%q", s, got)
				}
			}
			if asked := bot.questions(); !equal(asked, tt.wantAsked) {
				t.Errorf("asked %q, want %q", asked, tt.wantAsked)
			}
			if tt.wantLog != "" && !strings.Contains(logs.String(), tt.wantLog) {
				t.Errorf("log lacks %q:\n%s", tt.wantLog, logs.String())
			}
		})
	}
}

func equal(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestRunConfig(t *testing.T) {
	bot := newFakeBot()
	tests := []struct {
		name string
		cfg  Config
		bot  Answerer
	}{
		{"no In", Config{Out: io.Discard}, bot},
		{"no Out", Config{In: strings.NewReader("")}, bot},
		{"no Answerer", Config{In: strings.NewReader(""), Out: io.Discard}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := Run(context.Background(), tt.cfg, tt.bot); err == nil {
				t.Error("Run: no error")
			}
		})
	}
}

func TestRunNilLogIsFine(t *testing.T) {
	var out bytes.Buffer
	cfg := Config{In: strings.NewReader("unknown question\n"), Out: &out}
	if err := Run(context.Background(), cfg, newFakeBot()); err != nil {
		t.Fatal(err)
	}
	if out.String() != chat.Sorry+"\n\n" {
		t.Errorf("output %q", out.String())
	}
}

func TestRunWriteError(t *testing.T) {
	cfg := Config{In: strings.NewReader("/help\n/help\n"), Out: failWriter{}}
	if err := Run(context.Background(), cfg, newFakeBot()); !errors.Is(err, errDiskFull) {
		t.Errorf("Run = %v, want %v", err, errDiskFull)
	}
}

type failReader struct{}

var errBadDisk = errors.New("input/output error")

func (failReader) Read([]byte) (int, error) { return 0, errBadDisk }

func TestRunReadError(t *testing.T) {
	cfg := Config{In: failReader{}, Out: io.Discard}
	if err := Run(context.Background(), cfg, newFakeBot()); !errors.Is(err, errBadDisk) {
		t.Errorf("Run = %v, want %v", err, errBadDisk)
	}
}

func TestRunPipedContext(t *testing.T) {
	t.Run("cancel while waiting for input", func(t *testing.T) {
		r, w := io.Pipe()
		defer w.Close()
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() { done <- Run(ctx, Config{In: r, Out: io.Discard}, newFakeBot()) }()
		time.Sleep(10 * time.Millisecond)
		cancel()
		select {
		case err := <-done:
			if !errors.Is(err, context.Canceled) {
				t.Errorf("Run = %v, want context.Canceled", err)
			}
		case <-time.After(5 * time.Second):
			t.Fatal("Run did not return after cancel")
		}
	})
	t.Run("cancel during an answer", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		started := make(chan struct{})
		bot := answerFunc(func(ctx context.Context, q string) (newsbot.Answer, error) {
			close(started)
			<-ctx.Done()
			return newsbot.Answer{}, ctx.Err()
		})
		var out bytes.Buffer
		done := make(chan error, 1)
		go func() { done <- Run(ctx, Config{In: strings.NewReader("slow question\n"), Out: &out}, bot) }()
		<-started
		cancel()
		if err := <-done; !errors.Is(err, context.Canceled) {
			t.Errorf("Run = %v, want context.Canceled", err)
		}
		if out.Len() != 0 {
			t.Errorf("output %q, want none", out.String())
		}
	})
}

func TestTerminalFilesPicksPipe(t *testing.T) {
	f, err := os.Create(filepath.Join(t.TempDir(), "file"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var nilFile *os.File
	tests := []struct {
		name string
		in   io.Reader
		out  io.Writer
	}{
		{"strings.Reader and bytes.Buffer", strings.NewReader(""), &bytes.Buffer{}},
		{"regular files", f, f},
		{"file in, buffer out", f, &bytes.Buffer{}},
		{"nil *os.File", nilFile, nilFile},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, _, ok := terminalFiles(tt.in, tt.out); ok {
				t.Error("terminalFiles chose the terminal")
			}
		})
	}
}
