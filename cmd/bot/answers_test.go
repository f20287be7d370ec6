package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
	"time"

	newsbot "github.com/newsbot-dev/newsbot"
)

// runBotErr is runBot with standard error captured too.
func runBotErr(t *testing.T, env map[string]string, stdin string, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	var out, errOut bytes.Buffer
	err = newEnviron(func(k string) string { return env[k] }, strings.NewReader(stdin), &out, &errOut).run(context.Background(), args)
	return out.String(), errOut.String(), err
}

// Each citation line names who its sentence quotes, "" when it quotes no
// one, with the rest of the citation as it is.
func TestJSONCitationsNameTheSpeaker(t *testing.T) {
	a := newsbot.Answer{Citations: []newsbot.Citation{
		{N: 1, ArticleID: "r1", Start: 10, End: 70, Sentence: "“All forces should be aimed at supporting talks,” he said.", Outlet: "Reuters", Speaker: "Sergei Lavrov",
			Published: time.Date(2009, 10, 13, 0, 0, 0, 0, time.UTC)},
		{N: 2, ArticleID: "a2", Sentence: "Russia has supported three sets of sanctions.", Outlet: "AP"},
	}}
	b, err := json.Marshal(jsonCitations(a))
	if err != nil {
		t.Fatal(err)
	}
	want := `[{"n":1,"article":"r1","start":10,"end":70,"text":"“All forces should be aimed at supporting talks,” he said.","outlet":"Reuters","title":"","url":"","published":"2009-10-13T00:00:00Z","speaker":"Sergei Lavrov"},` +
		`{"n":2,"article":"a2","start":0,"end":0,"text":"Russia has supported three sets of sanctions.","outlet":"AP","title":"","url":"","speaker":""}]`
	if string(b) != want {
		t.Errorf("citations:\n got %s\nwant %s", b, want)
	}
	if b, _ := json.Marshal(jsonCitations(newsbot.Answer{})); string(b) != "[]" {
		t.Errorf("no citations: %s, want []", b)
	}
}

func TestAskJSONL(t *testing.T) {
	in := `{"qid":"q1","question":"What did Lavrov say about sanctions?"}` + "\n" +
		`not json` + "\n" +
		`{"qid":3,"question":""}` + "\n" +
		`{"qid":"q4","question":"Who won the 2018 World Cup?"}`
	out, _, err := runBotErr(t, nil, in, "ask", "--jsonl")
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 4 {
		t.Fatalf("got %d lines, want 4:\n%s", len(lines), out)
	}
	var first jsonAnswer
	if err := json.Unmarshal([]byte(lines[0]), &first); err != nil {
		t.Fatal(err)
	}
	if first.QID != "q1" || first.NoAnswer || len(first.Citations) == 0 || !strings.Contains(first.Text, "counter-productive. [1]") {
		t.Fatalf("first line: %s", lines[0])
	}
	c := first.Citations[0]
	if c.N != 1 || c.Article == "" || c.End <= c.Start || !strings.Contains(c.Text, "counter-productive") || c.Outlet != "Reuters" ||
		c.Title != "Clinton fails to win Russia pledge on Iran sanctions" {
		t.Errorf("first citation: %+v", c)
	}
	for _, l := range lines[1:3] {
		if !strings.Contains(l, `"error":"line `) {
			t.Errorf("bad line not reported: %s", l)
		}
	}
	if !strings.Contains(lines[2], `"qid":3`) {
		t.Errorf("the qid is echoed as given: %s", lines[2])
	}
	var last jsonAnswer
	if err := json.Unmarshal([]byte(lines[3]), &last); err != nil {
		t.Fatal(err)
	}
	if last.QID != "q4" || !last.NoAnswer || len(last.Citations) != 0 || last.Text == "" {
		t.Errorf("the declined question: %s", lines[3])
	}
	if !strings.Contains(lines[3], `"citations":[]`) {
		t.Errorf("no citations is an empty list, not null: %s", lines[3])
	}
	if _, _, err := runBotErr(t, nil, "", "ask", "--jsonl", "a question too"); err == nil {
		t.Error("ask --jsonl with a question argument: no error")
	}
}

// writeSet writes a question set in the format of shared/eval.
func writeSet(t *testing.T, dir string, articles []map[string]string, questions []map[string]any) {
	t.Helper()
	var arts bytes.Buffer
	zw := gzip.NewWriter(&arts)
	for _, a := range articles {
		json.NewEncoder(zw).Encode(a)
	}
	zw.Close()
	var qs bytes.Buffer
	for _, q := range questions {
		json.NewEncoder(&qs).Encode(q)
	}
	writeFiles(t, dir, map[string][]byte{"articles.jsonl.gz": arts.Bytes(), "questions.jsonl": qs.Bytes()})
}

func TestEvalAnswersAndNegatives(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "floods")
	body := "Heavy rain flooded the streets of Valencia on Monday. The river Turia burst its banks in Valencia's old town."
	writeSet(t, dir, []map[string]string{{"id": "v", "title": "Floods in Valencia", "source": "Wire", "body": body}},
		[]map[string]any{
			{"qid": "1", "question": "Which river burst its banks in Valencia?", "answer": "Turia",
				"gold": []map[string]any{{"article": "v", "start": 54, "end": len(body), "text": body[54:]}}},
			{"qid": "2", "question": "Who won the 2018 World Cup?", "answer": "France", "gold": []map[string]any{}},
		})
	other := filepath.Join(t.TempDir(), "other.jsonl")
	writeFiles(t, filepath.Dir(other), map[string][]byte{"other.jsonl": []byte(`{"id":"c","title":"Copper","body":"Copper prices rose sharply in Lima on Monday."}` + "\n")})
	out, _, err := runBotErr(t, nil, "", "eval", "--negatives", other, dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"floods: questions=1 missing=0 Hit@1=1.000",
		"floods: answers: questions=2 declined=0.500 answer-in-text=0.500",
		"floods: asked of other.jsonl: answered=0.000 (0 of 2)",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("eval output lacks %q:\n%s", want, out)
		}
	}
}

// After "bot ingest" into the default data directory, bot and bot ask
// answer from what was ingested, and say so.
func TestIngestedDefaultDataDirIsUsed(t *testing.T) {
	src := t.TempDir()
	writeFiles(t, src, map[string][]byte{"a.txt": []byte("Floods in Valencia\n\nHeavy rain flooded the streets of Valencia on Monday, and the river burst its banks.\n")})
	env := map[string]string{"XDG_DATA_HOME": t.TempDir()}
	if _, _, err := runBotErr(t, env, "", "ingest", src); err != nil {
		t.Fatal(err)
	}
	out, errOut, err := runBotErr(t, env, "", "ask", "What flooded the streets of Valencia?")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, "Heavy rain flooded") || !strings.Contains(errOut, "Answering from 1 articles ingested in") {
		t.Errorf("ask after ingest: stdout:\n%s\nstderr:\n%s", out, errOut)
	}
	// With nothing ingested, the built-in coverage, said as much.
	_, errOut, err = runBotErr(t, map[string]string{"XDG_DATA_HOME": t.TempDir()}, "", "ask", "What did Lavrov say about sanctions?")
	if err != nil || !strings.Contains(errOut, "Answering from the built-in coverage") {
		t.Errorf("ask with nothing ingested: %v\n%s", err, errOut)
	}
}
