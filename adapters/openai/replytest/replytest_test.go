package replytest

import (
	"strings"
	"testing"
	"time"

	"github.com/newsbot-dev/newsbot"
)

func TestCases(t *testing.T) {
	cases, err := Cases()
	if err != nil {
		t.Fatal(err)
	}
	if len(cases) < 40 {
		t.Errorf("%d cases, want at least 40", len(cases))
	}
	for _, c := range cases {
		if len(Evidence(c.Question)) == 0 {
			t.Errorf("%s: no evidence", c.Name)
		}
		if c.Want != "" && len(c.Cites) == 0 {
			t.Errorf("%s: an answer without citations", c.Name)
		}
	}
}

// The checks that do not trust the checker catch what they are for.
func TestUnsupportedCatches(t *testing.T) {
	ev := Evidence("What did Lavrov say about sanctions?")
	cite := func(i int) newsbot.Citation {
		e := ev[i]
		return newsbot.Citation{N: 1, Sentence: e.Sentence, Outlet: e.Outlet, Published: e.Published}
	}
	tests := []struct {
		text string
		want string // "" for no problem
	}{
		{"Lavrov said any talk of sanctions against Iran at this stage was counter-productive [1].", ""},
		{"Reuters reported on October 14 that Lavrov restated Russia’s position [1].", ""},
		{"Medvedev said any talk of sanctions was counter-productive [1].", `name "Medvedev"`},
		{"Lavrov said it was “counter-productive at this point” [1].", "quotation"},
		{"Lavrov said so in 2004 [1].", "number 2004"},
		{"Lavrov said so.", "no marker"},
		{"Lavrov said so [2].", "names no citation"},
		{"No. Lavrov said any talk of sanctions was counter-productive [1].", ""},
	}
	for _, tc := range tests {
		got := strings.Join(Unsupported(newsbot.Answer{Text: tc.text, Citations: []newsbot.Citation{cite(0)}}), "; ")
		if tc.want == "" && got != "" || tc.want != "" && !strings.Contains(got, tc.want) {
			t.Errorf("Unsupported(%q) = %q, want %q", tc.text, got, tc.want)
		}
	}
}

func TestLeaksCatches(t *testing.T) {
	c := Case{
		Question: "What did Lavrov say about sanctions?",
		Reply:    "<think>Okay, so the user wants to know what Lavrov said, let me look.</think>Lavrov called talk of sanctions counter-productive [1].",
	}
	if l := Leaks(c, "Lavrov called talk of sanctions counter-productive [1]."); len(l) != 0 {
		t.Errorf("leaks in a clean answer: %q", l)
	}
	if l := Leaks(c, "Okay, so the user wants to know what Lavrov said. Lavrov called talk of sanctions counter-productive [1]."); len(l) == 0 {
		t.Error("reasoning shown, not caught")
	}
	if l := Leaks(c, "</think> Lavrov called talk of sanctions counter-productive [1]."); len(l) == 0 {
		t.Error("a tag shown, not caught")
	}
	orphan := Case{Question: c.Question, Reply: "I need to check who said it first.\n</think>\nLavrov called it counter-productive [1]."}
	if r := orphan.Reasoning(); len(r) != 1 || !strings.Contains(r[0], "I need to check") {
		t.Errorf("reasoning of a reply opened in the prompt = %q", r)
	}
}

func TestRetriever(t *testing.T) {
	ev, err := Retriever{}.Retrieve(t.Context(), "What did Lavrov say about sanctions?", 3)
	if err != nil || len(ev) != 3 || !strings.Contains(ev[0].Sentence, "counter-productive") {
		t.Fatalf("Retrieve = %d sentences, %v", len(ev), err)
	}
	a, _ := ArticleByID(ev[0].ArticleID)
	if a.Body[ev[0].Start:ev[0].End] != ev[0].Sentence || ev[0].Published != time.Date(2009, 10, 14, 0, 0, 0, 0, time.UTC) {
		t.Errorf("evidence is not its article's bytes, or lacks its date: %+v", ev[0])
	}
	if ev[2].Before == "" {
		t.Errorf("“... he said.” has no context")
	}
	if ev, _ := (Retriever{}).Retrieve(t.Context(), "Who won the World Cup?", 5); ev != nil {
		t.Errorf("unknown question: %d sentences", len(ev))
	}
}
