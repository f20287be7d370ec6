package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// feedSite is a local news site for the watch: an RSS feed and an Atom
// feed with ETags (answering 304 when nothing changed), a feed failing
// with 500, one returning garbage, and the article pages.
type feedSite struct {
	*httptest.Server
	mu            sync.Mutex
	rss           []string // slugs, newest first
	atom          []string
	notModified   int // 304s served
	storiesBySlug map[string]string
}

func newFeedSite(t *testing.T) *feedSite {
	s := &feedSite{storiesBySlug: map[string]string{
		"floods": "Heavy rain flooded the streets of Valencia on Monday, and the regional government closed schools in twelve towns as rivers rose over their banks.",
		"snow":   "Snow closed the mountain passes of the Pyrenees on Tuesday, stranding hundreds of lorries on both sides of the border for most of the day.",
		"ferry":  "The ferry to Tangier was cancelled on Wednesday because of high winds in the strait, the port authority in Algeciras said in a statement.",
	}}
	s.Server = httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(s.Close)
	return s
}

func (s *feedSite) addRSS(slug string) {
	s.mu.Lock()
	s.rss = append([]string{slug}, s.rss...)
	s.mu.Unlock()
}

func (s *feedSite) served304() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.notModified
}

func (s *feedSite) serve(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	rss, atom := append([]string(nil), s.rss...), append([]string(nil), s.atom...)
	s.mu.Unlock()
	conditional := func(etag string) bool {
		w.Header().Set("ETag", etag)
		if r.Header.Get("If-None-Match") == etag {
			s.mu.Lock()
			s.notModified++
			s.mu.Unlock()
			w.WriteHeader(http.StatusNotModified)
			return true
		}
		return false
	}
	switch {
	case r.URL.Path == "/robots.txt":
		fmt.Fprint(w, "User-agent: *\nDisallow: /private/\n")
	case r.URL.Path == "/rss.xml":
		if conditional(fmt.Sprintf(`"rss-%d"`, len(rss))) {
			return
		}
		w.Header().Set("Content-Type", "application/rss+xml")
		fmt.Fprint(w, `<?xml version="1.0"?><rss version="2.0"><channel><title>Example Herald</title>`)
		for _, slug := range rss {
			fmt.Fprintf(w, `<item><title>%s</title><link>%s/news/%s.html</link><guid>herald-%s</guid><description>Only a summary.</description></item>`, slug, s.URL, slug, slug)
		}
		fmt.Fprint(w, `</channel></rss>`)
	case r.URL.Path == "/atom.xml":
		if conditional(fmt.Sprintf(`"atom-%d"`, len(atom))) {
			return
		}
		w.Header().Set("Content-Type", "application/atom+xml")
		fmt.Fprint(w, `<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>Example Gazette</title>`)
		for _, slug := range atom {
			fmt.Fprintf(w, `<entry><title>%s</title><link href="/news/%s.html"/><id>tag:gazette:%s</id><updated>2025-12-01T10:00:00Z</updated></entry>`, slug, slug, slug)
		}
		fmt.Fprint(w, `</feed>`)
	case r.URL.Path == "/broken.xml":
		http.Error(w, "down for maintenance", http.StatusInternalServerError)
	case r.URL.Path == "/garbage.xml":
		fmt.Fprint(w, "\x00\x01 this is not a feed")
	case strings.HasPrefix(r.URL.Path, "/news/"):
		slug := strings.TrimSuffix(strings.TrimPrefix(r.URL.Path, "/news/"), ".html")
		text, ok := s.storiesBySlug[slug]
		if !ok {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, `<html><head><title>%s</title><meta property="og:site_name" content="Example Herald"></head><body><article><h1>%s</h1><p>%s</p><p>Officials said more details would be given later in the week, after a meeting of the emergency committee.</p></article></body></html>`, slug, slug, text)
	default:
		http.NotFound(w, r)
	}
}

// lockedBuffer is a log that a test reads while serve writes it.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func ask(t *testing.T, base, q string) string {
	t.Helper()
	resp, err := http.Post(base+"/v1/ask", "application/json", strings.NewReader(`{"question":"`+q+`"}`))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return string(b)
}

// TestServeWatchesFeeds: bot serve with feeds configured answers about an
// item added after it started, once the next poll has read it; unchanged
// feeds are 304s; a feed failing with 500 and one returning garbage are
// named in the log and the metrics while the others keep working.
func TestServeWatchesFeeds(t *testing.T) {
	site := newFeedSite(t)
	site.addRSS("floods")
	site.mu.Lock()
	site.atom = []string{"snow"}
	site.mu.Unlock()
	env := map[string]string{
		"NEWSBOT_DATA":                t.TempDir(),
		"NEWSBOT_FEEDS":               strings.Join([]string{site.URL + "/rss.xml", site.URL + "/atom.xml", site.URL + "/broken.xml", site.URL + "/garbage.xml"}, " "),
		"NEWSBOT_WATCH_INTERVAL":      "200ms",
		"NEWSBOT_FETCH_ALLOW_PRIVATE": "1",
		"NEWSBOT_LOG_FORMAT":          "json",
	}
	log := &lockedBuffer{}
	pr, pw := io.Pipe()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		e := newEnviron(func(k string) string { return env[k] }, strings.NewReader(""), pw, log)
		err := e.run(ctx, []string{"serve", "--addr", "127.0.0.1:0"})
		pw.Close()
		done <- err
	}()
	out := followServe(pr)
	base := out.started()
	if base == "" {
		cancel()
		t.Fatalf("serve did not start: %v", <-done)
	}
	if _, ok := out.waitFor("reloaded: answering from 2 articles", 20*time.Second); !ok {
		t.Fatalf("the first poll added nothing; log:\n%s", log.String())
	}
	if a := ask(t, base, "What closed the Pyrenees passes?"); !strings.Contains(a, "Snow closed the mountain passes") {
		t.Errorf("the Atom feed's story is not answered: %s", a)
	}

	// A story published after the start is answered after the next poll.
	site.addRSS("ferry")
	if _, ok := out.waitFor("reloaded: answering from 3 articles", 20*time.Second); !ok {
		t.Fatalf("the new item was not added; log:\n%s", log.String())
	}
	if a := ask(t, base, "Why was the ferry to Tangier cancelled?"); !strings.Contains(a, "high winds in the strait") || !strings.Contains(a, "Example Herald") {
		t.Errorf("the new story is not answered: %s", a)
	}
	for site.served304() == 0 {
		time.Sleep(50 * time.Millisecond) // the unchanged Atom feed is a 304 at its next poll
	}

	resp, err := http.Get(base + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	metrics := string(b)
	for _, want := range []string{
		`newsbot_feed_polls_total{feed="` + site.URL + `/broken.xml",outcome="error"}`,
		`newsbot_feed_polls_total{feed="` + site.URL + `/garbage.xml",outcome="error"}`,
		`newsbot_feed_polls_total{feed="` + site.URL + `/atom.xml",outcome="not_modified"}`,
		`newsbot_feed_articles_added_total{feed="` + site.URL + `/rss.xml"} 2`,
		`newsbot_feed_failing{feed="` + site.URL + `/atom.xml"} 0`,
	} {
		if !strings.Contains(metrics, want) {
			t.Errorf("metrics lack %s", want)
		}
	}
	if !strings.Contains(metrics, `newsbot_feed_failing{feed="`+site.URL+`/broken.xml"} 1`) &&
		!strings.Contains(metrics, `newsbot_feed_failing{feed="`+site.URL+`/broken.xml"} 2`) {
		t.Errorf("the broken feed is not shown failing:\n%s", grepLines(metrics, "feed_failing"))
	}
	for _, f := range []string{"/broken.xml", "/garbage.xml"} {
		if !strings.Contains(log.String(), `"msg":"watch: feed failed","feed":"`+site.URL+f+`"`) {
			t.Errorf("the log does not name %s as failing:\n%s", f, log.String())
		}
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("serve returned %v", err)
	}
}

func grepLines(s, sub string) string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if strings.Contains(l, sub) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

// TestIngestURL: a page on a local server is ingested with
// NEWSBOT_FETCH_ALLOW_PRIVATE=1 and refused without it; so is a feed,
// whose items' pages are read.
func TestIngestURL(t *testing.T) {
	site := newFeedSite(t)
	site.addRSS("floods")
	site.addRSS("ferry")
	page := site.URL + "/news/snow.html"

	data := t.TempDir()
	out, err := runBot(t, map[string]string{"NEWSBOT_DATA": data}, "", "ingest", page)
	if err == nil || !strings.Contains(out, page+": refused:") || !strings.Contains(out, "NEWSBOT_FETCH_ALLOW_PRIVATE") {
		t.Errorf("without NEWSBOT_FETCH_ALLOW_PRIVATE: %v\n%s", err, out)
	}

	env := map[string]string{"NEWSBOT_DATA": data, "NEWSBOT_FETCH_ALLOW_PRIVATE": "1"}
	out, err = runBot(t, env, "", "ingest", page, site.URL+"/rss.xml", site.URL+"/private/x.html")
	if !strings.Contains(out, page+": 1 added") || !strings.Contains(out, site.URL+"/news/ferry.html: 1 added") ||
		!strings.Contains(out, "robots.txt") {
		t.Errorf("with NEWSBOT_FETCH_ALLOW_PRIVATE=1: %v\n%s", err, out)
	}
	out, err = runBot(t, env, "", "ask", "Why was the ferry to Tangier cancelled?")
	if err != nil || !strings.Contains(out, "high winds in the strait") || !strings.Contains(out, site.URL+"/news/ferry.html") {
		t.Errorf("ask: %v\n%s", err, out)
	}
}

// TestWatchOnce: bot watch --once polls the feeds into the data
// directory, says what it added, and exits 2 when a feed failed.
func TestWatchOnce(t *testing.T) {
	site := newFeedSite(t)
	site.addRSS("floods")
	data := t.TempDir()
	env := map[string]string{"NEWSBOT_DATA": data, "NEWSBOT_FETCH_ALLOW_PRIVATE": "true", "NEWSBOT_LOG_LEVEL": "error"}
	out, err := runBot(t, env, "", "watch", "--once", "--feed", site.URL+"/rss.xml")
	if err != nil || !strings.Contains(out, "polled 1 feeds: 1 articles added, 0 feeds failed") {
		t.Fatalf("watch --once: %v\n%s", err, out)
	}
	out, err = runBot(t, env, "", "watch", "--once", "--feed", site.URL+"/rss.xml", "--feed", site.URL+"/broken.xml")
	if err == nil || !strings.Contains(out, "0 articles added, 1 feeds failed") {
		t.Errorf("a failing feed: %v\n%s", err, out)
	}
	// What the watch added is answered from the data directory.
	out, err = runBot(t, map[string]string{"NEWSBOT_DATA": data}, "", "ask", "What flooded Valencia?")
	if err != nil || !strings.Contains(out, "Heavy rain flooded") {
		t.Errorf("ask: %v\n%s", err, out)
	}
	// Feeds and --corpus do not go together.
	if _, err := runBot(t, env, "", "--corpus", data, "watch", "--once", "--feed", site.URL+"/rss.xml"); err == nil || !strings.Contains(err.Error(), "--corpus") {
		t.Errorf("with --corpus: %v", err)
	}
	// Without a feed, watch says what to set.
	if _, err := runBot(t, map[string]string{"NEWSBOT_DATA": data}, "", "watch", "--once"); err == nil || !strings.Contains(err.Error(), "NEWSBOT_FEEDS") {
		t.Errorf("no feeds: %v", err)
	}
}
