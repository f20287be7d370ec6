package openai_test

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/newsbot-dev/newsbot"
	"github.com/newsbot-dev/newsbot/adapters/openai"
	"github.com/newsbot-dev/newsbot/adapters/openai/replytest"
)

// replay answers as a server does that sends the case's reply: the content
// whole (plain) or in pieces (streamed), reasoning sent apart in
// reasoning_content first, and the case's finish reason ("" sends none:
// finish_reason null, or a stream that ends with [DONE] only).
func replay(c replytest.Case, rng *rand.Rand) handler {
	return func(w http.ResponseWriter, r *http.Request, n int, req request) {
		finish := any(nil)
		if c.Finish != "" {
			finish = c.Finish
		}
		if !req.Stream {
			msg := map[string]any{"role": "assistant", "content": c.Reply}
			if c.ReasoningContent != "" {
				msg["reasoning_content"] = c.ReasoningContent
			}
			w.Header().Set("Content-Type", "application/json")
			json.NewEncoder(w).Encode(map[string]any{
				"id": "chatcmpl-1", "object": "chat.completion", "created": 1, "model": req.Model,
				"choices": []map[string]any{{"index": 0, "message": msg, "finish_reason": finish}},
			})
			return
		}
		startSSE(w)
		event := func(delta map[string]any, finish any) {
			b, _ := json.Marshal(map[string]any{
				"id": "c", "object": "chat.completion.chunk", "created": 1, "model": req.Model,
				"choices": []map[string]any{{"index": 0, "delta": delta, "finish_reason": finish}},
			})
			writeEvent(w, string(b))
		}
		event(map[string]any{"role": "assistant"}, nil)
		for _, p := range pieces(c.ReasoningContent, rng) {
			event(map[string]any{"reasoning_content": p}, nil)
		}
		for _, p := range pieces(c.Reply, rng) {
			event(map[string]any{"content": p}, nil)
		}
		if finish != nil {
			event(map[string]any{}, finish)
		}
		writeEvent(w, "[DONE]")
	}
}

// pieces cuts s as servers do: a character to a few words at a time (a
// JSON string carries whole characters).
func pieces(s string, rng *rand.Rand) []string {
	var out []string
	for len(s) > 0 {
		n := min(len(s), 1+rng.IntN(12))
		for n < len(s) && !utf8.RuneStart(s[n]) {
			n++
		}
		out = append(out, s[:n])
		s = s[n:]
	}
	return out
}

// Every scripted reply, through go-openai against a server that sends it,
// plain and streamed: the person sees what the case says, and nothing of
// the reasoning.
func TestReplyCorpusThroughGoOpenAI(t *testing.T) {
	cases, err := replytest.Cases()
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cases {
		for _, m := range modes {
			t.Run(c.Name+"/"+m.name, func(t *testing.T) {
				srv := newFakeServer(t, replay(c, rand.New(rand.NewPCG(uint64(len(c.Reply)), 7))))
				cfg := openai.Config{BaseURL: srv.baseURL(), Model: "test-model", Format: openai.FormatText}
				if c.JSON {
					cfg.Format = openai.FormatJSON
				}
				b := &newsbot.Bot{Retriever: replytest.Retriever{}, Model: newClient(t, cfg)}
				var r replytest.Result
				var stream newsbot.Stream
				if m.stream {
					stream = r.Recorder()
				}
				a, err := b.Ask(context.Background(), newsbot.Request{Question: c.Question}, stream)
				if err != nil {
					t.Fatalf("Ask: %v", err)
				}
				r.Answer = a
				for _, p := range replytest.Check(c, r) {
					t.Error(p)
				}
				reqs := srv.requests()
				if len(reqs) != 1 {
					t.Fatalf("%d requests, want 1", len(reqs))
				}
				if got := reqs[0].ResponseFormat != nil; got != c.JSON {
					t.Errorf("response_format sent: %v, want %v", got, c.JSON)
				}
			})
		}
	}
}

// Structured output: the schema goes as response_format, strict; a server
// that refuses it is asked in plain text, then not asked again.
func TestStructuredOutput(t *testing.T) {
	t.Run("asked and read", func(t *testing.T) {
		srv := newFakeServer(t, func(w http.ResponseWriter, r *http.Request, n int, req request) {
			k := evidenceNumber(t, req, "counter-productive")
			writeReply(w, req, "stop", fmt.Sprintf(`{"sentences":[{"text":"Lavrov said any talk of sanctions against Iran at this stage was counter-productive.","sources":[%d]}],"not_covered":"","no_answer":false}`, k))
		})
		b, _ := groundedBot(t, srv, openai.Config{Format: openai.FormatJSON})
		for _, m := range modes {
			a, streamed := ask(t, b, m, lavrovQ)
			if a.Text != "Lavrov said any talk of sanctions against Iran at this stage was counter-productive [1]." || len(a.Citations) != 1 {
				t.Errorf("%s: answer %q", m.name, a.Text)
			}
			if m.stream && streamed != a.Text {
				t.Errorf("streamed %q", streamed)
			}
		}
		for _, req := range srv.requests() {
			rf := req.ResponseFormat
			if rf == nil || rf.Type != "json_schema" || !rf.JSONSchema.Strict || rf.JSONSchema.Name != "news_answer" || !strings.Contains(string(rf.JSONSchema.Schema), `"sources"`) {
				t.Errorf("response_format = %+v", rf)
			}
			if !strings.Contains(req.Messages[0].Content, `"sentences"`) {
				t.Errorf("the rules do not describe the JSON answer:\n%s", req.Messages[0].Content)
			}
		}
	})
	t.Run("refused", func(t *testing.T) {
		srv := newFakeServer(t, func(w http.ResponseWriter, r *http.Request, n int, req request) {
			if req.ResponseFormat != nil {
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(http.StatusBadRequest)
				fmt.Fprint(w, `{"error":{"message":"response_format is not supported by this model","type":"invalid_request_error"}}`)
				return
			}
			k := evidenceNumber(t, req, "counter-productive")
			writeReply(w, req, "stop", fmt.Sprintf("Lavrov said any talk of sanctions against Iran at this stage was counter-productive [%d].", k))
		})
		b, logs := groundedBot(t, srv, openai.Config{Format: openai.FormatJSON})
		for range 2 {
			a, _ := ask(t, b, modes[0], lavrovQ)
			if a.Text != "Lavrov said any talk of sanctions against Iran at this stage was counter-productive [1]." {
				t.Errorf("answer %q", a.Text)
			}
		}
		reqs := srv.requests()
		if len(reqs) != 3 || reqs[0].ResponseFormat == nil || reqs[1].ResponseFormat != nil || reqs[2].ResponseFormat != nil {
			t.Errorf("%d requests; want one with response_format, then plain text twice", len(reqs))
		}
		if !strings.Contains(logs.String(), "refused structured output") {
			t.Errorf("the fallback is not logged:\n%s", logs)
		}
	})
	t.Run("text format asks no schema", func(t *testing.T) {
		srv := newFakeServer(t, ok)
		c := newClient(t, openai.Config{BaseURL: srv.baseURL(), Model: "m"})
		if _, err := c.CompleteJSON(context.Background(), question, newsbot.JSONSchema{Name: "x", Schema: `{}`}, nil); err == nil || !strings.Contains(err.Error(), newsbot.ErrNoJSON.Error()) {
			t.Errorf("CompleteJSON with format text: %v, want ErrNoJSON", err)
		}
		if n := len(srv.requests()); n != 0 {
			t.Errorf("%d requests", n)
		}
	})
}

// Reasoning sent apart, in reasoning_content, is not part of the reply.
func TestReasoningContentIgnored(t *testing.T) {
	srv := newFakeServer(t, replay(replytest.Case{ReasoningContent: "Okay, the user wants a greeting.", Reply: "Hello, world.", Finish: "stop"}, rand.New(rand.NewPCG(1, 2))))
	c := newClient(t, openai.Config{BaseURL: srv.baseURL(), Model: "deepseek-reasoner"})
	for _, m := range modes {
		reply, streamed, err := call(c, context.Background(), m)
		if err != nil || reply != "Hello, world." || m.stream && strings.Join(streamed, "") != reply {
			t.Errorf("%s: reply %q, streamed %q, %v", m.name, reply, streamed, err)
		}
	}
}

// Over the wire, the model gets each sentence's outlet and speakers as
// quoted data and is told to name them; its reply is checked for who it
// says said what: the right speaker is kept, the wrong one dropped (and
// with nothing left, the extractive answer is given, labelled).
func TestSpeakersThroughGoOpenAI(t *testing.T) {
	for _, tc := range []struct {
		name, reply   string
		misattributed int
		fallback      newsbot.FallbackReason
	}{
		{"right speaker", "Reuters reported that Lavrov restated Russia’s position that any talk of sanctions against Iran at this stage was counter-productive [%d].", 0, newsbot.FallbackNone},
		{"wrong speaker", "Clinton restated Russia’s position that any talk of sanctions against Iran at this stage was counter-productive [%d].", 1, newsbot.FallbackUnchecked},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := newFakeServer(t, func(w http.ResponseWriter, r *http.Request, n int, req request) {
				writeReply(w, req, "stop", fmt.Sprintf(tc.reply, evidenceNumber(t, req, "counter-productive")))
			})
			b := &newsbot.Bot{Retriever: replytest.Retriever{}, Model: newClient(t, openai.Config{BaseURL: srv.baseURL(), Model: "test-model", Format: openai.FormatText})}
			a, err := b.Ask(context.Background(), newsbot.Request{Question: "What did Lavrov say about sanctions?"}, nil)
			if err != nil {
				t.Fatal(err)
			}
			if a.Removed.Misattributed != tc.misattributed || a.Fallback != tc.fallback {
				t.Errorf("misattributed %d, fallback %q; want %d, %q (text %q)", a.Removed.Misattributed, a.Fallback, tc.misattributed, tc.fallback, a.Text)
			}
			if tc.fallback == newsbot.FallbackNone && (len(a.Citations) != 1 || a.Citations[0].Speaker != "Sergei Lavrov") {
				t.Errorf("citations %+v, want one, of Sergei Lavrov", a.Citations)
			}
			req := srv.requests()[0]
			system, user := req.Messages[0].Content, req.Messages[1].Content
			k := evidenceNumber(t, req, "counter-productive")
			for _, want := range []string{
				fmt.Sprintf(`sentence %d: outlet "Reuters", date "2009-10-14", headline "Clinton fails to win Russia pledge on Iran sanctions", speaker "Sergei Lavrov" (reported speech, cue "restated")`, k),
				fmt.Sprintf(`sentence %d: outlet "Reuters", date "2009-10-14", headline "Clinton fails to win Russia pledge on Iran sanctions", speaker "Sergei Lavrov" (direct quote, cue "said")`, evidenceNumber(t, req, "All forces")),
			} {
				if !strings.Contains(user, want) {
					t.Errorf("the prompt lacks %q:\n%s", want, user)
				}
			}
			if !strings.Contains(system, "Attribute words only to that speaker") {
				t.Errorf("the rules do not ask for the speaker:\n%s", system)
			}
		})
	}
}
