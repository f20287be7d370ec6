package discord

import (
	"strings"
	"testing"
	"time"

	"github.com/rivo/uniseg"

	"github.com/newsbot-dev/newsbot"
)

// countingRender is the escaper's escape, counting the bytes it is given.
func countingRender(n *int) func(string) string {
	return func(s string) string {
		*n += len(s)
		return escaper{}.escape(s)
	}
}

// Rendering is linear in the text and the metadata (finding 6 of issue 10:
// a 160 KB title took 10 s a render, growing quadratically): twice the
// text costs at most about twice the work, counted as the bytes escaped
// (no clock), and a field's cost does not grow with its title or sentence.
func TestRenderIsLinear(t *testing.T) {
	work := func(size int) int {
		n := 0
		split(strings.Repeat("A sentence of words that goes on. ", size/34+1), maxDescription, countingRender(&n))
		return n
	}
	if small, large := work(40_000), work(160_000); large > 5*small {
		t.Errorf("splitting 4× the text escaped %d bytes, %.1f× the %d for 1×: not linear", large, float64(large)/float64(small), small)
	}
	oneWord := func(size int) int {
		n := 0
		split(strings.Repeat("x", size), maxFieldValue, countingRender(&n))
		return n
	}
	if small, large := oneWord(40_000), oneWord(160_000); large > 5*small {
		t.Errorf("one long word, 4×: %d bytes escaped against %d", large, small)
	}
	field := func(size int) int {
		n := 0
		long := strings.Repeat("word ", size/5)
		firstPart(long, maxFieldValue, countingRender(&n))
		firstPart(long, maxFieldName, countingRender(&n))
		return n
	}
	if small, large := field(10_000), field(2_000_000); large > small+small/4 {
		t.Errorf("a field from a 2 MB text escaped %d bytes, against %d from 10 KB", large, small)
	}
}

// Any metadata, however long, renders within Discord's limits.
func TestRenderWithinLimitsForAnyMetadata(t *testing.T) {
	long := strings.Repeat("Headline *words* @everyone ", 8000) // 216 KB
	var cites []newsbot.Citation
	for i := 1; i <= 30; i++ {
		cites = append(cites, newsbot.Citation{N: i, Outlet: long, Title: long, Speaker: long, URL: "https://example.com/" + strings.Repeat("a(b)", 500),
			Sentence: strings.Repeat("A very long sentence. ", 90_000), Published: time.Date(2009, 10, 13, 0, 0, 0, 0, time.UTC)})
	}
	msgs := render(newsbot.Answer{Text: "Short [1].", Citations: cites, Note: long})
	n := 0
	for _, m := range msgs {
		checkLimits(t, fakeReqOf(t, m))
		for _, e := range m.embeds {
			for _, f := range e.Fields {
				n++
				if dlen(f.Name) > maxFieldName || dlen(f.Value) > maxFieldValue || !strings.Contains(f.Value, "…") {
					t.Errorf("field %d: name %d, value %d characters", n, dlen(f.Name), dlen(f.Value))
				}
			}
		}
	}
	if n != len(cites) {
		t.Errorf("%d fields, want %d", n, len(cites))
	}
}

// A word longer than the limit is cut between grapheme clusters (finding 9
// of issue 10: ZWJ emoji, flags and combining marks were cut apart).
func TestSplitKeepsGraphemeClusters(t *testing.T) {
	for name, unit := range map[string]string{
		"ZWJ emoji":  "👩\u200d👩\u200d👧\u200d👦",
		"flags":      "🇫🇷🇩🇪",
		"combining":  "e\u0301\u0323",
		"skin tone":  "👍🏽",
		"keycap":     "1\ufe0f\u20e3",
		"devanagari": "क्षि",
	} {
		word := strings.Repeat(unit, 3000/len(unit)+7)
		for _, limit := range []int{maxContent, 100, 37} {
			parts := split(word, limit, func(s string) string { return s })
			if strings.Join(parts, "") != word {
				t.Fatalf("%s, limit %d: text lost", name, limit)
			}
			pos := 0
			for i, p := range parts {
				if dlen(p) > limit {
					t.Errorf("%s: part %d is %d characters, over %d", name, i, dlen(p), limit)
				}
				pos += len(p)
				if pos < len(word) && !isGraphemeBoundary(word, pos) {
					t.Errorf("%s, limit %d: part %d ends inside a grapheme cluster", name, limit, i)
				}
			}
		}
	}
}

func isGraphemeBoundary(s string, i int) bool {
	g := uniseg.NewGraphemes(s)
	for g.Next() {
		from, to := g.Positions()
		if from == i || to == i {
			return true
		}
		if from > i {
			return false
		}
	}
	return false
}

// FuzzRender gives the renderer any text and metadata: every message is
// within Discord's limits, and nothing panics.
func FuzzRender(f *testing.F) {
	f.Add("Lavrov said [1]. @everyone evil.example/login [x](https://e.example)", "Reuters", "Title", "https://example.com/a", "The sentence.", "note", 3, false)
	f.Add(strings.Repeat("👩\u200d💻", 900), strings.Repeat("*", 3000), "\x1b]0;t\x07", "javascript:alert(1)", "\u202e", "", 40, true)
	f.Fuzz(func(t *testing.T, text, outlet, title, url, sentence, note string, n int, noAnswer bool) {
		n = min(max(n, 0), 60)
		a := newsbot.Answer{Text: text, Note: note, NoAnswer: noAnswer}
		for i := 1; i <= n; i++ {
			// The title is also the speaker: both are article text.
			a.Citations = append(a.Citations, newsbot.Citation{N: i, Outlet: outlet, Title: title, Speaker: title, URL: url, Sentence: sentence})
		}
		msgs := append(render(a), preview(text))
		for _, m := range msgs {
			if dlen(m.content) > maxContent || len(m.embeds) > maxEmbeds {
				t.Fatalf("content of %d characters, %d embeds", dlen(m.content), len(m.embeds))
			}
			total := 0
			for _, e := range m.embeds {
				total += dlen(e.Description)
				if dlen(e.Description) > maxDescription || len(e.Fields) > maxFields {
					t.Fatalf("description of %d characters, %d fields", dlen(e.Description), len(e.Fields))
				}
				for _, fl := range e.Fields {
					total += dlen(fl.Name) + dlen(fl.Value)
					if dlen(fl.Name) > maxFieldName || dlen(fl.Value) > maxFieldValue || fl.Name == "" || fl.Value == "" {
						t.Fatalf("field name %d, value %d characters", dlen(fl.Name), dlen(fl.Value))
					}
				}
			}
			if total > maxEmbedsTotal {
				t.Fatalf("embeds of %d characters in one message", total)
			}
		}
	})
}
