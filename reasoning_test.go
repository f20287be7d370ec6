package newsbot

import (
	"strings"
	"testing"
)

func TestStripReasoning(t *testing.T) {
	tests := []struct{ name, reply, want string }{
		{"none", "Lavrov objected [1].", "Lavrov objected [1]."},
		{"think block", "<think>\nThe user asks.\n</think>\n\nLavrov objected [1].", "\n\nLavrov objected [1]."},
		{"upper case", "<THINK>hmm</THINK>Lavrov objected [1].", "Lavrov objected [1]."},
		{"in the middle", "Lavrov objected [1]. <think>and Medvedev?</think> Medvedev agreed [5].", "Lavrov objected [1].  Medvedev agreed [5]."},
		{"never closed", "Lavrov objected [1]. <think>Wait, let me check [2] again", "Lavrov objected [1]. "},
		{"opened by the template", "Okay, the user wants Lavrov [1].\n</think>\n\nLavrov objected [1].", "\n\nLavrov objected [1]."},
		{"thinking", "<thinking>x</thinking>A.", "A."},
		{"magistral", "[THINK]x[/THINK]A.", "A."},
		{"sky-t1", "<|begin_of_thought|>x<|end_of_thought|><|begin_of_solution|>A.<|end_of_solution|>", "A."},
		{"kimi", "◁think▷x◁/think▷A.", "A."},
		{"harmony", "<|channel|>analysis<|message|>The user asks.<|end|><|start|>assistant<|channel|>final<|message|>A.<|return|>", "A."},
		{"template tokens", "<|start_header_id|>assistant<|end_header_id|>\n\nA.<|eot_id|>", "\n\nA."},
		{"not a tag", "Russia <3 sanctions [1] and x < y.", "Russia <3 sanctions [1] and x < y."},
		{"a tag cut at the end", "A. <thi", "A. <thi"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := stripReasoning(tc.reply); got != tc.want {
				t.Errorf("stripReasoning(%q) = %q, want %q", tc.reply, got, tc.want)
			}
			// Fed a byte at a time, the filter shows no more than the
			// whole reply's visible text, and ends with all of it.
			f := newReasoningFilter()
			for i := 1; i <= len(tc.reply); i++ {
				f.feed(tc.reply[:i], false)
				if v := f.visible.String(); !f.orphan && !strings.HasPrefix(tc.want, v) && !mayBeReasoning(v) {
					t.Fatalf("after %d bytes, visible %q is not the start of %q", i, v, tc.want)
				}
			}
			f.feed(tc.reply, true)
			if got := f.visible.String(); got != tc.want {
				t.Errorf("fed in pieces: %q, want %q", got, tc.want)
			}
		})
	}
}

func TestMayBeReasoning(t *testing.T) {
	for s, want := range map[string]bool{
		"Okay, so I need to find what Lavrov said.": true,
		"The user asks about Lavrov.":               true,
		"Alright, let me see.":                      true,
		"Ok":                                        true, // too short to tell
		"Lavrov objected [1].":                      false,
		"No.":                                       false,
		"**Answer:** Lavrov objected [1].":          false,
	} {
		if got := mayBeReasoning(s); got != want {
			t.Errorf("mayBeReasoning(%q) = %v, want %v", s, got, want)
		}
	}
}
