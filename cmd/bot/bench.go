package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/pprof"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/newsbot-dev/newsbot/corpus"
	"github.com/newsbot-dev/newsbot/corpus/datadir"
	"github.com/newsbot-dev/newsbot/corpus/eval"
	"github.com/newsbot-dev/newsbot/corpus/index"
	"github.com/newsbot-dev/newsbot/corpus/load"
	"github.com/newsbot-dev/newsbot/corpus/replica"
)

const benchUsage = `Usage: bot [flags] bench --questions SET_DIR... [--sentences N,...] [--adds N] [--scratch DIR] PATH

Measures the index on the coverage at PATH (for example
../shared/bench/reuters21578.jsonl.gz), or, with --sentences, on corpora of
that many sentences made from it (see corpus/replica: new ids, shuffled
paragraphs, words swapped and suffixed so that the vocabulary grows; the
same sizes give the same corpora). For each size it prints one row:

  sentences   in the index
  read        wall time to just read and decode the files, in a new process
              (the same run's baseline)
  ingest      wall time and peak resident memory of "bot ingest" into an
              empty data directory, in a new process
  index       bytes of the index's files
  restart     wall time of a new process "bot --data DIR ask QUESTION" to its
              printed answer
  search      per-question search time over --queries questions (those of
              the sets, repeated) in a new process that opened the index as
              "bot serve" does: median / p99, and that process's peak memory

With --adds N it then ingests N single-article files one after another,
each with "bot ingest" in a new process, and prints the median and total
wall time, the bytes each wrote (the kernel's count), and the time to add
one more article in process (open, add, commit, merges).

Each size is measured in a new process, one at a time; corpora and data
directories go under --scratch (default: a temporary directory, removed
after).
`

func (e *environ) bench(ctx context.Context, args []string) error {
	fs := e.flags("bench", benchUsage, groupCommon)
	var sets pathList
	fs.Var(&sets, "questions", "a `SET_DIR` whose questions.jsonl supplies the questions (repeatable)")
	queries := fs.Int("queries", 1000, "how many searches to time")
	sizes := fs.String("sentences", "", "comma-separated corpus `SIZES` in sentences (1e6 and 10M are understood), made from PATH")
	adds := fs.Int("adds", 0, "after each size, ingest `N` single-article files one by one")
	scratch := fs.String("scratch", "", "the `DIR` for corpora and data directories (kept); default a temporary one, removed")
	if done, err := e.parse(fs, args); done {
		return err
	}
	if fs.NArg() != 1 {
		return errors.New("bench needs the coverage to measure, e.g. ../shared/bench/reuters21578.jsonl.gz")
	}
	if len(sets.paths) == 0 {
		return errors.New("bench needs --questions SET_DIR (e.g. ../shared/eval/trecqa-dev)")
	}
	var question string
	for _, dir := range sets.paths {
		qs, err := eval.LoadQuestions(filepath.Join(dir, "questions.jsonl"))
		if err != nil {
			return fmt.Errorf("bench: %w", err)
		}
		if len(qs) > 0 && question == "" {
			question = qs[0].Question
		}
	}
	if question == "" {
		return errors.New("bench: no questions")
	}
	var want []int
	if *sizes != "" {
		for _, f := range strings.Split(*sizes, ",") {
			n, err := parseCount(f)
			if err != nil {
				return fmt.Errorf("bench: --sentences: %w", err)
			}
			want = append(want, n)
		}
	}
	dir := *scratch
	if dir == "" {
		tmp, err := os.MkdirTemp("", "newsbot-bench-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(tmp)
		dir = tmp
	}
	self, err := os.Executable()
	if err != nil {
		return err
	}
	b := &bencher{ctx: ctx, self: self, question: question, sets: sets.paths, queries: *queries}
	out := e.stdout
	fmt.Fprintln(out, "| sentences | read alone | ingest wall / peak RSS | index files | restart to first answer | search p50 / p99 (serving peak RSS) |")
	fmt.Fprintln(out, "|---|---|---|---|---|---|")
	var src []corpus.Article
	if len(want) > 0 {
		var l load.Loader
		for _, r := range l.Load(fs.Arg(0)) {
			src = append(src, r.Articles...)
		}
	}
	if len(want) == 0 {
		want = []int{0}
	}
	for _, n := range want {
		corpusPath := fs.Arg(0)
		if n > 0 {
			corpusPath = filepath.Join(dir, fmt.Sprintf("corpus-%d", n))
			if err := os.RemoveAll(corpusPath); err != nil {
				return err
			}
			if _, err := replica.Write(corpusPath, src, n, replica.Options{}); err != nil {
				return fmt.Errorf("bench: make the corpus: %w", err)
			}
		}
		data := filepath.Join(dir, fmt.Sprintf("data-%d", n))
		if err := os.RemoveAll(data); err != nil {
			return err
		}
		row, err := b.measure(corpusPath, data)
		if err != nil {
			return err
		}
		fmt.Fprintln(out, row)
		if *adds > 0 {
			line, err := b.adds(src, data, filepath.Join(dir, fmt.Sprintf("adds-%d", n)), *adds)
			if err != nil {
				return err
			}
			fmt.Fprintln(out, line)
		}
		if *scratch == "" {
			os.RemoveAll(data)
			if n > 0 {
				os.RemoveAll(corpusPath)
			}
		}
		if err := ctx.Err(); err != nil {
			return err
		}
	}
	return nil
}

// parseCount reads 128000, 1e6, 1.5M or 10m.
func parseCount(s string) (int, error) {
	s = strings.TrimSpace(strings.ToLower(s))
	mult := 1.0
	switch {
	case strings.HasSuffix(s, "k"):
		mult, s = 1e3, s[:len(s)-1]
	case strings.HasSuffix(s, "m"):
		mult, s = 1e6, s[:len(s)-1]
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || f*mult < 1 {
		return 0, fmt.Errorf("%q is not a number of sentences", s)
	}
	return int(f * mult), nil
}

type bencher struct {
	ctx      context.Context
	self     string
	question string
	sets     []string
	queries  int
}

// child runs the bot in a new process and returns its output, wall time
// and resource use.
func (b *bencher) child(args ...string) ([]byte, time.Duration, *syscall.Rusage, error) {
	cmd := exec.CommandContext(b.ctx, b.self, args...)
	cmd.Env = append(os.Environ(), "NEWSBOT_CORPUS=")
	var stderr strings.Builder
	cmd.Stderr = &stderr
	t0 := time.Now()
	out, err := cmd.Output()
	wall := time.Since(t0)
	if err != nil {
		return out, wall, nil, fmt.Errorf("bench: %s: %w: %s", strings.Join(args, " "), err, stderr.String())
	}
	ru, _ := cmd.ProcessState.SysUsage().(*syscall.Rusage)
	return out, wall, ru, nil
}

// measure fills one row of the table: the coverage at path ingested into
// the new data directory data.
func (b *bencher) measure(path, data string) (string, error) {
	_, read, _, err := b.child(benchReadCommand, path)
	if err != nil {
		return "", err
	}
	_, ingest, ru, err := b.child("--data", data, "ingest", path)
	if err != nil {
		return "", err
	}
	size, err := dirSize(datadir.IngestedDir(data))
	if err != nil {
		return "", err
	}
	_, restart, _, err := b.child("--data", data, restartCommand, b.question)
	if err != nil {
		return "", err
	}
	args := []string{"--data", data, benchSearchCommand, "--queries", strconv.Itoa(b.queries)}
	for _, s := range b.sets {
		args = append(args, "--questions", s)
	}
	out, _, _, err := b.child(args...)
	if err != nil {
		return "", err
	}
	var sr searchReport
	if err := json.Unmarshal(lastLine(out), &sr); err != nil {
		return "", fmt.Errorf("bench: search report: %w", err)
	}
	return fmt.Sprintf("| %s | %s | %s / %s | %s | %s | %.3f / %.3f ms (%s) |",
		count(sr.Sentences), seconds(read), seconds(ingest), kib(ru.Maxrss), bytesOf(size), seconds(restart),
		sr.P50, sr.P99, kib(sr.PeakKiB)), nil
}

// adds ingests n single-article files into data one after another, then
// adds one more article in process.
func (b *bencher) adds(src []corpus.Article, data, dir string, n int) (string, error) {
	if len(src) == 0 {
		var l load.Loader
		for _, r := range l.Load(b.sets[0] + "/articles.jsonl.gz") {
			src = append(src, r.Articles...)
		}
	}
	// New articles: a copy of the source the corpora never reach (their
	// ids end in -c and the copy number; these in -add).
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	var walls []time.Duration
	var total time.Duration
	var written int64
	for i := range n + 1 {
		a := src[(i*7919)%len(src)]
		rec, _ := json.Marshal(map[string]string{"id": fmt.Sprintf("%s-add%d", a.ID, i), "title": a.Title, "source": a.Outlet, "body": a.Body})
		name := filepath.Join(dir, fmt.Sprintf("add-%d.jsonl", i))
		if err := os.WriteFile(name, append(rec, '\n'), 0o644); err != nil {
			return "", err
		}
		if i == n {
			out, _, _, err := b.child("--data", data, benchAddCommand, name)
			if err != nil {
				return "", err
			}
			var ar addReport
			if err := json.Unmarshal(lastLine(out), &ar); err != nil {
				return "", fmt.Errorf("bench: add report: %w", err)
			}
			// The same number of new articles in one ingest, for the ratio.
			batchDir := filepath.Join(dir, "batch")
			if err := os.MkdirAll(batchDir, 0o755); err != nil {
				return "", err
			}
			for j := range n {
				a := src[(j*7919+13)%len(src)]
				rec, _ := json.Marshal(map[string]string{"id": fmt.Sprintf("%s-batch%d", a.ID, j), "title": a.Title, "source": a.Outlet, "body": a.Body})
				if err := os.WriteFile(filepath.Join(batchDir, fmt.Sprintf("b-%d.jsonl", j)), append(rec, '\n'), 0o644); err != nil {
					return "", err
				}
			}
			_, batch, _, err := b.child("--data", data, "ingest", batchDir)
			if err != nil {
				return "", err
			}
			sort.Slice(walls, func(i, j int) bool { return walls[i] < walls[j] })
			return fmt.Sprintf("|  | %d single-article ingests in a row: median %s each, %s in all (%.1f× one, %.1f× one ingest of %d such articles together, %s); each wrote %s on average, merges included; one article added in process: %.1f ms (merges %.1f ms) |",
				n, seconds(walls[len(walls)/2]), seconds(total), float64(total)/float64(walls[len(walls)/2]),
				float64(total)/float64(batch), n, seconds(batch), bytesOf(written/int64(n)), ar.AddMS, ar.MergeMS), nil
		}
		_, wall, ru, err := b.child("--data", data, "ingest", name)
		if err != nil {
			return "", err
		}
		walls = append(walls, wall)
		total += wall
		written += ru.Oublock * 512
	}
	return "", nil
}

func lastLine(b []byte) []byte {
	s := strings.TrimSpace(string(b))
	if i := strings.LastIndexByte(s, '\n'); i >= 0 {
		s = s[i+1:]
	}
	return []byte(s)
}

func dirSize(dir string) (int64, error) {
	var n int64
	err := filepath.WalkDir(dir, func(_ string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if info, err := d.Info(); err == nil && info.Mode().IsRegular() {
			n += info.Size()
		}
		return nil
	})
	return n, err
}

func count(n int) string {
	switch {
	case n >= 1e6:
		return fmt.Sprintf("%.2fM", float64(n)/1e6)
	case n >= 1e3:
		return fmt.Sprintf("%.0fk", float64(n)/1e3)
	}
	return strconv.Itoa(n)
}

func seconds(d time.Duration) string {
	if d < time.Second {
		return fmt.Sprintf("%.0f ms", float64(d)/float64(time.Millisecond))
	}
	return fmt.Sprintf("%.2f s", d.Seconds())
}

func kib(k int64) string {
	if k >= 1<<20 {
		return fmt.Sprintf("%.2f GiB", float64(k)/(1<<20))
	}
	return fmt.Sprintf("%.0f MiB", float64(k)/(1<<10))
}

func bytesOf(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.2f GiB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.0f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}

// The hidden commands bench runs in new processes.
const (
	// restartCommand is "ask", then the process's own peak memory.
	restartCommand = "bench-ask"
	// benchSearchCommand times searches on the coverage, as serve opens it.
	benchSearchCommand = "bench-search"
	// benchReadCommand only reads and decodes files: the baseline.
	benchReadCommand = "bench-read"
	// benchAddCommand adds the articles of a file in process, timed.
	benchAddCommand = "bench-add"
	peakPrefix      = "peak RSS: "
)

func (e *environ) benchAsk(ctx context.Context, args []string) error {
	if err := e.ask(ctx, args); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "%s%s\n", peakPrefix, peakRSS())
	return nil
}

// searchReport is what bench-search prints, as one JSON line.
type searchReport struct {
	Sentences          int
	P50, P90, P99, Max float64 // milliseconds
	PeakKiB            int64
}

func (e *environ) benchSearch(ctx context.Context, args []string) error {
	fs := e.flags(benchSearchCommand, "", groupCommon)
	var sets pathList
	fs.Var(&sets, "questions", "")
	queries := fs.Int("queries", 1000, "")
	first := fs.Int("first-stage", 0, "")
	profile := fs.String("cpuprofile", "", "")
	if done, err := e.parse(fs, args); done {
		return err
	}
	if *profile != "" {
		f, err := os.Create(*profile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	var questions []string
	for _, dir := range sets.paths {
		qs, err := eval.LoadQuestions(filepath.Join(dir, "questions.jsonl"))
		if err != nil {
			return err
		}
		for _, q := range qs {
			questions = append(questions, q.Question)
		}
	}
	if len(questions) == 0 {
		return errors.New("no questions")
	}
	src, err := e.open(io.Discard)
	if err != nil {
		return err
	}
	src.Index.FirstStage = *first
	for _, q := range questions[:min(len(questions), 50)] { // warm-up
		if _, err := src.Index.Search(q, 10); err != nil {
			return err
		}
	}
	lat := make([]time.Duration, 0, *queries)
	for i := 0; i < *queries; i++ {
		if err := ctx.Err(); err != nil {
			return err
		}
		t := time.Now()
		if _, err := src.Index.Search(questions[i%len(questions)], 10); err != nil {
			return err
		}
		lat = append(lat, time.Since(t))
	}
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	ms := func(p int) float64 {
		return float64(lat[min(len(lat)-1, len(lat)*p/100)]) / float64(time.Millisecond)
	}
	r := searchReport{Sentences: src.Index.Sentences(), P50: ms(50), P90: ms(90), P99: ms(99), Max: ms(100), PeakKiB: peakKiB()}
	return json.NewEncoder(e.stdout).Encode(r)
}

func (e *environ) benchRead(_ context.Context, args []string) error {
	var l load.Loader
	n := 0
	_, err := l.Stream(load.Files(args...), func(int, corpus.Article) error { n++; return nil })
	fmt.Fprintln(e.stdout, n)
	return err
}

// addReport is what bench-add prints.
type addReport struct {
	AddMS, MergeMS float64
}

func (e *environ) benchAdd(ctx context.Context, args []string) error {
	fs := e.flags(benchAddCommand, "", groupCommon)
	if done, err := e.parse(fs, args); done {
		return err
	}
	args = fs.Args()
	data, err := e.dataDir()
	if err != nil {
		return err
	}
	var l load.Loader
	var arts []corpus.Article
	for _, r := range l.Load(args...) {
		arts = append(arts, r.Articles...)
	}
	ix, err := index.OpenWriter(datadir.IngestedDir(data))
	if err != nil {
		return err
	}
	defer ix.Close()
	t0 := time.Now()
	if _, err := ix.Add(ctx, arts); err != nil {
		return err
	}
	add := time.Since(t0)
	st := ix.Stats()
	return json.NewEncoder(e.stdout).Encode(addReport{
		AddMS:   float64(add) / float64(time.Millisecond),
		MergeMS: float64(st.MergeTime) / float64(time.Millisecond),
	})
}

// peakRSS reads this process's peak resident memory (VmHWM) from /proc.
func peakRSS() string {
	k := peakKiB()
	if k == 0 {
		return "unknown"
	}
	return fmt.Sprintf("%.0f MiB", float64(k)/1024)
}

func peakKiB() int64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			k, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return k
		}
	}
	return 0
}
