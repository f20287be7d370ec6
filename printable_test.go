package newsbot

import (
	"strings"
	"testing"
)

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
		{"emoji keep theirs: \u2764\uFE0F 1\uFE0F\u20E3, a run does not: \u2764\uFE0F\uFE0F\uFE01", "emoji keep theirs: \u2764\uFE0F 1\uFE0F\u20E3, a run does not: \u2764\uFE0F"},
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

// Bare domains are made inert on every surface (finding 7 of issue 10:
// only links with a scheme or "www." were removed, so "evil.example/login"
// reached every surface); the cited sources' own links are left as they
// are.
func TestDelink(t *testing.T) {
	const zw = "\u200b"
	sources := []string{"https://www.reuters.com/article/idUS1", "http://Example.org/"}
	tests := []struct{ in, want string }{
		{"Log in at evil.example/login to read more.", "Log in at evil." + zw + "example/login to read more."},
		{"see https://evil.example/a?b=c#d, now", "see https://evil." + zw + "example/a?b=c#d, now"},
		{"mail me at x@phish.co.uk", "mail me at x@phish." + zw + "co." + zw + "uk"},
		{"IDN: xn--80ak6aa92e.xn--p1ai and пример.рф", "IDN: xn--80ak6aa92e." + zw + "xn--p1ai and пример." + zw + "рф"},
		{"port evil.example:8443/x", "port evil." + zw + "example:8443/x"},
		// The cited sources' links stay, with or without their scheme.
		{"Reuters reported it (www.reuters.com/article/idUS1).", "Reuters reported it (www.reuters.com/article/idUS1)."},
		{"Source: https://www.reuters.com/article/idUS1/ and example.org.", "Source: https://www.reuters.com/article/idUS1/ and example.org."},
		// A source's host with another path is not its link.
		{"www.reuters.com/other", "www." + zw + "reuters." + zw + "com/other"},
		// Not host names: abbreviations, numbers, sentence ends.
		{"The U.S. economy grew 5.93 pct, e.g. in Jan. It rose.", "The U.S. economy grew 5.93 pct, e.g. in Jan. It rose."},
		{"no dots at all", "no dots at all"},
	}
	for _, tc := range tests {
		got := Delink(tc.in, sources)
		if got != tc.want {
			t.Errorf("Delink(%q) = %q, want %q", tc.in, got, tc.want)
		}
		if again := Delink(got, sources); again != got {
			t.Errorf("Delink is not idempotent on %q: %q", got, again)
		}
		if strings.ReplaceAll(got, zw, "") != tc.in {
			t.Errorf("Delink(%q) changed more than zero-width spaces: %q", tc.in, got)
		}
	}
}
