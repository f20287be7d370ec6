package index

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/newsbot-dev/newsbot/corpus"
	"github.com/newsbot-dev/newsbot/corpus/eval"
	"github.com/newsbot-dev/newsbot/corpus/load"
)

const reutersPath = "../../../shared/bench/reuters21578.jsonl.gz"

func reuters(b *testing.B) []corpus.Article {
	b.Helper()
	if _, err := os.Stat(reutersPath); err != nil {
		b.Skipf("benchmark corpus not found: %v", err)
	}
	var l load.Loader
	var arts []corpus.Article
	for _, r := range l.Load(reutersPath) {
		arts = append(arts, r.Articles...)
	}
	return arts
}

func evalQuestions(b *testing.B) []string {
	b.Helper()
	var qs []string
	files, _ := filepath.Glob("../../../shared/eval/*/questions.jsonl")
	for _, f := range files {
		set, err := eval.LoadQuestions(f)
		if err != nil {
			b.Fatal(err)
		}
		for _, q := range set {
			qs = append(qs, q.Question)
		}
	}
	if len(qs) == 0 {
		b.Skip("no evaluation questions found")
	}
	return qs
}

// BenchmarkBuildReuters indexes the Reuters-21578 articles from scratch
// (already loaded: see BenchmarkLoadReutersJSONL for reading them).
func BenchmarkBuildReuters(b *testing.B) {
	arts := reuters(b)
	b.ReportAllocs()
	for b.Loop() {
		Build(arts)
	}
}

// BenchmarkSearchReuters is one search over the Reuters-21578 index, with
// the evaluation questions in turn.
func BenchmarkSearchReuters(b *testing.B) {
	ix := Build(reuters(b))
	qs := evalQuestions(b)
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		ix.Search(qs[i%len(qs)], 10)
		i++
	}
}

// BenchmarkOpenReuters loads the saved Reuters-21578 index, as a restart does.
func BenchmarkOpenReuters(b *testing.B) {
	dir := b.TempDir()
	if err := Build(reuters(b)).Save(dir); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Open(dir); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDiskSearchReuters is one search over the Reuters-21578 index
// in segments, with the evaluation questions in turn, for first stages of
// several sizes.
func BenchmarkDiskSearchReuters(b *testing.B) {
	ix := BuildDisk(reuters(b))
	qs := evalQuestions(b)
	s := ix.acquire()
	defer s.release()
	for _, pool := range []int{100, 300, 1000} {
		if pool != benchPool && benchPool != 0 {
			continue
		}
		b.Run(fmt.Sprint(pool), func(b *testing.B) {
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				if _, err := s.search(&stemCache{}, pool, qs[i%len(qs)], 10); err != nil {
					b.Fatal(err)
				}
				i++
			}
		})
	}
}

// benchPool, when set, limits BenchmarkDiskSearchReuters to one size.
var benchPool = 100
