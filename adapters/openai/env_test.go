package openai_test

import (
	"strings"
	"testing"
	"time"

	"github.com/newsbot-dev/newsbot/adapters/openai"
)

func TestConfigFromEnv(t *testing.T) {
	const key = "sk-test-SECRETKEY"
	tests := []struct {
		name    string
		env     map[string]string
		want    openai.Config
		wantOK  bool
		wantErr string
	}{
		{name: "nothing set"},
		{name: "model but no server", env: map[string]string{"NEWSBOT_MODEL": "llama3.1"}},
		{
			name:   "key only",
			env:    map[string]string{"OPENAI_API_KEY": key},
			want:   openai.Config{APIKey: key, Model: "gpt-4o-mini"},
			wantOK: true,
		},
		{
			name:   "key and OPENAI_MODEL",
			env:    map[string]string{"OPENAI_API_KEY": key, "OPENAI_MODEL": "gpt-4o"},
			want:   openai.Config{APIKey: key, Model: "gpt-4o"},
			wantOK: true,
		},
		{
			name:   "NEWSBOT_MODEL wins over OPENAI_MODEL",
			env:    map[string]string{"OPENAI_API_KEY": key, "OPENAI_MODEL": "gpt-4o", "NEWSBOT_MODEL": "gpt-4.1"},
			want:   openai.Config{APIKey: key, Model: "gpt-4.1"},
			wantOK: true,
		},
		{
			name:   "local server",
			env:    map[string]string{"OPENAI_BASE_URL": "http://127.0.0.1:11434/v1", "NEWSBOT_MODEL": "llama3.1", "NEWSBOT_MODEL_TIMEOUT": "90s"},
			want:   openai.Config{BaseURL: "http://127.0.0.1:11434/v1", Model: "llama3.1", Timeout: 90 * time.Second},
			wantOK: true,
		},
		{
			name:    "base URL without model",
			env:     map[string]string{"OPENAI_BASE_URL": "http://127.0.0.1:11434/v1", "OPENAI_API_KEY": key},
			wantErr: "NEWSBOT_MODEL",
		},
		{
			name:    "base URL not http",
			env:     map[string]string{"OPENAI_BASE_URL": "127.0.0.1:11434", "NEWSBOT_MODEL": "m"},
			wantErr: "OPENAI_BASE_URL",
		},
		{
			name:    "timeout not a duration",
			env:     map[string]string{"OPENAI_API_KEY": key, "NEWSBOT_MODEL_TIMEOUT": "90"},
			wantErr: "NEWSBOT_MODEL_TIMEOUT",
		},
		{
			name: "format, temperature, max tokens",
			env: map[string]string{"OPENAI_BASE_URL": "http://127.0.0.1:8000/v1", "NEWSBOT_MODEL": "Qwen/Qwen2.5-7B-Instruct",
				"NEWSBOT_MODEL_FORMAT": "JSON", "NEWSBOT_MODEL_TEMPERATURE": "0.3", "NEWSBOT_MODEL_MAX_TOKENS": "1200"},
			want:   openai.Config{BaseURL: "http://127.0.0.1:8000/v1", Model: "Qwen/Qwen2.5-7B-Instruct", Format: "json", Temperature: 0.3, MaxTokens: 1200},
			wantOK: true,
		},
		{
			name:    "unknown format",
			env:     map[string]string{"OPENAI_API_KEY": key, "NEWSBOT_MODEL_FORMAT": "xml"},
			wantErr: "NEWSBOT_MODEL_FORMAT",
		},
		{
			name:    "temperature out of range",
			env:     map[string]string{"OPENAI_API_KEY": key, "NEWSBOT_MODEL_TEMPERATURE": "3"},
			wantErr: "NEWSBOT_MODEL_TEMPERATURE",
		},
		{
			name:    "max tokens not a number",
			env:     map[string]string{"OPENAI_API_KEY": key, "NEWSBOT_MODEL_MAX_TOKENS": "lots"},
			wantErr: "NEWSBOT_MODEL_MAX_TOKENS",
		},
		{
			name:    "negative timeout",
			env:     map[string]string{"OPENAI_API_KEY": key, "NEWSBOT_MODEL_TIMEOUT": "-1s"},
			wantErr: "NEWSBOT_MODEL_TIMEOUT",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, ok, err := openai.ConfigFromEnv(func(k string) string { return tt.env[k] })
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("ConfigFromEnv error %v, want one naming %s", err, tt.wantErr)
				}
				if strings.Contains(err.Error(), key) {
					t.Errorf("error %q holds the key", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("ConfigFromEnv: %v", err)
			}
			if ok != tt.wantOK || cfg.BaseURL != tt.want.BaseURL || cfg.APIKey != tt.want.APIKey ||
				cfg.Model != tt.want.Model || cfg.Timeout != tt.want.Timeout || cfg.Format != tt.want.Format ||
				cfg.Temperature != tt.want.Temperature || cfg.MaxTokens != tt.want.MaxTokens {
				t.Errorf("ConfigFromEnv = %v, %v; want %v, %v", cfg, ok, tt.want, tt.wantOK)
			}
			if ok {
				if _, err := openai.New(cfg); err != nil {
					t.Errorf("New(ConfigFromEnv()): %v", err)
				}
			}
		})
	}
}
