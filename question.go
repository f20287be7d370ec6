package newsbot

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"
)

// MaxQuestionBytes bounds a question. Longer questions are refused before
// any search: no real question needs more, and a bound keeps a pasted
// document from becoming a costly query.
const MaxQuestionBytes = 4000

// ErrQuestion is wrapped by the errors Ask returns for a question it
// refuses (empty, too long, not text).
var ErrQuestion = errors.New("unusable question")

// CleanQuestion trims a question and checks that it can be answered: not
// empty, valid UTF-8, at most MaxQuestionBytes.
func CleanQuestion(q string) (string, error) {
	if !utf8.ValidString(q) {
		return "", fmt.Errorf("%w: not valid UTF-8", ErrQuestion)
	}
	q = strings.TrimSpace(q)
	if q == "" {
		return "", fmt.Errorf("%w: empty", ErrQuestion)
	}
	if len(q) > MaxQuestionBytes {
		return "", fmt.Errorf("%w: %d bytes, over the limit of %d", ErrQuestion, len(q), MaxQuestionBytes)
	}
	return q, nil
}
