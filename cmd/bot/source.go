package main

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/newsbot-dev/newsbot/corpus"
	"github.com/newsbot-dev/newsbot/corpus/builtin"
)

// options are the flags every command accepts.
type options struct {
	corpus     pathList
	data       string
	dataSet    bool // --data or NEWSBOT_DATA was given
	extractive bool
	prompts    string
}

func newOptions(getenv func(string) string) *options {
	o := &options{}
	if v := getenv("NEWSBOT_CORPUS"); v != "" {
		for _, p := range filepath.SplitList(v) {
			if p != "" {
				o.corpus.paths = append(o.corpus.paths, p)
			}
		}
	}
	if v := getenv("NEWSBOT_DATA"); v != "" {
		o.data, o.dataSet = v, true
	}
	o.prompts = getenv("NEWSBOT_PROMPTS")
	switch strings.ToLower(getenv("NEWSBOT_EXTRACTIVE")) {
	case "1", "true", "yes":
		o.extractive = true
	}
	return o
}

func (o *options) register(fs *flag.FlagSet) {
	fs.Var(&o.corpus, "corpus", "answer from `PATH` (a file or directory; repeatable) instead of the built-in coverage (env NEWSBOT_CORPUS)")
	fs.Func("data", "the data `DIR` (env NEWSBOT_DATA); with it alone, answer from what was ingested there", func(s string) error {
		if s == "" {
			return errors.New("empty directory name")
		}
		o.data, o.dataSet = s, true
		return nil
	})
	fs.String("config", "", "read settings from the YAML `FILE` (env NEWSBOT_CONFIG); flags and the environment win over it")
	fs.BoolVar(&o.extractive, "extractive", o.extractive, "answer by quoting the best sentences even when a model is configured (env NEWSBOT_EXTRACTIVE=1)")
	fs.StringVar(&o.prompts, "prompts", o.prompts, "replace the built-in prompt templates with the files NAME.tmpl in `DIR` (env NEWSBOT_PROMPTS)")
}

// pathList is a repeatable flag. Paths from the environment are replaced,
// not extended, by the first one on the command line.
type pathList struct {
	paths   []string
	fromCmd bool
}

func (p *pathList) String() string { return strings.Join(p.paths, string(filepath.ListSeparator)) }

func (p *pathList) Set(s string) error {
	if s == "" {
		return errors.New("empty path")
	}
	if !p.fromCmd {
		p.paths, p.fromCmd = nil, true
	}
	p.paths = append(p.paths, s)
	return nil
}

// dataDir returns the data directory: the one given, or the default.
func (e *environ) dataDir() (string, error) {
	if e.opts.dataSet {
		return e.opts.data, nil
	}
	if x := e.getenv("XDG_DATA_HOME"); x != "" {
		return filepath.Join(x, "newsbot"), nil
	}
	home := e.getenv("HOME")
	if home == "" {
		return "", errors.New("no data directory: set --data or NEWSBOT_DATA")
	}
	return filepath.Join(home, ".local", "share", "newsbot"), nil
}

// ingestedDir is where `bot ingest` keeps its index inside a data directory.
func ingestedDir(data string) string { return filepath.Join(data, "index") }

// source is the coverage a command answers from.
type source struct {
	ix    *corpus.Index
	label string // says what it is, for people
}

// open finds the coverage to answer from: --corpus files, else the data
// directory's ingested index when --data was given, else the built-in
// coverage. log receives a line about each file refused while indexing
// --corpus files.
func (e *environ) open(log io.Writer) (source, error) {
	switch {
	case len(e.opts.corpus.paths) > 0:
		return e.openCorpus(e.opts.corpus.paths, log)
	case e.opts.dataSet:
		dir := ingestedDir(e.opts.data)
		ix, err := corpus.Open(dir)
		if errors.Is(err, corpus.ErrNoIndex) {
			return source{}, fmt.Errorf("nothing has been ingested into %s yet: run \"bot ingest --data %s PATH...\"", e.opts.data, e.opts.data)
		}
		if err != nil {
			return source{}, err
		}
		return source{ix, fmt.Sprintf("%d articles ingested in %s", ix.Len(), e.opts.data)}, nil
	}
	ix, err := builtinIndex()
	if err != nil {
		return source{}, err
	}
	return source{ix, fmt.Sprintf("the built-in coverage (%d articles: Clinton in Moscow, Iran sanctions, October 2009)", ix.Len())}, nil
}

// builtinIndex indexes the coverage embedded in the binary. It is small
// enough to index in memory at each start, which keeps `bot` free of any
// writable directory.
func builtinIndex() (*corpus.Index, error) {
	var l corpus.Loader
	var arts []corpus.Article
	for _, r := range l.LoadFS(builtin.FS, ".") {
		if len(r.Problems) > 0 {
			return nil, fmt.Errorf("built-in coverage: %s: %s", r.Path, r.Problems[0].Reason)
		}
		arts = append(arts, r.Articles...)
	}
	return corpus.Build(arts), nil
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

// openCorpus returns the index of the given paths, kept under the data
// directory in a folder named after the paths. It is built on first use;
// later runs reuse it while the files are unchanged, add files that
// appeared, and rebuild it when a file changed or went away.
func (e *environ) openCorpus(paths []string, log io.Writer) (source, error) {
	data, err := e.dataDir()
	if err != nil {
		return source{}, err
	}
	abs := make([]string, len(paths))
	for i, p := range paths {
		a, err := filepath.Abs(p)
		if err != nil {
			return source{}, fmt.Errorf("corpus %s: %w", p, err)
		}
		if _, err := os.Stat(a); err != nil {
			return source{}, fmt.Errorf("corpus: %w", err)
		}
		abs[i] = a
	}
	sort.Strings(abs)
	sum := sha256.Sum256([]byte(strings.Join(abs, "\x00")))
	dir := filepath.Join(data, "corpora", hex.EncodeToString(sum[:8]))
	label := fmt.Sprintf("%s (indexed in %s)", strings.Join(paths, ", "), dir)

	now, err := stampFiles(abs)
	if err != nil {
		return source{}, err
	}
	unlock, err := corpus.Lock(dir)
	if err != nil {
		return source{}, err
	}
	defer unlock()
	var old manifest
	if b, err := os.ReadFile(filepath.Join(dir, "manifest.json")); err == nil {
		json.Unmarshal(b, &old)
	}
	ix, err := corpus.Open(dir)
	if err != nil && !errors.Is(err, corpus.ErrNoIndex) {
		fmt.Fprintf(log, "index in %s is unusable (%v); rebuilding it\n", dir, err)
		ix = nil
	}
	if ix != nil && old.Files != nil {
		var added []string
		rebuild := false
		for f, st := range now {
			o, ok := old.Files[f]
			if !ok {
				added = append(added, f)
			} else if o != st {
				rebuild = true
			}
		}
		for f := range old.Files {
			if _, ok := now[f]; !ok {
				rebuild = true
			}
		}
		if !rebuild && len(added) == 0 {
			return source{ix, label}, nil
		}
		if rebuild {
			ix = nil
		} else {
			sort.Strings(added)
			paths = added
		}
	} else {
		ix = nil
	}
	var l corpus.Loader
	var arts []corpus.Article
	for _, r := range l.Load(paths...) {
		for _, p := range r.Problems {
			fmt.Fprintf(log, "%s: refused: %s\n", where(r.Path, p.Line), p.Reason)
		}
		arts = append(arts, r.Articles...)
	}
	ix, _ = ix.Add(arts)
	if ix.Len() == 0 {
		return source{}, fmt.Errorf("corpus %s: no articles could be read", strings.Join(paths, ", "))
	}
	if err := ix.Save(dir); err != nil {
		return source{}, err
	}
	b, _ := json.Marshal(manifest{Files: now})
	if err := writeFileAtomic(filepath.Join(dir, "manifest.json"), b); err != nil {
		return source{}, err
	}
	return source{ix, label}, nil
}

// stampFiles lists the regular files under paths with their size and
// modification time.
func stampFiles(paths []string) (map[string]fileStamp, error) {
	out := map[string]fileStamp{}
	for _, p := range paths {
		err := filepath.WalkDir(p, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() || !d.Type().IsRegular() {
				return nil
			}
			info, err := d.Info()
			if err != nil {
				return err
			}
			out[path] = fileStamp{Size: info.Size(), ModTime: info.ModTime().UnixNano()}
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("corpus: %w", err)
		}
	}
	return out, nil
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

// where names a file, or a line of it.
func where(path string, line int) string {
	if line > 0 {
		return fmt.Sprintf("%s:%d", path, line)
	}
	return path
}
