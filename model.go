package newsbot

import "context"

// Model is a language model that writes a reply to a conversation. The
// core declares it; adapters (adapters/openai) implement it over a vendor's
// API. Implementations must be safe for concurrent use.
type Model interface {
	// Complete returns the model's reply to msgs. When stream is not nil,
	// the reply's text is also passed to it piece by piece as it arrives,
	// in order; the pieces joined are the reply. An error means there is no
	// complete reply, even if some text was streamed first (a stream cut
	// before its end is an error, never a short reply). Errors may carry
	// the server's own text: log them, never show them to a person.
	Complete(ctx context.Context, msgs []Message, stream func(text string)) (string, error)
}

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
