package newsbot

import "testing"

// A question is read with the turn before only when it leans on it, and
// then as the question it stands for.
func TestFollowUpReading(t *testing.T) {
	for _, tt := range []struct {
		prev, q string
		follow  bool
		read    string
	}{
		// Ellipses: a connective, someone new, nothing else new.
		{"What did Lavrov say about sanctions?", "and what did Medvedev say?", true, "What did Medvedev say about sanctions?"},
		{"What did Lavrov say about sanctions?", "And Medvedev?", true, "What did Medvedev say about sanctions?"},
		{"What did Lavrov say about sanctions?", "what about Medvedev?", true, "What did Medvedev say about sanctions?"},
		// A speaker for another speaker.
		{"What did the mayor say?", "and the fire chief?", true, "What did the fire chief say?"},
		{"What did the mayor say about the inspections?", "And officials?", true, "What did officials say about the inspections?"},
		// An ellipsis about something new.
		{"What did Lavrov say about sanctions?", "and about the UN?", true, "What did Lavrov say about the UN?"},
		// A connective with a question of its own: the earlier one as its
		// preamble.
		{"What did Lavrov say about sanctions?", "and what did the talks achieve?", true, "What did Lavrov say about sanctions? what did the talks achieve?"},
		// A pronoun whose antecedent is in the last turn.
		{"Who is Lavrov?", "What did he say about the UN?", true, "What did Lavrov say about the UN?"},
		{"What did Lavrov say about sanctions?", "What was his position on Iran?", true, "What was Lavrov's position on Iran?"},
		{"Why did Mrs Clinton miss the July summit?", "What did she tell Lavrov?", true, "What did Mrs Clinton tell Lavrov?"},
		// A bare question word.
		{"What did Lavrov say about sanctions?", "Why?", true, "Why did Lavrov say about sanctions?"},
		// New questions, however short.
		{"What did Lavrov say about sanctions?", "Who is Lavrov?", false, ""},
		{"What did Lavrov say about sanctions?", "Where were the talks held?", false, ""},
		{"What did Lavrov say about sanctions?", "Who won the 2018 World Cup?", false, ""},
		// A pronoun with its antecedent in the question itself.
		{"Who is Lavrov?", "Did Clinton say she was reassured?", false, ""},
		// "it" in a question that names something is not a reference back.
		{"What did Lavrov say about sanctions?", "Is it true that Russia backs sanctions?", false, ""},
		// A person pronoun with no one named in the last turn.
		{"What happened to the sanctions?", "What did he say?", false, ""},
		// "it" leans on an earlier question that names nothing, too.
		{"What happened to the sanctions?", "When did it happen?", true, "What happened to the sanctions? When did it happen?"},
	} {
		if got := isFollowUp(tt.q, tt.prev); got != tt.follow {
			t.Errorf("isFollowUp(%q after %q) = %v, want %v", tt.q, tt.prev, got, tt.follow)
			continue
		}
		if tt.follow {
			if got := readWith(tt.prev, tt.q); got != tt.read {
				t.Errorf("readWith(%q, %q) = %q, want %q", tt.prev, tt.q, got, tt.read)
			}
		}
	}
}

// A follow-up of a follow-up is read with the last turn as it was read,
// and no further back: the conversation moves on, it does not lock onto
// its first topic.
func TestPreviousReading(t *testing.T) {
	for _, tt := range []struct {
		history []Turn
		want    string
	}{
		{nil, ""},
		{[]Turn{{Question: "What did Lavrov say about sanctions?"}}, "What did Lavrov say about sanctions?"},
		{[]Turn{{Question: "What did Lavrov say about sanctions?"}, {Question: "and what did Medvedev say?"}}, "What did Medvedev say about sanctions?"},
		{[]Turn{{Question: "What did Lavrov say about sanctions?"}, {Question: "Who is Lavrov?"}}, "Who is Lavrov?"},
	} {
		got, ok := previousReading(tt.history)
		if got != tt.want || ok != (tt.want != "") {
			t.Errorf("previousReading(%v) = %q, %v; want %q", tt.history, got, ok, tt.want)
		}
	}
	chain := []Turn{{Question: "What did Lavrov say about sanctions?"}, {Question: "and what did Medvedev say?"}}
	prev, _ := previousReading(chain)
	if got := readWith(prev, "and Clinton?"); got != "What did Clinton say about sanctions?" {
		t.Errorf("a chain of follow-ups read %q, want Clinton on sanctions", got)
	}
}
