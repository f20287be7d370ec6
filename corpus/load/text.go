package load

import (
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/newsbot-dev/newsbot/corpus"
	"github.com/newsbot-dev/newsbot/corpus/dateline"
	"go.yaml.in/yaml/v3"
)

// parseText reads a plain text article, already checked, cleaned of
// invisible characters and with "\n" line ends, as the Loader documents.
// Only the Title, Body, Place, Outlet and TextStart are filled.
func parseText(text string) corpus.Article {
	var a corpus.Article
	title, rest := splitHeadline(text)
	a.Title = title
	a.Body = cleanBody(rest)
	applyDateline(&a)
	return a
}

// splitHeadline returns the headline of text, if its first line is one, and
// the text after it.
func splitHeadline(text string) (title, rest string) {
	text = strings.TrimLeftFunc(text, unicode.IsSpace)
	first, after, ok := strings.Cut(text, "\n")
	if !ok {
		return "", text
	}
	blank, after2, ok := strings.Cut(after, "\n")
	if !ok || strings.TrimFunc(blank, unicode.IsSpace) != "" || strings.TrimFunc(after2, unicode.IsSpace) == "" {
		return "", text
	}
	first = strings.TrimFunc(first, unicode.IsSpace)
	if !isHeadline(first) {
		return "", text
	}
	return first, after2
}

// isHeadline reports whether a first line, followed by a blank line, reads
// as a headline rather than as a paragraph.
func isHeadline(line string) bool {
	if utf8.RuneCountInString(line) > 150 || len(strings.Fields(line)) > 25 {
		return false
	}
	if strings.IndexFunc(line, unicode.IsLetter) < 0 {
		return false
	}
	end := strings.TrimRightFunc(line, func(r rune) bool {
		return strings.ContainsRune("\"'”’»)]", r)
	})
	if end == "" {
		return false
	}
	last, _ := utf8.DecodeLastRuneInString(end)
	if strings.ContainsRune(".…:;,", last) {
		return false
	}
	if strings.HasPrefix(line, "By ") || strings.HasPrefix(line, "BY ") {
		return false
	}
	if _, ok := dateline.Parse(line); ok {
		return false
	}
	return true
}

// scrapeTails are the lines, compared without case, that web scraping
// leaves at the end of an article: link-list headings, ad labels and share
// buttons. cleanBody drops them from the end only, and only as whole
// lines of at most 40 bytes, with trailing ":", "…", "»", "›", ">" or "→"
// ignored.
var scrapeTails = map[string]bool{
	"around the web": true, "from around the web": true, "more from around the web": true,
	"related articles": true, "related stories": true, "related content": true,
	"related coverage": true, "related links": true, "related": true,
	"advertisement": true, "advertisements": true, "ad": true,
	"sponsored": true, "sponsored content": true, "sponsored links": true, "sponsored stories": true,
	"promoted stories": true, "paid content": true, "from our partners": true,
	"read more": true, "read next": true, "continue reading": true, "also read": true, "see also": true,
	"share this article": true, "share this story": true, "share this": true, "share": true,
	"you may also like": true, "you might also like": true, "we recommend": true,
	"recommended": true, "recommended for you": true, "recommended stories": true,
	"trending": true, "trending now": true, "most popular": true, "most read": true,
	"popular stories": true, "more stories": true, "more news": true, "top stories": true,
	"comments": true, "show comments": true, "view comments": true, "leave a comment": true,
	"click here": true, "print": true, "email": true, "tweet": true, "follow us": true,
	"subscribe": true, "sign up": true, "newsletter": true,
}

// cleanBody trims white space from both ends of s and drops the scraped
// tail lines (see scrapeTails) from its end.
func cleanBody(s string) string {
	s = strings.TrimFunc(s, unicode.IsSpace)
	for {
		i := strings.LastIndexByte(s, '\n')
		if !isScrapeTail(s[i+1:]) {
			return s
		}
		if i < 0 {
			return "" // nothing but a scraped line
		}
		s = strings.TrimRightFunc(s[:i], unicode.IsSpace)
	}
}

func isScrapeTail(line string) bool {
	line = strings.TrimFunc(line, unicode.IsSpace)
	if len(line) > 40 {
		return false
	}
	line = strings.TrimRightFunc(line, func(r rune) bool {
		return unicode.IsSpace(r) || strings.ContainsRune(":…»›>→", r)
	})
	line = strings.TrimRight(line, ".")
	return scrapeTails[strings.ToLower(strings.Join(strings.Fields(line), " "))]
}

// parseMarkdown reads a Markdown article, already checked, cleaned of
// invisible characters and with "\n" line ends, as the Loader documents.
func parseMarkdown(text string) (corpus.Article, error) {
	var a corpus.Article
	fm, rest, err := splitFrontMatter(text)
	if err != nil {
		return corpus.Article{}, err
	}
	if fm != nil {
		applyFrontMatter(&a, fm)
	}
	rest = stripHiddenMarkdown(rest)
	if heading, after, ok := atxHeading(rest); ok {
		switch {
		case a.Title == "":
			a.Title, rest = heading, after
		case strings.EqualFold(heading, a.Title):
			rest = after
		}
	}
	a.Body = cleanBody(rest)
	applyDateline(&a)
	return a, nil
}

// splitFrontMatter returns the YAML front matter of text, as a map, and the
// text after it; a nil map when there is none.
func splitFrontMatter(text string) (map[string]any, string, error) {
	first, rest, ok := strings.Cut(text, "\n")
	if !ok || strings.TrimRightFunc(first, unicode.IsSpace) != "---" {
		return nil, text, nil
	}
	pos := 0
	for pos <= len(rest) {
		line, _, _ := strings.Cut(rest[pos:], "\n")
		if l := strings.TrimRightFunc(line, unicode.IsSpace); l == "---" || l == "..." {
			var fm map[string]any
			if err := yaml.Unmarshal([]byte(rest[:pos]), &fm); err != nil {
				return nil, "", fmt.Errorf("front matter: invalid YAML: %w", err)
			}
			if fm == nil {
				fm = map[string]any{}
			}
			end := pos + len(line)
			if end < len(rest) {
				end++
			}
			return fm, rest[end:], nil
		}
		if pos+len(line) >= len(rest) {
			break
		}
		pos += len(line) + 1
	}
	// No closing line: the "---" is a thematic break, not front matter.
	return nil, text, nil
}

// frontMatterKeys maps each corpus.Article field to the front matter keys that
// fill it, the first present winning.
var frontMatterKeys = map[string][]string{
	"title":     {"title"},
	"outlet":    {"source", "outlet", "publisher", "site_name"},
	"url":       {"url", "link", "canonical"},
	"published": {"published", "date", "pubdate"},
	"author":    {"author", "authors", "byline"},
	"id":        {"id"},
	"place":     {"place"},
}

func applyFrontMatter(a *corpus.Article, fm map[string]any) {
	lower := make(map[string]any, len(fm))
	keys := make([]string, 0, len(fm))
	for k := range fm {
		keys = append(keys, k)
	}
	sort.Strings(keys) // deterministic when two keys differ only in case
	for _, k := range keys {
		if _, dup := lower[strings.ToLower(k)]; !dup {
			lower[strings.ToLower(k)] = fm[k]
		}
	}
	get := func(field string) any {
		for _, k := range frontMatterKeys[field] {
			if v, ok := lower[k]; ok && v != nil {
				return v
			}
		}
		return nil
	}
	a.Title = oneLine(yamlString(get("title")))
	a.Outlet = oneLine(yamlString(get("outlet")))
	a.URL = strings.TrimSpace(yamlString(get("url")))
	a.Author = oneLine(yamlString(get("author")))
	a.ID = strings.TrimSpace(yamlString(get("id")))
	a.Place = oneLine(yamlString(get("place")))
	switch v := get("published").(type) {
	case time.Time:
		a.Published = v
	case nil:
	default:
		a.Published = parseDate(yamlString(v))
	}
}

// yamlString turns a front matter value into text: scalars as written, a
// list of scalars joined with ", ", anything else "".
func yamlString(v any) string {
	switch v := v.(type) {
	case nil:
		return ""
	case string:
		return v
	case time.Time:
		return v.Format(time.RFC3339)
	case bool, int, int64, uint64, float64:
		return fmt.Sprint(v)
	case []any:
		var parts []string
		for _, e := range v {
			if s := yamlString(e); s != "" {
				if _, isList := e.([]any); !isList {
					parts = append(parts, s)
				}
			}
		}
		return strings.Join(parts, ", ")
	case map[string]any:
		// An author given as {name: ...}.
		if name, ok := v["name"].(string); ok {
			return name
		}
	}
	return ""
}

// oneLine trims s and collapses its runs of white space into single spaces.
func oneLine(s string) string {
	clean := true
	for i := 0; i < len(s) && clean; i++ {
		switch c := s[i]; {
		case c >= utf8.RuneSelf || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f':
			clean = false // possibly white space other than a single space
		case c == ' ':
			clean = i > 0 && i < len(s)-1 && s[i+1] != ' '
		}
	}
	if clean {
		return s
	}
	return strings.Join(strings.Fields(s), " ")
}

// atxHeading returns the text of a level-1 ATX heading ("# Title", an
// optional closing run of "#" removed) on the first non-blank line of s,
// and the text after that line.
func atxHeading(s string) (heading, rest string, ok bool) {
	s = strings.TrimLeftFunc(s, unicode.IsSpace)
	line, rest, _ := strings.Cut(s, "\n")
	line = strings.TrimRightFunc(line, unicode.IsSpace)
	if !strings.HasPrefix(line, "# ") && line != "#" {
		return "", "", false
	}
	heading = strings.TrimSpace(line[1:])
	if trimmed := strings.TrimRight(heading, "#"); trimmed == "" || strings.HasSuffix(trimmed, " ") {
		heading = strings.TrimSpace(trimmed)
	}
	if heading == "" {
		return "", "", false
	}
	return heading, rest, true
}

// errNoText is the refusal of a file that holds nothing to read.
var errNoText = errors.New("no article text")
