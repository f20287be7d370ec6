package newsbot

import (
	"slices"
	"strings"
)

// The speaker check: a sentence of the model's reply that says a person
// said something ("Lavrov said ...", "According to Clinton, ...",
// "Medvedev told reporters ...", "..., said Lavrov", "Clinton quoted
// Medvedev as saying ...", "quoting Mayor Jane Ortiz") must name someone
// the evidence it cites says said it. For each person it names so, one of
// the sentences it cites (after the support check chose them) must have
//
//   - that person among its named speakers: the speakers of the
//     attributions extracted from its article (Evidence.Attributions)
//     whose content reaches into it, and the people the sentence itself
//     names as saying something, found the same way as in the reply;
//     unless the sentence has several attributions and the one whose
//     content holds most of the claim's words is another speaker's; or
//   - no named speaker at all (it attributes nothing, or only to "he" or
//     "officials"), and that person named in the sentence outside the
//     content of its attributions ("officials said Ortiz resigned" does
//     not have Ortiz say anything), or as the subject of its context (who
//     "he" is).
//
// A person named by an outlet, wire or author of the evidence ("Reuters
// reported ...") is the outlet, not a speaker, and passes. Names compare
// tolerantly: by their last name part, without titles and possessives,
// so "Lavrov", "Sergei Lavrov", "Russian Foreign Minister Sergei
// Lavrov" and "Lavrov's" are one person. A sentence that fails is dropped
// as a misattribution (Removed.Misattributed), with the rules of every
// dropped sentence. People named in lower case ("the mayor said",
// "officials said") are not checked: they name no one the check can tell
// apart.

// speechVerbs are the verbs that attribute words or a view to their
// subject.
var speechVerbs = set(`said says say told tells added adds stated states warned warns insisted insists
argued argues noted notes acknowledged acknowledges claimed claims declared declares announced announces
explained explains stressed stresses asserted asserts maintained maintains remarked replied responded
wrote writes asked asks urged urges vowed vows promised promises denied denies admitted admits conceded
concedes suggested suggests predicted predicts confirmed confirms described describes called calls
restated restates reiterated reiterates quoted quotes agreed agrees complained complains cautioned
praised praises hailed hails welcomed welcomes criticised criticized criticises criticizes condemned
condemns rejected rejects dismissed dismisses
cautions emphasised emphasized emphasises emphasizes recalled recalls believes believed thinks thought
estimated estimates reported reports`)

// invertedVerbs are the verbs a speaker may follow: "..., said Lavrov".
var invertedVerbs = set(`said says added asked wrote continued explained noted insisted warned`)

// speakerAux are the words that may stand between a speaker and the verb:
// "Medvedev had told her", "Lavrov later said", "Medvedev was quoted as
// saying".
var speakerAux = set(`has had have also later then previously again reportedly earlier once repeatedly
was is were are been being quoted`)

// calendar are the names of days and months: capitalised, never a
// speaker ("Lavrov on Tuesday said").
var calendar = set(`monday tuesday wednesday thursday friday saturday sunday january february march april
may june july august september october november december`)

// person is someone a text says said something: the name parts of how it
// names them (normalised, no titles: "sergei", "lavrov").
type person []string

// last is the person's last name part: the one compared.
func (p person) last() string { return p[len(p)-1] }

// sword is one word of a text, for the speaker check.
type sword struct {
	text    string // as written
	norm    string // nameNorm of it
	gap     string // the text between the word before and this one
	at      int    // its byte offset in the text
	initial bool   // it opens a sentence, a quotation or a clause
}

// swordsOf reads the words of s, with what stands between them.
func swordsOf(s string) []sword {
	toks := tokens(s)
	out := make([]sword, 0, len(toks))
	pos := 0
	for _, t := range toks {
		i := strings.Index(s[pos:], t.text)
		if i < 0 {
			continue
		}
		out = append(out, sword{text: t.text, norm: nameNorm(t.text), gap: s[pos : pos+i], at: pos + i, initial: t.initial})
		pos += i + len(t.text)
	}
	return out
}

// spaceOnly reports a gap between two words of one name.
func spaceOnly(gap string) bool {
	return strings.TrimLeft(gap, " \t\u00a0") == ""
}

// attributedIn returns the people text (plain: no markers, no links) says
// said something. lowerIn tells words the evidence has in lower case, so
// that "Diplomats" opening a sentence is no name.
func attributedIn(text string, lowerIn func(string) bool) []person {
	ws := swordsOf(maskQuotes(text))
	var out []person
	add := func(p person) {
		if len(p) > 0 && !slices.ContainsFunc(out, func(q person) bool { return q.last() == p.last() }) {
			out = append(out, p)
		}
	}
	for i, w := range ws {
		switch {
		case w.norm == "according" && i+1 < len(ws) && ws[i+1].norm == "to":
			add(nameAfter(ws, i+2, lowerIn))
		case w.norm == "quoting":
			add(nameAfter(ws, i+1, lowerIn))
		case w.norm == "saying" && i > 0 && ws[i-1].norm == "as":
			add(nameBefore(ws, i-1, lowerIn))
		case speechVerbs[w.norm] && w.text == w.norm:
			if invertedVerbs[w.norm] && strings.ContainsAny(w.gap, ",”\"’") {
				if p := nameAfter(ws, i+1, lowerIn); len(p) > 0 {
					add(p)
					continue
				}
			}
			add(nameBefore(ws, i, lowerIn))
		}
	}
	return out
}

// nameBefore reads the name that is the subject of the verb ws[i]: the
// capitalised words just before it, past auxiliaries ("had told") and an
// aside between commas ("Clinton, on her first visit to Russia, quoted").
func nameBefore(ws []sword, i int, lowerIn func(string) bool) person {
	j := i - 1
	for j >= 0 && spaceOnly(ws[j+1].gap) {
		switch {
		case speakerAux[ws[j].norm] && ws[j].text == ws[j].norm:
			j--
			continue
		case calendar[ws[j].norm] && j > 0 && (ws[j-1].norm == "on" || ws[j-1].norm == "in" || ws[j-1].norm == "last") && spaceOnly(ws[j].gap):
			j -= 2 // "Lavrov on Tuesday said"
			continue
		}
		break
	}
	if j < 0 {
		return nil
	}
	if strings.Contains(ws[j+1].gap, ",") {
		// An aside: the name is before the comma that opens it.
		k := j
		for ; k > 0 && j-k < 15 && !strings.Contains(ws[k].gap, ","); k-- {
		}
		if k <= 0 || !strings.Contains(ws[k].gap, ",") {
			return nil
		}
		j = k - 1
	} else if !spaceOnly(ws[j+1].gap) {
		return nil // a quotation or a clause ends between them
	}
	start := j + 1
	for k := j; k >= 0; k-- {
		if k < j && !spaceOnly(ws[k+1].gap) {
			break
		}
		w := ws[k]
		inner := k < j && isUpperStart(ws[k+1].text) && (w.norm == "of" || titles[w.norm])
		if !isUpperStart(w.text) && !inner {
			break
		}
		start = k
	}
	return nameParts(ws[start:j+1], lowerIn)
}

// nameAfter reads the name that starts at ws[i] ("according to the
// Kremlin", "quoting Mayor Jane Ortiz", "..., said Lavrov").
func nameAfter(ws []sword, i int, lowerIn func(string) bool) person {
	if i < len(ws) && ws[i].norm == "the" {
		i++
	}
	end := i
	for k := i; k < len(ws); k++ {
		if k > i && !spaceOnly(ws[k].gap) {
			break
		}
		w := ws[k]
		inner := k > i && k+1 < len(ws) && isUpperStart(ws[k+1].text) && (w.norm == "of" || titles[w.norm])
		if !isUpperStart(w.text) && !inner {
			break
		}
		end = k + 1
	}
	return nameParts(ws[i:end], lowerIn)
}

// nameParts keeps of a run of words the parts of a name: capitalised
// words that are neither titles nor words opening a sentence.
func nameParts(run []sword, lowerIn func(string) bool) person {
	var p person
	for _, w := range run {
		n := w.norm
		if !isUpperStart(w.text) || titles[n] || starters[n] || stopWords[n] || calendar[n] || n == "us" || n == "" {
			continue
		}
		if w.initial && lowerIn != nil && lowerIn(n) {
			continue
		}
		p = append(p, n)
	}
	return p
}

// speakerName reads a speaker as an attribution gives it ("Russian
// President Dmitry Medvedev"): its name parts, and all its words; no
// parts when it names no one ("officials", "he", "the mayor").
func speakerName(s string) (parts person, all map[string]bool) {
	all = map[string]bool{}
	for _, w := range swordsOf(s) {
		all[w.norm] = true
		if isUpperStart(w.text) && !titles[w.norm] && !starters[w.norm] && !stopWords[w.norm] && w.norm != "us" {
			parts = append(parts, w.norm)
		}
	}
	return parts, all
}

// speakers is what the speaker check knows of one evidence sentence.
type speakers struct {
	named []named // its named speakers
	// spans are its attributions' contents within it, each with the stems
	// of its words: whose words a claim repeats, when the sentence has
	// several speakers.
	spans []span
	// free holds the names the sentence has outside the content of its
	// attributions: people it may say said something, when none of its
	// speakers is named. A name inside another's content ("officials said
	// Ortiz ...") is talked about, not speaking.
	free map[string]bool
}

// span is the content of one attribution of an evidence sentence.
type span struct {
	speaker  named // no parts when it names no one
	from, to int   // its bytes in the sentence
	stems    map[string]bool
}

// nests reports two spans of which one holds the other: "Clinton quoted
// Medvedev as saying X" has Clinton's content hold Medvedev's, and both
// say X.
func (s span) nests(o span) bool {
	return s.from <= o.from && o.to <= s.to || o.from <= s.from && s.to <= o.to
}

// named is one named speaker of an evidence sentence.
type named struct {
	parts person
	all   map[string]bool
}

func (n named) is(p person) bool {
	return n.all[p.last()] || slices.Contains(p, n.parts.last())
}

// speakersOf reads the named speakers of evidence e: those of its
// attributions, and those the sentence names itself.
func speakersOf(e Evidence, lowerIn func(string) bool) speakers {
	var out speakers
	for _, a := range e.Attributions {
		if !overlaps(a, e) {
			continue
		}
		parts, all := speakerName(a.Speaker)
		if len(parts) > 0 {
			out.named = append(out.named, named{parts, all})
		}
		// Clamped: a retriever's byte ranges are trusted no further than
		// the sentence it gives.
		from, to := min(max(a.Start, e.Start)-e.Start, len(e.Sentence)), min(a.End, e.End)-e.Start
		to = max(from, min(to, len(e.Sentence)))
		sp := span{speaker: named{parts, all}, from: from, to: to, stems: map[string]bool{}}
		for _, t := range tokens(e.Sentence[from:to]) {
			sp.stems[stem(nameNorm(t.text))] = true
		}
		out.spans = append(out.spans, sp)
	}
	for _, p := range attributedIn(e.Sentence, lowerIn) {
		all := map[string]bool{}
		for _, n := range p {
			all[n] = true
		}
		out.named = append(out.named, named{p, all})
	}
	out.free = map[string]bool{}
	for _, w := range swordsOf(e.Sentence) {
		at := e.Start + w.at
		inside := false
		for _, a := range e.Attributions {
			inside = inside || at >= a.Start && at < a.End
		}
		if !inside {
			out.free[w.norm] = true
		}
	}
	return out
}

// speakersOf is speakersOf for evidence n, kept.
func (c *checker) speakersOf(n int) speakers {
	if c.speakers == nil {
		c.speakers = make([]*speakers, len(c.evidence))
	}
	if c.speakers[n-1] == nil {
		s := speakersOf(c.evidence[n-1], c.lower)
		c.speakers[n-1] = &s
	}
	return *c.speakers[n-1]
}

// misattributed reports whether claim (a sentence with its markers) says
// someone said something whom none of the evidence it cites says so.
func (c *checker) misattributed(claim string, cites []int) bool {
	people, ok := c.attributed[claim]
	if !ok {
		people = attributedIn(c.plainOf(claim), c.lower)
		c.attributed[claim] = people
	}
	for _, p := range people {
		if !c.outlet(p) && !c.saidIn(p, cites, claim) {
			return true
		}
	}
	return false
}

// spokeOthers reports whether claim repeats the words of another than p in
// evidence sp: the attribution whose content holds most of the claim's
// words is someone else's, and none of p's holds as many ("Officials called
// the talks constructive, but Mrs Clinton warned ..." does not have Clinton
// call them constructive).
func (c *checker) spokeOthers(p person, sp speakers, claim string) bool {
	if len(sp.spans) < 2 {
		return false
	}
	f := c.factsOf(c.plainOf(claim))
	words := append(append([]string{}, f.content...), f.quoted...)
	held := func(s span) int {
		n := 0
		for _, w := range words {
			if s.stems[w] {
				n++
			}
		}
		return n
	}
	his := func(s span) bool { return len(s.speaker.parts) > 0 && s.speaker.is(p) }
	mine, others := 0, 0
	for _, s := range sp.spans {
		if his(s) {
			mine = max(mine, held(s))
		}
	}
	for _, s := range sp.spans {
		if his(s) || slices.ContainsFunc(sp.spans, func(o span) bool { return his(o) && o.nests(s) }) {
			continue // p's own, or holding p's or held by it
		}
		others = max(others, held(s))
	}
	return others > mine
}

// outlet reports a person who is an outlet, wire or author of the
// evidence: "Reuters reported".
func (c *checker) outlet(p person) bool {
	if c.outlets == nil {
		c.outlets = map[string]bool{}
		for _, e := range c.evidence {
			for _, meta := range []string{e.Outlet, e.Wire, e.Author} {
				for _, t := range tokens(meta) {
					c.outlets[nameNorm(t.text)] = true
				}
			}
		}
	}
	return c.outlets[p.last()]
}

// saidIn reports whether one of the evidence sentences cites says p said
// what it says (see the rules above).
func (c *checker) saidIn(p person, cites []int, claim string) bool {
	for _, n := range cites {
		sp := c.speakersOf(n)
		if slices.ContainsFunc(sp.named, func(s named) bool { return s.is(p) }) && !c.spokeOthers(p, sp, claim) {
			return true
		}
		if len(sp.named) == 0 && (sp.free[p.last()] || c.sources[n-1].subject[p.last()]) {
			return true
		}
	}
	return false
}
