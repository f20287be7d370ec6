package main

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"
)

// Escape sequences in articles and in file names never reach the terminal
// through `bot search` or `bot ingest` (finding 2 of issue 10: an ingested
// article retitled the terminal, cleared it and showed an OSC 8 link; a
// file named with ESC ] 0 ; ... BEL did the same through ingest). The
// output, taken as bytes, holds no C0 control but the line break, no DEL,
// no C1 control, and is valid UTF-8; the escapes are shown, visibly.
func TestSearchAndIngestPrintNoControls(t *testing.T) {
	const (
		osc0  = "\x1b]0;pwned\x07"
		clear = "\x1b[2J\x1b[H"
		osc8  = "\x1b]8;;https://evil.example/\x1b\\click\x1b]8;;\x1b\\"
		c1CSI = "\u009b31m"
		bidi  = "\u202e"
		// A file name cannot hold "/".
		osc8NoSlash = "\x1b]8;;evil.example\x1b\\click\x1b]8;;\x1b\\"
		hidden      = osc0 + clear + osc8 + c1CSI + "\x7f" + bidi
	)
	src := t.TempDir()
	story := "Flood warning\n\nHeavy rain " + hidden + " flooded the streets of Valencia on Monday.\n"
	feed, _ := json.Marshal(map[string]string{
		"id": "feed-" + osc0, "title": "Title " + clear, "source": "Outlet " + osc8,
		"body": "Storm " + hidden + " damage closed the port of Valencia.",
	})
	writeFiles(t, src, map[string][]byte{
		"story " + osc0 + ".txt":      []byte(story),
		"feed" + clear + ".jsonl":     append(feed, []byte("\n{\"body\": "+string(rune(0x1b))+"}\n")...),
		"tool" + osc8NoSlash + ".exe": []byte("MZ"),
		"empty" + c1CSI + "\x7f.md":   nil,
	})
	data := t.TempDir()
	env := map[string]string{"NEWSBOT_DATA": data}

	check := func(name, out string) {
		t.Helper()
		b := []byte(out)
		if !utf8.Valid(b) {
			t.Errorf("%s: output is not valid UTF-8", name)
		}
		for i, c := range b {
			if c < 0x20 && c != '\n' || c == 0x7f {
				t.Errorf("%s: control byte %#x at %d in:\n%q", name, c, i, out)
				return
			}
		}
		for _, r := range out {
			if r >= 0x80 && r < 0xa0 || r == '\u202e' {
				t.Errorf("%s: control character %U in:\n%q", name, r, out)
				return
			}
		}
	}

	out, err := runBot(t, env, "", "ingest", src)
	if err == nil {
		t.Fatalf("ingest refused nothing:\n%s", out)
	}
	check("ingest", out)
	for _, want := range []string{`story \x1b]0;pwned\x07.txt: 1 added`, `tool\x1b]8;;evil.example\x1b\click`, `refused: unsupported file type`, `line 2: invalid JSON`} {
		if !strings.Contains(out, want) {
			t.Errorf("ingest output lacks %q:\n%s", want, out)
		}
	}

	for _, args := range [][]string{
		{"search", "Valencia flooded streets"},
		{"search", "--k", "5", "storm damage port Valencia"},
		{"--corpus", src, "search", "Valencia"},
	} {
		out, err := runBot(t, env, "", args...)
		if err != nil {
			t.Fatalf("%v: %v\n%s", args, err, out)
		}
		check(strings.Join(args, " "), out)
		if !strings.Contains(out, `\x1b]0;pwned\x07`) {
			t.Errorf("%v: the escape is not shown visibly:\n%s", args, out)
		}
	}

	// JSON Lines: escaped in the JSON, the same text once decoded.
	out, err = runBot(t, env, `{"qid": 1, "question": "storm damage port Valencia"}`+"\n", "search", "--jsonl")
	if err != nil {
		t.Fatal(err)
	}
	check("search --jsonl", out)
	var resp struct {
		Results []result `json:"results"`
	}
	if err := json.Unmarshal([]byte(out), &resp); err != nil || len(resp.Results) == 0 {
		t.Fatalf("search --jsonl: %v\n%s", err, out)
	}
	if got := resp.Results[0].Text; !strings.Contains(got, hidden) {
		t.Errorf("search --jsonl text %q, want the article's bytes verbatim once decoded", got)
	}

	// A chat on --corpus files prints the refused files through the same
	// sanitiser.
	out, err = runBot(t, map[string]string{"NEWSBOT_DATA": t.TempDir()}, "Valencia\n", "--corpus", src)
	if err != nil {
		t.Fatal(err)
	}
	check("chat", out)
	if !bytes.Contains([]byte(out), []byte("refused")) {
		t.Errorf("chat on --corpus did not report the refused files:\n%s", out)
	}
}

func TestEscapeControls(t *testing.T) {
	for in, want := range map[string]string{
		`"plain ’ text"`:               `"plain ’ text"`,
		"\"a\u009bb\u0080\u009f\x7f\"": `"a\u009bb\u0080\u009f\u007f"`,
		"\"\u00a0 and \u00c2\"":        "\"\u00a0 and \u00c2\"",
		"\"\u202e and \U000e0041\"":    `"\u202e and \udb40\udc41"`,
	} {
		if got := string(escapeControls([]byte(in))); got != want {
			t.Errorf("escapeControls(%q) = %q, want %q", in, got, want)
		}
		var a, b string
		if json.Unmarshal([]byte(in), &a) != nil || json.Unmarshal([]byte(want), &b) != nil || a != b {
			t.Errorf("%q: the escaped JSON decodes to another string", in)
		}
	}
}
