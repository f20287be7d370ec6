package slack

import (
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/newsbot-dev/newsbot"
)

func TestSplitTextNeverCutsAnEscapeOrLosesText(t *testing.T) {
	for _, tc := range []struct {
		name string
		text string
		max  int
	}{
		{"sentences", strings.Repeat("One & two <three>. [1] ", 400), 3000},
		{"one long word of escapes", strings.Repeat("&<>", 3000), 3000},
		{"long word, small max", "x" + strings.Repeat("&", 50), 16},
		{"multibyte", strings.Repeat("Ünïcödé “quotes” — ", 500), 3000},
		{"no spaces, multibyte", strings.Repeat("é", 4000), 3000},
	} {
		t.Run(tc.name, func(t *testing.T) {
			esc := escape(tc.text)
			parts := splitText(esc, tc.max)
			for i, p := range parts {
				if len(p) > tc.max {
					t.Errorf("part %d: %d bytes > %d", i, len(p), tc.max)
				}
				if !utf8.ValidString(p) {
					t.Errorf("part %d: invalid UTF-8", i)
				}
				checkEscapes(t, p)
			}
			joined := strings.Join(parts, "")
			if strings.Contains(esc, " ") {
				joined = strings.Join(parts, " ")
			}
			if joined != strings.TrimSpace(esc) {
				t.Errorf("text lost or changed in splitting")
			}
		})
	}
}

func TestSplitTextKeepsMarkersWithTheirSentence(t *testing.T) {
	text := strings.Repeat("word ", 500) + "End of a claim. [1] " + strings.Repeat("more ", 200)
	parts := splitText(text, 2560)
	for _, p := range parts[1:] {
		if strings.HasPrefix(p, "[") {
			t.Errorf("a part starts with a marker: %.20q", p)
		}
	}
}

func TestEscape(t *testing.T) {
	for in, want := range map[string]string{
		"a & b":                        "a &amp; b",
		"<!channel> <@U1>":             "&lt;!channel&gt; &lt;@U1&gt;",
		"@here and @Everyone":          "@\u2060here and @\u2060Everyone",
		"mail@channel4.example":        "mail@\u2060channel4.\u200bexample",
		"log in at evil.example/login": "log in at evil.\u200bexample/login",
		"bidi\u202eevil\u202c ok":      "bidievil ok",
		"bell\x07 tab\tnl\r\nx":        "bell tab nl\nx",
	} {
		if got := escape(in); got != want {
			t.Errorf("escape(%q) = %q, want %q", in, got, want)
		}
	}
	if got := escapeAnswer("see https://evil.example"); strings.Contains(got, "https://") {
		t.Errorf("escapeAnswer left a link: %q", got)
	}
}

func TestLinkURL(t *testing.T) {
	for in, want := range map[string]string{
		"https://a.example/x?b=1&c=2": "https://a.example/x?b=1&amp;c=2",
		"https://a.example/x|y>z":     "https://a.example/x%7Cy%3Ez",
		"javascript:alert(1)":         "",
		"/relative":                   "",
		"":                            "",
	} {
		if got := linkURL(in); got != want {
			t.Errorf("linkURL(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestRenderAnswerStaysWithinSlackLimits(t *testing.T) {
	a := newsbot.Answer{Text: strings.Repeat("Long answer & more. [1] ", 3000)}
	for i := 1; i <= 80; i++ {
		a.Citations = append(a.Citations, newsbot.Citation{N: i, Sentence: strings.Repeat("s ", 2000), Outlet: "O", Title: "T", Published: time.Unix(0, 0)})
	}
	m := renderAnswer(a, 1)
	if len(m.blocks) > maxBlocks-1 {
		t.Errorf("%d blocks, want at most %d", len(m.blocks), maxBlocks-1)
	}
	if len(m.text) > maxFallbackText {
		t.Errorf("fallback text is %d bytes", len(m.text))
	}
	checkEscapes(t, m.text)
}

func TestRenderNoAnswerHasNoSources(t *testing.T) {
	m := renderAnswer(newsbot.Answer{NoAnswer: true, Text: newsbot.NoAnswerText}, 0)
	if len(m.blocks) != 1 || m.text != newsbot.NoAnswerText {
		t.Errorf("no-answer message: %d blocks, text %q", len(m.blocks), m.text)
	}
}

func TestRenderFallbackShowsTheNote(t *testing.T) {
	m := renderAnswer(newsbot.Answer{Text: "A. [1]", Fallback: newsbot.FallbackModelFailed, Note: newsbot.NoteModelFailed,
		Citations: []newsbot.Citation{{N: 1, Sentence: "A.", Outlet: "Reuters"}}}, 0)
	if len(m.blocks) != 3 || !strings.Contains(m.text, newsbot.NoteModelFailed) {
		t.Errorf("fallback message: %d blocks, text %q", len(m.blocks), m.text)
	}
}

func TestQuestionText(t *testing.T) {
	for in, want := range map[string]string{
		"<@UBOT> What did Lavrov say?":                      "What did Lavrov say?",
		"<@UBOT|newsbot> Tom &amp; Jerry &lt;3":             "Tom & Jerry <3",
		"What did <@U1|ann> read on <https://x.example|x>?": "What did @ann read on x?",
		"<!here> <#C1|general> news?":                       "@here #general news?",
	} {
		if got := questionText(in, "UBOT"); got != want {
			t.Errorf("questionText(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestMentionsOthers(t *testing.T) {
	for in, want := range map[string]bool{
		"and then?":            false,
		"<@UBOT> and then?":    false,
		"<@U2> what say you?":  true,
		"<@UBOT> <@U2|bo> hi?": true,
	} {
		if got := mentionsOthers(in, "UBOT"); got != want {
			t.Errorf("mentionsOthers(%q) = %v", in, got)
		}
	}
}
