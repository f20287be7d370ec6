package main

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
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

// fakeSlackAPI answers the Web API calls the Slack adapter makes and
// records chat.postMessage's.
type fakeSlackAPI struct {
	srv   *httptest.Server
	mu    sync.Mutex
	posts []url.Values
	auth  string // auth.test's error, "" for ok
}

func newFakeSlackAPI(t *testing.T) *fakeSlackAPI {
	f := &fakeSlackAPI{}
	f.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.ParseForm()
		w.Header().Set("Content-Type", "application/json")
		switch strings.TrimPrefix(r.URL.Path, "/") {
		case "auth.test":
			if f.auth != "" {
				fmt.Fprintf(w, `{"ok":false,"error":%q}`, f.auth)
				return
			}
			fmt.Fprint(w, `{"ok":true,"user_id":"UBOT","bot_id":"BBOT","team_id":"T1"}`)
		case "chat.postMessage":
			f.mu.Lock()
			f.posts = append(f.posts, r.Form)
			f.mu.Unlock()
			fmt.Fprint(w, `{"ok":true,"channel":"C1","ts":"1700000099.000001"}`)
		default:
			fmt.Fprint(w, `{"ok":true}`)
		}
	}))
	t.Cleanup(f.srv.Close)
	return f
}

func TestServeCarriesSlackHTTPEvents(t *testing.T) {
	slack := newFakeSlackAPI(t)
	env := map[string]string{
		"NEWSBOT_LOG_LEVEL": "error", "SLACK_BOT_TOKEN": "xoxb-test", "SLACK_SIGNING_SECRET": "shh",
		"NEWSBOT_SLACK_API_URL": slack.srv.URL + "/", "NEWSBOT_SLACK_REACTION": "-",
	}
	base, stop := startServe(t, env)
	body, _ := json.Marshal(map[string]any{
		"type": "event_callback", "event_id": "Ev1", "team_id": "T1", "api_app_id": "A1",
		"event": map[string]any{"type": "app_mention", "channel": "C1", "user": "UASK", "ts": "1700000001.000100",
			"text": "<@UBOT> What did Lavrov say about sanctions?"},
	})
	ts := strconv.FormatInt(time.Now().Unix(), 10)
	mac := hmac.New(sha256.New, []byte("shh"))
	mac.Write([]byte("v0:" + ts + ":" + string(body)))
	req, _ := http.NewRequest(http.MethodPost, base+"/slack/events", strings.NewReader(string(body)))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Slack-Request-Timestamp", ts)
	req.Header.Set("X-Slack-Signature", "v0="+hex.EncodeToString(mac.Sum(nil)))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("event: status %d", resp.StatusCode)
	}
	deadline := time.Now().Add(10 * time.Second)
	var post url.Values
	for time.Now().Before(deadline) {
		slack.mu.Lock()
		for _, p := range slack.posts {
			if strings.Contains(p.Get("blocks"), "counter-productive") {
				post = p
			}
		}
		slack.mu.Unlock()
		if post != nil {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if post == nil || post.Get("thread_ts") != "1700000001.000100" {
		t.Fatalf("no threaded answer posted: %v", post)
	}
	mresp, _ := http.Get(base + "/metrics")
	m, _ := io.ReadAll(mresp.Body)
	mresp.Body.Close()
	for _, want := range []string{`newsbot_questions_total{adapter="slack",outcome="extractive"} 1`, `newsbot_adapter_events_total{adapter="slack",event="delivery"} 1`} {
		if !strings.Contains(string(m), want) {
			t.Errorf("metrics lack %q", want)
		}
	}
	if err := stop(); err != nil {
		t.Errorf("serve: %v", err)
	}
}

func TestServeStopsOnRefusedSlackToken(t *testing.T) {
	slack := newFakeSlackAPI(t)
	slack.auth = "invalid_auth"
	env := map[string]string{"NEWSBOT_LOG_LEVEL": "error", "SLACK_BOT_TOKEN": "xoxb-bad", "SLACK_SIGNING_SECRET": "shh", "NEWSBOT_SLACK_API_URL": slack.srv.URL + "/"}
	done := make(chan error, 1)
	go func() {
		done <- run(t.Context(), []string{"serve", "--addr", "127.0.0.1:0"}, func(k string) string { return env[k] }, strings.NewReader(""), io.Discard)
	}()
	select {
	case err := <-done:
		if err == nil || !strings.Contains(err.Error(), "slack") || !strings.Contains(err.Error(), "SLACK_BOT_TOKEN") {
			t.Errorf("err = %v, want a clear Slack token error", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("serve kept running with a refused Slack token")
	}
}
