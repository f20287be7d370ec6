package repl

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Article text is untrusted: a sentence, title, outlet or URL could carry
// escape sequences that clear the screen, set the window title, move the
// cursor, or bidi overrides that make text read differently from what it
// says. Everything derived from an Answer is therefore printed through
// CleanText or CleanLine, which follow these rules (and so is anything else
// a command prints from articles or file names: `bot search`, `bot ingest`):
//
//   - C0 controls (U+0000–U+001F), DEL (U+007F) and C1 controls
//     (U+0080–U+009F) become a visible Go-style escape: ESC is shown as the
//     four characters `\x1b`, BEL as `\x07`, CSI (U+009B) as `\u009b`. So
//     "\x1b[2J" prints as `\x1b[2J`, harmless and visibly odd.
//   - Tab becomes a space. "\r\n" counts as one line break.
//   - A line break ("\n", "\r\n", U+2028, U+2029) is kept as "\n" by
//     CleanText (the answer text's own lines) and becomes a space in
//     CleanLine (one-line fields: sentences, titles, outlets, URLs). A lone
//     "\r" is a control and is escaped as `\r`.
//   - Invisible format characters (Unicode category Cf: bidi embeddings,
//     overrides and isolates U+202A–U+202E and U+2066–U+2069, LRM/RLM,
//     zero-width space, soft hyphen, BOM, tag characters, ...) are removed:
//     they print nothing, so removing them changes nothing a reader could
//     see except that text can no longer be reordered or hidden. The zero
//     width joiner and non-joiner (U+200D, U+200C) are kept because emoji
//     and several scripts need them to render, and they cannot reorder or
//     hide text. So are the variation selectors and the other
//     default-ignorable code points, which can spell a hidden message
//     after an innocent-looking character, except the one presentation
//     selector an emoji or keycap needs (U+FE0E or U+FE0F after a symbol
//     or a digit: "❤️", "1️⃣").
//   - Invalid UTF-8 bytes become U+FFFD, so a stray byte such as 0x9B (an
//     8-bit CSI for some terminals) never reaches the terminal raw.

// CleanText sanitises multi-line text for a terminal, keeping its line
// breaks, by the rules above.
func CleanText(s string) string { return sanitize(s, true) }

// CleanLine sanitises text shown on one line of a terminal, by the rules
// above: line breaks become spaces.
func CleanLine(s string) string { return sanitize(s, false) }

func sanitize(s string, keepNewlines bool) string {
	if isClean(s, keepNewlines) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 8)
	var prev rune
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		last := prev
		prev = r
		switch {
		case r == '\r' && i < len(s) && s[i] == '\n':
			// The "\n" that follows makes the line break.
		case r == '\n' || r == '\u2028' || r == '\u2029':
			if keepNewlines {
				b.WriteByte('\n')
			} else {
				b.WriteByte(' ')
			}
		case r == '\t':
			b.WriteByte(' ')
		case r == '\r':
			b.WriteString(`\r`)
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&b, `\x%02x`, r)
		case r >= 0x80 && r < 0xa0:
			fmt.Fprintf(&b, `\u%04x`, r)
		case r == '\u200c' || r == '\u200d' || keepsSelector(last, r):
			b.WriteRune(r)
		case invisible(r):
			// Dropped: see the rules above.
		default:
			// An invalid byte decodes as utf8.RuneError, which writes
			// U+FFFD rather than the byte.
			b.WriteRune(r)
		}
	}
	return b.String()
}

// isClean reports whether sanitize would return s unchanged, so the common
// case allocates nothing.
func isClean(s string, keepNewlines bool) bool {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c < 0x20 && !(c == '\n' && keepNewlines) || c == 0x7f {
				return false
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 || r < 0xa0 ||
			r == '\u2028' || r == '\u2029' ||
			r != '\u200c' && r != '\u200d' && invisible(r) {
			return false
		}
		i += size
	}
	return true
}

// keepsSelector reports the one presentation selector an emoji or a
// keycap needs: U+FE0E or U+FE0F right after a symbol or a keycap's digit,
// "#" or "*".
func keepsSelector(prev, r rune) bool {
	return (r == 0xFE0E || r == 0xFE0F) &&
		(unicode.IsSymbol(prev) || prev >= '0' && prev <= '9' || prev == '#' || prev == '*')
}

// invisible reports a format character (Cf), a variation selector or
// another default-ignorable code point.
func invisible(r rune) bool {
	return unicode.Is(unicode.Cf, r) || unicode.Is(unicode.Variation_Selector, r) ||
		unicode.Is(unicode.Other_Default_Ignorable_Code_Point, r)
}
