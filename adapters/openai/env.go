package openai

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// DefaultOpenAIModel is the model used with OpenAI's server when the
// environment names none.
const DefaultOpenAIModel = "gpt-4o-mini"

// ConfigFromEnv reads a Config through getenv:
//
//   - OPENAI_BASE_URL: the server (unset means OpenAI's);
//   - OPENAI_API_KEY: the key (may be unset for a local server);
//   - NEWSBOT_MODEL, or else OPENAI_MODEL: the model;
//   - NEWSBOT_MODEL_TIMEOUT: the deadline per call, a Go duration ("90s");
//   - NEWSBOT_MODEL_FORMAT: json (structured output) or text (see
//     Config.Format);
//   - NEWSBOT_MODEL_TEMPERATURE: the sampling temperature, 0 to 2 (see
//     Config.Temperature and Family);
//   - NEWSBOT_MODEL_MAX_TOKENS: the longest reply, in tokens.
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
		if err := checkBaseURL(cfg.BaseURL); err != nil {
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
	switch v := strings.ToLower(env("NEWSBOT_MODEL_FORMAT")); v {
	case "", FormatJSON, FormatText:
		cfg.Format = v
	default:
		return Config{}, false, fmt.Errorf("openai: NEWSBOT_MODEL_FORMAT %q is neither json nor text", v)
	}
	if v := env("NEWSBOT_MODEL_TEMPERATURE"); v != "" {
		f, err := strconv.ParseFloat(v, 32)
		if err != nil || f <= 0 || f > 2 {
			return Config{}, false, fmt.Errorf("openai: NEWSBOT_MODEL_TEMPERATURE %q is not a number above 0 and at most 2", v)
		}
		cfg.Temperature = float32(f)
	}
	if v := env("NEWSBOT_MODEL_MAX_TOKENS"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n <= 0 {
			return Config{}, false, fmt.Errorf("openai: NEWSBOT_MODEL_MAX_TOKENS %q is not a positive number of tokens", v)
		}
		cfg.MaxTokens = n
	}
	return cfg, true, nil
}
