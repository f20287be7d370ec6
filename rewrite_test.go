package newsbot

import (
	"context"
	"errors"
	"testing"
	"time"
)

func TestParseRewrite(t *testing.T) {
	history := []Turn{{Question: "What did Lavrov say about sanctions?", Answer: "Lavrov said talk of sanctions against Iran was counter-productive [1]."}}
	const q = "and what did Medvedev say?"
	tests := []struct {
		name, out, want, why string
	}{
		{"plain", "What did Medvedev say about sanctions against Iran?", "What did Medvedev say about sanctions against Iran?", ""},
		{"preamble on its own line", "Sure! Here is the rewritten question:\n\nWhat did Medvedev say about sanctions against Iran?", "What did Medvedev say about sanctions against Iran?", ""},
		{"label", "Rewritten question: What did Medvedev say about sanctions?", "What did Medvedev say about sanctions?", ""},
		{"bold label and quotes", `**Standalone question:** "What did Medvedev say about sanctions against Iran?"`, "What did Medvedev say about sanctions against Iran?", ""},
		{"reasoning first", "<think>The user refers back to sanctions.</think>\nWhat did Medvedev say about sanctions?", "What did Medvedev say about sanctions?", ""},
		{"no question mark", "What did Medvedev say about sanctions", "What did Medvedev say about sanctions", ""},
		{"reasoning never closed", "<think>The user refers back to sanctions, so the question is", "", "empty"},
		{"an answer", "Medvedev said sanctions against Iran might be inevitable.", "", "not a question"},
		{"drift to another subject", "What did Medvedev say about the price of oil?", "", "words from outside the conversation"},
		{"another person", "What did Putin say about sanctions?", "", "names what the conversation does not"},
		{"a name of the question dropped", "What did he say about sanctions?", "", "drops a name of the question"},
		{"text after the question", "What did Medvedev say about sanctions? He is Russia's president.", "", "text after the question"},
		{"a note after it", "What did Medvedev say about sanctions?\nNote: I replaced the pronoun.", "", "more than one line"},
		{"two questions", "What did Medvedev say? What did Lavrov say?", "", "more than one question"},
		{"empty", "  \n", "", "empty"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, why := parseRewrite(tc.out, q, history)
			if got != tc.want || why != tc.why {
				t.Errorf("parseRewrite(%q) = %q, %q; want %q, %q", tc.out, got, why, tc.want, tc.why)
			}
		})
	}
}

// deadlineModel records the deadline of each call and fails it.
type deadlineModel struct{ deadlines []time.Duration }

func (m *deadlineModel) Complete(ctx context.Context, msgs []Message, stream func(string)) (string, error) {
	if dl, ok := ctx.Deadline(); ok {
		m.deadlines = append(m.deadlines, time.Until(dl))
	} else {
		m.deadlines = append(m.deadlines, -1)
	}
	return "", errors.New("refused")
}

// The rewrite has its own short deadline, and a refused rewrite falls back
// to the heuristic.
func TestRewriteDeadline(t *testing.T) {
	m := &deadlineModel{}
	b := &Bot{Model: m}
	history := []Turn{{Question: "What did Lavrov say about sanctions?"}}
	got := b.standalone(context.Background(), history, "and what did Medvedev say?")
	if want := readWith(history[0].Question, "and what did Medvedev say?"); got != want {
		t.Errorf("standalone = %q, want the heuristic's %q", got, want)
	}
	if len(m.deadlines) != 1 || m.deadlines[0] <= 0 || m.deadlines[0] > DefaultRewriteTimeout {
		t.Errorf("rewrite deadlines %v, want one within %v", m.deadlines, DefaultRewriteTimeout)
	}
}
