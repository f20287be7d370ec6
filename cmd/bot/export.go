package main

import (
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/newsbot-dev/newsbot/corpus/load"
)

const exportUsage = `Usage: bot [flags] export [--out FILE]

Writes the articles the bot answers from, as they are indexed, as JSON Lines
in the articles format ({"id","title","source","url","published","body"},
plus "author", "wire", "language" and "place" when known), one article a
line: for backups, for moving a collection to another machine ("bot ingest
FILE" there reads it back, the same articles with the same ids), and for
measuring extraction. With --data, what was ingested there; with --corpus,
those files; else the built-in coverage.

The export goes to standard output, or to FILE (written whole, then renamed
into place; gzip-compressed when FILE ends in ".gz").
`

func (e *environ) export(ctx context.Context, args []string) error {
	fs := e.flags("export", exportUsage, groupCommon)
	out := fs.String("out", "", "write to `FILE` instead of standard output (.gz: compressed)")
	if done, err := e.parse(fs, args); done {
		return err
	}
	if fs.NArg() > 0 {
		return errors.New("export takes no arguments (use --out FILE)")
	}
	src, err := e.open(io.Discard)
	if err != nil {
		return err
	}
	if *out == "" {
		_, err := load.WriteJSONL(e.stdout, src.Index.Articles())
		return err
	}
	n, err := writeExport(*out, func(w io.Writer) (int, error) { return load.WriteJSONL(w, src.Index.Articles()) })
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "exported %d articles from %s to %s\n", n, src.Label, *out)
	return ctx.Err()
}

// writeExport writes name whole through write, gzip-compressed for a
// ".gz" name, and renames it into place only once it is complete.
func writeExport(name string, write func(io.Writer) (int, error)) (int, error) {
	f, err := os.CreateTemp(filepath.Dir(name), "."+filepath.Base(name)+".tmp*")
	if err != nil {
		return 0, fmt.Errorf("export: %w", err)
	}
	defer os.Remove(f.Name()) // a no-op once renamed
	var w io.Writer = f
	var zw *gzip.Writer
	if strings.HasSuffix(strings.ToLower(name), ".gz") {
		zw = gzip.NewWriter(f)
		w = zw
	}
	n, err := write(w)
	if err == nil && zw != nil {
		err = zw.Close()
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(f.Name(), name)
	}
	if err != nil {
		return 0, fmt.Errorf("export: %w", err)
	}
	return n, nil
}
