package repl

import (
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

func TestSanitize(t *testing.T) {
	tests := []struct {
		name     string
		in       string
		wantText string // CleanText
		wantLine string // CleanLine
	}{
		{"plain", "Floods hit the coast.", "Floods hit the coast.", "Floods hit the coast."},
		{"unicode kept", "Zürich — “quoted” 東京 👨‍👩‍👧", "Zürich — “quoted” 東京 👨‍👩‍👧", "Zürich — “quoted” 東京 👨‍👩‍👧"},
		{"newlines", "one\ntwo\r\nthree", "one\ntwo\nthree", "one two three"},
		{"line separators", "a\u2028b\u2029c", "a\nb\nc", "a b c"},
		{"tab", "a\tb", "a b", "a b"},
		{"lone CR", "safe\revil", `safe\revil`, `safe\revil`},
		{
			"clear screen and window title",
			"Rain.\x1b[2J\x1b]0;pwned\x07 More.",
			`Rain.\x1b[2J\x1b]0;pwned\x07 More.`,
			`Rain.\x1b[2J\x1b]0;pwned\x07 More.`,
		},
		{"colour", "\x1b[31mred\x1b[0m", `\x1b[31mred\x1b[0m`, `\x1b[31mred\x1b[0m`},
		{"NUL, BS, DEL", "a\x00b\x08c\x7fd", `a\x00b\x08c\x7fd`, `a\x00b\x08c\x7fd`},
		{"C1 CSI and NEL as runes", "a\u009b2Jb\u0085c", `a\u009b2Jb\u0085c`, `a\u009b2Jb\u0085c`},
		{"invalid UTF-8 byte 0x9b", "a\x9b2J", "a\uFFFD2J", "a\uFFFD2J"},
		{"bidi override", "abc\u202eevil\u202c", "abcevil", "abcevil"},
		{"bidi isolates and marks", "\u2066x\u2069\u200ey\u200f", "xy", "xy"},
		{"zero width space, soft hyphen, BOM", "in\u200bvis\u00adible\ufeff", "invisible", "invisible"},
		{"tag characters", "flag\U000E0067\U000E0062", "flag", "flag"},
		{"ZWJ and ZWNJ kept", "a\u200db\u200cc", "a\u200db\u200cc", "a\u200db\u200cc"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := CleanText(tt.in); got != tt.wantText {
				t.Errorf("CleanText(%q) = %q, want %q", tt.in, got, tt.wantText)
			}
			if got := CleanLine(tt.in); got != tt.wantLine {
				t.Errorf("CleanLine(%q) = %q, want %q", tt.in, got, tt.wantLine)
			}
			checkSafe(t, CleanText(tt.in), true)
			checkSafe(t, CleanLine(tt.in), false)
		})
	}
}

// TestSanitizeEveryRune checks every code point of the planes that hold
// control and format characters (0, 1 and 14), so none is overlooked by the
// rules or by isClean.
func TestSanitizeEveryRune(t *testing.T) {
	for r := rune(0); r < 0xE1000; r++ {
		if r >= 0xd800 && r <= 0xdfff || r >= 0x20000 && r < 0xE0000 {
			continue
		}
		s := "x" + string(r) + "y"
		checkSafe(t, CleanText(s), true)
		checkSafe(t, CleanLine(s), false)
	}
	for b := 0x80; b <= 0xff; b++ {
		s := "x" + string([]byte{byte(b)}) + "y"
		checkSafe(t, CleanText(s), true)
		checkSafe(t, CleanLine(s), false)
	}
}

// checkSafe fails if s could do anything to a terminal but print.
func checkSafe(t *testing.T, s string, newlinesAllowed bool) {
	t.Helper()
	if !utf8.ValidString(s) {
		t.Fatalf("sanitised %q is not valid UTF-8", s)
	}
	for _, r := range s {
		switch {
		case r == '\n' && newlinesAllowed:
		case r < 0x20, r == 0x7f, r >= 0x80 && r < 0xa0, r == '\u2028', r == '\u2029':
			t.Fatalf("sanitised %q contains control %U", s, r)
		case r == '\u200c', r == '\u200d':
		case unicode.Is(unicode.Cf, r):
			t.Fatalf("sanitised %q contains format character %U", s, r)
		}
	}
	if strings.Contains(s, "\x1b") {
		t.Fatalf("sanitised %q contains ESC", s)
	}
}
