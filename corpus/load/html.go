package load

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	readability "codeberg.org/readeck/go-readability/v2"
	"github.com/newsbot-dev/newsbot/corpus"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
	"golang.org/x/net/html/charset"
)

// parseHTML reads a web page, already checked to be text, as the Loader
// documents. Invisible characters are removed before parsing and again
// from the extracted text, since character references can produce them.
func parseHTML(data []byte) (corpus.Article, error) {
	if !utf8.Valid(data) {
		decoded, err := decodeDeclaredCharset(data)
		if err != nil {
			return corpus.Article{}, err
		}
		data = decoded
	}
	src := strings.NewReplacer(string(hideOpen), "", string(hideClose), "").Replace(stripInvisible(string(data)))
	doc, err := html.Parse(strings.NewReader(src))
	if err != nil {
		return corpus.Article{}, fmt.Errorf("parse HTML: %w", err)
	}
	meta := readPageMeta(doc)
	markHidden(doc)

	// The main text, and what the extractor reads of the metadata
	// (JSON-LD, Open Graph, Dublin Core, <title>, bylines in the page).
	var body string
	var ex struct {
		title, byline, site string
		published           time.Time
	}
	if art, err := readability.FromDocument(doc, nil); err == nil {
		ex.title, ex.byline, ex.site = art.Title(), art.Byline(), art.SiteName()
		if t, err := art.PublishedTime(); err == nil {
			ex.published = t
		}
		if art.Node != nil {
			body = mainText(art.Node)
		}
	}
	if strings.TrimSpace(cutHidden(body)) == "" {
		body = ""
		for _, a := range []atom.Atom{atom.Article, atom.Main, atom.Body} {
			if n := findElement(doc, a); n != nil {
				if body = htmlText(n); strings.TrimSpace(cutHidden(body)) != "" {
					break
				}
			}
		}
	}
	a := corpus.Article{
		Title:    cutHiddenLine(stripInvisible(ex.title)),
		Author:   pageAuthor(meta.get("author"), cutHiddenLine(stripInvisible(ex.byline))),
		URL:      meta.canonicalURL(),
		Language: meta.language(),
	}
	a.Body = cleanBody(dropBoilerplate(cutHidden(stripInvisible(body)), a.Title))
	// The outlet is the site: its declared name, else the publisher the
	// extractor reads (JSON-LD...), else the host name of the page's
	// canonical link.
	for _, name := range []string{meta.get("og:site_name"), cutHiddenLine(ex.site), urlHost(a.URL)} {
		if a.Outlet = outletName(name); a.Outlet != "" {
			break
		}
	}
	if rest, ok := strings.CutPrefix(a.Author, "By "); ok {
		a.Author = strings.TrimSpace(rest)
	} else if rest, ok := strings.CutPrefix(a.Author, "by "); ok {
		a.Author = strings.TrimSpace(rest)
	}
	a.Published = meta.published()
	if a.Published.IsZero() && !ex.published.IsZero() {
		a.Published = ex.published.UTC()
	}
	applyDateline(&a)
	return a, nil
}

// decodeDeclaredCharset decodes a page that is not UTF-8 from the charset
// it declares in its first 1024 bytes; a page that declares none is
// refused rather than guessed at.
func decodeDeclaredCharset(data []byte) ([]byte, error) {
	head := data
	if len(head) > 1024 {
		head = head[:1024]
	}
	if !bytes.Contains(bytes.ToLower(head), []byte("charset")) {
		return nil, invalidUTF8(data)
	}
	enc, name, _ := charset.DetermineEncoding(data, "text/html")
	if enc == nil || name == "utf-8" {
		return nil, invalidUTF8(data)
	}
	decoded, err := enc.NewDecoder().Bytes(data)
	if err != nil {
		return nil, fmt.Errorf("decode %s: %w", name, err)
	}
	if !utf8.Valid(decoded) {
		return nil, fmt.Errorf("decode %s: %w", name, errors.New("result is not valid UTF-8"))
	}
	return decoded, nil
}

// pageMeta is the metadata read from a page's <meta>, <link>, <time> and
// JSON-LD elements.
type pageMeta struct {
	lang            string            // <html lang>
	values          map[string]string // meta property, name or itemprop (lower case) → content; first wins
	canonical       string
	jsonLDPublished string
	jsonLDCreated   string // JSON-LD dateCreated
	itemPublished   string // an element's itemprop="datePublished"
	timeElement     string // the first <time datetime>
}

func (m *pageMeta) get(key string) string { return strings.TrimSpace(m.values[key]) }

func (m *pageMeta) set(key, value string) {
	key = strings.ToLower(strings.TrimSpace(key))
	value = strings.TrimSpace(value)
	if key == "" || value == "" {
		return
	}
	if _, ok := m.values[key]; !ok {
		m.values[key] = value
	}
}

// canonicalURL is the page's canonical link, else og:url, when absolute.
func (m *pageMeta) canonicalURL() string {
	for _, s := range []string{m.canonical, m.get("og:url")} {
		if u := absoluteURL(s); u != "" {
			return u
		}
	}
	return ""
}

// absoluteURL is s when it is an absolute http(s) URL, else "".
func absoluteURL(s string) string {
	u, err := url.Parse(strings.TrimSpace(s))
	if err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != "" {
		return u.String()
	}
	return ""
}

// pageAuthor is the byline: the page's author <meta> when it names a
// person (not a link), else the one the extractor found, without parts
// that are only dates ("Jeff Foust; Monday; November" is "Jeff Foust").
func pageAuthor(metaAuthor, extracted string) string {
	name := oneLine(metaAuthor)
	if name == "" || linkHost(name) != "" || strings.Contains(name, "://") {
		name = extracted
	}
	var parts []string
	for _, p := range strings.Split(name, ";") {
		if p = strings.TrimSpace(p); p != "" && !onlyDateWords(p) {
			parts = append(parts, p)
		}
	}
	return strings.Join(parts, ", ")
}

// onlyDateWords reports whether every word of s is a weekday, a month or
// a number.
func onlyDateWords(s string) bool {
	for _, w := range strings.Fields(s) {
		w = strings.ToLower(strings.Trim(w, ".,"))
		if !dateWords[w] && strings.TrimFunc(w, unicode.IsDigit) != "" {
			return false
		}
	}
	return true
}

var dateWords = wordSet(`monday tuesday wednesday thursday friday saturday sunday mon tue tues wed thu thurs fri sat sun
	january february march april may june july august september october november december
	jan feb mar apr jun jul aug sep sept oct nov dec`)

// language is the page's declared language: <html lang>, else its
// Content-Language, else og:locale.
func (m *pageMeta) language() string {
	for _, s := range []string{m.lang, m.get("content-language"), m.get("og:locale")} {
		if t := languageTag(strings.TrimSpace(strings.Split(s, ",")[0])); t != "" {
			return t
		}
	}
	return ""
}

// published is the first publication date of the page's metadata that
// parses.
func (m *pageMeta) published() time.Time {
	candidates := []string{m.get("article:published_time"), m.jsonLDPublished}
	for _, k := range publishedMetaNames {
		candidates = append(candidates, m.get(k))
	}
	candidates = append(candidates, m.itemPublished, m.jsonLDCreated, m.timeElement)
	for _, c := range candidates {
		if t := parseDateIn(c); !t.IsZero() {
			return t
		}
	}
	return time.Time{}
}

// jsonLDDate finds a datePublished in JSON-LD that does not parse.
var jsonLDDate = regexp.MustCompile(`"datePublished"\s*:\s*"([^"]{6,40})"`)

// publishedMetaNames are the <meta> names, properties and itemprops of a
// publication date, after article:published_time and JSON-LD.
var publishedMetaNames = []string{
	"og:published_time", "article:published", "datepublished", "date", "pubdate", "publishdate",
	"publish-date", "publish_date", "published_time", "article.published", "dc.date.issued",
	"dc.date", "dc.date.created", "dcterms.issued", "dcterms.created", "dcterms.date",
	"sailthru.date", "parsely-pub-date", "release_date",
}

// readPageMeta reads the metadata elements of doc.
func readPageMeta(doc *html.Node) *pageMeta {
	m := &pageMeta{values: map[string]string{}}
	var visit func(n *html.Node)
	visit = func(n *html.Node) {
		if n.Type == html.ElementNode {
			switch n.DataAtom {
			case atom.Html:
				m.lang = attr(n, "lang")
			case atom.Meta:
				if strings.EqualFold(attr(n, "http-equiv"), "content-language") {
					m.set("content-language", attr(n, "content"))
				}
				content := attr(n, "content")
				for _, k := range []string{"property", "name", "itemprop"} {
					if v := attr(n, k); v != "" {
						m.set(v, content)
					}
				}
			case atom.Link:
				for _, rel := range strings.Fields(strings.ToLower(attr(n, "rel"))) {
					if rel == "canonical" && m.canonical == "" {
						m.canonical = attr(n, "href")
					}
				}
			case atom.Time:
				if m.timeElement == "" {
					m.timeElement = attr(n, "datetime")
				}
			case atom.Script:
				if strings.EqualFold(strings.TrimSpace(attr(n, "type")), "application/ld+json") && n.FirstChild != nil {
					var v any
					if err := json.Unmarshal([]byte(n.FirstChild.Data), &v); err == nil {
						if m.jsonLDPublished == "" {
							m.jsonLDPublished = findJSONLDString(v, "datePublished", 0)
						}
						if m.jsonLDCreated == "" {
							m.jsonLDCreated = findJSONLDString(v, "dateCreated", 0)
						}
					} else if m.jsonLDPublished == "" {
						// JSON-LD as pages write it is often not quite JSON
						// (a raw line break in a string, a trailing comma):
						// its date is still plain to read.
						if sub := jsonLDDate.FindStringSubmatch(n.FirstChild.Data); sub != nil {
							m.jsonLDPublished = sub[1]
						}
					}
				}
			}
			if n.DataAtom != atom.Meta && m.itemPublished == "" && strings.EqualFold(attr(n, "itemprop"), "datePublished") {
				for _, v := range []string{attr(n, "datetime"), attr(n, "content"), textOf(n)} {
					if !parseDateIn(v).IsZero() {
						m.itemPublished = v
						break
					}
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			visit(c)
		}
	}
	visit(doc)
	return m
}

// findJSONLDString finds the first string value of key in a JSON-LD
// document, looking into nested objects and lists ("@graph").
func findJSONLDString(v any, key string, depth int) string {
	if depth > 8 {
		return ""
	}
	switch v := v.(type) {
	case map[string]any:
		if s, ok := v[key].(string); ok && s != "" {
			return s
		}
		for _, k := range []string{"@graph", "mainEntity", "mainEntityOfPage"} {
			if s := findJSONLDString(v[k], key, depth+1); s != "" {
				return s
			}
		}
	case []any:
		for _, e := range v {
			if s := findJSONLDString(e, key, depth+1); s != "" {
				return s
			}
		}
	}
	return ""
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Namespace == "" && strings.EqualFold(a.Key, key) {
			return a.Val
		}
	}
	return ""
}

// textOf is the text inside n, white space collapsed.
func textOf(n *html.Node) string {
	var b strings.Builder
	var visit func(n *html.Node)
	visit = func(n *html.Node) {
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
			b.WriteByte(' ')
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			visit(c)
		}
	}
	visit(n)
	return strings.Join(strings.Fields(b.String()), " ")
}

func findElement(n *html.Node, a atom.Atom) *html.Node {
	if n.Type == html.ElementNode && n.DataAtom == a {
		return n
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if found := findElement(c, a); found != nil {
			return found
		}
	}
	return nil
}

// blockElements start and end a paragraph of the extracted text.
var blockElements = map[atom.Atom]bool{
	atom.Address: true, atom.Article: true, atom.Aside: true, atom.Blockquote: true,
	atom.Body: true, atom.Caption: true, atom.Dd: true, atom.Details: true, atom.Div: true,
	atom.Dl: true, atom.Dt: true, atom.Fieldset: true, atom.Figcaption: true, atom.Figure: true,
	atom.Footer: true, atom.Form: true, atom.H1: true, atom.H2: true, atom.H3: true,
	atom.H4: true, atom.H5: true, atom.H6: true, atom.Header: true, atom.Hr: true,
	atom.Li: true, atom.Main: true, atom.Nav: true, atom.Ol: true, atom.P: true,
	atom.Pre: true, atom.Section: true, atom.Summary: true, atom.Table: true, atom.Tr: true,
	atom.Ul: true, atom.Html: true,
}

// skippedElements hold no text a reader sees as prose.
var skippedElements = map[atom.Atom]bool{
	atom.Script: true, atom.Style: true, atom.Noscript: true, atom.Template: true,
	atom.Head: true, atom.Svg: true, atom.Math: true, atom.Iframe: true, atom.Object: true,
	atom.Select: true, atom.Button: true, atom.Textarea: true,
}

// htmlText renders the text of n: paragraphs separated by "\n\n", <br> as
// "\n", HTML white space collapsed except in <pre>.
func htmlText(n *html.Node) string {
	t := &textRenderer{}
	t.walk(n)
	t.flush()
	return strings.Join(t.paras, "\n\n")
}

// mainText is htmlText for an extracted main text: its blocks that are
// only links are left out (see isLinkBlock).
func mainText(n *html.Node) string {
	t := &textRenderer{dropLinks: true}
	t.walk(n)
	t.flush()
	return strings.Join(t.paras, "\n\n")
}

// isLinkBlock reports a block of a main text that is a link or a few and
// nothing else: at least nine tenths of its text is link text, and it is
// short (at most 12 words), or it is a list whose every item is so. Such
// blocks are menus, "related" lists and teasers, not the article's
// sentences (a sentence with a link in it has words outside the link).
func isLinkBlock(n *html.Node) bool {
	all, linked := linkText(n, false)
	if all == 0 {
		return false
	}
	switch elemAtom(n) {
	case atom.Ul, atom.Ol, atom.Dl, atom.Nav, atom.Menu:
		return float64(linked) >= 0.9*float64(all) && itemsAreLinks(n)
	}
	return float64(linked) >= 0.9*float64(all) && words(n) <= 12
}

// itemsAreLinks reports whether every item of a list is a short link.
func itemsAreLinks(list *html.Node) bool {
	items := 0
	for c := list.FirstChild; c != nil; c = c.NextSibling {
		if c.Type != html.ElementNode {
			continue
		}
		items++
		all, linked := linkText(c, false)
		if all > 0 && (float64(linked) < 0.9*float64(all) || words(c) > 12) {
			return false
		}
	}
	return items > 0
}

// linkText counts the letters and digits of n's text, and those inside
// links.
func linkText(n *html.Node, inLink bool) (all, linked int) {
	if n.Type == html.TextNode {
		for _, r := range n.Data {
			if unicode.IsLetter(r) || unicode.IsDigit(r) {
				all++
			}
		}
		if inLink {
			linked = all
		}
		return all, linked
	}
	if n.Type == html.ElementNode && skippedElements[elemAtom(n)] {
		return 0, 0
	}
	inLink = inLink || n.Type == html.ElementNode && elemAtom(n) == atom.A
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		a, l := linkText(c, inLink)
		all, linked = all+a, linked+l
	}
	return all, linked
}

// words counts the words of n's text.
func words(n *html.Node) int { return len(strings.Fields(textOf(n))) }

type textRenderer struct {
	// dropLinks skips the blocks that are only a link or a few (see
	// isLinkBlock): menus, link lists and teasers left in a main text.
	dropLinks bool
	paras     []string
	cur       strings.Builder
	pre       int
}

func (t *textRenderer) walk(n *html.Node) {
	switch n.Type {
	case html.TextNode:
		t.text(n.Data)
		return
	case html.ElementNode:
		a := elemAtom(n)
		if skippedElements[a] {
			return
		}
		switch a {
		case atom.Br:
			t.cur.WriteByte('\n')
			return
		case atom.Td, atom.Th:
			t.space()
		}
	}
	block := n.Type == html.ElementNode && blockElements[elemAtom(n)]
	if block && t.dropLinks && isLinkBlock(n) {
		return
	}
	if block {
		t.flush()
	}
	isPre := n.Type == html.ElementNode && elemAtom(n) == atom.Pre
	if isPre {
		t.pre++
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		t.walk(c)
	}
	if block {
		t.flush()
	}
	if isPre {
		t.pre--
	}
}

// elemAtom is n's element as an atom, also for an element built without
// one (the extractor builds its output so).
func elemAtom(n *html.Node) atom.Atom {
	if n.DataAtom != 0 {
		return n.DataAtom
	}
	return atom.Lookup([]byte(strings.ToLower(n.Data)))
}

// text appends a text node's data, collapsing HTML white space.
func (t *textRenderer) text(s string) {
	if t.pre > 0 {
		t.cur.WriteString(s)
		return
	}
	for len(s) > 0 {
		i := strings.IndexAny(s, " \t\n\r\f")
		if i < 0 {
			t.cur.WriteString(s)
			return
		}
		t.cur.WriteString(s[:i])
		t.space()
		s = strings.TrimLeft(s[i:], " \t\n\r\f")
	}
}

// space appends one space unless the paragraph is empty or already ends
// with white space.
func (t *textRenderer) space() {
	if t.cur.Len() == 0 {
		return
	}
	s := t.cur.String()
	if last := s[len(s)-1]; last == ' ' || last == '\n' {
		return
	}
	t.cur.WriteByte(' ')
}

// flush ends the current paragraph: its lines trimmed, blank lines
// dropped.
func (t *textRenderer) flush() {
	if t.cur.Len() == 0 {
		return
	}
	s := t.cur.String()
	t.cur.Reset()
	if t.pre > 0 {
		if s = strings.Trim(s, "\n"); strings.TrimSpace(s) != "" {
			t.paras = append(t.paras, strings.TrimRightFunc(s, unicode.IsSpace))
		}
		return
	}
	var lines []string
	for _, line := range strings.Split(s, "\n") {
		if line = strings.TrimFunc(line, isEdgeSpace); line != "" {
			lines = append(lines, line)
		}
	}
	if len(lines) > 0 {
		t.paras = append(t.paras, strings.Join(lines, "\n"))
	}
}

// isEdgeSpace reports the white space trimmed from the ends of a
// paragraph's lines, where a reader sees none: HTML white space and
// no-break spaces.
func isEdgeSpace(r rune) bool {
	return r == ' ' || r == '\t' || r == '\n' || r == '\r' || r == '\f' || r == '\u00a0'
}
