package replytest

import (
	"fmt"
	"strings"

	"github.com/newsbot-dev/newsbot"
)

// Result is what a person got for a case: the answer and, when it was
// streamed, the stream.
type Result struct {
	Answer newsbot.Answer
	// Stream is true when the answer was streamed.
	Stream bool
	// Streamed is the text streamed after the last withdrawal; All is
	// every piece streamed, withdrawn ones too; Withdrawn counts the
	// withdrawals.
	Streamed, All string
	Withdrawn     int
}

// Recorder returns a newsbot.Stream that records into r.
func (r *Result) Recorder() newsbot.Stream {
	r.Stream = true
	var cur strings.Builder
	return func(p newsbot.Piece) {
		if p.Withdraw {
			r.Withdrawn++
			cur.Reset()
		}
		cur.WriteString(p.Text)
		r.All += p.Text
		r.Streamed = cur.String()
	}
}

// Check returns how r falls short of what c says the person must see: the
// answer's text and citations (or the no-answer, or the fallback), the
// note of a cut reply, the stream (the answer itself, nothing withdrawn),
// nothing shown that its citations do not hold (Unsupported), no
// reasoning shown or streamed (Leaks).
func Check(c Case, r Result) []string {
	var out []string
	fail := func(format string, args ...any) { out = append(out, fmt.Sprintf(format, args...)) }
	a := r.Answer
	cut := c.Finish == "length" || c.Finish == "" && r.Stream
	switch {
	case c.NoAnswer:
		if !a.NoAnswer || a.Text != newsbot.NoAnswerText || len(a.Citations) != 0 || a.Fallback != "" {
			fail("want the plain no-answer, got %q (fallback %q)", a.Text, a.Fallback)
		}
	case c.Fallback != "":
		if string(a.Fallback) != c.Fallback {
			fail("want the %s fallback, got %q (fallback %q, no answer %v)", c.Fallback, a.Text, a.Fallback, a.NoAnswer)
		}
	default:
		if a.Text != c.Want || a.Fallback != "" || a.NoAnswer {
			fail("text\n got %q\nwant %q\n(fallback %q, removed %+v)", a.Text, c.Want, a.Fallback, a.Removed)
		}
		if len(a.Citations) != len(c.Cites) {
			fail("%d citations, want %d", len(a.Citations), len(c.Cites))
		}
		for i := range min(len(a.Citations), len(c.Cites)) {
			if !strings.Contains(a.Citations[i].Sentence, c.Cites[i]) {
				fail("citation %d is %q, want the sentence with %q", i+1, a.Citations[i].Sentence, c.Cites[i])
			}
		}
		if wantNote := cut && c.Cut; (a.Note == newsbot.NoteCut) != wantNote {
			fail("note %q, want the cut note: %v", a.Note, wantNote)
		}
	}
	for _, p := range Unsupported(a) {
		fail("shown unsupported: %s", p)
	}
	for _, l := range Leaks(c, a.Text+"\n"+a.Note+"\n"+r.All) {
		fail("reasoning shown: %q", l)
	}
	if r.Stream {
		switch {
		case r.Withdrawn > 0 && !c.NoAnswer && c.Fallback == "":
			fail("the stream was withdrawn (%d) though the model's answer stands: %q", r.Withdrawn, r.All)
		case c.NoAnswer || c.Fallback != "":
			if r.Streamed != "" {
				fail("streamed %q, not withdrawn, before a no-answer or fallback", r.Streamed)
			}
		case r.Streamed != a.Text:
			fail("streamed %q, final %q", r.Streamed, a.Text)
		}
	}
	return out
}
