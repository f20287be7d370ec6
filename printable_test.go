package newsbot

import "testing"

func TestPrintable(t *testing.T) {
	tests := []struct{ in, want string }{
		{"plain text", "plain text"},
		{"a\tb", "a b"},
		{"line\r\nbreak\rand\u2028more", "line\nbreak\nand\nmore"},
		{"\x1b[2J\x1b]0;pwned\x07clear", "[2J]0;pwnedclear"},
		{"del\x7fc1\u0085", "delc1"},
		{"bidi \u202eevil\u202c zero\u200bwidth \ufeffbom", "bidi evil zerowidth bom"},
		{"emoji 👩\u200d💻 and ZWNJ \u200c", "emoji 👩\u200d💻 and ZWNJ \u200c"},
		{"bad \xff byte", "bad \ufffd byte"},
	}
	for _, tc := range tests {
		if got := Printable(tc.in); got != tc.want {
			t.Errorf("Printable(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
