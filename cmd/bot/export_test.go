package main

import (
	"bytes"
	"compress/gzip"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestExportRoundTrip: export what was ingested, ingest the export into a
// new data directory, and the bot answers the same, from the same
// articles.
func TestExportRoundTrip(t *testing.T) {
	src, data, moved := t.TempDir(), t.TempDir(), t.TempDir()
	page := `<html lang="en"><head><title>Dam talks resume</title><meta property="og:site_name" content="The Example Herald">
<link rel="canonical" href="https://herald.example.com/dam"><meta property="article:published_time" content="2021-03-04T09:30:00Z"></head>
<body><article><h1>Dam talks resume</h1><p>GENEVA (Reuters) - Negotiators from the three river states met again on Monday to share the water of the upper basin, officials said.</p>
<p>The treaty would set quotas for the dry season, when the lower basin depends on releases from dams upstream, and a joint commission would settle disputes.</p>
<p>Observers said an agreement before the summer would need concessions from all three capitals.</p></article></body></html>`
	writeFiles(t, src, map[string][]byte{
		"a.txt":       []byte("Floods in Valencia\n\nHeavy rain flooded the streets of Valencia on Monday.\n"),
		"b.md":        []byte("---\ntitle: Snow in the Pyrenees\nsource: Example Gazette\npublished: 2020-11-05\n---\nSnow closed the passes of the Pyrenees on Tuesday.\n"),
		"c.html":      []byte(page),
		"d.jsonl":     []byte(`{"id":"r1","title":"Oil falls","source":"Reuters","url":"https://example.com/oil","published":"1987-02-26","body":"Oil prices fell\u200b sharply on Thursday after the OPEC meeting ended without a deal."}` + "\n"),
		"e.html.gz":   gzipBytes(t, []byte(strings.NewReplacer("Dam talks resume", "Second dam story", "Observers said", "Farmers said").Replace(page))),
		"notes.jsonl": []byte(`{"id":"n1","body":"The ferry to Tangier was cancelled because of high winds in the strait."}` + "\n"),
	})
	if out, err := runBot(t, nil, "", "--data", data, "ingest", src); err != nil {
		t.Fatalf("ingest: %v\n%s", err, out)
	}
	export := filepath.Join(t.TempDir(), "export.jsonl.gz")
	if out, err := runBot(t, nil, "", "--data", data, "export", "--out", export); err != nil || !strings.Contains(out, "exported 6 articles") {
		t.Fatalf("export: %v\n%s", err, out)
	}
	if out, err := runBot(t, nil, "", "--data", moved, "ingest", export); err != nil || !strings.Contains(out, "6 added") {
		t.Fatalf("ingest the export: %v\n%s", err, out)
	}
	questions := []string{
		"What flooded Valencia?", "What closed the Pyrenees passes?", "What would the treaty set?",
		"Why did oil prices fall?", "Why was the ferry to Tangier cancelled?", "Who won the 2018 World Cup?",
	}
	for _, q := range questions {
		before, err1 := runBot(t, nil, "", "--data", data, "ask", q)
		after, err2 := runBot(t, nil, "", "--data", moved, "ask", q)
		if err1 != nil || err2 != nil || before != after {
			t.Errorf("%q:\nbefore (%v):\n%s\nafter (%v):\n%s", q, err1, before, err2, after)
		}
	}
	out, _ := runBot(t, nil, "", "--data", moved, "ask", "What would the treaty set?")
	if !strings.Contains(out, "The Example Herald (via Reuters)") {
		t.Errorf("the wire is lost in the move:\n%s", out)
	}
	// And the export of the moved collection is the same, byte for byte.
	first, _ := runBot(t, nil, "", "--data", data, "export")
	second, _ := runBot(t, nil, "", "--data", moved, "export")
	if first != second || strings.Count(first, "\n") != 6 {
		t.Errorf("exports differ:\n%s\n---\n%s", first, second)
	}
	if _, err := os.Stat(export); err != nil {
		t.Error(err)
	}
}

func gzipBytes(t *testing.T, b []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write(b)
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}
