package newsbot

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// A question is read, before retrieval, for what kind of answer it wants
// (readQuestion). The rules are general English patterns:
//
//   - about a speaker: "What did Lavrov say about sanctions?", "What did
//     the mayor say?", "What did X tell reporters?", "What has X
//     announced?", "According to the mayor, how many people died?": the
//     answer quotes what that speaker is reported saying (whosaid.go);
//   - who said something: "Who said the talks were constructive?", "Who
//     told reporters that ...?": the answer names the speakers of the
//     sentences that say it;
//   - about the coverage itself: a question whose subject is the coverage
//     ("the outlets", "the media", "the reports", "the papers", "the
//     coverage") with a verb of reporting or of agreement ("How did the
//     outlets report the collapse?", "Do the outlets agree on the toll?",
//     "Which outlets reported different death tolls?", "What did outlets
//     disagree on?"): the answer goes outlet by outlet (coverage.go);
//   - anything else is a question of fact.
//
// A question may also name outlets of the coverage ("What did the Valley
// Courier report about the toll?", "According to Northern Wire, how many
// died?", "How many died, according to the Courier?"): each outlet the
// retriever lists (FilterRetriever.Outlets) whose name the question
// contains, capitalised as a name (or in a question written all in lower
// case), with or without "the", is used as a filter and its name removed
// from the question searched. An outlet named as the one spoken to ("told
// Reuters", "in an interview with the Courier") is not a filter: the
// question asks who said something to it.

// questionKind is the kind of answer a question wants.
type questionKind int

const (
	kindFact     questionKind = iota // a question of fact
	kindSpeaker                      // what someone said
	kindWhoSaid                      // who said something
	kindCoverage                     // how the outlets reported something, whether they agree
)

// reading is a question as read for answering.
type reading struct {
	kind questionKind
	// search is the question to retrieve with: the question less the
	// outlets it names, or, for a question about the coverage, the
	// question about its topic ("What was the toll?").
	search string
	// speaker is the speaker asked about, as written ("the mayor",
	// "Sergei Lavrov"), for kindSpeaker.
	speaker string
	// topic is what the question is about ("sanctions", "the toll"), ""
	// for none.
	topic string
	// outlets are the outlets the question names, as Outlets gives them.
	outlets []string
	// agree is true when the question asks whether the outlets agree or
	// differ.
	agree bool
}

var (
	// speakerQuestion: "What did X say/tell/announce (about Y)?"
	speakerQuestion = regexp.MustCompile(`(?i)^(?:and |so |but )?(?:what|how|why)\s+(?:did|does|do|has|have|had|was|is|were|are)\s+(.+?)\s+(say|said|saying|tell|told|telling|announce|announced|claim|claimed|state|stated|report|reported|reporting|warn|warned|describe|described|add|added|explain|explained|reveal|revealed|confirm|confirmed|deny|denied|admit|admitted|suggest|suggested|argue|argued|promise|promised|insist|insisted|think|write|wrote|cover|covered)\b(.*)$`)
	// outletQuestion: what is left of "What did Reuters report about Y?"
	// once the outlet's name is taken out.
	outletQuestion = regexp.MustCompile(`(?i)^(?:what|how)\s+(?:did|does|do|has|have|had|is|was)\s+(?:the\s+)?(?:say|said|report|reported|reporting|write|wrote|cover|covered|describe|described)\b(.*)$`)
	// whoSaid: "Who said (that) ...?"
	whoSaid = regexp.MustCompile(`(?i)^(?:and |so |but )?who\s+(said|told|claimed|called|described|warned|announced|stated|insisted|promised|vowed|confirmed|denied|admitted|predicted|argued|suggested|explained|added|says|is quoted|was quoted)\b(.*)$`)
	// according: "According to X, Y" and "Y, according to X".
	accordingFirst = regexp.MustCompile(`(?i)^according\s+to\s+([^,?]+?)\s*,\s*(.+)$`)
	accordingLast  = regexp.MustCompile(`(?i)^(.+?),?\s+according\s+to\s+([^,?]+?)\s*\??$`)
	// danglingComma is a comma left before the end once a name is taken
	// out ("How many died, ?").
	danglingComma = regexp.MustCompile(`\s*,\s*([?.!]?)$`)
	// coverageNoun is the coverage as a question's subject.
	coverageNoun = regexp.MustCompile(`(?i)\b(?:outlets?|media|coverage|reports|reporting|papers|newspapers|press|articles|stories|news organi[sz]ations|sources)\b`)
	// coverageVerb is a verb of reporting or agreement.
	coverageVerb = regexp.MustCompile(`(?i)\b(?:report|reports|reported|reporting|say|said|cover|covered|describe|described|agree|agreed|disagree|disagreed|differ|differed|different|differing|conflict|conflicting|contradict|contradicted|vary|varied|give|gave|put|consistent|same)\b`)
	// agreeWord asks about agreement.
	agreeWord = regexp.MustCompile(`(?i)\b(?:agree|agreed|agreement|disagree|disagreed|disagreement|differ|differed|different|differing|difference|differences|conflict|conflicting|contradict|contradicted|contradictory|consistent|vary|varied|same)\b`)
	// topicStart is what a question's topic follows.
	topicStart = regexp.MustCompile(`(?i)\b(?:about|on|over|regarding|concerning|as to|report|reported|reporting|cover|covered|describe|described|give|gave|put)\s+`)
)

// readQuestion reads q (see the rules above); outlets are the coverage's
// outlets, nil when the retriever cannot filter by outlet.
func readQuestion(q string, outlets []string) reading {
	r := reading{kind: kindFact, search: q}
	q = strings.TrimSpace(q)
	named, rest := namedOutlets(q, outlets)
	r.outlets = named
	if len(named) > 0 {
		r.search = rest
		q = rest
	}
	body := strings.TrimRight(q, "?!. ")

	// About the coverage: its subject is the coverage, and it asks how it
	// reported or whether it agrees.
	if loc := coverageNoun.FindStringIndex(body); loc != nil && subjectPlace(body[:loc[0]]) &&
		(coverageVerb.MatchString(body[loc[1]:]) || agreeWord.MatchString(body[loc[1]:])) && !sourcesSaid(body, loc) {
		r.kind = kindCoverage
		r.agree = agreeWord.MatchString(body)
		r.topic = coverageTopic(body, loc[1])
		r.search = topicQuestion(r.topic)
		return r
	}
	// "Did Reuters and the AP agree on the toll?": the outlets named are
	// the coverage.
	if len(named) >= 2 && agreeWord.MatchString(body) {
		r.kind, r.agree = kindCoverage, true
		if loc := agreeWord.FindStringIndex(body); loc != nil {
			r.topic = coverageTopic(body, loc[0])
		}
		r.search = topicQuestion(r.topic)
		return r
	}
	if len(named) > 0 && r.kind == kindFact {
		// "What did Reuters report about the toll?": a question about the
		// outlet's coverage of the topic.
		if m := outletQuestion.FindStringSubmatch(body); m != nil {
			r.topic = speakerTopic(m[1])
			if r.search = topicQuestion(r.topic); r.search == "" {
				r.search = rest
			}
			return r
		}
	}
	if m := whoSaid.FindStringSubmatch(body); m != nil {
		r.kind = kindWhoSaid
		r.topic = trimTopic(strings.TrimPrefix(strings.TrimSpace(m[2]), "that "))
		return r
	}
	if m := accordingFirst.FindStringSubmatch(body); m != nil && isSpeakerPhrase(m[1]) {
		r.kind, r.speaker, r.topic, r.search = kindSpeaker, strings.TrimSpace(m[1]), trimTopic(m[2]), question([]string{m[2]})
		return r
	}
	if m := accordingLast.FindStringSubmatch(body); m != nil && isSpeakerPhrase(m[2]) {
		r.kind, r.speaker, r.topic, r.search = kindSpeaker, strings.TrimSpace(m[2]), trimTopic(m[1]), question([]string{m[1]})
		return r
	}
	if m := speakerQuestion.FindStringSubmatch(body); m != nil && isSpeakerPhrase(m[1]) {
		r.kind = kindSpeaker
		r.speaker = strings.TrimSpace(m[1])
		r.topic = speakerTopic(m[3])
		return r
	}
	return r
}

// subjectPlace reports whether the words before the coverage's noun leave
// it the question's subject: question words, auxiliaries and determiners
// only ("How did the", "Do the", "Which"), not "Which meal kit service
// received hundreds of" before "reports of illness".
func subjectPlace(before string) bool {
	ws := strings.Fields(strings.ToLower(before))
	if len(ws) > 4 {
		return false
	}
	for _, w := range ws {
		switch w {
		case "how", "what", "which", "do", "does", "did", "are", "were", "is", "was", "have", "has", "had",
			"the", "all", "news", "these", "those", "other", "most", "many", "different", "various", "and", "so", "but", "in", "why", "where", "when":
		default:
			return false
		}
	}
	return true
}

// sourcesSaid reports "sources" as the speaker ("What did sources say?"),
// not the coverage: no other coverage word, and no agreement asked.
func sourcesSaid(body string, loc []int) bool {
	return strings.EqualFold(body[loc[0]:loc[1]], "sources") && !agreeWord.MatchString(body)
}

// isSpeakerPhrase reports whether s can name a speaker: a name, a role
// ("the mayor", "officials"), not a pronoun, a question word or the
// coverage.
func isSpeakerPhrase(s string) bool {
	s = strings.TrimSpace(s)
	if s == "" || len(s) > 80 {
		return false
	}
	ws := strings.Fields(strings.ToLower(s))
	if len(ws) > 6 {
		return false
	}
	switch ws[0] {
	case "it", "this", "that", "you", "i", "we", "they", "he", "she", "there", "what", "which", "who":
		return false
	}
	return !coverageNoun.MatchString(s) || strings.EqualFold(s, "sources")
}

// speakerTopic is what a speaker question asks about: the words after
// "about", "on" or "regarding", else what follows the verb less the one
// spoken to ("tell reporters", "tell the press"); "" for none.
func speakerTopic(rest string) string {
	rest = strings.TrimSpace(rest)
	if loc := regexp.MustCompile(`(?i)\b(?:about|on|regarding|concerning|over)\s+`).FindStringIndex(rest); loc != nil {
		return trimTopic(rest[loc[1]:])
	}
	l := strings.ToLower(rest)
	for _, p := range []string{"reporters", "journalists", "the press", "the media", "a news conference", "the news conference", "parliament", "the crowd"} {
		if strings.HasPrefix(l, p) {
			rest = strings.TrimSpace(rest[len(p):])
			l = strings.ToLower(rest)
		}
	}
	if strings.HasPrefix(l, "that ") {
		rest = rest[5:]
	}
	return trimTopic(rest)
}

// coverageTopic is what a question about the coverage is about: the words
// after its verb or preposition ("the toll" in "Do the outlets agree on
// the toll?", "death tolls" in "Which outlets reported different death
// tolls?"); "" for none ("What did outlets disagree on?").
func coverageTopic(body string, after int) string {
	rest := body[after:]
	loc := topicStart.FindStringIndex(rest)
	if loc == nil {
		return ""
	}
	t := rest[loc[1]:]
	// A second "on"/"about" after the verb: "agree on", "report on".
	if l2 := regexp.MustCompile(`(?i)^(?:on|about|over|regarding)\s+`).FindStringIndex(t); l2 != nil {
		t = t[l2[1]:]
	}
	t = regexp.MustCompile(`(?i)^(?:different|differing|conflicting|the same|similar)\s+`).ReplaceAllString(t, "")
	return trimTopic(t)
}

// trimTopic trims a topic of its end punctuation and of the words that
// say nothing ("it", "this").
func trimTopic(t string) string {
	t = strings.TrimSpace(strings.TrimRight(strings.TrimSpace(t), "?!.,"))
	switch strings.ToLower(t) {
	case "", "it", "this", "that", "them", "so", "the same":
		return ""
	}
	return t
}

// topicQuestion is the question searched for a topic: the topic itself
// when it is a question ("how many were killed"), else a question about
// it: for a quantity the bot knows the words of, the question that asks
// for it ("How many people died?" for "the toll"), else "What about the
// collapse?"; "" for none.
func topicQuestion(topic string) string {
	if topic == "" {
		return ""
	}
	ws := wordsOf(topic)
	if len(ws) > 0 && isQuestionWord(ws[0].lower) && ws[0].lower != "the" && ws[0].lower != "a" && ws[0].lower != "an" {
		return question([]string{topic})
	}
	// A quantity named in other words ("the toll", "death tolls"): the
	// question that asks for it.
	if fq := familyQuestions[questionFamily(topic)]; fq != "" {
		return fq
	}
	return "What about " + topic + "?"
}

// namedOutlets finds the outlets of outlets that q names (see the rules at
// the top of this file) and returns them with q less their names (and less
// "according to" before them).
func namedOutlets(q string, outlets []string) ([]string, string) {
	if len(outlets) == 0 {
		return nil, q
	}
	lowerQ := strings.ToLower(q) == q
	var named []string
	for _, o := range outlets {
		name := strings.TrimSpace(o)
		if utf8.RuneCountInString(name) < 2 {
			continue
		}
		bare := strings.TrimPrefix(strings.TrimPrefix(name, "The "), "the ")
		// Most outlets are not in the question: a look before the pattern.
		if !strings.Contains(strings.ToLower(q), strings.ToLower(bare)) {
			continue
		}
		re, err := regexp.Compile(`(?i)(\baccording\s+to\s+|\bby\s+|\bin\s+|\bfrom\s+)?\b(the\s+)?` + regexp.QuoteMeta(bare) + `(?:'s|’s|'|’)?`)
		if err != nil {
			continue
		}
		for _, loc := range re.FindAllStringSubmatchIndex(q, -1) {
			if !boundaryAt(q, loc[1]) {
				continue
			}
			nameAt := loc[0]
			if loc[4] >= 0 {
				nameAt = loc[5]
			} else if loc[2] >= 0 {
				nameAt = loc[3]
			}
			r, _ := utf8.DecodeRuneInString(q[nameAt:])
			if !lowerQ && !unicode.IsUpper(r) {
				continue
			}
			// In a question written in lower case, a name is a common word
			// as often ("how many times"): only where an outlet stands.
			if lowerQ && loc[2] < 0 && !outletPlace(q[:loc[0]], q[loc[1]:]) {
				continue
			}
			if spokenTo(q[:loc[0]]) {
				continue
			}
			named = append(named, o)
			q = strings.TrimSpace(q[:loc[0]] + " " + strings.TrimLeft(q[loc[1]:], ", "))
			break
		}
	}
	q = strings.Join(strings.Fields(q), " ")
	q = danglingComma.ReplaceAllString(q, "$1")
	if q != "" {
		r, n := utf8.DecodeRuneInString(q)
		q = string(unicode.ToUpper(r)) + q[n:]
	}
	return named, q
}

// boundaryAt reports whether a word ends at i in s.
func boundaryAt(s string, i int) bool {
	if i >= len(s) {
		return true
	}
	r, _ := utf8.DecodeRuneInString(s[i:])
	return !unicode.IsLetter(r) && !unicode.IsDigit(r)
}

// spokenTo reports whether the text before an outlet's name makes it the
// one spoken to: "told", "to", "with".
func spokenTo(before string) bool {
	ws := strings.Fields(strings.ToLower(before))
	if len(ws) == 0 {
		return false
	}
	switch ws[len(ws)-1] {
	case "told", "tell", "tells", "telling", "to", "with", "interviewed":
		return true
	}
	return false
}

// outletPlace reports whether the words around a name make it the
// subject of a report: "did the times say", "the times reported".
func outletPlace(before, after string) bool {
	bw := strings.Fields(strings.ToLower(before))
	if len(bw) > 0 {
		switch bw[len(bw)-1] {
		case "did", "does", "do", "has", "have", "had", "was", "is":
			return true
		}
	}
	aw := strings.Fields(strings.ToLower(after))
	return len(aw) > 0 && coverageVerb.MatchString(aw[0])
}
