package main

import (
	"bytes"
	"encoding/json"
	"regexp"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// statesDate reports whether a page states its publication date in one of
// the standard places, read here independently of the bot's loader: a
// <meta> of a publication date (article:published_time, og:published_time,
// datePublished, date, pubdate, publishdate, publish-date, dc.date*,
// dcterms.issued, dcterms.created, sailthru.date, parsely-pub-date), an
// element with itemprop="datePublished" (its content or datetime), JSON-LD
// datePublished or dateCreated, or a <time datetime> element.
func statesDate(page []byte) bool {
	doc, err := html.Parse(bytes.NewReader(page))
	if err != nil {
		return false
	}
	found := false
	var visit func(n *html.Node)
	visit = func(n *html.Node) {
		if found {
			return
		}
		if n.Type == html.ElementNode {
			switch {
			case n.DataAtom == atom.Meta:
				for _, k := range []string{"property", "name", "itemprop"} {
					if metaDateNames[strings.ToLower(strings.TrimSpace(get(n, k)))] && looksLikeDate(get(n, "content")) {
						found = true
					}
				}
			case strings.EqualFold(get(n, "itemprop"), "datePublished"):
				found = looksLikeDate(get(n, "content")) || looksLikeDate(get(n, "datetime")) || looksLikeDate(text(n))
			case n.DataAtom == atom.Time && looksLikeDate(get(n, "datetime")):
				found = true
			case n.DataAtom == atom.Script && strings.Contains(strings.ToLower(get(n, "type")), "ld+json") && n.FirstChild != nil:
				var v any
				if json.Unmarshal([]byte(n.FirstChild.Data), &v) == nil && jsonLDDate(v, 0) {
					found = true
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			visit(c)
		}
	}
	visit(doc)
	return found
}

var metaDateNames = map[string]bool{
	"article:published_time": true, "og:published_time": true, "datepublished": true, "date": true,
	"pubdate": true, "publishdate": true, "publish-date": true, "publish_date": true, "dc.date": true,
	"dc.date.issued": true, "dc.date.created": true, "dcterms.issued": true, "dcterms.created": true,
	"dcterms.date": true, "sailthru.date": true, "parsely-pub-date": true, "article.published": true,
	"published_time": true, "release_date": true,
}

var dateLike = regexp.MustCompile(`\d{4}-\d{2}-\d{2}|\d{1,2} \w+ \d{4}|\w+ \d{1,2},? \d{4}|\d{4}/\d{2}/\d{2}`)

// looksLikeDate reports a date, not a zero one ("0001-01-01T00:00:00Z",
// which some sites write for none).
func looksLikeDate(s string) bool {
	return dateLike.MatchString(s) && !strings.HasPrefix(strings.TrimSpace(s), "0001-")
}

func jsonLDDate(v any, depth int) bool {
	if depth > 8 {
		return false
	}
	switch v := v.(type) {
	case map[string]any:
		for _, k := range []string{"datePublished", "dateCreated"} {
			if s, ok := v[k].(string); ok && looksLikeDate(s) {
				return true
			}
		}
		for _, e := range v {
			if jsonLDDate(e, depth+1) {
				return true
			}
		}
	case []any:
		for _, e := range v {
			if jsonLDDate(e, depth+1) {
				return true
			}
		}
	}
	return false
}

func get(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if strings.EqualFold(a.Key, key) {
			return a.Val
		}
	}
	return ""
}

func text(n *html.Node) string {
	var b strings.Builder
	var visit func(n *html.Node)
	visit = func(n *html.Node) {
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			visit(c)
		}
	}
	visit(n)
	return b.String()
}
