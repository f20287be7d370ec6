package eval_test

import (
	"path/filepath"
	"testing"

	"github.com/newsbot-dev/newsbot/corpus"
	"github.com/newsbot-dev/newsbot/corpus/eval"
	"github.com/newsbot-dev/newsbot/corpus/index"
	"github.com/newsbot-dev/newsbot/corpus/load"
)

const sets = "../../../shared/eval"

func TestScoreMatchesScorePy(t *testing.T) {
	gold := []eval.Span{{Article: "a", Start: 10, End: 30}}
	qs := []eval.Question{
		{QID: "1", Answer: "Paris | “Lyon”", Gold: gold},
		{QID: "2", Gold: gold},
		{QID: "3", Gold: gold},
		{QID: "4"}, // no gold: not counted
	}
	res := map[string][]eval.Span{
		"1": {{Article: "b", Start: 10, End: 30, Text: "in lyon today"}, {Article: "a", Start: 0, End: 21}}, // overlap 11 of min(21,20): hit at 2
		"2": {{Article: "a", Start: 25, End: 60}},                                                           // overlap 5 < 10: no hit
	}
	m := eval.Score(qs, res)
	want := eval.Metrics{Questions: 3, Missing: 1, Hit1: 0, Hit5: 1.0 / 3, Hit10: 1.0 / 3, MRR10: 0.5 / 3, Recall10: 1.0 / 3, AnsHit5: 1, Answered: 1}
	if m != want {
		t.Errorf("Score = %+v\nwant    %+v", m, want)
	}
}

// TestBeatsBM25Floor holds retrieval to the bar on every set in
// shared/eval: better than the plain BM25 row of its README on MRR@10 and
// Hit@5, trecqa-dev MRR@10 >= 0.65, realtimeqa-2022a AnsHit@5 >= 0.60.
func TestBeatsBM25Floor(t *testing.T) {
	floor := map[string]struct{ hit5, mrr, ans float64 }{
		"trecqa-dev":       {0.782, 0.65, 0},
		"trecqa-train":     {0.916, 0.746, 0},
		"realtimeqa-2022a": {0.200, 0.132, 0.60},
	}
	for name, f := range floor {
		t.Run(name, func(t *testing.T) {
			dir := filepath.Join(sets, name)
			var l load.Loader
			var arts []corpus.Article
			for _, r := range l.Load(filepath.Join(dir, "articles.jsonl.gz")) {
				if len(r.Problems) > 0 {
					t.Fatalf("%s: %v", r.Path, r.Problems)
				}
				arts = append(arts, r.Articles...)
			}
			ix := index.Build(arts)
			qs, err := eval.LoadQuestions(filepath.Join(dir, "questions.jsonl"))
			if err != nil {
				t.Fatal(err)
			}
			res := map[string][]eval.Span{}
			for _, q := range qs {
				for _, h := range ix.Search(q.Question, 10) {
					res[q.QID] = append(res[q.QID], eval.Span{Article: h.Article.ID, Start: h.Start, End: h.End, Text: h.Text()})
				}
			}
			m := eval.Score(qs, res)
			t.Logf("%s: %s", name, m)
			if m.Hit5 <= f.hit5 || m.MRR10 < f.mrr || (f.ans > 0 && m.AnsHit5 < f.ans) {
				t.Errorf("%s below the bar: %s", name, m)
			}
		})
	}
}
