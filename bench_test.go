package newsbot_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
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
// time excluded), streamed in pieces of 16 bytes. The model writes as a
// reasoning model does: a think block, then two sentences of its evidence
// with the markers at the end of the paragraph, one unsupported sentence
// and its own list of sources, so that every part of the checking runs. It
// reports the median and p99 per answer as well as the mean that -bench
// prints.
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
	model := &fakeModel{pieceSz: 16, reply: echoEvidence}
	bot := &newsbot.Bot{Retriever: index.Build(arts), Model: model}
	ctx := context.Background()
	var lat, withModel, cpuModel []time.Duration
	i := 0
	runtime.LockOSThread() // for the thread's CPU time
	defer runtime.UnlockOSThread()
	b.ResetTimer()
	for b.Loop() {
		t := time.Now()
		c0, cpuOK := threadCPU()
		if _, err := bot.Ask(ctx, newsbot.Request{Question: qs[i%len(qs)]}, func(newsbot.Piece) {}); err != nil {
			b.Fatal(err)
		}
		d := time.Since(t)
		c1, _ := threadCPU()
		lat = append(lat, d)
		i++
		model.mu.Lock()
		if len(model.calls) > 0 {
			withModel = append(withModel, d)
			if cpuOK {
				cpuModel = append(cpuModel, c1-c0)
			}
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
	// The same in CPU time of the answering goroutine's thread (Linux):
	// what a shared, loaded machine's wall time hides.
	if len(cpuModel) > 0 {
		b.ReportMetric(median(cpuModel), "cpu-ms-median-model")
	}
	b.ReportMetric(float64(len(withModel))/float64(len(lat)), "model-share")
}

// evidenceLineRE finds the numbered evidence sentences of an answer prompt
// (the prompt's older form had them on "sentence:" lines).
var evidenceLineRE = regexp.MustCompile(`(?m)^(?:\[\d+\] |\s+sentence: )("(?:[^"\\]|\\.)*")$`)

// echoEvidence replies from the first two evidence sentences of the
// prompt, as a reasoning model writes.
func echoEvidence(msgs []newsbot.Message) (string, error) {
	var ev []string
	for _, m := range evidenceLineRE.FindAllStringSubmatch(msgs[len(msgs)-1].Content, 2) {
		var s string
		if err := json.Unmarshal([]byte(m[1]), &s); err != nil {
			return "", err
		}
		ev = append(ev, s)
	}
	if len(ev) < 2 {
		return "NO_ANSWER", nil
	}
	return "<think>\nOkay, the user asks about this. Sentence [1] looks relevant, and so does [2]. Let me write the answer.\n</think>\n\n" +
		"According to Reuters, " + ev[0] + " " + ev[1] + " [1][2]. Prices then fell by 40 percent [9].\n\n" +
		"Sources:\n[1] Reuters\n[2] Reuters", nil
}
