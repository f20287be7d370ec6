package discord

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/bwmarrin/discordgo"
)

// Handler returns the HTTP interactions endpoint, for the application's
// "Interactions Endpoint URL". Each request is checked before anything is
// parsed: the X-Signature-Ed25519 and X-Signature-Timestamp headers must be
// present and well formed, the timestamp within MaxSkew of Now, the body at
// most MaxBody bytes, the Ed25519 signature of timestamp+body valid for
// PublicKey (discordgo.VerifyInteraction), and the signature not seen
// before (a replay). Any failure gets 401 with no body and does no work;
// Discord sends bad signatures on purpose and drops endpoints that accept
// them. A PING is answered with PONG; /ask with a deferral, then the
// answer by edits through the REST API. Without a PublicKey every request
// gets 401.
func (a *Adapter) Handler() http.Handler {
	return http.HandlerFunc(a.serveHTTP)
}

func (a *Adapter) serveHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		http.Error(w, "", http.StatusMethodNotAllowed)
		return
	}
	if reason := a.verify(r); reason != "" {
		a.log.Info("discord: refused an interaction request", "reason", reason, "remote", r.RemoteAddr)
		w.WriteHeader(http.StatusUnauthorized)
		return
	}
	var i discordgo.Interaction
	body, _ := io.ReadAll(r.Body) // verify left the checked body here
	if err := json.Unmarshal(body, &i); err != nil {
		a.log.Warn("discord: a signed interaction that is not JSON", "err", err)
		http.Error(w, "", http.StatusBadRequest)
		return
	}
	a.interaction(&i, a.deferral(), func(resp *discordgo.InteractionResponse) error {
		b, err := json.Marshal(resp)
		if err != nil {
			return err
		}
		w.Header().Set("Content-Type", "application/json")
		if _, err := w.Write(b); err != nil {
			return err
		}
		if f, ok := w.(http.Flusher); ok {
			f.Flush()
		}
		return nil
	})
}

// verify checks a request as Handler describes and returns why it failed,
// or "" when it passed. It leaves the body, read once, in r.Body.
func (a *Adapter) verify(r *http.Request) string {
	if a.key == nil {
		return "no public key configured"
	}
	sig := r.Header.Get("X-Signature-Ed25519")
	ts := r.Header.Get("X-Signature-Timestamp")
	if sig == "" || ts == "" {
		return "missing signature headers"
	}
	if b, err := hex.DecodeString(sig); err != nil || len(b) != 64 {
		return "signature is not 64 bytes of hex"
	}
	sec, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		return "timestamp is not a number"
	}
	now, t := a.cfg.Now(), time.Unix(sec, 0)
	if d := now.Sub(t); d > a.cfg.MaxSkew || d < -a.cfg.MaxSkew {
		return "timestamp outside the window"
	}
	body, err := io.ReadAll(http.MaxBytesReader(nil, r.Body, a.cfg.MaxBody))
	if err != nil {
		return "body unreadable or over the limit"
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	if !discordgo.VerifyInteraction(r, a.key) {
		return "bad signature"
	}
	// A signature is fresh while its timestamp is within MaxSkew of now:
	// at most 2*MaxSkew after it was first accepted.
	first, err := a.dedupe.First(r.Context(), "discord:sig:"+strings.ToLower(sig), 2*a.cfg.MaxSkew+time.Second)
	if err != nil {
		a.log.Error("discord: the delivery store failed; refusing the request", "err", err)
		return "delivery store failed"
	}
	if !first {
		return "replayed signature"
	}
	return ""
}
