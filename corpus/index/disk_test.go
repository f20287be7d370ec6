package index

import (
	"context"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/newsbot-dev/newsbot/corpus"
	"github.com/newsbot-dev/newsbot/corpus/eval"
	"github.com/newsbot-dev/newsbot/corpus/load"
)

// evalSet loads a shared evaluation set, or skips.
func evalSet(t testing.TB, name string) ([]corpus.Article, []eval.Question) {
	t.Helper()
	dir := filepath.Join("../../../shared/eval", name)
	if _, err := os.Stat(dir); err != nil {
		t.Skipf("evaluation set not found: %v", err)
	}
	var l load.Loader
	var arts []corpus.Article
	for _, r := range l.Load(filepath.Join(dir, "articles.jsonl.gz")) {
		arts = append(arts, r.Articles...)
	}
	qs, err := eval.LoadQuestions(filepath.Join(dir, "questions.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	return arts, qs
}

// sameHits reports how two rankings differ, "" when they agree.
func sameHits(old []Hit, got []DiskHit) string {
	if len(old) != len(got) {
		return fmt.Sprintf("%d hits, want %d", len(got), len(old))
	}
	for i := range old {
		o, g := old[i], got[i]
		if o.Article.ID != g.Article.ID || o.Start != g.Start || o.End != g.End || math.Abs(o.Score-g.Score) > 1e-9 ||
			math.Abs(o.Coverage-g.Coverage) > 1e-6 || math.Abs(o.Own-g.Own) > 1e-6 || math.Abs(o.Answers-g.Answers) > 1e-9 || o.Index != g.Index || o.Paragraph != g.Paragraph {
			return fmt.Sprintf("hit %d: %s [%d:%d] %.6f cov %.4f own %.4f; want %s [%d:%d] %.6f cov %.4f own %.4f", i,
				g.Article.ID, g.Start, g.End, g.Score, g.Coverage, g.Own, o.Article.ID, o.Start, o.End, o.Score, o.Coverage, o.Own)
		}
	}
	return ""
}

// TestDiskRanksAsIndex checks the segmented index against the in-memory
// one on the evaluation sets: the same first stage (the pool's 200 best by
// BM25, found by pruning here, exhaustively there) and the same learned
// ranking over it must give the same hits, scores and answerability.
func TestDiskRanksAsIndex(t *testing.T) {
	for _, set := range []string{"trecqa-dev", "trecqa-train", "realtimeqa-2022a"} {
		t.Run(set, func(t *testing.T) {
			arts, qs := evalSet(t, set)
			old := Build(arts)
			for _, budget := range []int{0, 2 << 20} {
				ix := Memory()
				ix.Budget = budget
				if _, err := ix.Add(context.Background(), arts); err != nil {
					t.Fatal(err)
				}
				n, _ := ix.Segments()
				s := ix.acquire()
				bad := 0
				for _, q := range qs {
					want := old.Search(q.Question, 10)
					got, err := s.search(&stemCache{}, poolSize, q.Question, 10)
					if err != nil {
						t.Fatal(err)
					}
					if d := sameHits(want, got); d != "" {
						bad++
						if bad < 4 {
							t.Errorf("%d segments: %q: %s", n, q.Question, d)
						}
					}
				}
				s.release()
				if bad > 0 {
					t.Errorf("%d segments: %d of %d questions rank differently", n, bad, len(qs))
				}
			}
		})
	}
}

// TestFirstStageSize prints how often a first stage of each size ranks as
// the exhaustive one (a measurement: run with -v).
func TestFirstStageSize(t *testing.T) {
	if testing.Short() {
		t.Skip("a measurement")
	}
	for _, set := range []string{"trecqa-dev", "trecqa-train", "realtimeqa-2022a"} {
		arts, qs := evalSet(t, set)
		ix := BuildDisk(arts)
		s := ix.acquire()
		for _, pool := range []int{100, 200, 300, 500, 1000, 2000} {
			same := 0
			for _, q := range qs {
				want, _ := s.search(&stemCache{}, 1<<30, q.Question, 10)
				got, _ := s.search(&stemCache{}, pool, q.Question, 10)
				if len(want) == len(got) {
					ok := true
					for i := range want {
						if want[i].Article.ID != got[i].Article.ID || want[i].Start != got[i].Start {
							ok = false
						}
					}
					if ok {
						same++
					}
				}
			}
			t.Logf("%s: first stage %d: %d of %d questions rank as exhaustive", set, pool, same, len(qs))
		}
		s.release()
	}
}

func TestFirstStageMetrics(t *testing.T) {
	if testing.Short() {
		t.Skip("a measurement")
	}
	for _, set := range []string{"trecqa-dev", "trecqa-train", "realtimeqa-2022a"} {
		arts, qs := evalSet(t, set)
		ix := BuildDisk(arts)
		s := ix.acquire()
		for _, pool := range []int{100, 200, 300, 500, 1000, 1 << 30} {
			res := map[string][]eval.Span{}
			for _, q := range qs {
				got, _ := s.search(&stemCache{}, pool, q.Question, 10)
				for _, h := range got {
					res[q.QID] = append(res[q.QID], eval.Span{Article: h.Article.ID, Start: h.Start, End: h.End, Text: h.Sentence})
				}
			}
			t.Logf("%s: first stage %d: %s", set, pool, eval.Score(qs, res))
		}
		s.release()
	}
}
