// Package dateline recognises the opening of a news story that says where,
// and often for which outlet, it was filed ("MOSCOW, (Reuters) – "). The
// loaders (corpus/load) use it to find where an article's text proper
// begins, and its place and outlet when the source does not give them.
package dateline

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Dateline is the opening of a news story that says where, and often for
// which outlet, it was filed: "MOSCOW, (Reuters) – ", "New York CNN —".
type Dateline struct {
	// Place is where the story was filed, as written ("MOSCOW",
	// "New York", "VIERA, Fla."); "" when the dateline names only an
	// outlet ("(CNN) ").
	Place string
	// Outlet is the outlet the dateline names ("Reuters", "CNN Business"),
	// "" when it names none ("WASHINGTON – ").
	Outlet string
	// End is the byte offset in the text where the text after the
	// dateline starts (after the dash and the spaces or blank lines that
	// follow it).
	End int
}

// Parse recognises a dateline at the start of text (after any
// leading white space). The forms are:
//
//	MOSCOW, (Reuters) – text           place, parenthesised outlet, dash
//	MOSCOW (Reuters) - text
//	MOSCOW, Oct 13 (Reuters) - text    with a date
//	Washington (CNN) text              a known outlet needs no dash
//	(CNN) text                         outlet only
//	New York CNN —\n\ntext             CNN style: a known outlet, unbracketed
//	CNN —\n\ntext
//	MOSCOW, Oct 13 - text              no outlet
//	VIERA, Fla. – text                 upper-case place, no outlet
//	NEW YORK _ text                    TREC / New York Times style
//
// Dashes may be -, ‒, –, —, ― or a run of them ("--"); the spaces around
// them may be no-break spaces. It is deliberately conservative, since a
// false dateline would hide the start of an ordinary sentence:
//
//   - a place is one to five capitalised words (lower-case connectors such
//     as "de" or "of" allowed between them), optionally followed by up to
//     two comma-separated region parts ("Colombo, Sri Lanka");
//   - a place in title case ("New York") counts only when an outlet, or a
//     date and a dash, follow it; a place in upper case ("NEW YORK") may
//     stand alone before a dash or " _ ", unless it is a label such as
//     "BREAKING" or a bare initialism such as "U.S.";
//   - a parenthesised outlet is a known news outlet or agency, or any one
//     to three capitalised words; an unknown one needs a dash after it
//     (so "European Community (EC) agriculture ..." is no dateline);
//   - an unbracketed outlet must be a known one and needs a dash after it;
//   - the text after the dateline must not begin with a lower-case letter
//     or with punctuation that continues a sentence.
func Parse(text string) (d Dateline, ok bool) {
	start := skipSpace(text, 0, true)
	if d, ok := outletOnlyDateline(text, start); ok {
		return d, true
	}
	p, ok := scanPlace(text, start)
	if !ok {
		return Dateline{}, false
	}
	j := p.next // where the separator is looked for
	var outlet string
	paren := false
	switch k := skipSpace(text, j, false); {
	case strings.HasPrefix(text[k:], "(") || strings.HasPrefix(text[k:], "-LRB- "):
		name, end, ok := scanParenOutlet(text, k)
		if !ok {
			return Dateline{}, false
		}
		outlet, paren, j = name, true, end
	case !p.date:
		// "New York CNN —": the outlet was read as the last words of the
		// place; split it off when a dash follows.
		last := p.segs[len(p.segs)-1]
		for k := 2; k >= 1; k-- {
			if len(last) <= k {
				continue
			}
			name := text[last[len(last)-k].start:last[len(last)-1].end]
			if !isBareOutlet(name) {
				continue
			}
			if _, ok := scanSeparator(text, last[len(last)-1].end, false); !ok {
				continue
			}
			outlet = name
			j = last[len(last)-1].end
			p.end = last[len(last)-k-1].end
			break
		}
	}
	place := text[start:p.end]

	end, sep := scanSeparator(text, j, true)
	switch {
	case sep:
	case paren && isKnownOutlet(outlet) && j < len(text) && isInlineSpace(firstRune(text[j:])):
		// "Washington (CNN) The ...": a known outlet in brackets ends the
		// dateline by itself.
		end = skipSpace(text, j, false)
	default:
		return Dateline{}, false
	}
	if outlet == "" {
		if p.upper {
			if !p.date && isLabel(text[start:p.segs[0][len(p.segs[0])-1].end]) {
				return Dateline{}, false
			}
		} else if !p.date {
			return Dateline{}, false
		}
	}
	if !startsText(text[end:]) {
		return Dateline{}, false
	}
	return Dateline{Place: place, Outlet: outlet, End: end}, true
}

// outletOnlyDateline reads a dateline that names an outlet and no place:
// "(CNN) text", "(Reuters) - text", "CNN —\n\ntext".
func outletOnlyDateline(text string, i int) (Dateline, bool) {
	if i >= len(text) {
		return Dateline{}, false
	}
	var outlet string
	j := i
	if text[i] == '(' || strings.HasPrefix(text[i:], "-LRB- ") {
		name, end, ok := scanParenOutlet(text, i)
		if !ok {
			return Dateline{}, false
		}
		outlet, j = name, end
	} else {
		// One or two words that make a known outlet, then a dash.
		words, _ := scanWords(text, i, 2)
		for k := len(words); k >= 1; k-- {
			name := text[i:words[k-1].end]
			if isBareOutlet(name) {
				outlet, j = name, words[k-1].end
				break
			}
		}
		if outlet == "" {
			return Dateline{}, false
		}
		if _, ok := scanSeparator(text, j, false); !ok {
			return Dateline{}, false
		}
	}
	end, sep := scanSeparator(text, j, true)
	if !sep {
		if !isKnownOutlet(outlet) || j >= len(text) || !isInlineSpace(firstRune(text[j:])) {
			return Dateline{}, false
		}
		end = skipSpace(text, j, false)
	}
	if !startsText(text[end:]) {
		return Dateline{}, false
	}
	return Dateline{Outlet: outlet, End: end}, true
}

// placeScan is a place read at the start of a dateline.
type placeScan struct {
	segs  [][]word // the comma-separated parts: "VIERA", "Fla."
	end   int      // end of the place's last word
	next  int      // after the place and any date that follows it
	upper bool     // the first part is in upper case ("NEW YORK")
	date  bool     // a date follows ("MOSCOW, Oct 13")
}

// word is one capitalised word (or lower-case connector) of a place.
type word struct {
	start, end int
	upper      bool // every letter is upper case
	conn       bool // a lower-case connector ("de", "of")
}

// scanPlace reads a place at text[i:]: up to three comma-separated parts
// of capitalised words, the first possibly followed by a date.
func scanPlace(text string, i int) (placeScan, bool) {
	words, end := scanWords(text, i, 5)
	if len(words) == 0 {
		return placeScan{}, false
	}
	p := placeScan{segs: [][]word{words}, end: end, next: end, upper: true}
	for _, w := range words {
		if !w.upper {
			p.upper = false
		}
	}
	for len(p.segs) < 3 {
		k := skipSpace(text, p.next, false)
		comma := k < len(text) && text[k] == ','
		if comma {
			k = skipSpace(text, k+1, false)
		}
		if k == p.next || k >= len(text) {
			break // a date, an outlet or a region needs a space or a comma before it
		}
		if e, ok := scanDate(text, k); ok {
			p.date, p.next = true, e
			break
		}
		if text[k] == '(' || strings.HasPrefix(text[k:], "-LRB- ") {
			p.next = k
			break
		}
		if !comma {
			break // a region follows a comma
		}
		more, e := scanWords(text, k, 3)
		if len(more) == 0 {
			break
		}
		p.segs = append(p.segs, more)
		p.end, p.next = e, e
	}
	if len(text[i:p.end]) > 80 {
		return placeScan{}, false
	}
	// A first part that is one short dotted initialism ("U.S.", "U.N.")
	// is no place.
	if first := p.segs[0]; len(first) == 1 && strings.Contains(text[first[0].start:first[0].end], ".") && letterCount(text[first[0].start:first[0].end]) <= 4 {
		return placeScan{}, false
	}
	if p.upper && letterCount(text[p.segs[0][0].start:p.segs[0][0].end]) < 2 {
		return placeScan{}, false
	}
	// "Thursday, Oct 13 - " is a date, not a place.
	if first := p.segs[0]; len(first) == 1 && weekdays[strings.ToLower(strings.TrimSuffix(text[first[0].start:first[0].end], "."))] {
		return placeScan{}, false
	}
	return p, true
}

// scanWords reads up to max words of a place, separated by single inline
// spaces, from text[i:]. It stops before a month name followed by a day
// ("JOHANNESBURG March 13"). It returns the words and the end of the last.
func scanWords(text string, i, max int) ([]word, int) {
	var words []word
	j := i
	for len(words) < 2*max && j < len(text) {
		w, ok := scanWord(text, j)
		if !ok {
			break
		}
		if !w.conn {
			if _, isDate := scanDate(text, j); isDate {
				break
			}
		}
		words = append(words, w)
		j = w.end
		// One inline space before the next word.
		r, size := utf8.DecodeRuneInString(text[j:])
		if !isInlineSpace(r) {
			break
		}
		j += size
	}
	// Drop trailing connectors: "New York of" is not a place.
	for len(words) > 0 && words[len(words)-1].conn {
		words = words[:len(words)-1]
	}
	if len(words) == 0 || words[0].conn {
		return nil, i
	}
	n := 0
	for _, w := range words {
		if !w.conn {
			n++
		}
	}
	if n > max {
		return nil, i
	}
	return words, words[len(words)-1].end
}

// placeConnectors are the lower-case words allowed inside a place name.
var placeConnectors = map[string]bool{
	"de": true, "del": true, "della": true, "da": true, "do": true, "dos": true, "das": true,
	"di": true, "du": true, "des": true, "la": true, "le": true, "les": true, "el": true,
	"al": true, "of": true, "on": true, "upon": true, "am": true, "an": true, "der": true,
	"den": true, "y": true, "sur": true, "en": true, "im": true, "bei": true,
}

// scanWord reads one word of a place at text[i:]: a capitalised word of
// letters with inner or final periods, hyphens, apostrophes and slashes
// ("ST.", "Winston-Salem", "Hong Kong/Beijing"), or a lower-case connector.
func scanWord(text string, i int) (word, bool) {
	r, size := utf8.DecodeRuneInString(text[i:])
	if unicode.IsLower(r) {
		j := i
		for j < len(text) {
			r, size := utf8.DecodeRuneInString(text[j:])
			if !unicode.IsLetter(r) {
				break
			}
			j += size
		}
		if placeConnectors[text[i:j]] && j < len(text) && isInlineSpace(firstRune(text[j:])) {
			return word{start: i, end: j, conn: true}, true
		}
		return word{}, false
	}
	if !unicode.IsUpper(r) {
		return word{}, false
	}
	w := word{start: i, upper: true}
	j := i + size
	for j < len(text) {
		r, size := utf8.DecodeRuneInString(text[j:])
		switch {
		case unicode.IsLetter(r):
			if unicode.IsLower(r) {
				w.upper = false
			}
		case r == '.':
		case r == '-' || r == '\'' || r == '’' || r == '/':
			// Only inside a word: a letter must follow.
			next, _ := utf8.DecodeRuneInString(text[j+size:])
			if !unicode.IsLetter(next) {
				w.end = j
				return w, true
			}
		default:
			w.end = j
			return w, true
		}
		j += size
	}
	w.end = j
	return w, true
}

// scanParenOutlet reads "(Outlet)" at text[i:], which starts with '('. The
// name is a known outlet, or one to three words that each begin with an
// upper-case letter or a digit.
func scanParenOutlet(text string, i int) (name string, end int, ok bool) {
	if strings.HasPrefix(text[i:], "-LRB- ") {
		// Penn Treebank brackets, as in the TREC newswire text:
		// "NANJING, January 5 -LRB- Xinhua -RRB- -- ".
		close := strings.Index(text[i:], " -RRB-")
		if close < 7 || close > 46 {
			return "", 0, false
		}
		name, end = text[i+6:i+close], i+close+6
	} else {
		close := strings.IndexByte(text[i:], ')')
		if close < 2 || close > 41 {
			return "", 0, false
		}
		name, end = text[i+1:i+close], i+close+1
	}
	if isKnownOutlet(name) {
		return name, end, true
	}
	words := strings.Split(name, " ")
	if len(words) > 3 {
		return "", 0, false
	}
	for _, w := range words {
		if w == "" {
			return "", 0, false
		}
		r, _ := utf8.DecodeRuneInString(w)
		if !unicode.IsUpper(r) && !unicode.IsDigit(r) {
			return "", 0, false
		}
		for _, r := range w {
			if !unicode.IsLetter(r) && !unicode.IsDigit(r) && !strings.ContainsRune(".&-'’", r) {
				return "", 0, false
			}
		}
	}
	return name, end, true
}

// knownOutlets are news outlets and agencies that commonly sign datelines.
var knownOutlets = map[string]bool{
	"Reuters": true, "Reuter": true, "AP": true, "Associated Press": true, "AFP": true,
	"Agence France-Presse": true, "CNN": true, "Bloomberg": true, "Xinhua": true, "UPI": true,
	"dpa": true, "DPA": true, "Kyodo": true, "Yonhap": true, "TASS": true, "ITAR-TASS": true,
	"Interfax": true, "RIA Novosti": true, "ANSA": true, "EFE": true, "PTI": true, "IANS": true,
	"ANI": true, "BBC": true, "AAP": true, "Bernama": true, "Antara": true, "Anadolu": true,
	"IRNA": true, "KCNA": true, "MENA": true, "CNBC": true, "NPR": true, "Sputnik": true,
	"Jiji": true, "PAP": true, "Belga": true, "Lusa": true, "Canadian Press": true, "CP": true,
	"Press Association": true, "PA": true, "NYT": true, "Dow Jones": true, "MarketWatch": true,
	"Al Jazeera": true, "Deutsche Welle": true, "VOA": true, "RFE/RL": true, "KUNA": true,
	"Prensa Latina": true, "Notimex": true, "Ukrinform": true, "UNIAN": true, "Knight Ridder": true,
}

// isKnownOutlet reports whether name is a known outlet, possibly with a
// desk after it ("CNN Business", "Reuters Health", "CNNMoney").
func isKnownOutlet(name string) bool {
	if knownOutlets[name] {
		return true
	}
	first, rest, found := strings.Cut(name, " ")
	if found && knownOutlets[first] && !strings.Contains(rest, " ") && isCapitalised(rest) {
		return true
	}
	// "CNNBusiness", "CNNMoney": an outlet run together with a desk.
	for _, o := range deskOutlets {
		if len(name) > len(o) && strings.HasPrefix(name, o) && !strings.Contains(name, " ") {
			desk := name[len(o):]
			if unicode.IsUpper(firstRune(desk)) && strings.IndexFunc(desk, unicode.IsLower) > 0 {
				return true
			}
		}
	}
	return false
}

// deskOutlets are the known outlets whose desks are run together with
// their name ("CNNBusiness").
var deskOutlets = []string{"CNN", "CNBC", "BBC", "Reuters", "Bloomberg"}

// isBareOutlet reports whether name, written without brackets, is a known
// outlet. Only names in the list (and their desks) count.
func isBareOutlet(name string) bool {
	return isKnownOutlet(name) && isCapitalised(name)
}

// datelineLabels are upper-case words that open a story before a dash but
// name no place.
var datelineLabels = map[string]bool{
	"BREAKING": true, "BREAKING NEWS": true, "UPDATE": true, "UPDATED": true, "EXCLUSIVE": true,
	"OPINION": true, "ANALYSIS": true, "EDITORIAL": true, "COMMENTARY": true, "CORRECTION": true,
	"CLARIFICATION": true, "WATCH": true, "LIVE": true, "VIDEO": true, "PHOTO": true, "PHOTOS": true,
	"FILE": true, "NOTE": true, "EDITOR'S NOTE": true, "EDITOR’S NOTE": true, "ADVISORY": true,
	"URGENT": true, "FLASH": true, "BULLETIN": true, "REVIEW": true, "INTERVIEW": true,
	"OBITUARY": true, "SPONSORED": true, "ADVERTISEMENT": true, "ALERT": true, "WARNING": true,
	"SPOILER": true, "SPOILERS": true, "FACT CHECK": true, "NEW": true, "READ": true, "PLUS": true,
	"UPDATE 1": true, "LISTEN": true, "PODCAST": true,
}

// isLabel reports whether an upper-case first part names no place.
func isLabel(s string) bool {
	return datelineLabels[s]
}

var weekdays = map[string]bool{
	"monday": true, "tuesday": true, "wednesday": true, "thursday": true, "friday": true,
	"saturday": true, "sunday": true, "mon": true, "tue": true, "tues": true, "wed": true,
	"thu": true, "thur": true, "thurs": true, "fri": true, "sat": true, "sun": true,
}

var monthNames = map[string]bool{
	"jan": true, "feb": true, "mar": true, "apr": true, "may": true, "jun": true, "jul": true,
	"aug": true, "sep": true, "sept": true, "oct": true, "nov": true, "dec": true,
	"january": true, "february": true, "march": true, "april": true, "june": true, "july": true,
	"august": true, "september": true, "october": true, "november": true, "december": true,
}

// scanDate reads a dateline date at text[i:]: "Oct 13", "Oct. 13",
// "October 13", "13 Oct", optionally followed by ", 2009". It returns the
// end of the date.
func scanDate(text string, i int) (int, bool) {
	readLetters := func(j int) int {
		for j < len(text) && ('a' <= text[j]|0x20 && text[j]|0x20 <= 'z') {
			j++
		}
		return j
	}
	readDigits := func(j, max int) int {
		k := j
		for k < len(text) && k-j < max+1 && '0' <= text[k] && text[k] <= '9' {
			k++
		}
		return k
	}
	boundary := func(j int) bool {
		if j >= len(text) {
			return true
		}
		r, _ := utf8.DecodeRuneInString(text[j:])
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	}
	var end int
	if e := readLetters(i); e > i && monthNames[strings.ToLower(text[i:e])] {
		j := e
		if j < len(text) && text[j] == '.' {
			j++
		}
		if j >= len(text) || text[j] != ' ' {
			return 0, false
		}
		d := readDigits(j+1, 2)
		if d == j+1 || d-(j+1) > 2 || !boundary(d) {
			return 0, false
		}
		end = d
	} else if d := readDigits(i, 2); d > i && d-i <= 2 && d < len(text) && text[d] == ' ' {
		e := readLetters(d + 1)
		if e == d+1 || !monthNames[strings.ToLower(text[d+1:e])] {
			return 0, false
		}
		if e < len(text) && text[e] == '.' {
			e++
		}
		if !boundary(e) {
			return 0, false
		}
		end = e
	} else {
		return 0, false
	}
	// An optional year: ", 2009".
	if strings.HasPrefix(text[end:], ", ") {
		y := readDigits(end+2, 4)
		if y-(end+2) == 4 && boundary(y) {
			end = y
		}
	}
	return end, true
}

// scanSeparator reads the separator that ends a dateline at text[i:]: a run
// of dashes, or an underscore between spaces, with inline spaces around.
// With all, it also skips the white space (blank lines included) after
// it, and returns where the text starts.
func scanSeparator(text string, i int, all bool) (int, bool) {
	j := skipSpace(text, i, false)
	spaced := j > i
	k := j
	for k < len(text) {
		r, size := utf8.DecodeRuneInString(text[k:])
		if !isDash(r) {
			break
		}
		k += size
	}
	switch {
	case k > j:
		// A dash, with or without spaces: "MOSCOW – ", "WASHINGTON—Days".
		// A lone hyphen needs spaces ("COVID-19" is no dateline), and an
		// unspaced dash a capital after it.
		after := firstRune(text[k:])
		if text[j:k] == "-" && (!spaced || !isInlineSpace(after)) {
			return 0, false
		}
		if !spaced && !unicode.IsUpper(after) {
			return 0, false
		}
	case spaced && k < len(text) && text[k] == '_' && k+1 < len(text) && isInlineSpace(firstRune(text[k+1:])):
		k++
	default:
		return 0, false
	}
	if !all {
		return k, true
	}
	return skipSpace(text, k, true), true
}

func isDash(r rune) bool {
	switch r {
	case '-', '‒', '–', '—', '―':
		return true
	}
	return false
}

// isInlineSpace reports whether r separates words on one line: a space, a
// tab, or a no-break or thin space.
func isInlineSpace(r rune) bool {
	switch r {
	case ' ', '\t', '\u00a0', '\u2007', '\u2009', '\u202f':
		return true
	}
	return false
}

// skipSpace returns the index after the inline spaces at text[i:], and,
// with lines, after line breaks as well.
func skipSpace(text string, i int, lines bool) int {
	for i < len(text) {
		r, size := utf8.DecodeRuneInString(text[i:])
		if !isInlineSpace(r) && !(lines && (r == '\n' || r == '\r')) {
			break
		}
		i += size
	}
	return i
}

// startsText reports whether s can be the text after a dateline: it is not
// empty and does not begin with a lower-case letter or with punctuation
// that continues a sentence.
func startsText(s string) bool {
	if s == "" {
		return false
	}
	r := firstRune(s)
	if unicode.IsLower(r) || unicode.IsSpace(r) {
		return false
	}
	return !isDash(r) && !strings.ContainsRune(",.;:)]}!?_", r)
}

func firstRune(s string) rune {
	r, _ := utf8.DecodeRuneInString(s)
	return r
}

// isCapitalised reports whether every word of s begins with an upper-case
// letter.
func isCapitalised(s string) bool {
	for _, w := range strings.Fields(s) {
		if !unicode.IsUpper(firstRune(w)) {
			return false
		}
	}
	return s != ""
}

func letterCount(s string) int {
	n := 0
	for _, r := range s {
		if unicode.IsLetter(r) {
			n++
		}
	}
	return n
}

// PlaceFromField reads the place from a separate dateline field,
// such as Reuters-21578's "SALVADOR, Feb 26". Only a place followed by a
// date counts, so that the field's stray values ("WHEAT", "us 7.8015")
// give no place.
func PlaceFromField(s string) string {
	s = strings.TrimSpace(s)
	p, ok := scanPlace(s, 0)
	if !ok || !p.date {
		return ""
	}
	return s[:p.end]
}

// agencies are the news agencies, the wire services whose stories other
// outlets run, by a key of their name (see agencyKey), with the name to
// show and the host names of their own sites (without "www.").
var agencies = map[string]struct {
	name  string
	hosts []string
}{
	"reuters": {"Reuters", []string{"reuters.com"}}, "reuter": {"Reuters", []string{"reuters.com"}},
	"ap": {"AP", []string{"apnews.com", "ap.org"}}, "associatedpress": {"AP", []string{"apnews.com", "ap.org"}},
	"afp": {"AFP", []string{"afp.com"}}, "agencefrancepresse": {"AFP", []string{"afp.com"}},
	"bloomberg": {"Bloomberg", []string{"bloomberg.com"}}, "xinhua": {"Xinhua", []string{"xinhuanet.com", "news.cn"}},
	"upi": {"UPI", []string{"upi.com"}}, "dpa": {"dpa", []string{"dpa.com"}}, "kyodo": {"Kyodo", []string{"kyodonews.net"}},
	"yonhap": {"Yonhap", []string{"yna.co.kr"}}, "tass": {"TASS", []string{"tass.com", "tass.ru"}},
	"itartass": {"TASS", []string{"tass.com", "tass.ru"}}, "interfax": {"Interfax", []string{"interfax.com", "interfax.ru"}},
	"ansa": {"ANSA", []string{"ansa.it"}}, "efe": {"EFE", []string{"efe.com"}}, "pti": {"PTI", []string{"ptinews.com"}},
	"ians": {"IANS", []string{"ians.in"}}, "ani": {"ANI", []string{"aninews.in"}}, "aap": {"AAP", []string{"aap.com.au"}},
	"bernama": {"Bernama", []string{"bernama.com"}}, "antara": {"Antara", []string{"antaranews.com"}},
	"anadolu": {"Anadolu", []string{"aa.com.tr"}}, "irna": {"IRNA", []string{"irna.ir"}}, "kcna": {"KCNA", []string{"kcna.kp"}},
	"jiji": {"Jiji", []string{"jiji.com"}}, "canadianpress": {"Canadian Press", []string{"thecanadianpress.com"}},
	"pressassociation": {"PA", []string{"pa.media"}}, "pamedia": {"PA", []string{"pa.media"}},
	"dowjones": {"Dow Jones", []string{"dowjones.com"}}, "kuna": {"KUNA", []string{"kuna.net.kw"}},
	"prensalatina": {"Prensa Latina", []string{"plenglish.com", "prensa-latina.cu"}}, "ukrinform": {"Ukrinform", []string{"ukrinform.net"}},
	"unian": {"UNIAN", []string{"unian.info"}}, "rianovosti": {"RIA Novosti", []string{"ria.ru"}},
}

// agencyKey is a name's letters, lower-cased: "Associated Press" and
// "ASSOCIATED PRESS" are "associatedpress".
func agencyKey(name string) string {
	var b strings.Builder
	for _, r := range name {
		if unicode.IsLetter(r) {
			b.WriteRune(unicode.ToLower(r))
		}
	}
	return b.String()
}

// Agency reports whether name (an outlet in a dateline, or a byline) is a
// news agency, a wire service whose stories other outlets run, and gives
// the name to show for it: "Reuters", "AP" for "Associated Press",
// "AFP" for "Agence France-Presse".
func Agency(name string) (string, bool) {
	a, ok := agencies[agencyKey(strings.TrimSpace(name))]
	return a.name, ok
}

// AgencySite reports whether host (a URL's host name) is the site of the
// agency named name, as Agency names it: "www.reuters.com" is Reuters'.
func AgencySite(name, host string) bool {
	host = strings.TrimPrefix(strings.ToLower(host), "www.")
	for _, a := range agencies {
		if a.name != name {
			continue
		}
		for _, h := range a.hosts {
			if host == h || strings.HasSuffix(host, "."+h) {
				return true
			}
		}
	}
	return false
}
