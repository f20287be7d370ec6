package slack

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// The signing vector documented in PLATFORMS.md (from Slack's docs).
const (
	testSecret = "8f742231b10e8888abcd99yyyzzz85a5"
	testNow    = 1531420618
	vectorBody = "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c"
	vectorSig  = "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503"
	formType   = "application/x-www-form-urlencoded"
	jsonType   = "application/json"
)

func sign(secret string, ts int64, body string) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte("v0:" + strconv.FormatInt(ts, 10) + ":" + body))
	return "v0=" + hex.EncodeToString(mac.Sum(nil))
}

// send posts body to srv with the given timestamp and signature headers.
func send(t *testing.T, srv *httptest.Server, contentType string, ts int64, sig, body string, extra ...string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, srv.URL+"/slack/events", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", contentType)
	req.Header.Set("X-Slack-Request-Timestamp", strconv.FormatInt(ts, 10))
	req.Header.Set("X-Slack-Signature", sig)
	for i := 0; i+1 < len(extra); i += 2 {
		req.Header.Set(extra[i], extra[i+1])
	}
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// sendSigned posts body signed with the test secret at the test clock.
func sendSigned(t *testing.T, srv *httptest.Server, contentType, body string, extra ...string) (int, string) {
	t.Helper()
	return send(t, srv, contentType, testNow, sign(testSecret, testNow, body), body, extra...)
}

func TestSignatureVector(t *testing.T) {
	h := http.Header{}
	h.Set("X-Slack-Request-Timestamp", strconv.Itoa(testNow))
	h.Set("X-Slack-Signature", vectorSig)
	if !verifySignature(testSecret, h, []byte(vectorBody), time.Unix(testNow, 0)) {
		t.Fatal("the documented vector does not verify")
	}
	if got := sign(testSecret, testNow, vectorBody); got != vectorSig {
		t.Fatalf("test signer gives %s", got)
	}

	rec := &recorder{next: builtinBot(t)}
	r, srv := startHTTP(t, rec, nil)
	code, body := send(t, srv, formType, testNow, vectorSig, vectorBody)
	if code != http.StatusOK {
		t.Fatalf("documented vector: status %d %s", code, body)
	}
	// Its command has no text: it is answered with the hint, at once.
	if !strings.Contains(body, "Ask me a question") {
		t.Errorf("ack = %s", body)
	}
	_ = r.stop()
	if n := len(rec.requests()); n != 0 {
		t.Errorf("Answerer called %d times for an empty command", n)
	}
}

func TestBadSignaturesAreRefusedAndNothingIsDone(t *testing.T) {
	rec := &recorder{next: builtinBot(t)}
	r, srv := startHTTP(t, rec, nil)
	event := mustJSON(t, callback("EvSig", mentionEvent("C1", "UASK", "1700000010.000001", "", lavrovQuestion)))
	for _, tc := range []struct {
		name string
		ts   int64
		sig  string
	}{
		{"expired", testNow - 301, sign(testSecret, testNow-301, event)},
		{"future", testNow + 301, sign(testSecret, testNow+301, event)},
		{"forged", testNow, sign("not-the-secret", testNow, event)},
		{"replayed vector signature", testNow, vectorSig},
		{"missing", testNow, ""},
		{"signature of another timestamp", testNow, sign(testSecret, testNow-1, event)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, body := send(t, srv, jsonType, tc.ts, tc.sig, event)
			if code != http.StatusUnauthorized {
				t.Errorf("status %d, want 401", code)
			}
			if strings.Contains(body, "v0=") {
				t.Errorf("401 body leaks a signature: %q", body)
			}
		})
	}
	// Within five minutes either way is accepted.
	if code, _ := send(t, srv, jsonType, testNow-299, sign(testSecret, testNow-299, `{"type":"url_verification","challenge":"c"}`), `{"type":"url_verification","challenge":"c"}`); code != http.StatusOK {
		t.Errorf("a request 299 s old: status %d", code)
	}
	_ = r.stop()
	if n := len(rec.requests()); n != 0 {
		t.Errorf("Answerer called %d times", n)
	}
	if calls := r.f.callsOf("chat.postMessage"); len(calls) != 0 {
		t.Errorf("posted after refused requests: %s", describe(calls))
	}
}

func TestOversizedBodyIsRefused(t *testing.T) {
	rec := &recorder{next: builtinBot(t)}
	r, srv := startHTTP(t, rec, nil)
	big := `{"type":"event_callback","pad":"` + strings.Repeat("x", 10<<20) + `"}`
	code, _ := sendSigned(t, srv, jsonType, big)
	if code != http.StatusRequestEntityTooLarge {
		t.Errorf("10 MB body: status %d, want 413", code)
	}
	_ = r.stop()
	if n := len(rec.requests()); n != 0 {
		t.Errorf("Answerer called %d times", n)
	}
}

func TestURLVerification(t *testing.T) {
	_, srv := startHTTP(t, builtinBot(t), nil)
	code, body := sendSigned(t, srv, jsonType, `{"token":"x","challenge":"3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P","type":"url_verification"}`)
	var got map[string]string
	if code != http.StatusOK || json.Unmarshal([]byte(body), &got) != nil || got["challenge"] != "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P" {
		t.Errorf("url_verification: %d %s", code, body)
	}
}

func TestHTTPEventIsAnsweredOnceAndRetriesDeduplicated(t *testing.T) {
	r, srv := startHTTP(t, builtinBot(t), nil)
	event := mustJSON(t, callback("EvHTTP", mentionEvent("C1", "UASK", "1700000011.000001", "", lavrovQuestion)))
	start := time.Now()
	if code, _ := sendSigned(t, srv, jsonType, event); code != http.StatusOK {
		t.Fatalf("status %d", code)
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("acknowledged after %v", d)
	}
	if code, _ := sendSigned(t, srv, jsonType, event, "X-Slack-Retry-Num", "1", "X-Slack-Retry-Reason", "http_timeout"); code != http.StatusOK {
		t.Fatalf("retry: status %d", code)
	}
	post := r.f.waitCall("chat.postMessage", 1, isPost("C1", "1700000011.000001"))
	if !strings.Contains(post.all(), "Lavrov restated") {
		t.Errorf("reply lacks the answer: %s", post.all())
	}
	// A lone retry of an unseen event is answered.
	lone := mustJSON(t, callback("EvHTTPLone", mentionEvent("C1", "UASK", "1700000011.000002", "", lavrovQuestion)))
	sendSigned(t, srv, jsonType, lone, "X-Slack-Retry-Num", "2", "X-Slack-Retry-Reason", "http_timeout")
	r.f.waitCall("chat.postMessage", 1, isPost("C1", "1700000011.000002"))
	if err := r.stop(); err != nil {
		t.Fatal(err)
	}
	if n := len(filter(r.f.callsOf("chat.postMessage"), isPost("C1", "1700000011.000001"))); n != 1 {
		t.Errorf("%d answers, want 1", n)
	}
}

func TestAskIsPrivateWithAShareButtonThatPostsToTheChannel(t *testing.T) {
	r, srv := startHTTP(t, builtinBot(t), nil)
	form := url.Values{
		"command": {"/ask"}, "text": {lavrovQuestion}, "user_id": {"UASK"}, "channel_id": {"C1"},
		"team_id": {"T1"}, "response_url": {r.f.srv.URL + "/respond/cmd1"}, "trigger_id": {"1.2.3"},
	}
	code, body := sendSigned(t, srv, formType, form.Encode())
	if code != http.StatusOK || !strings.Contains(body, msgWorking) || !strings.Contains(body, `"response_type":"ephemeral"`) {
		t.Fatalf("ack: %d %s", code, body)
	}
	private := r.f.waitCall("respond/cmd1", 1, nil)
	if private.get("response_type") != "ephemeral" {
		t.Errorf("/ask answer response_type = %q, want ephemeral", private.get("response_type"))
	}
	if !strings.Contains(private.all(), lavrovSentence) || !strings.Contains(private.all(), msgShareLabel) {
		t.Errorf("private answer lacks the sentence or the button: %s", private.all())
	}
	id := buttonValue(t, private)

	click := func(responseURL, user string) string {
		payload := mustJSON(t, map[string]any{
			"type": "block_actions", "user": map[string]any{"id": user}, "channel": map[string]any{"id": "C1"},
			"response_url": responseURL, "container": map[string]any{"type": "message", "is_ephemeral": true},
			"actions": []map[string]any{{"type": "button", "action_id": shareActionID, "block_id": "b", "value": id}},
		})
		return url.Values{"payload": {payload}}.Encode()
	}
	// An unsigned click does nothing.
	if code, _ := send(t, srv, formType, testNow, "v0=00", click(r.f.srv.URL+"/respond/forged", "UASK")); code != http.StatusUnauthorized {
		t.Errorf("unsigned click: status %d", code)
	}
	if code, _ := sendSigned(t, srv, formType, click(r.f.srv.URL+"/respond/click1", "UASK")); code != http.StatusOK {
		t.Fatalf("click: status %d", code)
	}
	shared := r.f.waitCall("respond/click1", 1, func(c apiCall) bool { return c.get("response_type") == "in_channel" })
	if !strings.Contains(shared.all(), lavrovSentence) || strings.Contains(shared.all(), msgShareLabel) {
		t.Errorf("shared answer: %s", shared.all())
	}
	r.f.waitCall("respond/click1", 1, func(c apiCall) bool { return c.get("delete_original") == "true" })
	// A second click finds nothing more to share.
	sendSigned(t, srv, formType, click(r.f.srv.URL+"/respond/click2", "UASK"))
	again := r.f.waitCall("respond/click2", 1, nil)
	if again.get("text") != msgShareGone || again.get("response_type") != "ephemeral" {
		t.Errorf("second click: %s", again.all())
	}
	if err := r.stop(); err != nil {
		t.Fatal(err)
	}
	if len(r.f.callsOf("respond/forged")) != 0 {
		t.Error("the unsigned click was acted on")
	}
}

func TestAskInChannel(t *testing.T) {
	r, srv := startHTTP(t, builtinBot(t), func(c *Config) { c.AskInChannel = true })
	form := url.Values{"command": {"/ask"}, "text": {lavrovQuestion}, "user_id": {"UASK"}, "channel_id": {"C1"}, "response_url": {r.f.srv.URL + "/respond/cmd"}}
	sendSigned(t, srv, formType, form.Encode())
	got := r.f.waitCall("respond/cmd", 1, nil)
	if got.get("response_type") != "in_channel" || strings.Contains(got.all(), msgShareLabel) {
		t.Errorf("answer: %s %s", got.get("response_type"), got.all())
	}
}

func TestAskWithAHugeQuestionIsRefusedInTheAck(t *testing.T) {
	rec := &recorder{next: builtinBot(t)}
	r, srv := startHTTP(t, rec, nil)
	form := url.Values{"command": {"/ask"}, "text": {strings.Repeat("a", 100<<10)}, "user_id": {"UASK"}, "channel_id": {"C1"}, "response_url": {r.f.srv.URL + "/respond/cmd"}}
	code, body := sendSigned(t, srv, formType, form.Encode())
	if code != http.StatusOK || !strings.Contains(body, "too long") {
		t.Errorf("ack: %d %s", code, body)
	}
	_ = r.stop()
	if n := len(rec.requests()); n != 0 {
		t.Errorf("Answerer called %d times", n)
	}
}

func TestResponseURLMustBeSlacks(t *testing.T) {
	a, err := New(Config{BotToken: "xoxb-1", SigningSecret: "s"}, builtinBot(t))
	if err != nil {
		t.Fatal(err)
	}
	for u, want := range map[string]bool{
		"https://hooks.slack.com/commands/T1/1/x": true,
		"https://slack.com/x":                     true,
		"http://hooks.slack.com/commands/T1/1/x":  false,
		"https://hooks.slack.com.evil.example/x":  false,
		"https://evil.example/hooks.slack.com":    false,
		"http://127.0.0.1:9/respond":              false,
	} {
		if got := a.responseURLAllowed(u); got != want {
			t.Errorf("responseURLAllowed(%q) = %v", u, got)
		}
	}
}

func buttonValue(t *testing.T, c apiCall) string {
	t.Helper()
	blocks, _ := c.json["blocks"].([]any)
	for _, b := range blocks {
		m, _ := b.(map[string]any)
		els, _ := m["elements"].([]any)
		for _, e := range els {
			em, _ := e.(map[string]any)
			if em["action_id"] == shareActionID {
				if v, ok := em["value"].(string); ok && v != "" {
					return v
				}
			}
		}
	}
	t.Fatalf("no share button in %v", c.json["blocks"])
	return ""
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// With ExternalHTTP the caller serves Handler: Run checks the token, opens
// no listener of its own, and returns when ctx ends; OnEvent hears of each
// delivery and duplicate.
func TestExternalHTTPAndEvents(t *testing.T) {
	var mu sync.Mutex
	events := map[string]int{}
	r, srv := startHTTP(t, builtinBot(t), func(c *Config) {
		c.ExternalHTTP = true
		c.Addr = "127.0.0.1:1" // never listened on
		c.OnEvent = func(e string) { mu.Lock(); events[e]++; mu.Unlock() }
	})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- r.a.Run(ctx) }()
	event := mustJSON(t, callback("EvExt", mentionEvent("C1", "UASK", "1700000012.000001", "", lavrovQuestion)))
	sendSigned(t, srv, jsonType, event)
	sendSigned(t, srv, jsonType, event, "X-Slack-Retry-Num", "1", "X-Slack-Retry-Reason", "http_timeout")
	r.f.waitCall("chat.postMessage", 1, isPost("C1", "1700000012.000001"))
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("Run: %v", err)
		}
	case <-time.After(waitLimit):
		t.Fatal("Run did not return")
	}
	mu.Lock()
	defer mu.Unlock()
	if events["delivery"] != 1 || events["duplicate"] != 1 {
		t.Errorf("events = %v", events)
	}
}
