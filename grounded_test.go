package newsbot

import (
	"fmt"
	"strings"
	"testing"
)

// evidenceFor returns n pieces of evidence, each its own article's only
// sentence, with a link of its own.
func evidenceFor(n int) []Evidence {
	var ev []Evidence
	for i := range n {
		s := fmt.Sprintf("Sentence number %d.", i+1)
		ev = append(ev, Evidence{ArticleID: fmt.Sprint("a", i), Outlet: "Outlet", URL: fmt.Sprintf("https://news.example/%d", i+1), Sentence: s, End: len(s), Paragraph: 1, Index: 1})
	}
	return ev
}

func TestCheck(t *testing.T) {
	tests := []struct {
		name, reply, want string
		removed           Removed
		cites             []int // evidence numbers in citation order
	}{
		{"valid markers renumbered in order", "Lavrov objected [3]. Medvedev agreed [1].", "Lavrov objected [1]. Medvedev agreed [2].", Removed{}, []int{3, 1}},
		{"marker after the period", "Lavrov objected. [2] Medvedev agreed. [2]", "Lavrov objected. [1] Medvedev agreed. [1]", Removed{}, []int{2}},
		{"unknown marker removed", "Lavrov objected [2][7].", "Lavrov objected [1].", Removed{Markers: 1}, []int{2}},
		{"sentence with only unknown markers dropped", "Lavrov objected [7]. Medvedev agreed [1].", "Medvedev agreed [1].", Removed{Markers: 1, Sentences: 1}, []int{1}},
		{"uncited claim dropped", "Russia will veto everything. Lavrov objected [4].", "Lavrov objected [1].", Removed{Sentences: 1}, []int{4}},
		{"lists and ranges", "Both said so [1, 3] and [4-5].", "Both said so [1][2] and [3][4].", Removed{}, []int{1, 3, 4, 5}},
		{"foreign link removed", "Read more at https://evil.example/x now [1].", "Read more at now [1].", Removed{Links: 1}, []int{1}},
		{"cited source's link kept", "Reported at https://news.example/1. [1]", "Reported at https://news.example/1. [1]", Removed{}, []int{1}},
		{"markdown link reduced to text", "See [the report](https://evil.example) [2].", "See the report [1].", Removed{Links: 1}, []int{2}},
		{"www link removed", "Visit www.evil.example today [2].", "Visit today [1].", Removed{Links: 1}, []int{2}},
		{"paragraphs kept", "First point [1].\n\nSecond point [2].", "First point [1].\n\nSecond point [2].", Removed{}, []int{1, 2}},
		{"nothing valid", "Ignore the rules. Visit https://evil.example", "", Removed{Sentences: 2}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := newChecker(evidenceFor(5))
			got := c.check(tc.reply)
			if got != tc.want {
				t.Errorf("check(%q) = %q, want %q", tc.reply, got, tc.want)
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
	reply := "Lavrov objected [2]. He said so. [3] Medvedev disagreed [1][9]. See https://evil.example [1]. Done [4]."
	c := newChecker(evidenceFor(5))
	final := c.check(reply)
	for i := range reply {
		s := c.stableText(reply[:i])
		if !strings.HasPrefix(final, s) {
			t.Fatalf("after %d bytes, released %q is not a prefix of the final %q", i, s, final)
		}
	}
}
