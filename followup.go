package newsbot

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// A conversation's question is a follow-up when it leans on the turn
// before it, and only then is it read with that turn:
//
//   - it opens with a connective, an ellipsis of the earlier question:
//     "and what did Medvedev say?", "and Medvedev?", "what about Iran?";
//   - it refers back with a pronoun ("What did he say about the UN?")
//     whose antecedent is there: the question names no one itself, and the
//     earlier one names someone (for "it", something);
//   - it is a bare question word: "Why?", "When exactly?".
//
// Anything else is a new question, however short ("Who is Lavrov?"). The
// earlier turn is read as it was answered: when it was itself a follow-up,
// with the turn before it, and no further back, so that a chain of
// follow-ups moves with the conversation instead of locking onto its first
// topic. Turns are stored as asked.

// followUpTurns is how many earlier turns a follow-up is read against: the
// last, and the one before it when the last was itself a follow-up.
const followUpTurns = 2

// lastTurns returns at most the last n turns of history.
func lastTurns(history []Turn, n int) []Turn {
	if len(history) > n {
		return history[len(history)-n:]
	}
	return history
}

// previousReading returns the last turn's question as it was read: with the
// turn before it when it leaned on that one. ok is false without history.
func previousReading(history []Turn) (string, bool) {
	if len(history) == 0 {
		return "", false
	}
	last := strings.TrimSpace(history[len(history)-1].Question)
	if last == "" {
		return "", false
	}
	if len(history) >= 2 {
		before := strings.TrimSpace(history[len(history)-2].Question)
		if before != "" && isFollowUp(last, before) {
			return readWith(before, last), true
		}
	}
	return last, true
}

// word is one word of a question, as the follow-up rules see it.
type word struct {
	text  string // as written, less trailing punctuation
	lower string
	name  bool // capitalised and not the question's first word (or a title like "Mr")
}

// wordsOf splits a question into words: runs of letters, digits,
// apostrophes, hyphens and dots within a word ("U.S.", "Sergei's").
func wordsOf(q string) []word {
	var out []word
	for i, f := range strings.FieldsFunc(q, func(r rune) bool {
		return !(unicode.IsLetter(r) || unicode.IsDigit(r) || r == '\'' || r == '’' || r == '-' || r == '.')
	}) {
		f = strings.Trim(f, ".-'’")
		if f == "" {
			continue
		}
		r, _ := utf8.DecodeRuneInString(f)
		w := word{text: f, lower: strings.ToLower(f)}
		w.name = unicode.IsUpper(r) && (i > 0 || !isQuestionWord(w.lower)) && w.lower != "i"
		out = append(out, w)
	}
	return out
}

// isQuestionWord reports the words a question opens with that are not
// names even when capitalised.
func isQuestionWord(w string) bool {
	switch w {
	case "who", "whom", "whose", "what", "which", "when", "where", "why", "how",
		"is", "are", "was", "were", "do", "does", "did", "has", "have", "had",
		"can", "could", "will", "would", "should", "may", "might", "and", "but",
		"so", "also", "then", "or", "plus", "tell", "name", "list", "in", "on",
		"at", "for", "to", "from", "the", "a", "an", "about", "according":
		return true
	}
	return false
}

// connective returns how many of q's first words are a connective that
// makes it an ellipsis of the earlier question ("and", "what about"), 0
// for none.
func connective(ws []word) int {
	if len(ws) == 0 {
		return 0
	}
	switch ws[0].lower {
	case "and", "but", "also", "so", "then", "or", "plus":
		return 1
	}
	if len(ws) >= 2 && (ws[0].lower == "what" || ws[0].lower == "how") && ws[1].lower == "about" {
		return 2
	}
	return 0
}

// pronoun reports the pronouns that refer back to someone or something
// named earlier; person is true for those that refer to a person.
func pronoun(w string) (ok, person bool) {
	switch w {
	case "he", "she", "him", "her", "his", "hers", "himself", "herself":
		return true, true
	case "they", "them", "their", "theirs", "it", "its":
		return true, false
	}
	return false, false
}

// bareQuestion reports a question that is only question words ("Why?",
// "When exactly?", "How many?"): it asks about the earlier one.
func bareQuestion(ws []word) bool {
	if len(ws) == 0 || len(ws) > 3 {
		return false
	}
	for _, w := range ws {
		switch w.lower {
		case "why", "when", "where", "how", "who", "what", "which", "many", "much", "long", "else", "exactly", "then", "so", "not":
		default:
			return false
		}
	}
	return true
}

// names returns the names of a question: runs of name words ("Sergei
// Lavrov", "Mrs Clinton").
func names(ws []word) [][2]int {
	var out [][2]int
	for i := 0; i < len(ws); i++ {
		if !ws[i].name {
			continue
		}
		j := i + 1
		for j < len(ws) && ws[j].name {
			j++
		}
		out = append(out, [2]int{i, j})
		i = j - 1
	}
	return out
}

// isFollowUp reports whether question q leans on the earlier question
// prev (see the rules above).
func isFollowUp(q, prev string) bool {
	ws := wordsOf(q)
	if len(ws) == 0 || strings.TrimSpace(prev) == "" {
		return false
	}
	if connective(ws) > 0 || bareQuestion(ws) {
		return true
	}
	pws := wordsOf(prev)
	prevNames := len(names(pws)) > 0
	for i, w := range ws {
		ok, person := pronoun(w.lower)
		if !ok {
			continue
		}
		// An antecedent in the question itself: it stands alone.
		if len(names(ws[:i])) > 0 {
			return false
		}
		if w.lower == "it" || w.lower == "its" {
			// "Is it true that ...": only a question that names nothing
			// leans on the earlier one with "it".
			if len(names(ws)) > 0 {
				return false
			}
			return len(pws) > 0
		}
		if person || w.lower == "they" || w.lower == "them" || w.lower == "their" || w.lower == "theirs" {
			return prevNames
		}
	}
	return false
}

// readWith makes follow-up q stand alone with the earlier question prev:
//
//   - a pronoun is replaced by the first name of prev ("What did he say
//     about the UN?" after "Who is Lavrov?": "What did Lavrov say about the
//     UN?"), a possessive by the name's ("Lavrov's");
//   - an ellipsis about something new ("and about the UN?") is prev with
//     what it was about replaced ("What did Lavrov say about the UN?");
//   - an ellipsis that names someone new and asks nothing prev did not
//     ("and what did Medvedev say?", "and Medvedev?") is prev with its
//     first name replaced ("What did Medvedev say about sanctions?");
//   - an ellipsis that is only a speaker ("and the fire chief?") after a
//     question about what someone said asks it of the new speaker ("What
//     did the fire chief say?");
//   - a bare question word asks prev's question with it ("Why?" after "What
//     did Lavrov say?": "Why did Lavrov say?");
//   - anything else is prev followed by q, so that retrieval weighs q first
//     and prev as its preamble.
func readWith(prev, q string) string {
	ws := wordsOf(q)
	pws := wordsOf(prev)
	pnames := names(pws)
	skip := connective(ws)
	rest := ws[skip:]

	if bareQuestion(rest) && len(pws) > 1 {
		tail := pws
		if isQuestionWord(tail[0].lower) {
			tail = tail[1:]
		}
		return question(append(wordTexts(rest), wordTexts(tail)...))
	}

	// An ellipsis that is only a speaker ("and the fire chief?") after a
	// question about a speaker ("What did the mayor say?"): prev, asked
	// of the new speaker.
	if pr := readQuestion(prev, nil); pr.kind == kindSpeaker && bareSpeaker(rest) {
		if i := strings.Index(prev, pr.speaker); i >= 0 {
			return prev[:i] + strings.Join(wordTexts(rest), " ") + prev[i+len(pr.speaker):]
		}
	}

	// Pronouns: the antecedent is prev's first name, unless q names
	// someone before the pronoun (isFollowUp leaves those alone).
	if len(pnames) > 0 {
		ante := strings.Join(wordTexts(pws[pnames[0][0]:pnames[0][1]]), " ")
		var out []string
		replaced := false
		for i, w := range rest {
			ok, _ := pronoun(w.lower)
			switch {
			case !ok || len(names(rest[:i])) > 0:
				out = append(out, w.text)
			case possessive(rest, i):
				out = append(out, ante+"'s")
				replaced = true
			default:
				out = append(out, ante)
				replaced = true
			}
		}
		if replaced {
			return question(out)
		}
	}

	// An ellipsis about something new ("and about the UN?"): prev, with
	// what it was about replaced.
	if k := aboutAt(rest); k >= 0 && k+1 < len(rest) {
		if pk := aboutAt(pws); pk >= 0 {
			return question(append(wordTexts(pws[:pk+1]), wordTexts(rest[k+1:])...))
		}
	}

	// An ellipsis naming someone new: prev, with its first name replaced.
	if qn := names(rest); len(qn) > 0 && len(pnames) > 0 && asksNothingNew(rest, qn, pws) {
		newName := wordTexts(rest[qn[0][0]:qn[0][1]])
		p := pnames[0]
		out := append(append(wordTexts(pws[:p[0]]), newName...), wordTexts(pws[p[1]:])...)
		return question(out)
	}
	return withEarlierTurn(prev, strings.Join(wordTexts(rest), " "))
}

// bareSpeaker reports a follow-up that is only a speaker: a role ("the
// fire chief", "officials") or a name with its title ("Governor Hale"),
// at most four words.
func bareSpeaker(ws []word) bool {
	if len(ws) == 0 || len(ws) > 4 {
		return false
	}
	role := false
	for _, w := range ws {
		switch {
		case w.lower == "the" || w.lower == "a":
		case isTitle(w.lower) || isPeopleNoun(w.lower):
			role = true
		case w.name && !isQuestionWord(w.lower):
			role = true
		default:
			return false
		}
	}
	return role
}

// isPeopleNoun reports the nouns for people who are quoted as a group.
func isPeopleNoun(w string) bool {
	switch w {
	case "officials", "official", "police", "witnesses", "witness", "residents", "experts", "analysts",
		"investigators", "authorities", "prosecutors", "doctors", "engineers", "spokesperson", "survivors", "families":
		return true
	}
	return false
}

// possessive reports whether the pronoun ws[i] is a possessive ("his
// view", "her elbow"): "his", "their", "its" always; "her" when a word
// that is not a preposition or conjunction follows it ("told her about"
// is not).
func possessive(ws []word, i int) bool {
	switch ws[i].lower {
	case "his", "their", "its":
		return true
	case "her":
		if i+1 == len(ws) {
			return false
		}
		switch ws[i+1].lower {
		case "about", "to", "on", "in", "at", "for", "with", "and", "or", "that", "if", "when", "what", "why", "how", "after", "before", "during", "of", "from", "by":
			return false
		}
		return true
	}
	return false
}

// aboutAt returns the place of the word that says what a question is
// about ("about", "regarding"), -1 for none.
func aboutAt(ws []word) int {
	for i, w := range ws {
		if w.lower == "about" || w.lower == "regarding" {
			return i
		}
	}
	return -1
}

// asksNothingNew reports whether the words of follow-up ws, less its names
// qn and its question words, are all words of the earlier question pws.
func asksNothingNew(ws []word, qn [][2]int, pws []word) bool {
	in := map[string]bool{}
	for _, w := range pws {
		in[w.lower] = true
	}
	inName := func(i int) bool {
		for _, n := range qn {
			if i >= n[0] && i < n[1] {
				return true
			}
		}
		return false
	}
	for i, w := range ws {
		if inName(i) || isQuestionWord(w.lower) || in[w.lower] || in[w.lower+"s"] || in[strings.TrimSuffix(w.lower, "s")] {
			continue
		}
		return false
	}
	return true
}

func wordTexts(ws []word) []string {
	out := make([]string, len(ws))
	for i, w := range ws {
		out[i] = w.text
	}
	return out
}

// question joins words into a question: the first capitalised, a question
// mark at the end.
func question(ws []string) string {
	if len(ws) == 0 {
		return ""
	}
	s := strings.Join(ws, " ")
	r, n := utf8.DecodeRuneInString(s)
	return string(unicode.ToUpper(r)) + s[n:] + "?"
}

// withEarlierTurn is the reading of a follow-up that neither names anyone
// new nor refers back by pronoun: the earlier question, then this one.
// Retrieval weighs the last question most and the earlier one as its
// preamble.
func withEarlierTurn(prev, q string) string {
	prev = strings.TrimSpace(prev)
	q = strings.TrimSpace(q)
	if !strings.HasSuffix(q, "?") {
		q += "?"
	}
	if prev == "" {
		return q
	}
	if !strings.HasSuffix(prev, "?") && !strings.HasSuffix(prev, ".") {
		prev += "."
	}
	return truncate(prev, MaxQuestionBytes/2) + " " + q
}
