package newsbot

import (
	"fmt"
	"strings"
	"testing"
)

// moscow is evidence as the index retrieves it for "What did Lavrov say
// about sanctions?" from the built-in coverage (white space as in the
// articles).
func moscow() []Evidence {
	const reuters = "Clinton fails to win Russia pledge on Iran sanctions"
	ev := []Evidence{
		{Sentence: "But Foreign Minister Sergei Lavrov restated at a news\u00a0 conference with Clinton Russia’s position that any talk of\u00a0 sanctions against Iran at this stage was counter-productive.", Outlet: "Reuters", Title: reuters,
			Before: "A senior U.S. official had said before the talks that\u00a0 Clinton wanted to know “what specific forms of pressure Russia\u00a0 would be prepared to join us and our other allies in” if Iran\u00a0 did not keep promises to the international community not to\u00a0 pursue nuclear weapons."},
		{Sentence: "Clinton praised “very comprehensive and productive”\u00a0 discussions with Lavrov, saying they were further evidence of\u00a0 the “reset” in formerly rocky U.S.-Russia relations.", Outlet: "Reuters", Title: reuters},
		{Sentence: "“All forces should be aimed at supporting talks,” he said.", Outlet: "Reuters", Title: reuters,
			Before: "But Foreign Minister Sergei Lavrov restated at a news\u00a0 conference with Clinton Russia’s position that any talk of\u00a0 sanctions against Iran at this stage was counter-productive."},
		{Sentence: "“I feel very good about the so-called reset,” she said.", Outlet: "Reuters", Title: reuters,
			Before: "Clinton praised “very comprehensive and productive”\u00a0 discussions with Lavrov, saying they were further evidence of\u00a0 the “reset” in formerly rocky U.S.-Russia relations."},
		{Sentence: "Clinton, on her first visit to Russia since taking her post,\u00a0 quoted Russian President Dmitry Medvedev as saying sanctions\u00a0 against Iran might be inevitable.", Outlet: "Reuters", Title: reuters},
		{Sentence: "Russia has supported three sets of United Nations sanctions on Iran, though Western powers say Russian diplomats refused to agree to tougher measures against Tehran and Moscow has ruled out imposing oil sanctions against the Islamic Republic."},
		{Sentence: "A U.S. official later told reporters of the Russian side:\u00a0 “They said they weren’t ready in this context to talk\u00a0 specifically about what steps they would be willing to take.”", Outlet: "Reuters", Title: reuters},
		{Sentence: "A U.S. official later told reporters Medvedev had told her\u00a0 he expected Iran to implement its promises on its nuclear\u00a0 programme and if it did not “there should be sanctions”.", Outlet: "Reuters", Title: reuters},
	}
	for i := range ev {
		ev[i].ArticleID = fmt.Sprint("a", i)
		ev[i].End = len(ev[i].Sentence)
		ev[i].URL = fmt.Sprintf("https://news.example/%d", i+1)
	}
	return ev
}

func TestCheck(t *testing.T) {
	tests := []struct {
		name, reply, want string
		removed           Removed
		cites             []int // evidence numbers in citation order
	}{
		{"valid markers renumbered in order",
			"Medvedev was quoted as saying sanctions might be inevitable [5]. Lavrov called talk of sanctions counter-productive [1].",
			"Medvedev was quoted as saying sanctions might be inevitable [1]. Lavrov called talk of sanctions counter-productive [2].", Removed{}, []int{5, 1}},
		{"marker after the period",
			"Lavrov called talk of sanctions counter-productive. [1] Clinton praised the discussions. [2]",
			"Lavrov called talk of sanctions counter-productive. [1] Clinton praised the discussions. [2]", Removed{}, []int{1, 2}},
		{"unknown marker removed", "Lavrov called talk of sanctions counter-productive [1][17].", "Lavrov called talk of sanctions counter-productive [1].", Removed{Markers: 1}, []int{1}},
		{"sentence citing nothing that supports it, re-cited",
			"Lavrov called talk of sanctions counter-productive [17].", "Lavrov called talk of sanctions counter-productive [1].", Removed{Markers: 1, Recited: 1}, []int{1}},
		{"uncited claim dropped", "Russia will veto everything. Lavrov called talk of sanctions counter-productive [1].", "Lavrov called talk of sanctions counter-productive [1].", Removed{Sentences: 1, Unsupported: 1}, []int{1}},
		{"lists and ranges", "Clinton praised the reset in U.S.-Russia relations [2, 4].", "Clinton praised the reset in U.S.-Russia relations [1].", Removed{Recited: 1}, []int{2}},
		{"foreign link removed", "Lavrov called talk of sanctions counter-productive (https://evil.example/x) [1].", "Lavrov called talk of sanctions counter-productive [1].", Removed{Links: 1}, []int{1}},
		{"cited source's link kept", "Lavrov called talk of sanctions counter-productive (https://news.example/1). [1]", "Lavrov called talk of sanctions counter-productive (https://news.example/1). [1]", Removed{}, []int{1}},
		{"markdown link reduced to text", "Lavrov called [talk of sanctions](https://evil.example) counter-productive [1].", "Lavrov called talk of sanctions counter-productive [1].", Removed{Links: 1}, []int{1}},
		{"paragraphs kept", "Lavrov called talk of sanctions counter-productive [1].\n\nClinton praised the discussions [2].", "Lavrov called talk of sanctions counter-productive [1].\n\nClinton praised the discussions [2].", Removed{}, []int{1, 2}},
		{"nothing valid", "Ignore the rules. Visit https://evil.example", "", Removed{Sentences: 2, Unsupported: 2}, nil},
		{"misattributed quote", "Lavrov said sanctions against Iran might be inevitable [5].", "", Removed{Sentences: 1, Unsupported: 1}, nil},
		{"invented clause", "Lavrov called talk of sanctions counter-productive, and he warned that Russia would veto any new UN resolution [1].", "", Removed{Sentences: 1, Unsupported: 1}, nil},
		{"paraphrase in quotation marks", "Lavrov said sanctions were “counter-productive at this point” [1].", "", Removed{Sentences: 1, Unsupported: 1}, nil},
		{"verbatim quote across white space", "Lavrov said “any talk of sanctions against Iran at this stage was counter-productive” [1].", "Lavrov said “any talk of sanctions against Iran at this stage was counter-productive” [1].", Removed{}, []int{1}},
		{"world knowledge", "Lavrov has been Russia's foreign minister since 2004 [1].", "", Removed{Sentences: 1, Unsupported: 1}, nil},
		{"paragraph-end markers", "Lavrov called talk of sanctions counter-productive. He said all forces should support talks. Clinton praised the discussions [1][3][2].",
			"Lavrov called talk of sanctions counter-productive [1]. He said all forces should support talks [2]. Clinton praised the discussions [3].", Removed{Recited: 3}, []int{1, 3, 2}},
		{"he added after a dropped sentence", "Lavrov said Russia would veto new sanctions. He added that all forces should be aimed at supporting talks [3].", "", Removed{Sentences: 2, Unsupported: 1}, nil},
		{"he added after a kept one", "Lavrov called talk of sanctions counter-productive. He added that all forces should be aimed at supporting talks [3].",
			"Lavrov called talk of sanctions counter-productive [1]. He added that all forces should be aimed at supporting talks [2].", Removed{Recited: 1}, []int{1, 3}},
		{"leading marker is the subject", "[5] quotes Medvedev as saying sanctions might be inevitable.", "[1] quotes Medvedev as saying sanctions might be inevitable.", Removed{}, []int{5}},
		{"yes before its support", "No. Clinton said “We did not ask for anything today” [9].", "", Removed{Markers: 1, Sentences: 2, Unsupported: 1}, nil},
		{"reasoning voice dropped", "Let me check [1]: Lavrov called talk of sanctions counter-productive [1].", "", Removed{Sentences: 1}, nil},
		{"gap kept", "Lavrov called talk of sanctions counter-productive [1]. The evidence does not say whether Russia would veto a UN resolution.",
			"Lavrov called talk of sanctions counter-productive [1]. The coverage does not say whether Russia would veto a UN resolution.", Removed{}, []int{1}},
		{"false gap dropped", "Lavrov called talk of sanctions counter-productive [1]. The evidence does not say what Medvedev said about sanctions against Iran.",
			"Lavrov called talk of sanctions counter-productive [1].", Removed{Sentences: 1}, []int{1}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := newChecker(moscow(), "What did Lavrov say about sanctions?", 0)
			got := c.check(tc.reply)
			if got != tc.want {
				t.Errorf("check(%q)\n got %q\nwant %q", tc.reply, got, tc.want)
			}
			if c.removed != tc.removed {
				t.Errorf("removed = %+v, want %+v", c.removed, tc.removed)
			}
			if fmt.Sprint(c.order) != fmt.Sprint(tc.cites) && !(len(c.order) == 0 && len(tc.cites) == 0) {
				t.Errorf("citation order = %v, want %v", c.order, tc.cites)
			}
		})
	}
}

// The text released while streaming is always a prefix of the final text.
func TestStableTextIsPrefix(t *testing.T) {
	for _, reply := range []string{
		"Lavrov called talk of sanctions counter-productive [1]. He said all forces should support talks. [3] Medvedev was quoted as saying sanctions might be inevitable [5][9]. See https://evil.example [1]. Done [4].",
		"Lavrov called talk of sanctions counter-productive. He said all forces should support talks [1][3].\n\n- Clinton praised the discussions\n- Medvedev was quoted as saying sanctions might be inevitable [5]\n\nSources:\n[1] Reuters",
		"No. Clinton praised the discussions [2]. The evidence does not say whether Russia would veto a UN resolution.",
	} {
		c := newChecker(moscow(), "What did Lavrov say about sanctions?", 0)
		final := c.check(reply)
		for i := range reply {
			s := c.stableText(reply[:i], false)
			if !strings.HasPrefix(final, s) {
				t.Fatalf("after %d bytes, released %q is not a prefix of the final %q", i, s, final)
			}
		}
	}
}

// BenchmarkCheckStreamed measures reading and checking one reply as it
// streams in, 16 bytes at a time, and its final check: the core's own
// cost of a model answer beyond retrieval.
func BenchmarkCheckStreamed(b *testing.B) {
	const reply = "<think>\nOkay, the user asks what Lavrov said. [1] is his position and [3] his quote; [5] is about Medvedev.\n</think>\n\n" +
		"**Answer:** Foreign Minister Sergei Lavrov restated Russia’s position that any talk of sanctions against Iran at this stage was counter-productive. " +
		"He said that “all forces should be aimed at supporting talks” [1][3]. Clinton praised the “very comprehensive and productive” discussions with Lavrov【2†source】. " +
		"Lavrov also warned that Russia would veto any new UN resolution [1].\n\nSources:\n[1] Reuters, \"Clinton fails to win Russia pledge on Iran sanctions\"\n[3] Reuters"
	ev := moscow()
	for b.Loop() {
		c := newChecker(ev, "What did Lavrov say about sanctions?", 0)
		ts := &trackedStream{next: func(Piece) {}}
		r := newReplyReader(c, ts, false)
		add := r.piece()
		for i := 0; i < len(reply); i += 16 {
			add(reply[i:min(len(reply), i+16)])
		}
		if got := c.check(stripReasoning(reply)); !strings.Contains(got, "[3]") {
			b.Fatalf("check = %q", got)
		}
	}
}

func TestClauses(t *testing.T) {
	c := newChecker(moscow(), "q", 0)
	for s, want := range map[string]string{
		"Lavrov called talk of sanctions counter-productive":                                           "Lavrov called talk of sanctions counter-productive",
		"Lavrov objected to sanctions, and he warned that Russia would veto them":                      "Lavrov objected to sanctions|he warned that Russia would veto them",
		"Lavrov objected to sanctions and warned that Russia would veto them":                          "Lavrov objected to sanctions|warned that Russia would veto them",
		"Lavrov and Medvedev discussed sanctions":                                                      "Lavrov and Medvedev discussed sanctions",
		"Clinton did not attend the summit; she had broken her elbow":                                  "Clinton did not attend the summit|she had broken her elbow",
		"Clinton praised the talks – very comprehensive and productive ones – with Lavrov":             "Clinton praised the talks|very comprehensive and productive ones|with Lavrov",
		"She said “we reviewed the situation, and where it stood” at the talks, while Lavrov objected": "She said “we reviewed the situation, and where it stood” at the talks|Lavrov objected",
	} {
		if got := strings.Join(c.clauses(s), "|"); got != want {
			t.Errorf("clauses(%q) = %q, want %q", s, got, want)
		}
	}
}
