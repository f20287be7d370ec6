package main

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/newsbot-dev/newsbot/corpus/datadir"
	"github.com/newsbot-dev/newsbot/corpus/index"
)

// pathList is a repeatable flag.
type pathList struct {
	paths []string
}

func (p *pathList) String() string { return strings.Join(p.paths, string(filepath.ListSeparator)) }

func (p *pathList) Set(s string) error {
	if s == "" {
		return errors.New("empty path")
	}
	p.paths = append(p.paths, s)
	return nil
}

// dataDir returns the data directory: NEWSBOT_DATA (or --data), whose
// default is defaultDataDir's.
func (e *environ) dataDir() (string, error) {
	if d := e.set.str("NEWSBOT_DATA"); d != "" {
		return d, nil
	}
	return "", errors.New("no data directory: set --data or NEWSBOT_DATA")
}

// defaultDataDir is NEWSBOT_DATA's default: $XDG_DATA_HOME/newsbot, else
// ~/.local/share/newsbot; "" with neither XDG_DATA_HOME nor HOME.
func defaultDataDir(getenv func(string) string) string {
	if x := getenv("XDG_DATA_HOME"); x != "" {
		return filepath.Join(x, "newsbot")
	}
	if home := getenv("HOME"); home != "" {
		return filepath.Join(home, ".local", "share", "newsbot")
	}
	return ""
}

// open finds the coverage to answer from (see datadir.Open): --corpus
// files, else the data directory's ingested index when --data was given or
// feeds are watched (empty until the watch adds to it), else the index
// "bot ingest" made in the default data directory when there is one (the
// person ingested it to ask about it), else the built-in coverage. The
// coverage's Label says which, and every command that answers shows it.
// log receives a line about each file refused while indexing --corpus
// files, made safe for a terminal (cleanWriter).
func (e *environ) open(log io.Writer) (datadir.Coverage, error) {
	var data string
	corpus := e.set.paths("NEWSBOT_CORPUS")
	if len(corpus) == 0 && len(e.feeds()) > 0 {
		return e.watchedCoverage()
	}
	if e.set.given("NEWSBOT_DATA") || len(corpus) > 0 {
		d, err := e.dataDir()
		if err != nil {
			return datadir.Coverage{}, err
		}
		data = d
	} else if d, err := e.dataDir(); err == nil && hasIngested(d) {
		data = d
	}
	return datadir.Open(data, corpus, cleanWriter{log})
}

// hasIngested reports whether "bot ingest" has made an index in the data
// directory data.
func hasIngested(data string) bool {
	for _, name := range []string{index.ManifestFile, index.IndexFile} {
		if _, err := os.Stat(filepath.Join(datadir.IngestedDir(data), name)); err == nil {
			return true
		}
	}
	return false
}
