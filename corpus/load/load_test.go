package load

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/newsbot-dev/newsbot/corpus"
	"github.com/newsbot-dev/newsbot/corpus/builtin"
)

// articlesOf flattens reports into their articles, failing the test on
// any problem.
func articlesOf(t *testing.T, reports []Report) []corpus.Article {
	t.Helper()
	var out []corpus.Article
	for _, r := range reports {
		for _, p := range r.Problems {
			if !strings.HasSuffix(r.Path, ".go") {
				t.Errorf("%s: unexpected problem %+v", r.Path, p)
			}
		}
		out = append(out, r.Articles...)
	}
	return out
}

func checkBuiltin(t *testing.T, arts []corpus.Article) {
	t.Helper()
	if len(arts) != 2 {
		t.Fatalf("got %d articles, want 2", len(arts))
	}
	reuters, other := arts[0], arts[1]
	if reuters.Title != "Clinton fails to win Russia pledge on Iran sanctions" {
		t.Errorf("Title = %q", reuters.Title)
	}
	if reuters.Outlet != "Reuters" || reuters.Place != "MOSCOW" {
		t.Errorf("Outlet, Place = %q, %q; want Reuters, MOSCOW", reuters.Outlet, reuters.Place)
	}
	if strings.Contains(reuters.Body, "Around the Web") {
		t.Errorf("Body keeps the scraped tail: ...%q", reuters.Body[len(reuters.Body)-40:])
	}
	if !strings.HasPrefix(reuters.Body, "MOSCOW, (Reuters) – ") {
		t.Errorf("Body starts %q, want the dateline kept in the body", reuters.Body[:30])
	}
	if !strings.HasPrefix(reuters.Body[reuters.TextStart:], "U.S. Secretary of State") {
		t.Errorf("Body[TextStart:] starts %q", reuters.Body[reuters.TextStart:][:30])
	}
	if !strings.HasSuffix(reuters.Body, "such punitive measures.") {
		t.Errorf("Body ends %q", reuters.Body[len(reuters.Body)-40:])
	}
	if !reuters.Published.IsZero() || reuters.URL != "" || reuters.Author != "" {
		t.Errorf("invented metadata: %+v", reuters)
	}
	if other.Title != "" || other.Outlet != "" || other.Place != "" || other.Author != "" || other.URL != "" || !other.Published.IsZero() || other.TextStart != 0 {
		t.Errorf("invented metadata for the unnamed article: %+v", other)
	}
	if !strings.HasPrefix(other.Body, "US secretary of state Hillary Clinton met") {
		t.Errorf("Body starts %q", other.Body[:40])
	}
	for _, a := range arts {
		if len(a.ID) != 16 || a.ID != contentID(a.Body) {
			t.Errorf("ID = %q, want the body's hash", a.ID)
		}
		if a.Body != strings.TrimSpace(a.Body) {
			t.Errorf("%s: Body not trimmed", a.ID)
		}
	}
}

func TestLoadBuiltin(t *testing.T) {
	var l Loader
	arts := articlesOf(t, l.Load("../builtin"))
	checkBuiltin(t, arts)
	if !strings.HasSuffix(arts[0].Source, "000_3514fc6bf323e398.txt") {
		t.Errorf("Source = %q", arts[0].Source)
	}
}

func TestLoadFSBuiltin(t *testing.T) {
	var l Loader
	reports := l.LoadFS(builtin.FS, ".")
	checkBuiltin(t, articlesOf(t, reports))
	// The same text from disk and from the embedded copy is the same article.
	disk := articlesOf(t, l.Load("../builtin"))
	emb := articlesOf(t, reports)
	for i := range emb {
		if emb[i].ID != disk[i].ID || emb[i].Body != disk[i].Body {
			t.Errorf("embedded article %d differs from the one on disk", i)
		}
	}
}

func TestLoadFixtures(t *testing.T) {
	var l Loader
	reports := l.Load("testdata/articles")
	got := map[string]corpus.Article{}
	for _, r := range reports {
		if len(r.Problems) > 0 || len(r.Articles) != 1 {
			t.Fatalf("%s: %d articles, problems %v", r.Path, len(r.Articles), r.Problems)
		}
		got[filepath.Base(r.Path)] = r.Articles[0]
	}

	h := got["page.html"]
	wantHTML := corpus.Article{
		Title:     "Talks stall on the river treaty",
		Outlet:    "The Example Herald",
		URL:       "https://herald.example.com/2021/03/04/river-treaty",
		Published: time.Date(2021, 3, 4, 9, 30, 0, 0, time.UTC),
		Author:    "Jane Q. Reporter",
		Place:     "GENEVA",
	}
	if h.Title != wantHTML.Title || h.Outlet != wantHTML.Outlet || h.URL != wantHTML.URL ||
		!h.Published.Equal(wantHTML.Published) || h.Author != wantHTML.Author || h.Place != wantHTML.Place {
		t.Errorf("HTML metadata = %+v", h)
	}
	for _, hidden := range []string{"SCRIPT", "HIDDEN", "DISPLAY", "NOSCRIPT", "TEMPLATE", "promo", "Home", "Copyright"} {
		if strings.Contains(h.Body, hidden) {
			t.Errorf("HTML body contains %q:\n%s", hidden, h.Body)
		}
	}
	paras := strings.Split(h.Body, "\n\n")
	if len(paras) != 5 {
		t.Errorf("HTML body has %d paragraphs, want 5:\n%s", len(paras), h.Body)
	}
	for _, want := range []string{
		"“We are closer than we were,” said one negotiator",                 // entities decoded
		"quotas for the dry season, when",                                   // source line break collapsed
		"dams upstream.\nFarmers on both banks",                             // <br>
		"40\u00a0percent",                                                   // &nbsp; kept verbatim
		"had already passed without comment.",                               // last paragraph
		"GENEVA (Reuters) – Negotiators from the three river states failed", // dateline in the body
	} {
		if !strings.Contains(h.Body, want) {
			t.Errorf("HTML body lacks %q:\n%s", want, h.Body)
		}
	}
	if !strings.HasPrefix(h.Body[h.TextStart:], "Negotiators") {
		t.Errorf("HTML TextStart at %q", h.Body[h.TextStart:][:20])
	}

	m := got["story.md"]
	if m.ID != "gazette-bridge-1" || m.Title != "Council approves the new bridge" || m.Outlet != "Example Gazette" ||
		m.URL != "https://gazette.example.org/news/bridge" || m.Author != "Ann Writer, Bo Editor" ||
		!m.Published.Equal(time.Date(2020, 11, 5, 0, 0, 0, 0, time.UTC)) || m.Place != "SPRINGFIELD" {
		t.Errorf("Markdown metadata = %+v", m)
	}
	if !strings.HasPrefix(m.Body, "SPRINGFIELD, Nov 4 (Reuters) - The city council") || strings.Contains(m.Body, "# Council") {
		t.Errorf("Markdown body starts %q", m.Body[:40])
	}
	if !strings.Contains(m.Body, "a *second* bridge") || !strings.HasSuffix(m.Body, "[statement](https://example.org/statement).") {
		t.Errorf("Markdown body should keep inline markup and drop the tail:\n%s", m.Body)
	}

	x := got["story.txt"]
	if x.Title != "Ministers agree on fishing quotas" || x.Outlet != "AP" || x.Place != "BRUSSELS" ||
		!strings.HasPrefix(x.Body[x.TextStart:], "European Union ministers") || !strings.HasSuffix(x.Body, "by a tenth.") {
		t.Errorf("text article = %+v", x)
	}
}

// gz compresses s.
func gz(t *testing.T, s string) []byte {
	t.Helper()
	var b bytes.Buffer
	w := gzip.NewWriter(&b)
	if _, err := w.Write([]byte(s)); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// TestLoadBadInput loads a directory of good files in every format mixed
// with every kind of bad input: each bad file or record gets a clear
// problem, and every good article is still there.
func TestLoadBadInput(t *testing.T) {
	dir := t.TempDir()
	longBody := strings.Repeat("A sentence that goes on. ", 100) // 2,500 bytes
	goodJSONL := `{"id":"j1","title":"First","source":"Wire","url":"https://x.example/1","published":"2022-06-12","body":"PARIS (AFP) - First record body."}
{"title":"No id","body":"Second record body.","extra":[1,2,3]}
not json at all
{"id":"j3","title":"No body"}
{"id":"j4","body":"   "}
{"id":"j5","body":` + "\"" + longBody + "\"" + `}

{"id":7,"body":"Numeric id.","author":["A. One","B. Two"],"published":"13 Oct 2009"}
["an","array"]
{"id":"j8","body":12}
{"id":"j9","body":"bad ` + "\xff" + ` byte"}
{"id":"j10","body":"Trailing record without newline."}`
	files := map[string][]byte{
		"good.txt":               []byte("Headline here\n\nWASHINGTON – Plain text body.\n\nRead more\n"),
		"good.md":                []byte("---\ntitle: Markdown title\n---\nMarkdown body.\n"),
		"good.html":              []byte("<html><head><title>Page</title></head><body><article><p>HTML body paragraph that is long enough to be the main text of the page.</p></article></body></html>"),
		"noext":                  []byte("A file without an extension is plain text.\n"),
		"records.jsonl":          []byte(goodJSONL),
		"records.jsonl.gz":       gz(t, `{"id":"g1","body":"Gzip record."}`+"\n"),
		"gzip-named-plain.jsonl": gz(t, `{"id":"g2","body":"Gzip found by magic bytes."}`+"\n"),
		"sub/deeper/nested.txt":  []byte("Nested file body.\n"),
		".hidden.txt":            []byte("Hidden files are skipped.\n"),
		".git/config.txt":        []byte("Hidden directories are skipped.\n"),

		"bad/binary.txt":     []byte("PK\x03\x04\x00\x00binary"),
		"bad/control.txt":    bytes.Repeat([]byte{1, 2, 3, 'a'}, 100),
		"bad/empty.txt":      {},
		"bad/blank.md":       []byte(" \n\t\n  \n"),
		"bad/invisible.txt":  []byte("\u200b\u200b\n\ufeff\n"),
		"bad/latin1.txt":     []byte("Caf\xe9 au lait.\n"),
		"bad/utf16.txt":      {0xFF, 0xFE, 'H', 0, 'i', 0},
		"bad/toolong.txt":    []byte(longBody),
		"bad/report.pdf":     []byte("%PDF-1.4"),
		"bad/frontmatter.md": []byte("---\ntitle: [unclosed\n---\nBody.\n"),
		"bad/onlytail.txt":   []byte("Around the Web\n"),
		"bad/empty.jsonl":    []byte("\n\n"),
		"bad/binary.jsonl":   []byte("\x00\x01\x02"),
		"bad/truncated.jsonl.gz": func() []byte {
			b := gz(t, `{"id":"t1","body":"Before the cut."}`+"\n"+strings.Repeat(`{"id":"tx","body":"filler"}`+"\n", 2000))
			return b[:len(b)/2]
		}(),
	}
	for name, data := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// An unreadable file: a link to nothing.
	if err := os.Symlink(filepath.Join(dir, "missing.txt"), filepath.Join(dir, "bad", "dangling.txt")); err != nil {
		t.Fatal(err)
	}

	l := Loader{MaxArticleBytes: 2000}
	reports := l.Load(dir, filepath.Join(dir, "does-not-exist.txt"))

	byPath := map[string]Report{}
	var order []string
	for _, r := range reports {
		rel, err := filepath.Rel(dir, r.Path)
		if err != nil {
			t.Fatal(err)
		}
		rel = filepath.ToSlash(rel)
		byPath[rel] = r
		order = append(order, rel)
	}
	if !sort.StringsAreSorted(order[:len(order)-1]) || order[len(order)-1] != "does-not-exist.txt" {
		t.Errorf("reports not in lexical order, then the paths' order: %v", order)
	}
	for _, hidden := range []string{".hidden.txt", ".git/config.txt"} {
		if _, ok := byPath[hidden]; ok {
			t.Errorf("hidden %s was loaded", hidden)
		}
	}

	wantProblems := map[string][]string{
		"bad/binary.txt":         {"binary file"},
		"bad/control.txt":        {"binary file"},
		"bad/empty.txt":          {"empty file"},
		"bad/blank.md":           {"empty file"},
		"bad/invisible.txt":      {"empty file"},
		"bad/latin1.txt":         {"not valid UTF-8 at byte 3"},
		"bad/utf16.txt":          {"UTF-16 text, not UTF-8"},
		"bad/toolong.txt":        {"article body is 2499 bytes, over the 2000 bytes limit"},
		"bad/report.pdf":         {`unsupported file type ".pdf"`},
		"bad/frontmatter.md":     {"front matter: invalid YAML"},
		"bad/onlytail.txt":       {"no article text"},
		"bad/empty.jsonl":        {"empty file"},
		"bad/binary.jsonl":       {"binary file"},
		"bad/truncated.jsonl.gz": {"decompress gzip after line"},
		"bad/dangling.txt":       {"open: ", "no such file or directory"},
		"does-not-exist.txt":     {"open: ", "no such file or directory"},
		"records.jsonl": {
			"line 3: invalid JSON: invalid character 'o' in literal null",
			"line 4: missing body",
			"line 5: empty body",
			"line 6: article body is 2500 bytes, over the 2000 bytes limit",
			"line 9: record is not a JSON object",
			"line 10: body is not a string",
			"line 11: not valid UTF-8 at byte 23",
		},
	}
	for path, wants := range wantProblems {
		r, ok := byPath[path]
		if !ok {
			t.Errorf("%s: no report", path)
			continue
		}
		if len(r.Problems) != len(wants) && path != "bad/dangling.txt" && path != "does-not-exist.txt" {
			t.Errorf("%s: problems %v, want %d", path, r.Problems, len(wants))
			continue
		}
		for i, want := range wants {
			p := r.Problems[min(i, len(r.Problems)-1)]
			if !strings.Contains(p.Reason, want) {
				t.Errorf("%s: problem %q, want it to contain %q", path, p.Reason, want)
			}
			if path == "records.jsonl" && !strings.HasPrefix(p.Reason, "line ") {
				t.Errorf("%s: record problem %+v has no line", path, p)
			}
		}
		if strings.HasPrefix(path, "bad/") && path != "bad/truncated.jsonl.gz" && len(r.Articles) != 0 {
			t.Errorf("%s: refused file has articles %+v", path, r.Articles)
		}
		for _, p := range r.Problems {
			if path != "records.jsonl" && p.Line != 0 {
				t.Errorf("%s: file problem with line %d", path, p.Line)
			}
		}
	}
	if rp := byPath["records.jsonl"].Problems; len(rp) > 0 && rp[0].Line != 3 {
		t.Errorf("records.jsonl: first problem at line %d, want 3", rp[0].Line)
	}

	// Every good article is there.
	wantBodies := map[string][]string{
		"good.txt":               {"WASHINGTON – Plain text body."},
		"good.md":                {"Markdown body."},
		"good.html":              {"HTML body paragraph that is long enough to be the main text of the page."},
		"noext":                  {"A file without an extension is plain text."},
		"sub/deeper/nested.txt":  {"Nested file body."},
		"records.jsonl.gz":       {"Gzip record."},
		"gzip-named-plain.jsonl": {"Gzip found by magic bytes."},
		"records.jsonl":          {"PARIS (AFP) - First record body.", "Second record body.", "Numeric id.", "Trailing record without newline."},
		"bad/truncated.jsonl.gz": {"Before the cut."},
	}
	for path, bodies := range wantBodies {
		r := byPath[path]
		if len(r.Articles) < len(bodies) {
			t.Errorf("%s: %d articles, want %d (problems %v)", path, len(r.Articles), len(bodies), r.Problems)
			continue
		}
		for i, b := range bodies {
			if r.Articles[i].Body != b {
				t.Errorf("%s: article %d body %q, want %q", path, i, r.Articles[i].Body, b)
			}
		}
		if !strings.HasPrefix(path, "records") && !strings.HasPrefix(path, "bad/") && path != "gzip-named-plain.jsonl" && len(r.Problems) != 0 {
			t.Errorf("%s: problems %v", path, r.Problems)
		}
	}

	recs := byPath["records.jsonl"].Articles
	if len(recs) == 4 {
		first := recs[0]
		if first.ID != "j1" || first.Title != "First" || first.Outlet != "Wire" || first.URL != "https://x.example/1" ||
			!first.Published.Equal(time.Date(2022, 6, 12, 0, 0, 0, 0, time.UTC)) || first.Place != "PARIS" ||
			first.Body[first.TextStart:] != "First record body." || !strings.HasSuffix(first.Source, "records.jsonl:1") {
			t.Errorf("first record = %+v", first)
		}
		if recs[1].ID != contentID("Second record body.") || recs[1].Outlet != "" || recs[1].Title != "No id" {
			t.Errorf("second record = %+v", recs[1])
		}
		if recs[2].ID != "7" || recs[2].Author != "A. One, B. Two" || !recs[2].Published.Equal(time.Date(2009, 10, 13, 0, 0, 0, 0, time.UTC)) ||
			!strings.HasSuffix(recs[2].Source, ":8") {
			t.Errorf("numeric-id record = %+v", recs[2])
		}
	}
	if g := byPath["good.txt"].Articles; len(g) == 1 && (g[0].Title != "Headline here" || g[0].Place != "WASHINGTON" || g[0].Outlet != "") {
		t.Errorf("good.txt = %+v", g[0])
	}
	if n := byPath["noext"].Articles; len(n) == 1 && n[0].Title != "" {
		t.Errorf("noext has a title %q", n[0].Title)
	}
}

func TestLoadFileLimit(t *testing.T) {
	fsys := fstest.MapFS{
		"big.txt":    {Data: bytes.Repeat([]byte("word "), 400)},
		"big.jsonl":  {Data: []byte(`{"body":"` + strings.Repeat("x", 3000) + `"}`)},
		"small.txt":  {Data: []byte("Small enough.")},
		"dir/a.html": {Data: []byte("<p>Hello there, this is a page.</p>")},
	}
	l := Loader{MaxFileBytes: 1000}
	reports := l.LoadFS(fsys, ".")
	got := map[string]Report{}
	for _, r := range reports {
		got[r.Path] = r
	}
	for _, name := range []string{"big.txt", "big.jsonl"} {
		if p := got[name].Problems; len(p) != 1 || !strings.Contains(p[0].Reason, "over the 1000 bytes limit") {
			t.Errorf("%s: problems %v", name, p)
		}
	}
	if a := got["small.txt"].Articles; len(a) != 1 || a[0].Body != "Small enough." {
		t.Errorf("small.txt: %+v", got["small.txt"])
	}
	if a := got["dir/a.html"].Articles; len(a) != 1 || a[0].Body != "Hello there, this is a page." {
		t.Errorf("dir/a.html: %+v", got["dir/a.html"])
	}
}

// failingFS fails to read one file.
type failingFS struct{ fstest.MapFS }

type failingFile struct{ fs.File }

func (failingFile) Read([]byte) (int, error) { return 0, errors.New("device error") }

func (f failingFS) Open(name string) (fs.File, error) {
	file, err := f.MapFS.Open(name)
	if err == nil && name == "broken.txt" {
		return failingFile{file}, nil
	}
	return file, err
}

func TestLoadFSReadError(t *testing.T) {
	fsys := failingFS{fstest.MapFS{
		"broken.txt": {Data: []byte("Cannot be read.")},
		"fine.txt":   {Data: []byte("Can be read.")},
	}}
	var l Loader
	reports := l.LoadFS(fsys, ".")
	if len(reports) != 2 {
		t.Fatalf("got %d reports", len(reports))
	}
	if p := reports[0].Problems; reports[0].Path != "broken.txt" || len(p) != 1 || p[0].Reason != "read: device error" {
		t.Errorf("broken.txt: %+v", reports[0])
	}
	if len(reports[1].Articles) != 1 {
		t.Errorf("fine.txt: %+v", reports[1])
	}
}

func TestParseTextHeadline(t *testing.T) {
	tests := []struct {
		name, in, title, body string
	}{
		{"headline", "A short headline\n\nThe body.", "A short headline", "The body."},
		{"leading blank lines", "\n\n  A short headline  \n\n\nThe body.\n\n", "A short headline", "The body."},
		{"no blank line after", "First sentence here\nSecond line.", "", "First sentence here\nSecond line."},
		{"sentence", "This is a sentence.\n\nThe body.", "", "This is a sentence.\n\nThe body."},
		{"quoted sentence", "\"We did not ask,\" she said.\n\nThe body.", "", "\"We did not ask,\" she said.\n\nThe body."},
		{"clause", "He said:\n\nThe body.", "", "He said:\n\nThe body."},
		{"question headline", "Is the reset working?\n\nThe body.", "Is the reset working?", "The body."},
		{"byline", "By Jane Doe\n\nThe body.", "", "By Jane Doe\n\nThe body."},
		{"dateline paragraph", "MOSCOW (Reuters) - Talks ended\n\nThe body.", "", "MOSCOW (Reuters) - Talks ended\n\nThe body."},
		{"headline only", "A short headline\n", "", "A short headline"},
		{"too long", strings.Repeat("word ", 30) + "\n\nThe body.", "", strings.Repeat("word ", 30) + "\n\nThe body."},
		{"tail dropped", "Headline\n\nBody.\n\nAround the Web\nYou may also like:\n Advertisement \n", "Headline", "Body."},
		{"tail kept mid-text", "Body.\nAdvertisement\nMore body.", "", "Body.\nAdvertisement\nMore body."},
		{"long last line kept", "Body.\n\nRead more about the talks in our special report on Iran.", "", "Body.\n\nRead more about the talks in our special report on Iran."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := parseText(tt.in)
			if a.Title != tt.title || a.Body != tt.body {
				t.Errorf("parseText(%q) = title %q, body %q; want %q, %q", tt.in, a.Title, a.Body, tt.title, tt.body)
			}
		})
	}
}

func TestParseMarkdown(t *testing.T) {
	tests := []struct {
		name, in  string
		want      corpus.Article
		wantError string
	}{
		{name: "heading as title", in: "# The Title #\n\nBody *text*.", want: corpus.Article{Title: "The Title", Body: "Body *text*."}},
		{name: "level-2 heading stays", in: "## Section\n\nBody.", want: corpus.Article{Body: "## Section\n\nBody."}},
		{name: "no front matter", in: "Body only.", want: corpus.Article{Body: "Body only."}},
		{name: "thematic break, not front matter", in: "---\nBody after a rule.", want: corpus.Article{Body: "---\nBody after a rule."}},
		{name: "front matter keys", in: "---\nTitle: FM title\noutlet: The Outlet\ndate: 2009-10-13T10:00:00Z\nlink: https://e.example/a\nid: 42\nplace: MOSCOW\nbyline: {name: Ann}\n...\n# Heading kept\n\nBody.",
			want: corpus.Article{ID: "42", Title: "FM title", Outlet: "The Outlet", URL: "https://e.example/a", Published: time.Date(2009, 10, 13, 10, 0, 0, 0, time.UTC), Author: "Ann", Place: "MOSCOW", Body: "# Heading kept\n\nBody."}},
		{name: "duplicate heading dropped", in: "---\ntitle: Same\n---\n# same\n\nBody.", want: corpus.Article{Title: "Same", Body: "Body."}},
		{name: "unparseable date", in: "---\npublished: sometime soon\n---\nBody.", want: corpus.Article{Body: "Body."}},
		{name: "empty front matter", in: "---\n---\nBody.", want: corpus.Article{Body: "Body."}},
		{name: "bad yaml", in: "---\ntitle: [x\n---\nBody.", wantError: "front matter: invalid YAML"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, err := parseMarkdown(tt.in)
			if tt.wantError != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantError) {
					t.Errorf("error %v, want %q", err, tt.wantError)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !a.Published.Equal(tt.want.Published) {
				t.Errorf("Published = %v, want %v", a.Published, tt.want.Published)
			}
			a.Published, tt.want.Published = time.Time{}, time.Time{}
			if a != tt.want {
				t.Errorf("got  %+v\nwant %+v", a, tt.want)
			}
		})
	}
}

func TestLoadTextCleaning(t *testing.T) {
	fsys := fstest.MapFS{
		"crlf.txt":    {Data: []byte("Headline\r\n\r\nLine one.\r\nLine two.\r\n")},
		"zw.md":       {Data: []byte("\ufeff# Ti\u200btle\n\nZero\u200bwidth, soft\u00adhyphen and \u202ebidi\u202c text.")},
		"zw.html":     {Data: []byte("<p>Zero&#8203;width and soft&shy;hyphen in a page with enough words to be read.</p>")},
		"zw.jsonl":    {Data: []byte(`{"id":"v","body":"Zero\u200bwidth kept verbatim."}` + "\n")},
		"cp1252.html": {Data: []byte("<html><head><meta charset=\"windows-1252\"></head><body><p>Caf\xe9 \x93quoted\x94 text in a legacy page.</p></body></html>")},
	}
	var l Loader
	got := map[string]corpus.Article{}
	for _, r := range l.LoadFS(fsys, ".") {
		if len(r.Problems) > 0 || len(r.Articles) != 1 {
			t.Fatalf("%s: %+v", r.Path, r)
		}
		got[r.Path] = r.Articles[0]
	}
	if a := got["crlf.txt"]; a.Title != "Headline" || a.Body != "Line one.\nLine two." {
		t.Errorf("crlf.txt = %+v", a)
	}
	if a := got["zw.md"]; a.Title != "Title" || a.Body != "Zerowidth, softhyphen and bidi text." {
		t.Errorf("zw.md = %q, %q", a.Title, a.Body)
	}
	if a := got["zw.html"]; a.Body != "Zerowidth and softhyphen in a page with enough words to be read." {
		t.Errorf("zw.html = %q", a.Body)
	}
	if a := got["zw.jsonl"]; a.Body != "Zero\u200bwidth kept verbatim." {
		t.Errorf("zw.jsonl = %q", a.Body)
	}
	if a := got["cp1252.html"]; a.Body != "Café “quoted” text in a legacy page." {
		t.Errorf("cp1252.html = %q", a.Body)
	}
}

func TestParseDate(t *testing.T) {
	utc := func(y int, m time.Month, d, h, min int) time.Time { return time.Date(y, m, d, h, min, 0, 0, time.UTC) }
	tests := []struct {
		in   string
		want time.Time
	}{
		{"2009-10-13", utc(2009, 10, 13, 0, 0)},
		{"2009-10-13T15:04:05Z", time.Date(2009, 10, 13, 15, 4, 5, 0, time.UTC)},
		{"2009-10-13T15:04:05", time.Date(2009, 10, 13, 15, 4, 5, 0, time.UTC)},
		{"2009-10-13T15:04:05.123+02:00", time.Date(2009, 10, 13, 13, 4, 5, 123e6, time.UTC)},
		{"2009-10-13 15:04", utc(2009, 10, 13, 15, 4)},
		{"October 13, 2009", utc(2009, 10, 13, 0, 0)},
		{"Oct 13, 2009", utc(2009, 10, 13, 0, 0)},
		{"Oct. 13, 2009", utc(2009, 10, 13, 0, 0)},
		{"Sept. 5, 2009", utc(2009, 9, 5, 0, 0)},
		{"13 Oct 2009", utc(2009, 10, 13, 0, 0)},
		{"13 October 2009", utc(2009, 10, 13, 0, 0)},
		{"Tue, 13 Oct 2009 15:04:05 GMT", time.Date(2009, 10, 13, 15, 4, 5, 0, time.UTC)},
		{"  2009-10-13  ", utc(2009, 10, 13, 0, 0)},
		{"", time.Time{}},
		{"yesterday", time.Time{}},
		{"13/10/2009", time.Time{}}, // ambiguous: unknown rather than guessed
	}
	for _, tt := range tests {
		if got := parseDate(tt.in); !got.Equal(tt.want) {
			t.Errorf("parseDate(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

func TestFormatSize(t *testing.T) {
	for n, want := range map[int64]string{
		12: "12 bytes", 2000: "2000 bytes", 20480: "20 KiB", 2 << 20: "2 MiB", 3250586: "3.1 MiB", 1 << 30: "1 GiB",
	} {
		if got := formatSize(n); got != want {
			t.Errorf("formatSize(%d) = %q, want %q", n, got, want)
		}
	}
}

// realtimeQA is the evaluation set whose gold spans are byte offsets into
// the bodies: loading must keep them verbatim.
const realtimeQA = "../../../shared/eval/realtimeqa-2022a"

func TestLoadJSONLVerbatimGold(t *testing.T) {
	articles := filepath.Join(realtimeQA, "articles.jsonl.gz")
	questions := filepath.Join(realtimeQA, "questions.jsonl")
	if _, err := os.Stat(articles); err != nil {
		t.Skip("evaluation set absent:", err)
	}
	var l Loader
	reports := l.Load(articles)
	if len(reports) != 1 || len(reports[0].Problems) != 0 {
		t.Fatalf("reports: %+v", reports[0].Problems)
	}
	byID := map[string]corpus.Article{}
	for _, a := range reports[0].Articles {
		byID[a.ID] = a
	}
	if len(byID) != 2003 {
		t.Errorf("%d articles, want 2003", len(byID))
	}
	first := byID["rtqa-0"]
	if first.Outlet != "CNN" || first.Place != "New York" || !strings.HasPrefix(first.Body, "New York CNN —\n\n") ||
		!strings.HasPrefix(first.Body[first.TextStart:], "“Squid Game” is officially") {
		t.Errorf("rtqa-0 = %q %q %q", first.Outlet, first.Place, first.Body[:40])
	}

	f, err := os.Open(questions)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	spans := 0
	for sc.Scan() {
		var q struct {
			Gold []struct {
				Article    string
				Start, End int
				Text       string
			}
		}
		if err := json.Unmarshal(sc.Bytes(), &q); err != nil {
			t.Fatal(err)
		}
		for _, g := range q.Gold {
			a, ok := byID[g.Article]
			if !ok || g.End > len(a.Body) || a.Body[g.Start:g.End] != g.Text {
				t.Errorf("gold span %s[%d:%d] does not match %q", g.Article, g.Start, g.End, g.Text)
			}
			spans++
		}
	}
	if spans == 0 {
		t.Error("no gold spans checked")
	}
}

const reutersBench = "../../../shared/bench/reuters21578.jsonl.gz"

func TestLoadReutersJSONL(t *testing.T) {
	if _, err := os.Stat(reutersBench); err != nil {
		t.Skip("benchmark corpus absent:", err)
	}
	var l Loader
	reports := l.Load(reutersBench)
	if len(reports) != 1 || len(reports[0].Problems) != 0 {
		t.Fatalf("problems: %v", reports[0].Problems)
	}
	arts := reports[0].Articles
	if len(arts) != 19043 {
		t.Errorf("%d articles, want 19043", len(arts))
	}
	a := arts[0]
	if a.ID != "reuters21578-1" || a.Title != "BAHIA COCOA REVIEW" || a.Outlet != "Reuters" || a.Place != "SALVADOR" ||
		!a.Published.Equal(time.Date(1987, 2, 26, 15, 1, 1, 0, time.UTC)) || a.TextStart != 0 ||
		!strings.HasPrefix(a.Body, "Showers continued throughout the week") {
		t.Errorf("first Reuters article = %+v", a)
	}
}

func BenchmarkLoadReutersJSONL(b *testing.B) {
	info, err := os.Stat(reutersBench)
	if err != nil {
		b.Skip("benchmark corpus absent:", err)
	}
	var l Loader
	b.SetBytes(info.Size())
	for b.Loop() {
		reports := l.Load(reutersBench)
		if len(reports[0].Articles) != 19043 {
			b.Fatalf("%d articles", len(reports[0].Articles))
		}
	}
}

func TestLoadJSONLLongLines(t *testing.T) {
	big := strings.Repeat("Long body text. ", 10000) // 160,000 bytes: more than one read buffer
	huge := strings.Repeat("x", 100000)
	fsys := fstest.MapFS{"a.jsonl": {Data: []byte(
		`{"id":"big","body":"` + big + `"}` + "\n" +
			`{"id":"huge","body":"` + huge + `"}` + "\n" +
			`{"id":"after","body":"Read after the refused line."}` + "\n")}}
	l := Loader{MaxArticleBytes: 5000} // line limit 4*5000 + 64 KiB = 85,536 bytes
	reports := l.LoadFS(fsys, "a.jsonl")
	r := reports[0]
	if len(r.Problems) != 2 ||
		r.Problems[0].Reason != "line 1: record is 156.3 KiB, over the 83.5 KiB line limit" ||
		r.Problems[1].Reason != "line 2: record is 97.7 KiB, over the 83.5 KiB line limit" {
		t.Errorf("problems %v", r.Problems)
	}
	if len(r.Articles) != 1 || r.Articles[0].ID != "after" || r.Articles[0].Source != "a.jsonl:3" {
		t.Errorf("articles %+v", r.Articles)
	}

	// With the default limits the long line is read whole.
	var dl Loader
	r = dl.LoadFS(fsys, "a.jsonl")[0]
	if len(r.Problems) != 0 || len(r.Articles) != 3 || r.Articles[0].Body != big || r.Articles[1].Body != huge {
		t.Errorf("default limits: %d articles, problems %v", len(r.Articles), r.Problems)
	}
}

func TestLoadSymlinks(t *testing.T) {
	dir := t.TempDir()
	real := filepath.Join(dir, "real")
	if err := os.MkdirAll(real, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(real, "a.txt"), []byte("Linked article."), 0o644); err != nil {
		t.Fatal(err)
	}
	outer := filepath.Join(dir, "outer")
	if err := os.MkdirAll(outer, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(real, filepath.Join(outer, "inner-link")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(real, "a.txt"), filepath.Join(outer, "file-link.txt")); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "link")
	if err := os.Symlink(real, link); err != nil {
		t.Fatal(err)
	}
	var l Loader

	// A link given by name is followed.
	reports := l.Load(link)
	if len(reports) != 1 || len(reports[0].Articles) != 1 || reports[0].Path != filepath.Join(link, "a.txt") {
		t.Errorf("Load(link) = %+v", reports)
	}
	// Inside a walk, a link to a file is read, a link to a directory is not
	// followed.
	reports = l.Load(outer)
	if len(reports) != 2 {
		t.Fatalf("Load(outer) = %+v", reports)
	}
	if len(reports[0].Articles) != 1 || reports[0].Articles[0].Body != "Linked article." {
		t.Errorf("file link: %+v", reports[0])
	}
	if p := reports[1].Problems; len(p) != 1 || p[0].Reason != "symbolic link to a directory, not followed" {
		t.Errorf("directory link: %+v", reports[1])
	}
}
