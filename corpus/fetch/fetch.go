// Package fetch is the bot's web client: it fetches article pages and
// feeds politely and safely for corpus/web and the watch. A Client
//
//   - names the bot in its User-Agent, with a link to what it is;
//   - honours robots.txt (github.com/temoto/robotstxt; fetched once an
//     hour per site; a 4xx means no rules, a 5xx or an unreachable file
//     means keep off for five minutes), its Crawl-delay included;
//   - waits at least PerHost between two requests to one host, and keeps
//     at most HostConcurrency requests to a host in flight;
//   - gives up on a request after Timeout, on a body over MaxBytes, after
//     MaxRedirects redirects;
//   - follows only http and https links, and never connects to a private,
//     loopback, link-local, multicast or otherwise special address unless
//     AllowPrivate is set: the address is checked when the connection is
//     made (after DNS resolution, for every address tried, and for every
//     redirect), so a name that resolves to 127.0.0.1 or a redirect to
//     http://169.254.169.254/ is refused like the address itself;
//   - sends conditional requests (If-None-Match, If-Modified-Since) when
//     given the ETag and Last-Modified of an earlier response, and reports
//     a 304 as NotModified.
//
// It uses no proxy: a proxy would make the address check meaningless.
package fetch

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/temoto/robotstxt"
	"golang.org/x/time/rate"
)

// UserAgent is the User-Agent the Client sends when its own is "".
const UserAgent = "newsbot/1.0 (+https://github.com/newsbot-dev/newsbot; a news question-answering bot)"

// robotsAgent is the name the bot looks for in robots.txt.
const robotsAgent = "newsbot"

// Defaults for the Client's zero fields.
const (
	defaultTimeout         = 30 * time.Second
	defaultMaxBytes        = 10 << 20
	defaultMaxRedirects    = 5
	defaultPerHost         = time.Second
	defaultHostConcurrency = 2
	robotsTTL              = time.Hour
	robotsRetry            = 5 * time.Minute
	maxCrawlDelay          = time.Minute
)

// Errors a fetch can fail with, for errors.Is.
var (
	// ErrPrivateAddress: the URL's host is, or resolves to, an address
	// the client may not connect to.
	ErrPrivateAddress = errors.New("private, loopback or link-local address (set NEWSBOT_FETCH_ALLOW_PRIVATE=1 to allow)")
	// ErrScheme: not an http or https URL.
	ErrScheme = errors.New("not an http or https URL")
	// ErrRobots: the site's robots.txt disallows the URL for the bot.
	ErrRobots = errors.New("disallowed by the site's robots.txt")
	// ErrTooLarge: the body is over MaxBytes.
	ErrTooLarge = errors.New("response is over the size limit")
	// ErrTooManyRedirects: more redirects than MaxRedirects.
	ErrTooManyRedirects = errors.New("too many redirects")
)

// StatusError is a response whose status is not 200 (or 304 to a
// conditional request).
type StatusError struct {
	URL  string
	Code int
}

func (e *StatusError) Error() string {
	return fmt.Sprintf("%s: HTTP %d %s", e.URL, e.Code, http.StatusText(e.Code))
}

// Client fetches pages and feeds (see the package doc). Its zero value is
// ready to use; the fields are overrides. A Client is safe for concurrent
// use and must not be copied after first use.
type Client struct {
	// UserAgent names the bot; "" means UserAgent.
	UserAgent string
	// AllowPrivate allows private, loopback and link-local addresses
	// (NEWSBOT_FETCH_ALLOW_PRIVATE=1), for a newsroom's own servers and
	// for tests.
	AllowPrivate bool
	// Timeout bounds one request, body included; 0 means 30s.
	Timeout time.Duration
	// MaxBytes bounds a body (after decompression); 0 means 10 MiB.
	MaxBytes int64
	// MaxRedirects bounds the redirects followed; 0 means 5.
	MaxRedirects int
	// PerHost is the least time between two requests to one host (a
	// robots.txt Crawl-delay of up to a minute lengthens it); 0 means 1s.
	PerHost time.Duration
	// HostConcurrency bounds the requests in flight to one host; 0
	// means 2.
	HostConcurrency int

	// refused replaces the address rule in tests, which need a server on
	// a loopback address to count as public; nil means refused.
	refused func(netip.Addr) bool

	once   sync.Once
	http   *http.Client
	mu     sync.Mutex
	hosts  map[string]*host
	robots map[string]*robotsEntry
}

// host is the politeness state of one host.
type host struct {
	limiter *rate.Limiter
	slots   chan struct{}
}

type robotsEntry struct {
	data    *robotsGroup
	expires time.Time
	ready   chan struct{}
}

// robotsGroup is what robots.txt says to the bot.
type robotsGroup struct {
	data     *robotstxt.RobotsData
	disallow bool // the file could not be read: keep off for now
}

// allows reports whether the bot may fetch path (with its query).
func (g *robotsGroup) allows(path string) bool {
	return !g.disallow && g.data.TestAgent(path, robotsAgent)
}

// crawlDelay is the Crawl-delay robots.txt asks of the bot.
func (g *robotsGroup) crawlDelay() time.Duration {
	if g.disallow {
		return 0
	}
	if grp := g.data.FindGroup(robotsAgent); grp != nil {
		return min(grp.CrawlDelay, maxCrawlDelay)
	}
	return 0
}

// Conditional holds the validators of an earlier response, for a
// conditional request.
type Conditional struct {
	ETag, LastModified string
}

// Response is a fetched page or feed.
type Response struct {
	// URL is where the body came from, after redirects.
	URL string
	// ContentType is the response's Content-Type.
	ContentType string
	// Body is the body, decompressed; nil when NotModified.
	Body []byte
	// ETag and LastModified are the response's validators, for the next
	// conditional request.
	ETag, LastModified string
	// NotModified is true when a conditional request got 304: nothing
	// changed since the validators given.
	NotModified bool
}

func (c *Client) init() {
	c.once.Do(func() {
		dialer := &net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second, Control: c.checkDial}
		tr := &http.Transport{
			Proxy:                 nil,
			DialContext:           dialer.DialContext,
			TLSHandshakeTimeout:   10 * time.Second,
			ResponseHeaderTimeout: 20 * time.Second,
			MaxIdleConnsPerHost:   2,
			IdleConnTimeout:       90 * time.Second,
			ForceAttemptHTTP2:     true,
		}
		c.http = &http.Client{
			Transport: tr,
			Timeout:   or(c.Timeout, defaultTimeout),
			CheckRedirect: func(req *http.Request, via []*http.Request) error {
				if len(via) > or(c.MaxRedirects, defaultMaxRedirects) {
					return ErrTooManyRedirects
				}
				return c.checkURL(req.URL)
			},
		}
		c.hosts = map[string]*host{}
		c.robots = map[string]*robotsEntry{}
	})
}

func or[T comparable](v, def T) T {
	var zero T
	if v == zero {
		return def
	}
	return v
}

// checkURL refuses what the client never fetches: a scheme other than
// http and https, and a host that is a refused address written as such.
func (c *Client) checkURL(u *url.URL) error {
	if u.Scheme != "http" && u.Scheme != "https" {
		return fmt.Errorf("%s: %w", u.Redacted(), ErrScheme)
	}
	if u.Hostname() == "" {
		return fmt.Errorf("%s: no host", u.Redacted())
	}
	if ip, err := netip.ParseAddr(u.Hostname()); err == nil && !c.AllowPrivate && c.refuse(ip) {
		return fmt.Errorf("%s: %w", u.Redacted(), ErrPrivateAddress)
	}
	return nil
}

// checkDial is the dialer's Control: it runs for every address a
// connection is attempted to, after DNS resolution.
func (c *Client) checkDial(network, address string, _ syscall.RawConn) error {
	if c.AllowPrivate {
		return nil
	}
	hostPart, _, err := net.SplitHostPort(address)
	if err != nil {
		return err
	}
	ip, err := netip.ParseAddr(hostPart)
	if err != nil || c.refuse(ip) {
		return fmt.Errorf("connect to %s: %w", hostPart, ErrPrivateAddress)
	}
	return nil
}

func (c *Client) refuse(ip netip.Addr) bool {
	if c.refused != nil {
		return c.refused(ip)
	}
	return refused(ip)
}

// specialPrefixes are the ranges, beyond those netip names, that are no
// place for a public web page: "this network", shared address space
// (carrier-grade NAT), IETF protocol assignments, benchmarking, reserved,
// and the IPv6 discard and NAT64 prefixes.
var specialPrefixes = []netip.Prefix{
	netip.MustParsePrefix("0.0.0.0/8"),
	netip.MustParsePrefix("100.64.0.0/10"),
	netip.MustParsePrefix("192.0.0.0/24"),
	netip.MustParsePrefix("198.18.0.0/15"),
	netip.MustParsePrefix("240.0.0.0/4"),
	netip.MustParsePrefix("100::/64"),
	netip.MustParsePrefix("64:ff9b::/96"),
	netip.MustParsePrefix("64:ff9b:1::/48"),
}

// refused reports an address the client does not connect to unless
// AllowPrivate: loopback, private, link-local, multicast, unspecified,
// broadcast and the special ranges above (IPv4-mapped IPv6 addresses as
// their IPv4 address).
func refused(ip netip.Addr) bool {
	ip = ip.Unmap()
	if ip.IsLoopback() || ip.IsPrivate() || ip.IsLinkLocalUnicast() || ip.IsLinkLocalMulticast() ||
		ip.IsInterfaceLocalMulticast() || ip.IsMulticast() || ip.IsUnspecified() ||
		ip == netip.AddrFrom4([4]byte{255, 255, 255, 255}) {
		return true
	}
	for _, p := range specialPrefixes {
		if p.Contains(ip) {
			return true
		}
	}
	return false
}

// Get fetches rawURL, as the package doc says. cond, when not empty, makes
// the request conditional.
func (c *Client) Get(ctx context.Context, rawURL string, cond Conditional) (*Response, error) {
	c.init()
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil, fmt.Errorf("fetch %q: %w", rawURL, err)
	}
	if err := c.checkURL(u); err != nil {
		return nil, fmt.Errorf("fetch %w", err)
	}
	g, err := c.robotsFor(ctx, u)
	if err != nil {
		return nil, err
	}
	if !g.allows(u.RequestURI()) {
		return nil, fmt.Errorf("fetch %s: %w", u.Redacted(), ErrRobots)
	}
	resp, err := c.get(ctx, u, cond, g.crawlDelay())
	if err != nil {
		return nil, err
	}
	return resp, nil
}

// hostState is the politeness state of u's host.
func (c *Client) hostState(u *url.URL) *host {
	c.mu.Lock()
	defer c.mu.Unlock()
	key := strings.ToLower(u.Host)
	h, ok := c.hosts[key]
	if !ok {
		h = &host{
			limiter: rate.NewLimiter(rate.Every(or(c.PerHost, defaultPerHost)), 1),
			slots:   make(chan struct{}, or(c.HostConcurrency, defaultHostConcurrency)),
		}
		c.hosts[key] = h
	}
	return h
}

// get makes one request politely: within the host's concurrency, after
// the host's interval (or the robots.txt Crawl-delay, when longer).
func (c *Client) get(ctx context.Context, u *url.URL, cond Conditional, delay time.Duration) (*Response, error) {
	h := c.hostState(u)
	select {
	case h.slots <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	defer func() { <-h.slots }()
	if delay > or(c.PerHost, defaultPerHost) {
		h.limiter.SetLimit(rate.Every(delay))
	}
	if err := h.limiter.Wait(ctx); err != nil {
		return nil, fmt.Errorf("fetch %s: %w", u.Redacted(), err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, fmt.Errorf("fetch %s: %w", u.Redacted(), err)
	}
	req.Header.Set("User-Agent", or(c.UserAgent, UserAgent))
	req.Header.Set("Accept", "text/html,application/xhtml+xml,application/rss+xml,application/atom+xml,application/feed+json,application/xml;q=0.9,text/xml;q=0.9,*/*;q=0.5")
	if cond.ETag != "" {
		req.Header.Set("If-None-Match", cond.ETag)
	}
	if cond.LastModified != "" {
		req.Header.Set("If-Modified-Since", cond.LastModified)
	}
	res, err := c.http.Do(req)
	if err != nil {
		return nil, fmt.Errorf("fetch %s: %w", u.Redacted(), err)
	}
	defer res.Body.Close()
	out := &Response{
		URL:          res.Request.URL.String(),
		ContentType:  res.Header.Get("Content-Type"),
		ETag:         res.Header.Get("ETag"),
		LastModified: res.Header.Get("Last-Modified"),
	}
	switch {
	case res.StatusCode == http.StatusNotModified && (cond.ETag != "" || cond.LastModified != ""):
		out.NotModified = true
		if out.ETag == "" {
			out.ETag = cond.ETag
		}
		if out.LastModified == "" {
			out.LastModified = cond.LastModified
		}
		return out, nil
	case res.StatusCode != http.StatusOK:
		io.Copy(io.Discard, io.LimitReader(res.Body, 64<<10))
		return nil, &StatusError{URL: u.Redacted(), Code: res.StatusCode}
	}
	max := or(c.MaxBytes, defaultMaxBytes)
	if res.ContentLength > max {
		return nil, fmt.Errorf("fetch %s: %w (%d bytes, limit %d)", u.Redacted(), ErrTooLarge, res.ContentLength, max)
	}
	body, err := io.ReadAll(io.LimitReader(res.Body, max+1))
	if err != nil {
		return nil, fmt.Errorf("fetch %s: read: %w", u.Redacted(), err)
	}
	if int64(len(body)) > max {
		return nil, fmt.Errorf("fetch %s: %w (limit %d bytes)", u.Redacted(), ErrTooLarge, max)
	}
	out.Body = body
	return out, nil
}

// robotsFor returns what u's site's robots.txt says to the bot, fetching
// it when it is not known or over an hour old. Concurrent callers for one
// site wait for one fetch.
func (c *Client) robotsFor(ctx context.Context, u *url.URL) (*robotsGroup, error) {
	key := u.Scheme + "://" + strings.ToLower(u.Host)
	c.mu.Lock()
	e, ok := c.robots[key]
	if ok && e.data != nil && time.Now().After(e.expires) {
		ok = false
	}
	if !ok {
		e = &robotsEntry{ready: make(chan struct{})}
		c.robots[key] = e
		c.mu.Unlock()
		data, err := c.fetchRobots(ctx, &url.URL{Scheme: u.Scheme, Host: u.Host, Path: "/robots.txt"})
		ttl := robotsTTL
		if data != nil && data.disallow {
			ttl = robotsRetry // a server error: try again sooner
		}
		c.mu.Lock()
		if err != nil {
			// The site itself is refused: say so, remember nothing.
			delete(c.robots, key)
			c.mu.Unlock()
			close(e.ready)
			return nil, err
		}
		if ctx.Err() != nil {
			// Cancelled, not refused: forget it (waiters try again).
			delete(c.robots, key)
			c.mu.Unlock()
			close(e.ready)
			return nil, ctx.Err()
		}
		e.data, e.expires = data, time.Now().Add(ttl)
		c.mu.Unlock()
		close(e.ready)
		return data, nil
	}
	c.mu.Unlock()
	select {
	case <-e.ready:
		if e.expires.IsZero() {
			return c.robotsFor(ctx, u) // the fetch was cancelled: try again
		}
		return e.data, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// fetchRobots reads a robots.txt: its rules when it is there, no rules
// for a 4xx, keep off for a 5xx or when it cannot be read. A site the
// client may not connect to is an error.
func (c *Client) fetchRobots(ctx context.Context, u *url.URL) (*robotsGroup, error) {
	resp, err := c.get(ctx, u, Conditional{}, 0)
	status, body := http.StatusOK, []byte(nil)
	var se *StatusError
	switch {
	case errors.Is(err, ErrPrivateAddress):
		return nil, err
	case errors.As(err, &se):
		status = se.Code
	case err != nil:
		return &robotsGroup{disallow: true}, nil
	default:
		body = resp.Body
	}
	data, err := robotstxt.FromStatusAndBytes(status, body)
	switch {
	case err == nil:
		return &robotsGroup{data: data}, nil
	case status >= 200 && status < 300:
		// A file robotstxt cannot parse says nothing it can honour.
		data, _ = robotstxt.FromString("")
		return &robotsGroup{data: data}, nil
	}
	return &robotsGroup{disallow: true}, nil
}
