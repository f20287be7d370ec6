package chat

import (
	"unicode/utf8"

	"github.com/rivo/uniseg"
)

// graphemeLookahead is how far past a limit Boundaries reads to learn
// whether the limit itself ends a grapheme cluster. A cluster still open
// there is treated as running on: it is not a boundary.
const graphemeLookahead = 64

// Boundaries returns, in increasing order, the byte offsets n with
// 0 < n ≤ max at which s may be cut without breaking a character as a
// person sees it: the ends of its grapheme clusters (Unicode UAX #29, with
// github.com/rivo/uniseg), so that a cut never splits a ZWJ emoji
// sequence, a flag's pair of regional indicators or a letter from its
// combining marks. When the first cluster alone is longer than max (an
// absurd pile of combining marks), it falls back to the rune boundaries
// within max, so that any text can be cut; it returns nil only when the
// first rune is longer than max. It reads at most max plus a few bytes of
// s, so cutting a long text piece by piece stays linear.
//
// The Slack and Discord renderers cut one over-long word with it.
func Boundaries(s string, max int) []int {
	if max <= 0 || s == "" {
		return nil
	}
	window := s
	truncated := len(s) > max+graphemeLookahead
	if truncated {
		window = s[:max+graphemeLookahead]
	}
	var out []int
	state := -1
	rest := window
	pos := 0
	for rest != "" {
		var cluster string
		cluster, rest, _, state = uniseg.FirstGraphemeClusterInString(rest, state)
		end := pos + len(cluster)
		if end > max || truncated && rest == "" {
			// Past the limit, or the window's last cluster, which may go
			// on beyond it.
			break
		}
		out = append(out, end)
		pos = end
	}
	if len(out) > 0 {
		return out
	}
	for i := range window {
		if i > 0 && i <= max {
			out = append(out, i)
		}
	}
	return out
}

// Prefix returns s cut to at most n bytes, at a rune boundary, and whether
// it cut. Renderers cut what they show far beyond their limits with it
// before escaping, so that an enormous title or sentence (metadata is
// bounded at ingest, sentences only by the article) costs no more to
// render than one just over the limit.
func Prefix(s string, n int) (string, bool) {
	if len(s) <= n {
		return s, false
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n], true
}
