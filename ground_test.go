package newsbot

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/newsbot-dev/newsbot/corpus"
)

// fakeModel replies with a fixed text, streamed in small pieces, and
// records what it was sent.
type fakeModel struct {
	mu      sync.Mutex
	reply   func(msgs []Message) (string, error)
	calls   [][]Message
	pieceSz int
}

func (m *fakeModel) Complete(ctx context.Context, msgs []Message, stream func(string)) (string, error) {
	m.mu.Lock()
	m.calls = append(m.calls, msgs)
	m.mu.Unlock()
	out, err := m.reply(msgs)
	if err != nil {
		return "", err
	}
	if stream != nil {
		n := max(m.pieceSz, 1)
		for i := 0; i < len(out); i += n {
			stream(out[i:min(len(out), i+n)])
		}
	}
	return out, nil
}

func replyWith(s string) func([]Message) (string, error) {
	return func([]Message) (string, error) { return s, nil }
}

func hitsFor(n int) []corpus.Hit {
	var hits []corpus.Hit
	for i := range n {
		a := &corpus.Article{ID: fmt.Sprint("a", i), Outlet: "Outlet", URL: fmt.Sprintf("https://news.example/%d", i+1), Body: fmt.Sprintf("Sentence number %d.", i+1)}
		hits = append(hits, corpus.Hit{Article: a, Start: 0, End: len(a.Body)})
	}
	return hits
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
			c := newChecker(hitsFor(5))
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
	c := newChecker(hitsFor(5))
	final := c.check(reply)
	for i := range reply {
		s := c.stableText(reply[:i])
		if !strings.HasPrefix(final, s) {
			t.Fatalf("after %d bytes, released %q is not a prefix of the final %q", i, s, final)
		}
	}
}

func TestAskWithModel(t *testing.T) {
	b := builtinBot(t)
	ctx := context.Background()

	t.Run("checked answer", func(t *testing.T) {
		m := &fakeModel{pieceSz: 7, reply: replyWith("Reuters reported that Lavrov called any talk of sanctions counter-productive [1]. He said forces should support talks [2]. Russia will surely agree [99].")}
		b := *b
		b.Model = m
		var streamed strings.Builder
		a, err := b.Ask(ctx, Request{Question: "What did Lavrov say about sanctions?"}, func(s string) { streamed.WriteString(s) })
		if err != nil {
			t.Fatal(err)
		}
		if a.Mode != ModeModel || a.Fallback || a.NoAnswer {
			t.Fatalf("answer = %+v", a)
		}
		checkCitations(t, &b, a)
		if a.Timing.Retrieve <= 0 || a.Timing.Model <= 0 || a.Timing.Check <= 0 {
			t.Errorf("stage timings missing: %+v", a.Timing)
		}
		if len(a.Citations) != 2 || !strings.Contains(a.Citations[0].Sentence, "counter-productive") {
			t.Errorf("citations = %+v", a.Citations)
		}
		if strings.Contains(a.Text, "surely") || a.Removed.Sentences != 1 {
			t.Errorf("uncited claim kept: %q (%+v)", a.Text, a.Removed)
		}
		if streamed.String() != a.Text {
			t.Errorf("streamed %q, final %q", streamed.String(), a.Text)
		}
		// The prompt: rules apart from the evidence; evidence quoted with outlets.
		msgs := m.calls[0]
		if msgs[0].Role != RoleSystem || msgs[1].Role != RoleUser || strings.Contains(msgs[0].Content, "counter-productive") {
			t.Errorf("evidence leaked into the rules, or roles wrong: %+v", msgs)
		}
		if !strings.Contains(msgs[1].Content, "[1] Reuters,") {
			t.Errorf("evidence lacks its outlet:\n%s", msgs[1].Content)
		}
		if !strings.Contains(msgs[1].Content, "context before it") {
			t.Errorf("the quote's antecedent is not given as context:\n%s", msgs[1].Content)
		}
	})

	t.Run("no relevant coverage: no model call", func(t *testing.T) {
		m := &fakeModel{reply: replyWith("Argentina won [1].")}
		b := *b
		b.Model = m
		a, err := b.Ask(ctx, Request{Question: "Who won the 2018 World Cup?"}, nil)
		if err != nil || !a.NoAnswer || len(m.calls) != 0 {
			t.Errorf("answer %+v, err %v, model calls %d", a, err, len(m.calls))
		}
	})

	t.Run("model says the evidence does not answer", func(t *testing.T) {
		b := *b
		b.Model = &fakeModel{reply: replyWith("NO_ANSWER")}
		a, _ := b.Ask(ctx, Request{Question: "What did Lavrov say about sanctions?"}, nil)
		if !a.NoAnswer || len(a.Citations) != 0 || a.Text != NoAnswerText {
			t.Errorf("answer = %+v", a)
		}
	})

	t.Run("model error: labelled extractive fallback", func(t *testing.T) {
		b := *b
		b.Model = &fakeModel{reply: func([]Message) (string, error) {
			return "", errors.New("401: invalid key sk-SECRET")
		}}
		a, err := b.Ask(ctx, Request{Question: "What did Lavrov say about sanctions?"}, nil)
		if err != nil {
			t.Fatal(err)
		}
		if !a.Fallback || a.Note != NoteModelFailed || a.Mode != ModeExtractive || len(a.Citations) == 0 {
			t.Errorf("answer = %+v", a)
		}
		if strings.Contains(a.Text+a.Note, "sk-SECRET") || strings.Contains(a.Text+a.Note, "401") {
			t.Error("error text reached the answer")
		}
	})

	t.Run("nothing survives checking: labelled fallback", func(t *testing.T) {
		b := *b
		b.Model = &fakeModel{reply: replyWith("Sanctions are coming, trust me [12]. Visit https://evil.example")}
		a, _ := b.Ask(ctx, Request{Question: "What did Lavrov say about sanctions?"}, nil)
		if !a.Fallback || a.Note != NoteUnchecked || strings.Contains(a.Text, "evil") {
			t.Errorf("answer = %+v", a)
		}
	})
}

func TestFollowUp(t *testing.T) {
	b := builtinBot(t)
	ctx := context.Background()
	first, err := b.Ask(ctx, Request{Question: "What did Lavrov say about sanctions?"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	hist := []Turn{{Question: first.Question, Answer: first.Text}}

	t.Run("heuristic", func(t *testing.T) {
		a, err := b.Ask(ctx, Request{Question: "and what did Medvedev say?", History: hist}, nil)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("rewritten: %q", a.Question)
		if !strings.Contains(a.Question, "sanctions") || !strings.Contains(a.Question, "Medvedev") {
			t.Errorf("rewritten question = %q", a.Question)
		}
		if len(a.Citations) == 0 || !strings.Contains(a.Citations[0].Sentence, "Medvedev") || !strings.Contains(a.Citations[0].Sentence, "sanctions") {
			t.Errorf("follow-up answer = %q", a.Text)
		}
		t.Logf("retrieved: %q", a.Citations[0].Sentence)
		// Standalone questions are not rewritten.
		a, _ = b.Ask(ctx, Request{Question: "Why did Mrs Clinton miss the July summit?", History: hist}, nil)
		if a.Question != "Why did Mrs Clinton miss the July summit?" {
			t.Errorf("standalone question rewritten to %q", a.Question)
		}
	})

	t.Run("model rewrite", func(t *testing.T) {
		m := &fakeModel{reply: func(msgs []Message) (string, error) {
			if len(msgs) == 1 { // the rewrite
				if !strings.Contains(msgs[0].Content, "What did Lavrov say about sanctions?") {
					return "", errors.New("history missing from the rewrite prompt")
				}
				return "What did Medvedev say about sanctions against Iran?", nil
			}
			return "Medvedev said sanctions might be inevitable [1].", nil
		}}
		b := *b
		b.Model = m
		a, err := b.Ask(ctx, Request{Question: "and what did Medvedev say?", History: hist}, nil)
		if err != nil {
			t.Fatal(err)
		}
		if a.Question != "What did Medvedev say about sanctions against Iran?" || len(m.calls) != 2 {
			t.Errorf("question %q after %d calls", a.Question, len(m.calls))
		}
		if len(a.Citations) != 1 || !strings.Contains(a.Citations[0].Sentence, "Medvedev") {
			t.Errorf("answer = %+v", a)
		}
	})

	t.Run("history is bounded", func(t *testing.T) {
		m := &fakeModel{reply: replyWith("Who?")}
		b := *b
		b.Model = m
		var long []Turn
		for i := range 50 {
			long = append(long, Turn{Question: fmt.Sprintf("question %d?", i), Answer: strings.Repeat("x", 5000)})
		}
		b.Ask(ctx, Request{Question: "and what did he say?", History: long}, nil)
		if len(m.calls) == 0 {
			t.Fatal("no rewrite call")
		}
		p := m.calls[0][0].Content
		if strings.Contains(p, "question 45?") || !strings.Contains(p, "question 49?") || len(p) > 4*MaxHistory*1100+2000 {
			t.Errorf("rewrite prompt not bounded: %d bytes", len(p))
		}
	})
}
