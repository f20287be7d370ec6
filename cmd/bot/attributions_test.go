package main

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestAttributionsJSONL(t *testing.T) {
	body := "The mayor spoke on Monday. “We will rebuild the bridge,” Mayor Ana Ruiz said. She said that the toll had risen to 12.\u202e"
	good, _ := json.Marshal(map[string]string{"id": "a1", "source": "Reuters", "body": body})
	in := string(good) + "\n" + "{not json\n" + `{"body": "no id here, said Bob."}` + "\n\n" + `{"id":"a2","body":""}`
	out, err := runBot(t, nil, in, "attributions", "--jsonl")
	if err == nil || !strings.Contains(err.Error(), "2 input line(s)") {
		t.Errorf("error = %v, want one saying 2 input lines could not be read", err)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 4 {
		t.Fatalf("got %d output lines, want 4:\n%s", len(lines), out)
	}
	type span struct {
		Start, End int
		Text       string
	}
	type row struct {
		Article      *string
		Line         int
		Error        string
		Attributions []struct {
			Source, Cue, Content []span
			Speaker              *span
		}
	}
	var rows []row
	for _, l := range lines {
		var r row
		if err := json.Unmarshal([]byte(l), &r); err != nil {
			t.Fatalf("output line %q: %v", l, err)
		}
		if r.Attributions == nil {
			t.Errorf("line %q: attributions is not a list", l)
		}
		rows = append(rows, r)
	}
	if rows[0].Article == nil || *rows[0].Article != "a1" || rows[0].Error != "" {
		t.Fatalf("first line: %+v", rows[0])
	}
	var got []string
	var gotParts [][3]string
	for _, a := range rows[0].Attributions {
		for _, s := range append(append(a.Source, a.Cue...), a.Content...) {
			if body[s.Start:s.End] != s.Text {
				t.Errorf("span [%d:%d] text %q, body has %q", s.Start, s.End, s.Text, body[s.Start:s.End])
			}
		}
		if len(a.Source) == 0 || len(a.Content) == 0 || a.Speaker == nil {
			t.Errorf("attribution with no source, content or speaker: %+v", a)
			continue
		}
		got = append(got, a.Source[0].Text+" ("+a.Speaker.Text+"): "+a.Content[0].Text)
		gotParts = append(gotParts, [3]string{a.Source[0].Text, a.Speaker.Text, a.Content[0].Text})
	}
	// Where a content ends ("that", the full stop) is the tagger's call;
	// whose it is, is not.
	want := [][3]string{{"Mayor Ana Ruiz", "Mayor Ana Ruiz", "“We will rebuild the bridge,”"}, {"She", "Mayor Ana Ruiz", "the toll had risen to 12"}}
	if len(got) != len(want) {
		t.Fatalf("attributions:\n%s\nwant %d", strings.Join(got, "\n"), len(want))
	}
	for i, w := range want {
		if g := gotParts[i]; g[0] != w[0] || g[1] != w[1] || !strings.Contains(g[2], w[2]) {
			t.Errorf("attribution %d: %s, want source %q, speaker %q, content with %q", i, got[i], w[0], w[1], w[2])
		}
	}
	if rows[1].Line != 2 || !strings.Contains(rows[1].Error, "line 2: invalid JSON") || rows[1].Article != nil {
		t.Errorf("bad JSON line: %+v", rows[1])
	}
	if rows[2].Line != 3 || !strings.Contains(rows[2].Error, `no "id"`) {
		t.Errorf("line without id: %+v", rows[2])
	}
	if rows[3].Article == nil || *rows[3].Article != "a2" || rows[3].Error != "" || len(rows[3].Attributions) != 0 {
		t.Errorf("empty body: %+v", rows[3])
	}
	// Hostile text stays data: the format character is escaped in the JSON.
	if strings.Contains(out, "\u202e") {
		t.Error("a bidi control reached the output unescaped")
	}
}

func TestAttributionsNeedsJSONL(t *testing.T) {
	if _, err := runBot(t, nil, "", "attributions"); err == nil {
		t.Error("attributions without --jsonl: no error")
	}
	out, err := runBot(t, nil, "", "attributions", "--help")
	if err != nil || !strings.Contains(out, `{"article": ID, "attributions"`) {
		t.Errorf("--help: %v\n%s", err, out)
	}
}
