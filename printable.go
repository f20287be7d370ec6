package newsbot

import (
	"strings"
	"unicode/utf8"
)

// Printable returns s without what can hide or reorder text where a person
// reads it (a chat message, an embed): C0 and C1 control characters and
// DEL are dropped (a tab becomes a space; CR, CRLF and the Unicode line and
// paragraph separators become "\n"), and so are invisible format
// characters (Unicode Cf: bidi overrides, zero-width spaces, BOM, tag
// characters...) with the variation selectors and the other
// default-ignorable code points, except the zero-width joiner and non-joiner that emoji
// and some scripts need. Invalid UTF-8 becomes U+FFFD. Adapters apply it to
// everything they show from an answer, article text included.
func Printable(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		switch {
		case r == '\r' && i < len(s) && s[i] == '\n':
		case r == '\n' || r == '\r' || r == '\u2028' || r == '\u2029':
			b.WriteByte('\n')
		case r == '\t':
			b.WriteByte(' ')
		case r < 0x20 || r >= 0x7f && r < 0xa0:
		case r == '\u200c' || r == '\u200d':
			b.WriteRune(r)
		case isIgnorable(r):
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}
