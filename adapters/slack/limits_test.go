package slack

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/rivo/uniseg"
	slackgo "github.com/slack-go/slack"

	"github.com/newsbot-dev/newsbot"
)

// checkLimits fails when m breaks one of Slack's limits: 50 blocks, 3000
// characters in any text object (counted here in bytes, which is never
// fewer), the fallback text, valid UTF-8.
func checkLimits(t *testing.T, m message, reserve int) {
	t.Helper()
	if len(m.blocks) > maxBlocks-reserve {
		t.Errorf("%d blocks, over %d", len(m.blocks), maxBlocks-reserve)
	}
	if len(m.text) > maxFallbackText || !utf8.ValidString(m.text) {
		t.Errorf("fallback text of %d bytes (or not UTF-8)", len(m.text))
	}
	for i, b := range m.blocks {
		var texts []*slackgo.TextBlockObject
		switch b := b.(type) {
		case *slackgo.SectionBlock:
			texts = append(texts, b.Text)
		case *slackgo.ContextBlock:
			for _, e := range b.ContextElements.Elements {
				if to, ok := e.(*slackgo.TextBlockObject); ok {
					texts = append(texts, to)
				}
			}
		default:
			t.Errorf("block %d: unexpected %T", i, b)
		}
		for _, to := range texts {
			if to == nil || to.Text == "" || len(to.Text) > maxSectionText || !utf8.ValidString(to.Text) {
				n := -1
				if to != nil {
					n = len(to.Text)
				}
				t.Errorf("block %d: a text of %d bytes (empty, over %d, or not UTF-8)", i, n, maxSectionText)
			}
		}
	}
	if _, err := json.Marshal(m.blocks); err != nil {
		t.Error(err)
	}
}

// Any metadata renders within Slack's limits (finding 6 of issue 10: a
// 5 KB title and outlet made a section of about 20,000 characters, which
// Slack refuses, and the person got the sorry sentence instead).
func TestRenderWithinLimitsForAnyMetadata(t *testing.T) {
	long := strings.Repeat("Headline words & <more> ", 8000) // 192 KB
	cite := func(n int) newsbot.Citation {
		return newsbot.Citation{N: n, Outlet: long, Title: long, Speaker: long, URL: "https://example.com/" + strings.Repeat("a&b", 700),
			Sentence: strings.Repeat("A very long sentence & more. ", 70000), Published: time.Date(2009, 10, 13, 0, 0, 0, 0, time.UTC)}
	}
	a := newsbot.Answer{Text: strings.Repeat("An answer that goes on [1]. ", 3000), Note: long}
	for i := 1; i <= 60; i++ {
		a.Citations = append(a.Citations, cite(i))
	}
	for _, reserve := range []int{0, 2} {
		m := renderAnswer(a, reserve)
		checkLimits(t, m, reserve)
		if !strings.Contains(m.blocks[len(m.blocks)-1].(*slackgo.ContextBlock).ContextElements.Elements[0].(*slackgo.TextBlockObject).Text, "more sources") {
			t.Error("the sources past the block limit are not counted")
		}
	}
	// A short source keeps its link and whole metadata.
	m := renderAnswer(newsbot.Answer{Text: "T [1].", Citations: []newsbot.Citation{{N: 1, Outlet: "Reuters", Title: "Title", URL: "https://example.com/a", Sentence: "S."}}}, 0)
	if got := m.blocks[1].(*slackgo.ContextBlock).ContextElements.Elements[0].(*slackgo.TextBlockObject).Text; got != "*[1]* Reuters · <https://example.com/a|Title> · date unknown\n“S.”" {
		t.Errorf("short source: %q", got)
	}
	// A speaker follows the outlet, escaped like it.
	m = renderAnswer(newsbot.Answer{Text: "T [1].", Citations: []newsbot.Citation{{N: 1, Outlet: "Reuters", Speaker: "Sergei <!here> Lavrov\n", Title: "Title", URL: "https://example.com/a", Sentence: "S."}}}, 0)
	if got := m.blocks[1].(*slackgo.ContextBlock).ContextElements.Elements[0].(*slackgo.TextBlockObject).Text; got != "*[1]* Reuters — Sergei &lt;!here&gt; Lavrov · <https://example.com/a|Title> · date unknown\n“S.”" {
		t.Errorf("source with a speaker: %q", got)
	}
	if !strings.Contains(m.text, "[1] Reuters — Sergei &lt;!here&gt; Lavrov, Title, date unknown.") {
		t.Errorf("fallback text lacks the speaker: %q", m.text)
	}
}

// A word longer than a section is cut between grapheme clusters, never
// inside an emoji sequence, a flag or a letter with its marks (finding 9
// of issue 10).
func TestSplitTextKeepsGraphemeClusters(t *testing.T) {
	for name, unit := range map[string]string{
		"ZWJ emoji":       "👩\u200d👩\u200d👧\u200d👦",
		"flags":           "🇫🇷🇩🇪",
		"combining":       "e\u0301\u0323",
		"skin tone":       "👍🏽",
		"keycap":          "1\ufe0f\u20e3",
		"hangul jamo":     "\u1100\u1161\u11a8",
		"devanagari":      "क्षि",
		"mixed with text": "a👩\u200d💻",
	} {
		word := strings.Repeat(unit, 3000/len(unit)+7)
		for _, max := range []int{3000, 100, 37} {
			parts := splitText(word, max)
			if strings.Join(parts, "") != word {
				t.Fatalf("%s, max %d: text lost", name, max)
			}
			pos := 0
			for i, p := range parts {
				if len(p) > max {
					t.Errorf("%s: part %d is %d bytes, over %d", name, i, len(p), max)
				}
				pos += len(p)
				if pos < len(word) && !isGraphemeBoundary(word, pos) {
					t.Errorf("%s, max %d: part %d ends inside a grapheme cluster", name, max, i)
				}
			}
		}
	}
}

// isGraphemeBoundary reports whether s may be cut at byte i.
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

// FuzzRender gives the renderer any text and metadata: the message is
// within Slack's limits, never carries markup it did not make (a mention,
// a broadcast, a link other than the source's), and never panics.
func FuzzRender(f *testing.F) {
	f.Add("Lavrov said [1]. <!channel> @here evil.example/login", "Reuters", "Title", "https://example.com/a", "The sentence.", "note", 3)
	f.Add(strings.Repeat("👩\u200d💻", 900), strings.Repeat("&", 3000), "\x1b]0;t\x07", "javascript:alert(1)", "\u202e", "", 60)
	f.Fuzz(func(t *testing.T, text, outlet, title, url, sentence, note string, n int) {
		n = min(max(n, 0), 80)
		a := newsbot.Answer{Text: text, Note: note}
		for i := 1; i <= n; i++ {
			// The title is also the speaker: both are article text.
			a.Citations = append(a.Citations, newsbot.Citation{N: i, Outlet: outlet, Title: title, Speaker: title, URL: url, Sentence: sentence})
		}
		for _, m := range []message{renderAnswer(a, 0), renderAnswer(a, 2), renderPartial(text)} {
			checkLimits(t, m, 0)
			for _, b := range m.blocks {
				raw, _ := json.Marshal(b)
				s := string(raw)
				// The only "<" is a source's link, opened by the renderer.
				for _, part := range strings.Split(s, "\\u003c")[1:] {
					if !strings.HasPrefix(part, "https://") && !strings.HasPrefix(part, "http://") {
						t.Fatalf("markup the renderer did not make: %s", s)
					}
				}
			}
		}
	})
}
