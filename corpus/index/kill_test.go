package index

import (
	"bufio"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/newsbot-dev/newsbot/corpus"
	"github.com/newsbot-dev/newsbot/corpus/load"
)

const killHelperEnv = "INDEX_KILL_HELPER_DIR"

// killBatch is how many articles each commit of the helper adds.
const killBatch = 1500

// TestKillHelper is not a test: run by TestKilledWriterLeavesLastCommit in
// a process of its own, it ingests Reuters-21578 into the directory named
// by the environment, batch after batch, with a small budget and merge
// factor so that it writes segments and merges them all the time, and
// prints a line as each batch commits and as each merge starts.
func TestKillHelper(t *testing.T) {
	dir := os.Getenv(killHelperEnv)
	if dir == "" {
		t.Skip("a helper process")
	}
	var l load.Loader
	var src []corpus.Article
	for _, r := range l.Load(reutersPath) {
		src = append(src, r.Articles...)
	}
	ix, err := OpenWriter(dir)
	if err != nil {
		fmt.Println("error", err)
		os.Exit(1)
	}
	ix.Budget = 2 << 20
	ix.Policy = Policy{Factor: 3, Floor: 3000}
	ix.Merging = func(n int, _ uint64) { fmt.Println("merge", n) }
	for {
		start := ix.Len()
		arts := make([]corpus.Article, killBatch)
		for i := range arts {
			a := src[(start+i)%len(src)]
			a.ID = "k" + strconv.Itoa(start+i)
			arts[i] = a
		}
		fmt.Println("ingest")
		if _, err := ix.Add(context.Background(), arts); err != nil {
			fmt.Println("error", err)
			os.Exit(1)
		}
		fmt.Println("committed", ix.Len())
	}
}

// Killing a writer at any moment, while it writes segments or merges
// them, leaves the last committed index answering; the next writer removes
// what the killed one left.
func TestKilledWriterLeavesLastCommit(t *testing.T) {
	if _, err := os.Stat(reutersPath); err != nil {
		t.Skipf("benchmark corpus not found: %v", err)
	}
	if testing.Short() {
		t.Skip("runs twenty ingests")
	}
	dir := t.TempDir()
	rng := rand.New(rand.NewPCG(13, 13))
	during := map[string]int{}
	committed := 0 // the last state known committed
	for round := range 20 {
		cmd := exec.Command(os.Args[0], "-test.run=^TestKillHelper$", "-test.count=1")
		cmd.Env = append(os.Environ(), killHelperEnv+"="+dir)
		out, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		lines := make(chan string, 1024)
		go func() {
			sc := bufio.NewScanner(out)
			for sc.Scan() {
				lines <- sc.Text()
			}
			close(lines)
		}()
		// Wait for the helper to start working, then kill it at a random
		// moment of the next couple of seconds.
		first := <-lines
		if strings.HasPrefix(first, "error") {
			t.Fatalf("round %d: helper: %s", round, first)
		}
		time.Sleep(time.Duration(rng.IntN(2500)) * time.Millisecond)
		cmd.Process.Signal(syscall.SIGKILL)
		cmd.Wait()
		last := first
		for l := range lines {
			last = l
			if n, ok := strings.CutPrefix(l, "committed "); ok {
				committed, _ = strconv.Atoi(n)
			}
		}
		phase := strings.Fields(last)[0]
		during[phase]++

		// The index opens and answers, and holds a committed state: the
		// last one the helper printed, or the one after if it was killed
		// between its commit and its line.
		ix, err := OpenDisk(dir)
		if err != nil {
			if committed == 0 && strings.Contains(err.Error(), "no index") {
				continue // killed before its first commit
			}
			t.Fatalf("round %d (killed during %s): %v", round, phase, err)
		}
		n := ix.Len()
		if n%killBatch != 0 || n < committed || n > committed+killBatch {
			t.Errorf("round %d (killed during %s): %d articles; the helper last committed %d", round, phase, n, committed)
		}
		committed = n
		if n > 0 {
			if ev, err := ix.Retrieve(context.Background(), "What did the cocoa review say about arrivals?", 5); err != nil || len(ev) == 0 {
				t.Errorf("round %d: retrieve: %v, %d sentences", round, err, len(ev))
			}
		}
		ix.Close()

		// The next writer removes what the killed one left.
		w, err := OpenWriter(dir)
		if err != nil {
			t.Fatal(err)
		}
		names := map[string]bool{}
		for _, e := range w.man.segs {
			names[e.name] = true
		}
		w.Close()
		entries, _ := os.ReadDir(dir)
		for _, e := range entries {
			name := e.Name()
			if strings.Contains(name, ".tmp") || (strings.HasPrefix(name, segPrefix) && !names[name]) {
				t.Errorf("round %d: %s left behind after the next writer opened", round, filepath.Join(dir, name))
			}
		}
	}
	t.Logf("killed during: %v", during)
}
