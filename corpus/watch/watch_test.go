package watch

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/newsbot-dev/newsbot/corpus/fetch"
	"github.com/newsbot-dev/newsbot/corpus/index"
	"github.com/newsbot-dev/newsbot/corpus/web"
)

// newsSite is a local news site: an RSS feed and an Atom feed, both with
// ETags (and 304s), a feed that fails with 500, one that returns garbage,
// and the article pages the feeds link to.
type newsSite struct {
	*httptest.Server
	mu        sync.Mutex
	rss, atom []string // article slugs in each feed, newest first
	hits      map[string]int
}

func newNewsSite(t *testing.T) *newsSite {
	s := &newsSite{hits: map[string]int{}}
	s.Server = httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(s.Close)
	return s
}

func (s *newsSite) add(feed, slug string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if feed == "rss" {
		s.rss = append([]string{slug}, s.rss...)
	} else {
		s.atom = append([]string{slug}, s.atom...)
	}
}

func (s *newsSite) count(path string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.hits[path]
}

// stories are the article pages' texts, by slug.
var stories = map[string]string{
	"floods":  "Heavy rain flooded the streets of Valencia on Monday, and the regional government closed schools in twelve towns as rivers rose over their banks.",
	"snow":    "Snow closed the mountain passes of the Pyrenees on Tuesday, stranding hundreds of lorries on both sides of the border for most of the day.",
	"ferry":   "The ferry to Tangier was cancelled on Wednesday because of high winds in the strait, the port authority in Algeciras said in a statement.",
	"drought": "A drought dried the reservoirs of Catalonia to a fifth of their capacity in August, and the region limited the water farmers may draw.",
	"copy":    "Heavy rain flooded the streets of Valencia on Monday, and the regional government closed schools in twelve towns as rivers rose over their banks.",
}

func (s *newsSite) serve(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.hits[r.URL.Path]++
	rss, atom := append([]string(nil), s.rss...), append([]string(nil), s.atom...)
	s.mu.Unlock()
	switch {
	case r.URL.Path == "/robots.txt":
		http.NotFound(w, r)
	case r.URL.Path == "/rss.xml":
		etag := fmt.Sprintf(`"rss-%d"`, len(rss))
		w.Header().Set("ETag", etag)
		if r.Header.Get("If-None-Match") == etag {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Header().Set("Content-Type", "application/rss+xml")
		fmt.Fprint(w, `<?xml version="1.0"?><rss version="2.0"><channel><title>Example Herald</title>`)
		for _, slug := range rss {
			fmt.Fprintf(w, `<item><title>%s</title><link>%s/news/%s.html</link><guid>herald-%s</guid><pubDate>Mon, 01 Dec 2025 10:00:00 GMT</pubDate><description>Only a summary.</description></item>`, slug, s.URL, slug, slug)
		}
		fmt.Fprint(w, `</channel></rss>`)
	case r.URL.Path == "/atom.xml":
		etag := fmt.Sprintf(`"atom-%d"`, len(atom))
		w.Header().Set("ETag", etag)
		if r.Header.Get("If-None-Match") == etag {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Header().Set("Content-Type", "application/atom+xml")
		fmt.Fprint(w, `<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>Example Gazette</title>`)
		for _, slug := range atom {
			fmt.Fprintf(w, `<entry><title>%s</title><link href="/news/%s.html"/><id>tag:gazette,2025:%s</id><updated>2025-12-01T10:00:00Z</updated><summary>Only a summary.</summary></entry>`, slug, slug, slug)
		}
		fmt.Fprint(w, `</feed>`)
	case r.URL.Path == "/broken.xml":
		http.Error(w, "down", http.StatusInternalServerError)
	case r.URL.Path == "/garbage.xml":
		w.Header().Set("Content-Type", "application/rss+xml")
		fmt.Fprint(w, "\x00\x01 this is not a feed <<<")
	case strings.HasPrefix(r.URL.Path, "/news/"):
		slug := strings.TrimSuffix(strings.TrimPrefix(r.URL.Path, "/news/"), ".html")
		text, ok := stories[slug]
		if !ok {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, `<html><head><title>%s</title><meta property="og:site_name" content="Example Herald"></head><body><article><h1>%s</h1><p>%s</p><p>%s</p></article></body></html>`, slug, slug, text, "Officials said more details would be given later in the week, after a meeting of the emergency committee.")
	default:
		http.NotFound(w, r)
	}
}

// observer records the polls.
type observer struct {
	mu    sync.Mutex
	polls []string
}

func (o *observer) FeedPolled(feed, outcome string, added, failing int) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.polls = append(o.polls, fmt.Sprintf("%s %s +%d failing=%d", feed[strings.LastIndex(feed, "/")+1:], outcome, added, failing))
}

func (o *observer) take() string {
	o.mu.Lock()
	defer o.mu.Unlock()
	p := o.polls
	o.polls = nil
	sortStrings(p)
	return strings.Join(p, "; ")
}

func sortStrings(s []string) {
	for i := range s {
		for j := i + 1; j < len(s); j++ {
			if s[j] < s[i] {
				s[i], s[j] = s[j], s[i]
			}
		}
	}
}

func newWatcher(site *newsSite, data string, obs Observer, log io.Writer) *Watcher {
	return &Watcher{
		Data:     data,
		Feeds:    []string{site.URL + "/rss.xml", site.URL + "/atom.xml", site.URL + "/broken.xml", site.URL + "/garbage.xml"},
		Interval: time.Hour,
		Reader:   &web.Reader{Client: &fetch.Client{AllowPrivate: true, PerHost: time.Millisecond}},
		Log:      slog.New(slog.NewTextHandler(log, nil)),
		Observer: obs,
	}
}

func answers(ix *index.Disk, q, want string) bool {
	hits, _ := ix.Search(q, 3)
	for _, h := range hits {
		if strings.Contains(h.Text(), want) {
			return true
		}
	}
	return false
}

func TestWatchFeeds(t *testing.T) {
	site := newNewsSite(t)
	site.add("rss", "floods")
	site.add("atom", "snow")
	data := t.TempDir()
	obs := &observer{}
	var log strings.Builder
	w := newWatcher(site, data, obs, &log)
	var updated *index.Disk
	w.Updated = func(ix *index.Disk) { updated = ix }
	ctx := context.Background()

	// First poll: both good feeds are read, their items' pages indexed; the
	// broken and garbage feeds are named and counted, the others go on.
	res, err := w.Poll(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if res.Added != 2 || updated == nil || !answers(updated, "What flooded Valencia?", "Heavy rain flooded") || !answers(updated, "What closed the Pyrenees passes?", "Snow closed") {
		t.Fatalf("first poll: %+v", res)
	}
	if got, want := obs.take(), "atom.xml ok +1 failing=0; broken.xml error +0 failing=1; garbage.xml error +0 failing=1; rss.xml ok +1 failing=0"; got != want {
		t.Errorf("polls:\n got %s\nwant %s", got, want)
	}
	for _, f := range []string{"broken.xml", "garbage.xml"} {
		if !strings.Contains(log.String(), f) || res.Failed[site.URL+"/"+f] == "" {
			t.Errorf("%s not named as failing: %v\n%s", f, res.Failed, log.String())
		}
	}
	a, _, _ := updated.Article(firstID(updated, "floods"))
	if a.URL != site.URL+"/news/floods.html" || a.Outlet != "Example Herald" || a.Published.IsZero() || strings.Contains(a.Body, "Only a summary") {
		t.Errorf("article from the feed item: %+v", a)
	}

	// Second poll: nothing new (304s), the failing feeds back off.
	updated = nil
	if res, err = w.Poll(ctx); err != nil || res.Added != 0 || updated != nil {
		t.Fatalf("second poll: %+v %v", res, err)
	}
	if got, want := obs.take(), "atom.xml not_modified +0 failing=0; rss.xml not_modified +0 failing=0"; got != want {
		t.Errorf("polls:\n got %s\nwant %s", got, want)
	}
	if n := site.count("/broken.xml"); n != 1 {
		t.Errorf("the broken feed was polled %d times during its backoff", n)
	}

	// A new item, and one that repeats an indexed story's text under
	// another link: the first is added, the second is a duplicate.
	site.add("rss", "ferry")
	site.add("atom", "copy")
	if res, err = w.Poll(ctx); err != nil || res.Added != 1 || updated == nil || !answers(updated, "Why was the ferry to Tangier cancelled?", "high winds") {
		t.Fatalf("third poll: %+v %v", res, err)
	}
	if n := site.count("/news/floods.html"); n != 1 {
		t.Errorf("an item already read was fetched %d times", n)
	}

	// A restart: where it left off is in the data directory.
	w2 := newWatcher(site, data, obs, &log)
	site.add("rss", "drought")
	if res, err = w2.Poll(ctx); err != nil || res.Added != 1 {
		t.Fatalf("after a restart: %+v %v", res, err)
	}
	for _, p := range []string{"/news/floods.html", "/news/ferry.html", "/news/snow.html"} {
		if n := site.count(p); n != 1 {
			t.Errorf("%s fetched %d times", p, n)
		}
	}
	if n := site.count("/broken.xml"); n != 1 {
		t.Errorf("the restart forgot the broken feed's backoff (%d polls)", n)
	}
}

func firstID(ix *index.Disk, title string) string {
	for a := range ix.Articles() {
		if a.Title == title {
			return a.ID
		}
	}
	return ""
}

func TestBackoff(t *testing.T) {
	for n, want := range map[int]time.Duration{1: time.Minute, 2: 2 * time.Minute, 3: 4 * time.Minute, 20: maxBackoff} {
		if got := backoff(time.Minute, n); got != want {
			t.Errorf("backoff(1m, %d) = %v, want %v", n, got, want)
		}
	}
}
