// Command extraction measures HTML article extraction on the public
// article-extraction benchmark (../shared/eval/extraction: 181 real pages
// with hand-made bodies): the bot's own loader against the libraries it
// was chosen from, in one run, scored as score_extraction.py scores (mean
// and median word-level F1 over bags of lower-cased words, and the pages
// whose precision is below 0.8), and how many pages get a date.
//
// It is its own module so that the candidates the bot does not use stay
// out of the bot's dependencies. Run it from this directory:
//
//	go run . -set ../../../../shared/eval/extraction -out /tmp/extraction
//
// -out writes each candidate's articles as JSON Lines, for
// score_extraction.py to check the figures.
//
// The benchmark measures; it is not training data: nothing in the bot is
// written for its pages.
package main

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	readabilityv2 "codeberg.org/readeck/go-readability/v2"
	readability "github.com/go-shiori/go-readability"
	trafilatura "github.com/markusmobius/go-trafilatura"
	"github.com/newsbot-dev/newsbot/corpus/load"
)

// page is one benchmark page: its file and its hand-made body.
type page struct {
	key, file, url, truth string
	statesDate            bool // see statesDate
}

// extracted is what a candidate made of a page.
type extracted struct {
	URL  string `json:"url"`
	Body string `json:"body"`
	date bool
}

// candidate is one extractor under test.
type candidate struct {
	name    string
	extract func(p page, html []byte) (extracted, error)
}

func main() {
	set := flag.String("set", "../../../../shared/eval/extraction", "the benchmark `DIR` (ground-truth.json, html/)")
	out := flag.String("out", "", "write each candidate's articles as JSON Lines into `DIR`")
	flag.Parse()
	if err := run(*set, *out, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "extraction:", err)
		os.Exit(1)
	}
}

func run(set, out string, w io.Writer) error {
	pages, err := readPages(set)
	if err != nil {
		return err
	}
	cands := []candidate{
		{"bot (corpus/load)", extractBot},
		{"go-trafilatura v1.12.2", extractTrafilatura},
		{"go-readability (go-shiori)", extractShiori},
		{"go-readability v2 (readeck) v2.1.3", extractReadeck},
	}
	stating := 0
	for i := range pages {
		html, err := readGz(pages[i].file)
		if err != nil {
			return err
		}
		pages[i].statesDate = statesDate(html)
		if pages[i].statesDate {
			stating++
		}
	}
	fmt.Fprintf(w, "%d pages, %d state a publication date in their metadata or markup\n\n| extractor | mean F1 | median F1 | precision < 0.8 | pages with a date | of those stating one | time |\n|---|---|---|---|---|---|---|\n", len(pages), stating)
	for _, c := range cands {
		var results []extracted
		start := time.Now()
		for _, p := range pages {
			html, err := readGz(p.file)
			if err != nil {
				return err
			}
			e, err := c.extract(p, html)
			if err != nil {
				e = extracted{} // a refusal scores 0
			}
			results = append(results, e)
		}
		elapsed := time.Since(start)
		s := score(pages, results)
		fmt.Fprintf(w, "| %s | %.3f | %.3f | %d | %d | %d | %.1fs |\n", c.name, s.mean, s.median, s.lowPrecision, s.dated, s.datedStating, elapsed.Seconds())
		if out != "" {
			if err := writeJSONL(filepath.Join(out, slug(c.name)+".jsonl"), results); err != nil {
				return err
			}
		}
	}
	return nil
}

func readPages(set string) ([]page, error) {
	b, err := os.ReadFile(filepath.Join(set, "ground-truth.json"))
	if err != nil {
		return nil, err
	}
	var gt map[string]struct {
		ArticleBody string `json:"articleBody"`
		URL         string `json:"url"`
	}
	if err := json.Unmarshal(b, &gt); err != nil {
		return nil, fmt.Errorf("ground-truth.json: %w", err)
	}
	var pages []page
	for k, g := range gt {
		pages = append(pages, page{key: k, file: filepath.Join(set, "html", k+".html.gz"), url: g.URL, truth: g.ArticleBody})
	}
	sort.Slice(pages, func(i, j int) bool { return pages[i].key < pages[j].key })
	return pages, nil
}

func readGz(name string) ([]byte, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return io.ReadAll(zr)
}

// extractBot reads the page's file with the bot's own loader, as
// `bot ingest` does.
func extractBot(p page, _ []byte) (extracted, error) {
	var l load.Loader
	reps := l.Load(p.file)
	if len(reps) != 1 || len(reps[0].Articles) != 1 {
		return extracted{}, errors.New("no article")
	}
	a := reps[0].Articles[0]
	return extracted{URL: a.URL, Body: a.Body, date: !a.Published.IsZero()}, nil
}

func extractTrafilatura(p page, html []byte) (extracted, error) {
	r, err := trafilatura.Extract(bytes.NewReader(html), trafilatura.Options{EnableFallback: true, ExcludeComments: true})
	if err != nil {
		return extracted{}, err
	}
	return extracted{URL: r.Metadata.URL, Body: r.ContentText, date: !r.Metadata.Date.IsZero()}, nil
}

func extractShiori(p page, html []byte) (extracted, error) {
	a, err := readability.FromReader(bytes.NewReader(html), nil)
	if err != nil {
		return extracted{}, err
	}
	return extracted{Body: a.TextContent, date: a.PublishedTime != nil}, nil
}

func extractReadeck(p page, html []byte) (extracted, error) {
	a, err := readabilityv2.FromReader(bytes.NewReader(html), (*url.URL)(nil))
	if err != nil {
		return extracted{}, err
	}
	var b strings.Builder
	if err := a.RenderText(&b); err != nil {
		return extracted{}, err
	}
	_, derr := a.PublishedTime()
	return extracted{Body: b.String(), date: derr == nil}, nil
}

func slug(name string) string {
	f := strings.Fields(strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '.' {
			return r
		}
		return ' '
	}, strings.ToLower(name)))
	return strings.Join(f, "-")
}

func writeJSONL(name string, results []extracted) error {
	if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
		return err
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	for _, r := range results {
		if err := enc.Encode(r); err != nil {
			return err
		}
	}
	return os.WriteFile(name, b.Bytes(), 0o644)
}
