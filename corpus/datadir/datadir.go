// Package datadir keeps the bot's data directory and says which coverage a
// command answers from: the coverage built into the binary, the index that
// `bot ingest` adds to, or the index of --corpus files, kept under the data
// directory with a manifest of the files it was built from so that the next
// run reuses it, adds the files that appeared, or rebuilds it when a file
// changed or went away.
//
// A data directory holds:
//
//	index/          the ingested index (see Ingest): its segments, its
//	                manifest and its writer lock
//	corpora/HASH/   the index of one set of --corpus paths (HASH names the
//	                paths), its files.json and its writer lock
//
// An index directory in the one-file format of earlier versions is
// converted the first time it is opened.
//
// Which files of a --corpus directory are read is decided by load.Files
// alone, for a fresh build and an incremental one alike, so that the two
// always read the same files.
package datadir

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/newsbot-dev/newsbot/corpus"
	"github.com/newsbot-dev/newsbot/corpus/builtin"
	"github.com/newsbot-dev/newsbot/corpus/index"
	"github.com/newsbot-dev/newsbot/corpus/load"
)

// Coverage is what a command answers from.
type Coverage struct {
	// Index is the sentence index over the coverage, open for reading.
	Index *index.Disk
	// Label says what the coverage is, for people.
	Label string

	data  string   // the data directory, "" for the built-in coverage
	paths []string // the --corpus paths, if any
	empty bool     // an empty index in memory: nothing was ingested yet
}

// IngestedCoverage is the coverage of what Ingest and Add keep in data, empty
// (and not an error) when nothing has been ingested yet: Reload opens it
// once something has. It is what a process that fills the data directory
// itself (the feed watch) answers from.
func IngestedCoverage(data string) (Coverage, error) {
	ix, err := OpenIngested(data)
	if err != nil {
		return Coverage{}, err
	}
	return Coverage{Index: ix, Label: ingestedLabel(ix, data), data: data, empty: ix.Sentences() == 0}, nil
}

// Reload brings the coverage up to date without opening it again: the
// ingested index reads its manifest again (mapping only the segments that
// are new, so a reload never holds two copies of the index), the index of
// --corpus paths first takes in the files that changed, and the built-in
// coverage stays as it is. On error the coverage is unchanged. log is as
// for Open.
func (c *Coverage) Reload(log io.Writer) error {
	switch {
	case c.data == "":
		return nil
	case len(c.paths) > 0:
		if _, err := updateCorpus(c.data, c.paths, log); err != nil {
			return err
		}
	case c.empty:
		// Nothing was ingested when it was opened: open what is there now.
		ix, err := OpenIngested(c.data)
		if err != nil {
			return err
		}
		c.Index, c.empty = ix, ix.Len() == 0 && ix.Sentences() == 0
		c.Label = ingestedLabel(c.Index, c.data)
		return nil
	}
	if err := c.Index.Reload(); err != nil {
		return err
	}
	if len(c.paths) == 0 {
		c.Label = ingestedLabel(c.Index, c.data)
	}
	return nil
}

// Open returns the coverage to answer from: the index of the corpus paths
// when any are given (kept under the data directory data, which must then
// be set), else the index ingested into data when data is set, else the
// built-in coverage. log receives a line about each file refused while
// indexing corpus paths.
func Open(data string, corpus []string, log io.Writer) (Coverage, error) {
	switch {
	case len(corpus) > 0:
		if data == "" {
			return Coverage{}, errors.New("corpus: no data directory to keep its index in")
		}
		return openCorpus(data, corpus, log)
	case data != "":
		return openIngested(data)
	}
	return openBuiltin()
}

// IngestedDir is where Ingest keeps its index inside the data directory
// data.
func IngestedDir(data string) string { return filepath.Join(data, "index") }

// openIngested opens the index that Ingest keeps in data.
func openIngested(data string) (Coverage, error) {
	if _, err := index.Convert(context.Background(), IngestedDir(data)); err != nil {
		return Coverage{}, err
	}
	ix, err := index.OpenDisk(IngestedDir(data))
	if errors.Is(err, index.ErrNoIndex) {
		return Coverage{}, fmt.Errorf("nothing has been ingested into %s yet: run \"bot ingest --data %s PATH...\"", data, data)
	}
	if err != nil {
		return Coverage{}, err
	}
	return Coverage{Index: ix, Label: ingestedLabel(ix, data), data: data}, nil
}

func ingestedLabel(ix *index.Disk, data string) string {
	return fmt.Sprintf("%d articles ingested in %s", ix.Len(), data)
}

// openBuiltin indexes the coverage embedded in the binary. It is small
// enough to index in memory at each start, which keeps `bot` free of any
// writable directory.
func openBuiltin() (Coverage, error) {
	var l load.Loader
	var arts []corpus.Article
	for _, r := range l.LoadFS(builtin.FS, ".") {
		if len(r.Problems) > 0 {
			return Coverage{}, fmt.Errorf("built-in coverage: %s: %s", r.Path, r.Problems[0].Reason)
		}
		arts = append(arts, r.Articles...)
	}
	ix := index.BuildDisk(arts)
	return Coverage{Index: ix, Label: fmt.Sprintf("the built-in coverage (%d articles: Clinton in Moscow, Iran sanctions, October 2009)", ix.Len())}, nil
}

// Ingested is what Ingest did.
type Ingested struct {
	// Reports are the loader's, one per file read or refused (without
	// their Articles: ingest streams them).
	Reports []load.Report
	// Counts says what happened to the articles of each report, in order.
	Counts []Counts
	// Status says, for Add, what happened to each article of Reports, in
	// order: the articles of Reports[0], then those of Reports[1]...
	Status []index.AddStatus
	// Articles is the number of articles the index now holds.
	Articles int
}

// Counts are what happened to the articles of one file.
type Counts struct{ Added, Duplicate, Replaced int }

// Ingest adds the articles of the files and directories at paths (read by
// the rule of load.Files) to the index kept in the data directory data,
// creating it if needed. Another writer is waited for. Articles are read,
// analysed and written as segments as they come, so memory stays bounded
// whatever the size of the files; they are committed together at the end,
// and only when something was added or replaced: if ingest is interrupted
// (ctx ends, the process is killed), the index stays as it was. A damaged
// index is an error, never replaced. progress, if not nil, is called now
// and then with the articles read so far.
func Ingest(ctx context.Context, data string, paths []string, progress func(articles int)) (Ingested, error) {
	dir := IngestedDir(data)
	if _, err := index.Convert(ctx, dir); err != nil {
		return Ingested{}, err
	}
	ix, err := index.OpenWriter(dir)
	if err != nil {
		return Ingested{}, fmt.Errorf("%w (move it away to start a new index)", err)
	}
	defer ix.Close()
	files := load.Files(paths...)
	in, err := add(ctx, ix, files, false, progress)
	if err != nil {
		return Ingested{}, err
	}
	in.Articles = ix.Len()
	return in, nil
}

// Add adds the articles of reports (pages or feeds already read, with
// their Articles) to the index kept in the data directory data, creating it
// if needed, in one batch, as Ingest does.
func Add(ctx context.Context, data string, reports []load.Report) (Ingested, error) {
	dir := IngestedDir(data)
	if _, err := index.Convert(ctx, dir); err != nil {
		return Ingested{}, err
	}
	ix, err := index.OpenWriter(dir)
	if err != nil {
		return Ingested{}, fmt.Errorf("%w (move it away to start a new index)", err)
	}
	defer ix.Close()
	b, err := ix.Begin(ctx)
	if err != nil {
		return Ingested{}, err
	}
	in := Ingested{Reports: reports, Counts: make([]Counts, len(reports))}
	for i, r := range reports {
		for _, a := range r.Articles {
			st, err := b.Add(a)
			if err != nil {
				b.Abort()
				return Ingested{}, err
			}
			in.Status = append(in.Status, st)
			switch st {
			case index.Added:
				in.Counts[i].Added++
			case index.Duplicate:
				in.Counts[i].Duplicate++
			case index.Replaced:
				in.Counts[i].Replaced++
			}
		}
	}
	if err := b.Commit(); err != nil {
		return Ingested{}, err
	}
	in.Articles = ix.Len()
	return in, nil
}

// OpenIngested returns the index that Ingest and Add keep in data, open
// for reading, empty (in memory) when nothing has been ingested yet.
func OpenIngested(data string) (*index.Disk, error) {
	if _, err := index.Convert(context.Background(), IngestedDir(data)); err != nil {
		return nil, err
	}
	ix, err := index.OpenDisk(IngestedDir(data))
	if errors.Is(err, index.ErrNoIndex) {
		return index.Memory(), nil
	}
	return ix, err
}

// add streams the articles of files into ix in one batch (replacing what
// it holds when all is set) and commits it.
func add(ctx context.Context, ix *index.Disk, files []load.File, all bool, progress func(int)) (Ingested, error) {
	b, err := ix.Begin(ctx)
	if err != nil {
		return Ingested{}, err
	}
	if all {
		b.ReplaceAll()
	}
	counts := make([]Counts, len(files))
	read := 0
	var l load.Loader
	reports, err := l.Stream(files, func(i int, a corpus.Article) error {
		st, err := b.Add(a)
		if err != nil {
			return err
		}
		switch st {
		case index.Added:
			counts[i].Added++
		case index.Duplicate:
			counts[i].Duplicate++
		case index.Replaced:
			counts[i].Replaced++
		}
		if read++; progress != nil && read%1000 == 0 {
			progress(read)
		}
		return nil
	})
	if err == nil {
		err = ctx.Err()
	}
	if err != nil {
		b.Abort()
		return Ingested{}, err
	}
	if err := b.Commit(); err != nil {
		return Ingested{}, err
	}
	if progress != nil {
		progress(read)
	}
	return Ingested{Reports: reports, Counts: counts[:len(reports)]}, nil
}

// manifest records the files an index of --corpus paths was built from, so
// that the next run can reuse the index without reading them.
type manifest struct {
	Files map[string]fileStamp `json:"files"`
}

type fileStamp struct {
	Size    int64 `json:"size"`
	ModTime int64 `json:"mtime_ns"`
}

// manifestFile records the files; the index's own manifest is beside it.
const manifestFile = "files.json"

// openCorpus returns the index of the given paths, kept under the data
// directory in a folder named after the paths. It is built on first use;
// later runs reuse it while the files are unchanged, add files that
// appeared, and rebuild it when a file changed or went away. Either way
// the files are those load.Files selects. A kept index that is damaged is
// rebuilt: it is a cache of the files.
func openCorpus(data string, paths []string, log io.Writer) (Coverage, error) {
	dir, err := updateCorpus(data, paths, log)
	if err != nil {
		return Coverage{}, err
	}
	ix, err := index.OpenDisk(dir)
	if err != nil {
		return Coverage{}, err
	}
	label := fmt.Sprintf("%s (indexed in %s)", strings.Join(paths, ", "), dir)
	return Coverage{Index: ix, Label: label, data: data, paths: paths}, nil
}

// updateCorpus brings the kept index of paths up to date with the files
// (see openCorpus) and returns its directory.
func updateCorpus(data string, paths []string, log io.Writer) (string, error) {
	ctx := context.Background()
	dir, err := corpusDir(data, paths)
	if err != nil {
		return "", err
	}

	files, err := stampFiles(load.Files(paths...))
	if err != nil {
		return "", err
	}
	if _, err := index.Convert(ctx, dir); err != nil {
		fmt.Fprintf(log, "index in %s is unusable (%v); rebuilding it\n", dir, err)
		if err := clearIndex(dir); err != nil {
			return "", err
		}
	}
	ix, err := index.OpenWriter(dir)
	if err != nil {
		fmt.Fprintf(log, "index in %s is unusable (%v); rebuilding it\n", dir, err)
		if err := clearIndex(dir); err != nil {
			return "", err
		}
		if ix, err = index.OpenWriter(dir); err != nil {
			return "", err
		}
	}
	defer ix.Close()
	var old manifest
	if b, err := os.ReadFile(filepath.Join(dir, manifestFile)); err == nil {
		json.Unmarshal(b, &old)
	}
	read, rebuild := files, true
	if ix.Len() > 0 && old.Files != nil {
		added, changed := compare(old.Files, files)
		switch {
		case changed:
		case len(added) == 0:
			return dir, nil
		default:
			read, rebuild = added, false
		}
	}
	in, err := add(ctx, ix, selection(read), rebuild, nil)
	if err != nil {
		return "", err
	}
	for _, r := range in.Reports {
		for _, p := range r.Problems {
			fmt.Fprintf(log, "%s: refused: %s\n", r.Where(p), p.Reason)
		}
	}
	if ix.Len() == 0 {
		return "", fmt.Errorf("corpus %s: no articles could be read", strings.Join(paths, ", "))
	}
	b, _ := json.Marshal(manifest{Files: stamps(files)})
	if err := writeFileAtomic(filepath.Join(dir, manifestFile), b); err != nil {
		return "", err
	}
	return dir, nil
}

// clearIndex removes a kept --corpus index that cannot be read, to build
// it again: everything in its folder but the writer lock.
func clearIndex(dir string) error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	for _, e := range entries {
		if e.Name() == "lock" {
			continue
		}
		if err := os.RemoveAll(filepath.Join(dir, e.Name())); err != nil {
			return err
		}
	}
	return nil
}

// corpusDir is the folder under the data directory that keeps the index
// of paths: named after their absolute paths, so that the same paths find
// it from any directory. Every path must exist.
func corpusDir(data string, paths []string) (string, error) {
	abs := make([]string, len(paths))
	for i, p := range paths {
		a, err := filepath.Abs(p)
		if err != nil {
			return "", fmt.Errorf("corpus %s: %w", p, err)
		}
		if _, err := os.Stat(a); err != nil {
			return "", fmt.Errorf("corpus: %w", err)
		}
		abs[i] = a
	}
	sort.Strings(abs)
	sum := sha256.Sum256([]byte(strings.Join(abs, "\x00")))
	return filepath.Join(data, "corpora", hex.EncodeToString(sum[:8])), nil
}

// corpusFile is one file of a selection with what the manifest records
// of it.
type corpusFile struct {
	load.File
	// abs is the file's absolute path, its key in the manifest: the index
	// of a set of paths is found by their absolute paths, from any
	// directory.
	abs   string
	stamp fileStamp
}

// stampFiles gives the files of a selection with their manifest entries;
// a refused entry has none (it is not read, so nothing of it is indexed).
func stampFiles(files []load.File) ([]corpusFile, error) {
	out := make([]corpusFile, len(files))
	for i, f := range files {
		out[i].File = f
		if f.Refused != "" {
			continue
		}
		a, err := filepath.Abs(f.Path)
		if err != nil {
			return nil, fmt.Errorf("corpus: %w", err)
		}
		out[i].abs = a
		out[i].stamp = fileStamp{Size: f.Info.Size(), ModTime: f.Info.ModTime().UnixNano()}
	}
	return out, nil
}

// stamps is the manifest's record of files.
func stamps(files []corpusFile) map[string]fileStamp {
	m := make(map[string]fileStamp, len(files))
	for _, f := range files {
		if f.Refused == "" {
			m[f.abs] = f.stamp
		}
	}
	return m
}

// selection is the files to give the loader.
func selection(files []corpusFile) []load.File {
	out := make([]load.File, len(files))
	for i, f := range files {
		out[i] = f.File
	}
	return out
}

// compare says what changed between the manifest of the index, old, and
// the files now: the files that appeared, in lexical order of their
// absolute paths, or that the index must be rebuilt because a file changed
// or went away.
func compare(old map[string]fileStamp, now []corpusFile) (added []corpusFile, rebuild bool) {
	cur := stamps(now)
	for f := range old {
		if _, ok := cur[f]; !ok {
			return nil, true
		}
	}
	seen := map[string]bool{}
	for _, f := range now {
		if f.Refused != "" || seen[f.abs] {
			continue
		}
		seen[f.abs] = true
		o, ok := old[f.abs]
		switch {
		case !ok:
			added = append(added, f)
		case o != f.stamp:
			return nil, true
		}
	}
	sort.Slice(added, func(i, j int) bool { return added[i].abs < added[j].abs })
	return added, false
}

// writeFileAtomic writes a small file by renaming a synced temporary file
// over it.
func writeFileAtomic(name string, b []byte) error {
	f, err := os.CreateTemp(filepath.Dir(name), filepath.Base(name)+".tmp*")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name())
	if _, err := f.Write(b); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(f.Name(), name)
}
