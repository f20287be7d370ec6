package index

import (
	"context"
	"strings"
	"testing"
)

// TestSameEventStems: every word of the classes is the tokenizer's stem
// of a word news uses, so that the classes match what the index holds.
func TestSameEventStems(t *testing.T) {
	words := map[string]string{
		"die": "died", "death": "deaths", "kill": "killed", "toll": "toll", "fatal": "fatalities", "perish": "perished",
		"casualti": "casualties", "injur": "injured", "injuri": "injuries", "wound": "wounded", "hurt": "hurt",
		"miss": "missing", "unaccount": "unaccounted", "arrest": "arrested", "detain": "detained", "custodi": "custody",
		"evacu": "evacuated", "flee": "flee", "fled": "fled", "earthquak": "earthquake", "quak": "quake", "tremor": "tremor",
		"explos": "explosion", "explod": "exploded", "blast": "blast", "storm": "storm", "hurrican": "hurricane",
		"typhoon": "typhoon", "cyclon": "cyclone", "fire": "fire", "blaze": "blaze", "resign": "resigned", "quit": "quit",
	}
	an := newAnalyzer(64)
	for _, class := range sameEvent() {
		for _, stem := range class {
			w, ok := words[stem]
			if !ok {
				t.Errorf("%q: no word of it in the test", stem)
				continue
			}
			toks := an.tokens(nil, "x "+w)
			if got := toks[len(toks)-1]; got.term != stem || got.stop {
				t.Errorf("%q is %q (stop %v), not %q", w, got.term, got.stop, stem)
			}
		}
	}
	// "dead" and "death" are lemmatised to "die".
	for _, w := range []string{"dead", "death", "dies"} {
		if toks := an.tokens(nil, "x "+w); toks[1].term != "die" {
			t.Errorf("%q is %q, not die", w, toks[1].term)
		}
	}
}

// TestCasualtyQuestionReachesEveryOutlet: "How many people died?" over
// four outlets that say "died", "were killed", "the death toll rose to"
// and "were dead" finds every outlet's figure ("dead" and "death" are
// lemmatised to "die"; "killed" is reached only by its class).
func TestCasualtyQuestionReachesEveryOutlet(t *testing.T) {
	arts, _ := bridge()
	want := map[string]string{
		"herald": "Twelve people died",
		"times":  "Fourteen people were killed",
		"post":   "The death toll",
		"star":   "Officials said 13 people were dead",
	}
	d := diskWith(t, arts, nil)
	m := Build(arts)
	// "How many died?": no word but "died" to find the others by.
	for name, ev := range map[string][]string{
		"disk":          sentencesOf(retrieveAll(t, d, "How many people died?", 6)),
		"memory":        sentencesOf(retrieveAll(t, m, "How many people died?", 6)),
		"disk, died":    sentencesOf(retrieveAll(t, d, "How many died?", 6)),
		"memory, died":  sentencesOf(retrieveAll(t, m, "How many died?", 6)),
		"disk, killed":  sentencesOf(retrieveAll(t, d, "How many were killed?", 6)),
		"disk, deaths?": sentencesOf(retrieveAll(t, d, "What was the death toll?", 6)),
	} {
		for id, prefix := range want {
			found := false
			for _, s := range ev {
				found = found || strings.HasPrefix(s, prefix)
			}
			if !found {
				t.Errorf("%s: %s's %q is not among the first 6: %q", name, id, prefix, ev)
			}
		}
		if len(ev) != 4 {
			t.Errorf("%s: %d sentences, want the 4 that give a toll: %q", name, len(ev), ev)
		}
	}
	q := analyseQuestion("How many people died?", nil)
	var alts []string
	for _, w := range q.terms {
		if w.alt {
			alts = append(alts, w.term)
		}
	}
	if strings.Join(alts, " ") != "death kill toll fatal perish casualti" {
		t.Errorf("alternates of died: %q", alts)
	}
	// The alternates are in no total: a sentence's coverage stays at most 1.
	ev, _ := d.Retrieve(context.Background(), "How many people died or were killed, dead or hurt?", 10)
	for _, e := range ev {
		if e.Relevance.Coverage > 1 || e.Relevance.Own > e.Relevance.Coverage {
			t.Errorf("%q: coverage %v, own %v", e.Sentence, e.Relevance.Coverage, e.Relevance.Own)
		}
	}
}
