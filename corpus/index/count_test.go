package index

import (
	"github.com/newsbot-dev/newsbot/corpus"
	"github.com/newsbot-dev/newsbot/corpus/eval"
	"github.com/newsbot-dev/newsbot/corpus/load"
	"path/filepath"
	"testing"
)

func TestCountWork(t *testing.T) {
	ix := BuildDisk(reutersT(t))
	qs := evalQuestionsT(t)
	s := ix.acquire()
	defer s.release()
	for _, pool := range []int{100, 300, 1000} {
		statEnum, statScored = 0, 0
		for _, q := range qs {
			s.search(defaultScoring, pool, q, 10)
		}
		t.Logf("pool %d: per question: enumerated %d, fully scored %d", pool, statEnum/len(qs), statScored/len(qs))
	}
}

func reutersT(t *testing.T) []corpus.Article {
	var l load.Loader
	var arts []corpus.Article
	for _, r := range l.Load(reutersPath) {
		arts = append(arts, r.Articles...)
	}
	return arts
}

func evalQuestionsT(t *testing.T) []string {
	var qs []string
	files, _ := filepath.Glob("../../../shared/eval/*/questions.jsonl")
	for _, f := range files {
		set, _ := eval.LoadQuestions(f)
		for _, q := range set {
			qs = append(qs, q.Question)
		}
	}
	return qs
}
