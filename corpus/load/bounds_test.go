package load

import (
	"encoding/json"
	"strings"
	"testing"
	"testing/fstest"
)

// Metadata is bounded at ingest, in every format (finding 6 of issue 10:
// JSON Lines titles and outlets of 200 KB were accepted). An article with a
// field over the limit is refused, naming the field; the rest of its file
// loads; a field at the limit is accepted, and bounded for people like any
// other (see BoundMetadata).
func TestMetadataIsBounded(t *testing.T) {
	long := strings.Repeat("x", 200_000)
	atLimit := strings.Repeat("y", defaultMaxMetadataBytes)
	over := atLimit + "y"
	record := func(fields map[string]string) string {
		m := map[string]string{"body": "The central bank raised rates on Tuesday."}
		for k, v := range fields {
			m[k] = v
		}
		b, _ := json.Marshal(m)
		return string(b)
	}
	fsys := fstest.MapFS{
		"feed.jsonl": {Data: []byte(strings.Join([]string{
			record(map[string]string{"id": "ok", "title": atLimit, "source": atLimit}),
			record(map[string]string{"id": "title", "title": long}),
			record(map[string]string{"id": "outlet", "source": over}),
			record(map[string]string{"id": "url", "url": "https://example.com/" + long}),
			record(map[string]string{"id": "author", "author": long}),
			record(map[string]string{"id": long}),
			record(map[string]string{"id": "after"}),
		}, "\n"))},
		"page.html": {Data: []byte("<html><head><title>" + long + "</title></head><body><article><p>The central bank raised rates on Tuesday, its first rise in a year.</p></article></body></html>")},
		"story.md":  {Data: []byte("---\ntitle: Rates\nsource: " + long + "\n---\nThe central bank raised rates on Tuesday.\n")},
		"story.txt": {Data: []byte("Headline\n\nLONDON, (Reuters) – The central bank raised rates.\n")},
	}
	var l Loader
	reports := l.LoadFS(fsys, ".")
	byPath := map[string]Report{}
	for _, r := range reports {
		byPath[r.Path] = r
	}

	feed := byPath["feed.jsonl"]
	var ids []string
	for _, a := range feed.Articles {
		ids = append(ids, a.ID)
	}
	if strings.Join(ids, " ") != "ok after" {
		t.Errorf("feed.jsonl loaded %q, want ok and after", ids)
	}
	// A field at the limit is not refused; BoundMetadata then makes it
	// what a person reads: the title cut at maxTitleRunes, the outlet,
	// one "word" of 2 KiB, no name.
	if len(feed.Articles) > 0 {
		a := feed.Articles[0]
		if !strings.HasPrefix(a.Title, atLimit[:maxTitleRunes-1]) || !strings.HasSuffix(a.Title, "…") || a.Outlet != "" {
			t.Errorf("metadata at the limit: title %d bytes, outlet %q", len(a.Title), a.Outlet)
		}
	}
	wantLines := []string{
		"line 2: title is 195.3 KiB; metadata is limited to 2048 bytes a field",
		"line 3: outlet is 2049 bytes; metadata is limited to 2048 bytes a field",
		"line 4: URL is 195.3 KiB; metadata is limited to 2048 bytes a field",
		"line 5: author is 195.3 KiB; metadata is limited to 2048 bytes a field",
		"line 6: id is 195.3 KiB; metadata is limited to 2048 bytes a field",
	}
	if len(feed.Problems) != len(wantLines) {
		t.Fatalf("feed.jsonl problems: %v", feed.Problems)
	}
	for i, p := range feed.Problems {
		if !strings.HasPrefix(p.Reason, wantLines[i]) || p.Line != i+2 {
			t.Errorf("problem %d = line %d %q, want %q", i, p.Line, p.Reason, wantLines[i])
		}
	}
	for path, want := range map[string]string{
		"page.html": "title is 195.3 KiB; metadata is limited to 2048 bytes a field",
		"story.md":  "outlet is 195.3 KiB; metadata is limited to 2048 bytes a field",
	} {
		r := byPath[path]
		if len(r.Articles) != 0 || len(r.Problems) != 1 || r.Problems[0].Reason != want {
			t.Errorf("%s: %d articles, problems %v; want refused: %s", path, len(r.Articles), r.Problems, want)
		}
	}
	if r := byPath["story.txt"]; len(r.Articles) != 1 || len(r.Problems) != 0 {
		t.Errorf("story.txt: %+v", r)
	}
	// A smaller limit set on the Loader is the one applied.
	small := Loader{MaxMetadataBytes: 8}
	r := small.LoadFS(fstest.MapFS{"a.jsonl": {Data: []byte(record(map[string]string{"id": "a", "title": "A headline"}))}}, "a.jsonl")[0]
	if len(r.Problems) != 1 || r.Problems[0].Reason != "line 1: title is 10 bytes; metadata is limited to 8 bytes a field" {
		t.Errorf("MaxMetadataBytes 8: %v", r.Problems)
	}
}
