// Package openai implements the bot's Model over any OpenAI-compatible chat completions server (OpenAI, Ollama, llama.cpp's server, vLLM) with github.com/sashabaranov/go-openai.
//
// The package owns the go-openai client and adds what go-openai leaves out:
// a deadline per call, retries like the official SDK's (connection errors,
// 408, 409, 429 and 5xx, honouring Retry-After), a stream that ends
// without a finish reason told from a whole reply, structured output
// (response_format json_schema) with plain text as the fallback, and the
// sampling each model family's makers recommend (family.go). go-openai's
// types never leave the package, and errors never carry the server's own
// text (a 401 body echoes part of the key): that goes to the log only.
package openai

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"time"

	goopenai "github.com/sashabaranov/go-openai"

	"github.com/newsbot-dev/newsbot"
)

// Defaults for Config's zero values.
const (
	// DefaultBaseURL is OpenAI's own server.
	DefaultBaseURL = "https://api.openai.com/v1"
	// DefaultTimeout bounds one Complete call, retries and stream included.
	DefaultTimeout = 2 * time.Minute
	// DefaultMaxRetries is the official SDK's number of retries.
	DefaultMaxRetries = 2
	// DefaultTemperature is low because the reply must stay close to the
	// retrieved sentences it cites; families whose makers recommend more
	// get theirs (family.go).
	DefaultTemperature float32 = 0.2
	// DefaultMaxTokens bounds the length of a reply of a model that does
	// not reason first; reasoning families get DefaultReasoningMaxTokens.
	DefaultMaxTokens = 800
	// DefaultReasoningMaxTokens bounds a reply that begins with reasoning,
	// which counts against the limit.
	DefaultReasoningMaxTokens = 4096
	// DefaultOpenAIModel is the model a program should name when it talks
	// to OpenAI's own server and its user named none (other servers know
	// their own models: there is no default for them).
	DefaultOpenAIModel = "gpt-4o-mini"
)

// emptyMessagesLimit replaces go-openai's default of 300 lines in a row
// that are not `data:` lines (keep-alive comments, blank separators, event
// names) before it fails a stream. A server that sends keep-alives while a
// large model loads easily exceeds 300; the per-call deadline bounds the
// wait instead.
const emptyMessagesLimit = 100000

var (
	// ErrTruncated is wrapped by the error Complete returns when a stream
	// ended before the server gave a finish reason or [DONE] (the
	// connection closed, cleanly or in the middle of an event): the reply
	// is not whole, even if some of it was streamed, and none is returned.
	ErrTruncated = errors.New("stream ended before the reply was finished")
	// ErrTokenLimit is wrapped by the error Complete returns, with the
	// reply as far as it went, when the server stopped the reply at the
	// token limit (finish reason "length"): cut by MaxTokens or the
	// model's context. It wraps newsbot.ErrCut: the bot keeps the reply's
	// complete sentences.
	ErrTokenLimit = fmt.Errorf("reply cut by the token limit: %w", newsbot.ErrCut)
	// ErrNoFinishReason is wrapped by the error Complete returns, with the
	// reply, when a stream ended with [DONE] but no finish reason (some
	// servers and proxies drop it): the reply may or may not be whole. It
	// wraps newsbot.ErrCut.
	ErrNoFinishReason = fmt.Errorf("stream ended without a finish reason: %w", newsbot.ErrCut)
	// ErrContentFilter is wrapped by the error Complete returns when the
	// server's content filter stopped the reply (finish reason
	// "content_filter"): what arrived is not the whole reply.
	ErrContentFilter = errors.New("reply stopped by the server's content filter")
)

// Config configures a Client. Zero values have the documented defaults.
type Config struct {
	// BaseURL is the server's API root, e.g. "https://api.openai.com/v1" or
	// "http://127.0.0.1:11434/v1" (Ollama). "" means DefaultBaseURL. It
	// must be an http or https URL.
	BaseURL string
	// APIKey is sent as a bearer token. It may be "" for local servers, but
	// is required with OpenAI's server. It is never logged.
	APIKey string
	// Model names the model; required.
	Model string
	// Timeout is the deadline for one Complete call, including the waits
	// between retries and the whole of a stream. 0 means DefaultTimeout.
	Timeout time.Duration
	// MaxRetries is how many times a failed request is retried. 0 means
	// DefaultMaxRetries; -1 means no retries.
	MaxRetries int
	// Temperature is the sampling temperature, from 0 to 2. 0 means the
	// model family's (see Family), else DefaultTemperature. go-openai omits
	// a temperature of exactly 0 from the request, so for near-greedy
	// decoding use a small value such as 0.01. For OpenAI's reasoning
	// models (o1, o3, o4, gpt-5...), which accept only their own
	// temperature, none is sent.
	Temperature float32
	// TopP is nucleus sampling's top_p, from 0 to 1. 0 means the model
	// family's, else none is sent (the server's default).
	TopP float32
	// MaxTokens bounds the reply's length in tokens. 0 means the model
	// family's (reasoning families think within it, so they get more),
	// else DefaultMaxTokens. For OpenAI's reasoning models it is sent as
	// max_completion_tokens, which also counts reasoning tokens.
	MaxTokens int
	// Format is how answers are asked for: FormatJSON (structured output:
	// response_format json_schema, so that the sentences and the evidence
	// each cites come back as data) or FormatText. "" means FormatJSON on
	// OpenAI's own server and FormatText elsewhere: other servers (vLLM,
	// llama.cpp's server, Ollama) offer it too, but how well a small model
	// writes under a grammar varies, so it is chosen there, not assumed. A
	// server that refuses it (400 or 422) is asked in plain text from then
	// on; one that ignores it answers in text, which is read as text.
	Format string
	// HTTPClient sends the requests. nil means a client with dial, TLS
	// handshake and response-header timeouts. Do not set
	// http.Client.Timeout: it would cut long streams; Timeout bounds calls.
	HTTPClient *http.Client
	// Log receives what must not reach a person: server error bodies
	// (truncated, with the API key redacted), retries, and errors sent in
	// the middle of a stream. nil means discard.
	Log *slog.Logger
	// Sleep waits d between retries, returning early with an error when ctx
	// ends. nil means a real timer. It is a seam for tests.
	Sleep func(ctx context.Context, d time.Duration) error
}

// String describes c without its API key, so that printing a Config
// cannot leak the key.
func (c Config) String() string {
	key := "unset"
	if c.APIKey != "" {
		key = "set"
	}
	base := c.BaseURL
	if u, err := url.Parse(base); err == nil {
		base = u.Redacted()
	}
	return fmt.Sprintf("openai.Config{BaseURL: %q, Model: %q, APIKey: %s, Timeout: %v, MaxRetries: %d}",
		base, c.Model, key, c.Timeout, c.MaxRetries)
}

// LogValue is like String for log/slog.
func (c Config) LogValue() slog.Value {
	return slog.StringValue(c.String())
}

// The answer formats of Config.Format.
const (
	FormatText = "text"
	FormatJSON = "json"
)

// Client is a newsbot.Model over an OpenAI-compatible chat completions
// server, and a newsbot.JSONModel when its Format is FormatJSON. It is
// safe for concurrent use.
type Client struct {
	api         *goopenai.Client
	model       string
	timeout     time.Duration
	temperature float32
	topP        float32
	maxTokens   int
	family      Family
	format      string
	// noJSON is set once the server refused structured output.
	noJSON atomic.Bool
	// reasoning is true for models go-openai knows to refuse max_tokens and
	// a chosen temperature.
	reasoning bool
	log       *slog.Logger
	apiKey    string
}

var (
	_ newsbot.Model     = (*Client)(nil)
	_ newsbot.JSONModel = (*Client)(nil)
)

// New returns a Client for cfg, after checking it: Model is required,
// BaseURL must be an http or https URL, and numbers must be in range.
func New(cfg Config) (*Client, error) {
	if strings.TrimSpace(cfg.Model) == "" {
		return nil, errors.New("openai: config: Model is required")
	}
	if cfg.BaseURL == "" {
		cfg.BaseURL = DefaultBaseURL
		if cfg.APIKey == "" {
			return nil, errors.New("openai: config: APIKey is required with OpenAI's server (set BaseURL for a local one)")
		}
	}
	if err := CheckBaseURL(cfg.BaseURL); err != nil {
		return nil, fmt.Errorf("openai: config: BaseURL: %w", err)
	}
	switch {
	case cfg.Timeout < 0:
		return nil, fmt.Errorf("openai: config: Timeout %v is negative", cfg.Timeout)
	case cfg.Timeout == 0:
		cfg.Timeout = DefaultTimeout
	}
	switch {
	case cfg.MaxRetries < -1:
		return nil, fmt.Errorf("openai: config: MaxRetries %d is below -1", cfg.MaxRetries)
	case cfg.MaxRetries == -1:
		cfg.MaxRetries = 0
	case cfg.MaxRetries == 0:
		cfg.MaxRetries = DefaultMaxRetries
	}
	fam := FamilyOf(cfg.Model)
	switch {
	case cfg.Temperature < 0 || cfg.Temperature > 2:
		return nil, fmt.Errorf("openai: config: Temperature %v is outside 0 to 2", cfg.Temperature)
	case cfg.Temperature == 0:
		cfg.Temperature = fam.Temperature
	}
	switch {
	case cfg.TopP < 0 || cfg.TopP > 1:
		return nil, fmt.Errorf("openai: config: TopP %v is outside 0 to 1", cfg.TopP)
	case cfg.TopP == 0:
		cfg.TopP = fam.TopP
	}
	switch {
	case cfg.MaxTokens < 0:
		return nil, fmt.Errorf("openai: config: MaxTokens %d is negative", cfg.MaxTokens)
	case cfg.MaxTokens == 0:
		cfg.MaxTokens = fam.MaxTokens
	}
	switch cfg.Format {
	case "":
		cfg.Format = FormatText
		if cfg.BaseURL == DefaultBaseURL {
			cfg.Format = FormatJSON
		}
	case FormatText, FormatJSON:
	default:
		return nil, fmt.Errorf("openai: config: Format %q is neither %q nor %q", cfg.Format, FormatJSON, FormatText)
	}
	log := cfg.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	hc := cfg.HTTPClient
	if hc == nil {
		hc = defaultHTTPClient(cfg.Timeout)
	}
	sleep := cfg.Sleep
	if sleep == nil {
		sleep = sleepCtx
	}

	vc := goopenai.DefaultConfig(cfg.APIKey)
	vc.BaseURL = cfg.BaseURL
	vc.EmptyMessagesLimit = emptyMessagesLimit
	vc.HTTPClient = &retryDoer{
		next:       hc,
		maxRetries: cfg.MaxRetries,
		sleep:      sleep,
		log:        log,
		apiKey:     cfg.APIKey,
	}
	c := &Client{
		api:         goopenai.NewClientWithConfig(vc),
		model:       cfg.Model,
		timeout:     cfg.Timeout,
		temperature: cfg.Temperature,
		topP:        cfg.TopP,
		maxTokens:   cfg.MaxTokens,
		family:      fam,
		format:      cfg.Format,
		log:         log,
		apiKey:      cfg.APIKey,
	}
	//lint:ignore SA1019 the probe asks go-openai whether it would refuse max_tokens for this model
	probe := goopenai.ChatCompletionRequest{Model: c.model, MaxTokens: c.maxTokens, Temperature: c.temperature}
	c.reasoning = goopenai.NewReasoningValidator().Validate(probe) != nil
	return c, nil
}

// CheckBaseURL reports whether s can be a Config.BaseURL: an absolute
// http or https URL with a host, such as "http://127.0.0.1:11434/v1". Its
// errors never repeat s, which could hold credentials; they say what is
// wrong ("not an http or https URL"), for a caller to name where s came
// from.
func CheckBaseURL(s string) error {
	u, err := url.Parse(s)
	if err != nil {
		return errors.New("does not parse as a URL such as http://127.0.0.1:11434/v1")
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return errors.New("not an http or https URL such as http://127.0.0.1:11434/v1")
	}
	if u.Host == "" {
		return errors.New("a URL without a host")
	}
	return nil
}

// defaultHTTPClient bounds what lies below HTTP (dialling, the TLS
// handshake) on its own. Its response-header timeout is no shorter than
// the per-call deadline, because a reply that is not streamed sends its
// headers only once the whole reply is generated.
func defaultHTTPClient(timeout time.Duration) *http.Client {
	dialer := &net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}
	return &http.Client{Transport: &http.Transport{
		Proxy:                 http.ProxyFromEnvironment,
		DialContext:           dialer.DialContext,
		ForceAttemptHTTP2:     true,
		TLSHandshakeTimeout:   10 * time.Second,
		ResponseHeaderTimeout: timeout,
		ExpectContinueTimeout: time.Second,
		MaxIdleConns:          100,
		IdleConnTimeout:       90 * time.Second,
	}}
}

// Complete returns the model's reply to msgs, streaming it piece by piece
// to stream when stream is not nil. The whole call, retries included, ends
// within the configured Timeout. An error means there is no complete
// reply: a stream cut before [DONE] fails with ErrTruncated; a reply cut
// by the token limit (ErrTokenLimit) or a stream that ended with [DONE]
// but no finish reason (ErrNoFinishReason) is returned as far as it went,
// with that error, which wraps newsbot.ErrCut. Reasoning the server sends
// apart (reasoning_content) is not part of the reply. Errors never contain
// the server's own text; a server that answers with an error status gives
// a *StatusError.
func (c *Client) Complete(ctx context.Context, msgs []newsbot.Message, stream func(text string)) (string, error) {
	req, err := c.request(msgs)
	if err != nil {
		return "", fmt.Errorf("openai: chat completion: %w", err)
	}
	return c.do(ctx, req, stream)
}

// CompleteJSON is Complete with the reply constrained to schema by
// structured output (response_format json_schema, strict). It fails with
// newsbot.ErrNoJSON at once when the Format is FormatText, and when the
// server refuses it (400 or 422), after which it is not asked again.
func (c *Client) CompleteJSON(ctx context.Context, msgs []newsbot.Message, schema newsbot.JSONSchema, stream func(text string)) (string, error) {
	if c.format != FormatJSON || c.noJSON.Load() {
		return "", fmt.Errorf("openai: %w (format %s)", newsbot.ErrNoJSON, c.format)
	}
	req, err := c.request(msgs)
	if err != nil {
		return "", fmt.Errorf("openai: chat completion: %w", err)
	}
	req.ResponseFormat = &goopenai.ChatCompletionResponseFormat{
		Type: goopenai.ChatCompletionResponseFormatTypeJSONSchema,
		JSONSchema: &goopenai.ChatCompletionResponseFormatJSONSchema{
			Name: schema.Name, Schema: json.RawMessage(schema.Schema), Strict: true,
		},
	}
	reply, err := c.do(ctx, req, stream)
	var se *StatusError
	if errors.As(err, &se) && (se.Code == http.StatusBadRequest || se.Code == http.StatusUnprocessableEntity) {
		c.noJSON.Store(true)
		c.log.Warn("openai: the server refused structured output; asking in plain text from now on", "status", se.Code)
		return "", fmt.Errorf("openai: %w: %w", newsbot.ErrNoJSON, err)
	}
	return reply, err
}

// do sends req, plain or streamed, within the call's deadline.
func (c *Client) do(ctx context.Context, req goopenai.ChatCompletionRequest, stream func(string)) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	if stream == nil {
		return c.complete(ctx, req)
	}
	return c.stream(ctx, req, stream)
}

// request builds the go-openai request for msgs.
func (c *Client) request(msgs []newsbot.Message) (goopenai.ChatCompletionRequest, error) {
	if len(msgs) == 0 {
		return goopenai.ChatCompletionRequest{}, errors.New("no messages")
	}
	// max_tokens, though OpenAI has deprecated it for max_completion_tokens,
	// is what Ollama, llama.cpp's server and vLLM read; reasoning models,
	// which refuse it, get max_completion_tokens below.
	req := goopenai.ChatCompletionRequest{
		Model:    c.model,
		Messages: make([]goopenai.ChatCompletionMessage, 0, len(msgs)),
		//lint:ignore SA1019 see above
		MaxTokens:   c.maxTokens,
		Temperature: c.temperature,
		TopP:        c.topP,
	}
	if c.reasoning {
		// go-openai refuses max_tokens and any temperature but 1 for
		// reasoning models.
		//lint:ignore SA1019 clearing the field go-openai refuses here
		req.MaxTokens, req.MaxCompletionTokens, req.Temperature, req.TopP = 0, c.maxTokens, 0, 0
	}
	system := ""
	for i, m := range msgs {
		switch m.Role {
		case newsbot.RoleSystem, newsbot.RoleUser, newsbot.RoleAssistant:
		default:
			return req, fmt.Errorf("message %d has unknown role %q", i, m.Role)
		}
		if c.family.SystemInUser && m.Role == newsbot.RoleSystem {
			// The family's makers advise against a system prompt: its rules
			// open the next user message instead.
			system += m.Content + "\n\n"
			continue
		}
		content := m.Content
		if m.Role == newsbot.RoleUser && system != "" {
			content, system = system+content, ""
		}
		req.Messages = append(req.Messages, goopenai.ChatCompletionMessage{Role: m.Role, Content: content})
	}
	if system != "" {
		req.Messages = append(req.Messages, goopenai.ChatCompletionMessage{Role: newsbot.RoleUser, Content: strings.TrimSpace(system)})
	}
	return req, nil
}

// complete makes one plain (not streamed) request.
func (c *Client) complete(ctx context.Context, req goopenai.ChatCompletionRequest) (string, error) {
	resp, err := c.api.CreateChatCompletion(ctx, req)
	if err != nil {
		return "", fmt.Errorf("openai: chat completion: %w", c.clean(ctx, err))
	}
	if len(resp.Choices) == 0 {
		return "", errors.New("openai: chat completion: reply has no choices")
	}
	choice := resp.Choices[0]
	if err := finishError(choice.FinishReason); err != nil {
		if errors.Is(err, newsbot.ErrCut) {
			return choice.Message.Content, fmt.Errorf("openai: chat completion: %w", err)
		}
		return "", fmt.Errorf("openai: chat completion: %w", err)
	}
	return choice.Message.Content, nil
}

// stream makes one streamed request, passing each piece of text to emit.
func (c *Client) stream(ctx context.Context, req goopenai.ChatCompletionRequest, emit func(string)) (string, error) {
	// The transport notes [DONE], which go-openai reports as io.EOF just
	// like a connection that closed early.
	done := new(atomic.Bool)
	s, err := c.api.CreateChatCompletionStream(context.WithValue(ctx, doneKey{}, done), req)
	if err != nil {
		return "", fmt.Errorf("openai: chat completion: %w", c.clean(ctx, err))
	}
	defer s.Close()

	var (
		reply  strings.Builder
		finish goopenai.FinishReason
		pieces int
	)
	for {
		chunk, err := s.Recv()
		if errors.Is(err, io.EOF) {
			break
		}
		if errors.Is(err, io.ErrUnexpectedEOF) && ctx.Err() == nil {
			// The connection closed in the middle of an event.
			return "", fmt.Errorf("openai: chat completion: reading stream after %d pieces: %w: %w", pieces, ErrTruncated, err)
		}
		if err != nil {
			return "", fmt.Errorf("openai: chat completion: reading stream after %d pieces: %w", pieces, c.clean(ctx, err))
		}
		// A chunk with no choices carries usage only.
		for _, ch := range chunk.Choices {
			if ch.Index != 0 {
				continue
			}
			if t := ch.Delta.Content; t != "" {
				reply.WriteString(t)
				pieces++
				emit(t)
			}
			if ch.FinishReason != "" && ch.FinishReason != goopenai.FinishReasonNull {
				finish = ch.FinishReason
			}
		}
	}
	// Only a finish reason tells a whole reply from a cut one; [DONE]
	// without one is a reply that may be whole.
	if finish == "" {
		switch {
		case ctx.Err() != nil:
			return "", fmt.Errorf("openai: chat completion: %w: %w", ErrTruncated, ctx.Err())
		case done.Load():
			return reply.String(), fmt.Errorf("openai: chat completion: %w (after %d pieces)", ErrNoFinishReason, pieces)
		}
		return "", fmt.Errorf("openai: chat completion: %w (after %d pieces)", ErrTruncated, pieces)
	}
	if err := finishError(finish); err != nil {
		if errors.Is(err, newsbot.ErrCut) {
			return reply.String(), fmt.Errorf("openai: chat completion: %w", err)
		}
		return "", fmt.Errorf("openai: chat completion: %w", err)
	}
	return reply.String(), nil
}

// doneKey carries to the transport the flag it sets when a stream says
// [DONE].
type doneKey struct{}

// finishError reports a finish reason that means the reply is not whole.
func finishError(r goopenai.FinishReason) error {
	switch r {
	case goopenai.FinishReasonLength:
		return ErrTokenLimit
	case goopenai.FinishReasonContentFilter:
		return ErrContentFilter
	}
	return nil
}

// clean replaces errors that carry the server's text (an error event in a
// stream, or any error body go-openai decoded) with a fixed description,
// logging the text, and makes sure a call that ran out of time says so.
func (c *Client) clean(ctx context.Context, err error) error {
	var apiErr *goopenai.APIError
	var reqErr *goopenai.RequestError
	switch {
	case errors.As(err, &apiErr):
		c.log.Warn("openai: server sent an error",
			"status", apiErr.HTTPStatusCode, "type", apiErr.Type, "message", redact(truncate(apiErr.Message), c.apiKey))
		err = errServerSaid
	case errors.As(err, &reqErr):
		c.log.Warn("openai: server sent an error",
			"status", reqErr.HTTPStatusCode, "body", redact(truncate(string(reqErr.Body)), c.apiKey))
		err = errServerSaid
	}
	if ctxErr := ctx.Err(); ctxErr != nil && !errors.Is(err, ctxErr) {
		return fmt.Errorf("%w: %w", ctxErr, err)
	}
	return err
}

// errServerSaid stands for an error whose text came from the server.
var errServerSaid = errors.New("server sent an error (details in the log)")
