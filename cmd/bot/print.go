package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/newsbot-dev/newsbot/adapters/repl"
)

// What a command prints from articles or file names is untrusted: an
// article or a file name can hold escape sequences that retitle a terminal,
// clear it or forge a link. Human-readable output passes repl.CleanLine
// (or a cleanWriter), which shows a control character as a visible escape;
// JSON output escapes the control characters encoding/json leaves raw.

// cleanWriter passes everything written through repl.CleanText: for
// writers given lines built from file names and reasons (datadir's log of
// refused files).
type cleanWriter struct{ w io.Writer }

func (c cleanWriter) Write(p []byte) (int, error) {
	if _, err := io.WriteString(c.w, repl.CleanText(string(p))); err != nil {
		return 0, err
	}
	return len(p), nil
}

// encodeJSONLine writes v as one line of JSON with no control or
// invisible format character left raw: encoding/json escapes C0 controls
// and U+2028/U+2029 but writes DEL, the C1 controls (U+0080–U+009F; some
// terminals act on U+009B as on ESC [) and bidi overrides as they are.
// They become \u escapes, which decode to the same string, so byte offsets
// into article bodies stay valid.
func encodeJSONLine(w io.Writer, v any) error {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return err
	}
	_, err := w.Write(escapeControls(buf.Bytes()))
	return err
}

// escapeControls rewrites DEL, the C1 controls and the format characters
// (Unicode Cf) of encoded JSON as \u escapes. Outside strings, JSON is
// plain ASCII without DEL, so all of them are inside strings.
func escapeControls(b []byte) []byte {
	var out []byte
	last := 0
	for i := 0; i < len(b); {
		r, size := utf8.DecodeRune(b[i:])
		if r != 0x7f && !(r >= 0x80 && r < 0xa0) && !unicode.Is(unicode.Cf, r) {
			i += size
			continue
		}
		out = append(out, b[last:i]...)
		if r1, r2 := utf16.EncodeRune(r); r1 != utf8.RuneError {
			out = fmt.Appendf(out, `\u%04x\u%04x`, r1, r2)
		} else {
			out = fmt.Appendf(out, `\u%04x`, r)
		}
		i += size
		last = i
	}
	if out == nil {
		return b
	}
	return append(out, b[last:]...)
}
