package fetch

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// publicLoopback makes 127.0.0.1, where the test servers listen, count as
// a public address, and every other special address stay refused.
func publicLoopback(c *Client) *Client {
	c.refused = func(ip netip.Addr) bool {
		return ip != netip.MustParseAddr("127.0.0.1") && refused(ip)
	}
	return c
}

func TestGetPageWithPoliteHeaders(t *testing.T) {
	var ua atomic.Value
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/robots.txt" {
			http.NotFound(w, r)
			return
		}
		ua.Store(r.Header.Get("User-Agent"))
		w.Header().Set("Content-Type", "text/html")
		fmt.Fprint(w, "<p>hello</p>")
	}))
	defer srv.Close()
	c := &Client{AllowPrivate: true, PerHost: time.Millisecond}
	res, err := c.Get(context.Background(), srv.URL+"/page.html", Conditional{})
	if err != nil || string(res.Body) != "<p>hello</p>" || res.ContentType != "text/html" {
		t.Fatalf("Get = %+v, %v", res, err)
	}
	if got := ua.Load().(string); !strings.HasPrefix(got, "newsbot/") {
		t.Errorf("User-Agent = %q", got)
	}
}

func TestPrivateAddressesRefused(t *testing.T) {
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		fmt.Fprint(w, "secret")
	}))
	defer srv.Close()
	port := srv.URL[strings.LastIndex(srv.URL, ":")+1:]
	c := &Client{}
	for _, u := range []string{
		srv.URL + "/page.html",                    // loopback, literal
		"http://localhost:" + port + "/",          // a name resolving to loopback: refused when dialling
		"http://[::ffff:127.0.0.1]:" + port,       // IPv4-mapped IPv6
		"http://169.254.169.254/latest/meta-data", // link-local (cloud metadata)
		"http://10.1.2.3/", "http://192.168.0.1/", "http://[fe80::1]/", "http://0.0.0.0:" + port,
	} {
		_, err := c.Get(context.Background(), u, Conditional{})
		if !errors.Is(err, ErrPrivateAddress) {
			t.Errorf("%s: err = %v, want ErrPrivateAddress", u, err)
		}
	}
	if n := hits.Load(); n != 0 {
		t.Errorf("the private server was reached %d times", n)
	}
	// With AllowPrivate the same page is fetched.
	if _, err := (&Client{AllowPrivate: true}).Get(context.Background(), srv.URL+"/page.html", Conditional{}); err != nil {
		t.Errorf("AllowPrivate: %v", err)
	}
}

func TestRedirects(t *testing.T) {
	var private atomic.Int32
	inner := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		private.Add(1)
	}))
	defer inner.Close()
	innerPort := inner.URL[strings.LastIndex(inner.URL, ":")+1:]
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/robots.txt":
			http.NotFound(w, r)
		case "/to-metadata":
			http.Redirect(w, r, "http://169.254.169.254/latest/meta-data", http.StatusFound)
		case "/to-ipv6-loopback":
			http.Redirect(w, r, "http://[::1]:"+innerPort+"/", http.StatusMovedPermanently)
		case "/to-file":
			http.Redirect(w, r, "file:///etc/passwd", http.StatusFound)
		case "/loop":
			http.Redirect(w, r, "/loop", http.StatusFound)
		case "/moved":
			http.Redirect(w, r, "/final", http.StatusMovedPermanently)
		case "/final":
			fmt.Fprint(w, "final")
		}
	}))
	defer srv.Close()
	c := publicLoopback(&Client{PerHost: time.Millisecond})
	ctx := context.Background()
	for path, want := range map[string]error{
		"/to-metadata": ErrPrivateAddress, "/to-ipv6-loopback": ErrPrivateAddress,
		"/to-file": ErrScheme, "/loop": ErrTooManyRedirects,
	} {
		if _, err := c.Get(ctx, srv.URL+path, Conditional{}); !errors.Is(err, want) {
			t.Errorf("%s: err = %v, want %v", path, err, want)
		}
	}
	if private.Load() != 0 {
		t.Error("a redirect reached the private server")
	}
	res, err := c.Get(ctx, srv.URL+"/moved", Conditional{})
	if err != nil || string(res.Body) != "final" || res.URL != srv.URL+"/final" {
		t.Errorf("a redirect within the site: %+v, %v", res, err)
	}
}

func TestRobotsTxt(t *testing.T) {
	var robotsFetches, pages atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/robots.txt" {
			robotsFetches.Add(1)
			fmt.Fprint(w, "User-agent: *\nDisallow: /\n\nUser-agent: newsbot\nDisallow: /private/\nAllow: /\n")
			return
		}
		pages.Add(1)
		fmt.Fprint(w, "ok")
	}))
	defer srv.Close()
	c := &Client{AllowPrivate: true, PerHost: time.Millisecond}
	ctx := context.Background()
	if _, err := c.Get(ctx, srv.URL+"/news/a.html", Conditional{}); err != nil {
		t.Errorf("allowed page: %v", err)
	}
	if _, err := c.Get(ctx, srv.URL+"/private/b.html", Conditional{}); !errors.Is(err, ErrRobots) {
		t.Errorf("disallowed page: err = %v", err)
	}
	if n := robotsFetches.Load(); n != 1 {
		t.Errorf("robots.txt fetched %d times, want once", n)
	}
	if n := pages.Load(); n != 1 {
		t.Errorf("pages fetched: %d, want 1", n)
	}

	// A robots.txt that fails with a 5xx keeps the bot off the site.
	down := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/robots.txt" {
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		t.Error("a page was fetched although robots.txt failed")
	}))
	defer down.Close()
	if _, err := c.Get(ctx, down.URL+"/a.html", Conditional{}); !errors.Is(err, ErrRobots) {
		t.Errorf("robots.txt 503: err = %v", err)
	}
}

func TestConditionalGet(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/robots.txt" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("ETag", `"v1"`)
		w.Header().Set("Last-Modified", "Mon, 01 Dec 2025 10:00:00 GMT")
		if r.Header.Get("If-None-Match") == `"v1"` {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		fmt.Fprint(w, "<rss/>")
	}))
	defer srv.Close()
	c := &Client{AllowPrivate: true, PerHost: time.Millisecond}
	first, err := c.Get(context.Background(), srv.URL+"/feed.xml", Conditional{})
	if err != nil || first.ETag != `"v1"` || first.NotModified {
		t.Fatalf("first: %+v, %v", first, err)
	}
	second, err := c.Get(context.Background(), srv.URL+"/feed.xml", Conditional{ETag: first.ETag, LastModified: first.LastModified})
	if err != nil || !second.NotModified || second.Body != nil || second.ETag != `"v1"` {
		t.Errorf("second: %+v, %v", second, err)
	}
}

func TestLimits(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/robots.txt":
			http.NotFound(w, r)
		case "/big":
			w.Write(make([]byte, 4096))
		case "/slow":
			select {
			case <-r.Context().Done():
			case <-time.After(5 * time.Second):
			}
		case "/gone":
			w.WriteHeader(http.StatusGone)
		}
	}))
	defer srv.Close()
	c := &Client{AllowPrivate: true, PerHost: time.Millisecond, MaxBytes: 1000, Timeout: 200 * time.Millisecond}
	ctx := context.Background()
	if _, err := c.Get(ctx, srv.URL+"/big", Conditional{}); !errors.Is(err, ErrTooLarge) {
		t.Errorf("big: %v", err)
	}
	if _, err := c.Get(ctx, srv.URL+"/slow", Conditional{}); err == nil {
		t.Error("slow: no error past the timeout")
	}
	var se *StatusError
	if _, err := c.Get(ctx, srv.URL+"/gone", Conditional{}); !errors.As(err, &se) || se.Code != http.StatusGone {
		t.Errorf("gone: %v", err)
	}
	if _, err := c.Get(ctx, "ftp://example.com/x", Conditional{}); !errors.Is(err, ErrScheme) {
		t.Errorf("ftp: %v", err)
	}
}

func TestPerHostConcurrency(t *testing.T) {
	var inFlight, most atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/robots.txt" {
			http.NotFound(w, r)
			return
		}
		n := inFlight.Add(1)
		for {
			m := most.Load()
			if n <= m || most.CompareAndSwap(m, n) {
				break
			}
		}
		time.Sleep(20 * time.Millisecond)
		inFlight.Add(-1)
	}))
	defer srv.Close()
	c := &Client{AllowPrivate: true, PerHost: time.Microsecond, HostConcurrency: 2}
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := c.Get(context.Background(), fmt.Sprintf("%s/p%d", srv.URL, i), Conditional{}); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if m := most.Load(); m > 2 {
		t.Errorf("%d requests to one host at once, want at most 2", m)
	}
}
