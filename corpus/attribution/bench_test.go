package attribution

import (
	"bufio"
	"compress/gzip"
	"encoding/json"
	"os"
	"sync"
	"sync/atomic"
	"testing"
)

// reutersBodies reads the bodies of ../shared/bench/reuters21578.jsonl.gz,
// skipping the benchmark when it is missing.
func reutersBodies(b *testing.B) ([]string, int64) {
	f, err := os.Open("../../../shared/bench/reuters21578.jsonl.gz")
	if err != nil {
		b.Skip("no Reuters-21578 file:", err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		b.Fatal(err)
	}
	var bodies []string
	var n int64
	sc := bufio.NewScanner(zr)
	sc.Buffer(nil, 16<<20)
	for sc.Scan() {
		var a struct{ Body string }
		if err := json.Unmarshal(sc.Bytes(), &a); err != nil {
			b.Fatal(err)
		}
		bodies = append(bodies, a.Body)
		n += int64(len(a.Body))
	}
	return bodies, n
}

// BenchmarkExtractReuters runs Extract over every Reuters-21578 body with
// two goroutines, as the index does at ingest on this project's 2-core
// machine; MB/s is over the bodies' bytes.
func BenchmarkExtractReuters(b *testing.B) {
	bodies, n := reutersBodies(b)
	builtin()
	b.SetBytes(n)
	b.ResetTimer()
	for b.Loop() {
		var next atomic.Int64
		var wg sync.WaitGroup
		for range 2 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for {
					i := int(next.Add(1)) - 1
					if i >= len(bodies) {
						return
					}
					Extract(bodies[i])
				}
			}()
		}
		wg.Wait()
	}
}
