package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/newsbot-dev/newsbot/corpus/eval"
)

// BenchmarkServeLoad is the bounded load test of bot serve: /v1/ask over
// loopback, on the Reuters-21578 corpus, with a local model server that
// answers at once, at 1, 8 and 64 concurrent clients (b.N requests per
// level; run with -benchtime 2000x). It reports requests a second and the
// median and 99th percentile latency, fails on any error, and fails if
// goroutines are left behind once the server has stopped.
//
//	go test -run '^$' -bench ServeLoad -benchtime 2000x ./cmd/bot/
//
// With BENCH_SERVE_DATA set to a data directory (one that "bot bench
// --sentences 5M --scratch DIR" left, say), it serves what was ingested
// there instead, without a model (extractive answers: the index's own
// cost), and reports the process's resident memory as it goes.
func BenchmarkServeLoad(b *testing.B) {
	reuters, _ := filepath.Abs("../../../shared/bench/reuters21578.jsonl.gz")
	if _, err := os.Stat(reuters); err != nil {
		b.Skipf("benchmark corpus not found: %v", err)
	}
	var questions []string
	files, _ := filepath.Glob("../../../shared/eval/*/questions.jsonl")
	for _, f := range files {
		qs, err := eval.LoadQuestions(f)
		if err != nil {
			b.Fatal(err)
		}
		for _, q := range qs {
			questions = append(questions, q.Question)
		}
	}
	model := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(map[string]any{
			"id": "1", "object": "chat.completion", "created": 1, "model": "m",
			"choices": []map[string]any{{"index": 0, "message": map[string]string{"role": "assistant", "content": "Officials said so [1]. Traders agreed [2]."}, "finish_reason": "stop"}},
		})
	}))
	defer model.Close()
	// serve listens for SIGHUP; the signal package's watcher goroutine,
	// started by the first signal.Notify, lives as long as the process by
	// design. Start it before counting, so the count after the server stops
	// holds serve to leaving nothing of its own behind.
	signal.Notify(make(chan os.Signal, 1), syscall.SIGHUP)
	before := runtime.NumGoroutine()

	env := map[string]string{
		"NEWSBOT_CORPUS": reuters, "NEWSBOT_DATA": b.TempDir(), "NEWSBOT_API_RATE": "1000000",
		"OPENAI_BASE_URL": model.URL + "/v1", "NEWSBOT_MODEL": "fake", "NEWSBOT_LOG_LEVEL": "error",
	}
	if data := os.Getenv("BENCH_SERVE_DATA"); data != "" {
		env = map[string]string{"NEWSBOT_DATA": data, "NEWSBOT_API_RATE": "1000000", "NEWSBOT_LOG_LEVEL": "error"}
	}
	base, stop := startServe(b, env)
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}

	for _, clients := range []int{1, 8, 64} {
		b.Run(fmt.Sprintf("clients=%d", clients), func(b *testing.B) {
			lat := make([]time.Duration, b.N)
			var next, failed atomic.Int64
			var firstErr atomic.Value
			var wg sync.WaitGroup
			b.ResetTimer()
			start := time.Now()
			for range clients {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for {
						i := int(next.Add(1)) - 1
						if i >= b.N {
							return
						}
						q, _ := json.Marshal(map[string]string{"question": questions[i%len(questions)]})
						t := time.Now()
						resp, err := client.Post(base+"/v1/ask", "application/json", strings.NewReader(string(q)))
						if err == nil {
							io.Copy(io.Discard, resp.Body)
							resp.Body.Close()
							if resp.StatusCode != 200 {
								err = fmt.Errorf("status %d", resp.StatusCode)
							}
						}
						lat[i] = time.Since(t)
						if err != nil {
							failed.Add(1)
							firstErr.CompareAndSwap(nil, err)
						}
					}
				}()
			}
			wg.Wait()
			elapsed := time.Since(start)
			b.StopTimer()
			if n := failed.Load(); n > 0 {
				b.Fatalf("%d of %d requests failed, first: %v", n, b.N, firstErr.Load())
			}
			sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
			b.ReportMetric(float64(b.N)/elapsed.Seconds(), "req/s")
			b.ReportMetric(float64(lat[len(lat)/2])/1e6, "ms-p50")
			b.ReportMetric(float64(lat[len(lat)*99/100])/1e6, "ms-p99")
			b.ReportMetric(float64(residentKiB())/1024, "MiB-RSS")
		})
	}
	fmt.Printf("peak RSS of the process (server, index, clients): %s\n", peakRSS())

	if err := stop(); err != nil {
		b.Fatalf("serve: %v", err)
	}
	client.CloseIdleConnections()
	model.CloseClientConnections()
	deadline := time.Now().Add(5 * time.Second)
	for runtime.NumGoroutine() > before && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	if n := runtime.NumGoroutine(); n > before {
		buf := make([]byte, 1<<20)
		b.Fatalf("%d goroutines left behind after the server stopped:\n%s", n-before, buf[:runtime.Stack(buf, true)])
	}
}

// residentKiB is this process's resident memory now (VmRSS).
func residentKiB() int64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			var k int64
			fmt.Sscan(strings.TrimSuffix(strings.TrimSpace(v), " kB"), &k)
			return k
		}
	}
	return 0
}
