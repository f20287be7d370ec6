package index

import (
	"strings"

	"github.com/newsbot-dev/newsbot/corpus/segment"
)

// want is the kind of answer a question asks for.
type want int

const (
	wantNothing want = iota // no particular kind ("what did X say about Y?")
	wantName                // who, whom, whose, which person/company
	wantTime                // when, what year, what date
	wantNumber              // how many, how much, what percentage
	wantPlace               // where, what country/city
)

// question is a question analysed for search.
type question struct {
	terms []qword
	seen  map[string]bool // every word of the question, lower-cased, unstemmed
	want  want
}

type qword struct {
	term   string
	weight float64
}

// preamble is the weight of a term that occurs only in the sentences
// before the question proper, as in "Afghanistan was rocked by an
// earthquake this week. What was its magnitude?": they set the scene, the
// question sentence says what is wanted.
const preamble = 0.6

// analyseQuestion finds a question's terms and the kind of answer it wants.
func analyseQuestion(text string) question {
	an := newAnalyzer(32)
	q := question{seen: map[string]bool{}}
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
	var asked []token
	for i, sp := range spans {
		w := 1.0
		if ask >= 0 && i != ask {
			w = preamble
		}
		toks := an.tokens(nil, text[sp.Start:sp.End])
		if ask < 0 || i == ask {
			asked = append(asked, toks...)
		}
		for _, t := range toks {
			if t.stop {
				continue
			}
			if j, ok := idx[t.term]; ok {
				q.terms[j].weight = max(q.terms[j].weight, w)
				continue
			}
			idx[t.term] = len(q.terms)
			q.terms = append(q.terms, qword{term: t.term, weight: w})
		}
	}
	q.want = answerKind(asked)
	return q
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
		case "how":
			switch next {
			case "mani", "much", "long", "old", "far", "larg", "big", "tall", "high", "fast", "often", "few":
				return wantNumber
			}
		case "what", "which":
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

// nounKind reads the few words after "what" or "which" for the noun that
// names the kind of answer ("what year", "which European country").
func nounKind(toks []token) want {
	for i, t := range toks {
		if i == 3 || (t.stop && i > 0) {
			break
		}
		next := t.term
		{
			switch next {
			case "year", "date", "day", "month", "decad", "centuri", "time":
				return wantTime
			case "percentag", "percent", "number", "amount", "price", "cost", "popul", "age", "rate", "size", "sum", "total":
				return wantNumber
			case "countri", "citi", "state", "place", "contin", "region", "town", "nation", "island", "provinc", "locat":
				return wantPlace
			case "person", "compani", "team", "group", "organ", "firm", "author", "presid", "leader", "man", "woman", "actor", "singer", "band", "parti", "brand", "network":
				return wantName
			}
		}
	}
	return wantNothing
}

// answers reports whether a sentence's tokens hold something of the kind
// the question wants that the question does not already contain.
func (q question) answers(toks []token) bool {
	for i, t := range toks {
		if q.seen[t.term] {
			continue
		}
		switch q.want {
		case wantName, wantPlace:
			if t.cap && !t.stop && !t.num && i > 0 {
				return true
			}
		case wantTime:
			if t.num && len(t.term) == 4 && (strings.HasPrefix(t.term, "19") || strings.HasPrefix(t.term, "20")) {
				return true
			}
			if isTimeWord(t.term) {
				return true
			}
		case wantNumber:
			if t.num || isNumberWord(t.term) {
				return true
			}
		}
	}
	return false
}

func isTimeWord(w string) bool {
	switch w {
	case "january", "february", "march", "april", "june", "july", "august",
		"september", "october", "november", "december", "jan", "feb", "mar",
		"apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
		"monday", "tuesday", "wednesday", "thursday", "friday", "saturday",
		"sunday", "yesterday", "today", "tomorrow", "tonight", "century",
		"decade", "week", "month", "year", "years", "ago", "morning",
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
