package chat

import (
	"errors"
	"strings"
	"unicode/utf8"

	"github.com/newsbot-dev/newsbot"
)

// The fixed sentences a person sees when the bot does not answer. Errors
// reach people in no other form: their detail goes to the log.
const (
	// Sorry: answering failed (an error, a panic, a timeout).
	Sorry = "Sorry, I could not answer that just now."
	// NotReady: the coverage is still loading, or the bot is restarting
	// (newsbot.ErrNotReady).
	NotReady = "I am not ready to answer yet: I am starting or restarting. Please ask again in a minute."
	// TooLong: the question is over newsbot.MaxQuestionBytes.
	TooLong = "That question is too long for me. Please ask it in fewer than 4,000 characters."
	// Empty: there is no question, only a mention.
	Empty = "Ask me a question about the news coverage, for example: What did Lavrov say about sanctions?"
	// Unreadable: the question is not text (invalid UTF-8), or the core
	// refused it.
	Unreadable = "I could not read that question. Please ask it again in plain words."
	// SlowDown: the person is over their rate (see Limiter).
	SlowDown = "You are asking faster than I can answer. Please wait a little, then ask again."
)

// Check checks a question before any answering, so that a pasted document
// or an empty mention costs nothing. It returns the question trimmed, or
// "" and the fixed sentence that refuses it (TooLong, Unreadable, Empty).
// It refuses what newsbot.CleanQuestion refuses.
func Check(q string) (question, refusal string) {
	q = strings.TrimSpace(q)
	switch {
	case len(q) > newsbot.MaxQuestionBytes:
		return "", TooLong
	case !utf8.ValidString(q):
		return "", Unreadable
	case q == "":
		return "", Empty
	}
	return q, ""
}

// Failure is the fixed sentence for an error of an Answerer: NotReady for
// one wrapping newsbot.ErrNotReady, Unreadable for a refused question
// (newsbot.ErrQuestion), else Sorry.
func Failure(err error) string {
	switch {
	case errors.Is(err, newsbot.ErrNotReady):
		return NotReady
	case errors.Is(err, newsbot.ErrQuestion):
		return Unreadable
	}
	return Sorry
}
