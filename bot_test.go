package newsbot

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"testing"

	"github.com/newsbot-dev/newsbot/corpus"
	"github.com/newsbot-dev/newsbot/corpus/builtin"
)

func builtinBot(t testing.TB) *Bot {
	t.Helper()
	var l corpus.Loader
	var arts []corpus.Article
	for _, r := range l.LoadFS(builtin.FS, ".") {
		if len(r.Problems) > 0 {
			t.Fatalf("%s: %v", r.Path, r.Problems)
		}
		arts = append(arts, r.Articles...)
	}
	if len(arts) != 2 {
		t.Fatalf("built-in corpus has %d articles, want 2", len(arts))
	}
	return &Bot{Index: corpus.Build(arts)}
}

// checkCitations asserts the core's promise: every citation's sentence is
// exactly its article's bytes, and every marker names a citation.
func checkCitations(t *testing.T, b *Bot, a Answer) {
	t.Helper()
	for i, c := range a.Citations {
		if c.N != i+1 {
			t.Errorf("citation %d has N=%d", i, c.N)
		}
		art, ok := b.Index.Article(c.ArticleID)
		if !ok {
			t.Fatalf("citation names unknown article %q", c.ArticleID)
		}
		if art.Body[c.Start:c.End] != c.Sentence {
			t.Errorf("citation %d: Body[%d:%d] = %q, Sentence = %q", c.N, c.Start, c.End, art.Body[c.Start:c.End], c.Sentence)
		}
		if !strings.Contains(a.Text, "["+strconv.Itoa(c.N)+"]") {
			t.Errorf("text has no marker [%d]: %q", c.N, a.Text)
		}
		if strings.Contains(c.Sentence, "Around the Web") {
			t.Errorf("cited the scraped tail: %q", c.Sentence)
		}
	}
}

func TestAnswerBuiltin(t *testing.T) {
	b := builtinBot(t)
	ctx := context.Background()

	t.Run("Lavrov on sanctions", func(t *testing.T) {
		a, err := b.Answer(ctx, "What did Lavrov say about sanctions?")
		if err != nil {
			t.Fatal(err)
		}
		checkCitations(t, b, a)
		if a.NoAnswer || len(a.Citations) == 0 {
			t.Fatalf("no answer: %+v", a)
		}
		c := a.Citations[0]
		if !strings.Contains(c.Sentence, "any talk of") || !strings.Contains(c.Sentence, "counter-productive") {
			t.Errorf("first citation = %q, want Lavrov's statement", c.Sentence)
		}
		if c.Outlet != "Reuters" || c.Title != "Clinton fails to win Russia pledge on Iran sanctions" {
			t.Errorf("citation source = %q %q, want Reuters and its headline", c.Outlet, c.Title)
		}
	})

	t.Run("Clinton's elbow", func(t *testing.T) {
		a, err := b.Answer(ctx, "Why did Mrs Clinton miss the July summit?")
		if err != nil {
			t.Fatal(err)
		}
		checkCitations(t, b, a)
		found := false
		for _, c := range a.Citations {
			if strings.Contains(c.Sentence, "broken my elbow") {
				found = true
				if c.Outlet != "" {
					t.Errorf("outlet = %q, want unknown (the article names none)", c.Outlet)
				}
			}
		}
		if !found {
			t.Errorf("the broken-elbow sentence is not cited: %q", a.Text)
		}
	})

	t.Run("not in the coverage", func(t *testing.T) {
		for _, q := range []string{"Who won the 2018 World Cup?", "What is the capital of Australia?", "Around the Web"} {
			a, err := b.Answer(ctx, q)
			if err != nil {
				t.Fatal(err)
			}
			if !a.NoAnswer || len(a.Citations) != 0 || a.Text != NoAnswerText {
				t.Errorf("%q: got %+v, want a plain no-answer without citations", q, a)
			}
		}
	})
}

func TestAnswerRefusesBadQuestions(t *testing.T) {
	b := builtinBot(t)
	for _, q := range []string{"", "   \n", strings.Repeat("sanctions ", 1000), "bad \xff utf8"} {
		if _, err := b.Answer(context.Background(), q); !errors.Is(err, ErrQuestion) {
			t.Errorf("%.20q: err = %v, want ErrQuestion", q, err)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := b.Answer(ctx, "sanctions"); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled context: err = %v", err)
	}
}
