package load

import (
	"bytes"
	"testing"
	"unicode/utf8"

	"github.com/newsbot-dev/newsbot/corpus"
)

// One fuzz target a format, so that each can be run on its own
// (go test -run '^$' -fuzz FuzzLoadHTML ./corpus/load). No input may make
// a parser panic (the Loader's recover is not on these paths: they call the
// parsers directly), and an article that is loaded is one the index can
// take: an ID, a non-empty body, a text start within it, metadata within
// the bound.

func FuzzLoadText(f *testing.F) {
	for _, s := range []string{
		"Headline\n\nMOSCOW, (Reuters) – Body.\n\nAround the Web",
		"By Jane Doe\n\nNew York CNN —\n\nBody. More body.\n",
		"\xef\xbb\xbfA \u200bline\r\nwith\rbreaks\x00",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) { fuzzDocument(t, formatText, data) })
}

func FuzzLoadMarkdown(f *testing.F) {
	for _, s := range []string{
		"---\ntitle: x\nauthors: [a, b]\npublished: 2009-10-13\n---\n# H\n\nBody",
		"# Title\n\nMOSCOW, (Reuters) – Body *with* [a link](http://x).\n",
		"---\n: [\n---\nBody",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) { fuzzDocument(t, formatMarkdown, data) })
}

func FuzzLoadHTML(f *testing.F) {
	for _, s := range []string{
		"<html><body><p hidden>x</p><p>Body text.</p></body></html>",
		`<html><head><meta charset="windows-1252"><title>T</title><link rel="canonical" href="https://e.example/a"><meta property="article:published_time" content="2009-10-13T10:00:00Z"></head><body><article><h1>T</h1><p>First paragraph of the story.<br>Second line.</p><pre>  kept  </pre><script>x()</script></article></body></html>`,
		"<p style=\"display:none\">hidden</p><p>&amp; &#8203; text</p>",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) { fuzzDocument(t, formatHTML, data) })
}

func FuzzLoadJSONL(f *testing.F) {
	for _, s := range []string{
		`{"id":"a","body":"New York CNN —\n\nBody"}`,
		"{\"id\": 7, \"title\": \"T\", \"source\": \"Reuters\", \"published\": \"26-FEB-1987 15:01:01.79\", \"dateline\": \"NEW YORK, Feb 26 -\", \"author\": [{\"name\": \"A\"}, \"B\"], \"body\": \"Text.\"}\n\n[1]\n{\"body\": 3}\n",
		"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff",
	} {
		f.Add([]byte(s))
	}
	var l Loader
	f.Fuzz(func(t *testing.T, data []byte) {
		if a, reason := l.parseRecord(data); reason == "" {
			checkLoaded(t, &l, a)
		}
		var rep Report
		l.loadJSONL(&rep, bytes.NewReader(data))
		for _, a := range rep.Articles {
			checkLoaded(t, &l, a)
		}
		for _, p := range rep.Problems {
			if p.Reason == "" || !utf8.ValidString(p.Reason) {
				t.Errorf("problem %+v: no reason, or not UTF-8", p)
			}
		}
	})
}

func fuzzDocument(t *testing.T, f format, data []byte) {
	var l Loader
	a, err := l.parseDocument(f, "x", data)
	if err != nil {
		if err.Error() == "" {
			t.Error("a refusal without a reason")
		}
		return
	}
	checkLoaded(t, &l, a)
	if !utf8.ValidString(a.Body) {
		t.Errorf("body is not UTF-8: %q", a.Body)
	}
}

// checkLoaded checks what every loaded article must hold.
func checkLoaded(t *testing.T, l *Loader, a corpus.Article) {
	t.Helper()
	if a.ID == "" || a.Body == "" || a.TextStart < 0 || a.TextStart > len(a.Body) {
		t.Errorf("bad article %+v", a)
	}
	for _, v := range []string{a.ID, a.Title, a.Outlet, a.URL, a.Author, a.Place} {
		if len(v) > l.maxMetadataBytes() {
			t.Errorf("metadata of %d bytes, over the bound", len(v))
		}
	}
}
