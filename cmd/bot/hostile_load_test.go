package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/newsbot-dev/newsbot/corpus/eval"
)

// The load test of issue 10 (finding 1: holding connections took bot serve
// offline). bot serve runs as its own process on Reuters-21578, with its
// connection cap set below the hostile connections: 5,000 connections are
// held open (half silent, half idle after one request, each opened again
// 2 s after the server drops it) and 50 send a request body a byte
// every 2 s, while 64 clients ask /v1/ask as fast as they are answered and
// /healthz is asked every 200 ms (after 15 s of the same clients alone,
// the baseline the figures are compared with). The clients must see no
// error, /healthz must answer within 1 s throughout, and the server's open
// files must stay under its cap plus its reserve. About a minute; skipped
// with -short.
func TestServeUnderHostileTraffic(t *testing.T) {
	if testing.Short() {
		t.Skip("a load test of about a minute")
	}
	if raceEnabled {
		// It measures the server as built: the race detector slows it
		// several times and allows at most 8,128 goroutines.
		t.Skip("a load test, not run under the race detector")
	}
	reuters, _ := filepath.Abs("../../../shared/bench/reuters21578.jsonl.gz")
	if _, err := os.Stat(reuters); err != nil {
		t.Fatalf("benchmark corpus missing (shared/ must be beside the repository): %v", err)
	}
	const (
		maxConns = 4096
		idle     = 5000
		slow     = 50
		clients  = 64
		baseline = 15 * time.Second
		duration = 35 * time.Second
	)
	// This process holds the 5,000 hostile connections and the clients';
	// the server, its own. Both need room: raise the soft open-file limit
	// to the hard one (Go does so at start too; say it here).
	var lim syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
		t.Fatal(err)
	}
	lim.Cur = lim.Max
	syscall.Setrlimit(syscall.RLIMIT_NOFILE, &lim)
	if lim.Cur < idle+slow+2*clients+1024 {
		t.Skipf("the open-file limit %d is too low for this test", lim.Cur)
	}
	var questions []string
	files, _ := filepath.Glob("../../../shared/eval/*/questions.jsonl")
	for _, f := range files {
		qs, err := eval.LoadQuestions(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, q := range qs {
			questions = append(questions, q.Question)
		}
	}

	cmd := exec.Command(os.Args[0], "serve", "--addr", "127.0.0.1:0")
	cmd.Env = append(os.Environ(), "BOT_TEST_AS_MAIN=1",
		"NEWSBOT_CORPUS="+reuters, "NEWSBOT_DATA="+t.TempDir(), "NEWSBOT_HTTP_RATE=off",
		fmt.Sprintf("NEWSBOT_MAX_CONNECTIONS=%d", maxConns), "NEWSBOT_LOG_LEVEL=error")
	stdout, _ := cmd.StdoutPipe()
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		cmd.Process.Signal(syscall.SIGTERM)
		cmd.Wait()
	}()
	out := followServe(stdout)
	base := out.started()
	if base == "" {
		t.Fatal("serve did not start")
	}
	go func() {
		for range out {
		}
	}()
	addr := strings.TrimPrefix(base, "http://")

	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: clients}, Timeout: 30 * time.Second}
	// ask runs the clients for d and reports what they saw.
	ask := func(d time.Duration) (n, failed int64, p50, p99 time.Duration, firstErr error) {
		var done, bad atomic.Int64
		var first atomic.Value
		var latMu sync.Mutex
		var lat []time.Duration
		deadline := time.Now().Add(d)
		var cwg sync.WaitGroup
		for k := range clients {
			cwg.Add(1)
			go func() {
				defer cwg.Done()
				for i := k; time.Now().Before(deadline); i += clients {
					q, _ := json.Marshal(map[string]string{"question": questions[i%len(questions)]})
					t0 := time.Now()
					resp, err := client.Post(base+"/v1/ask", "application/json", strings.NewReader(string(q)))
					if err == nil {
						io.Copy(io.Discard, resp.Body)
						resp.Body.Close()
						if resp.StatusCode != 200 {
							err = fmt.Errorf("status %d", resp.StatusCode)
						}
					}
					took := time.Since(t0)
					done.Add(1)
					if err != nil {
						bad.Add(1)
						first.CompareAndSwap(nil, err)
						continue
					}
					latMu.Lock()
					lat = append(lat, took)
					latMu.Unlock()
				}
			}()
		}
		cwg.Wait()
		sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
		if len(lat) > 0 {
			p50, p99 = lat[len(lat)/2], lat[len(lat)*99/100]
		}
		if err, ok := first.Load().(error); ok {
			firstErr = err
		}
		return done.Load(), bad.Load(), p50, p99, firstErr
	}
	// The baseline: the same clients, no hostile traffic.
	bn, bfailed, bp50, bp99, berr := ask(baseline)
	if bfailed > 0 {
		t.Fatalf("baseline: %d of %d requests failed, the first: %v", bfailed, bn, berr)
	}

	stop := make(chan struct{})
	var wg sync.WaitGroup
	var reopened atomic.Int64

	// The hostile connections.
	for i := range idle {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				c, err := net.Dial("tcp", addr)
				if err == nil {
					if i%2 == 1 {
						fmt.Fprintf(c, "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
					}
					holdOpen(c, stop) // until the server drops it
					c.Close()
				}
				select {
				case <-stop:
					return
				case <-time.After(2 * time.Second):
					reopened.Add(1)
				}
			}
		}()
	}
	for range slow {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				c, err := net.Dial("tcp", addr)
				if err == nil {
					fmt.Fprintf(c, "POST /v1/ask HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{")
					for {
						select {
						case <-stop:
							c.Close()
							return
						case <-time.After(2 * time.Second):
						}
						if _, err := c.Write([]byte(" ")); err != nil {
							break
						}
					}
					c.Close()
				}
				select {
				case <-stop:
					return
				case <-time.After(time.Second):
				}
			}
		}()
	}
	// Let the hostile connections pile up before the clients start.
	time.Sleep(5 * time.Second)

	// The server's open files, sampled.
	var maxFDs atomic.Int64
	sample := func() {
		ents, err := os.ReadDir(fmt.Sprintf("/proc/%d/fd", cmd.Process.Pid))
		if err == nil && int64(len(ents)) > maxFDs.Load() {
			maxFDs.Store(int64(len(ents)))
		}
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			sample()
			select {
			case <-stop:
				return
			case <-time.After(250 * time.Millisecond):
			}
		}
	}()

	// /healthz, throughout.
	var healthMax atomic.Int64
	var healthFailed atomic.Value
	var health atomic.Int64
	wg.Add(1)
	go func() {
		defer wg.Done()
		hc := &http.Client{Timeout: 5 * time.Second}
		for {
			t0 := time.Now()
			resp, err := hc.Get(base + "/healthz")
			d := time.Since(t0)
			if err == nil {
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode != 200 {
					err = fmt.Errorf("status %d", resp.StatusCode)
				}
			}
			if err != nil {
				healthFailed.CompareAndSwap(nil, err)
			}
			health.Add(1)
			if int64(d) > healthMax.Load() {
				healthMax.Store(int64(d))
			}
			select {
			case <-stop:
				return
			case <-time.After(200 * time.Millisecond):
			}
		}
	}()

	// The real clients, under the hostile traffic.
	n, failed, p50, p99, firstErr := ask(duration)
	sample()
	close(stop)
	wg.Wait()
	client.CloseIdleConnections()

	rate := func(n int64, d time.Duration) float64 { return float64(n) / d.Seconds() }
	t.Logf("baseline, no hostile traffic: %d requests of /v1/ask in %v; %.0f req/s; p50 %v, p99 %v", bn, baseline, rate(bn, baseline), bp50, bp99)
	t.Logf("under hostile traffic: %d requests in %v, %d failed; %.0f req/s (%.2f× the baseline); p50 %v (%.2f×), p99 %v (%.2f×)",
		n, duration, failed, rate(n, duration), rate(n, duration)/rate(bn, baseline), p50, float64(p50)/float64(bp50), p99, float64(p99)/float64(bp99))
	t.Logf("/healthz: %d probes, slowest %v", health.Load(), time.Duration(healthMax.Load()))
	t.Logf("server's open files: at most %d (cap %d connections + %d reserve); hostile connections opened again %d times", maxFDs.Load(), maxConns, connReserve, reopened.Load())
	if failed > 0 || n == 0 {
		t.Errorf("%d of %d client requests failed, the first: %v", failed, n, firstErr)
	}
	if err := healthFailed.Load(); err != nil {
		t.Errorf("/healthz failed: %v", err)
	}
	if d := time.Duration(healthMax.Load()); d >= time.Second {
		t.Errorf("/healthz took %v at its slowest, want under 1 s", d)
	}
	if n := maxFDs.Load(); n >= maxConns+connReserve {
		t.Errorf("the server had %d files open, over its cap of %d connections plus %d", n, maxConns, connReserve)
	}
}

// holdOpen reads c until the server closes it or stop is closed.
func holdOpen(c net.Conn, stop <-chan struct{}) {
	buf := make([]byte, 512)
	for {
		c.SetReadDeadline(time.Now().Add(2 * time.Second))
		_, err := c.Read(buf)
		if ne, ok := err.(net.Error); ok && ne.Timeout() {
			select {
			case <-stop:
				return
			default:
				continue
			}
		}
		if err != nil {
			return
		}
	}
}
