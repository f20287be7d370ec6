package slack

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	slackgo "github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"
)

// maxClockSkew is how far a request's timestamp may be from the clock, in
// the past or the future, before it is refused as a replay.
const maxClockSkew = 5 * time.Minute

// Handler serves Slack's HTTP deliveries (HTTP mode): Events API requests
// (url_verification included), the /ask slash command and interactivity
// (the "Share to channel" button). Point the app's Event Subscriptions,
// slash command and Interactivity request URLs at it; any path is served,
// and the kind of request is told from its body.
//
// Every request's body is read once, at most MaxBodyBytes (else 413), and
// its signature checked against Config.SigningSecret with Config.Now
// before anything else: a missing, forged or stale (over 5 minutes off,
// past or future) signature gets 401 with no detail and nothing is done.
// A verified request is answered at once (200) and the work runs after.
func (a *Adapter) Handler() http.Handler {
	return http.HandlerFunc(a.serveHTTP)
}

func (a *Adapter) serveHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxBodyBytes))
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			http.Error(w, "request body too large", http.StatusRequestEntityTooLarge)
			return
		}
		http.Error(w, "bad request", http.StatusBadRequest)
		return
	}
	if !verifySignature(a.cfg.SigningSecret, r.Header, body, a.now()) {
		a.log.Warn("slack: HTTP request refused: bad or stale signature", "remote", r.RemoteAddr)
		http.Error(w, "unauthorized", http.StatusUnauthorized)
		return
	}
	if strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
		a.serveEvent(w, r, body)
		return
	}
	// The form is parsed from the verified body only, never from the
	// query string.
	form, err := url.ParseQuery(string(body))
	if err != nil {
		http.Error(w, "bad request", http.StatusBadRequest)
		return
	}
	switch {
	case form.Has("payload"):
		var cb slackgo.InteractionCallback
		if err := json.Unmarshal([]byte(form.Get("payload")), &cb); err != nil {
			http.Error(w, "bad request", http.StatusBadRequest)
			return
		}
		if !a.accepting() {
			http.Error(w, "shutting down", http.StatusServiceUnavailable)
			return
		}
		w.WriteHeader(http.StatusOK)
		a.handleInteraction(cb)
	case form.Has("command"):
		cmd := slackgo.SlashCommand{
			TeamID: form.Get("team_id"), ChannelID: form.Get("channel_id"), UserID: form.Get("user_id"),
			Command: form.Get("command"), Text: form.Get("text"), ResponseURL: form.Get("response_url"),
			TriggerID: form.Get("trigger_id"),
		}
		if !a.accepting() {
			http.Error(w, "shutting down", http.StatusServiceUnavailable)
			return
		}
		ack, ok := a.commandAck(cmd)
		writeJSON(w, ack)
		if ok {
			a.handleCommand(cmd)
		}
	default:
		http.Error(w, "bad request", http.StatusBadRequest)
	}
}

func (a *Adapter) serveEvent(w http.ResponseWriter, r *http.Request, body []byte) {
	var outer struct {
		Type      string `json:"type"`
		Challenge string `json:"challenge"`
	}
	if err := json.Unmarshal(body, &outer); err != nil {
		http.Error(w, "bad request", http.StatusBadRequest)
		return
	}
	switch outer.Type {
	case slackevents.URLVerification:
		writeJSON(w, map[string]string{"challenge": outer.Challenge})
	case slackevents.CallbackEvent:
		if !a.accepting() {
			// Slack retries later; the event is not lost.
			http.Error(w, "shutting down", http.StatusServiceUnavailable)
			return
		}
		retry, _ := strconv.Atoi(r.Header.Get("X-Slack-Retry-Num"))
		w.WriteHeader(http.StatusOK)
		a.handleEvents(body, retry)
	default:
		w.WriteHeader(http.StatusOK)
	}
}

// accepting reports whether the adapter still takes new work.
func (a *Adapter) accepting() bool { return a.work.Accepting() }

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(v)
}

// verifySignature checks Slack's request signature: "v0=" and the hex
// HMAC-SHA256, keyed with the signing secret, of "v0:" + timestamp + ":" +
// body, compared in constant time; the timestamp must be within 5 minutes
// of now, either way. An empty secret verifies nothing.
func verifySignature(secret string, h http.Header, body []byte, now time.Time) bool {
	if secret == "" {
		return false
	}
	tsText := h.Get("X-Slack-Request-Timestamp")
	sig := h.Get("X-Slack-Signature")
	ts, err := strconv.ParseInt(tsText, 10, 64)
	if err != nil || sig == "" {
		return false
	}
	if d := now.Sub(time.Unix(ts, 0)); d > maxClockSkew || d < -maxClockSkew {
		return false
	}
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte("v0:" + tsText + ":"))
	mac.Write(body)
	want := "v0=" + hex.EncodeToString(mac.Sum(nil))
	return hmac.Equal([]byte(want), []byte(sig))
}
