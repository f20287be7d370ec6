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
		{"selectors\uFE0F\uFE00 and tags\U000E0041\U000E0100 hide", "selectors and tags hide"},
	}
	for _, tc := range tests {
		if got := Printable(tc.in); got != tc.want {
			t.Errorf("Printable(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestSourceName(t *testing.T) {
	for _, c := range []struct{ outlet, wire, want string }{
		{"The Example Herald", "Reuters", "The Example Herald (via Reuters)"},
		{"Reuters", "Reuters", "Reuters"},
		{"The Example Herald", "", "The Example Herald"},
		{"", "AP", "AP"},
		{"", "", ""},
	} {
		if got := (Citation{Outlet: c.outlet, Wire: c.wire}).Source(); got != c.want {
			t.Errorf("Source(%q, %q) = %q, want %q", c.outlet, c.wire, got, c.want)
		}
	}
}

func TestCollapseSpaceSkipsInvisible(t *testing.T) {
	if got := collapseSpace("five\u00a0years\U000E0048\U000E0049\uFE0F,\n the  ministers\u200b said"); got != "five years, the ministers said" {
		t.Errorf("collapseSpace = %q", got)
	}
}
