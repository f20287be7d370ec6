package openai_test

import (
	"context"
	"testing"

	"github.com/newsbot-dev/newsbot/adapters/openai"
)

func TestFamilyOf(t *testing.T) {
	for model, want := range map[string]string{
		"gpt-4o-mini":                            "openai",
		"o3-mini":                                "openai-reasoning",
		"llama3.1:8b":                            "llama",
		"meta-llama/Llama-3.1-70B-Instruct":      "llama",
		"deepseek-r1:14b":                        "deepseek-r1",
		"DeepSeek-R1-Distill-Llama-8B":           "deepseek-r1",
		"Qwen/Qwen2.5-7B-Instruct":               "qwen2.5",
		"qwen3:8b":                               "qwen3",
		"Qwen/Qwen3-30B-A3B-Instruct-2507":       "qwen3-instruct",
		"qwq:32b":                                "qwq",
		"mistral-small3.1":                       "mistral",
		"mistralai/Magistral-Small-2506":         "magistral",
		"gpt-oss:20b":                            "gpt-oss",
		"phi4":                                   "other",
		"hf.co/bartowski/foo1-GGUF:Q4_K_M":       "other",
		"mixtral-8x7b-instruct":                  "mistral",
		"nvidia/Llama-3.1-Nemotron-70B-Instruct": "llama",
	} {
		if got := openai.FamilyOf(model).Name; got != want {
			t.Errorf("FamilyOf(%q) = %s, want %s", model, got, want)
		}
	}
}

// Each family gets its makers' sampling, and DeepSeek-R1 no system prompt;
// the configuration overrides the family.
func TestFamilySampling(t *testing.T) {
	tests := []struct {
		cfg       openai.Config
		temp      float64
		topP      float64
		maxTokens int
		messages  int
	}{
		{openai.Config{Model: "deepseek-r1:14b"}, 0.6, 0.95, 4096, 1},
		{openai.Config{Model: "qwen3:8b"}, 0.6, 0.95, 4096, 2},
		{openai.Config{Model: "mistral-small3.1"}, 0.15, 0, 800, 2},
		{openai.Config{Model: "llama3.1"}, 0.2, 0, 800, 2},
		{openai.Config{Model: "qwen3:8b", Temperature: 0.3, TopP: 0.5, MaxTokens: 100}, 0.3, 0.5, 100, 2},
	}
	for _, tt := range tests {
		srv := newFakeServer(t, ok)
		tt.cfg.BaseURL = srv.baseURL()
		c := newClient(t, tt.cfg)
		if _, _, err := call(c, context.Background(), modes[0]); err != nil {
			t.Fatal(err)
		}
		r := srv.requests()[0]
		if !near(r.Temperature, tt.temp) || !near(r.TopP, tt.topP) || r.MaxTokens != tt.maxTokens || len(r.Messages) != tt.messages {
			t.Errorf("%s: temperature %v top_p %v max_tokens %d, %d messages; want %v %v %d %d",
				tt.cfg.Model, r.Temperature, r.TopP, r.MaxTokens, len(r.Messages), tt.temp, tt.topP, tt.maxTokens, tt.messages)
		}
		if tt.messages == 1 && (r.Messages[0].Role != "user" || r.Messages[0].Content != "Answer from the sources.\n\nWhat happened?") {
			t.Errorf("%s: the rules do not open the user message: %+v", tt.cfg.Model, r.Messages)
		}
	}
}

func near(a, b float64) bool { return a-b < 0.001 && b-a < 0.001 }
