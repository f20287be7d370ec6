package newsbot

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"
)

// Figures: the numbers a sentence gives (a death toll, an amount, a date),
// read so that the outlets' figures for the same quantity can be compared.
//
// A figure is digits ("14", "1,200", "1.5"), number words ("twelve",
// "twenty-one"), either with a scale ("1.5 million", "two million"), a
// currency ("$1.5 million", "2 million euros") or a percent; or a date (a
// month with its day, "March 10", "10 March"). A qualifier before it ("at
// least", "more than", "about") is kept for display; figures are compared
// by value. Ages ("34-year-old", "aged 34"), clock times ("5:40 p.m."),
// years alone and the word "one" (a pronoun as often as a number) are not
// figures.
//
// Which figure of a sentence answers a question: the one of the kind the
// question asks for (an amount for "how much", "cost"; a date for "when",
// "what date"; else a count) whose neighbouring words (five each side)
// share most with the question, where words of one quantity family count
// as the same word ("died", "killed", "dead", "death toll" are all deaths;
// "injured", "wounded", "hurt"; "missing", "unaccounted"), and a word of
// another family counts against it: "3 people remain missing" does not
// answer "How many people died?".

// figureKind is what a figure measures.
type figureKind int

const (
	figureCount figureKind = iota
	figureMoney
	figurePercent
	figureDate
)

// figure is one figure of a sentence.
type figure struct {
	kind  figureKind
	value float64 // for a date, month*100+day
	qual  string  // "at least", "more than"...; "" for none
	text  string  // the figure as written, with its currency and scale
	at    int     // its word's place in the sentence's words
	score float64 // how well its neighbours match the question (see pick)
}

// display is the figure as the bot states it: its qualifier, then the
// figure as the sentence writes it ("at least 14", "twelve", "$1.5
// million"), so that what the bot says can be read in the quote.
func (f figure) display() string {
	s := f.text
	if r := []rune(s); f.kind == figureCount && len(r) > 0 && unicode.IsUpper(r[0]) {
		// "Twelve people died": the word as in the sentence, lower-cased.
		s = strings.ToLower(s[:1]) + s[1:]
	}
	if f.qual != "" {
		s = f.qual + " " + s
	}
	return s
}

// ftoken is one word of a sentence, as figures see it.
type ftoken struct {
	text, lower string
}

// figureTokens splits s into words and the symbols figures need ("$", "%").
func figureTokens(s string) []ftoken {
	var out []ftoken
	var cur strings.Builder
	flush := func() {
		if cur.Len() > 0 {
			w := strings.TrimRight(cur.String(), ".,")
			if w != "" {
				out = append(out, ftoken{w, strings.ToLower(w)})
			}
			cur.Reset()
		}
	}
	for _, r := range s {
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r) || r == '-' || r == '\'' || r == '’' || r == ':':
			cur.WriteRune(r)
		case (r == '.' || r == ',') && cur.Len() > 0:
			cur.WriteRune(r)
		case r == '$' || r == '€' || r == '£' || r == '%':
			flush()
			out = append(out, ftoken{string(r), string(r)})
		default:
			flush()
		}
	}
	flush()
	return out
}

var figureWords = map[string]float64{
	"two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
	"ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
	"sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30,
	"forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
	"hundred": 100, "dozen": 12,
}

var scales = map[string]float64{"hundred": 100, "thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12}

var months = map[string]int{
	"january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7,
	"august": 8, "september": 9, "october": 10, "november": 11, "december": 12,
	"jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "sept": 9, "oct": 10, "nov": 11, "dec": 12,
}

var qualifiers = [][]string{
	{"at", "least"}, {"more", "than"}, {"fewer", "than"}, {"less", "than"}, {"up", "to"},
	{"as", "many", "as"}, {"at", "most"}, {"about"}, {"around"}, {"nearly"}, {"almost"},
	{"over"}, {"some"}, {"roughly"}, {"approximately"}, {"an", "estimated"}, {"under"},
}

// number reads the number word or digits w; ok is false for none.
func number(w string) (float64, bool) {
	if w == "" {
		return 0, false
	}
	if w[0] >= '0' && w[0] <= '9' {
		if strings.ContainsAny(w, ":") || strings.Contains(w, "-") {
			return 0, false
		}
		v, err := strconv.ParseFloat(strings.ReplaceAll(w, ",", ""), 64)
		return v, err == nil
	}
	if v, ok := figureWords[w]; ok {
		return v, true
	}
	// "twenty-one"
	if a, b, ok := strings.Cut(w, "-"); ok {
		if x, ok1 := figureWords[a]; ok1 && x >= 20 && x < 100 {
			if y, ok2 := figureWords[b]; ok2 && y < 10 || b == "one" {
				if b == "one" {
					y = 1
				}
				return x + y, true
			}
		}
	}
	return 0, false
}

// figuresOf returns the figures of sentence s, in order.
func figuresOf(s string) []figure {
	ts := figureTokens(s)
	var out []figure
	for i := 0; i < len(ts); i++ {
		w := ts[i].lower
		// Dates: "March 10", "10 March".
		if m, ok := months[w]; ok && (ts[i].text[0] >= 'A' && ts[i].text[0] <= 'Z') && i+1 < len(ts) {
			if d, err := strconv.Atoi(ts[i+1].lower); err == nil && d >= 1 && d <= 31 {
				out = append(out, figure{kind: figureDate, value: float64(m*100 + d), text: ts[i].text + " " + ts[i+1].text, at: i})
				i++
				continue
			}
		}
		if d, err := strconv.Atoi(w); err == nil && d >= 1 && d <= 31 && i+1 < len(ts) {
			if m, ok := months[ts[i+1].lower]; ok && ts[i+1].text[0] >= 'A' && ts[i+1].text[0] <= 'Z' {
				out = append(out, figure{kind: figureDate, value: float64(m*100 + d), text: ts[i].text + " " + ts[i+1].text, at: i})
				i++
				continue
			}
		}
		money := false
		start := i
		if w == "$" || w == "€" || w == "£" {
			if i+1 >= len(ts) {
				continue
			}
			money = true
			i++
			w = ts[i].lower
		}
		v, ok := number(w)
		if !ok || w == "hundred" {
			i = start
			continue
		}
		j := i + 1
		// "twenty one", "1.5 million", "two hundred thousand"
		for j < len(ts) {
			if sc, ok := scales[ts[j].lower]; ok {
				v *= sc
				j++
				continue
			}
			break
		}
		if !money && isYear(ts[i].lower, v) {
			i = j - 1
			continue
		}
		if notAFigure(ts, start, j) {
			i = j - 1
			continue
		}
		f := figure{kind: figureCount, value: v, at: i}
		switch {
		case money:
			f.kind = figureMoney
		case j < len(ts) && isCurrencyWord(ts[j].lower):
			f.kind = figureMoney
			j++
		case j < len(ts) && (ts[j].lower == "%" || ts[j].lower == "percent" || ts[j].lower == "per"):
			f.kind = figurePercent
			j++
			if j < len(ts) && ts[j].lower == "cent" {
				j++
			}
		}
		var words []string
		for _, t := range ts[start:j] {
			words = append(words, t.text)
		}
		f.text = strings.Join(words, " ")
		f.text = strings.Replace(f.text, "$ ", "$", 1)
		f.text = strings.Replace(f.text, "€ ", "€", 1)
		f.text = strings.Replace(f.text, "£ ", "£", 1)
		f.text = strings.Replace(f.text, " %", "%", 1)
		f.qual = qualifierBefore(ts, start)
		out = append(out, f)
		i = j - 1
	}
	return out
}

// isYear reports a four-digit year written alone ("in 1961").
func isYear(w string, v float64) bool {
	return len(w) == 4 && !strings.Contains(w, ",") && v >= 1800 && v <= 2100
}

func isCurrencyWord(w string) bool {
	switch w {
	case "dollars", "euros", "pounds", "yen", "yuan", "rupees", "francs":
		return true
	}
	return false
}

// notAFigure reports the numbers that are no quantity of the event: ages,
// clock times, ordinals, "one of".
func notAFigure(ts []ftoken, start, end int) bool {
	if start > 0 {
		switch ts[start-1].lower {
		case "aged", "age", "no", "number", "page", "route", "highway", "interstate", "since", "in":
			return true
		}
	}
	if end < len(ts) {
		next := ts[end].lower
		if strings.HasPrefix(next, "year-old") {
			return true
		}
		switch next {
		case "a.m", "p.m", "am", "pm", "o'clock", "years-old":
			return true
		}
		if next == "years" && end+1 < len(ts) && ts[end+1].lower == "old" {
			return true
		}
	}
	return strings.Contains(ts[start].lower, "-year-old")
}

// qualifierBefore returns the qualifier of the figure whose first word is
// ts[start] ("at least"), "" for none.
func qualifierBefore(ts []ftoken, start int) string {
	for _, q := range qualifiers {
		if start < len(q) {
			continue
		}
		ok := true
		for k, w := range q {
			if ts[start-len(q)+k].lower != w {
				ok = false
				break
			}
		}
		if ok {
			return strings.Join(q, " ")
		}
	}
	return ""
}

// quantity families: the words that name one quantity however an outlet
// phrases it.
var families = map[string]string{
	"die": "deaths", "died": "deaths", "dies": "deaths", "dead": "deaths", "death": "deaths", "deaths": "deaths",
	"deadly": "deaths", "kill": "deaths", "killed": "deaths", "killing": "deaths", "kills": "deaths", "toll": "deaths",
	"fatalities": "deaths", "fatality": "deaths", "lives": "deaths", "bodies": "deaths", "perished": "deaths", "victims": "deaths",
	"injured": "injured", "injuries": "injured", "injuring": "injured", "wounded": "injured", "hurt": "injured", "hospitalised": "injured", "hospitalized": "injured",
	"missing": "missing", "unaccounted": "missing",
	"cost": "cost", "costs": "cost", "price": "cost", "spend": "cost", "spent": "cost", "budget": "cost",
}

// familyNames say a family's quantity in the bot's sentence.
var familyNames = map[string]string{
	"deaths": "the death toll", "injured": "the number injured", "missing": "the number missing", "cost": "the cost",
}

// wantedKind is the kind of figure question q asks for.
func wantedKind(q string) figureKind {
	l := " " + strings.ToLower(q) + " "
	switch {
	case strings.Contains(l, "how much") || strings.Contains(l, " cost") || strings.Contains(l, "$") ||
		strings.Contains(l, " amount") || strings.Contains(l, " price") || strings.Contains(l, " dollars"):
		return figureMoney
	case strings.Contains(l, "percent") || strings.Contains(l, "%") || strings.Contains(l, " share") || strings.Contains(l, " rate"):
		return figurePercent
	case strings.HasPrefix(strings.TrimSpace(l), "when ") || strings.Contains(l, " what date") || strings.Contains(l, " which day") || strings.Contains(l, " what day") || strings.Contains(l, " the date"):
		return figureDate
	}
	return figureCount
}

// asksFigure reports whether q asks for a figure: "how many", "how much",
// "what was the toll", "what date"; or names a quantity family ("Do the
// outlets agree on the toll?").
func asksFigure(q string) bool {
	l := strings.ToLower(q)
	for _, p := range []string{"how many", "how much", "number of", "what number", "what figure", "figures", "toll", "tally", "total", "what date", "which date", "what day", "percent", "amount", "cost"} {
		if strings.Contains(l, p) {
			return true
		}
	}
	return false
}

// questionFamily is the quantity family q asks about ("deaths" for "How
// many people died?"), "" for none.
func questionFamily(q string) string {
	for _, t := range figureTokens(q) {
		if f := families[t.lower]; f != "" {
			return f
		}
	}
	return ""
}

// pickFigure returns the figure of sentence s that answers q (see the
// rules at the top of this file); ok is false when s has none of the kind
// q asks for.
func pickFigure(q, s string) (figure, bool) {
	kind := wantedKind(q)
	fam := questionFamily(q)
	qwords := map[string]bool{}
	for _, t := range figureTokens(q) {
		if !isQuestionWord(t.lower) && len(t.lower) > 2 {
			qwords[t.lower] = true
		}
	}
	ts := figureTokens(s)
	best, found := figure{}, false
	for _, f := range figuresOf(s) {
		if f.kind != kind {
			continue
		}
		score := 0.0
		for k := max(0, f.at-5); k < min(len(ts), f.at+6); k++ {
			if k == f.at {
				continue
			}
			w := ts[k].lower
			switch tf := families[w]; {
			case fam != "" && tf == fam:
				score += 2
			case fam != "" && tf != "":
				score -= 2
			case qwords[w]:
				score++
			}
		}
		// A quantity word earlier in the sentence ("The death toll ... rose
		// to 15") counts once, less than a neighbour.
		if fam != "" {
			for k := 0; k < max(0, f.at-5); k++ {
				if families[ts[k].lower] == fam {
					score++
					break
				}
			}
		}
		// "rose to 15", "stood at 15": the figure is the total; "two more
		// bodies", "another three": it adds to one.
		if f.at >= 2 && (ts[f.at-1].lower == "to" || ts[f.at-1].lower == "at") && isRiseVerb(ts[f.at-2].lower) {
			score += 2
		}
		if f.at+1 < len(ts) && isIncrement(ts[f.at+1].lower) || f.at > 0 && ts[f.at-1].lower == "another" {
			score -= 3
		}
		f.score = score
		if !found || score > best.score {
			best, found = f, true
		}
	}
	if found && fam != "" && best.score < 0 {
		return figure{}, false
	}
	return best, found
}

// outletFigure is one outlet's figure for the quantity asked about, with
// the marker of the sentence it comes from.
type outletFigure struct {
	source string
	n      int
	fig    figure
}

// figureStatement says, in the bot's own words, whether the outlets' figures
// for the quantity q asks about agree: "The outlets disagree on the death
// toll: Northern Wire says twelve [1]; Valley Courier says at least 14
// [2]." or "The outlets quoted agree on the death toll: Northern Wire [1]
// and Riverside Gazette [2] give twelve." ok is false with fewer than two
// outlets' figures.
func figureStatement(q string, figs []outletFigure) (string, bool) {
	if len(figs) < 2 {
		return "", false
	}
	what := "the figure"
	if name := familyNames[questionFamily(q)]; name != "" {
		what = name
	} else {
		switch figs[0].fig.kind {
		case figureMoney:
			what = "the amount"
		case figureDate:
			what = "the date"
		case figureCount:
			what = "the number"
		}
	}
	agree := true
	for _, f := range figs[1:] {
		if f.fig.value != figs[0].fig.value {
			agree = false
		}
	}
	var b strings.Builder
	if agree {
		// "The outlets quoted": the coverage may hold outlets that give
		// no figure, or none the retriever found.
		fmt.Fprintf(&b, "The outlets quoted agree on %s: ", what)
		for i, f := range figs {
			switch {
			case i > 0 && i == len(figs)-1:
				b.WriteString(" and ")
			case i > 0:
				b.WriteString(", ")
			}
			fmt.Fprintf(&b, "%s [%d]", f.source, f.n)
		}
		fmt.Fprintf(&b, " give %s.", figs[0].fig.display())
		return b.String(), true
	}
	fmt.Fprintf(&b, "The outlets disagree on %s: ", what)
	for i, f := range figs {
		if i > 0 {
			b.WriteString("; ")
		}
		fmt.Fprintf(&b, "%s says %s [%d]", f.source, f.fig.display(), f.n)
	}
	b.WriteByte('.')
	return b.String(), true
}

// isRiseVerb reports the verbs that bring a total to a figure ("rose to").
func isRiseVerb(w string) bool {
	switch w {
	case "rose", "risen", "rise", "rises", "climbed", "climbs", "jumped", "reached", "stood", "stands", "increased", "grew", "fell", "dropped", "revised":
		return true
	}
	return false
}

// isIncrement reports the words after a figure that make it an addition
// to a total ("two more bodies").
func isIncrement(w string) bool {
	switch w {
	case "more", "additional", "further", "other", "new":
		return true
	}
	return false
}

// familyQuestions are the questions searched for a quantity asked about
// in other words ("the toll", "death tolls"): the index finds the
// sentences that give it by its own words for the same event.
var familyQuestions = map[string]string{
	"deaths":  "How many people died?",
	"injured": "How many people were injured?",
	"missing": "How many people are missing?",
	"cost":    "How much did it cost?",
}

// givesFigure reports whether sentence s gives the quantity q asks about
// by its own words: a figure of the kind asked for, next to a word of the
// quantity's family ("Thirteen people have died" for "How many people
// died?"), or brought to it ("The death toll ... rose to 15").
func givesFigure(q, s string) bool {
	if questionFamily(q) == "" {
		return false
	}
	f, ok := pickFigure(q, s)
	return ok && f.score >= 2
}
