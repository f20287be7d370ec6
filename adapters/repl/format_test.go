package repl

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/newsbot-dev/newsbot"
)

// damAnswer is a two-citation answer with full metadata.
var damAnswer = newsbot.Answer{
	Question: "What happened to the dam?",
	Text:     "The dam failed after days of rain [1]. Officials ordered an evacuation [2].",
	Mode:     newsbot.ModeExtractive,
	Citations: []newsbot.Citation{
		{
			N: 1, ArticleID: "courier-1", Start: 120, End: 171,
			Sentence:  "The dam failed on Tuesday after days of heavy rain.",
			Outlet:    "The Courier",
			Title:     "Dam fails",
			URL:       "https://example.com/dam",
			Published: time.Date(2009, 10, 14, 0, 0, 0, 0, time.UTC),
			Paragraph: 2, Index: 1,
		},
		{
			N: 2, ArticleID: "ledger-7", Start: 0, End: 52,
			Sentence:  "Officials ordered 3,000 residents to leave at dawn.",
			Outlet:    "The Ledger",
			Title:     "Evacuation ordered",
			URL:       "https://example.com/evac",
			Published: time.Date(2009, 10, 15, 18, 30, 0, 0, time.UTC),
			Paragraph: 4, Index: 3,
		},
	},
}

const damFormatted = `The dam failed after days of rain [1]. Officials ordered an evacuation [2].

Sources:
[1] The Courier — "Dam fails" (2009-10-14), https://example.com/dam, paragraph 2, sentence 1
[2] The Ledger — "Evacuation ordered" (2009-10-15), https://example.com/evac, paragraph 4, sentence 3
`

const damSources = `Sources for "What happened to the dam?":
[1] The Courier — "Dam fails" (2009-10-14), https://example.com/dam, paragraph 2, sentence 1
    "The dam failed on Tuesday after days of heavy rain."

[2] The Ledger — "Evacuation ordered" (2009-10-15), https://example.com/evac, paragraph 4, sentence 3
    "Officials ordered 3,000 residents to leave at dawn."
`

// unknownAnswer's citation has no metadata at all.
var unknownAnswer = newsbot.Answer{
	Text: "Something happened [1].",
	Citations: []newsbot.Citation{
		{N: 1, ArticleID: "x", Sentence: "Something happened."},
	},
}

// evilAnswer carries terminal control sequences in every field.
var evilAnswer = newsbot.Answer{
	Question: "evil\x1b[2J?",
	Text:     "Line one [1].\x1b[2J\nLine two\u202e reversed.",
	Note:     "note\x07",
	Citations: []newsbot.Citation{{
		N:         1,
		Sentence:  "It rained.\x1b[2J\x1b]0;pwned\x07\u202eevil",
		Outlet:    "Out\x1b[31mlet",
		Title:     "Ti\rtle\u2066",
		URL:       "https://example.com/\x1b]8;;https://evil.example\x07x",
		Paragraph: 1, Index: 1,
	}},
}

func TestFormat(t *testing.T) {
	tests := []struct {
		name string
		a    newsbot.Answer
		want string
	}{
		{"full metadata", damAnswer, damFormatted},
		{
			"unknown metadata",
			unknownAnswer,
			"Something happened [1].\n\nSources:\n" +
				"[1] unknown outlet — untitled (date unknown), no link, position unknown\n",
		},
		{
			"blank metadata counts as unknown",
			newsbot.Answer{Text: "T [1].", Citations: []newsbot.Citation{{
				N: 1, Outlet: "  ", Title: "\u202e", URL: "\t", Paragraph: 3,
			}}},
			"T [1].\n\nSources:\n[1] unknown outlet — untitled (date unknown), no link, paragraph 3\n",
		},
		{
			"no answer has no sources section",
			newsbot.Answer{Text: "The coverage does not say.", NoAnswer: true},
			"The coverage does not say.\n",
		},
		{
			"no answer ignores stray citations",
			newsbot.Answer{Text: "Not covered.", NoAnswer: true, Citations: unknownAnswer.Citations},
			"Not covered.\n",
		},
		{
			"note after the text",
			newsbot.Answer{Text: "Answer [1].", Note: "The model's answer could not be checked.", Citations: unknownAnswer.Citations},
			"Answer [1].\n\nThe model's answer could not be checked.\n\nSources:\n" +
				"[1] unknown outlet — untitled (date unknown), no link, position unknown\n",
		},
		{
			"note on a no answer",
			newsbot.Answer{Text: "Not covered.", NoAnswer: true, Note: "Try rephrasing."},
			"Not covered.\n\nTry rephrasing.\n",
		},
		{
			"multi-line text keeps its lines",
			newsbot.Answer{Text: "First [1].\nSecond [1].\n", Citations: unknownAnswer.Citations},
			"First [1].\nSecond [1].\n\nSources:\n" +
				"[1] unknown outlet — untitled (date unknown), no link, position unknown\n",
		},
		{
			"speaker after the outlet",
			newsbot.Answer{Text: "Lavrov called talk of sanctions counter-productive [1].", Citations: []newsbot.Citation{{
				N: 1, Outlet: "Reuters", Title: "Clinton fails to win Russia pledge", Speaker: "Sergei Lavrov",
				URL: "https://example.com/a", Published: time.Date(2009, 10, 13, 0, 0, 0, 0, time.UTC), Paragraph: 3, Index: 1,
			}}},
			"Lavrov called talk of sanctions counter-productive [1].\n\nSources:\n" +
				"[1] Reuters — Sergei Lavrov — \"Clinton fails to win Russia pledge\" (2009-10-13), https://example.com/a, paragraph 3, sentence 1\n",
		},
		{
			"hostile speaker on one line, inert and bounded",
			newsbot.Answer{Text: "T [1].", Citations: []newsbot.Citation{{
				N: 1, Outlet: "AP", Speaker: "Jane\x1b[2J Ortiz\n\u202esays " + strings.Repeat("x", 300),
			}}},
			"T [1].\n\nSources:\n[1] AP — Jane\\x1b[2J Ortiz says " + strings.Repeat("x", 80-len("Jane\\x1b[2J Ortiz says ")-1) + "… — untitled (date unknown), no link, position unknown\n",
		},
		{
			"control characters are escaped",
			evilAnswer,
			"Line one [1].\\x1b[2J\nLine two reversed.\n\nnote\\x07\n\nSources:\n" +
				"[1] Out\\x1b[31mlet — \"Ti\\rtle\" (date unknown), https://example.com/\\x1b]8;;https://evil.example\\x07x, paragraph 1, sentence 1\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b bytes.Buffer
			if err := Format(&b, tt.a); err != nil {
				t.Fatal(err)
			}
			if got := b.String(); got != tt.want {
				t.Errorf("Format:\ngot:\n%s\nwant:\n%s", got, tt.want)
			}
			checkSafe(t, b.String(), true)
		})
	}
}

func TestFormatSources(t *testing.T) {
	tests := []struct {
		name string
		a    newsbot.Answer
		want string
	}{
		{"full", damAnswer, damSources},
		{
			"unknown metadata, no question",
			newsbot.Answer{Citations: []newsbot.Citation{{N: 1}}},
			"Sources:\n[1] unknown outlet — untitled (date unknown), no link, position unknown\n" +
				"    (sentence text missing)\n",
		},
		{
			"no citations",
			newsbot.Answer{Question: "q", Text: "Not covered.", NoAnswer: true},
			"That answer cites no sources.\n",
		},
		{
			"sentence with line breaks stays on one line",
			newsbot.Answer{Citations: []newsbot.Citation{{N: 1, Sentence: "Wrapped\nsentence\r\nhere.", Paragraph: 1, Index: 2}}},
			"Sources:\n[1] unknown outlet — untitled (date unknown), no link, paragraph 1, sentence 2\n" +
				"    \"Wrapped sentence here.\"\n",
		},
		{
			"speaker after the outlet",
			newsbot.Answer{Question: "What did Lavrov say?", Citations: []newsbot.Citation{{
				N: 1, Outlet: "Reuters", Title: "Clinton fails to win Russia pledge", Speaker: "Sergei Lavrov", Sentence: "“All forces should be aimed at supporting talks,” he said.",
				URL: "https://example.com/a", Published: time.Date(2009, 10, 13, 0, 0, 0, 0, time.UTC), Paragraph: 3, Index: 2,
			}}},
			"Sources for \"What did Lavrov say?\":\n" +
				"[1] Reuters — Sergei Lavrov — \"Clinton fails to win Russia pledge\" (2009-10-13), https://example.com/a, paragraph 3, sentence 2\n" +
				"    \"“All forces should be aimed at supporting talks,” he said.\"\n",
		},
		{
			"control characters are escaped",
			evilAnswer,
			"Sources for \"evil\\x1b[2J?\":\n" +
				"[1] Out\\x1b[31mlet — \"Ti\\rtle\" (date unknown), https://example.com/\\x1b]8;;https://evil.example\\x07x, paragraph 1, sentence 1\n" +
				"    \"It rained.\\x1b[2J\\x1b]0;pwned\\x07evil\"\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b bytes.Buffer
			if err := formatSources(&b, tt.a); err != nil {
				t.Fatal(err)
			}
			if got := b.String(); got != tt.want {
				t.Errorf("FormatSources:\ngot:\n%s\nwant:\n%s", got, tt.want)
			}
			checkSafe(t, b.String(), true)
		})
	}
}

type failWriter struct{}

var errDiskFull = errors.New("disk full")

func (failWriter) Write([]byte) (int, error) { return 0, errDiskFull }

func TestFormatWriteError(t *testing.T) {
	if err := Format(failWriter{}, damAnswer); !errors.Is(err, errDiskFull) {
		t.Errorf("Format error = %v, want %v", err, errDiskFull)
	}
	if err := formatSources(failWriter{}, damAnswer); !errors.Is(err, errDiskFull) {
		t.Errorf("FormatSources error = %v, want %v", err, errDiskFull)
	}
}

func TestFormatDateIsTheArticlesOwn(t *testing.T) {
	// A late-evening date in New York must not become the next day.
	ny := time.FixedZone("EDT", -4*3600)
	a := newsbot.Answer{Text: "x [1]", Citations: []newsbot.Citation{{N: 1, Published: time.Date(2009, 10, 14, 23, 0, 0, 0, ny)}}}
	var b bytes.Buffer
	Format(&b, a)
	if !strings.Contains(b.String(), "(2009-10-14)") {
		t.Errorf("Format = %q, want the date 2009-10-14", b.String())
	}
}

// Host names shown from an answer are inert for a terminal that detects
// links (finding 7 of issue 10), except the cited sources' URLs.
func TestFormatBareDomainsAreInert(t *testing.T) {
	a := newsbot.Answer{Text: "Log in at evil.example/login [1].", Citations: []newsbot.Citation{{
		N: 1, Outlet: "phish.example", Title: "See evil.example", URL: "https://news.example/a", Sentence: "Visit evil.example/login.",
	}}}
	for name, f := range map[string]func(io.Writer, newsbot.Answer) error{"Format": Format, "formatSources": formatSources} {
		var b strings.Builder
		if err := f(&b, a); err != nil {
			t.Fatal(err)
		}
		out := b.String()
		if strings.Contains(out, "evil.example") || strings.Contains(out, "phish.example") || !strings.Contains(out, "https://news.example/a") {
			t.Errorf("%s:\n%q", name, out)
		}
	}
}
