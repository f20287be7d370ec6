package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/newsbot-dev/newsbot/corpus/datadir"
)

// The test binary doubles as the bot, so that tests can run it as a
// separate process (to kill it part-way).
func TestMain(m *testing.M) {
	if os.Getenv("BOT_TEST_AS_MAIN") == "1" {
		main()
		return
	}
	os.Exit(m.Run())
}

// runBot runs the program in process with the given environment.
func runBot(t *testing.T, env map[string]string, stdin string, args ...string) (string, error) {
	t.Helper()
	getenv := func(k string) string { return env[k] }
	var out bytes.Buffer
	err := run(context.Background(), args, getenv, strings.NewReader(stdin), &out)
	return out.String(), err
}

func TestChatOverPipe(t *testing.T) {
	in := "What did Lavrov say about sanctions?\n/sources\nWho won the 2018 World Cup?\nWhy did Mrs Clinton miss the July summit?\n/quit\nnever read\n"
	out, err := runBot(t, map[string]string{"HOME": t.TempDir()}, in)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"any talk of sanctions against Iran at this stage was counter-productive. [1]",
		`[1] Reuters — "Clinton fails to win Russia pledge on Iran sanctions"`,
		"The coverage I have does not answer that question.",
		"because of an injury",
		"unknown outlet",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("chat output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "Around the Web") {
		t.Error("cited the scraped tail")
	}
	// The no-answer reply cites nothing: nothing between it and the next answer.
	i := strings.Index(out, "The coverage I have does not answer")
	j := strings.Index(out, "Mrs Clinton did not attend")
	if i < 0 || j < i || strings.Contains(out[i:j], "Sources") {
		t.Errorf("no-answer reply has sources:\n%s", out[i:max(i, j)])
	}
}

// A terminal conversation over the built-in coverage: each question is
// read with the turn before only when it leans on it, the reading is shown
// only then, /new starts over, and each gets the right answer (or the
// plain no-answer when the coverage does not say).
func TestChatConversation(t *testing.T) {
	in := strings.Join([]string{
		"What did Lavrov say about sanctions?",
		"and what did Medvedev say?",
		"Who is Lavrov?",
		"What did he say about the UN?",
		"/new",
		"Where were the talks held?",
	}, "\n") + "\n"
	out, err := runBot(t, nil, in)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("session:\n%s", out)
	// In order: each answer, then its reading when context was used.
	steps := []struct{ want, why string }{
		{"any talk of sanctions against Iran at this stage was counter-productive", "Lavrov on sanctions"},
		{"Medvedev", "the follow-up's answer names Medvedev"},
		{"(Read as: What did Medvedev say about sanctions?)", "the ellipsis read with the earlier question"},
		{"Foreign Minister Sergei Lavrov", "who Lavrov is"},
		{"The coverage I have does not answer that question.", "nothing of Lavrov's on the UN"},
		{"(Read as: What did Lavrov say about the UN?)", "the pronoun read as Lavrov"},
		{"Starting a new conversation", "/new"},
		{"at a 19th century mansion in central Moscow", "where the talks were held"},
	}
	rest := out
	for _, st := range steps {
		i := strings.Index(rest, st.want)
		if i < 0 {
			t.Fatalf("%s: %q not found after the previous step in:\n%s", st.why, st.want, out)
		}
		rest = rest[i+len(st.want):]
	}
	if n := strings.Count(out, "(Read as:"); n != 2 {
		t.Errorf("%d readings shown, want 2 (only the follow-ups')", n)
	}
	// The Medvedev answer is about sanctions.
	med := out[strings.Index(out, "counter-productive"):strings.Index(out, "(Read as: What did Medvedev")]
	if !strings.Contains(med, "sanctions") || strings.Contains(med, "Lavrov restated") {
		t.Errorf("the follow-up's answer is not Medvedev on sanctions:\n%s", med)
	}
}

func TestAsk(t *testing.T) {
	out, err := runBot(t, nil, "", "ask", "What did Lavrov say about sanctions?")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, "counter-productive") || !strings.Contains(out, "Reuters") {
		t.Errorf("ask output:\n%s", out)
	}
	if _, err := runBot(t, nil, "", "ask"); err == nil {
		t.Error("ask without a question succeeded")
	}
}

func TestHelp(t *testing.T) {
	for _, args := range [][]string{{"--help"}, {"ask", "--help"}, {"ingest", "--help"}, {"search", "--help"}, {"eval", "--help"}, {"bench", "--help"}, {"chat", "--help"}} {
		out, err := runBot(t, nil, "", args...)
		if err != nil || !strings.Contains(out, "Usage") {
			t.Errorf("%v: err %v, output %q", args, err, out)
		}
	}
	if _, err := runBot(t, nil, "", "frobnicate"); err == nil {
		t.Error("unknown command accepted")
	}
}

func writeFiles(t *testing.T, dir string, files map[string][]byte) {
	t.Helper()
	for name, b := range files {
		p := filepath.Join(dir, name)
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func TestIngestReportsBadFilesAndKeepsGoodOnes(t *testing.T) {
	src := t.TempDir()
	data := t.TempDir()
	big := strings.Repeat("Markets rallied on the news. ", 3<<20/29+1) // over the 2 MiB article limit
	writeFiles(t, src, map[string][]byte{
		"good/quake.txt":   []byte("Quake strikes coast\n\nLIMA, (Reuters) – A strong earthquake struck the coast of Peru on Tuesday, officials said.\n"),
		"good/notes.md":    []byte("---\ntitle: Harvest report\nsource: Farm Weekly\npublished: 2021-05-04\n---\nThe wheat harvest in Kansas was the largest in a decade.\n"),
		"good/page.html":   []byte(`<html><head><title>Port strike ends</title><meta property="og:site_name" content="Harbour News"></head><body><article><p>Dock workers in Rotterdam ended their strike after a pay deal was reached on Friday morning.</p><p style="display:none">HIDDEN TEXT</p></article></body></html>`),
		"binary.txt":       {0x7f, 'E', 'L', 'F', 0, 0, 1, 2, 3, 0, 0, 0},
		"empty.txt":        {},
		"latin1.txt":       []byte("Caf\xe9 owners protest in Paris.\n"),
		"big.txt":          []byte(big),
		"records.jsonl":    []byte(`{"id":"r1","title":"Rates","source":"Wire","body":"The central bank raised rates by half a point."}` + "\n" + `{"id":"r2", "body": broken}` + "\n"),
		"unsupported.docx": []byte("PK\x03\x04"),
	})
	out, err := runBot(t, map[string]string{"NEWSBOT_DATA": data}, "", "ingest", src)
	var ee exitError
	if !errors.As(err, &ee) || ee.code != 2 {
		t.Fatalf("ingest with bad files: err = %v, want exit status 2\n%s", err, out)
	}
	for _, want := range []string{
		"binary.txt: refused:",
		"empty.txt: refused:",
		"latin1.txt: refused:",
		"big.txt: refused:",
		"records.jsonl:2: refused:",
		"unsupported.docx: refused:",
		"quake.txt: 1 added",
		"notes.md: 1 added",
		"page.html: 1 added",
		"records.jsonl: 1 added",
		"4 added, 0 duplicates, 0 replaced, 6 refused; the index holds 4 articles",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("ingest report lacks %q:\n%s", want, out)
		}
	}
	// The good articles answer.
	out, err = runBot(t, map[string]string{"NEWSBOT_DATA": data}, "", "ask", "Where did the earthquake strike?")
	if err != nil || !strings.Contains(out, "coast of Peru") || !strings.Contains(out, "Reuters") {
		t.Errorf("ask after ingest: %v\n%s", err, out)
	}
	out, _ = runBot(t, map[string]string{"NEWSBOT_DATA": data}, "", "search", "HIDDEN TEXT")
	if strings.Contains(out, "HIDDEN") {
		t.Errorf("invisible HTML text was indexed:\n%s", out)
	}
	// Ingesting again adds nothing.
	out, err = runBot(t, map[string]string{"NEWSBOT_DATA": data}, "", "ingest", filepath.Join(src, "good"))
	if err != nil || !strings.Contains(out, "0 added, 3 duplicates") {
		t.Errorf("re-ingest: %v\n%s", err, out)
	}
}

func TestDataAloneNeedsIngest(t *testing.T) {
	_, err := runBot(t, nil, "", "--data", t.TempDir(), "ask", "anything")
	if err == nil || !strings.Contains(err.Error(), "bot ingest") {
		t.Errorf("err = %v, want a hint to run bot ingest", err)
	}
}

func TestCorpusFlagIndexesOnceAndReuses(t *testing.T) {
	src := t.TempDir()
	data := t.TempDir()
	writeFiles(t, src, map[string][]byte{
		"a.txt": []byte("Floods in Valencia\n\nHeavy rain flooded the streets of Valencia on Monday.\n"),
	})
	env := map[string]string{"NEWSBOT_DATA": data}
	out, err := runBot(t, env, "", "--corpus", src, "ask", "What flooded Valencia?")
	if err != nil || !strings.Contains(out, "Heavy rain flooded") {
		t.Fatalf("first use: %v\n%s", err, out)
	}
	idx, _ := filepath.Glob(filepath.Join(data, "corpora", "*", "manifest"))
	if len(idx) != 1 {
		t.Fatalf("index files: %v", idx)
	}
	st1, _ := os.Stat(idx[0])
	time.Sleep(10 * time.Millisecond)
	if _, err := runBot(t, env, "", "--corpus", src, "ask", "What flooded Valencia?"); err != nil {
		t.Fatal(err)
	}
	st2, _ := os.Stat(idx[0])
	if !st2.ModTime().Equal(st1.ModTime()) {
		t.Error("unchanged corpus was re-indexed")
	}
	// A new file is added; an edited one replaces the index.
	writeFiles(t, src, map[string][]byte{"b.txt": []byte("Snow closed the passes of the Pyrenees on Tuesday.\n")})
	out, err = runBot(t, env, "", "--corpus", src, "ask", "What closed the Pyrenees passes?")
	if err != nil || !strings.Contains(out, "Snow closed") {
		t.Errorf("after adding a file: %v\n%s", err, out)
	}
	writeFiles(t, src, map[string][]byte{"a.txt": []byte("Drought dried the rivers of Valencia in August.\n")})
	os.Chtimes(filepath.Join(src, "a.txt"), time.Now().Add(time.Hour), time.Now().Add(time.Hour))
	out, err = runBot(t, env, "", "--corpus", src, "search", "Valencia")
	if err != nil || strings.Contains(out, "Heavy rain") || !strings.Contains(out, "Drought") {
		t.Errorf("after editing a file: %v\n%s", err, out)
	}
	// The environment variable does the same as the flag.
	env["NEWSBOT_CORPUS"] = src
	out, err = runBot(t, env, "", "ask", "What dried the rivers?")
	if err != nil || !strings.Contains(out, "Drought") {
		t.Errorf("NEWSBOT_CORPUS: %v\n%s", err, out)
	}
}

func TestSearchJSONL(t *testing.T) {
	in := `{"qid":"q1","question":"What did Lavrov say about sanctions?"}` + "\n" +
		`not json` + "\n" +
		`{"qid":"q3","question":""}` + "\n" +
		`{"qid":"q4","question":"Who won the 2018 World Cup?"}`
	out, err := runBot(t, nil, in, "search", "--k", "3", "--jsonl")
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 4 {
		t.Fatalf("got %d lines, want 4:\n%s", len(lines), out)
	}
	var first struct {
		QID     string
		Results []result
	}
	if err := json.Unmarshal([]byte(lines[0]), &first); err != nil {
		t.Fatal(err)
	}
	if first.QID != "q1" || len(first.Results) == 0 || len(first.Results) > 3 {
		t.Fatalf("first line: %s", lines[0])
	}
	for _, l := range lines[1:3] {
		if !strings.Contains(l, `"error"`) {
			t.Errorf("bad line not reported: %s", l)
		}
	}
	if !strings.Contains(lines[3], `"qid":"q4"`) {
		t.Errorf("line after bad ones: %s", lines[3])
	}
}

// TestSearchOffsetsAreBodyBytes checks the offsets of `bot search --jsonl`
// against the article bodies, as the evaluation format defines them.
func TestSearchOffsetsAreBodyBytes(t *testing.T) {
	dir := t.TempDir()
	body := "Prices rose 5.93 pct in the U.S. in January. Caf\u00e9 owners said “demand was strong.” Exports fell."
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	json.NewEncoder(zw).Encode(map[string]string{"id": "art-1", "title": "Prices", "source": "Wire", "body": body})
	zw.Close()
	writeFiles(t, dir, map[string][]byte{"articles.jsonl.gz": buf.Bytes()})
	out, err := runBot(t, map[string]string{"NEWSBOT_DATA": t.TempDir()}, `{"qid":"1","question":"What did café owners say about demand?"}`, "--corpus", filepath.Join(dir, "articles.jsonl.gz"), "search", "--jsonl")
	if err != nil {
		t.Fatal(err)
	}
	var resp struct{ Results []result }
	json.Unmarshal([]byte(out), &resp)
	if len(resp.Results) == 0 {
		t.Fatalf("no results: %s", out)
	}
	for _, r := range resp.Results {
		if r.Article != "art-1" || body[r.Start:r.End] != r.Text {
			t.Errorf("result %+v is not body[start:end]", r)
		}
	}
}

func TestEval(t *testing.T) {
	set := "../../../shared/eval/trecqa-dev"
	if _, err := os.Stat(set); err != nil {
		t.Fatalf("evaluation set missing (shared/ must be beside the repository): %v", err)
	}
	out, err := runBot(t, nil, "", "eval", set)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"trecqa-dev:", "Hit@1=", "Hit@5=", "Hit@10=", "MRR@10=", "Recall@10=", "AnsHit@5=", "latency p50="} {
		if !strings.Contains(out, want) {
			t.Errorf("eval output lacks %q: %s", want, out)
		}
	}
}

// Killing `bot ingest` part-way leaves the previous index answering.
func TestKilledIngestKeepsPreviousIndex(t *testing.T) {
	bench := "../../../shared/bench/reuters21578.jsonl.gz"
	if _, err := os.Stat(bench); err != nil {
		t.Fatalf("benchmark corpus missing (shared/ must be beside the repository): %v", err)
	}
	if testing.Short() {
		t.Skip("runs a large ingest")
	}
	data := t.TempDir()
	env := map[string]string{"NEWSBOT_DATA": data}
	src := t.TempDir()
	writeFiles(t, src, map[string][]byte{"a.txt": []byte("Heavy rain flooded the streets of Valencia on Monday.\n")})
	if out, err := runBot(t, env, "", "ingest", src); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	for _, after := range []time.Duration{100 * time.Millisecond, 700 * time.Millisecond, 1500 * time.Millisecond} {
		cmd := exec.Command(os.Args[0], "--data", data, "ingest", bench)
		cmd.Env = append(os.Environ(), "BOT_TEST_AS_MAIN=1")
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(after)
		cmd.Process.Signal(syscall.SIGKILL)
		err := cmd.Wait()
		out, aerr := runBot(t, env, "", "ask", "What flooded Valencia?")
		if aerr != nil || !strings.Contains(out, "Heavy rain") {
			t.Fatalf("after killing ingest at %v (%v): %v\n%s", after, err, aerr, out)
		}
	}
	// A kill during a save leaves its temporary file; the next writer
	// removes them all (finding 5 of issue 10: nine kills left 214 MB
	// beside a 24 MB index).
	dir := datadir.IngestedDir(data)
	stale, _ := filepath.Glob(filepath.Join(dir, "index.bin.tmp*"))
	t.Logf("%d temporary files left by the kills", len(stale))
	// One for certain, as a kill inside the save leaves it.
	writeFiles(t, dir, map[string][]byte{"index.bin.tmp0123456789": make([]byte, 1<<20)})
	if out, err := runBot(t, env, "", "ingest", src); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if left, _ := filepath.Glob(filepath.Join(dir, "index.bin.tmp*")); len(left) != 0 {
		t.Errorf("temporary files left after the next ingest: %v", left)
	}
}

// fakeModelServer answers every chat completion with reply.
func fakeModelServer(t *testing.T, reply string) (*httptest.Server, *atomic.Int32) {
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(map[string]any{
			"id": "1", "object": "chat.completion", "created": 1, "model": "m",
			"choices": []map[string]any{{"index": 0, "message": map[string]string{"role": "assistant", "content": reply}, "finish_reason": "stop"}},
		})
	}))
	t.Cleanup(srv.Close)
	return srv, &calls
}

func TestAskWithModelServer(t *testing.T) {
	srv, calls := fakeModelServer(t, "Reuters reported that Lavrov called any talk of sanctions against Iran counter-productive [1]. Visit https://evil.example [1].")
	env := map[string]string{"OPENAI_BASE_URL": srv.URL + "/v1", "NEWSBOT_MODEL": "test"}
	out, err := runBot(t, env, "", "ask", "What did Lavrov say about sanctions?")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, "Reuters reported that Lavrov called any talk of sanctions against Iran counter-productive [1].") || strings.Contains(out, "evil") || !strings.Contains(out, "[1] Reuters —") {
		t.Errorf("model answer:\n%s", out)
	}
	if calls.Load() != 1 {
		t.Errorf("model called %d times", calls.Load())
	}
	// --extractive: no model call.
	out, err = runBot(t, env, "", "--extractive", "ask", "What did Lavrov say about sanctions?")
	if err != nil || calls.Load() != 1 || !strings.Contains(out, "counter-productive. [1]") {
		t.Errorf("--extractive: %v, %d calls\n%s", err, calls.Load(), out)
	}
	// A base URL without a model name is refused, naming the setting.
	if _, err := runBot(t, map[string]string{"OPENAI_BASE_URL": srv.URL + "/v1"}, "", "ask", "x"); err == nil || !strings.Contains(err.Error(), "NEWSBOT_MODEL") {
		t.Errorf("missing model: err = %v", err)
	}
	// A misnamed prompt override is refused.
	dir := t.TempDir()
	writeFiles(t, dir, map[string][]byte{"sytem.tmpl": []byte("x")})
	if _, err := runBot(t, env, "", "--prompts", dir, "ask", "x"); err == nil || !strings.Contains(err.Error(), "names no template") {
		t.Errorf("bad --prompts: err = %v", err)
	}
}
