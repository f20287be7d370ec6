package corpus

import (
	"unicode"
)

// IsInvisible reports whether r is a character that a reader does not see
// and that carries no word of the text: the zero-width space, joiners and
// non-joiners (U+200B–U+200F), the word joiner and invisible operators
// (U+2060–U+2064), the byte order mark (U+FEFF), the soft hyphen (U+00AD),
// the bidirectional embedding, override and isolate controls (U+202A–U+202E,
// U+2066–U+2069), every other format character (Unicode category Cf), and
// the few non-Cf characters that render as nothing: the combining grapheme
// joiner (U+034F) and the Hangul fillers (U+115F, U+1160, U+3164, U+FFA0);
// and every other default-ignorable code point: the variation selectors
// (U+FE00–U+FE0F, U+E0100–U+E01EF), which can spell a whole hidden message
// one selector a byte after an innocent-looking character, the Mongolian
// free variation selectors, the Khmer inherent vowels, and the unassigned
// code points Unicode reserves as default-ignorable (the rest of
// U+E0000–U+E0FFF, U+FFF0–U+FFF8, U+2065). A variation selector only picks
// a glyph's form: the one an emoji needs for its colour form is kept in
// text shown to people (see KeepsSelector); the tokenizer skips them all.
//
// Loading plain text, Markdown and HTML removes such characters; JSON Lines
// bodies keep them (their byte offsets are fixed), so the tokenizer skips
// them with this function.
func IsInvisible(r rune) bool {
	if r < 0xAD {
		return false // fast path: ASCII and Latin-1 before the soft hyphen
	}
	switch r {
	case 0xAD, 0x34F, 0x115F, 0x1160, 0x3164, 0xFFA0:
		return true
	}
	return unicode.Is(unicode.Cf, r) || unicode.Is(unicode.Variation_Selector, r) ||
		unicode.Is(unicode.Other_Default_Ignorable_Code_Point, r)
}

// KeepsSelector reports whether r is the one presentation selector that
// the character before it, prev, needs to show as its emoji or text form:
// U+FE0E or U+FE0F right after a symbol ("❤️") or a keycap's digit, "#"
// or "*" ("1️⃣"). Text shown to people keeps it, though IsInvisible reports
// it, and drops every other variation selector: a hidden message needs
// one selector a byte, and so a run of them, or selectors after letters.
func KeepsSelector(prev, r rune) bool {
	return (r == 0xFE0E || r == 0xFE0F) &&
		(unicode.IsSymbol(prev) || prev >= '0' && prev <= '9' || prev == '#' || prev == '*')
}
