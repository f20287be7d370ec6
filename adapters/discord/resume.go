package discord

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"sync"

	"github.com/bwmarrin/discordgo"
)

// Discord requires a session to be resumed on the resume_gateway_url of
// its READY event, not on the URL it was identified on; a RESUME sent
// elsewhere may fail and cost the session (and the events missed). discordgo
// v0.29.0, the latest, neither reads that field nor lets a caller set the
// URL it dials: it keeps the URL of GET /gateway and asks again only after
// a dial fails. resumeGateway moves it with public hooks only:
//
//  1. onEvent reads resume_gateway_url from each READY.
//  2. When the session reconnects (Run calls Open again) while it is still
//     set to the old URL, dial refuses the first dial with errMoveGateway,
//     so discordgo forgets the URL it kept.
//  3. Run opens again at once; discordgo asks GET /gateway, and roundTrip
//     answers it with the resume URL, where discordgo sends its RESUME
//     (it keeps the session id and sequence).
//
// The fake gateway in discordtest checks the RESUME's path, so an upgrade
// of discordgo that changes any of this fails a test.
type resumeGateway struct {
	next http.RoundTripper

	mu      sync.Mutex
	resume  string // resume_gateway_url of the last READY
	current string // the URL discordgo was last given by roundTrip
	move    bool   // GET /gateway names resume
	refused bool   // a dial was refused for the move, not yet seen by moving
}

// errMoveGateway is the refused dial of step 2.
var errMoveGateway = errors.New("discord: moving to the gateway's resume URL")

// onEvent takes resume_gateway_url from a READY event.
func (g *resumeGateway) onEvent(e *discordgo.Event) {
	if e == nil || e.Type != "READY" {
		return
	}
	var ready struct {
		ResumeGatewayURL string `json:"resume_gateway_url"`
	}
	if json.Unmarshal(e.RawData, &ready) != nil {
		return
	}
	u := strings.TrimSpace(ready.ResumeGatewayURL)
	if !strings.HasPrefix(u, "wss://") && !strings.HasPrefix(u, "ws://") {
		return
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	g.resume = u
}

// refuseDial reports whether a dial must be refused (step 2): a resume URL
// is known and discordgo is not using it yet.
func (g *resumeGateway) refuseDial() bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.resume == "" || g.resume == g.current || g.move {
		return false
	}
	g.move, g.refused = true, true
	return true
}

// moving reports, once, whether a dial was refused for the move: an open
// that failed then failed for it, not for a fault, and Run opens again at
// once.
func (g *resumeGateway) moving() bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	r := g.refused
	g.refused = false
	return r
}

// RoundTrip answers GET /gateway with the resume URL during a move (step
// 3); every other request goes on.
func (g *resumeGateway) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Method == http.MethodGet && strings.HasSuffix(req.URL.Path, "/gateway") {
		g.mu.Lock()
		move, u := g.move, g.resume
		g.move = false
		if move {
			g.current = u
		}
		g.mu.Unlock()
		if move {
			b, _ := json.Marshal(map[string]string{"url": u})
			return &http.Response{
				Status: "200 OK", StatusCode: http.StatusOK, Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
				Header: http.Header{"Content-Type": {"application/json"}}, Body: io.NopCloser(bytes.NewReader(b)),
				ContentLength: int64(len(b)), Request: req,
			}, nil
		}
	}
	next := g.next
	if next == nil {
		next = http.DefaultTransport
	}
	return next.RoundTrip(req)
}
