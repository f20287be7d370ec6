// Package web reads articles from the web by URL: an article page, or an
// RSS, Atom or JSON feed, whose items are fetched as pages so that the
// article itself is indexed, not the feed's summary. Pages are fetched
// with corpus/fetch (politely and safely: robots.txt, rate limits, no
// private addresses) and read with corpus/load as files are; feeds are
// parsed with github.com/mmcdole/gofeed.
package web

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"mime"
	"net/url"
	"path"
	"strings"
	"sync"
	"time"

	"github.com/mmcdole/gofeed"
	"github.com/newsbot-dev/newsbot/corpus"
	"github.com/newsbot-dev/newsbot/corpus/fetch"
	"github.com/newsbot-dev/newsbot/corpus/load"
)

// defaultMaxItems bounds the items read from one feed when Reader's
// MaxItems is 0.
const defaultMaxItems = 100

// Reader reads articles from URLs. Its zero value is ready to use: a
// fetch.Client with its defaults (no private addresses) and a
// load.Loader with its defaults.
type Reader struct {
	// Client fetches; nil means a fetch.Client with its defaults.
	Client *fetch.Client
	// Loader reads the fetched pages; nil means its defaults.
	Loader *load.Loader
	// MaxItems bounds the items read from one feed, newest first as the
	// feed lists them; 0 means 100.
	MaxItems int

	once sync.Once
}

// Item is one entry of a feed: the page it links to and what the feed
// says of it.
type Item struct {
	// Link is the item's page, absolute.
	Link string
	// GUID is the item's id in the feed, "" when it gives none.
	GUID string
	// Title, Author and Published are the feed's; the page's own win.
	Title, Author string
	Published     time.Time
}

// Feed is a parsed feed.
type Feed struct {
	Title string
	Items []Item
}

func (r *Reader) client() *fetch.Client {
	r.once.Do(func() {
		if r.Client == nil {
			r.Client = &fetch.Client{}
		}
	})
	return r.Client
}

func (r *Reader) loader() *load.Loader {
	if r.Loader == nil {
		return &load.Loader{}
	}
	return r.Loader
}

// Read reads each URL: a page gives its article; a feed gives the
// articles of its items' pages, one Report each (Path the item's link),
// after a Report for the feed itself (no articles; its problem when it
// could not be read). A URL that cannot be fetched or read gives a Report
// with its Problem; the others are read all the same.
func (r *Reader) Read(ctx context.Context, urls ...string) []load.Report {
	var out []load.Report
	for _, u := range urls {
		if ctx.Err() != nil {
			out = append(out, problem(u, ctx.Err()))
			continue
		}
		res, err := r.client().Get(ctx, u, fetch.Conditional{})
		if err != nil {
			out = append(out, problem(u, err))
			continue
		}
		if IsFeed(res.ContentType, res.Body) {
			feed, err := ParseFeed(res.Body, res.URL)
			if err != nil {
				out = append(out, problem(u, err))
				continue
			}
			out = append(out, load.Report{Path: u})
			for _, it := range r.limit(feed.Items) {
				out = append(out, r.Item(ctx, it))
			}
			continue
		}
		out = append(out, r.page(u, res, nil))
	}
	return out
}

// limit bounds a feed's items to MaxItems.
func (r *Reader) limit(items []Item) []Item {
	max := r.MaxItems
	if max <= 0 {
		max = defaultMaxItems
	}
	if len(items) > max {
		return items[:max]
	}
	return items
}

// Fetch fetches u with the Reader's client (a feed, for a caller that
// keeps its validators).
func (r *Reader) Fetch(ctx context.Context, u string, cond fetch.Conditional) (*fetch.Response, error) {
	return r.client().Get(ctx, u, cond)
}

// Item fetches a feed item's page and reads its article, the feed's
// title, author and date filling what the page does not give.
func (r *Reader) Item(ctx context.Context, it Item) load.Report {
	res, err := r.client().Get(ctx, it.Link, fetch.Conditional{})
	if err != nil {
		return problem(it.Link, err)
	}
	return r.page(it.Link, res, &it)
}

// Page reads a fetched page (see Fetch) as an article; it is Read's step
// for a URL that is not a feed.
func (r *Reader) Page(name string, res *fetch.Response) load.Report { return r.page(name, res, nil) }

// page reads a fetched page as the file type its Content-Type (else its
// URL's extension) names, HTML by default. The article's URL is its
// canonical link, else where it was fetched from.
func (r *Reader) page(name string, res *fetch.Response, it *Item) load.Report {
	rep := r.loader().LoadBytes(name, extension(res.ContentType, res.URL), res.Body)
	for i := range rep.Articles {
		a := &rep.Articles[i]
		if a.URL == "" {
			a.URL = res.URL
		}
		if it != nil {
			fill(a, *it)
		}
		load.BoundMetadata(a)
	}
	return rep
}

// fill sets what the page did not give from its feed item.
func fill(a *corpus.Article, it Item) {
	if a.Title == "" {
		a.Title = it.Title
	}
	if a.Author == "" {
		a.Author = it.Author
	}
	if a.Published.IsZero() {
		a.Published = it.Published
	}
}

// extension is the file extension a fetched document is read as.
func extension(contentType, rawURL string) string {
	mt, _, _ := mime.ParseMediaType(contentType)
	switch mt {
	case "text/html", "application/xhtml+xml":
		return ".html"
	case "text/plain":
		return ".txt"
	case "text/markdown", "text/x-markdown":
		return ".md"
	case "application/jsonl", "application/x-ndjson", "application/jsonlines":
		return ".jsonl"
	}
	if u, err := url.Parse(rawURL); err == nil {
		switch ext := strings.ToLower(path.Ext(u.Path)); ext {
		case ".txt", ".md", ".markdown", ".jsonl", ".ndjson":
			return ext
		}
	}
	return ".html"
}

// IsFeed reports whether a fetched document is a feed: by its
// Content-Type (RSS, Atom, JSON Feed, XML), else by its first bytes.
func IsFeed(contentType string, body []byte) bool {
	mt, _, _ := mime.ParseMediaType(contentType)
	switch mt {
	case "application/rss+xml", "application/atom+xml", "application/feed+json", "application/rdf+xml":
		return true
	case "text/html", "application/xhtml+xml", "text/plain", "text/markdown":
		return false
	}
	return gofeed.DetectFeedType(bytes.NewReader(body)) != gofeed.FeedTypeUnknown
}

// ParseFeed parses an RSS, Atom or JSON feed fetched from base, its items'
// links made absolute against it. Items without an http(s) link are
// skipped.
func ParseFeed(body []byte, base string) (Feed, error) {
	f, err := gofeed.NewParser().Parse(bytes.NewReader(body))
	if err != nil {
		return Feed{}, fmt.Errorf("parse feed: %w", err)
	}
	baseURL, _ := url.Parse(base)
	out := Feed{Title: f.Title}
	for _, it := range f.Items {
		link := strings.TrimSpace(it.Link)
		if link == "" && len(it.Links) > 0 {
			link = strings.TrimSpace(it.Links[0])
		}
		u, err := url.Parse(link)
		if err != nil || link == "" {
			continue
		}
		if baseURL != nil {
			u = baseURL.ResolveReference(u)
		}
		if u.Scheme != "http" && u.Scheme != "https" {
			continue
		}
		item := Item{Link: u.String(), GUID: strings.TrimSpace(it.GUID), Title: strings.TrimSpace(it.Title)}
		switch {
		case it.PublishedParsed != nil:
			item.Published = it.PublishedParsed.UTC()
		case it.UpdatedParsed != nil:
			item.Published = it.UpdatedParsed.UTC()
		}
		var names []string
		for _, p := range it.Authors {
			if p != nil && strings.TrimSpace(p.Name) != "" {
				names = append(names, strings.TrimSpace(p.Name))
			}
		}
		item.Author = strings.Join(names, ", ")
		out.Items = append(out.Items, item)
	}
	if len(f.Items) > 0 && len(out.Items) == 0 {
		return Feed{}, errors.New("parse feed: no item links to a page")
	}
	return out, nil
}

// problem is the Report of a URL that could not be read.
func problem(u string, err error) load.Report {
	return load.Report{Path: u, Problems: []load.Problem{{Reason: err.Error()}}}
}
