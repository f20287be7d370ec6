package newsbot

import (
	"slices"
	"testing"
)

// Questions are read for the kind of answer they want, in general English
// patterns; an outlet the question names is a filter and leaves the
// question searched.
func TestReadQuestion(t *testing.T) {
	outlets := []string{"Reuters", "AP", "Valley Courier", "The Times"}
	for _, tt := range []struct {
		q       string
		kind    questionKind
		speaker string
		topic   string
		search  string // "" for the question itself
		outlets []string
		agree   bool
	}{
		{q: "What did Lavrov say about sanctions?", kind: kindSpeaker, speaker: "Lavrov", topic: "sanctions"},
		{q: "What did the mayor say?", kind: kindSpeaker, speaker: "the mayor"},
		{q: "What did Sergei Lavrov tell reporters?", kind: kindSpeaker, speaker: "Sergei Lavrov"},
		{q: "What has the fire chief announced about the search?", kind: kindSpeaker, speaker: "the fire chief", topic: "the search"},
		{q: "According to the governor, how many bridges will close?", kind: kindSpeaker, speaker: "the governor", topic: "how many bridges will close", search: "How many bridges will close?"},
		{q: "Who said the talks were constructive?", kind: kindWhoSaid, topic: "the talks were constructive"},
		{q: "Who told reporters that the bridge was safe?", kind: kindWhoSaid, topic: "reporters that the bridge was safe"},
		{q: "How did the outlets report the collapse?", kind: kindCoverage, topic: "the collapse", search: "What about the collapse?"},
		{q: "Do the outlets agree on the toll?", kind: kindCoverage, topic: "the toll", search: "How many people died?", agree: true},
		{q: "Did the outlets agree on how many were killed?", kind: kindCoverage, topic: "how many were killed", search: "How many were killed?", agree: true},
		{q: "Which outlets reported different death tolls?", kind: kindCoverage, topic: "death tolls", search: "How many people died?", agree: true},
		{q: "What did outlets disagree on?", kind: kindCoverage, agree: true, search: ""},
		{q: "What did Reuters report about the toll?", kind: kindFact, topic: "the toll", search: "How many people died?", outlets: []string{"Reuters"}},
		{q: "According to the AP, how many people died?", kind: kindFact, search: "How many people died?", outlets: []string{"AP"}},
		{q: "How many people died, according to the Valley Courier?", kind: kindFact, search: "How many people died?", outlets: []string{"Valley Courier"}},
		// The one spoken to is no filter; a common word is no outlet.
		{q: "Who told Reuters the talks were constructive?", kind: kindWhoSaid, topic: "Reuters the talks were constructive"},
		{q: "How many times did the bridge fail?", kind: kindFact},
		{q: "how many times did the bridge fail?", kind: kindFact},
		{q: "according to the times, how many died?", kind: kindFact, search: "How many died?", outlets: []string{"The Times"}},
		{q: "what did the times report about the toll?", kind: kindFact, topic: "the toll", search: "How many people died?", outlets: []string{"The Times"}},
		{q: "What did sources say about the talks?", kind: kindSpeaker, speaker: "sources", topic: "the talks"},
		{q: "How many people died?", kind: kindFact},
		{q: "Which meal kit service received hundreds of reports of illness following a recall?", kind: kindFact},
		{q: "Did Reuters and the AP agree on the toll?", kind: kindCoverage, topic: "the toll", search: "How many people died?", outlets: []string{"Reuters", "AP"}, agree: true},
		{q: "Why did Mrs Clinton miss the July summit?", kind: kindFact},
		{q: "What did he say?", kind: kindFact},
	} {
		r := readQuestion(tt.q, outlets)
		search := tt.search
		if search == "" && !(tt.kind == kindCoverage) {
			search = tt.q
		}
		if r.kind != tt.kind || r.speaker != tt.speaker || r.topic != tt.topic || r.search != search || !slices.Equal(r.outlets, tt.outlets) || r.agree != tt.agree {
			t.Errorf("readQuestion(%q) = %+v\nwant kind %d speaker %q topic %q search %q outlets %v agree %v", tt.q, r, tt.kind, tt.speaker, tt.topic, search, tt.outlets, tt.agree)
		}
	}
}

// Figures are read from digits and words, with their qualifiers; ages,
// years, times and additions are not the figure asked for.
func TestPickFigure(t *testing.T) {
	for _, tt := range []struct {
		q, s string
		want string // display, "" for none
		v    float64
	}{
		{"How many people died?", "At least 14 people were killed on Tuesday.", "at least 14", 14},
		{"How many people died?", "Twelve people died and 23 were injured.", "twelve", 12},
		{"How many people died?", "The death toll from the collapse of the bridge in Millbrook rose to 15 after divers recovered two more bodies.", "15", 15},
		{"How many people died?", "Three people remain missing, and a 34-year-old man was injured.", "", 0},
		{"How many people died?", "Twenty-one people died in the fire, which began at 5:40 p.m.", "twenty-one", 21},
		{"How many were injured?", "Twelve people died and 23 were injured.", "23", 23},
		{"How much did it cost?", "Repairs were due to cost $1.5 million in 2026.", "$1.5 million", 1.5e6},
		{"How much did it cost?", "The repairs cost 2 million euros.", "2 million euros", 2e6},
		{"When did the bridge collapse?", "The bridge collapsed on March 10 at dusk.", "March 10", 310},
		{"How many people died?", "The bridge, built in 1961, carried traffic.", "", 0},
	} {
		f, ok := pickFigure(tt.q, tt.s)
		if tt.want == "" {
			if ok {
				t.Errorf("pickFigure(%q, %q) = %q, want none", tt.q, tt.s, f.display())
			}
			continue
		}
		if !ok || f.display() != tt.want || f.value != tt.v {
			t.Errorf("pickFigure(%q, %q) = %q (%v, %v), want %q (%v)", tt.q, tt.s, f.display(), f.value, ok, tt.want, tt.v)
		}
	}
}

// Speakers match by any part of a name, or a role by its words or by a
// name the coverage gives it.
func TestSpeakerMatches(t *testing.T) {
	rn := roleNames{}
	rn.learn("Ortiz, the city's mayor since 2022, said on Wednesday that she had asked investigators.", "mayor")
	rn.learn("The governor, Linda Hale, toured the site.", "mayor")
	for _, tt := range []struct {
		asked, speaker string
		want           bool
	}{
		{"Lavrov", "Sergei Lavrov", true},
		{"Sergei Lavrov", "Lavrov", true},
		{"Mr Lavrov", "Foreign Minister Sergei Lavrov", true},
		{"Lavrov", "Hillary Clinton", false},
		{"the mayor", "Mayor Jane Ortiz", true},
		{"the mayor", "Jane Ortiz", true},
		{"the mayor", "Linda Hale", false},
		{"the fire chief", "Fire Chief Tom Reyes", true},
		{"the fire chief", "the mayor's office", false},
		{"officials", "county officials", true},
		{"the mayor", "", false},
	} {
		if got := parseSpeaker(tt.asked).matches(tt.speaker, rn); got != tt.want {
			t.Errorf("%q matches %q = %v, want %v", tt.asked, tt.speaker, got, tt.want)
		}
	}
}

// A lone lower-case word is no speaker unless it names people or a role.
func TestPlausibleSpeaker(t *testing.T) {
	for sp, want := range map[string]bool{
		"talk": false, "it": false, "officials": true, "police": true, "diplomats": true,
		"Lavrov": true, "the report": true, "spokesman": true, "business": false,
	} {
		if got := plausibleSpeaker(sp); got != want {
			t.Errorf("plausibleSpeaker(%q) = %v, want %v", sp, got, want)
		}
	}
}

// The model is given every sentence an answer quotes, within its share,
// and the first retrieval's order otherwise.
func TestForModel(t *testing.T) {
	var all []Evidence
	for i := range 10 {
		all = append(all, Evidence{ArticleID: string(rune('a' + i)), Start: i})
	}
	picks := []Evidence{all[0], all[9]}
	got := (&Bot{}).forModel(all, picks)
	var ids string
	for _, e := range got {
		ids += e.ArticleID
	}
	if ids != "abcdefgjhi" {
		t.Errorf("forModel = %s, want abcdefgjhi", ids)
	}
	if got := (&Bot{}).forModel(all, all[:2]); len(got) != 10 || got[0].ArticleID != "a" || got[9].ArticleID != "j" {
		t.Errorf("picks already in the model's share moved the order")
	}
}

// A sentence that names the speaker is theirs only with a verb of saying
// after the name.
func TestSpeaksIn(t *testing.T) {
	for _, tt := range []struct {
		asked, s string
		want     bool
	}{
		{"Medvedev", "Clinton quoted Russian President Dmitry Medvedev as saying sanctions might be inevitable.", true},
		{"Lavrov", "But Foreign Minister Sergei Lavrov restated at a news conference that talk of sanctions was counter-productive.", true},
		{"Trump", "For all the hatred of immigrants stirred up by Mr. Trump, most Americans still believe immigration is good.", false},
		{"Lavrov", "Clinton praised discussions with Lavrov.", false},
		{"the mayor", "The mayor said the bridge would be rebuilt.", true},
	} {
		if got := parseSpeaker(tt.asked).speaksIn(tt.s, roleNames{}); got != tt.want {
			t.Errorf("%q speaks in %q = %v, want %v", tt.asked, tt.s, got, tt.want)
		}
	}
}
