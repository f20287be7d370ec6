package discord

import (
	"strings"
	"testing"
	"time"

	"github.com/newsbot-dev/newsbot"
)

func TestEscape(t *testing.T) {
	const cited = "https://example.com/a_b"
	esc := escaper{allowed: map[string]bool{cited: true}, sources: []string{cited}}
	content := escaper{allowed: esc.allowed, sources: esc.sources, content: true}
	for _, tc := range []struct {
		in, want string
		e        escaper
	}{
		{"plain text, 3.5% - fine", "plain text, 3.5% - fine", esc},
		{"@everyone @Here @herenow", "@\u200beveryone @\u200bHere @\u200bherenow", esc},
		{"<@123> <@!4> <@&5> <#6> <t:1:R> <:e:7>", `\<@123> \<@!4> \<@&5> \<#6> \<t:1:R> \<:e:7>`, esc},
		{"**b** __u__ ~~s~~ ||x|| `c`", `\*\*b\*\* \_\_u\_\_ \~\~s\~\~ \|\|x\|\| \` + "`c\\`", esc},
		{"[t](https://evil.example/p)", `\[t\](https:` + "\u200b" + `//evil.` + "\u200b" + `example/p)`, esc},
		{"# h\n- l\n> q\n1. n\n-# s", "\\# h\n\\- l\n\\> q\n1\\. n\n\\-# s", esc},
		{"see " + cited + ".", "see " + cited + ".", esc},
		{"see " + cited + ".", "see <" + cited + ">.", content},
		{"see http://other.example/x", "see http:\u200b//other.\u200bexample/x", content},
		{"log in at evil.example/login", "log in at evil.\u200bexample/login", content},
		{"cited example.com/a_b, not example.com/b", "cited example.com/a\\_b, not example.\u200bcom/b", esc},
		{"a\u202eb\x1b[2Jc\u200bd\r\ne\u200df", "ab\\[2Jcd\ne\u200df", esc},
		{`back\slash`, `back\\slash`, esc},
	} {
		if got := tc.e.escape(tc.in); got != tc.want {
			t.Errorf("escape(%q) =\n %q, want\n %q", tc.in, got, tc.want)
		}
	}
}

// split cuts at sentence ends, then words, then runes, within the limit,
// and never inside an escape.
func TestSplit(t *testing.T) {
	esc := escaper{}.escape
	text := "First sentence here. [1] Second one follows it. [2] Third is longer than the others by a bit."
	parts := split(text, 60, esc)
	if len(parts) < 2 || !strings.HasSuffix(unescape(parts[0]), "[1]") && !strings.HasSuffix(unescape(parts[0]), "it. [2]") {
		t.Errorf("not cut at a sentence end: %q", parts)
	}
	for _, in := range []string{strings.Repeat("*", 5000), strings.Repeat("😀", 3000), strings.Repeat("word ", 2000)} {
		parts := split(in, 2000, esc)
		var joined strings.Builder
		for _, p := range parts {
			if dlen(p) > 2000 {
				t.Errorf("part of %d characters", dlen(p))
			}
			if strings.HasSuffix(p, `\`) && !strings.HasSuffix(p, `\\`) {
				t.Errorf("part ends inside an escape: …%q", p[len(p)-10:])
			}
			joined.WriteString(unescape(p))
		}
		want := strings.ReplaceAll(in, " ", "")
		if got := strings.ReplaceAll(joined.String(), " ", ""); got != want {
			t.Errorf("split lost text: %d bytes of %d", len(got), len(want))
		}
	}
}

// A long answer with many sources is laid out within every limit, with the
// whole text and every source, in order.
func TestRenderLimits(t *testing.T) {
	var sentences []string
	for i := 0; i < 120; i++ {
		sentences = append(sentences, "Sanctions against Iran were *discussed* at length by the @everyone ministers in Moscow. [1]")
	}
	var cites []newsbot.Citation
	for i := 1; i <= 60; i++ {
		cites = append(cites, newsbot.Citation{N: i, Sentence: strings.Repeat("A long <@1> quoted sentence. ", 60), Outlet: strings.Repeat("Outlet ", 50),
			Title: strings.Repeat("Headline ", 40), URL: "https://example.com/a", Published: time.Date(2009, 10, 14, 0, 0, 0, 0, time.UTC)})
	}
	ans := newsbot.Answer{Text: strings.Join(sentences, " "), Citations: cites, Note: newsbot.NoteModelFailed, Fallback: newsbot.FallbackModelFailed}
	msgs := render(ans)
	if len(msgs) < 2 {
		t.Fatalf("%d messages for a very long answer", len(msgs))
	}
	var desc strings.Builder
	n := 0
	for _, m := range msgs {
		checkLimits(t, fakeReqOf(t, m))
		for _, e := range m.embeds {
			if e.Description != "" {
				if desc.Len() > 0 {
					desc.WriteByte(' ')
				}
				desc.WriteString(e.Description)
			}
			for _, f := range e.Fields {
				n++
				if !strings.HasPrefix(unescape(f.Name), "["+itoa(n)+"] ") {
					t.Errorf("field %d is named %q", n, f.Name)
				}
				if !strings.Contains(f.Value, "](https://example.com/a)") || !strings.Contains(f.Value, "…") {
					t.Errorf("field %d value %q: want a linked title and a cut sentence", n, f.Value)
				}
			}
		}
	}
	if n != len(cites) {
		t.Errorf("%d fields, want %d", n, len(cites))
	}
	got := unescape(desc.String())
	if !strings.HasPrefix(got, unescape(escaper{}.escape(ans.Text))) || !strings.Contains(got, newsbot.NoteModelFailed) {
		t.Errorf("the text or the note was lost")
	}
	if strings.Contains(desc.String(), "@everyone") {
		t.Error("@everyone not neutralised")
	}
}

// An answer that says the coverage does not answer is plain text, no
// sources; a preview stays within the content limit.
func TestRenderNoAnswerAndPreview(t *testing.T) {
	msgs := render(newsbot.Answer{NoAnswer: true, Text: newsbot.NoAnswerText})
	if len(msgs) != 1 || len(msgs[0].embeds) != 0 || msgs[0].content != newsbot.NoAnswerText {
		t.Errorf("no-answer rendered as %+v", msgs)
	}
	p := preview(strings.Repeat("A sentence that streams in. ", 200))
	if dlen(p.content) > maxContent || !strings.HasSuffix(p.content, " …") {
		t.Errorf("preview of %d characters: …%q", dlen(p.content), p.content[len(p.content)-20:])
	}
}

func fakeReqOf(t *testing.T, m message) fakeReq {
	t.Helper()
	b, err := jsonMarshal(map[string]any{"content": m.content, "embeds": m.embeds})
	if err != nil {
		t.Fatal(err)
	}
	return fakeReq{Method: "POST", Path: "test", Body: b}
}
