package newsbot_test

import (
	"context"
	"testing"

	"github.com/newsbot-dev/newsbot"
)

// fixedRetriever returns the same evidence for every question.
type fixedRetriever []newsbot.Evidence

func (f fixedRetriever) Retrieve(context.Context, string, int) ([]newsbot.Evidence, error) {
	return f, nil
}

// ev is a sentence of article a at index i with the given estimate that it
// answers (and a coverage to match).
func ev(a string, i int, sentence string, answers float64) newsbot.Evidence {
	return newsbot.Evidence{ArticleID: a, Start: i * 100, End: i*100 + len(sentence), Sentence: sentence, Paragraph: 1, Index: i,
		Relevance: newsbot.Relevance{Score: answers, Coverage: answers, Own: answers, Answers: answers}}
}

// The sentence that answers is quoted first; a second only when it bears on
// the question too; never a neighbour for padding; nothing when the best
// does not answer.
func TestExtractiveComposition(t *testing.T) {
	lavrov := ev("r", 3, "Lavrov restated that talk of sanctions was counter-productive.", 0.9)
	quote := ev("r", 4, "“All forces should be aimed at supporting talks,” he said.", 0.6)
	quote.Before = lavrov.Sentence
	weakQuote := quote
	weakQuote.Relevance.Answers = 0.3
	other := ev("m", 2, "Medvedev said sanctions might be inevitable.", 0.85)
	far := ev("m", 7, "Medvedev has backed sanctions before.", 0.7)
	padding := ev("r", 4, "The dollar fell against the yen.", 0.2)
	padding.Before = lavrov.Sentence
	copyOf := ev("x", 1, lavrov.Sentence, 0.9)
	for _, tt := range []struct {
		name string
		ev   []newsbot.Evidence
		want []string // the quoted sentences, in order; none for no answer
	}{
		{"the best does not answer", []newsbot.Evidence{ev("r", 1, "Clinton arrived.", 0.4), other}, nil},
		{"nothing retrieved", nil, nil},
		{"the continuation that answers too", []newsbot.Evidence{lavrov, other, quote}, []string{lavrov.Sentence, quote.Sentence}},
		{"a continuation that does not answer is not padding", []newsbot.Evidence{lavrov, weakQuote}, []string{lavrov.Sentence}},
		{"a neighbour that does not answer is not padding", []newsbot.Evidence{lavrov, padding}, []string{lavrov.Sentence}},
		{"another sentence as likely to answer", []newsbot.Evidence{lavrov, other}, []string{lavrov.Sentence, other.Sentence}},
		{"another sentence much less likely to answer", []newsbot.Evidence{lavrov, far}, []string{lavrov.Sentence}},
		{"the same sentence in another article is quoted once", []newsbot.Evidence{lavrov, copyOf}, []string{lavrov.Sentence}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			b := &newsbot.Bot{Retriever: fixedRetriever(tt.ev)}
			a, err := b.Answer(context.Background(), "What did Lavrov say about sanctions?")
			if err != nil {
				t.Fatal(err)
			}
			if len(tt.want) == 0 {
				if !a.NoAnswer || len(a.Citations) != 0 || a.Text != newsbot.NoAnswerText {
					t.Errorf("got %q with %d citations, want the plain no-answer", a.Text, len(a.Citations))
				}
				return
			}
			var got []string
			for _, c := range a.Citations {
				got = append(got, c.Sentence)
			}
			if len(got) != len(tt.want) {
				t.Fatalf("quoted %q, want %q", got, tt.want)
			}
			for i := range got {
				if got[i] != tt.want[i] {
					t.Errorf("quoted %q, want %q", got, tt.want)
				}
			}
		})
	}
}

// A retriever that makes no estimate of answering (Answers 0) is judged by
// Coverage, as before: the core works with any engine.
func TestExtractiveWithoutEstimate(t *testing.T) {
	e := ev("r", 3, "Lavrov restated that talk of sanctions was counter-productive.", 0)
	e.Relevance.Coverage, e.Relevance.Own = 0.8, 0.8
	low := e
	low.Relevance.Coverage, low.Relevance.Own = 0.2, 0.2
	for _, tt := range []struct {
		ev     newsbot.Evidence
		answer bool
	}{{e, true}, {low, false}} {
		b := &newsbot.Bot{Retriever: fixedRetriever{tt.ev}}
		a, _ := b.Answer(context.Background(), "What did Lavrov say about sanctions?")
		if a.NoAnswer == tt.answer {
			t.Errorf("coverage %v: no answer = %v", tt.ev.Relevance.Coverage, a.NoAnswer)
		}
	}
}

// The answer names the outlet of each quoted sentence, and the speaker
// when the sentence does not name them; reported speech that an
// extraction ran on past its sentence names no one in the next.
func TestExtractiveSaysWho(t *testing.T) {
	first := ev("r", 3, "Lavrov restated that talk of sanctions was counter-productive.", 0.9)
	first.Outlet = "Reuters"
	quote := ev("r", 4, "“All forces should be aimed at supporting talks,” he said.", 0.85)
	quote.Outlet, quote.Before = "Reuters", first.Sentence
	quote.Attributions = []newsbot.Attribution{{Speaker: "Sergei Lavrov", Source: "he", Cue: "said", Start: quote.Start, End: quote.End - 10, Direct: true}}
	overrun := ev("m", 2, "Mrs Clinton did not attend the July summit because of an injury.", 0.9)
	overrun.Attributions = []newsbot.Attribution{{Speaker: "diplomats", Source: "diplomats", Cue: "say", Start: overrun.Start - 80, End: overrun.End, Direct: false}}
	for _, tt := range []struct {
		name string
		ev   []newsbot.Evidence
		want string
	}{
		{"outlet, then the speaker a pronoun stands for", []newsbot.Evidence{first, quote}, ""},
		{"no outlet, and an overrun", []newsbot.Evidence{overrun},
			"An unnamed outlet: Mrs Clinton did not attend the July summit because of an injury. [1]"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			a, err := (&newsbot.Bot{Retriever: fixedRetriever(tt.ev)}).Answer(context.Background(), "What did Lavrov say about sanctions?")
			if err != nil {
				t.Fatal(err)
			}
			want := tt.want
			if len(tt.ev) == 2 {
				want = "Reuters: Lavrov restated that talk of sanctions was counter-productive. [1]\nReuters, quoting Sergei Lavrov: “All forces should be aimed at supporting talks,” he said. [2]"
			}
			if a.Text != want {
				t.Errorf("got\n%s\nwant\n%s", a.Text, want)
			}
			for _, c := range a.Citations {
				if c.N == 1 && c.Speaker != "" && len(tt.ev) == 1 {
					t.Errorf("citation [1] names speaker %q", c.Speaker)
				}
			}
		})
	}
}
