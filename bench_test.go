package newsbot_test

import (
	"context"
	"os"
	"path/filepath"
	"sort"
	"testing"
	"time"

	"github.com/newsbot-dev/newsbot"
	"github.com/newsbot-dev/newsbot/corpus"
	"github.com/newsbot-dev/newsbot/corpus/eval"
	"github.com/newsbot-dev/newsbot/corpus/index"
	"github.com/newsbot-dev/newsbot/corpus/load"
)

// BenchmarkAskReuters measures the bot's own time per model answer on the
// Reuters-21578 corpus: retrieval, evidence and prompt, and checking the
// reply, with an in-process model that answers at once (the model's own
// time excluded). It reports the median and p99 per answer as well as the
// mean that -bench prints.
func BenchmarkAskReuters(b *testing.B) {
	const path = "../shared/bench/reuters21578.jsonl.gz"
	if _, err := os.Stat(path); err != nil {
		b.Skipf("benchmark corpus not found: %v", err)
	}
	var l load.Loader
	var arts []corpus.Article
	for _, r := range l.Load(path) {
		arts = append(arts, r.Articles...)
	}
	var qs []string
	files, _ := filepath.Glob("../shared/eval/*/questions.jsonl")
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
		b.Skip("no questions")
	}
	model := &fakeModel{pieceSz: 16, reply: replyWith("Officials said the figures rose [1]. Traders disagreed, Reuters reported [2][3]. Prices fell [9].")}
	bot := &newsbot.Bot{Retriever: index.Build(arts), Model: model}
	ctx := context.Background()
	var lat, withModel []time.Duration
	i := 0
	b.ResetTimer()
	for b.Loop() {
		t := time.Now()
		if _, err := bot.Ask(ctx, newsbot.Request{Question: qs[i%len(qs)]}, func(newsbot.Piece) {}); err != nil {
			b.Fatal(err)
		}
		d := time.Since(t)
		lat = append(lat, d)
		i++
		model.mu.Lock()
		if len(model.calls) > 0 {
			withModel = append(withModel, d)
		}
		model.calls = model.calls[:0]
		model.mu.Unlock()
	}
	median := func(ds []time.Duration) float64 {
		if len(ds) == 0 {
			return 0
		}
		sort.Slice(ds, func(i, j int) bool { return ds[i] < ds[j] })
		return float64(ds[len(ds)/2]) / 1e6
	}
	b.ReportMetric(median(lat), "ms-median")
	b.ReportMetric(float64(lat[len(lat)*99/100])/1e6, "ms-p99")
	// Questions the coverage does not answer get no model call; the
	// median over those that did is the figure that matters.
	b.ReportMetric(median(withModel), "ms-median-model")
	b.ReportMetric(float64(len(withModel))/float64(len(lat)), "model-share")
}
