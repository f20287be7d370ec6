package newsbot

import (
	"regexp"
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
// and some scripts need, and the one presentation selector an emoji or
// keycap needs (U+FE0E or U+FE0F after a symbol or a keycap's digit). Invalid UTF-8 becomes U+FFFD. Adapters apply it to
// everything they show from an answer, article text included.
func Printable(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	var prev rune
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
		case r == '\u200c' || r == '\u200d' || keepsSelector(prev, r):
			b.WriteRune(r)
		case isIgnorable(r):
		default:
			b.WriteRune(r)
		}
		prev = r
	}
	return b.String()
}

// bareLinkRE finds what a reader, or software showing text, could take for
// a link: a host name (labels of letters, digits and hyphens joined by
// dots, ending in a top-level domain of two or more letters, or an IDN one,
// xn--...), with any scheme before it and port and path after it.
var bareLinkRE = regexp.MustCompile(`(?i)(?:[a-z][a-z0-9+.-]*://)?((?:[\pL\pN](?:[\pL\pN-]{0,61}[\pL\pN])?\.)+(?:\pL{2,63}|xn--[a-z0-9-]{1,59}))(?::\d{1,5})?(?:[/?#][^\s<>"'\x60]*)?`)

// Delink makes every link in s inert except the cited sources' own: in
// each host name that is not one of sources, a zero-width space (U+200B)
// follows each dot, so "evil.example/login" still reads the same but no
// chat client, terminal or front end takes it, or any part of it, for a
// link, and it is not a host name if copied. This covers bare domains,
// which nothing else catches, as well as links with a scheme. A link is a
// source's when, without its scheme and trailing punctuation, it is one of
// sources without theirs (host names in any case, a trailing "/"
// ignored). Text that only looks like a host name ("Node.js") gets the
// same invisible break, which changes nothing a reader sees.
//
// Run it after Printable (or a terminal sanitiser), which would remove the
// zero-width spaces. Every surface applies it to everything it shows from
// an answer; the answer checker may use it on model text too. It is
// idempotent.
func Delink(s string, sources []string) string {
	if !strings.Contains(s, ".") {
		return s
	}
	keep := make(map[string]bool, len(sources))
	for _, u := range sources {
		if k := linkKey(u); k != "" {
			keep[k] = true
		}
	}
	var b strings.Builder
	last := 0
	for _, m := range bareLinkRE.FindAllStringSubmatchIndex(s, -1) {
		link := strings.TrimRight(s[m[0]:m[1]], ".,;:!?)]}'\"’”")
		if keep[linkKey(link)] {
			continue
		}
		if b.Len() == 0 {
			b.Grow(len(s) + 16)
		}
		host := s[m[2]:m[3]]
		b.WriteString(s[last:m[2]])
		b.WriteString(strings.ReplaceAll(host, ".", ".\u200b"))
		last = m[3]
	}
	if last == 0 {
		return s
	}
	b.WriteString(s[last:])
	return b.String()
}

// linkKey is how Delink compares links: without scheme, with the host in
// lower case and without a trailing "/".
func linkKey(u string) string {
	u = strings.TrimSpace(u)
	if i := strings.Index(u, "://"); i >= 0 {
		u = u[i+3:]
	}
	host, rest := u, ""
	if i := strings.IndexAny(u, "/?#"); i >= 0 {
		host, rest = u[:i], u[i:]
	}
	return strings.ToLower(host) + strings.TrimRight(rest, "/")
}
