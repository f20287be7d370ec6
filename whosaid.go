package newsbot

import (
	"context"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Questions about a speaker are answered from the attributions the
// retriever gives with each sentence (Evidence.Speaker):
//
//   - "What did X say (about Y)?" quotes the sentences whose speaker is X,
//     or that answer the question and name X (X's words reported through
//     someone else: "Clinton quoted Medvedev as saying ..."), and that
//     bear on Y when the question names a topic, one for each
//     outlet that quotes X, best outlets first; from a single outlet, up
//     to Bot.MaxSentences. X matches a speaker by name (any part: "Lavrov"
//     for "Sergei Lavrov", "Mr Lavrov" for "Lavrov") or, for a role ("the
//     mayor", "the fire chief", "officials"), by the role in the
//     speaker's words ("Mayor Jane Ortiz") or by a name the coverage
//     gives that role ("Jane Ortiz" in "the city's mayor, Jane Ortiz", so
//     that "Ortiz said" and a "she said" resolved to her match too). The
//     names a role is given are learned from the retrieved sentences and
//     their context, across outlets: one event's mayor is the same person
//     in every outlet's story.
//   - "Who said Y?" names the speakers of the sentences that answer Y and
//     hold most of its words, then quotes them, one for each outlet; no
//     such sentence is "does not answer", and one attributed to no one is
//     quoted as the outlet's own words, saying so.
//
// When the retriever gives no attributions (an engine that extracts none)
// or none matches, the question is answered as a question of fact: the
// sentences that answer it, as before.

// speakerK is how many sentences a speaker question is chosen from.
const speakerK = 30

// speakerTitles are the words that come before a name as a title or a role.
var speakerTitles = map[string]bool{
	"mr": true, "mrs": true, "ms": true, "miss": true, "dr": true, "sir": true, "dame": true, "lord": true, "lady": true,
	"mayor": true, "governor": true, "gov": true, "president": true, "vice": true, "prime": true, "minister": true,
	"foreign": true, "chief": true, "fire": true, "police": true, "senator": true, "sen": true, "rep": true,
	"representative": true, "secretary": true, "general": true, "gen": true, "judge": true, "justice": true,
	"sheriff": true, "commissioner": true, "inspector": true, "director": true, "chairman": true, "chairwoman": true,
	"chair": true, "spokesman": true, "spokeswoman": true, "spokesperson": true, "officer": true, "captain": true,
	"capt": true, "colonel": true, "col": true, "lieutenant": true, "lt": true, "sergeant": true, "sgt": true,
	"councilman": true, "councilwoman": true, "councillor": true, "councilor": true, "deputy": true, "state": true,
	"city": true, "county": true, "u.s": true, "us": true, "federal": true, "assistant": true, "acting": true,
	"former": true, "professor": true, "prof": true, "king": true, "queen": true, "prince": true, "princess": true,
	"pope": true, "chancellor": true, "ambassador": true, "attorney": true, "ceo": true, "executive": true,
}

// isTitle reports a word that is a title or a role, not a name.
func isTitle(w string) bool { return speakerTitles[strings.ToLower(strings.TrimSuffix(w, "."))] }

// askedSpeaker is the speaker a question asks about.
type askedSpeaker struct {
	// surname is the last word of the name, lower-cased ("lavrov"), ""
	// when the question names no one.
	surname string
	// role is the role asked about, lower-cased ("mayor", "fire chief",
	// "official"), "" for none.
	role string
}

// parseSpeaker reads the speaker a question names ("Sergei Lavrov", "the
// mayor", "Mayor Ortiz", "the city's fire chief", "officials").
func parseSpeaker(s string) askedSpeaker {
	var a askedSpeaker
	var role []string
	for _, w := range wordsOf(s) {
		r := []rune(w.text)
		switch {
		case w.lower == "the" || w.lower == "a" || w.lower == "an" || strings.HasSuffix(w.lower, "'s") || strings.HasSuffix(w.lower, "’s"):
			// determiners and "the city's"
		case unicode.IsUpper(r[0]) && !isTitle(w.lower):
			a.surname = w.lower
		default:
			role = append(role, w.lower)
		}
	}
	a.role = singular(strings.Join(role, " "))
	return a
}

// singular is a role's singular ("officials" to "official").
func singular(s string) string {
	if strings.HasSuffix(s, "ss") || len(s) < 4 {
		return s
	}
	return strings.TrimSuffix(s, "s")
}

// roleNames are the names the coverage gives a role: lower-cased surname
// to the name as written.
type roleNames map[string]string

// learn adds the names that text gives role: a run of capitalised words
// right after it ("Mayor Jane Ortiz", "the mayor, Jane Ortiz") or right
// before it ("Jane Ortiz, the mayor", "Ortiz, the city's mayor since").
func (rn roleNames) learn(text, role string) {
	if role == "" {
		return
	}
	ws := wordsOf(text)
	rw := strings.Fields(role)
	for i := 0; i+len(rw) <= len(ws); i++ {
		if !roleAt(ws, i, rw) {
			continue
		}
		end := i + len(rw)
		// After: "Mayor Jane Ortiz".
		j := end
		for j < len(ws) && isNameWord(ws[j]) {
			j++
		}
		if j > end {
			rn.add(ws[end:j])
			continue
		}
		// Before: "Jane Ortiz, the city's mayor".
		k := i
		for skipped := 0; k > 0 && skipped < 3 && isRoleFiller(ws[k-1].lower); skipped++ {
			k--
		}
		e := k
		for k > 0 && isNameWord(ws[k-1]) {
			k--
		}
		if k < e {
			rn.add(ws[k:e])
		}
	}
}

func (rn roleNames) add(name []word) {
	var parts []string
	for _, w := range name {
		parts = append(parts, w.text)
	}
	rn[name[len(name)-1].lower] = strings.Join(parts, " ")
}

// roleAt reports whether the words of role rw stand at ws[i:], the last
// of them singular or plural.
func roleAt(ws []word, i int, rw []string) bool {
	for k, r := range rw {
		w := ws[i+k].lower
		if w != r && !(k == len(rw)-1 && singular(w) == r) {
			return false
		}
	}
	return true
}

// isNameWord reports a capitalised word that is not a title or a
// question's or sentence's opening word.
func isNameWord(w word) bool {
	r := []rune(w.text)
	return unicode.IsUpper(r[0]) && !isTitle(w.lower) && !isQuestionWord(w.lower) && !isStopWord(w.lower)
}

// isRoleFiller reports the words between a name and its role: "the",
// "city's", "town's".
func isRoleFiller(w string) bool {
	return w == "the" || w == "a" || w == "its" || w == "their" || strings.HasSuffix(w, "'s") || strings.HasSuffix(w, "’s")
}

// isStopWord reports the words that open sentences capitalised without
// being names.
func isStopWord(w string) bool {
	switch w {
	case "this", "that", "these", "those", "it", "we", "our", "they", "he", "she", "his", "her", "i", "speaking", "after", "as", "if", "while", "with", "by", "of", "there", "nobody", "everyone", "nothing", "no", "yes", "not":
		return true
	}
	return false
}

// matches reports whether a speaker the coverage names is the one asked
// about (see the rules at the top of this file).
func (a askedSpeaker) matches(speaker string, rn roleNames) bool {
	if speaker == "" {
		return false
	}
	ws := wordsOf(speaker)
	if a.surname != "" {
		for _, w := range ws {
			if w.lower == a.surname || strings.TrimSuffix(strings.TrimSuffix(w.lower, "'s"), "’s") == a.surname {
				return true
			}
		}
		return false
	}
	if a.role == "" {
		return false
	}
	if roleAt2(ws, strings.Fields(a.role)) {
		return true
	}
	for _, w := range ws {
		if isNameWord(w) && rn[w.lower] != "" {
			return true
		}
	}
	return false
}

// roleAt2 reports whether role rw stands anywhere in ws.
func roleAt2(ws []word, rw []string) bool {
	for i := 0; i+len(rw) <= len(ws); i++ {
		if roleAt(ws, i, rw) {
			return true
		}
	}
	return false
}

// hasAttributions reports whether any evidence carries attributions: an
// engine that extracts them.
func hasAttributions(ev []Evidence) bool {
	for _, e := range ev {
		if len(e.Attributions) > 0 {
			return true
		}
	}
	return false
}

// learnRoles learns the names ev gives the role asked about, from each
// sentence, its context and its attributions' words.
func learnRoles(rn roleNames, ev []Evidence, a askedSpeaker) {
	if a.role == "" {
		return
	}
	for _, e := range ev {
		rn.learn(e.Sentence, a.role)
		rn.learn(e.Before, a.role)
		for _, at := range e.Attributions {
			rn.learn(at.Speaker, a.role)
			rn.learn(at.Source, a.role)
		}
	}
}

// onTopic reports whether e, attributed to the speaker asked about, bears
// on the question's topic: the question names none, the sentence answers
// it, or the sentence or its context holds one of the topic's words.
func (b *Bot) onTopic(e Evidence, topic string) bool {
	if topic == "" || b.answers(e) {
		return true
	}
	text := strings.ToLower(e.Sentence + " " + e.Before)
	in := map[string]bool{}
	for _, w := range wordsOf(text) {
		in[w.lower] = true
		in[strings.TrimSuffix(w.lower, "s")] = true
	}
	for _, w := range wordsOf(topic) {
		if len(w.lower) > 3 && !isQuestionWord(w.lower) && (in[w.lower] || in[strings.TrimSuffix(w.lower, "s")]) {
			return true
		}
	}
	return false
}

// speakerAnswer answers a question about what a speaker said; ok is false
// when the coverage's attributions cannot (see the rules at the top of
// this file), and the question is then answered as one of fact.
func (b *Bot) speakerAnswer(ctx context.Context, q string, r reading, known []string) (ev []Evidence, a Answer, ok bool, err error) {
	ev, err = b.search(ctx, r.search, speakerK, r.outlets)
	if err != nil || !hasAttributions(ev) {
		return ev, a, false, err
	}
	asked := parseSpeaker(r.speaker)
	rn := roleNames{}
	learnRoles(rn, ev, asked)
	match := func(e Evidence) bool {
		if !b.onTopic(e, r.topic) {
			return false
		}
		// A sentence that answers and names the speaker is theirs too,
		// whoever it is attributed to: "Clinton ... quoted Russian
		// President Dmitry Medvedev as saying sanctions ... might be
		// inevitable" reports Medvedev's words through Clinton, and
		// "Lavrov restated that ..." may have no cue extracted: the
		// sentence names them with a verb of saying after the name. The
		// engine's estimate that it answers (Bot.answers) weighs whether
		// the question is about what they said: "Clinton praised ...
		// discussions with Lavrov" does not answer "What did Lavrov say?".
		return asked.matches(e.Speaker(), rn) || b.answers(e) && asked.speaksIn(e.Sentence, rn)
	}

	g := newOutletGroups()
	g.direct = r.topic == ""
	g.addMatching(ev, match)
	// The names the role was found with, searched across the coverage:
	// "she said" after "Ortiz promised" is found by "Ortiz".
	for _, name := range rn.names(2) {
		by, err := b.search(ctx, speakerSearch(name, r.topic), speakerK, r.outlets)
		if err != nil {
			return nil, a, false, err
		}
		ev = mergeEvidence(ev, by)
		g.addMatching(by, match)
	}
	// Outlets that quote the speaker beyond the first retrieval's reach,
	// asked one by one, and by the role's names once learned.
	if fr, isFR := b.Retriever.(FilterRetriever); isFR {
		queries := 0
		for _, o := range outletOrder(ev, r.outlets, known) {
			if o == "" || g.has(o) || queries >= maxOutletQueries {
				continue
			}
			more, err := fr.RetrieveFiltered(ctx, r.search, perOutletK, Filter{Outlets: []string{o}})
			queries++
			if err != nil {
				return nil, a, false, fmt.Errorf("retrieve from %s: %w", o, err)
			}
			learnRoles(rn, more, asked)
			ev = mergeEvidence(ev, more)
			if g.addMatching(more, match) > 0 {
				continue
			}
			for _, name := range rn.names(2) {
				if queries >= maxOutletQueries {
					break
				}
				by, err := fr.RetrieveFiltered(ctx, speakerSearch(name, r.topic), perOutletK, Filter{Outlets: []string{o}})
				queries++
				if err != nil {
					return nil, a, false, fmt.Errorf("retrieve from %s: %w", o, err)
				}
				ev = mergeEvidence(ev, by)
				if g.addMatching(by, match) > 0 {
					break
				}
			}
		}
	}
	picks := g.picks(b.maxSentences())
	if len(picks) == 0 {
		return ev, a, false, nil
	}
	a = Answer{Question: q, Mode: ModeExtractive}
	a.Text, a.Citations = quote("", picks)
	return b.forModel(ev, picks), a, true, nil
}

// names returns at most n of the names learned, longest first.
func (rn roleNames) names(n int) []string {
	var out []string
	for _, v := range rn {
		out = append(out, v)
	}
	sortByLength(out)
	if len(out) > n {
		out = out[:n]
	}
	return out
}

// speakerSearch is the question searched for what name said about topic.
func speakerSearch(name, topic string) string {
	if topic == "" {
		return "What did " + name + " say?"
	}
	return "What did " + name + " say about " + topic + "?"
}

// whoSaidAnswer answers "Who said Y?" by naming the speakers of the
// sentences that answer it; ok is false when those sentences attribute
// nothing, and the question is then answered as one of fact.
func (b *Bot) whoSaidAnswer(ctx context.Context, q string, r reading) (ev []Evidence, a Answer, ok bool, err error) {
	ev, err = b.search(ctx, r.search, retrieveK, r.outlets)
	if err != nil || len(ev) == 0 || !b.answers(ev[0]) {
		return ev, a, false, err
	}
	if !hasAttributions(ev) {
		return ev, a, false, nil
	}
	// The sentences that say it: they answer, and hold most of what the
	// question says was said ("Who said nobody should have to wonder
	// ...?" is not answered by "county officials said" a toll).
	says := func(e Evidence) bool { return b.answers(e) && holds(e.Sentence, r.topic) }
	g := newOutletGroups()
	g.addMatching(ev, func(e Evidence) bool { return says(e) && e.Speaker() != "" })
	picks := g.picks(b.maxSentences())
	if len(picks) == 0 {
		// Said, but attributed to no one: the outlets' own words.
		plain := newOutletGroups()
		plain.addMatching(ev, says)
		if picks = plain.picks(b.maxSentences()); len(picks) == 0 {
			return ev, noAnswer(q), true, nil
		}
		a = Answer{Question: q, Mode: ModeExtractive}
		a.Text, a.Citations = quote("The coverage does not say who said it; it reports it as its own:", picks)
		return b.forModel(ev, picks), a, true, nil
	}
	// The speakers, in order, each with the markers of its sentences.
	var order []string
	marks := map[string]string{}
	for i, e := range picks {
		sp := collapseSpace(e.Speaker())
		key := strings.ToLower(sp)
		if ws := wordsOf(sp); len(ws) > 0 {
			key = ws[len(ws)-1].lower
		}
		if _, seen := marks[key]; !seen {
			order = append(order, key)
			marks[key+"\x00name"] = sp
		} else if len(sp) > len(marks[key+"\x00name"]) {
			marks[key+"\x00name"] = sp
		}
		marks[key] += fmt.Sprintf("[%d]", i+1)
	}
	var lead strings.Builder
	for i, k := range order {
		switch {
		case i > 0 && i == len(order)-1:
			lead.WriteString(" and ")
		case i > 0:
			lead.WriteString(", ")
		}
		fmt.Fprintf(&lead, "%s %s", marks[k+"\x00name"], marks[k])
	}
	lead.WriteString(" said it.")
	s := lead.String()
	if len(order) == 1 {
		s = fmt.Sprintf("%s said it %s.", marks[order[0]+"\x00name"], marks[order[0]])
	}
	if r, n := utf8.DecodeRuneInString(s); n > 0 {
		// "County officials [1] said it."
		s = string(unicode.ToUpper(r)) + s[n:]
	}
	a = Answer{Question: q, Mode: ModeExtractive}
	a.Text, a.Citations = quote(s, picks)
	return b.forModel(ev, picks), a, true, nil
}

func (b *Bot) maxSentences() int {
	if b.MaxSentences == 0 {
		return 2
	}
	return b.MaxSentences
}

// plausibleSpeaker reports whether an extracted speaker can be one: a
// name, a role ("the mayor"), people ("officials", "police"), a document
// ("the report"); not a lone word of the sentence taken for its subject
// ("talk" of "any talk of sanctions").
func plausibleSpeaker(sp string) bool {
	ws := wordsOf(sp)
	if len(ws) != 1 {
		return len(ws) > 1
	}
	w := ws[0]
	r := []rune(w.text)
	return unicode.IsUpper(r[0]) || isTitle(w.lower) || isPeopleNoun(w.lower) ||
		len(w.lower) > 3 && strings.HasSuffix(w.lower, "s") && !strings.HasSuffix(w.lower, "ss")
}

// holds reports whether sentence s holds most (three in five) of the
// content words of what (words of four letters or more, less question
// words), or what has none.
func holds(s, what string) bool {
	in := map[string]bool{}
	for _, w := range wordsOf(s) {
		in[w.lower] = true
		in[strings.TrimSuffix(w.lower, "s")] = true
	}
	n, have := 0, 0
	for _, w := range wordsOf(what) {
		if len(w.lower) < 4 || isQuestionWord(w.lower) {
			continue
		}
		n++
		if in[w.lower] || in[strings.TrimSuffix(w.lower, "s")] {
			have++
		}
	}
	return n == 0 || 5*have >= 3*n
}

// speaksIn reports whether sentence s names the speaker asked about with
// a verb of saying within the eight words after the name ("Lavrov
// restated", "quoted Medvedev as saying", "Medvedev had told her"): a
// sentence that only mentions them ("stirred up by Mr. Trump") is not
// what they said.
func (a askedSpeaker) speaksIn(s string, rn roleNames) bool {
	ws := wordsOf(s)
	for i := range ws {
		if !a.matches(ws[i].text, rn) && !(a.role != "" && roleAt2(ws[i:min(i+len(strings.Fields(a.role)), len(ws))], strings.Fields(a.role))) {
			continue
		}
		for _, w := range ws[i+1 : min(i+9, len(ws))] {
			if isSayWord(w.lower) {
				return true
			}
		}
	}
	return false
}

// isSayWord reports a verb of saying.
func isSayWord(w string) bool {
	switch w {
	case "said", "says", "say", "saying", "told", "tells", "tell", "telling", "restated", "stated", "states",
		"added", "adds", "warned", "warns", "insisted", "insists", "announced", "announces", "argued", "argues",
		"claimed", "claims", "called", "calls", "described", "urged", "urges", "promised", "promises", "vowed",
		"vows", "declared", "declares", "noted", "notes", "explained", "acknowledged", "admitted", "denied",
		"denies", "suggested", "suggests", "asked", "wrote", "writes", "tweeted", "quoted", "expected", "predicted", "repeated", "reiterated", "confirmed":
		return true
	}
	return false
}
