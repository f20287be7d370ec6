package main

import (
	"path/filepath"
	"testing"
)

// A hidden file that appears in a --corpus directory is skipped by the
// run that brings the kept index up to date, as a fresh build skips it:
// both answer the same.
func TestCorpusHiddenFileAnswersAsFreshBuild(t *testing.T) {
	src := t.TempDir()
	data := t.TempDir()
	writeFiles(t, src, map[string][]byte{
		"a.txt": []byte("Heavy rain flooded the streets of Valencia on Monday.\n"),
	})
	ask := func(data string, q string) string {
		t.Helper()
		out, err := runBot(t, map[string]string{"NEWSBOT_DATA": data}, "", "--corpus", src, "ask", q)
		if err != nil {
			t.Fatalf("%v\n%s", err, out)
		}
		return out
	}
	ask(data, "What flooded Valencia?")
	writeFiles(t, src, map[string][]byte{
		".draft.txt":          []byte("Snow closed the Pyrenees passes on Tuesday.\n"),
		".git/COMMIT_EDITMSG": []byte("Snow closed the Pyrenees passes on Tuesday.\n"),
	})
	for _, q := range []string{"What closed the Pyrenees passes?", "What flooded Valencia?"} {
		updated, fresh := ask(data, q), ask(filepath.Join(t.TempDir(), "fresh"), q)
		if updated != fresh {
			t.Errorf("%q: the kept index answers\n%s\na fresh build\n%s", q, updated, fresh)
		}
	}
}
