package load

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/newsbot-dev/newsbot/corpus"
)

// The checks and clean-ups that plain text, Markdown and HTML go through
// before they are parsed.

// sniffBytes is how much of a file the binary check looks at.
const sniffBytes = 8 << 10

// checkText refuses what is not text: an empty file, UTF-16, or binary data
// (a NUL byte, or more than one byte in ten a control character, in the
// first 8 KiB).
func checkText(data []byte) error {
	if len(bytes.TrimSpace(data)) == 0 {
		return errors.New("empty file")
	}
	if bytes.HasPrefix(data, []byte{0xFF, 0xFE}) || bytes.HasPrefix(data, []byte{0xFE, 0xFF}) {
		return errors.New("UTF-16 text, not UTF-8")
	}
	if isBinary(data) {
		return errors.New("binary file")
	}
	return nil
}

func isBinary(data []byte) bool {
	if len(data) > sniffBytes {
		data = data[:sniffBytes]
	}
	control := 0
	for _, b := range data {
		switch {
		case b == 0:
			return true
		case b < 0x20 && b != '\t' && b != '\n' && b != '\r' && b != '\f' && b != '\v' && b != 0x1b:
			control++
		}
	}
	return control*10 > len(data)
}

func invalidUTF8(data []byte) error {
	i := 0
	for i < len(data) {
		r, size := utf8.DecodeRune(data[i:])
		if r == utf8.RuneError && size <= 1 {
			break
		}
		i += size
	}
	return fmt.Errorf("not valid UTF-8 at byte %d", i)
}

// normaliseNewlines turns "\r\n" and lone "\r" into "\n".
func normaliseNewlines(s string) string {
	if !strings.Contains(s, "\r") {
		return s
	}
	return strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\r", "\n")
}

// stripInvisible returns s without the characters corpus.IsInvisible
// reports, but for the presentation selector an emoji needs (see
// corpus.KeepsSelector). It returns s itself, without copying, when there
// are none.
func stripInvisible(s string) string {
	first := -1
	var prev rune
	for i := 0; i < len(s); {
		if s[i] < utf8.RuneSelf {
			prev = rune(s[i])
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if corpus.IsInvisible(r) && !corpus.KeepsSelector(prev, r) {
			first = i
			break
		}
		prev = r
		i += size
	}
	if first < 0 {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	b.WriteString(s[:first])
	for _, r := range s[first:] {
		if !corpus.IsInvisible(r) || corpus.KeepsSelector(prev, r) {
			b.WriteRune(r)
		}
		prev = r
	}
	return b.String()
}
