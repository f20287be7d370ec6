// Package datadir keeps the bot's data directory and says which coverage a
// command answers from: the coverage built into the binary, the index that
// `bot ingest` adds to, or the index of --corpus files, kept under the data
// directory with a manifest of the files it was built from so that the next
// run reuses it, adds the files that appeared, or rebuilds it when a file
// changed or went away.
//
// A data directory holds:
//
//	index/          the ingested index (see Ingest), with its writer lock
//	corpora/HASH/   the index of one set of --corpus paths (HASH names the
//	                paths), its manifest.json and its writer lock
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
	// Index is the sentence index over the coverage.
	Index *index.Index
	// Label says what the coverage is, for people.
	Label string
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
	ix, err := index.Open(IngestedDir(data))
	if errors.Is(err, index.ErrNoIndex) {
		return Coverage{}, fmt.Errorf("nothing has been ingested into %s yet: run \"bot ingest --data %s PATH...\"", data, data)
	}
	if err != nil {
		return Coverage{}, err
	}
	return Coverage{ix, fmt.Sprintf("%d articles ingested in %s", ix.Len(), data)}, nil
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
	ix := index.Build(arts)
	return Coverage{ix, fmt.Sprintf("the built-in coverage (%d articles: Clinton in Moscow, Iran sanctions, October 2009)", ix.Len())}, nil
}

// Ingested is what Ingest did.
type Ingested struct {
	// Reports are the loader's, one per file read or refused.
	Reports []load.Report
	// Status says what happened to each article of Reports, in order: the
	// articles of Reports[0], then those of Reports[1], and so on.
	Status []index.AddStatus
	// Index is the ingested index as it now is.
	Index *index.Index
}

// Ingest adds the articles of the files and directories at paths (read by
// the rule of load.Files) to the index kept in the data directory data,
// creating it if needed: Add for what the loader reads from paths.
func Ingest(ctx context.Context, data string, paths []string) (Ingested, error) {
	var l load.Loader
	reports := l.Load(paths...)
	if err := ctx.Err(); err != nil {
		return Ingested{}, err
	}
	return Add(ctx, data, reports)
}

// Add adds the articles of reports (files, pages or feeds already read) to
// the index kept in the data directory data, creating it if needed.
// Another writer is waited for. The index is saved atomically, and only
// when something was added or replaced: if it is interrupted, the previous
// index stays as it was. ctx is checked between the steps; a damaged index
// is an error, never replaced.
func Add(ctx context.Context, data string, reports []load.Report) (Ingested, error) {
	dir := IngestedDir(data)
	unlock, err := index.Lock(dir)
	if err != nil {
		return Ingested{}, err
	}
	defer unlock()
	ix, err := index.Open(dir)
	if err != nil && !errors.Is(err, index.ErrNoIndex) {
		return Ingested{}, fmt.Errorf("%w (move it away to start a new index)", err)
	}
	var arts []corpus.Article
	for _, r := range reports {
		arts = append(arts, r.Articles...)
	}
	nx, status := ix.Add(arts)
	changed := false
	for _, s := range status {
		changed = changed || s != index.Duplicate
	}
	if err := ctx.Err(); err != nil {
		return Ingested{}, err
	}
	if changed {
		if err := nx.Save(dir); err != nil {
			return Ingested{}, err
		}
	}
	if nx == nil {
		nx = index.Build(nil)
	}
	return Ingested{Reports: reports, Status: status, Index: nx}, nil
}

// OpenIngested returns the index that Ingest and Add keep in data, empty
// when nothing has been ingested yet.
func OpenIngested(data string) (*index.Index, error) {
	ix, err := index.Open(IngestedDir(data))
	if errors.Is(err, index.ErrNoIndex) {
		return index.Build(nil), nil
	}
	return ix, err
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

const manifestFile = "manifest.json"

// openCorpus returns the index of the given paths, kept under the data
// directory in a folder named after the paths. It is built on first use;
// later runs reuse it while the files are unchanged, add files that
// appeared, and rebuild it when a file changed or went away. Either way
// the files are those load.Files selects.
func openCorpus(data string, paths []string, log io.Writer) (Coverage, error) {
	dir, err := corpusDir(data, paths)
	if err != nil {
		return Coverage{}, err
	}
	label := fmt.Sprintf("%s (indexed in %s)", strings.Join(paths, ", "), dir)

	files, err := stampFiles(load.Files(paths...))
	if err != nil {
		return Coverage{}, err
	}
	unlock, err := index.Lock(dir)
	if err != nil {
		return Coverage{}, err
	}
	defer unlock()
	var old manifest
	if b, err := os.ReadFile(filepath.Join(dir, manifestFile)); err == nil {
		json.Unmarshal(b, &old)
	}
	ix, err := index.Open(dir)
	if err != nil && !errors.Is(err, index.ErrNoIndex) {
		fmt.Fprintf(log, "index in %s is unusable (%v); rebuilding it\n", dir, err)
		ix = nil
	}
	read := files
	if ix == nil || old.Files == nil {
		ix = nil // nothing to reuse: build from scratch
	} else {
		added, rebuild := compare(old.Files, files)
		switch {
		case rebuild:
			ix = nil
		case len(added) == 0:
			return Coverage{ix, label}, nil
		default:
			read = added
		}
	}
	var l load.Loader
	var arts []corpus.Article
	for _, r := range l.LoadFiles(selection(read)) {
		for _, p := range r.Problems {
			fmt.Fprintf(log, "%s: refused: %s\n", r.Where(p), p.Reason)
		}
		arts = append(arts, r.Articles...)
	}
	ix, _ = ix.Add(arts)
	if ix.Len() == 0 {
		return Coverage{}, fmt.Errorf("corpus %s: no articles could be read", strings.Join(paths, ", "))
	}
	if err := ix.Save(dir); err != nil {
		return Coverage{}, err
	}
	b, _ := json.Marshal(manifest{Files: stamps(files)})
	if err := writeFileAtomic(filepath.Join(dir, manifestFile), b); err != nil {
		return Coverage{}, err
	}
	return Coverage{ix, label}, nil
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
