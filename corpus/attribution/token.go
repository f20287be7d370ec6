package attribution

import (
	"unicode"
	"unicode/utf8"
)

// Token kinds.
const (
	kWord  = iota // letters, digits, inner apostrophes, hyphens and dots
	kPunct        // one punctuation rune that is not a quotation mark
	kOpen         // an opening quotation mark: “ or a " that opens
	kClose        // a closing quotation mark: ” or a " that closes
)

// token is one word or punctuation mark of a body.
type token struct {
	start, end int32
	kind       uint8
	// para is set on the first token after a blank line or a line break.
	para bool
	// quoted is set on the tokens inside a quotation, marks excluded.
	quoted bool
	// sent is set on the first token of a sentence.
	sent bool
	// cap is set on a word that starts with an upper-case letter.
	cap bool
	// lex is set on a word of the tagger's cue lexicon (by
	// staticFeatures).
	lex bool
	// strong is set on a word of the lexicon's strong cues (by
	// staticFeatures).
	strong bool
	// skip is set on the tokens of a sentence the tagger need not look
	// at (by staticFeatures).
	skip bool
	// h is the hash of the lower-cased text.
	h uint64
}

// tokenize splits body into tokens, appending to toks.
func tokenize(body string, toks []token) []token {
	para := true
	for i := 0; i < len(body); {
		c := body[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '\n' || c == '\r':
				para = true
				i++
				continue
			case c == ' ' || c == '\t' || c == '\f' || c == '\v':
				i++
				continue
			case isWordByte(c):
				j := wordEnd(body, i)
				toks = append(toks, token{start: int32(i), end: int32(j), kind: kWord, para: para, cap: c >= 'A' && c <= 'Z', h: lowerHash(body[i:j])})
				para = false
				i = j
				continue
			case c == '"':
				toks = append(toks, token{start: int32(i), end: int32(i + 1), kind: kOpen, para: para, h: hashQuote})
			default:
				toks = append(toks, token{start: int32(i), end: int32(i + 1), kind: kPunct, para: para, h: lowerHash(body[i : i+1])})
			}
			para = false
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(body[i:])
		switch {
		case r == utf8.RuneError && n == 1:
			// Invalid UTF-8: skipped, so no span starts or ends inside it.
		case unicode.IsSpace(r):
			if r == 0x2028 || r == 0x2029 {
				para = true
			}
			i += n
			continue
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			j := wordEnd(body, i)
			toks = append(toks, token{start: int32(i), end: int32(j), kind: kWord, para: para, cap: unicode.IsUpper(r), h: lowerHash(body[i:j])})
			para = false
			i = j
			continue
		case r == '“' || r == '„' || r == '«':
			toks = append(toks, token{start: int32(i), end: int32(i + n), kind: kOpen, para: para, h: hashQuote})
		case r == '”' || r == '»':
			toks = append(toks, token{start: int32(i), end: int32(i + n), kind: kClose, para: para, h: hashQuote})
		default:
			toks = append(toks, token{start: int32(i), end: int32(i + n), kind: kPunct, para: para, h: lowerHash(body[i : i+n])})
		}
		para = false
		i += n
	}
	markQuotes(toks)
	markSentences(body, toks)
	return toks
}

// isWordByte reports whether the ASCII byte c starts a word.
func isWordByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// wordEnd returns the end of the word starting at i: letters and digits,
// with apostrophes (’ too), hyphens, dots and commas between them ("don’t",
// "U.S", "1,000", "well-known").
func wordEnd(body string, i int) int {
	for i < len(body) {
		c := body[i]
		if c < utf8.RuneSelf {
			if isWordByte(c) {
				i++
				continue
			}
			if (c == '\'' || c == '-' || c == '.' || c == ',') && i+1 < len(body) && isWordByte(body[i+1]) && (c != ',' || body[i-1] >= '0' && body[i-1] <= '9' && body[i+1] >= '0' && body[i+1] <= '9') {
				i += 2
				continue
			}
			// A dot after one capital letter: "U.S." keeps its last dot.
			if c == '.' && i >= 2 && body[i-2] == '.' {
				i++
			}
			return i
		}
		r, n := utf8.DecodeRuneInString(body[i:])
		if unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r) {
			i += n
			continue
		}
		if r == '’' && i+n < len(body) && isWordByte(body[i+n]) {
			i += n
			continue
		}
		return i
	}
	return i
}

// hashQuote is the hash every quotation mark has, so that “, ” and " are
// one feature.
const hashQuote = 0x9e3779b97f4a7c15

// lowerHash is the FNV-1a hash of s lower-cased (ASCII letters; others as
// they are, and ’ as ').
func lowerHash(s string) uint64 {
	h := uint64(14695981039346656037)
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		} else if c == 0xe2 && i+2 < len(s) && s[i+1] == 0x80 && s[i+2] == 0x99 {
			c = '\''
			i += 2
		}
		h ^= uint64(c)
		h *= 1099511628211
	}
	return h
}

// markQuotes sets the quoted flag and decides which way each straight
// quotation mark faces. A quotation ends at its closing mark or at a
// paragraph break (news style opens each paragraph of a long quote and
// closes only the last).
func markQuotes(toks []token) {
	open := -1
	for i := range toks {
		t := &toks[i]
		if t.para && open >= 0 {
			open = -1
		}
		switch t.kind {
		case kOpen:
			if open >= 0 && t.h == hashQuote && isStraight(t) {
				t.kind = kClose
				open = -1
				continue
			}
			open = i
			continue
		case kClose:
			open = -1
			continue
		}
		t.quoted = open >= 0
	}
}

// isStraight reports whether a quotation mark token is the ASCII ".
func isStraight(t *token) bool { return t.end-t.start == 1 }

// markSentences sets the sent flag on the first token of each sentence: the
// first after a paragraph break, or after . ! ? (and closing marks) when the
// next word is capitalised or opens a quotation, unless the dot ends a
// known abbreviation or an initial.
func markSentences(body string, toks []token) {
	for i := range toks {
		t := &toks[i]
		if i == 0 || t.para {
			t.sent = true
			continue
		}
		p := &toks[i-1]
		j := i - 1
		if p.kind == kClose || p.kind == kPunct && (body[p.start] == ')') {
			if j == 0 {
				continue
			}
			j--
		}
		e := &toks[j]
		if !(t.cap || t.kind == kOpen || t.kind == kWord && body[t.start] >= '0' && body[t.start] <= '9') {
			continue
		}
		if e.kind == kPunct {
			c := body[e.start]
			if c == '!' || c == '?' {
				t.sent = true
			} else if c == '.' && !(j > 0 && toks[j-1].kind == kWord && toks[j-1].end == e.start && isAbbrev(body[toks[j-1].start:toks[j-1].end])) {
				t.sent = true
			}
		} else if e.kind == kWord && body[e.end-1] == '.' {
			// "U.S." took its dot; it ends a sentence before a capital
			// only when a plain word follows, which we cannot tell: keep
			// the sentence going.
			continue
		}
	}
}

// isAbbrev reports whether w, followed by a dot, is an abbreviation that
// does not end a sentence: titles and single initials.
func isAbbrev(w string) bool {
	if len(w) == 1 && w[0] >= 'A' && w[0] <= 'Z' {
		return true
	}
	switch w {
	case "Mr", "Mrs", "Ms", "Dr", "Sen", "Rep", "Gov", "Gen", "Lt", "Col", "Sgt", "Capt", "Prof", "St", "Jr", "Sr", "Rev", "Hon", "Pres", "Atty", "Supt", "Cmdr", "Adm", "Maj", "Cpl", "Pvt", "No", "Nos", "vs", "Mt", "Ft",
		"Jan", "Feb", "Mar", "Apr", "Aug", "Sept", "Sep", "Oct", "Nov", "Dec", "Inc", "Corp", "Co", "Ltd", "Calif", "Fla", "Mass", "Conn", "Ariz", "Colo", "Ill", "Ind", "Ky", "La", "Md", "Mich", "Minn", "Miss", "Mo", "Mont", "Neb", "Nev", "Okla", "Ore", "Pa", "Tenn", "Tex", "Va", "Vt", "Wash", "Wis", "Wyo":
		return true
	}
	return false
}
