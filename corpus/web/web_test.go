package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/newsbot-dev/newsbot/corpus/fetch"
)

const story = `<html><head><title>Dam talks resume</title></head><body><article><h1>Dam talks resume</h1>
<p>Negotiators from the three river states met again on Monday to share the water of the upper basin, officials said, after talks that had stalled in March.</p>
<p>The treaty would set quotas for the dry season, when the lower basin depends on releases from dams upstream.</p></article></body></html>`

func site(t *testing.T) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/robots.txt":
			http.NotFound(w, r)
		case "/dam.html":
			w.Header().Set("Content-Type", "text/html")
			fmt.Fprint(w, story)
		case "/note.txt":
			w.Header().Set("Content-Type", "text/plain")
			fmt.Fprint(w, "Ferry cancelled\n\nThe ferry to Tangier was cancelled because of high winds.\n")
		case "/feed.xml":
			w.Header().Set("Content-Type", "text/xml") // feeds are often served so
			fmt.Fprint(w, `<?xml version="1.0"?><rss version="2.0"><channel><title>Herald</title>
<item><title>From the feed</title><link>/dam.html</link><author>desk@example.com (Jane Reporter)</author><pubDate>Thu, 04 Mar 2021 09:30:00 GMT</pubDate><description>SUMMARY ONLY</description></item>
<item><title>Gone</title><link>/gone.html</link></item></channel></rss>`)
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(srv.Close)
	return srv
}

func TestReadPagesAndFeeds(t *testing.T) {
	srv := site(t)
	r := &Reader{Client: &fetch.Client{AllowPrivate: true, PerHost: time.Millisecond}}
	reps := r.Read(context.Background(), srv.URL+"/dam.html", srv.URL+"/note.txt", srv.URL+"/feed.xml")
	if len(reps) != 5 {
		t.Fatalf("%d reports: %+v", len(reps), reps)
	}
	page := reps[0].Articles[0]
	if page.Title != "Dam talks resume" || page.URL != srv.URL+"/dam.html" || !strings.Contains(page.Body, "Negotiators") {
		t.Errorf("page: %+v", page)
	}
	if note := reps[1].Articles[0]; note.Title != "Ferry cancelled" {
		t.Errorf("text: %+v", note)
	}
	if reps[2].Path != srv.URL+"/feed.xml" || len(reps[2].Problems) > 0 {
		t.Errorf("feed report: %+v", reps[2])
	}
	item := reps[3].Articles[0]
	if strings.Contains(item.Body, "SUMMARY") || !strings.Contains(item.Body, "Negotiators") || item.Published.IsZero() {
		t.Errorf("feed item read from its page: %+v", item)
	}
	if len(reps[4].Problems) != 1 || !strings.Contains(reps[4].Problems[0].Reason, "404") {
		t.Errorf("missing item page: %+v", reps[4])
	}
}

func TestReadRefusesPrivateAddresses(t *testing.T) {
	srv := site(t)
	reps := (&Reader{}).Read(context.Background(), srv.URL+"/dam.html")
	if len(reps) != 1 || len(reps[0].Articles) != 0 || !strings.Contains(reps[0].Problems[0].Reason, "NEWSBOT_FETCH_ALLOW_PRIVATE") {
		t.Errorf("reports: %+v", reps)
	}
	_, err := (&fetch.Client{}).Get(context.Background(), srv.URL, fetch.Conditional{})
	if !errors.Is(err, fetch.ErrPrivateAddress) {
		t.Errorf("err = %v", err)
	}
}

func TestIsFeed(t *testing.T) {
	for _, c := range []struct {
		ct, body string
		want     bool
	}{
		{"application/rss+xml", "", true},
		{"application/atom+xml; charset=utf-8", "", true},
		{"text/xml", `<?xml version="1.0"?><rss version="2.0"></rss>`, true},
		{"", `<feed xmlns="http://www.w3.org/2005/Atom"></feed>`, true},
		{"text/html", `<rss>`, false},
		{"application/octet-stream", `<html><body>hi</body></html>`, false},
	} {
		if got := IsFeed(c.ct, []byte(c.body)); got != c.want {
			t.Errorf("IsFeed(%q, %q) = %v", c.ct, c.body, got)
		}
	}
}
