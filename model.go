package newsbot

import (
	"context"
	"errors"
)

// Model is a language model that writes a reply to a conversation. The
// core declares it; adapters (adapters/openai) implement it over a vendor's
// API. Implementations must be safe for concurrent use.
type Model interface {
	// Complete returns the model's reply to msgs. When stream is not nil,
	// the reply's text is also passed to it piece by piece as it arrives,
	// in order; the pieces joined are the reply. An error means there is no
	// complete reply, even if some text was streamed first (a stream cut
	// before its end is an error, never a short reply), with one
	// exception: a reply the server stopped before its end (at its token
	// limit, or a stream that ended without saying why) is returned with
	// an error wrapping ErrCut, and the bot keeps its complete sentences.
	// Errors may carry the server's own text: log them, never show them to
	// a person.
	Complete(ctx context.Context, msgs []Message, stream func(text string)) (string, error)
}

// ErrCut is wrapped by the error a Model returns with a reply that the
// server stopped before its end: by the token limit (finish reason
// "length"), or a stream that ended cleanly without a finish reason. The
// text returned is what arrived; its last sentence may be cut.
var ErrCut = errors.New("reply cut before its end")

// Message is one message of a conversation with a model.
type Message struct {
	// Role is RoleSystem, RoleUser or RoleAssistant.
	Role string
	// Content is the message's text.
	Content string
}

// Message roles, as in the chat completions API.
const (
	RoleSystem    = "system"
	RoleUser      = "user"
	RoleAssistant = "assistant"
)
