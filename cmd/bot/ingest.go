package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"time"

	"golang.org/x/term"

	"strings"

	"github.com/newsbot-dev/newsbot/adapters/repl"
	"github.com/newsbot-dev/newsbot/corpus/datadir"
	"github.com/newsbot-dev/newsbot/corpus/fetch"
	"github.com/newsbot-dev/newsbot/corpus/web"
)

const ingestUsage = `Usage: bot [flags] ingest PATH|URL...

Adds the articles in the given files and directories (recursively), web
pages and feeds to the data directory's index. A URL (http:// or https://)
is fetched politely (robots.txt honoured, one request a second per site,
User-Agent naming the bot): a page gives its article, an RSS or Atom feed
the articles of its items' pages. Private, loopback and link-local addresses
are refused unless NEWSBOT_FETCH_ALLOW_PRIVATE is set. For each file or URL
it reports what was added, skipped as a duplicate (the same text is already
there), replaced (same id, new text) or refused and why, then a count. Files
are read as a stream, in bounded memory, and what they add is committed at
once at the end: if ingest is interrupted (Ctrl-C, a kill), the previous
index stays as it was and keeps answering. A process answering from the data
directory ("bot serve") sees the new articles after a SIGHUP. At a terminal a
progress line shows the articles read. The exit
status is 0 when everything was read, 2 when some files or records were
refused (the rest are ingested), 1 on any other failure.

Ask from what was ingested with: bot --data DIR   (or bot --data DIR ask ...)
`

func (e *environ) ingest(ctx context.Context, args []string) error {
	fs := e.flags("ingest", ingestUsage, groupCommon, groupWeb)
	if done, err := e.parse(fs, args); done {
		return err
	}
	if fs.NArg() == 0 {
		return errors.New("ingest needs at least one file, directory or URL")
	}
	data, err := e.dataDir()
	if err != nil {
		return err
	}
	var paths, urls []string
	for _, a := range fs.Args() {
		if isURL(a) {
			urls = append(urls, a)
		} else {
			paths = append(paths, a)
		}
	}
	// Files stream into the index; pages and feeds, read first, follow in
	// a batch of their own.
	var ins []datadir.Ingested
	if len(paths) > 0 {
		progress, done := e.progressLine()
		in, err := datadir.Ingest(ctx, data, paths, progress)
		done()
		if err != nil {
			return err
		}
		ins = append(ins, in)
	}
	if len(urls) > 0 {
		reports := e.webReader().Read(ctx, urls...)
		if err := ctx.Err(); err != nil {
			return err
		}
		in, err := datadir.Add(ctx, data, reports)
		if err != nil {
			return err
		}
		ins = append(ins, in)
	}

	var added, dup, replaced, refused, total int
	for _, in := range ins {
		total = in.Articles
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
	}
	fmt.Fprintf(e.stdout, "ingested into %s: %d added, %d duplicates, %d replaced, %d refused; the index holds %d articles\n",
		repl.CleanLine(data), added, dup, replaced, refused, total)
	if refused > 0 {
		return exitError{2, fmt.Errorf("%d files or records were refused (see above); the rest were ingested", refused)}
	}
	return nil
}

// isURL reports an argument that names a page or feed rather than a file.
func isURL(s string) bool {
	l := strings.ToLower(s)
	return strings.HasPrefix(l, "http://") || strings.HasPrefix(l, "https://")
}

// webReader reads pages and feeds by URL with the fetch settings.
func (e *environ) webReader() *web.Reader {
	return &web.Reader{Client: &fetch.Client{AllowPrivate: e.set.on("NEWSBOT_FETCH_ALLOW_PRIVATE")}}
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
