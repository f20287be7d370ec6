//go:build linux

package repl

import (
	"context"
	"fmt"
	"io"
	"os"
	"syscall"
	"testing"
	"time"

	"github.com/newsbot-dev/newsbot"
	"github.com/newsbot-dev/newsbot/adapters/chat"
	"golang.org/x/sys/unix"
)

// openPTY opens a pseudo-terminal pair: the test types into and reads from
// master, and the chat gets the terminal end.
func openPTY(t *testing.T) (master, tty *os.File) {
	t.Helper()
	master, err := os.OpenFile("/dev/ptmx", os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		t.Skipf("no pseudo-terminals here: %v", err)
	}
	var n uint32
	rc, err := master.SyscallConn()
	if err != nil {
		t.Fatal(err)
	}
	var ioErr error
	err = rc.Control(func(fd uintptr) {
		if ioErr = unix.IoctlSetPointerInt(int(fd), unix.TIOCSPTLCK, 0); ioErr != nil {
			return
		}
		n, ioErr = unix.IoctlGetUint32(int(fd), unix.TIOCGPTN)
	})
	if err != nil || ioErr != nil {
		master.Close()
		t.Skipf("unlocking the pseudo-terminal: %v %v", err, ioErr)
	}
	tty, err = os.OpenFile(fmt.Sprintf("/dev/pts/%d", n), os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		master.Close()
		t.Skipf("opening the pseudo-terminal: %v", err)
	}
	// Close master first: that ends any read still blocked on tty.
	t.Cleanup(func() {
		master.Close()
		tty.Close()
	})
	return master, tty
}

func termios(t *testing.T, f *os.File) *unix.Termios {
	t.Helper()
	tio, err := unix.IoctlGetTermios(int(f.Fd()), unix.TCGETS)
	if err != nil {
		t.Fatal(err)
	}
	return tio
}

func sameMode(a, b *unix.Termios) bool {
	return a.Iflag == b.Iflag && a.Oflag == b.Oflag && a.Lflag == b.Lflag && a.Cflag == b.Cflag
}

// TestRunOnPTY runs the terminal cases through Run over a real
// pseudo-terminal: Run must pick the terminal, put it in raw mode and
// restore it however the chat ends.
func TestRunOnPTY(t *testing.T) {
	for _, tt := range terminalCases {
		t.Run(tt.name, func(t *testing.T) {
			master, tty := openPTY(t)
			before := termios(t, tty)
			if before.Lflag&unix.ICANON == 0 {
				t.Fatal("the new pseudo-terminal is not in canonical mode")
			}
			if _, _, ok := terminalFiles(tty, tty); !ok {
				t.Fatal("terminalFiles did not choose the terminal")
			}
			out := &syncBuffer{}
			go io.Copy(out, master)

			bot := newSlowBot()
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			cfg := Config{In: tty, Out: tty, Prompt: "T> ", Banner: "BANNER"}
			done := make(chan error, 1)
			go func() { done <- Run(ctx, cfg, bot) }()

			// The prompt comes after raw mode is set, so typing is safe.
			(&screen{out: out}).expect(t, "T> ")
			if termios(t, tty).Lflag&unix.ICANON != 0 {
				t.Error("the terminal is not in raw mode during the chat")
			}
			play(t, bot, closeAsEOF{master}, out, cancel, tt.steps)
			var err error
			select {
			case err = <-done:
			case <-time.After(5 * time.Second):
				t.Fatalf("Run did not end; output:\n%q", out.String())
			}
			checkSession(t, err, tt.wantErr, out.String(), bot, tt.wantAsked, tt.absent)
			if !sameMode(before, termios(t, tty)) {
				t.Error("the terminal mode was not restored")
			}
			if tt.atPrompt {
				// Ended at a prompt: the cursor is left on a fresh line.
				(&screen{out: out}).expect(t, "T> \r\n")
			}
		})
	}
}

// closeAsEOF types Ctrl-D for "end of input": closing a terminal's master
// would hang up rather than end the input.
type closeAsEOF struct{ io.Writer }

func (c closeAsEOF) Close() error {
	_, err := io.WriteString(c.Writer, "\x04")
	return err
}

// A panic inside answering is the sorry sentence; the chat goes on, and
// the terminal is restored at its end.
func TestRunOnPTYSurvivesAPanic(t *testing.T) {
	master, tty := openPTY(t)
	before := termios(t, tty)
	out := &syncBuffer{}
	go io.Copy(out, master)
	bot := answerFunc(func(_ context.Context, q string) (newsbot.Answer, error) {
		if q == "boom" {
			panic("answerer bug")
		}
		return newsbot.Answer{Question: q, Text: "Fine, thanks."}, nil
	})
	done := make(chan error, 1)
	go func() { done <- Run(context.Background(), Config{In: tty, Out: tty}, bot) }()
	sc := &screen{out: out}
	sc.expect(t, "> ")
	io.WriteString(master, "boom\r")
	sc.expect(t, chat.Sorry+"\r\n")
	sc.expect(t, "> ")
	io.WriteString(master, "how are you?\r")
	sc.expect(t, "Fine, thanks.")
	sc.expect(t, "> ")
	io.WriteString(master, "\x04")
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("Run = %v after a panic inside answering", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Run did not end")
	}
	if !sameMode(before, termios(t, tty)) {
		t.Error("the terminal mode was not restored")
	}
}
