package main

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	goopenai "github.com/sashabaranov/go-openai"

	"github.com/newsbot-dev/newsbot/adapters/openai/replytest"
)

// Replies that reason, from a model server behind `bot serve`, asked
// through its OpenAI-compatible endpoint with the go-openai client, plain
// and streamed: nothing of the reasoning reaches the client, in any chunk.
func TestServeShowsNoReasoning(t *testing.T) {
	all, err := replytest.Cases()
	if err != nil {
		t.Fatal(err)
	}
	names := []string{
		"q3-think", "q3-think-markers", "q3-think-no-answer", "q3-unclosed-think-length", "r1-orphan",
		"r1-think-markers-leak", "r1-unclosed-think-stop", "r1-reasoning-content", "r1-wrong-claim-in-think",
		"r1-orphan-length-inside", "m-magistral-think",
	}
	var cases []replytest.Case
	for _, c := range all {
		for _, n := range names {
			if c.Name == n {
				cases = append(cases, c)
			}
		}
	}
	if len(cases) != len(names) {
		t.Fatalf("found %d of the %d cases", len(cases), len(names))
	}

	// The model server replays the current case.
	var mu sync.Mutex
	var cur replytest.Case
	model := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var req struct {
			Stream bool `json:"stream"`
		}
		json.NewDecoder(r.Body).Decode(&req)
		mu.Lock()
		c := cur
		mu.Unlock()
		var finish any
		if c.Finish != "" {
			finish = c.Finish
		}
		if !req.Stream {
			w.Header().Set("Content-Type", "application/json")
			json.NewEncoder(w).Encode(map[string]any{
				"id": "1", "object": "chat.completion", "created": 1, "model": "m",
				"choices": []map[string]any{{"index": 0, "finish_reason": finish,
					"message": map[string]any{"role": "assistant", "content": c.Reply, "reasoning_content": c.ReasoningContent}}},
			})
			return
		}
		w.Header().Set("Content-Type", "text/event-stream")
		send := func(delta map[string]any, finish any) {
			b, _ := json.Marshal(map[string]any{"id": "c", "object": "chat.completion.chunk", "created": 1, "model": "m",
				"choices": []map[string]any{{"index": 0, "delta": delta, "finish_reason": finish}}})
			io.WriteString(w, "data: "+string(b)+"\n\n")
			w.(http.Flusher).Flush()
		}
		for _, p := range strings.SplitAfter(c.ReasoningContent, " ") {
			send(map[string]any{"reasoning_content": p}, nil)
		}
		for _, p := range strings.SplitAfter(c.Reply, " ") {
			send(map[string]any{"content": p}, nil)
		}
		if finish != nil {
			send(map[string]any{}, finish)
		}
		io.WriteString(w, "data: [DONE]\n\n")
	}))
	defer model.Close()

	base, stop := startServe(t, map[string]string{"NEWSBOT_LOG_LEVEL": "error", "NEWSBOT_API_RATE": "1000", "OPENAI_BASE_URL": model.URL + "/v1", "NEWSBOT_MODEL": "deepseek-r1:14b"})
	defer stop()
	cfg := goopenai.DefaultConfig("")
	cfg.BaseURL = base + "/v1"
	client := goopenai.NewClientWithConfig(cfg)
	for _, c := range cases {
		mu.Lock()
		cur = c
		mu.Unlock()
		req := goopenai.ChatCompletionRequest{Model: "newsbot", Messages: []goopenai.ChatCompletionMessage{{Role: "user", Content: c.Question}}}
		resp, err := client.CreateChatCompletion(context.Background(), req)
		if err != nil {
			t.Fatalf("%s: %v", c.Name, err)
		}
		plain := resp.Choices[0].Message.Content
		req.Stream = true
		st, err := client.CreateChatCompletionStream(context.Background(), req)
		if err != nil {
			t.Fatalf("%s: %v", c.Name, err)
		}
		var chunks []string
		for {
			ch, err := st.Recv()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				t.Fatalf("%s: stream: %v", c.Name, err)
			}
			if len(ch.Choices) > 0 {
				chunks = append(chunks, ch.Choices[0].Delta.Content)
			}
		}
		st.Close()
		streamed := strings.Join(chunks, "")
		for _, shown := range []string{plain, streamed} {
			for _, l := range replytest.Leaks(c, shown) {
				t.Errorf("%s: reasoning reached the client: %q\n%s", c.Name, l, shown)
			}
		}
		if streamed != plain {
			t.Errorf("%s: streamed %q, plain %q", c.Name, streamed, plain)
		}
		t.Logf("%s: %q", c.Name, plain)
	}
}
