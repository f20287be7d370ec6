package httpapi

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/newsbot-dev/newsbot"
)

// AskRequest is the body of POST /v1/ask.
type AskRequest struct {
	// Question is the question; required.
	Question string `json:"question"`
	// History is the conversation so far, oldest first; optional.
	History []Turn `json:"history,omitempty"`
}

// Turn is one earlier exchange.
type Turn struct {
	Question string `json:"question"`
	Answer   string `json:"answer"`
}

// AskResponse is the answer of POST /v1/ask: the core's answer.
type AskResponse struct {
	Question  string     `json:"question"`
	Text      string     `json:"text"`
	Citations []Citation `json:"citations"`
	NoAnswer  bool       `json:"no_answer"`
	Mode      string     `json:"mode"`
	// Fallback is true when a model was configured but its answer was not
	// used; FallbackReason says why ("model_failed", "unchecked").
	Fallback       bool   `json:"fallback,omitempty"`
	FallbackReason string `json:"fallback_reason,omitempty"`
	Note           string `json:"note,omitempty"`
}

// Citation is one cited sentence: Sentence is exactly the article body's
// bytes [Start:End].
type Citation struct {
	N         int    `json:"n"`
	ArticleID string `json:"article_id"`
	Start     int    `json:"start"`
	End       int    `json:"end"`
	Sentence  string `json:"sentence"`
	Outlet    string `json:"outlet"`    // "" when unknown
	Wire      string `json:"wire"`      // the news agency of a syndicated story, "" when none
	Title     string `json:"title"`     // "" when unknown
	URL       string `json:"url"`       // "" when unknown
	Published string `json:"published"` // YYYY-MM-DD, "" when unknown
	Paragraph int    `json:"paragraph"`
	Index     int    `json:"index"`
	// Speaker is who the sentence quotes or reports ("Sergei Lavrov",
	// "officials"), as the article names them; "" when it attributes
	// nothing, and then the claim is the outlet's own.
	Speaker string `json:"speaker"`
}

func citations(a newsbot.Answer) []Citation {
	out := make([]Citation, 0, len(a.Citations))
	for _, c := range a.Citations {
		pub := ""
		if !c.Published.IsZero() {
			pub = c.Published.Format("2006-01-02")
		}
		out = append(out, Citation{N: c.N, ArticleID: c.ArticleID, Start: c.Start, End: c.End, Sentence: c.Sentence,
			Outlet: c.Outlet, Wire: c.Wire, Title: c.Title, URL: c.URL, Published: pub, Paragraph: c.Paragraph, Index: c.Index, Speaker: c.Speaker})
	}
	return out
}

func (a *API) ask(w http.ResponseWriter, r *http.Request) {
	var req AskRequest
	if !decode(w, r, &req) {
		return
	}
	nr := newsbot.Request{Question: req.Question}
	for _, t := range req.History {
		nr.History = append(nr.History, newsbot.Turn(t))
	}
	ans, id, err := a.run(w, r, nr, nil)
	if err != nil {
		status, msg := a.failure(err, id)
		writeError(w, status, msg)
		return
	}
	writeJSON(w, http.StatusOK, AskResponse{
		Question: ans.Question, Text: delink(ans.Text, ans), Citations: citations(ans), NoAnswer: ans.NoAnswer,
		Mode: ans.Mode, Fallback: ans.Fallback != newsbot.FallbackNone, FallbackReason: string(ans.Fallback), Note: delink(ans.Note, ans),
	})
}

// chatRequest is the part of a chat completions request the bot reads.
type chatRequest struct {
	Model    string `json:"model"`
	Messages []struct {
		Role    string          `json:"role"`
		Content json.RawMessage `json:"content"`
	} `json:"messages"`
	Stream bool `json:"stream"`
}

// text reads a message's content: a string, or an array of parts of which
// the text parts count.
func text(raw json.RawMessage) (string, bool) {
	var s string
	if err := json.Unmarshal(raw, &s); err == nil {
		return s, true
	}
	var parts []struct {
		Type string `json:"type"`
		Text string `json:"text"`
	}
	if err := json.Unmarshal(raw, &parts); err != nil {
		return "", false
	}
	var b strings.Builder
	for _, p := range parts {
		if p.Type == "text" {
			b.WriteString(p.Text)
		}
	}
	return b.String(), true
}

// toRequest reads a conversation: the last user message is the question,
// earlier user and assistant messages pair into turns. System messages
// are ignored: the bot's rules are its own.
func toRequest(cr chatRequest) (newsbot.Request, bool) {
	var req newsbot.Request
	var pending *newsbot.Turn
	last := -1
	for i, m := range cr.Messages {
		if m.Role == "user" {
			last = i
		}
	}
	if last < 0 {
		return req, false
	}
	for i, m := range cr.Messages[:last+1] {
		t, ok := text(m.Content)
		if !ok {
			return req, false
		}
		switch m.Role {
		case "user":
			if i == last {
				req.Question = t
				continue
			}
			if pending != nil {
				req.History = append(req.History, *pending)
			}
			pending = &newsbot.Turn{Question: t}
		case "assistant":
			if pending != nil {
				pending.Answer = stripSources(t)
				req.History = append(req.History, *pending)
				pending = nil
			}
		}
	}
	if pending != nil {
		req.History = append(req.History, *pending)
	}
	return req, true
}

// sourcesHeading starts the list of sources in a chat completion's text.
const sourcesHeading = "\n\nSources:\n"

// stripSources cuts the sources list off an earlier answer of ours.
func stripSources(s string) string {
	if i := strings.Index(s, sourcesHeading); i >= 0 {
		return s[:i]
	}
	return s
}

// sourcesText is the list of sources appended to a chat completion's text,
// so that clients that show only the text still show where it comes from,
// and who the sentence quotes: "[1] Reuters — Sergei Lavrov — "Title"
// (2009-10-13), https://...".
func sourcesText(a newsbot.Answer) string {
	if a.NoAnswer || len(a.Citations) == 0 {
		return ""
	}
	var b strings.Builder
	b.WriteString(sourcesHeading)
	for _, c := range a.Citations {
		who := or(c.Source(), "unknown outlet")
		if sp := speakerLine(c.Speaker); sp != "" {
			who += " — " + sp
		}
		fmt.Fprintf(&b, "[%d] %s — %q (%s)", c.N, who, or(c.Title, "untitled"), date(c.Published))
		if c.URL != "" {
			b.WriteString(", " + c.URL)
		}
		b.WriteString("\n")
	}
	return strings.TrimRight(b.String(), "\n")
}

// maxSpeakerShown bounds, in characters, the speaker in the sources
// text; the citation's speaker field has it whole.
const maxSpeakerShown = 80

// speakerLine is a speaker for the sources text: on one line, bounded.
func speakerLine(s string) string {
	s = strings.Join(strings.Fields(newsbot.Printable(s)), " ")
	if r := []rune(s); len(r) > maxSpeakerShown {
		s = strings.TrimSpace(string(r[:maxSpeakerShown-1])) + "…"
	}
	return s
}

func or(s, d string) string {
	if s == "" {
		return d
	}
	return s
}

func date(t time.Time) string {
	if t.IsZero() {
		return "date unknown"
	}
	return t.Format("2006-01-02")
}

// delink makes the host names in text that a chat front end could take
// for links inert (newsbot.Delink), except the URLs of a's sources. The
// answer's text and note pass it; the citations' sentences, titles and
// outlets are data, kept byte for byte (a sentence is exactly its
// article's bytes [start:end]): a client that shows them must treat them
// as untrusted text.
func delink(text string, a newsbot.Answer) string {
	var sources []string
	for _, c := range a.Citations {
		if c.URL != "" {
			sources = append(sources, c.URL)
		}
	}
	return newsbot.Delink(text, sources)
}

// fullText is the chat completion's text: the answer, its note, its sources.
func fullText(a newsbot.Answer) string {
	s := a.Text
	if a.Note != "" {
		s += "\n\n" + a.Note
	}
	return s + sourcesText(a)
}

// completion is a chat.completion, with the citations as an extra field.
type completion struct {
	ID        string     `json:"id"`
	Object    string     `json:"object"`
	Created   int64      `json:"created"`
	Model     string     `json:"model"`
	Choices   []choice   `json:"choices"`
	Usage     usage      `json:"usage"`
	Citations []Citation `json:"citations"`
}

type choice struct {
	Index        int      `json:"index"`
	Message      *message `json:"message,omitempty"`
	Delta        *message `json:"delta,omitempty"`
	FinishReason *string  `json:"finish_reason"`
}

type message struct {
	Role    string `json:"role,omitempty"`
	Content string `json:"content"`
}

type usage struct {
	PromptTokens     int `json:"prompt_tokens"`
	CompletionTokens int `json:"completion_tokens"`
	TotalTokens      int `json:"total_tokens"`
}

func (a *API) chat(w http.ResponseWriter, r *http.Request) {
	var cr chatRequest
	if !decode(w, r, &cr) {
		return
	}
	req, ok := toRequest(cr)
	if !ok {
		writeError(w, http.StatusBadRequest, "messages must include a user message with text content")
		return
	}
	id := "chatcmpl-" + requestID(r)
	created := a.cfg.Now().Unix()
	stop := "stop"
	if !cr.Stream {
		ans, rid, err := a.run(w, r, req, nil)
		if err != nil {
			status, msg := a.failure(err, rid)
			writeError(w, status, msg)
			return
		}
		writeJSON(w, http.StatusOK, completion{
			ID: id, Object: "chat.completion", Created: created, Model: a.cfg.Model,
			Choices:   []choice{{Message: &message{Role: "assistant", Content: delink(fullText(ans), ans)}, FinishReason: &stop}},
			Citations: citations(ans),
		})
		return
	}

	// Streamed: the checked answer as it is produced, then what the final
	// answer adds (its note, its sources), then the citations.
	flusher, _ := w.(http.Flusher)
	started := false
	send := func(v any) {
		if !started {
			w.Header().Set("Content-Type", "text/event-stream")
			w.Header().Set("Cache-Control", "no-cache")
			w.WriteHeader(http.StatusOK)
			started = true
		}
		b, _ := json.Marshal(v)
		extendWrite(w)
		fmt.Fprintf(w, "data: %s\n\n", b)
		if flusher != nil {
			flusher.Flush()
		}
	}
	chunk := func(delta *message, finish *string, cites []Citation) completion {
		return completion{ID: id, Object: "chat.completion.chunk", Created: created, Model: a.cfg.Model,
			Choices: []choice{{Delta: delta, FinishReason: finish}}, Citations: cites}
	}
	// streamed is what was sent, a prefix of the final text unless a piece
	// withdrew it (newsbot.Stream).
	var streamed strings.Builder
	withdrawn := false
	stream := func(p newsbot.Piece) {
		if p.Withdraw {
			// Sent chunks cannot be taken back: the final text says so.
			withdrawn = withdrawn || streamed.Len() > 0
			streamed.Reset()
			return
		}
		if !started {
			send(chunk(&message{Role: "assistant"}, nil, nil))
		}
		send(chunk(&message{Content: newsbot.Delink(p.Text, nil)}, nil, nil))
		streamed.WriteString(p.Text)
	}
	ans, rid, err := a.run(w, r, req, stream)
	if err != nil {
		status, msg := a.failure(err, rid)
		if !started {
			writeError(w, status, msg)
			return
		}
		// The stream has begun: its status is sent, so the error is an
		// event, as OpenAI's servers send it.
		send(map[string]any{"error": map[string]any{"message": msg, "type": errorType(status), "code": status}})
		fmt.Fprint(w, "data: [DONE]\n\n")
		return
	}
	if !started {
		send(chunk(&message{Role: "assistant"}, nil, nil))
	}
	rest := fullText(ans)
	if withdrawn {
		// What streamed was not the answer (the model failed part-way and
		// this is the fallback): say so before the answer.
		rest = "\n\n(That answer was cut off.)\n\n" + rest
	} else {
		rest = rest[min(streamed.Len(), len(rest)):]
	}
	if rest != "" {
		send(chunk(&message{Content: delink(rest, ans)}, nil, nil))
	}
	send(chunk(&message{}, &stop, citations(ans)))
	fmt.Fprint(w, "data: [DONE]\n\n")
	if flusher != nil {
		flusher.Flush()
	}
}

func (a *API) models(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, map[string]any{"object": "list", "data": []map[string]any{{"id": a.cfg.Model, "object": "model", "owned_by": "newsbot"}}})
}
