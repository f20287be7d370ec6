package index

import (
	"strings"
	"sync"
	"sync/atomic"
	"unicode"
	"unicode/utf8"

	"github.com/kljensen/snowball/english"
	"github.com/newsbot-dev/newsbot/corpus"
)

// token is one word of a text as the index sees it.
type token struct {
	term  string // normalised: lower-cased, lemmatised, stemmed
	word  string // lower-cased only: term as words gives it
	start int    // byte offset of the word in the text
	cap   bool   // the word starts with an upper-case letter
	num   bool   // the word is a number
	stop  bool   // the word is a stop word (kept for answer typing, not indexed)
}

// analyzer turns text into terms. It caches stems: the vocabulary of a
// corpus is small next to its word count, and stemming is the costly step.
// An analyzer is not safe for concurrent use; make one per goroutine.
type analyzer struct {
	stems map[string]string
	// shared, when set, is a cache of stems shared with other analyzers
	// (an index's, for the questions searched).
	shared *stemCache
	// seen interns the words scanned, each with its stem once one is
	// needed, so that a word seen before costs one lookup and no
	// allocation.
	seen map[string]*seenWord
	buf  []byte
}

// seenWord is a word interned by an analyzer.
type seenWord struct {
	word, stem string
	stemmed    bool // stem is set
}

// newAnalyzer returns an analyzer whose stem cache starts with room for
// about size words: large when indexing, small for one question.
func newAnalyzer(size int) *analyzer {
	return &analyzer{stems: make(map[string]string, size)}
}

// tokens appends the tokens of text to dst.
//
// A word is a run of letters and digits. Inside a word, an apostrophe
// followed by letters is kept with it, except a possessive "'s", which is
// dropped; a period or comma between digits is kept ("5.93", "155,221",
// the comma then removed); periods in a dotted acronym join it ("U.S." is
// one word, "us", and is not the stop word "us"). Invisible format
// characters (zero-width spaces and the like) are skipped as if absent, so
// they never split or reach a term.
func (a *analyzer) tokens(dst []token, text string) []token {
	return a.scan(dst, text, true)
}

// words is tokens without stemming or lemmas: terms are the lower-cased
// words. It is several times faster, for when only the shape of the words
// matters.
func (a *analyzer) words(dst []token, text string) []token {
	return a.scan(dst, text, false)
}

func (a *analyzer) scan(dst []token, text string, stem bool) []token {
	i := 0
	for i < len(text) {
		if c := text[i]; c < utf8.RuneSelf && !isASCIIAlnum(c) {
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(text[i:])
		if !isWordRune(r) {
			i += size
			continue
		}
		start := i
		a.buf = a.buf[:0]
		first := r
		allDigits := true
		upper := 0
		dotted := false
		letters := 0
		for i < len(text) {
			// ASCII letters and digits, the bulk of news text, without
			// decoding.
			if c := text[i]; c < utf8.RuneSelf && isASCIIAlnum(c) {
				switch {
				case c >= 'a':
					letters++
					allDigits = false
				case c >= 'A':
					letters++
					allDigits = false
					upper++
					c += 'a' - 'A'
				}
				a.buf = append(a.buf, c)
				i++
				continue
			}
			r, size = utf8.DecodeRuneInString(text[i:])
			switch {
			case isWordRune(r):
				if !unicode.IsDigit(r) {
					allDigits = false
					letters++
				}
				if unicode.IsUpper(r) {
					upper++
				}
				a.buf = utf8.AppendRune(a.buf, unicode.ToLower(r))
				i += size
				continue
			case corpus.IsInvisible(r):
				i += size
				continue
			case (r == '.' || r == ',') && allDigits && len(a.buf) > 0 && i+1 < len(text) && isDigitByte(text[i+1]):
				if r == '.' {
					a.buf = append(a.buf, '.')
				}
				i += size
				continue
			case r == '.' && letters == 1+countDots(a.buf) && letters <= 5 && i+2 < len(text) && isASCIILetter(text[i+1]) && text[i+2] == '.':
				// U.S., U.N., E.U.: a letter, a dot, a letter, a dot.
				dotted = true
				a.buf = append(a.buf, '.')
				i += size
				continue
			case (r == '\'' || r == '’') && i+size < len(text):
				next, nsize := utf8.DecodeRuneInString(text[i+size:])
				if unicode.IsLetter(next) {
					// Possessive 's ends the word; n't, 're, 'll stay attached.
					if (next == 's' || next == 'S') && (i+size+nsize >= len(text) || !isWordRune(runeAt(text, i+size+nsize))) {
						i += size + nsize
						break
					}
					a.buf = append(a.buf, '\'')
					i += size
					continue
				}
			}
			break
		}
		if dotted {
			// Trailing dot of the acronym belongs to it.
			if i < len(text) && text[i] == '.' {
				i++
			}
			a.buf = removeByte(a.buf, '.')
		}
		seen := a.intern(a.buf)
		word := seen.word
		t := token{word: word, start: start, cap: unicode.IsUpper(first), num: allDigits || isNumeric(word)}
		acronym := dotted || (upper == len(word) && len(word) <= 3 && len(word) > 1)
		switch {
		case t.num:
			t.term = word
		case !acronym && isStopWord(word):
			t.term = word
			t.stop = true
		case !stem:
			t.term = word
		default:
			if !seen.stemmed {
				seen.stem, seen.stemmed = a.stem(word), true
			}
			t.term = seen.stem
		}
		dst = append(dst, t)
	}
	return dst
}

// intern returns the interned word of b: the same for the same bytes.
func (a *analyzer) intern(b []byte) *seenWord {
	if e, ok := a.seen[string(b)]; ok {
		return e
	}
	if a.seen == nil {
		a.seen = make(map[string]*seenWord, 256)
	}
	e := &seenWord{word: string(b)}
	a.seen[e.word] = e
	return e
}

// terms returns the indexable terms of text: its tokens less stop words.
func (a *analyzer) terms(dst []string, text string) []string {
	var toks [64]token
	for _, t := range a.tokens(toks[:0], text) {
		if !t.stop {
			dst = append(dst, t.term)
		}
	}
	return dst
}

func (a *analyzer) stem(word string) string {
	if s, ok := a.stems[word]; ok {
		return s
	}
	if a.shared != nil {
		if s, ok := a.shared.get(word); ok {
			a.stems[word] = s
			return s
		}
		defer func() { a.shared.put(word, a.stems[word]) }()
	}
	w := word
	if l, ok := lemmas[w]; ok {
		w = l
	}
	w = strings.ReplaceAll(w, "’", "'")
	s := english.Stem(w, true)
	a.stems[word] = s
	return s
}

func isWordRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsDigit(r)
}

func isDigitByte(b byte) bool { return b >= '0' && b <= '9' }

func isASCIIAlnum(b byte) bool {
	return (b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z') || (b >= '0' && b <= '9')
}

func isASCIILetter(b byte) bool { return (b|0x20) >= 'a' && (b|0x20) <= 'z' }

func runeAt(s string, i int) rune {
	r, _ := utf8.DecodeRuneInString(s[i:])
	return r
}

func countDots(b []byte) int {
	n := 0
	for _, c := range b {
		if c == '.' {
			n++
		}
	}
	return n
}

func removeByte(b []byte, c byte) []byte {
	out := b[:0]
	for _, x := range b {
		if x != c {
			out = append(out, x)
		}
	}
	return out
}

func isNumeric(w string) bool {
	if w == "" || !isDigitByte(w[0]) {
		return false
	}
	for i := 0; i < len(w); i++ {
		if !isDigitByte(w[i]) && w[i] != '.' {
			return false
		}
	}
	return true
}

// isStopWord reports words that carry no topic: function words and the
// question words themselves.
func isStopWord(w string) bool {
	if english.IsStopWord(w) {
		return true
	}
	switch w {
	case "would", "could", "also", "may", "might", "must", "shall", "us",
		"yet", "however", "whose", "whether", "mr", "mrs", "ms", "via",
		"upon", "onto", "within", "without", "among", "amid", "per",
		"can't", "don't", "didn't", "doesn't", "won't", "isn't", "wasn't":
		return true
	}
	return false
}

// lemmas maps irregular word forms that stemming cannot join to their
// base form, so that a question's "say" finds an article's "said" and
// "who won" finds "will win". Regular forms are left to the stemmer.
var lemmas = map[string]string{
	"said": "say", "says": "say", "told": "tell", "won": "win", "wins": "win",
	"met": "meet", "went": "go", "gone": "go", "came": "come", "took": "take",
	"taken": "take", "gave": "give", "given": "give", "made": "make",
	"found": "find", "held": "hold", "left": "leave", "led": "lead",
	"began": "begin", "begun": "begin", "brought": "bring", "bought": "buy",
	"sold": "sell", "built": "build", "thought": "think", "knew": "know",
	"known": "know", "saw": "see", "seen": "see", "spoke": "speak",
	"spoken": "speak", "wrote": "write", "written": "write", "ran": "run",
	"became": "become", "chose": "choose", "chosen": "choose", "died": "die",
	"dead": "die", "death": "die", "killed": "kill", "fell": "fall",
	"fallen": "fall", "rose": "rise", "risen": "rise", "grew": "grow",
	"grown": "grow", "lost": "lose", "paid": "pay", "sent": "send",
	"spent": "spend", "struck": "strike", "stood": "stand", "sought": "seek",
	"fought": "fight", "caught": "catch", "taught": "teach", "broke": "break",
	"broken": "break", "drove": "drive", "driven": "drive", "flew": "fly",
	"flown": "fly", "shot": "shoot", "hit": "hit", "beat": "beat",
	"beaten": "beat", "elected": "elect", "born": "bear", "wore": "wear",
	"worn": "wear", "ate": "eat", "eaten": "eat", "hung": "hang", "lay": "lie",
	"men": "man", "women": "woman", "children": "child", "people": "person",
	"mice": "mouse", "feet": "foot", "teeth": "tooth",
}

// stemCache is a bounded cache of stems safe for concurrent use: Snowball
// stemming is the costly step of analysing a question, and questions
// repeat their words.
type stemCache struct {
	m sync.Map
	n atomic.Int64
}

// stemCacheMax bounds a stemCache: past it, new words are stemmed each
// time.
const stemCacheMax = 1 << 16

func (c *stemCache) get(w string) (string, bool) {
	v, ok := c.m.Load(w)
	if !ok {
		return "", false
	}
	return v.(string), true
}

func (c *stemCache) put(w, s string) {
	if c.n.Load() >= stemCacheMax {
		return
	}
	if _, loaded := c.m.LoadOrStore(w, s); !loaded {
		c.n.Add(1)
	}
}
