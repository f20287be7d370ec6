// Command bleve measures Bleve (v2.6, scorch, BM25) side by side with the
// bot's own index on the same sentences, in one process and one run, so
// that the figures can be compared as ratios on a shared, noisy machine.
//
// Each sentence the bot's index holds (the articles of PATH split by
// corpus/segment) is a Bleve document; a question is a match query (any of
// its words, BM25) for the top 10. The bot's index is built in memory from
// the same articles and searched with its whole ranking (the first stage,
// then article, neighbours, answer type, repeats dropped), which is more
// work per question than Bleve's.
//
// It is a module of its own so that the bot does not depend on Bleve:
//
//	cd bench/bleve && go run . --questions ../../../shared/eval/trecqa-dev ... ../../../shared/bench/reuters21578.jsonl.gz
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/newsbot-dev/newsbot/corpus"
	"github.com/newsbot-dev/newsbot/corpus/eval"
	"github.com/newsbot-dev/newsbot/corpus/index"
	"github.com/newsbot-dev/newsbot/corpus/load"
	"github.com/newsbot-dev/newsbot/corpus/segment"
)

type sets []string

func (s *sets) String() string     { return fmt.Sprint(*s) }
func (s *sets) Set(v string) error { *s = append(*s, v); return nil }

func main() {
	var qdirs sets
	flag.Var(&qdirs, "questions", "a set directory whose questions.jsonl supplies the questions (repeatable)")
	queries := flag.Int("queries", 1000, "searches to time")
	flag.Parse()
	if flag.NArg() != 1 || len(qdirs) == 0 {
		fmt.Fprintln(os.Stderr, "usage: bleve --questions DIR... PATH")
		os.Exit(2)
	}
	var questions []string
	for _, d := range qdirs {
		qs, err := eval.LoadQuestions(filepath.Join(d, "questions.jsonl"))
		if err != nil {
			fail(err)
		}
		for _, q := range qs {
			questions = append(questions, q.Question)
		}
	}
	var l load.Loader
	var arts []corpus.Article
	for _, r := range l.Load(flag.Arg(0)) {
		arts = append(arts, r.Articles...)
	}

	// Bleve: one document a sentence.
	dir, err := os.MkdirTemp("", "bleve-bench-")
	if err != nil {
		fail(err)
	}
	defer os.RemoveAll(dir)
	im := bleve.NewIndexMapping()
	im.ScoringModel = "bm25"
	dm := bleve.NewDocumentMapping()
	text := bleve.NewTextFieldMapping()
	text.Analyzer = "en"
	text.Store = false
	text.IncludeTermVectors = false
	dm.AddFieldMappingsAt("text", text)
	dm.Dynamic = false
	im.DefaultMapping = dm
	im.DefaultAnalyzer = "en"
	t0 := time.Now()
	bx, err := bleve.New(filepath.Join(dir, "ix"), im)
	if err != nil {
		fail(err)
	}
	batch := bx.NewBatch()
	n := 0
	for _, a := range arts {
		body := a.Body[a.TextStart:]
		for i, sp := range segment.Sentences(body) {
			batch.Index(a.ID+"/"+strconv.Itoa(i), map[string]string{"text": body[sp.Start:sp.End]})
			n++
			if batch.Size() >= 2000 {
				if err := bx.Batch(batch); err != nil {
					fail(err)
				}
				batch = bx.NewBatch()
			}
		}
	}
	if err := bx.Batch(batch); err != nil {
		fail(err)
	}
	bleveIngest := time.Since(t0)
	bleveLat := timeSearches(questions, *queries, func(q string) {
		mq := bleve.NewMatchQuery(q)
		mq.SetField("text")
		req := bleve.NewSearchRequestOptions(mq, 10, 0, false)
		if _, err := bx.Search(req); err != nil {
			fail(err)
		}
	})
	bx.Close()

	// The bot's index, in memory, on the same articles.
	t0 = time.Now()
	ix := index.BuildDisk(arts)
	ownIngest := time.Since(t0)
	ownLat := timeSearches(questions, *queries, func(q string) {
		if _, err := ix.Search(q, 10); err != nil {
			fail(err)
		}
	})

	fmt.Printf("corpus: %d articles, %d sentences (as Bleve documents), %d questions\n", len(arts), n, *queries)
	fmt.Printf("| | Bleve v2.6 (scorch, BM25, a document a sentence) | this index (whole ranking) | ratio |\n|---|---|---|---|\n")
	fmt.Printf("| ingest from scratch | %.2f s | %.2f s | %.1f× |\n", bleveIngest.Seconds(), ownIngest.Seconds(), bleveIngest.Seconds()/ownIngest.Seconds())
	for _, p := range []int{50, 99} {
		b, o := pct(bleveLat, p), pct(ownLat, p)
		fmt.Printf("| search p%d | %.3f ms | %.3f ms | %.1f× |\n", p, ms(b), ms(o), float64(b)/float64(o))
	}
}

func timeSearches(questions []string, n int, search func(string)) []time.Duration {
	for _, q := range questions[:min(50, len(questions))] {
		search(q)
	}
	lat := make([]time.Duration, n)
	for i := range lat {
		t := time.Now()
		search(questions[i%len(questions)])
		lat[i] = time.Since(t)
	}
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	return lat
}

func pct(lat []time.Duration, p int) time.Duration { return lat[min(len(lat)-1, len(lat)*p/100)] }

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

func fail(err error) {
	fmt.Fprintln(os.Stderr, "bleve bench:", err)
	os.Exit(1)
}
