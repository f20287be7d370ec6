package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"time"

	"golang.org/x/term"

	"github.com/newsbot-dev/newsbot/adapters/repl"
	"github.com/newsbot-dev/newsbot/corpus/datadir"
)

const ingestUsage = `Usage: bot [flags] ingest PATH...

Adds the articles in the given files and directories (recursively) to the
data directory's index. For each file it reports what was added, skipped as a
duplicate (the same text is already there), replaced (same id, new text) or
refused and why, then a count. Files are read as a stream, in bounded memory,
and what they add is committed at once at the end: if ingest is interrupted
(Ctrl-C, a kill), the previous index stays as it was and keeps answering. A
process answering from the data directory ("bot serve") sees the new articles
after a SIGHUP. At a terminal a progress line shows the articles read. The exit
status is 0 when everything was read, 2 when some files or records were
refused (the rest are ingested), 1 on any other failure.

Ask from what was ingested with: bot --data DIR   (or bot --data DIR ask ...)
`

func (e *environ) ingest(ctx context.Context, args []string) error {
	fs := e.flags("ingest", ingestUsage, groupCommon)
	if done, err := e.parse(fs, args); done {
		return err
	}
	if fs.NArg() == 0 {
		return errors.New("ingest needs at least one file or directory")
	}
	data, err := e.dataDir()
	if err != nil {
		return err
	}
	progress, done := e.progressLine()
	in, err := datadir.Ingest(ctx, data, fs.Args(), progress)
	done()
	if err != nil {
		return err
	}

	var added, dup, replaced, refused int
	for i, r := range in.Reports {
		c := in.Counts[i]
		a, d, rp := c.Added, c.Duplicate, c.Replaced
		added, dup, replaced = added+a, dup+d, replaced+rp
		// File names and reasons are printed through repl.CleanLine: a
		// file name can hold escape sequences.
		if a+d+rp > 0 || len(r.Problems) == 0 {
			fmt.Fprintf(e.stdout, "%s: %s\n", repl.CleanLine(r.Path), counts(a, d, rp))
		}
		for _, p := range r.Problems {
			refused++
			fmt.Fprintf(e.stdout, "%s: refused: %s\n", repl.CleanLine(r.Where(p)), repl.CleanLine(p.Reason))
		}
	}
	fmt.Fprintf(e.stdout, "ingested into %s: %d added, %d duplicates, %d replaced, %d refused; the index holds %d articles\n",
		repl.CleanLine(data), added, dup, replaced, refused, in.Articles)
	if refused > 0 {
		return exitError{2, fmt.Errorf("%d files or records were refused (see above); the rest were ingested", refused)}
	}
	return nil
}

func counts(added, dup, replaced int) string {
	s := fmt.Sprintf("%d added", added)
	if dup > 0 {
		s += fmt.Sprintf(", %d duplicate", dup)
		if dup > 1 {
			s += "s"
		}
	}
	if replaced > 0 {
		s += fmt.Sprintf(", %d replaced", replaced)
	}
	return s
}

// progressLine returns, when standard error is a terminal, a progress
// function that keeps one line there up to date with the articles read and
// their rate (at most twice a second), and a function that clears it; when
// it is not (a log, a pipe), functions that do nothing.
func (e *environ) progressLine() (func(int), func()) {
	f, ok := e.stderr.(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) {
		return nil, func() {}
	}
	start := time.Now()
	var last time.Time
	shown := false
	return func(n int) {
			now := time.Now()
			if now.Sub(last) < 500*time.Millisecond {
				return
			}
			last, shown = now, true
			rate := float64(n) / max(now.Sub(start).Seconds(), 1e-3)
			fmt.Fprintf(f, "\r\x1b[Kingesting: %d articles read (%.0f a second, %s)", n, rate, now.Sub(start).Round(time.Second))
		}, func() {
			if shown {
				fmt.Fprint(f, "\r\x1b[K")
			}
		}
}
