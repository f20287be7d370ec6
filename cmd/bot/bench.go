package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/newsbot-dev/newsbot/corpus"
	"github.com/newsbot-dev/newsbot/corpus/datadir"
	"github.com/newsbot-dev/newsbot/corpus/eval"
	"github.com/newsbot-dev/newsbot/corpus/index"
	"github.com/newsbot-dev/newsbot/corpus/load"
)

const benchUsage = `Usage: bot [flags] bench [--questions SET_DIR]... [--queries N] PATH...

Measures the bot on the coverage at PATH (for example
../shared/bench/reuters21578.jsonl.gz) and prints its figures:
  ingest   wall time to read, index and save PATH from scratch into an empty
           data directory, beside the time just to read and decode PATH
           (the same run's baseline, as a ratio);
  search   per-question search time, in process, over N questions (the
           questions of the given sets, repeated): median, p90, p99, max;
  restart  wall time of a new process "bot --data DIR ask QUESTION" that
           reuses the saved index, to its printed answer;
  memory   peak resident memory of this process and of the restarted one.
The data directory is a temporary one unless --data is given.
`

func (e *environ) bench(ctx context.Context, args []string) error {
	fs := e.flags("bench", benchUsage, groupCommon)
	var sets pathList
	fs.Var(&sets, "questions", "a `SET_DIR` whose questions.jsonl supplies the questions (repeatable)")
	queries := fs.Int("queries", 1000, "how many searches to time")
	if done, err := e.parse(fs, args); done {
		return err
	}
	if fs.NArg() == 0 {
		return errors.New("bench needs the coverage to measure, e.g. ../shared/bench/reuters21578.jsonl.gz")
	}
	if len(sets.paths) == 0 {
		return errors.New("bench needs --questions SET_DIR (e.g. ../shared/eval/trecqa-dev)")
	}
	var questions []string
	for _, dir := range sets.paths {
		qs, err := eval.LoadQuestions(filepath.Join(dir, "questions.jsonl"))
		if err != nil {
			return fmt.Errorf("bench: %w", err)
		}
		for _, q := range qs {
			questions = append(questions, q.Question)
		}
	}
	if len(questions) == 0 {
		return errors.New("bench: no questions")
	}
	data := e.set.str("NEWSBOT_DATA")
	if !e.set.given("NEWSBOT_DATA") {
		tmp, err := os.MkdirTemp("", "newsbot-bench-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(tmp)
		data = tmp
	}
	dir := datadir.IngestedDir(data)
	if _, err := os.Stat(filepath.Join(dir, index.IndexFile)); err == nil {
		return fmt.Errorf("bench: %s already holds an index; give an empty --data", data)
	}
	out := e.stdout

	// Baseline: reading and decoding the files, no indexing.
	t0 := time.Now()
	var l load.Loader
	n := 0
	for _, r := range l.Load(fs.Args()...) {
		n += len(r.Articles)
	}
	readTime := time.Since(t0)

	// Ingest from scratch, as `bot ingest` does it.
	t0 = time.Now()
	var arts []corpus.Article
	for _, r := range l.Load(fs.Args()...) {
		arts = append(arts, r.Articles...)
	}
	ix, _ := (*index.Index)(nil).Add(arts)
	if err := ix.Save(dir); err != nil {
		return err
	}
	ingest := time.Since(t0)
	arts = nil
	st, _ := os.Stat(filepath.Join(dir, index.IndexFile))
	fmt.Fprintf(out, "corpus   %d articles, %d sentences; index file %.1f MiB\n", ix.Len(), ix.Sentences(), float64(st.Size())/(1<<20))
	fmt.Fprintf(out, "ingest   %s from scratch (read+decode alone: %s; ratio %.1fx)\n", ingest.Round(time.Millisecond), readTime.Round(time.Millisecond), float64(ingest)/float64(readTime))
	if err := ctx.Err(); err != nil {
		return err
	}

	// Search, in process, on the index as a restart loads it.
	t0 = time.Now()
	ix, err := index.Open(dir)
	if err != nil {
		return err
	}
	load := time.Since(t0)
	for _, q := range questions[:min(len(questions), 50)] { // warm-up
		ix.Search(q, 10)
	}
	lat := make([]time.Duration, 0, *queries)
	for i := 0; i < *queries; i++ {
		q := questions[i%len(questions)]
		t := time.Now()
		ix.Search(q, 10)
		lat = append(lat, time.Since(t))
	}
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	pct := func(p int) string { return fmtDur(lat[min(len(lat)-1, len(lat)*p/100)]) }
	fmt.Fprintf(out, "search   %d questions: median %s, p90 %s, p99 %s, max %s (index load in process: %s)\n",
		len(lat), pct(50), pct(90), pct(99), fmtDur(lat[len(lat)-1]), load.Round(time.Millisecond))

	// Restart: a new process answers from the saved index.
	self, err := os.Executable()
	if err != nil {
		return err
	}
	// The child is "bot ask" plus a report of its own peak memory: the
	// kernel's rusage of a child started by vfork would include ours.
	cmd := exec.CommandContext(ctx, self, "--data", data, restartCommand, questions[0])
	cmd.Env = append(os.Environ(), "NEWSBOT_CORPUS=")
	t0 = time.Now()
	answer, err := cmd.Output()
	restart := time.Since(t0)
	if err != nil {
		return fmt.Errorf("bench: restarted process: %w", err)
	}
	childPeak := "unknown"
	if i := strings.LastIndex(string(answer), peakPrefix); i >= 0 {
		childPeak = strings.TrimSpace(string(answer[i+len(peakPrefix):]))
	}
	fmt.Fprintf(out, "restart  first answer from a new process in %s (%d bytes of answer)\n", restart.Round(time.Millisecond), len(answer))
	fmt.Fprintf(out, "memory   peak RSS %s (this process: ingest and search), %s (restarted process)\n", peakRSS(), childPeak)
	return nil
}

// restartCommand is the hidden command bench runs in a new process: "ask",
// then the process's own peak memory.
const (
	restartCommand = "bench-ask"
	peakPrefix     = "peak RSS: "
)

func (e *environ) benchAsk(ctx context.Context, args []string) error {
	if err := e.ask(ctx, args); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "%s%s\n", peakPrefix, peakRSS())
	return nil
}

// peakRSS reads this process's peak resident memory (VmHWM) from /proc.
func peakRSS() string {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return "unknown"
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			var kib float64
			fmt.Sscan(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), &kib)
			return fmt.Sprintf("%.0f MiB", kib/1024)
		}
	}
	return "unknown"
}
