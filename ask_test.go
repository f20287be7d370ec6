package newsbot_test

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/newsbot-dev/newsbot"
	"github.com/newsbot-dev/newsbot/corpus"
	"github.com/newsbot-dev/newsbot/corpus/builtin"
	"github.com/newsbot-dev/newsbot/corpus/index"
	"github.com/newsbot-dev/newsbot/corpus/load"
)

func builtinBot(t testing.TB) *newsbot.Bot {
	t.Helper()
	var l load.Loader
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
	return &newsbot.Bot{Retriever: index.Build(arts)}
}

// checkCitations asserts the core's promise: every citation's sentence is
// exactly its article's bytes, and every marker names a citation.
func checkCitations(t *testing.T, b *newsbot.Bot, a newsbot.Answer) {
	t.Helper()
	for i, c := range a.Citations {
		if c.N != i+1 {
			t.Errorf("citation %d has N=%d", i, c.N)
		}
		art, ok := b.Retriever.(*index.Index).Article(c.ArticleID)
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

// The built-in story: questions it answers, in its words or in others
// (the paraphrases), with the sentence that answers quoted first;
// questions it does not answer (another story, or this story but what it
// does not say), declined with no citation.
func TestAnswerBuiltin(t *testing.T) {
	b := builtinBot(t)
	ctx := context.Background()
	for _, tc := range []struct {
		q, first, outlet string
	}{
		{"What did Lavrov say about sanctions?", "any talk of sanctions against Iran at this stage was counter-productive", "Reuters"},
		{"Why did Mrs Clinton miss the July summit?", "because of an injury", ""},
		{"Did Clinton get Russia to commit to tougher sanctions?", "failed to win specific pledges", "Reuters"},
		{"Where were the talks held?", "at a 19th century mansion in central Moscow", ""},
		{"What did Medvedev say about sanctions?", "Medvedev", "Reuters"},
	} {
		t.Run(tc.q, func(t *testing.T) {
			a, err := b.Answer(ctx, tc.q)
			if err != nil {
				t.Fatal(err)
			}
			checkCitations(t, b, a)
			if a.NoAnswer || len(a.Citations) == 0 {
				t.Fatalf("declined: %+v", a)
			}
			c := a.Citations[0]
			if !strings.Contains(collapse(c.Sentence), tc.first) {
				t.Errorf("first citation %q, want the sentence with %q", c.Sentence, tc.first)
			}
			if c.Outlet != tc.outlet {
				t.Errorf("outlet %q, want %q", c.Outlet, tc.outlet)
			}
			if len(a.Citations) > 2 {
				t.Errorf("%d sentences quoted, want the one that answers and at most one more", len(a.Citations))
			}
		})
	}
	for _, q := range []string{
		"Who won the 2018 World Cup?",
		"What is the capital of Australia?",
		"What is the capital of France?",
		"What is the boiling point of water?",
		"Around the Web",
		"Who will direct Star Trek 4?",
		"How did Clinton travel to Moscow?",
		"How many people attended the news conference?",
		"What did Lavrov say about the UN?",
	} {
		t.Run(q, func(t *testing.T) {
			a, err := b.Answer(ctx, q)
			if err != nil {
				t.Fatal(err)
			}
			if !a.NoAnswer || len(a.Citations) != 0 || a.Text != newsbot.NoAnswerText {
				t.Errorf("got %q with %d citations, want a plain no-answer", a.Text, len(a.Citations))
			}
		})
	}
}

// collapse joins a sentence's runs of white space, as the answer text does.
func collapse(s string) string { return strings.Join(strings.Fields(s), " ") }

func TestAnswerRefusesBadQuestions(t *testing.T) {
	b := builtinBot(t)
	for _, q := range []string{"", "   \n", strings.Repeat("sanctions ", 1000), "bad \xff utf8"} {
		if _, err := b.Answer(context.Background(), q); !errors.Is(err, newsbot.ErrQuestion) {
			t.Errorf("%.20q: err = %v, want ErrQuestion", q, err)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := b.Answer(ctx, "sanctions"); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled context: err = %v", err)
	}
}

// fakeModel replies with a fixed text, streamed in small pieces, and
// records what it was sent.
type fakeModel struct {
	mu      sync.Mutex
	reply   func(msgs []newsbot.Message) (string, error)
	calls   [][]newsbot.Message
	pieceSz int
}

func (m *fakeModel) Complete(ctx context.Context, msgs []newsbot.Message, stream func(string)) (string, error) {
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

func replyWith(s string) func([]newsbot.Message) (string, error) {
	return func([]newsbot.Message) (string, error) { return s, nil }
}

func TestAskWithModel(t *testing.T) {
	b := builtinBot(t)
	ctx := context.Background()

	t.Run("checked answer", func(t *testing.T) {
		m := &fakeModel{pieceSz: 7, reply: replyWith("Reuters reported that Lavrov called any talk of sanctions counter-productive [1]. He said forces should support talks [2]. Russia will surely agree [99].")}
		b := *b
		b.Model = m
		var streamed strings.Builder
		a, err := b.Ask(ctx, newsbot.Request{Question: "What did Lavrov say about sanctions?"}, func(p newsbot.Piece) { streamed.WriteString(p.Text) })
		if err != nil {
			t.Fatal(err)
		}
		if a.Mode != newsbot.ModeModel || a.Fallback != newsbot.FallbackNone || a.NoAnswer {
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
		if msgs[0].Role != newsbot.RoleSystem || msgs[1].Role != newsbot.RoleUser || strings.Contains(msgs[0].Content, "counter-productive") {
			t.Errorf("evidence leaked into the rules, or roles wrong: %+v", msgs)
		}
		if !strings.Contains(msgs[1].Content, `sentence 1: outlet "Reuters"`) {
			t.Errorf("evidence lacks its outlet:\n%s", msgs[1].Content)
		}
		if !regexp.MustCompile(`sentence \d+ comes right after sentence 1\b`).MatchString(msgs[1].Content) {
			t.Errorf("the quote's antecedent is not given as context:\n%s", msgs[1].Content)
		}
	})

	t.Run("no relevant coverage: no model call", func(t *testing.T) {
		m := &fakeModel{reply: replyWith("Argentina won [1].")}
		b := *b
		b.Model = m
		a, err := b.Ask(ctx, newsbot.Request{Question: "Who won the 2018 World Cup?"}, nil)
		if err != nil || !a.NoAnswer || len(m.calls) != 0 {
			t.Errorf("answer %+v, err %v, model calls %d", a, err, len(m.calls))
		}
	})

	t.Run("model says the evidence does not answer", func(t *testing.T) {
		b := *b
		b.Model = &fakeModel{reply: replyWith("NO_ANSWER")}
		a, _ := b.Ask(ctx, newsbot.Request{Question: "What did Lavrov say about sanctions?"}, nil)
		if !a.NoAnswer || len(a.Citations) != 0 || a.Text != newsbot.NoAnswerText {
			t.Errorf("answer = %+v", a)
		}
	})

	t.Run("model error: labelled extractive fallback", func(t *testing.T) {
		b := *b
		b.Model = &fakeModel{reply: func([]newsbot.Message) (string, error) {
			return "", errors.New("401: invalid key sk-SECRET")
		}}
		a, err := b.Ask(ctx, newsbot.Request{Question: "What did Lavrov say about sanctions?"}, nil)
		if err != nil {
			t.Fatal(err)
		}
		if a.Fallback != newsbot.FallbackModelFailed || a.Note != newsbot.NoteModelFailed || a.Mode != newsbot.ModeExtractive || len(a.Citations) == 0 {
			t.Errorf("answer = %+v", a)
		}
		if strings.Contains(a.Text+a.Note, "sk-SECRET") || strings.Contains(a.Text+a.Note, "401") {
			t.Error("error text reached the answer")
		}
	})

	t.Run("nothing survives checking: labelled fallback", func(t *testing.T) {
		b := *b
		b.Model = &fakeModel{reply: replyWith("Sanctions are coming, trust me [12]. Visit https://evil.example")}
		a, _ := b.Ask(ctx, newsbot.Request{Question: "What did Lavrov say about sanctions?"}, nil)
		if a.Fallback != newsbot.FallbackUnchecked || a.Note != newsbot.NoteUnchecked || strings.Contains(a.Text, "evil") {
			t.Errorf("answer = %+v", a)
		}
	})
}

func TestFollowUp(t *testing.T) {
	b := builtinBot(t)
	ctx := context.Background()
	first, err := b.Ask(ctx, newsbot.Request{Question: "What did Lavrov say about sanctions?"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	hist := []newsbot.Turn{{Question: first.Question, Answer: first.Text}}

	t.Run("heuristic", func(t *testing.T) {
		a, err := b.Ask(ctx, newsbot.Request{Question: "and what did Medvedev say?", History: hist}, nil)
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
		a, _ = b.Ask(ctx, newsbot.Request{Question: "Why did Mrs Clinton miss the July summit?", History: hist}, nil)
		if a.Question != "Why did Mrs Clinton miss the July summit?" {
			t.Errorf("standalone question rewritten to %q", a.Question)
		}
	})

	t.Run("model rewrite", func(t *testing.T) {
		m := &fakeModel{reply: func(msgs []newsbot.Message) (string, error) {
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
		a, err := b.Ask(ctx, newsbot.Request{Question: "and what did Medvedev say?", History: hist}, nil)
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
		var long []newsbot.Turn
		for i := range 50 {
			long = append(long, newsbot.Turn{Question: fmt.Sprintf("question %d?", i), Answer: strings.Repeat("x", 5000)})
		}
		b.Ask(ctx, newsbot.Request{Question: "and what did he say?", History: long}, nil)
		if len(m.calls) == 0 {
			t.Fatal("no rewrite call")
		}
		p := m.calls[0][0].Content
		if strings.Contains(p, "question 45?") || !strings.Contains(p, "question 49?") || len(p) > 4*newsbot.MaxTurns*1100+2000 {
			t.Errorf("rewrite prompt not bounded: %d bytes", len(p))
		}
	})
}
