package main

import (
	"errors"
	"flag"
	"io"
	"path/filepath"
	"strings"

	"github.com/newsbot-dev/newsbot/corpus/datadir"
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

// open finds the coverage to answer from (see datadir.Open): --corpus
// files, else the data directory's ingested index when --data was given,
// else the built-in coverage. log receives a line about each file refused
// while indexing --corpus files, made safe for a terminal (cleanWriter).
func (e *environ) open(log io.Writer) (datadir.Coverage, error) {
	var data string
	if e.opts.dataSet || len(e.opts.corpus.paths) > 0 {
		d, err := e.dataDir()
		if err != nil {
			return datadir.Coverage{}, err
		}
		data = d
	}
	return datadir.Open(data, e.opts.corpus.paths, cleanWriter{log})
}
