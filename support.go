package newsbot

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// The support check decides whether an evidence sentence supports a
// clause of the model's reply. It is lexical and deliberately strict:
//
//   - every number in the clause (digits, or a number word such as
//     "three") is in the sentence, or in its article's date;
//   - every name (a capitalised word that is not an ordinary word
//     starting a sentence: people, places, organisations, months, days)
//     is in the sentence, in its outlet or author, in its article's date,
//     or is the subject of the sentence's context when the sentence leans
//     on it ("he said" after "Lavrov restated ...");
//   - every quoted span is in the sentence verbatim, except for quotation
//     marks, white space and the case of its first letter (an ellipsis
//     splits it into parts, each verbatim);
//   - at least minSupport of the weight of the clause's other content
//     words (stemmed, without stop words and reporting verbs) is in the
//     sentence, each word weighed by how rare it is in the evidence given
//     (its inverse document frequency over those sentences): the word that
//     says what happened ("inevitable") weighs more than the topic that
//     every sentence shares ("sanctions").
//
// A claim of several clauses ("X said A, while Y said B") must have every
// clause supported by one sentence: two sentences that each hold half of
// a claim ("Lavrov" in one, "inevitable" in the other) never add up to it.

// DefaultMinSupport is Bot.MinSupport's default: the share of a clause's
// content words that the sentence supporting it must hold. It was chosen
// on the scripted replies of replytest (see the README's "What the checker
// guarantees"): at 0.5 every labelled right sentence that a lexical check
// can see is kept, and no unsupported one passes.
const DefaultMinSupport = 0.5

// facts are what the support check reads of a piece of text.
type facts struct {
	numbers []string        // normalised numbers
	names   []string        // normalised names
	quotes  []string        // quoted spans, normalised, split at ellipses
	quoted  []string        // stems of the content words of the quoted spans
	content []string        // stems of content words outside quotations
	negated map[string]bool // of content, those a negation governs
	cjk     []string        // bigrams of CJK text
}

func (f facts) empty() bool {
	return len(f.numbers)+len(f.names)+len(f.quotes)+len(f.content)+len(f.cjk) == 0
}

// thin reports facts too few to check on their own: no number, name or
// quotation, and at most one content word ("Visit.", "He agreed.").
func (f facts) thin() bool {
	return len(f.numbers)+len(f.names)+len(f.quotes) == 0 && len(f.content) <= 1 && len(f.cjk) <= 1
}

// source is what the support check knows of one evidence sentence.
type source struct {
	sentence  string
	quoteText string // the sentence normalised for quotations, once a quotation is looked for
	// terms holds the sentence's words, normalised, stemmed, and its
	// acronyms, outlet and date, each with what it may stand for in a claim
	// (termWord, termName) and whether it appears in lower case (termLower:
	// such a word opening a sentence is not a name).
	terms   map[string]uint8
	numbers map[string]bool
	cjk     map[string]bool
	// subject holds the names that open the sentence's context, when the
	// sentence leans on it ("he said"): who "he" is. before is the number
	// of that context sentence among the evidence (from 1), 0 when it is
	// not there: then the subject cannot be used, as it could not be cited.
	subject map[string]bool
	before  int
	// negated holds the words a negation governs ("had not sought"):
	// a claim that has them without one says the opposite.
	negated map[string]bool
	// stems lists the stems of the sentence's words, once each.
	stems []string
}

// What a term of a source may stand for.
const (
	termWord  = 1 << iota // a content word
	termName              // a name
	termLower             // it appears in lower case
)

func (s *source) words(w string) bool { return s.terms[w]&termWord != 0 }
func (s *source) name(w string) bool  { return s.terms[w]&termName != 0 }

func newSource(e Evidence) *source {
	toks := tokens(e.Sentence)
	s := &source{
		sentence: e.Sentence,
		terms:    make(map[string]uint8, 2*len(toks)),
		numbers:  map[string]bool{},
		negated:  negatedOf(toks),
	}
	var caps []string // the current run of capitalised words, for acronyms
	flush := func() {
		if len(caps) >= 2 && len(caps) <= 5 {
			var b strings.Builder
			for _, c := range caps {
				b.WriteByte(c[0])
			}
			s.terms[b.String()] |= termName
		}
		caps = caps[:0]
	}
	for _, t := range toks {
		switch {
		case t.cjk:
			flush()
			if s.cjk == nil {
				s.cjk = map[string]bool{}
			}
			for _, g := range bigrams(t.text) {
				s.cjk[g] = true
			}
			continue
		case t.number != "":
			flush()
			s.numbers[t.number] = true
			continue
		}
		n := nameNorm(t.text)
		st := stem(n)
		f := s.terms[st]
		if f&termWord == 0 {
			s.stems = append(s.stems, st)
		}
		if st == n {
			s.terms[n] = f | termWord | termName
		} else {
			s.terms[st] = f | termWord
			s.terms[n] |= termWord | termName
		}
		switch {
		case isUpperStart(t.text):
			caps = append(caps, n)
		case n == "of" || n == "the" || n == "and":
			// "United States of America": the run goes on.
		default:
			flush()
			s.terms[n] |= termLower
		}
	}
	flush()
	// The outlet and author name who reports; the date says when.
	for _, meta := range []string{e.Outlet, e.Author} {
		for _, t := range tokens(meta) {
			s.terms[nameNorm(t.text)] |= termWord | termName
		}
	}
	for _, n := range subjectNames(e.Before) {
		if s.subject == nil {
			s.subject = map[string]bool{}
		}
		s.subject[n] = true
	}
	if !e.Published.IsZero() {
		d := e.Published
		for _, n := range []string{strconv.Itoa(d.Year()), strconv.Itoa(int(d.Month())), strconv.Itoa(d.Day())} {
			s.numbers[n] = true
		}
		for _, n := range []string{strings.ToLower(d.Month().String()), strings.ToLower(d.Weekday().String())} {
			s.terms[n] |= termName
		}
	}
	return s
}

// supportOf returns how well s supports the clause f: ok when every
// number, name and quoted span is there and at least minCov of the
// content words, each weighed by weight; score, for choosing between
// sentences, is that weighed share.
// usedBefore is true when a name was found only in the subject of the
// sentence's context, which must then be cited too.
func (s *source) supportOf(f facts, minCov float64, weight func(string) float64) (score float64, ok, usedBefore bool) {
	for _, n := range f.numbers {
		if !s.numbers[n] {
			return 0, false, false
		}
	}
	for _, n := range f.names {
		if !s.hasName(n) {
			if s.before == 0 || !s.subject[n] {
				return 0, false, false
			}
			usedBefore = true
		}
	}
	for _, q := range f.quotes {
		if !s.hasQuote(q) {
			return 0, false, false
		}
	}
	for _, w := range f.content {
		if s.negated != nil && s.negated[w] && !f.negated[w] {
			return 0, false, false // the sentence says the opposite
		}
	}
	score = 1
	if len(f.content) > 0 {
		// The words of a quotation found verbatim count as held.
		var in, all float64
		for _, w := range f.quoted {
			in += weight(w)
		}
		all = in
		for _, w := range f.content {
			wt := weight(w)
			all += wt
			if s.words(w) {
				in += wt
			}
		}
		score = in / all
	}
	if len(f.cjk) > 0 {
		in := 0
		for _, g := range f.cjk {
			if s.cjk[g] {
				in++
			}
		}
		c := float64(in) / float64(len(f.cjk))
		if len(f.content) == 0 || c < score {
			score = c
		}
	}
	return score, score >= minCov, usedBefore
}

// hasName reports whether name n is in the source, allowing a demonym
// for its country ("Russian", "Russia") and a plural.
func (s *source) hasName(n string) bool {
	if s.name(n) {
		return true
	}
	for _, suf := range []string{"ns", "ians", "ans", "n", "an", "ian", "s", "es"} {
		if b, ok := strings.CutSuffix(n, suf); ok && len(b) >= 4 && s.name(b) {
			return true
		}
	}
	if len(n) < 4 {
		return false
	}
	for _, suf := range []string{"n", "an", "ian", "s"} {
		if s.name(n + suf) {
			return true
		}
	}
	return false
}

// hasQuote reports whether the quoted span q is in the sentence verbatim
// (the case of its first letter aside).
func (s *source) hasQuote(q string) bool {
	if s.quoteText == "" {
		s.quoteText = quoteNorm(s.sentence)
	}
	if strings.Contains(s.quoteText, q) {
		return true
	}
	r, size := utf8.DecodeRuneInString(q)
	for _, v := range []rune{unicode.ToLower(r), unicode.ToUpper(r)} {
		if v != r && strings.Contains(s.quoteText, string(v)+q[size:]) {
			return true
		}
	}
	return false
}

// token is one word of a text.
type token struct {
	text    string
	number  string // normalised, when the token is a number
	initial bool   // it opens a sentence, a quotation or a clause
	cjk     bool   // a run of CJK characters
}

// tokens splits text into words: runs of letters and digits with the
// apostrophes and dots inside them ("U.S", "Russia’s", "3.5") and the
// commas inside numbers ("19,043"); hyphens split ("counter",
// "productive"), and each run of CJK characters is one token.
func tokens(text string) []token {
	out := make([]token, 0, len(text)/5)
	initial := true
	for i := 0; i < len(text); {
		c := text[i]
		if c < utf8.RuneSelf {
			if !isASCIIWord(c) {
				switch c {
				case '.', '!', '?', ':', ';', '"', '(', '*', '#':
					initial = true
				}
				i++
				continue
			}
		} else {
			r, size := utf8.DecodeRuneInString(text[i:])
			if isCJK(r) {
				j := i
				for j < len(text) {
					r2, s2 := utf8.DecodeRuneInString(text[j:])
					if !isCJK(r2) {
						break
					}
					j += s2
				}
				out = append(out, token{text: text[i:j], cjk: true})
				i, initial = j, false
				continue
			}
			if !unicode.IsLetter(r) && !unicode.IsDigit(r) {
				switch r {
				case '“', '‘', '«', '„', '「', '『', '—', '–':
					initial = true
				}
				i += size
				continue
			}
		}
		j := i
		for j < len(text) {
			c := text[j]
			if c < utf8.RuneSelf {
				if isASCIIWord(c) {
					j++
					continue
				}
				if c == '\'' || c == '.' || c == ',' {
					next := byte(0)
					if j+1 < len(text) {
						next = text[j+1]
					}
					inner := isASCIIWord(next) || next >= utf8.RuneSelf && c != ','
					if c == ',' {
						inner = isDigitByte(text[j-1]) && isDigitByte(next)
					}
					if inner {
						j++
						continue
					}
				}
				break
			}
			r2, s2 := utf8.DecodeRuneInString(text[j:])
			if isCJK(r2) {
				break
			}
			if unicode.IsLetter(r2) || unicode.IsDigit(r2) {
				j += s2
				continue
			}
			if r2 == '’' && j+s2 < len(text) {
				r3, _ := utf8.DecodeRuneInString(text[j+s2:])
				if unicode.IsLetter(r3) || unicode.IsDigit(r3) {
					j += s2
					continue
				}
			}
			break
		}
		w := text[i:j]
		t := token{text: w, initial: initial}
		if n, ok := numberOf(w); ok {
			t.number = n
		}
		out = append(out, t)
		i, initial = j, false
	}
	return out
}

// isASCIIWord reports an ASCII letter or digit.
func isASCIIWord(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

func isDigitByte(b byte) bool { return b >= '0' && b <= '9' }

func isCJK(r rune) bool {
	return unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Hangul)
}

func isUpperStart(w string) bool {
	r, _ := utf8.DecodeRuneInString(w)
	return unicode.IsUpper(r)
}

// bigrams returns the pairs of adjacent characters of a CJK run, or the
// run itself when it is one character.
func bigrams(s string) []string {
	rs := []rune(s)
	if len(rs) == 1 {
		return []string{s}
	}
	out := make([]string, 0, len(rs)-1)
	for i := 0; i+1 < len(rs); i++ {
		out = append(out, string(rs[i:i+2]))
	}
	return out
}

// numberWords are the number words read as numbers. "One" is not among
// them: "one report" is how the bot names an unknown outlet.
var numberWords = map[string]string{
	"two": "2", "three": "3", "four": "4", "five": "5", "six": "6", "seven": "7", "eight": "8",
	"nine": "9", "ten": "10", "eleven": "11", "twelve": "12", "thirteen": "13", "fourteen": "14",
	"fifteen": "15", "sixteen": "16", "seventeen": "17", "eighteen": "18", "nineteen": "19",
	"twenty": "20", "thirty": "30", "forty": "40", "fifty": "50", "sixty": "60", "seventy": "70",
	"eighty": "80", "ninety": "90", "hundred": "100", "dozen": "12",
	"first": "1", "second": "2", "third": "3", "fourth": "4", "fifth": "5", "sixth": "6",
	"seventh": "7", "eighth": "8", "ninth": "9", "tenth": "10",
}

// numberOf normalises a number token: "19,043" and "19043" are one
// number, "19th" is 19, "1990s" is 1990, "three" is 3.
func numberOf(w string) (string, bool) {
	if w == "" {
		return "", false
	}
	if !isDigitByte(w[0]) {
		if len(w) < 3 || len(w) > 9 || strings.IndexByte("tfsenhdTFSENHD", w[0]) < 0 {
			return "", false
		}
		n, ok := numberWords[w]
		if !ok && w[0] >= 'A' && w[0] <= 'Z' {
			n, ok = numberWords[strings.ToLower(w)]
		}
		return n, ok
	}
	w = strings.ReplaceAll(w, ",", "")
	end := 0
	for end < len(w) && (isDigitByte(w[end]) || w[end] == '.') {
		end++
	}
	num, suffix := strings.TrimRight(w[:end], "."), strings.ToLower(w[end:])
	switch suffix {
	case "", "st", "nd", "rd", "th", "s", "m", "bn", "k", "pc":
	default:
		if strings.IndexFunc(suffix, unicode.IsDigit) >= 0 {
			return "", false
		}
	}
	if strings.Contains(num, ".") {
		num = strings.TrimRight(strings.TrimRight(num, "0"), ".")
	}
	return num, true
}

// monthAbbr maps the abbreviations of months and days, as newswire
// writes them, to their names.
var monthAbbr = map[string]string{
	"jan": "january", "feb": "february", "mar": "march", "apr": "april", "jun": "june", "jul": "july",
	"aug": "august", "sep": "september", "sept": "september", "oct": "october", "nov": "november",
	"dec": "december", "mon": "monday", "tue": "tuesday", "tues": "tuesday", "wed": "wednesday",
	"thu": "thursday", "thur": "thursday", "thurs": "thursday", "fri": "friday", "sat": "saturday", "sun": "sunday",
}

// nameNorm is the form in which names and words are compared: lower case,
// no dots, no possessive, months and days in full.
func nameNorm(w string) string {
	simple := true
	for i := 0; i < len(w) && simple; i++ {
		c := w[i]
		simple = c >= 'a' && c <= 'z' || c >= '0' && c <= '9'
	}
	if simple {
		return w // most words: nothing to do
	}
	var b strings.Builder
	b.Grow(len(w))
	for _, r := range w {
		switch {
		case r == '.':
		case r == '’':
			b.WriteByte('\'')
		case r >= 'A' && r <= 'Z':
			b.WriteByte(byte(r) + 'a' - 'A')
		case r < utf8.RuneSelf:
			b.WriteByte(byte(r))
		default:
			b.WriteRune(unicode.ToLower(r))
		}
	}
	w = b.String()
	if n, ok := strings.CutSuffix(w, "'s"); ok {
		w = n
	} else {
		w = strings.TrimSuffix(w, "'")
	}
	if full, ok := monthAbbr[w]; ok {
		return full
	}
	return w
}

// irregular maps irregular verb forms to the stem of their base form.
var irregular = map[string]string{
	"said": "say", "says": "say", "told": "tell", "thought": "think", "met": "meet", "made": "make",
	"gave": "give", "given": "give", "took": "take", "taken": "take", "won": "win", "went": "go",
	"gone": "go", "held": "hold", "spoke": "speak", "spoken": "speak", "wrote": "writ", "written": "writ",
	"broke": "break", "broken": "break", "knew": "know", "known": "know", "sought": "seek",
	"brought": "bring", "began": "begin", "begun": "begin", "came": "come", "saw": "see", "seen": "see",
	"felt": "feel", "left": "leav", "led": "lead", "kept": "keep", "meant": "mean", "paid": "pay",
	"ran": "run", "sent": "send", "stood": "stand", "struck": "strik", "rose": "rise", "risen": "rise",
	"fell": "fall", "fallen": "fall", "grew": "grow", "grown": "grow", "lost": "lose", "found": "find",
	"chose": "choos", "chosen": "choos", "became": "becom", "fought": "fight", "sold": "sell",
	"bought": "buy", "built": "build", "spent": "spend", "understood": "understand", "withdrew": "withdraw",
	"withdrawn": "withdraw", "got": "get", "gotten": "get", "did": "do", "done": "do", "does": "do",
	"has": "have", "had": "have", "hit": "hit", "cut": "cut", "put": "put", "set": "set",
	"pct": "percent", "cent": "percent", "dlrs": "dollar", "dlr": "dollar", "mln": "million",
	"bln": "billion", "bn": "billion", "pc": "percent",
	"news": "news", "series": "series", "species": "species", "means": "means",
	"men": "man", "women": "woman", "children": "child", "people": "person",
}

// stem reduces a lower-case word to a crude stem, so that "talks",
// "talked" and "talk", or "supporting" and "support", compare equal. Both
// sides of every comparison go through it, so it need only be consistent.
func stem(w string) string {
	if s, ok := irregular[w]; ok {
		return s
	}
	if strings.ContainsAny(w, "0123456789") || len(w) <= 3 {
		return w
	}
	if strings.HasSuffix(w, "ly") && len(w) > 4 && !strings.HasSuffix(w, "ply") {
		w = w[:len(w)-2] // "newly", "specifically"
	}
	switch {
	case strings.HasSuffix(w, "ies") && len(w) > 4:
		w = w[:len(w)-3] + "y"
	case strings.HasSuffix(w, "sses"):
		w = w[:len(w)-2]
	case strings.HasSuffix(w, "ing") && len(w) > 5:
		w = undouble(w[:len(w)-3])
	case strings.HasSuffix(w, "ed") && len(w) > 4:
		w = undouble(w[:len(w)-2])
	case strings.HasSuffix(w, "es") && len(w) > 4 && strings.ContainsAny(w[len(w)-3:len(w)-2], "sxzh"):
		w = w[:len(w)-2]
	case strings.HasSuffix(w, "s") && !strings.HasSuffix(w, "ss") && !strings.HasSuffix(w, "us") && !strings.HasSuffix(w, "is"):
		w = w[:len(w)-1]
	}
	if strings.HasSuffix(w, "e") && len(w) > 4 {
		w = w[:len(w)-1]
	}
	if strings.HasSuffix(w, "y") && len(w) > 4 {
		w = w[:len(w)-1] + "i"
	}
	return w
}

func undouble(w string) string {
	n := len(w)
	if n >= 3 && w[n-1] == w[n-2] && !strings.ContainsRune("aeiouls", rune(w[n-1])) {
		return w[:n-1]
	}
	return w
}

// stopWords are not content: function words, and the words of attribution
// and of talk about the evidence, which the model is asked to write and
// which no evidence sentence need hold.
var stopWords = set(`a an the and or but nor so yet if then than that this these those there here
of in on at by for with from to into onto over under about against between through during before after
since until upon within without among amid via per as like unlike
is are was were be been being am do does did doing have has had having will would shall should can could
may might must ought not no nor only also too very just even still already again further however
meanwhile instead moreover furthermore although though while whereas because whether either neither both
each every all any some such same other another more most less least much many few several own
he she it they them him her his hers its their theirs we us our you your i me my mine who whom whose
which what when where why how whoever whatever
say said says saying tell told tells telling report reported reports reporting according add added adds
adding note noted notes state stated states stating mention mentioned mentions mentioning describe
described describes cite cited cites quote quoted quotes
evidence coverage article articles source sources sentence sentences outlet outlets text passage
provided given based unknown one ones
mr mrs ms dr percent dollar`)

// titles are capitalised words that are not names on their own: a claim
// may call a person "President Medvedev" where the sentence has
// "Medvedev". They count as content words.
var titles = set(`president minister foreign prime secretary senator governor chancellor general chief
deputy vice ambassador spokesman spokeswoman spokesperson official officials king queen prince pope
mayor state department ministry government sir lord lady judge justice`)

// starters are capitalised words that open sentences without being names.
var starters = set(`a an the he she it they we i you his her its their our my your this that these those
there here in on at by for with from to of as after before during since while when where why how what
who which whose according but and or so yet also however meanwhile moreover still both neither either
each every all some many most several no yes not one two three overall instead despite although though
if then thus hence indeed later earlier finally first second third last next`)

func set(words string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(words) {
		m[w] = true
	}
	return m
}

// factsOf reads the facts of a clause. lowerIn tells words that the
// evidence has in lower case, so that "Sanctions" opening a sentence is a
// word, and "Lavrov" a name.
func factsOf(text string, lowerIn func(string) bool) facts {
	var f facts
	outside, quotes := splitQuotes(text)
	f.quotes = quotes
	f.negated = negatedWords(outside)
	for _, q := range quotes {
		for _, t := range tokens(q) {
			if n := nameNorm(t.text); !stopWords[n] && t.number == "" && !t.cjk && len(n) > 1 {
				f.quoted = append(f.quoted, stem(n))
			}
		}
	}
	for _, t := range tokens(outside) {
		switch {
		case t.cjk:
			f.cjk = append(f.cjk, bigrams(t.text)...)
			continue
		case t.number != "":
			f.numbers = append(f.numbers, t.number)
			continue
		}
		n := nameNorm(t.text)
		if isUpperStart(t.text) && !titles[n] && !(t.initial && (starters[n] || stopWords[n] || lowerIn(n))) {
			if n == "i" {
				continue
			}
			f.names = append(f.names, n)
			continue
		}
		st := stem(n)
		if stopWords[n] || stopWords[st] || len(n) <= 1 {
			continue
		}
		f.content = append(f.content, st)
	}
	return f
}

// negators are the words that negate what follows them.
var negators = set(`not no never nothing none neither nor without cannot`)

// negatedWords returns the stems of the content words that a negation
// governs: the next one after it ("did not ask", "had not sought").
func negatedWords(text string) map[string]bool { return negatedOf(tokens(text)) }

func negatedOf(ts []token) map[string]bool {
	var out map[string]bool
	for i, t := range ts {
		if len(t.text) > 8 || t.number != "" || t.cjk {
			continue // no negator is longer
		}
		n := nameNorm(t.text)
		if !negators[n] && !strings.HasSuffix(n, "n't") {
			continue
		}
		for k, seen := i+1, 0; k < len(ts) && seen < 1; k++ {
			w := nameNorm(ts[k].text)
			if stopWords[w] {
				continue
			}
			if out == nil {
				out = map[string]bool{}
			}
			out[stem(w)] = true
			seen++
		}
	}
	return out
}

// quoteMarks are the characters that open or close a quotation.
const quoteMarks = "\"“”„«»「」『』‘’'"

// splitQuotes returns text with its quoted spans cut out, and the spans,
// normalised for comparison and split at ellipses into the parts that
// must each be verbatim. Apostrophes inside words are not quotation
// marks.
func splitQuotes(text string) (string, []string) {
	if !strings.ContainsAny(text, quoteMarks) {
		return text, nil
	}
	var outside strings.Builder
	var spans []string
	pairs := map[rune]rune{'“': '”', '„': '“', '«': '»', '「': '」', '『': '』', '"': '"', '‘': '’', '\'': '\''}
	rs := []rune(text)
	for i := 0; i < len(rs); i++ {
		r := rs[i]
		closeR, ok := pairs[r]
		if ok && (r == '‘' || r == '\'') {
			// A single quote opens only at the start of a word.
			ok = (i == 0 || !unicode.IsLetter(rs[i-1]) && !unicode.IsDigit(rs[i-1])) && i+1 < len(rs) && unicode.IsLetter(rs[i+1])
		}
		if !ok {
			outside.WriteRune(r)
			continue
		}
		j := i + 1
		for ; j < len(rs); j++ {
			if rs[j] == closeR || (r == '„' && rs[j] == '”') || (r == '“' && rs[j] == '"') || (r == '"' && rs[j] == '”') {
				if closeR == '’' || closeR == '\'' {
					// An apostrophe inside a word does not close.
					if j+1 < len(rs) && unicode.IsLetter(rs[j+1]) {
						continue
					}
				}
				break
			}
		}
		if j >= len(rs) {
			// Unclosed: the rest is not a quotation we can check as one.
			outside.WriteRune(' ')
			continue
		}
		inner := string(rs[i+1 : j])
		for _, part := range ellipsisRE.Split(inner, -1) {
			if p := quoteNorm(part); strings.IndexFunc(p, unicode.IsLetter) >= 0 || strings.IndexFunc(p, unicode.IsDigit) >= 0 {
				spans = append(spans, p)
			}
		}
		outside.WriteString(" ")
		i = j
	}
	return outside.String(), spans
}

// quoteNorm is the form in which quotations are compared: no quotation
// marks, one space for any run of white space, one kind of dash and
// apostrophe, no punctuation at either end.
func quoteNorm(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range s {
		switch r {
		case '"', '“', '”', '„', '«', '»', '「', '」', '『', '』', '‘', '’', '\'':
			continue
		case ' ', '\t', '\n', '\r', '\u00a0':
			space = true
			continue
		case '–', '—', '‑', '‐':
			r = '-'
		default:
			if r >= utf8.RuneSelf && unicode.IsSpace(r) {
				space = true
				continue
			}
		}
		if space && b.Len() > 0 {
			b.WriteByte(' ')
		}
		space = false
		b.WriteRune(r)
	}
	return strings.TrimFunc(b.String(), func(r rune) bool {
		return unicode.IsPunct(r) && r != ')' && r != '(' || unicode.IsSpace(r)
	})
}

// subjectNames returns the names that open a context sentence: the person
// a following "he said" refers to ("But Foreign Minister Sergei Lavrov
// restated ..." gives sergei, lavrov). Titles are skipped; later names in
// the sentence are not its subject.
func subjectNames(before string) []string {
	if before == "" {
		return nil
	}
	var out []string
	for _, t := range tokens(before) {
		n := nameNorm(t.text)
		if t.cjk || t.number != "" {
			break
		}
		if !isUpperStart(t.text) {
			if len(out) > 0 || !starters[n] && !stopWords[n] {
				break
			}
			continue
		}
		if titles[n] || starters[n] || n == "us" {
			if len(out) > 0 {
				break
			}
			continue
		}
		out = append(out, n)
	}
	return out
}
