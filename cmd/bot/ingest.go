package main

import (
	"context"
	"errors"
	"fmt"

	"github.com/newsbot-dev/newsbot/corpus/datadir"
	"github.com/newsbot-dev/newsbot/corpus/index"
)

const ingestUsage = `Usage: bot [flags] ingest PATH...

Adds the articles in the given files and directories (recursively) to the
data directory's index. For each file it reports what was added, skipped as a
duplicate (the same text is already there), replaced (same id, new text) or
refused and why, then a count. The index is written atomically: if ingest is
interrupted, the previous index stays as it was and keeps answering. The exit
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
	in, err := datadir.Ingest(ctx, data, fs.Args())
	if err != nil {
		return err
	}
	reports, status := in.Reports, in.Status

	var added, dup, repl, refused int
	k := 0
	for _, r := range reports {
		var a, d, rp int
		for range r.Articles {
			switch status[k] {
			case index.Added:
				a++
			case index.Duplicate:
				d++
			case index.Replaced:
				rp++
			}
			k++
		}
		added, dup, repl = added+a, dup+d, repl+rp
		if len(r.Articles) > 0 || len(r.Problems) == 0 {
			fmt.Fprintf(e.stdout, "%s: %s\n", r.Path, counts(a, d, rp))
		}
		for _, p := range r.Problems {
			refused++
			fmt.Fprintf(e.stdout, "%s: refused: %s\n", r.Where(p), p.Reason)
		}
	}
	fmt.Fprintf(e.stdout, "ingested into %s: %d added, %d duplicates, %d replaced, %d refused; the index holds %d articles\n",
		data, added, dup, repl, refused, in.Index.Len())
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
