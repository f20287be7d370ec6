package load

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/newsbot-dev/newsbot/corpus"
)

// TestWriteJSONLRoundTrip: what WriteJSONL writes, Load reads back as the
// same articles, invisible characters and odd bytes of the body included.
func TestWriteJSONLRoundTrip(t *testing.T) {
	arts := []corpus.Article{
		{ID: "a1", Title: "Dam talks resume", Outlet: "The Example Herald", Wire: "Reuters", URL: "https://herald.example.com/a1",
			Published: time.Date(2021, 3, 4, 9, 30, 0, 0, time.UTC), Author: "Jane Q. Reporter", Language: "en", Place: "GENEVA",
			Body: "GENEVA (Reuters) – Talks resumed.\r\n\nA line with <tags> & a zero\u200bwidth space, “quotes” and a selector\uFE0F."},
		{ID: "b2", Body: "No metadata at all."},
	}
	var buf bytes.Buffer
	n, err := WriteJSONL(&buf, slices.Values(arts))
	if err != nil || n != 2 {
		t.Fatalf("WriteJSONL = %d, %v", n, err)
	}
	path := filepath.Join(t.TempDir(), "export.jsonl")
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	reps := (&Loader{}).Load(path)
	if len(reps) != 1 || len(reps[0].Problems) > 0 || len(reps[0].Articles) != 2 {
		t.Fatalf("reports %+v", reps)
	}
	for i, got := range reps[0].Articles {
		want := arts[i]
		want.Source = got.Source
		if i == 0 {
			want.TextStart = got.TextStart // from the dateline, as any load finds it
			if got.TextStart == 0 {
				t.Error("dateline not found again")
			}
		}
		if got != want {
			t.Errorf("article %d:\n got %+v\nwant %+v", i, got, want)
		}
	}
}
