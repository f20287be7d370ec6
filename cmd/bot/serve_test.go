package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	goopenai "github.com/sashabaranov/go-openai"
)

// serveOutput follows what bot serve prints, a line at a time.
type serveOutput chan string

func followServe(r io.Reader) serveOutput {
	lines := make(serveOutput, 64) // serve prints a handful of lines
	go func() {
		sc := bufio.NewScanner(r)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	return lines
}

// waitFor returns the next line that starts with prefix; ok is false when
// serve stopped printing first, or wait passed.
func (o serveOutput) waitFor(prefix string, wait time.Duration) (line string, ok bool) {
	timeout := time.After(wait)
	for {
		select {
		case l, open := <-o:
			if !open {
				return "", false
			}
			if strings.HasPrefix(l, prefix) {
				return l, true
			}
		case <-timeout:
			return "", false
		}
	}
}

// started waits until serve listens and has loaded its coverage, and
// returns its base URL, or "" if it did not start.
func (o serveOutput) started() string {
	l, ok := o.waitFor("serving HTTP on ", time.Minute)
	if !ok {
		return ""
	}
	if _, ok := o.waitFor("answering from", time.Minute); !ok {
		return ""
	}
	return "http://" + strings.TrimPrefix(l, "serving HTTP on ")
}

// startServe runs "bot serve" in process and returns its base URL and a
// function that stops it and returns run's error.
func startServe(t testing.TB, env map[string]string, args ...string) (string, func() error) {
	t.Helper()
	pr, pw := io.Pipe()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		err := run(ctx, append([]string{"serve", "--addr", "127.0.0.1:0"}, args...), func(k string) string { return env[k] }, strings.NewReader(""), pw)
		pw.Close()
		done <- err
	}()
	out := followServe(pr)
	base := out.started()
	go func() {
		for range out {
		}
	}()
	if base == "" {
		cancel()
		t.Fatalf("serve did not start: %v", <-done)
	}
	return base, func() error { cancel(); return <-done }
}

func TestServeMetricsAfterQuestions(t *testing.T) {
	base, stop := startServe(t, map[string]string{"NEWSBOT_LOG_LEVEL": "error"})
	for _, q := range []string{"What did Lavrov say about sanctions?", "Who won the 2018 World Cup?", "Why did Mrs Clinton miss the July summit?"} {
		resp, err := http.Post(base+"/v1/ask", "application/json", strings.NewReader(`{"question":"`+q+`"}`))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Fatalf("%q: status %d", q, resp.StatusCode)
		}
	}
	for path, want := range map[string]string{"/healthz": "ok", "/readyz": "ready"} {
		resp, _ := http.Get(base + path)
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || !strings.Contains(string(b), want) {
			t.Errorf("%s: %d %q", path, resp.StatusCode, b)
		}
	}
	resp, err := http.Get(base + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	for _, want := range []string{
		`newsbot_questions_total{adapter="http",outcome="extractive"} 2`,
		`newsbot_questions_total{adapter="http",outcome="no_answer"} 1`,
		`newsbot_stage_duration_seconds_count{stage="retrieve"} 3`,
		`newsbot_citations_total{adapter="http"}`,
		`newsbot_citations_removed_total`,
		`newsbot_model_errors_total`,
		`newsbot_adapter_events_total{adapter="http",event="status_200"} 3`,
	} {
		if !strings.Contains(string(b), want) {
			t.Errorf("metrics lack %q", want)
		}
	}
	if err := stop(); err != nil {
		t.Errorf("serve returned %v", err)
	}
}

// SIGTERM during an answer: the answer completes, then the process exits 0.
func TestServeSIGTERMDuringAnswer(t *testing.T) {
	var once sync.Once
	started := make(chan struct{})
	model := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		once.Do(func() { close(started) })
		time.Sleep(1500 * time.Millisecond) // a model that takes its time
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(map[string]any{
			"id": "1", "object": "chat.completion", "created": 1, "model": "m",
			"choices": []map[string]any{{"index": 0, "message": map[string]string{"role": "assistant", "content": "Lavrov called sanctions talk counter-productive [1]."}, "finish_reason": "stop"}},
		})
	}))
	defer model.Close()

	cmd := exec.Command(os.Args[0], "serve", "--addr", "127.0.0.1:0")
	cmd.Env = append(os.Environ(), "BOT_TEST_AS_MAIN=1", "OPENAI_BASE_URL="+model.URL+"/v1", "NEWSBOT_MODEL=slow", "NEWSBOT_LOG_LEVEL=error", "NEWSBOT_CORPUS=", "NEWSBOT_DATA=")
	out, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	base := followServe(out).started()
	if base == "" {
		cmd.Process.Kill()
		t.Fatal("serve did not start")
	}
	type result struct {
		status int
		body   string
		err    error
	}
	res := make(chan result, 1)
	go func() {
		resp, err := http.Post(base+"/v1/ask", "application/json", strings.NewReader(`{"question":"What did Lavrov say about sanctions?"}`))
		if err != nil {
			res <- result{err: err}
			return
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		res <- result{status: resp.StatusCode, body: string(b)}
	}()
	select {
	case <-started:
	case <-time.After(10 * time.Second):
		t.Fatal("the question never reached the model")
	}
	cmd.Process.Signal(syscall.SIGTERM)
	r := <-res
	if r.err != nil || r.status != 200 || !strings.Contains(r.body, `"mode":"model"`) || !strings.Contains(r.body, "counter-productive [1]") {
		t.Errorf("answer in flight at SIGTERM: %+v", r)
	}
	werr := make(chan error, 1)
	go func() { werr <- cmd.Wait() }()
	select {
	case err := <-werr:
		if err != nil {
			t.Errorf("serve exited with %v, want status 0", err)
		}
	case <-time.After(10 * time.Second):
		cmd.Process.Kill()
		t.Fatal("serve did not exit after SIGTERM")
	}
}

func TestConfigFileAndRedaction(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string][]byte{
		"good.yaml": []byte("NEWSBOT_API_TOKEN: hunter2\nOPENAI_API_KEY: sk-live-123\nNEWSBOT_MODEL: from-file\nNEWSBOT_CORPUS: [a, b]\n"),
		"typo.yaml": []byte("NEWSBOT_MODLE: x\n"),
		"bad.yaml":  []byte("{{{"),
	})
	out, err := runBot(t, map[string]string{"NEWSBOT_MODEL": "from-env"}, "", "--config", dir+"/good.yaml", "config")
	if err != nil {
		t.Fatal(err)
	}
	lines := configLines(out)
	for name, want := range map[string]string{
		"NEWSBOT_API_TOKEN": "[set, redacted] (config file)",
		"OPENAI_API_KEY":    "[set, redacted] (config file)",
		"NEWSBOT_MODEL":     "from-env (environment)",
		"NEWSBOT_CORPUS":    "a:b (config file)",
	} {
		if !strings.HasPrefix(lines[name], want) {
			t.Errorf("config shows %s as %q, want %q:\n%s", name, lines[name], want, out)
		}
	}
	if strings.Contains(out, "hunter2") || strings.Contains(out, "sk-live-123") {
		t.Errorf("a secret was printed:\n%s", out)
	}
	if _, err := runBot(t, nil, "", "--config", dir+"/typo.yaml", "config"); err == nil || !strings.Contains(err.Error(), `unknown setting "NEWSBOT_MODLE"`) {
		t.Errorf("typo: err = %v", err)
	}
	if _, err := runBot(t, nil, "", "--config", dir+"/bad.yaml", "config"); err == nil || !strings.Contains(err.Error(), "not YAML") {
		t.Errorf("bad YAML: err = %v", err)
	}
	if _, err := runBot(t, map[string]string{"NEWSBOT_SHUTDOWN_TIMEOUT": "soon"}, "", "serve", "--addr", "127.0.0.1:0"); err == nil || !strings.Contains(err.Error(), "NEWSBOT_SHUTDOWN_TIMEOUT") {
		t.Errorf("bad duration: err = %v", err)
	}
}

// The README's curl examples work as written (against this test's server).
func TestREADMECurlExamples(t *testing.T) {
	if _, err := exec.LookPath("curl"); err != nil {
		t.Fatalf("curl is needed to run the README's examples (.ci/run installs it): %v", err)
	}
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	s := string(readme)
	i := strings.Index(s, "# Ask, get the answer")
	if i < 0 {
		t.Fatal("the README's curl examples are gone")
	}
	block := s[i:]
	block = block[:strings.Index(block, "```")]
	var cmds []string
	cur := ""
	for _, line := range strings.Split(block, "\n") {
		if strings.HasPrefix(line, "#") || strings.TrimSpace(line) == "" {
			continue
		}
		if c, ok := strings.CutSuffix(line, "\\"); ok {
			cur += c + " "
			continue
		}
		cmds = append(cmds, cur+line)
		cur = ""
	}
	if len(cmds) < 6 {
		t.Fatalf("found %d curl commands", len(cmds))
	}
	base, stop := startServe(t, map[string]string{"NEWSBOT_LOG_LEVEL": "error"})
	defer stop()
	wants := []string{"counter-productive", "Medvedev as saying sanctions", `"citations":[{"n":1`, "ok", "ready", "newsbot_questions_total"}
	for i, c := range cmds {
		c = strings.ReplaceAll(c, "http://127.0.0.1:8080", base)
		out, err := exec.Command("bash", "-c", "set -o pipefail; "+c).Output()
		if err != nil || !strings.Contains(string(out), wants[i]) {
			t.Errorf("%s\n=> %v\n%.400s", c, err, out)
		}
	}
}

// The go-openai client itself, pointed at bot serve, gets answers from
// /v1/chat/completions, streamed and not, with the citations in the text.
func TestServeWithGoOpenAIClient(t *testing.T) {
	base, stop := startServe(t, map[string]string{"NEWSBOT_LOG_LEVEL": "error", "NEWSBOT_API_TOKEN": "tok"})
	defer stop()
	cfg := goopenai.DefaultConfig("tok")
	cfg.BaseURL = base + "/v1"
	c := goopenai.NewClientWithConfig(cfg)
	req := goopenai.ChatCompletionRequest{Model: "newsbot", Messages: []goopenai.ChatCompletionMessage{{Role: "user", Content: "What did Lavrov say about sanctions?"}}}
	resp, err := c.CreateChatCompletion(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	plain := resp.Choices[0].Message.Content
	if !strings.Contains(plain, "counter-productive. [1]") || !strings.Contains(plain, `[1] Reuters — "Clinton fails to win Russia pledge on Iran sanctions"`) {
		t.Errorf("plain:\n%s", plain)
	}
	req.Stream = true
	st, err := c.CreateChatCompletionStream(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var got strings.Builder
	for {
		ch, err := st.Recv()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if len(ch.Choices) > 0 {
			got.WriteString(ch.Choices[0].Delta.Content)
		}
	}
	if got.String() != plain {
		t.Errorf("streamed %q, plain %q", got.String(), plain)
	}
	wrong := goopenai.DefaultConfig("wrong")
	wrong.BaseURL = cfg.BaseURL
	if _, err := goopenai.NewClientWithConfig(wrong).CreateChatCompletion(context.Background(), req); err == nil {
		t.Error("a wrong token was accepted")
	}
}

// SIGHUP makes a running serve answer from what was ingested since.
func TestServeReloadsOnSIGHUP(t *testing.T) {
	data, src := t.TempDir(), t.TempDir()
	writeFiles(t, src, map[string][]byte{"a/quake.txt": []byte("A strong earthquake struck the coast of Peru on Tuesday, officials said.\n")})
	if out, err := runBot(t, map[string]string{"NEWSBOT_DATA": data}, "", "ingest", filepath.Join(src, "a")); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	cmd := exec.Command(os.Args[0], "serve", "--addr", "127.0.0.1:0")
	cmd.Env = append(os.Environ(), "BOT_TEST_AS_MAIN=1", "NEWSBOT_DATA="+data, "NEWSBOT_LOG_LEVEL=error", "NEWSBOT_CORPUS=", "OPENAI_BASE_URL=", "OPENAI_API_KEY=")
	out, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	lines := followServe(out)
	base := lines.started()
	if base == "" {
		t.Fatal("serve did not start")
	}
	ask := func() string {
		resp, err := http.Post(base+"/v1/ask", "application/json", strings.NewReader(`{"question":"Where did the floods close the schools?"}`))
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return string(b)
	}
	if got := ask(); !strings.Contains(got, `"no_answer":true`) {
		t.Fatalf("before the ingest: %s", got)
	}
	writeFiles(t, src, map[string][]byte{"b/floods.txt": []byte("Floods closed the schools of Jakarta on Monday, officials said.\n")})
	if out, err := runBot(t, map[string]string{"NEWSBOT_DATA": data}, "", "ingest", filepath.Join(src, "b")); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	cmd.Process.Signal(syscall.SIGHUP)
	if _, ok := lines.waitFor("reloaded:", 10*time.Second); !ok {
		t.Fatal("serve did not report the reload")
	}
	if got := ask(); !strings.Contains(got, "schools of Jakarta") {
		t.Errorf("after SIGHUP: %s", got)
	}
	cmd.Process.Signal(syscall.SIGTERM)
	if err := cmd.Wait(); err != nil {
		t.Errorf("serve exited with %v", err)
	}
}

// A coverage that cannot be loaded stops serve, which had already started
// its server, with the reason; nothing is left running.
func TestServeStopsWhenCoverageFails(t *testing.T) {
	done := make(chan error, 1)
	go func() {
		_, err := runBot(t, map[string]string{"NEWSBOT_LOG_LEVEL": "error"}, "", "--data", t.TempDir(), "serve", "--addr", "127.0.0.1:0")
		done <- err
	}()
	select {
	case err := <-done:
		if err == nil || !strings.Contains(err.Error(), "bot ingest") {
			t.Errorf("err = %v, want the hint to run bot ingest", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("serve kept running without its coverage")
	}
}
