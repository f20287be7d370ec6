package chat

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

// serveLimited serves h on a loopback listener with lim, returning its
// address and the listener (to count its connections).
func serveLimited(t *testing.T, h http.Handler, lim ServerLimits) (string, *capListener) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: h}
	cl := LimitServer(srv, ln, lim).(*capListener)
	go srv.Serve(cl)
	t.Cleanup(func() { srv.Close() })
	return ln.Addr().String(), cl
}

// Held connections cannot take a server offline (finding 1 of issue 10:
// idle and slow connections stayed open until file descriptors ran out).
// Over the cap, connections that never sent a request, or sit idle
// between requests, give way to new ones, oldest first; real requests all
// succeed and the connections open never pass the cap.
func TestLimitServerCapsConnections(t *testing.T) {
	addr, cl := serveLimited(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		fmt.Fprintln(w, "ok")
	}), ServerLimits{MaxConnections: 8})
	var held []net.Conn
	t.Cleanup(func() {
		for _, c := range held {
			c.Close()
		}
	})
	// 20 silent connections and 10 idle keep-alive ones, all held open.
	for range 20 {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		held = append(held, c)
	}
	for range 10 {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		held = append(held, c)
		fmt.Fprintf(c, "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
		c.SetReadDeadline(time.Now().Add(5 * time.Second))
		// Evicted connections may be closed before they answer: either
		// is fine here.
		http.ReadResponse(bufio.NewReader(c), nil)
	}
	if n := cl.Open(); n > 8 {
		t.Fatalf("%d connections open, over the cap of 8", n)
	}
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 4}}
	for i := range 40 {
		resp, err := client.Post("http://"+addr+"/v1/ask", "application/json", strings.NewReader(`{"question":"q"}`))
		if err != nil {
			t.Fatalf("request %d: %v", i, err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Fatalf("request %d: status %d", i, resp.StatusCode)
		}
		if n := cl.Open(); n > 8 {
			t.Fatalf("%d connections open, over the cap of 8", n)
		}
	}
}

// A body sent a byte at a time is cut off by the read timeout, and an idle
// keep-alive connection by the idle timeout.
func TestLimitServerTimesOutSlowAndIdleConnections(t *testing.T) {
	addr, _ := serveLimited(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		fmt.Fprintln(w, "ok")
	}), ServerLimits{ReadTimeout: 300 * time.Millisecond, IdleTimeout: 300 * time.Millisecond})
	closed := func(c net.Conn) bool {
		c.SetReadDeadline(time.Now().Add(10 * time.Second))
		_, err := io.ReadAll(c)
		return err == nil // EOF: the server closed it
	}
	slow, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer slow.Close()
	fmt.Fprintf(slow, "POST /v1/ask HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{")
	go func() {
		for range 20 {
			time.Sleep(100 * time.Millisecond)
			if _, err := slow.Write([]byte(" ")); err != nil {
				return
			}
		}
	}()
	if !closed(slow) {
		t.Error("a slow body was not cut off")
	}
	idle, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer idle.Close()
	fmt.Fprintf(idle, "GET / HTTP/1.1\r\nHost: x\r\n\r\n")
	br := bufio.NewReader(idle)
	if resp, err := http.ReadResponse(br, nil); err != nil || resp.StatusCode != 200 {
		t.Fatalf("first request: %v", err)
	}
	idle.SetReadDeadline(time.Now().Add(10 * time.Second))
	if _, err := io.ReadAll(br); err != nil {
		t.Error("an idle keep-alive connection was not closed")
	}
}

// A handler that lifts the read deadline once it has read the body, and
// extends its write deadline before it writes, answers long after both
// timeouts: a slow answer (a model's) still finishes, its context intact.
func TestLimitServerLetsALongAnswerFinish(t *testing.T) {
	addr, _ := serveLimited(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		rc := http.NewResponseController(w)
		rc.SetReadDeadline(time.Time{})
		for i := range 4 {
			select {
			case <-r.Context().Done():
				t.Errorf("the request's context ended while answering: %v", r.Context().Err())
				return
			case <-time.After(150 * time.Millisecond):
			}
			rc.SetWriteDeadline(time.Now().Add(time.Second))
			fmt.Fprintf(w, "part %d\n", i)
			rc.Flush()
		}
	}), ServerLimits{ReadTimeout: 200 * time.Millisecond, WriteTimeout: 200 * time.Millisecond})
	resp, err := http.Post("http://"+addr+"/", "application/json", strings.NewReader(`{}`))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil || !strings.Contains(string(b), "part 3") {
		t.Errorf("the long answer did not finish: %v %q", err, b)
	}
}
