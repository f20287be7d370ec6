package attribution

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestExtractKinds(t *testing.T) {
	type want struct{ source, speaker, content string }
	tests := []struct {
		name string
		body string
		want []want
	}{
		{"direct quote", "“We will rebuild the bridge,” Mayor Ana Ruiz said on Monday.",
			[]want{{"Mayor Ana Ruiz", "Mayor Ana Ruiz", "“We will rebuild the bridge,”"}}},
		{"split quote", "“We will not,” the senator said, “back down on this.”",
			[]want{{"the senator", "the senator", "“We will not,” | “back down on this.”"}}},
		{"quote over two sentences, pronoun with no name before", "“We will not back down,” she said. “Not now, not ever.”",
			[]want{{"she", "", "“We will not back down,” | “Not now, not ever.”"}}},
		{"mixed quote", "Ruiz called the collapse “a tragedy that should never have happened.”",
			[]want{{"Ruiz", "Ruiz", "“a tragedy that should never have happened.”"}}},
		{"reported, said that", "Police Chief Tom Hale said that 12 people had died in the collapse.",
			[]want{{"Police Chief Tom Hale", "Police Chief Tom Hale", "12 people had died in the collapse"}}},
		{"according to", "According to the fire department, the bridge had not been inspected since 2019.",
			[]want{{"the fire department", "the fire department", "not been inspected since 2019"}}},
		{"told Reuters", "The company told Reuters it would appeal the ruling.",
			[]want{{"The company", "The company", "it would appeal the ruling"}}},
		{"pronoun resolved", "Sergei Lavrov met Hillary Clinton in Moscow. He said sanctions against Iran were counterproductive.",
			[]want{{"He", "Sergei Lavrov", "sanctions against Iran were counterproductive"}}},
		{"accused", "Trump accused Clinton of lying about her emails.",
			[]want{{"Trump", "Trump", "lying about her emails"}}},
		{"belief", "Many voters believe the economy is getting worse.",
			[]want{{"Many voters", "Many voters", "the economy is getting worse"}}},
		{"no attribution", "The bridge collapsed on Tuesday. Traffic was diverted.", nil},
		{"empty", "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Extract(tt.body)
			text := func(ss []Span) string {
				var p []string
				for _, s := range ss {
					p = append(p, tt.body[s.Start:s.End])
				}
				return strings.Join(p, " | ")
			}
			var show []string
			for _, a := range got {
				show = append(show, fmt.Sprintf("source %q speaker %q cue %q content %q", text(a.Source), text([]Span{a.Speaker}), text(a.Cue), text(a.Content)))
			}
			if len(got) != len(tt.want) {
				t.Fatalf("got %d attributions, want %d:\n%s", len(got), len(tt.want), strings.Join(show, "\n"))
			}
			for i, w := range tt.want {
				a := got[i]
				speaker := ""
				if a.Speaker != (Span{}) {
					speaker = tt.body[a.Speaker.Start:a.Speaker.End]
				}
				if text(a.Source) != w.source || speaker != w.speaker || !strings.Contains(text(a.Content), w.content) || len(a.Cue) == 0 {
					t.Errorf("got %s\nwant source %q speaker %q content with %q", show[i], w.source, w.speaker, w.content)
				}
			}
		})
	}
}

// shared is the shared directory beside the worktree.
const shared = "../../../shared"

// loadSet reads the attribution set, skipping the test when it is missing.
func loadSet(t testing.TB) (ids []string, bodies map[string]string, gold map[string][]Attribution) {
	dir := filepath.Join(shared, "eval", "attribution")
	f, err := os.Open(filepath.Join(dir, "articles.jsonl.gz"))
	if err != nil {
		t.Skip("no attribution set:", err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	bodies = map[string]string{}
	sc := bufio.NewScanner(zr)
	sc.Buffer(nil, 64<<20)
	for sc.Scan() {
		var a struct{ ID, Body string }
		if err := json.Unmarshal(sc.Bytes(), &a); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, a.ID)
		bodies[a.ID] = a.Body
	}
	g, err := os.Open(filepath.Join(dir, "attributions.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	defer g.Close()
	if gold, err = ReadSet(g); err != nil {
		t.Fatal(err)
	}
	return ids, bodies, gold
}

// TestSharedSet scores the embedded model on the attribution set and
// checks the Go scorer against score_attribution.py on its predictions.
// The model was trained on this set, so these are train-on-all figures;
// the floors are set under the 5-fold cross-validated ones (README), which
// a model that has seen the set must clear with room to spare.
func TestSharedSet(t *testing.T) {
	ids, bodies, gold := loadSet(t)
	pred := map[string][]Attribution{}
	var lines bytes.Buffer
	for _, id := range ids {
		as := Extract(bodies[id])
		pred[id] = as
		conv := func(ss []Span) []map[string]int {
			o := []map[string]int{}
			for _, s := range ss {
				o = append(o, map[string]int{"start": s.Start, "end": s.End})
			}
			return o
		}
		var out []map[string]any
		for _, a := range as {
			out = append(out, map[string]any{"source": conv(a.Source), "cue": conv(a.Cue), "content": conv(a.Content)})
		}
		b, _ := json.Marshal(map[string]any{"article": id, "attributions": out})
		lines.Write(append(b, '\n'))
	}
	s := Score(gold, pred, bodies)
	t.Logf("embedded model on the set it was trained on:\n%s", s)
	for _, f := range []struct {
		name       string
		got, floor float64
	}{
		{"content F1", s.ContentF1, 0.72},
		{"source accuracy", s.SourceAccuracy, 0.85},
		{"attribution F1", s.AttributionF1, 0.63},
	} {
		if f.got < f.floor {
			t.Errorf("%s %.3f, below the floor %.2f", f.name, f.got, f.floor)
		}
	}
	py, err := exec.LookPath("python3")
	if err != nil {
		t.Log("no python3: the scorer's agreement with score_attribution.py not checked")
		return
	}
	predFile := filepath.Join(t.TempDir(), "pred.jsonl")
	if err := os.WriteFile(predFile, lines.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(py, filepath.Join(shared, "eval", "score_attribution.py"), filepath.Join(shared, "eval", "attribution", "attributions.jsonl"), predFile, "--json").Output()
	if err != nil {
		t.Fatalf("score_attribution.py: %v", err)
	}
	var ref map[string]map[string]float64
	if err := json.Unmarshal(out, &ref); err != nil {
		t.Fatalf("score_attribution.py output %q: %v", out, err)
	}
	for _, c := range []struct {
		name string
		got  float64
		want float64
	}{
		{"content_precision", s.ContentPrecision, ref["all"]["content_precision"]},
		{"content_recall", s.ContentRecall, ref["all"]["content_recall"]},
		{"content_f1", s.ContentF1, ref["all"]["content_f1"]},
		{"source_accuracy", s.SourceAccuracy, ref["all"]["source_accuracy"]},
		{"attribution_f1", s.AttributionF1, ref["all"]["attribution_f1"]},
		{"direct content_recall", s.Direct.ContentRecall, ref["direct"]["content_recall"]},
		{"indirect attribution_recall", s.Indirect.AttributionRecall, ref["indirect"]["attribution_recall"]},
	} {
		if d := c.got - c.want; d > 1e-9 || d < -1e-9 {
			t.Errorf("%s: Go %.6f, score_attribution.py %.6f", c.name, c.got, c.want)
		}
	}
}

func FuzzExtract(f *testing.F) {
	for _, s := range []string{
		"“We will not,” the senator said, “back down on this.”",
		"According to the fire department, the bridge had not been inspected.",
		"He said \"yes\" and she said \"no\".\n\n\"Unclosed quote, Mr. Smith said",
		"Ruiz called it “a tragedy.” She added: “never again”",
		"caf\xe9 said \xff\xfe \u201c\u201d\u201c",
		"said said said according to to to “”“”",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body string) {
		for _, a := range Extract(body) {
			if len(a.Source) == 0 || len(a.Content) == 0 || len(a.Cue) == 0 {
				t.Fatalf("attribution without source, cue or content: %+v", a)
			}
			all := [][]Span{a.Source, a.Cue, a.Content}
			if a.Speaker != (Span{}) {
				all = append(all, []Span{a.Speaker})
			}
			for _, ss := range all {
				for i, s := range ss {
					if s.Start < 0 || s.End > len(body) || s.Start >= s.End {
						t.Fatalf("span %+v out of range of %d bytes", s, len(body))
					}
					if i > 0 && s.Start < ss[i-1].End {
						t.Fatalf("spans not in order: %+v", ss)
					}
					if cutsRune(body, s.Start) || cutsRune(body, s.End) {
						t.Fatalf("span %+v cuts a character", s)
					}
				}
			}
		}
	})
}

// cutsRune reports whether offset p falls inside a validly encoded
// character of s (a stray byte of invalid UTF-8 is a character of its own).
func cutsRune(s string, p int) bool {
	for q := p - 1; q >= 0 && q >= p-3; q-- {
		r, n := utf8.DecodeRuneInString(s[q:])
		if (r != utf8.RuneError || n > 1) && q+n > p {
			return true
		}
		if utf8.RuneStart(s[q]) {
			return false
		}
	}
	return false
}

// TestTrainRoundTrip trains a small model on made-up articles, writes it
// and reads it back: the two extract the same, and what they learnt is
// the attribution they were shown.
func TestTrainRoundTrip(t *testing.T) {
	var exs []Example
	for i, name := range []string{"Ana Ruiz", "Tom Hale", "Lena Park", "Omar Diaz", "Ivy Chen", "Raj Patel"} {
		body := fmt.Sprintf("The bridge closed on day %d. %s said that the repairs would take a month. Traffic was diverted.", i+1, name)
		src := strings.Index(body, name)
		cue := src + len(name) + 1
		con := cue + len("said ")
		end := strings.Index(body, " month") + len(" month")
		exs = append(exs, Example{Body: body, Gold: []Attribution{{
			Source:  []Span{{src, src + len(name)}},
			Cue:     []Span{{cue, cue + 4}},
			Content: []Span{{con, end}},
		}}})
	}
	m := Train(exs, TrainOptions{Bits: 14, Epochs: 4, MinCue: 2})
	var buf bytes.Buffer
	if _, err := m.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	r, err := ReadModel(&buf)
	if err != nil {
		t.Fatal(err)
	}
	body := "The road closed on Monday. Mia Stone said that the work would take a week. Buses ran instead."
	got, again := m.Extract(body), r.Extract(body)
	if fmt.Sprint(got) != fmt.Sprint(again) {
		t.Errorf("the model read back extracts %v, the trained one %v", again, got)
	}
	if len(got) != 1 || body[got[0].Source[0].Start:got[0].Source[0].End] != "Mia Stone" || !strings.Contains(body[got[0].Content[0].Start:got[0].Content[0].End], "the work would take a week") {
		t.Errorf("trained on six \"X said that ...\", it extracts %v from %q", got, body)
	}
	if _, err := ReadModel(strings.NewReader("not a model")); err == nil {
		t.Error("ReadModel of garbage: no error")
	}
}
