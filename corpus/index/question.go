package index

import (
	"strings"

	"github.com/newsbot-dev/newsbot/corpus/segment"
)

// want is the kind of answer a question asks for.
type want int

const (
	wantNothing   want = iota // no particular kind ("what is the name of ...")
	wantName                  // who, whom, whose, which person/company
	wantTime                  // when, what year, what date
	wantNumber                // how many, how much, what percentage
	wantPlace                 // where, what country/city
	wantReason                // why
	wantStatement             // what did X say, tell, announce, warn
)

// wantNames name the kinds, for explanations.
var wantNames = [...]string{"nothing", "name", "time", "number", "place", "reason", "statement"}

func (w want) String() string { return wantNames[w] }

// question is a question analysed for search: its terms, each with its
// weight and its part in the question's focus, and the kind of answer it
// asks for.
type question struct {
	terms []qword
	seen  map[string]bool // every word of the question, lower-cased, unstemmed
	want  want
	// bigrams are the pairs of terms that stand next to each other in the
	// question ("world cup", "star trek"), by index into terms.
	bigrams [][2]int
	// subject is the question's subject, by index into terms: the last
	// word of the first name in the question proper ("Lavrov" in "What did
	// Sergei Lavrov say about sanctions?"); -1 when it names no one.
	subject int
}

// qword is one term of a question.
type qword struct {
	term   string
	weight float64
	// entity marks the question's named things: a capitalised word that
	// does not open its sentence ("Lavrov", "World Cup"), an acronym or a
	// number. They say what the question is about; a sentence that lacks
	// them answers another question.
	entity bool
	// ask marks a term of the question proper, the sentence that asks (not
	// of a preamble that sets the scene).
	ask bool
	// topic marks a term of what the question proper says it is about:
	// the words after "about", "on" or "regarding" ("What did Lavrov say
	// about sanctions?").
	topic bool
	// alt marks an alternate of the term at of: a word for the same event
	// (see sameEvent), which counts in no total.
	alt bool
	of  int
}

// preamble is the weight of a term that occurs only in the sentences
// before the question proper, as in "Afghanistan was rocked by an
// earthquake this week. What was its magnitude?": they set the scene, the
// question sentence says what is wanted.
const preamble = 0.6

// analyseQuestion finds a question's terms, its focus and the kind of
// answer it wants. stems, when not nil, caches the stems of its words.
func analyseQuestion(text string, stems *stemCache) question {
	an := newAnalyzer(32)
	an.shared = stems
	q := question{seen: map[string]bool{}, subject: -1}
	for _, t := range an.words(nil, text) {
		q.seen[t.term] = true
	}
	// The question proper is the last sentence that asks; with none, the
	// whole text is.
	spans := segment.Sentences(text)
	ask := -1
	for i, sp := range spans {
		if isInterrogative(text[sp.Start:sp.End]) {
			ask = i
		}
	}
	idx := map[string]int{}
	bigram := map[[2]int]bool{}
	subjectDone := false
	var asked []token
	for i, sp := range spans {
		w := 1.0
		inAsk := ask < 0 || i == ask
		if !inAsk {
			w = preamble
		}
		toks := an.tokens(nil, text[sp.Start:sp.End])
		if inAsk {
			asked = append(asked, toks...)
		}
		prev, gap := -1, 0
		deixis := deictic(toks)
		topic := false
		// inName is true within the first name of the question proper,
		// subjectDone once it has ended.
		inName := false
		for j, t := range toks {
			if deixis[j] || t.stop {
				subjectDone = subjectDone || inName
			}
			if inAsk && (t.term == "about" || t.term == "regarding" || (t.term == "on" && said(toks[:j]))) {
				topic = true
			}
			if deixis[j] {
				prev = -1
				continue
			}
			if t.stop {
				// A pair may span one stop word: "head of state".
				if gap++; gap > 1 {
					prev = -1
				}
				continue
			}
			gap = 0
			entity := t.num || (t.cap && j > 0) || isAcronym(text[sp.Start+t.start:])
			k, ok := idx[t.term]
			if !ok {
				k = len(q.terms)
				idx[t.term] = k
				q.terms = append(q.terms, qword{term: t.term})
			}
			qw := &q.terms[k]
			qw.weight = max(qw.weight, w)
			qw.entity = qw.entity || entity
			qw.ask = qw.ask || inAsk
			qw.topic = qw.topic || topic
			if inAsk && !subjectDone {
				switch {
				case entity && !t.num:
					q.subject, inName = k, true
				case inName:
					subjectDone = true
				}
			}
			if prev >= 0 && prev != k && !bigram[[2]int{prev, k}] {
				bigram[[2]int{prev, k}] = true
				q.bigrams = append(q.bigrams, [2]int{prev, k})
			}
			prev = k
		}
	}
	q.want = answerKind(asked)
	if q.want == wantPlace || q.want == wantTime {
		q.dropLightVerbs()
	}
	q.addSameEvent()
	return q
}

// dropLightVerbs drops from a "where" or "when" question the verbs that
// only say that something was at a place or a time ("Where were the talks
// held?", "Where is it located?", "When did it take place?"): the sentence
// that answers states the place or the time, seldom the verb. A question
// of nothing else keeps them.
func (q *question) dropLightVerbs() {
	var kept []qword
	old := make(map[int]int) // index in q.terms -> index in kept
	for i, t := range q.terms {
		switch t.term {
		case "hold", "locat", "situat", "base", "happen", "occur", "take", "place", "held", "stage", "host":
			if !t.entity {
				continue
			}
		}
		old[i] = len(kept)
		kept = append(kept, t)
	}
	if len(kept) == 0 || len(kept) == len(q.terms) {
		return
	}
	var bigrams [][2]int
	for _, bg := range q.bigrams {
		a, ok1 := old[bg[0]]
		b, ok2 := old[bg[1]]
		if ok1 && ok2 {
			bigrams = append(bigrams, [2]int{a, b})
		}
	}
	subject := -1
	if s, ok := old[q.subject]; ok {
		subject = s
	}
	q.terms, q.bigrams, q.subject = kept, bigrams, subject
}

// deictic marks the words that place a question in time relative to when
// it is asked ("this week", "last month", "recently"): they say nothing
// about what it is about, and news quizzes use them in every question.
func deictic(toks []token) []bool {
	out := make([]bool, len(toks))
	for j, t := range toks {
		switch t.term {
		case "recent", "late", "newli":
			out[j] = true
		case "week", "weekend", "month", "year", "day", "morn", "night", "summer", "spring", "winter", "fall", "autumn":
			if j > 0 {
				switch toks[j-1].term {
				case "this", "last", "next", "past", "previous", "earlier", "come":
					out[j], out[j-1] = true, true
				}
			}
		}
	}
	return out
}

// isAcronym reports a word that starts s and is written in capitals, two
// letters or more ("NATO", "UN"): a name even at the start of a sentence.
func isAcronym(s string) bool {
	n := 0
	for n < len(s) && s[n] >= 'A' && s[n] <= 'Z' {
		n++
	}
	return n >= 2 && (n == len(s) || !isASCIILetter(s[n]))
}

// answerKind reads the question word and the noun after "what"/"which".
func answerKind(toks []token) want {
	for i, t := range toks {
		next := ""
		if i+1 < len(toks) {
			next = toks[i+1].term
		}
		switch t.term {
		case "who", "whom", "whose":
			return wantName
		case "when":
			return wantTime
		case "where":
			return wantPlace
		case "why":
			return wantReason
		case "how":
			switch next {
			case "mani", "much", "long", "old", "far", "larg", "big", "tall", "high", "fast", "often", "few":
				return wantNumber
			}
		case "what", "which":
			if said(toks[i+1:]) {
				return wantStatement
			}
			k := nounKind(toks[i+1:])
			if k != wantNothing || t.term == "what" {
				return k
			}
			// "Which wildly popular show ...": an entity.
			return wantName
		}
	}
	return wantNothing
}

// said reports "what did X say", "what has X told ...": the question asks
// for what someone said.
func said(toks []token) bool {
	if len(toks) == 0 {
		return false
	}
	switch toks[0].term {
	case "did", "do", "does", "has", "have", "had", "will", "would", "is", "was", "are", "were":
	default:
		return false
	}
	for i, t := range toks[1:] {
		if i == 6 {
			break
		}
		if isSayVerb(t.term) {
			return true
		}
	}
	return false
}

// isSayVerb reports the stems of verbs that report speech.
func isSayVerb(term string) bool {
	switch term {
	case "say", "tell", "state", "announc", "warn", "claim", "argu", "insist", "add", "declar", "comment", "respond", "repli", "think", "believ", "call", "urg", "demand", "propos", "promis", "suggest", "ask":
		return true
	}
	return false
}

// isSayWord reports the forms of verbs that report speech, and
// "according" (to).
func isSayWord(w string) bool {
	switch w {
	case "say", "says", "said", "saying", "tell", "tells", "told", "state", "states", "stated",
		"announce", "announced", "announces", "warn", "warned", "warns", "claim", "claimed",
		"argue", "argued", "insist", "insisted", "insists", "add", "added", "adds", "declare",
		"declared", "comment", "commented", "respond", "responded", "reply", "replied",
		"urge", "urged", "according", "quoted", "restated", "described", "called":
		return true
	}
	return false
}

// nounKind reads the few words after "what" or "which" for the noun that
// names the kind of answer ("what year", "which European country").
func nounKind(toks []token) want {
	// "What is the name of ...", "What was the monetary value of ...":
	// past the verb and the article to the noun.
	for len(toks) > 0 {
		switch toks[0].term {
		case "is", "was", "are", "were", "the", "a", "an":
			toks = toks[1:]
			continue
		}
		break
	}
	for i, t := range toks {
		if i == 3 || (t.stop && i > 0) {
			break
		}
		switch t.term {
		case "year", "date", "day", "month", "decad", "centuri", "time":
			return wantTime
		case "percentag", "percent", "number", "amount", "price", "cost", "popul", "age", "rate", "size", "sum", "total",
			"valu", "worth", "salari", "fee", "fare", "budget", "revenu", "profit", "weight", "height", "distanc",
			"length", "speed", "temperatur", "magnitud", "score", "capac", "debt", "death", "toll":
			return wantNumber
		case "name", "nicknam", "titl":
			return wantName
		case "countri", "citi", "state", "place", "contin", "region", "town", "nation", "island", "provinc", "locat":
			return wantPlace
		case "person", "compani", "team", "group", "organ", "firm", "author", "presid", "leader", "man", "woman", "actor", "singer", "band", "parti", "brand", "network":
			return wantName
		}
	}
	return wantNothing
}

// answerType says how well a sentence's words hold an answer of the kind
// the question wants that is not already in the question: 1 for a clear
// one (a name after "in" for "where", a year for "when", a quotation for
// "what did X say", a two-word name for "who"), 0.5 for a weaker sign (a
// one-word name for "who", a number word), 0.25 for a name not led by a
// preposition of place for "where", 0 for none; and the position of the word that
// carries it (-1 for none, or for a quotation). Questions that want
// nothing in particular get 0.
func (q *question) answerType(toks []token, text string) (float64, int) {
	best, at := 0.0, -1
	weak := func(i int) {
		if best < 0.5 {
			best, at = 0.5, i
		}
	}
	for i, t := range toks {
		if q.seen[t.term] {
			continue
		}
		switch q.want {
		case wantName:
			if isName(t, i) {
				if i+1 < len(toks) && isName(toks[i+1], i+1) && !q.seen[toks[i+1].term] {
					return 1, i
				}
				weak(i)
			}
		case wantPlace:
			if isName(t, i) {
				if placeCue(toks, i) {
					return 1, i
				}
				// A name not led by "in", "at"...: news sentences are full
				// of them, so it is a faint sign of a place.
				if best < 0.25 {
					best, at = 0.25, i
				}
			}
		case wantTime:
			if t.num && len(t.term) == 4 && (strings.HasPrefix(t.term, "19") || strings.HasPrefix(t.term, "20")) {
				return 1, i
			}
			if isMonthOrDay(t.term) {
				return 1, i
			}
			if isTimeWord(t.term) {
				weak(i)
			}
		case wantNumber:
			if t.num || startsWithDigit(t.term) {
				return 1, i
			}
			if isNumberWord(t.term) {
				weak(i)
			}
		case wantReason:
			switch t.term {
			case "because", "due", "reason", "reasons", "caused", "cause", "causes", "result", "resulted", "since", "so", "therefore", "aimed", "order", "blamed", "sparked", "prompted":
				return 1, i
			case "after", "amid", "following", "over", "as", "to":
				weak(i)
			}
		case wantStatement:
			if isSayWord(t.term) {
				weak(i)
			}
		}
	}
	if q.want == wantStatement && strings.ContainsAny(text, "\"“”") {
		return 1, -1
	}
	if q.want == wantNumber && strings.ContainsAny(text, "$£€%") {
		return 1, -1
	}
	return best, at
}

// isName reports a word that looks like part of a name: capitalised, not
// the first of its sentence, not a stop word or a number.
func isName(t token, i int) bool { return t.cap && !t.stop && !t.num && i > 0 }

func startsWithDigit(w string) bool { return w != "" && w[0] >= '0' && w[0] <= '9' }

// placeCue reports a name at toks[i] that a preposition of place leads:
// "in central Moscow", "at Geneva", "near the city of Qom".
func placeCue(toks []token, i int) bool {
	for j := i - 1; j >= 0 && j >= i-3; j-- {
		switch toks[j].term {
		case "in", "at", "near", "from", "outsid", "insid", "across", "throughout":
			return true
		}
		if toks[j].cap {
			continue // "in New York": the name's own words
		}
		if toks[j].stop && toks[j].term != "the" {
			return false
		}
	}
	return false
}

func isMonthOrDay(w string) bool {
	switch w {
	case "january", "february", "march", "april", "june", "july", "august",
		"september", "october", "november", "december", "jan", "feb", "mar",
		"apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
		"monday", "tuesday", "wednesday", "thursday", "friday", "saturday",
		"sunday", "yesterday", "today", "tomorrow", "tonight":
		return true
	}
	return false
}

func isTimeWord(w string) bool {
	switch w {
	case "century", "decade", "week", "month", "year", "years", "ago", "morning",
		"evening", "night", "spring", "summer", "autumn", "fall", "winter":
		return true
	}
	return false
}

func isNumberWord(w string) bool {
	switch w {
	case "one", "two", "three", "four", "five", "six", "seven", "eight", "nine",
		"ten", "eleven", "twelve", "twenty", "thirty", "forty", "fifty",
		"hundred", "hundreds", "thousand", "thousands", "million", "millions",
		"billion", "billions", "trillion", "dozen", "dozens", "half", "percent",
		"pct", "mln", "bln":
		return true
	}
	return false
}
