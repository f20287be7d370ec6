package openai

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// ConfigFromEnv reads a Config through getenv:
//
//   - OPENAI_BASE_URL: the server (unset means OpenAI's);
//   - OPENAI_API_KEY: the key (may be unset for a local server);
//   - NEWSBOT_MODEL, or else OPENAI_MODEL: the model;
//   - NEWSBOT_MODEL_TIMEOUT: the deadline per call, a Go duration ("90s").
//
// ok is false, with no error, when no model server is configured: neither
// OPENAI_BASE_URL nor OPENAI_API_KEY is set. With the key alone and no
// model named, the model is DefaultOpenAIModel; with OPENAI_BASE_URL set
// and no model named, it is an error, since only the server knows its
// models. Errors never repeat the key.
func ConfigFromEnv(getenv func(string) string) (cfg Config, ok bool, err error) {
	env := func(name string) string { return strings.TrimSpace(getenv(name)) }
	cfg.BaseURL = env("OPENAI_BASE_URL")
	cfg.APIKey = env("OPENAI_API_KEY")
	if cfg.BaseURL == "" && cfg.APIKey == "" {
		return Config{}, false, nil
	}
	if cfg.BaseURL != "" {
		if err := CheckBaseURL(cfg.BaseURL); err != nil {
			return Config{}, false, fmt.Errorf("openai: OPENAI_BASE_URL: %w", err)
		}
	}
	cfg.Model = env("NEWSBOT_MODEL")
	if cfg.Model == "" {
		cfg.Model = env("OPENAI_MODEL")
	}
	if cfg.Model == "" {
		if cfg.BaseURL != "" {
			return Config{}, false, errors.New("openai: OPENAI_BASE_URL is set but no model is named: set NEWSBOT_MODEL (e.g. NEWSBOT_MODEL=llama3.1 for Ollama)")
		}
		cfg.Model = DefaultOpenAIModel
	}
	if v := env("NEWSBOT_MODEL_TIMEOUT"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil {
			return Config{}, false, fmt.Errorf("openai: NEWSBOT_MODEL_TIMEOUT %q is not a duration such as 90s or 2m: %w", v, err)
		}
		if d < 0 {
			return Config{}, false, fmt.Errorf("openai: NEWSBOT_MODEL_TIMEOUT %q is negative", v)
		}
		cfg.Timeout = d
	}
	return cfg, true, nil
}
