package discord

import (
	"context"
	"crypto/ed25519"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/newsbot-dev/newsbot"
)

// The test key and signed PING of PLATFORMS.md (RFC 8032 test 1).
const (
	testSeed      = "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60"
	testPublicKey = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a"
	pingTimestamp = "1608597133"
	pingBody      = `{"type":1}`
	pingSignature = "5ab3087e79bdf62aa525d5a1d4cc108ffa0330d84e84db163fe368150a56a217ba0d1bc121c713cbcfd3a4effa86afc6029be4a270a7a41a97815574105d7502"
)

func sign(t *testing.T, ts, body string) string {
	t.Helper()
	seed, _ := hex.DecodeString(testSeed)
	return hex.EncodeToString(ed25519.Sign(ed25519.NewKeyFromSeed(seed), []byte(ts+body)))
}

// httpAdapter is an adapter serving the HTTP endpoint with its clock near
// the vector's timestamp.
func httpAdapter(t *testing.T, f *fakeDiscord, bot Answerer) (*Adapter, *httptest.Server) {
	t.Helper()
	return httpAdapterWith(t, f, bot, nil)
}

// httpAdapterWith is httpAdapter with the config changed by change first.
func httpAdapterWith(t *testing.T, f *fakeDiscord, bot Answerer, change func(*Config)) (*Adapter, *httptest.Server) {
	t.Helper()
	cfg := Config{
		PublicKey: testPublicKey,
		Transport: f.Transport(),
		Now:       func() time.Time { return time.Unix(1608597133+30, 0) },
		EditEvery: 20 * time.Millisecond,
	}
	if change != nil {
		change(&cfg)
	}
	a, err := New(cfg, bot)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(a.Handler())
	t.Cleanup(func() {
		srv.Close()
		a.shutdown()
	})
	return a, srv
}

func post(t *testing.T, url string, headers map[string]string, body string) (*http.Response, string) {
	t.Helper()
	req, _ := http.NewRequest("POST", url, strings.NewReader(body))
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

func signed(sig, ts string) map[string]string {
	return map[string]string{"X-Signature-Ed25519": sig, "X-Signature-Timestamp": ts, "Content-Type": "application/json"}
}

// The signed PING vector gets PONG.
func TestHTTPPingVector(t *testing.T) {
	f := newFakeDiscord(t)
	_, srv := httpAdapter(t, f, builtinBot(t))
	if got := sign(t, pingTimestamp, pingBody); got != pingSignature {
		t.Fatalf("the test key does not reproduce the vector: %s", got)
	}
	resp, body := post(t, srv.URL, signed(pingSignature, pingTimestamp), pingBody)
	if resp.StatusCode != 200 || strings.TrimSpace(body) != `{"type":1}` {
		t.Fatalf("PING got %d %q, want 200 {\"type\":1}", resp.StatusCode, body)
	}
	if ct := resp.Header.Get("Content-Type"); ct != "application/json" {
		t.Errorf("Content-Type %q", ct)
	}
}

// Every tampered, replayed, stale or oversized request gets 401 and does no
// work: no Answerer call, no REST request.
func TestHTTPRejects(t *testing.T) {
	f := newFakeDiscord(t)
	bot := &recorder{Answerer: builtinBot(t)}
	_, srv := httpAdapter(t, f, bot)

	ask, _ := json.Marshal(askEvent("950", "42", "What did Lavrov say about sanctions?"))
	ts := "1608597150"
	sig := sign(t, ts, string(ask))
	raw, _ := hex.DecodeString(sig)
	raw[5] ^= 0x01
	flipped := hex.EncodeToString(raw)
	staleTS := "1608596000" // 20 minutes before the clock
	staleSig := sign(t, staleTS, string(ask))
	futureTS := "1608600000"
	futureSig := sign(t, futureTS, string(ask))
	bigBody := `{"type":2,"pad":"` + strings.Repeat("x", 100<<10) + `"}`
	bigSig := sign(t, ts, bigBody)

	for _, tc := range []struct {
		name    string
		headers map[string]string
		body    string
	}{
		{"flipped signature byte", signed(flipped, ts), string(ask)},
		{"changed body", signed(sig, ts), strings.Replace(string(ask), "Lavrov", "Lavroz", 1)},
		{"changed timestamp", signed(sig, "1608597151"), string(ask)},
		{"no signature header", map[string]string{"X-Signature-Timestamp": ts}, string(ask)},
		{"no timestamp header", map[string]string{"X-Signature-Ed25519": sig}, string(ask)},
		{"no headers", nil, string(ask)},
		{"signature not hex", signed(strings.Repeat("zz", 64), ts), string(ask)},
		{"signature too short", signed(sig[:100], ts), string(ask)},
		{"timestamp not a number", signed(sig, "yesterday"), string(ask)},
		{"stale timestamp", signed(staleSig, staleTS), string(ask)},
		{"future timestamp", signed(futureSig, futureTS), string(ask)},
		{"body over the limit", signed(bigSig, ts), bigBody},
		{"PING signed by another key", signed(strings.Repeat("ab", 64), pingTimestamp), pingBody},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp, body := post(t, srv.URL, tc.headers, tc.body)
			if resp.StatusCode != http.StatusUnauthorized || body != "" {
				t.Errorf("got %d %q, want 401 and no body", resp.StatusCode, body)
			}
		})
	}
	// The genuine request is answered once; its replay gets 401.
	resp, _ := post(t, srv.URL, signed(sig, ts), string(ask))
	if resp.StatusCode != 200 {
		t.Fatalf("genuine request got %d", resp.StatusCode)
	}
	resp, _ = post(t, srv.URL, signed(sig, ts), string(ask))
	if resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("replayed request got %d, want 401", resp.StatusCode)
	}
	f.Wait("final edit", 1, func(r fakeReq) bool { return isOriginalEdit(r) && final(r) })
	time.Sleep(50 * time.Millisecond)
	if n := len(bot.calls()); n != 1 {
		t.Errorf("Answerer called %d times, want 1 (only for the genuine request)", n)
	}
	if n := len(f.Requests(isMessage)); n != 1 {
		t.Errorf("%d message requests, want the 1 final edit: %v", n, f.Summary())
	}
}

// /ask over HTTP: the response is the deferral, at once; the answer comes
// by an edit through REST. The same interaction delivered again (signed
// anew) is deferred but not answered again.
func TestHTTPAsk(t *testing.T) {
	f := newFakeDiscord(t)
	bot := &recorder{Answerer: builtinBot(t)}
	var mu sync.Mutex
	events := map[string]int{}
	_, srv := httpAdapterWith(t, f, bot, func(c *Config) {
		c.OnEvent = func(e string) { mu.Lock(); events[e]++; mu.Unlock() }
	})

	ask, _ := json.Marshal(askEvent("951", "42", "What did Lavrov say about sanctions?"))
	for i, ts := range []string{"1608597150", "1608597151"} {
		start := time.Now()
		resp, body := post(t, srv.URL, signed(sign(t, ts, string(ask)), ts), string(ask))
		if d := time.Since(start); d > 3*time.Second {
			t.Errorf("deferral took %v", d)
		}
		var r struct {
			Type int `json:"type"`
		}
		if resp.StatusCode != 200 || json.Unmarshal([]byte(body), &r) != nil || r.Type != 5 {
			t.Fatalf("delivery %d: got %d %q, want 200 and type 5", i+1, resp.StatusCode, body)
		}
	}
	edit := f.Wait("final edit", 1, func(r fakeReq) bool { return isOriginalEdit(r) && final(r) })[0]
	if !strings.Contains(unescape(string(edit.Body)), "Lavrov") {
		t.Errorf("edit lacks the answer: %s", edit.Body)
	}
	time.Sleep(100 * time.Millisecond)
	if n := len(bot.calls()); n != 1 {
		t.Errorf("Answerer called %d times for one interaction delivered twice", n)
	}
	for _, r := range f.Requests(isMessage) {
		checkNoMentions(t, r)
	}
	mu.Lock()
	defer mu.Unlock()
	if events["interaction"] != 1 || events["duplicate"] != 1 {
		t.Errorf("events = %v, want one interaction and one duplicate", events)
	}
}

// A slow model over HTTP: the deferral is the HTTP response, before the
// Answerer's work.
func TestHTTPDeferralBeforeSlowModel(t *testing.T) {
	f := newFakeDiscord(t)
	release := make(chan struct{})
	defer close(release)
	slow := answerFunc(func(ctx context.Context, req newsbot.Request, _ newsbot.Stream) (newsbot.Answer, error) {
		select {
		case <-release:
		case <-ctx.Done():
		}
		return newsbot.Answer{}, ctx.Err()
	})
	_, srv := httpAdapter(t, f, slow)
	ask, _ := json.Marshal(askEvent("952", "42", "What did Lavrov say about sanctions?"))
	ts := "1608597150"
	start := time.Now()
	resp, body := post(t, srv.URL, signed(sign(t, ts, string(ask)), ts), string(ask))
	if d := time.Since(start); d > 3*time.Second || resp.StatusCode != 200 || !strings.Contains(body, `"type":5`) {
		t.Errorf("got %d %q after %v, want a deferral within 3 s", resp.StatusCode, body, d)
	}
}

func TestMethodNotAllowed(t *testing.T) {
	f := newFakeDiscord(t)
	_, srv := httpAdapter(t, f, builtinBot(t))
	resp, err := http.Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("GET got %d", resp.StatusCode)
	}
}
