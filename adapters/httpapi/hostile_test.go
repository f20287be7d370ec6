package httpapi_test

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"testing"

	"github.com/newsbot-dev/newsbot"
	"github.com/newsbot-dev/newsbot/adapters/httpapi"
)

// The HTTP API's details under hostile requests (finding 8 of issue 10).

// A client's X-Request-Id is echoed and logged only when it is a plain
// token; anything else is replaced by a new id.
func TestRequestIDIsValidated(t *testing.T) {
	var logged bytes.Buffer
	bot := answerFunc(func(ctx context.Context, req newsbot.Request, stream newsbot.Stream) (newsbot.Answer, error) {
		slog.New(slog.NewTextHandler(&logged, nil)).Info("answered", "request_id", newsbot.RequestID(ctx))
		return newsbot.Answer{Text: "T."}, nil
	})
	srv := serve(t, httpapi.Config{}, bot)
	for id, keep := range map[string]bool{
		"abc-123_X.y:z":                 true,
		`abc" injected=1 <script>`:      false,
		"with space":                    false,
		strings.Repeat("a", 65):         false,
		"\u00e9t\u00e9":                 false,
		"line\nbreak":                   false, // refused by net/http already, or by us
		"ok-" + strings.Repeat("7", 61): true,
	} {
		logged.Reset()
		req, _ := http.NewRequest(http.MethodPost, srv.URL+"/v1/ask", strings.NewReader(`{"question":"q"}`))
		req.Header.Set("X-Request-Id", id)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			if !keep {
				continue // the client library refused to send it
			}
			t.Fatal(err)
		}
		resp.Body.Close()
		got := resp.Header.Get("X-Request-Id")
		if keep != (got == id) || got == "" {
			t.Errorf("X-Request-Id %q: answered %q (keep: %v)", id, got, keep)
		}
		if !keep && (strings.Contains(logged.String(), "injected") || strings.Contains(logged.String(), "<script>")) {
			t.Errorf("the client's id reached the log: %s", logged.String())
		}
	}
}

// A body is exactly one JSON value in valid UTF-8.
func TestStrictJSON(t *testing.T) {
	srv := serve(t, httpapi.Config{}, builtinBot(t))
	for _, tc := range []struct {
		body   string
		status int
		want   string
	}{
		{`{"question":"What did Lavrov say about sanctions?"}`, 200, ""},
		{"{\"question\":\"What did Lavrov say about sanctions?\"}\n  \n", 200, ""},
		{`{"question":"What did Lavrov say?"} {"question":"again"}`, 400, "more than one JSON value"},
		{`{"question":"What did Lavrov say?"}garbage`, 400, "more than one JSON value"},
		{`{"question":"What did Lavrov say?"}}`, 400, "more than one JSON value"},
		{"{\"question\":\"What did Lavrov \xff\xfe say?\"}", 400, "not valid UTF-8"},
		{`{"question":`, 400, "not valid JSON"},
	} {
		for _, path := range []string{"/v1/ask", "/v1/chat/completions"} {
			body := tc.body
			if path == "/v1/chat/completions" {
				body = strings.Replace(strings.ReplaceAll(body, `{"question":`, `{"messages":[{"role":"user","content":`), `?"}`, `?"}]}`, -1)
			}
			resp, got := post(t, srv.URL+path, "", body)
			if resp.StatusCode != tc.status || !strings.Contains(got, tc.want) {
				t.Errorf("%s %q: %d %s; want %d %q", path, body, resp.StatusCode, got, tc.status, tc.want)
			}
		}
	}
}

// Requests with a wrong or missing token are rate limited per address, and
// do not spend the bucket of the right token.
func TestFailedAuthIsRateLimited(t *testing.T) {
	srv := serve(t, httpapi.Config{Token: "secret", Rate: 1, Burst: 3}, builtinBot(t))
	var codes []int
	for range 6 {
		resp, _ := post(t, srv.URL+"/v1/ask", "wrong", `{"question":"q"}`)
		codes = append(codes, resp.StatusCode)
	}
	if codes[0] != 401 || codes[5] != 429 {
		t.Errorf("wrong tokens answered %v, want 401s then 429s", codes)
	}
	if resp, body := post(t, srv.URL+"/v1/ask", "secret", `{"question":"What did Lavrov say about sanctions?"}`); resp.StatusCode != 200 {
		t.Errorf("the right token after the failures: %d %s", resp.StatusCode, body)
	}
}

// Behind a trusted proxy, each client has its own bucket; without the
// setting, or from a peer that is not trusted, the header is ignored.
func TestTrustedProxy(t *testing.T) {
	ask := func(h http.Handler, peer, xff string) int {
		req := httptest.NewRequest(http.MethodPost, "/v1/ask", strings.NewReader(`{"question":"What did Lavrov say about sanctions?"}`))
		req.RemoteAddr = peer + ":4242"
		if xff != "" {
			req.Header.Set("X-Forwarded-For", xff)
		}
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		return w.Code
	}
	bot := builtinBot(t)
	proxy := netip.MustParsePrefix("10.0.0.0/8")
	for _, tc := range []struct {
		name    string
		trusted []netip.Prefix
		peer    string
		// Two clients behind the peer, each asking twice with a burst of 2:
		// with their own buckets none is refused.
		want429 bool
	}{
		{"trusted proxy", []netip.Prefix{proxy}, "10.1.2.3", false},
		{"no setting: the proxy is the client", nil, "10.1.2.3", true},
		{"untrusted peer: its header is ignored", []netip.Prefix{proxy}, "192.0.2.9", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := httpapi.New(httpapi.Config{Rate: 0.001, Burst: 2, TrustedProxies: tc.trusted}, bot)
			var got []int
			for _, client := range []string{"198.51.100.1", "198.51.100.2"} {
				for range 2 {
					// A client may prepend what it likes; the proxy appends
					// what it saw, which is what counts.
					got = append(got, ask(h, tc.peer, "203.0.113.66, "+client))
				}
			}
			refused := false
			for _, c := range got {
				refused = refused || c == 429
			}
			if refused != tc.want429 {
				t.Errorf("codes %v, want a 429: %v", got, tc.want429)
			}
		})
	}
}
