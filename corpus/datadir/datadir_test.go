package datadir

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/newsbot-dev/newsbot"
	"github.com/newsbot-dev/newsbot/corpus/index"
)

func write(t *testing.T, name, text string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(name, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}

// questions are asked of every index the tests compare: each names one of
// the files they write.
var questions = []string{
	"What flooded Valencia?",
	"What closed the Pyrenees passes?",
	"Who opened the Lisbon bridge?",
	"What damaged the Seville cathedral?",
}

// answers gives what the bot answers from cov to each question, and the
// IDs of the articles cov holds.
func answers(t *testing.T, cov Coverage) (map[string]newsbot.Answer, []string) {
	t.Helper()
	b := &newsbot.Bot{Retriever: cov.Index}
	out := map[string]newsbot.Answer{}
	for _, q := range questions {
		a, err := b.Answer(context.Background(), q)
		if err != nil {
			t.Fatal(err)
		}
		a.Timing = newsbot.Timing{}
		out[q] = a
	}
	var ids []string
	for _, q := range questions {
		ev, _ := cov.Index.Retrieve(context.Background(), q, 10)
		for _, e := range ev {
			ids = append(ids, e.ArticleID)
		}
	}
	sort.Strings(ids)
	return out, ids
}

// An index kept under the data directory and brought up to date answers as
// one built from scratch from the same files, whatever changed between two
// runs. The hidden cases are the bug the one selection rule fixes: the
// incremental path used to read a hidden file that a fresh build skips.
func TestCorpusUpdateAnswersAsFreshBuild(t *testing.T) {
	tests := []struct {
		name   string
		change func(t *testing.T, src string)
		// reads says whether the change adds an article a fresh build reads.
		reads bool
	}{
		{"hidden file", func(t *testing.T, src string) {
			write(t, filepath.Join(src, ".draft.txt"), "Snow closed the Pyrenees passes on Tuesday.\n")
		}, false},
		{"file in a hidden directory", func(t *testing.T, src string) {
			write(t, filepath.Join(src, ".cache", "b.txt"), "Snow closed the Pyrenees passes on Tuesday.\n")
		}, false},
		{"link to a directory", func(t *testing.T, src string) {
			other := t.TempDir()
			write(t, filepath.Join(other, "b.txt"), "Snow closed the Pyrenees passes on Tuesday.\n")
			if err := os.Symlink(other, filepath.Join(src, "linked")); err != nil {
				t.Fatal(err)
			}
		}, false},
		{"new file", func(t *testing.T, src string) {
			write(t, filepath.Join(src, "b.txt"), "Snow closed the Pyrenees passes on Tuesday.\n")
		}, true},
		{"new file in a subdirectory", func(t *testing.T, src string) {
			write(t, filepath.Join(src, "sub", "c.txt"), "The mayor opened the Lisbon bridge to traffic.\n")
		}, true},
		{"link to a file", func(t *testing.T, src string) {
			other := t.TempDir()
			write(t, filepath.Join(other, "b.txt"), "Snow closed the Pyrenees passes on Tuesday.\n")
			if err := os.Symlink(filepath.Join(other, "b.txt"), filepath.Join(src, "b.txt")); err != nil {
				t.Fatal(err)
			}
		}, true},
		{"changed file", func(t *testing.T, src string) {
			name := filepath.Join(src, "a.txt")
			write(t, name, "An earthquake damaged the Seville cathedral on Monday.\n")
			// The stamp is size and modification time: make sure it moves.
			later := time.Now().Add(time.Minute)
			os.Chtimes(name, later, later)
		}, true},
		{"removed file", func(t *testing.T, src string) {
			os.Remove(filepath.Join(src, "d.txt"))
		}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := t.TempDir()
			write(t, filepath.Join(src, "a.txt"), "Heavy rain flooded the streets of Valencia on Monday.\n")
			write(t, filepath.Join(src, "d.txt"), "Fire damaged the Seville cathedral roof.\n")
			data := t.TempDir()
			var log bytes.Buffer
			before, err := Open(data, []string{src}, &log)
			if err != nil {
				t.Fatal(err)
			}
			tt.change(t, src)

			updated, err := Open(data, []string{src}, &log)
			if err != nil {
				t.Fatal(err)
			}
			fresh, err := Open(t.TempDir(), []string{src}, &log)
			if err != nil {
				t.Fatal(err)
			}
			gotAnswers, gotIDs := answers(t, updated)
			wantAnswers, wantIDs := answers(t, fresh)
			if updated.Index.Len() != fresh.Index.Len() || !reflect.DeepEqual(gotIDs, wantIDs) {
				t.Errorf("updated index holds %d articles %v, a fresh build %d %v", updated.Index.Len(), gotIDs, fresh.Index.Len(), wantIDs)
			}
			for _, q := range questions {
				if !reflect.DeepEqual(gotAnswers[q], wantAnswers[q]) {
					t.Errorf("%q: updated index answers %q, a fresh build %q", q, gotAnswers[q].Text, wantAnswers[q].Text)
				}
			}
			if changed := !reflect.DeepEqual(answersOnly(t, before), answersOnly(t, fresh)); changed != tt.reads {
				t.Errorf("the change altered the answers: %v, want %v", changed, tt.reads)
			}
		})
	}
}

func answersOnly(t *testing.T, cov Coverage) map[string]newsbot.Answer {
	a, _ := answers(t, cov)
	return a
}

func TestOpenChoosesCoverage(t *testing.T) {
	var log bytes.Buffer
	cov, err := Open("", nil, &log)
	if err != nil || cov.Index.Len() != 2 || !strings.HasPrefix(cov.Label, "the built-in coverage (2 articles") {
		t.Errorf("no data, no corpus: %q, %v; want the built-in coverage", cov.Label, err)
	}

	data := t.TempDir()
	if _, err := Open(data, nil, &log); err == nil || !strings.Contains(err.Error(), "nothing has been ingested into "+data) {
		t.Errorf("empty data directory: err = %v", err)
	}
	src := t.TempDir()
	write(t, filepath.Join(src, "a.txt"), "Heavy rain flooded the streets of Valencia on Monday.\n")
	if _, err := Ingest(context.Background(), data, []string{src}, nil); err != nil {
		t.Fatal(err)
	}
	cov, err = Open(data, nil, &log)
	if err != nil || cov.Label != "1 articles ingested in "+data {
		t.Errorf("after ingest: %q, %v", cov.Label, err)
	}

	cov, err = Open(data, []string{src}, &log)
	if err != nil || !strings.HasPrefix(cov.Label, src+" (indexed in "+filepath.Join(data, "corpora")) {
		t.Errorf("corpus: %q, %v", cov.Label, err)
	}
	if _, err := Open("", []string{src}, &log); err == nil {
		t.Error("corpus without a data directory: no error")
	}
	if _, err := Open(data, []string{filepath.Join(src, "missing")}, &log); err == nil {
		t.Error("missing corpus path: no error")
	}
	if log.Len() != 0 {
		t.Errorf("log: %s", log.String())
	}
}

func TestOpenCorpusLogsRefusedFiles(t *testing.T) {
	src := t.TempDir()
	write(t, filepath.Join(src, "a.txt"), "Heavy rain flooded the streets of Valencia on Monday.\n")
	write(t, filepath.Join(src, "empty.txt"), "")
	write(t, filepath.Join(src, "feed.jsonl"), `{"id":"x","body":"Snow closed the passes."}`+"\nnot json\n")
	var log bytes.Buffer
	cov, err := Open(t.TempDir(), []string{src}, &log)
	if err != nil {
		t.Fatal(err)
	}
	if cov.Index.Len() != 2 {
		t.Errorf("Len = %d, want 2", cov.Index.Len())
	}
	for _, want := range []string{
		filepath.Join(src, "empty.txt") + ": refused: empty file\n",
		filepath.Join(src, "feed.jsonl") + ":2: refused: line 2: invalid JSON",
	} {
		if !strings.Contains(log.String(), want) {
			t.Errorf("log lacks %q:\n%s", want, log.String())
		}
	}
	// Nothing readable at all is an error, not an empty index.
	bad := t.TempDir()
	write(t, filepath.Join(bad, "empty.txt"), "")
	if _, err := Open(t.TempDir(), []string{bad}, &log); err == nil || !strings.Contains(err.Error(), "no articles could be read") {
		t.Errorf("unreadable corpus: err = %v", err)
	}
}

func TestIngestSavesOnlyChanges(t *testing.T) {
	data := t.TempDir()
	src := t.TempDir()
	write(t, filepath.Join(src, "a.txt"), "Heavy rain flooded the streets of Valencia on Monday.\n")
	write(t, filepath.Join(src, ".hidden.txt"), "Snow closed the Pyrenees passes on Tuesday.\n")
	in, err := Ingest(context.Background(), data, []string{src}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(in.Counts, []Counts{{Added: 1}}) || in.Articles != 1 {
		t.Fatalf("first ingest: %v, %d articles", in.Counts, in.Articles)
	}
	name := filepath.Join(IngestedDir(data), index.ManifestFile)
	st, err := os.Stat(name)
	if err != nil {
		t.Fatal(err)
	}
	in, err = Ingest(context.Background(), data, []string{src}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(in.Counts, []Counts{{Duplicate: 1}}) {
		t.Errorf("second ingest: %v, want one duplicate", in.Counts)
	}
	if st2, err := os.Stat(name); err != nil || !st2.ModTime().Equal(st.ModTime()) {
		t.Errorf("index rewritten although nothing changed (%v)", err)
	}

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	write(t, filepath.Join(src, "b.txt"), "Snow closed the Pyrenees passes on Tuesday.\n")
	if _, err := Ingest(ctx, data, []string{src}, nil); err == nil {
		t.Error("cancelled ingest: no error")
	}
	if ix, err := index.OpenDisk(IngestedDir(data)); err != nil || ix.Len() != 1 {
		t.Errorf("cancelled ingest changed the index: %v", err)
	}
}
