package newsbot

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/newsbot-dev/newsbot/prompts"
)

// builtinPrompts are the embedded templates, parsed once.
var builtinPrompts = sync.OnceValues(func() (*prompts.Set, error) { return prompts.Load("") })

func (b *Bot) prompts() (*prompts.Set, error) {
	if b.Prompts != nil {
		return b.Prompts, nil
	}
	return builtinPrompts()
}

// NoteCut tells the person that the model's reply was cut short and only
// its complete sentences are shown.
const NoteCut = "The model's answer was cut short; its complete sentences that check against the coverage are shown."

var (
	// noAnswerTokenRE finds the reply that means the evidence does not
	// answer, as models write it: NO_ANSWER, **NO_ANSWER**, Answer:
	// NO_ANSWER, NO ANSWER.
	noAnswerTokenRE = regexp.MustCompile(`(?i:\bno_answer\b)|\bNO[ -]ANSWER\b`)
	// noAnswerPhraseRE recognises a reply that says only that the evidence
	// does not answer, in words of its own.
	noAnswerPhraseRE = regexp.MustCompile(`(?i)\b(?:not|no|cannot|can't|can’t|couldn't|couldn’t|unable|nothing|none)\b.*\b(?:evidence|coverage|articles?|sources?|sentences?|information|mention(?:ed|s)?|answer)\b|\b(?:evidence|coverage|articles?|sources?|sentences?|information)\b.*\b(?:not|no|nothing|silent)\b`)
	// completeRE matches a sentence that ends as a whole sentence does.
	completeRE = regexp.MustCompile(`[.!?。！？…]["”’»)]*(?:\s*\[\d+\])*\s*$`)
)

// evidenceForModel picks the evidence worth showing the model: the best
// sentence, and those that match a fair part of the question, at most
// MaxEvidence.
func (b *Bot) evidenceForModel(ev []Evidence) []Evidence {
	maxN := b.MaxEvidence
	if maxN == 0 {
		maxN = 8
	}
	minCov := b.minCoverage() / 2
	var out []Evidence
	for i, e := range ev {
		if len(out) == maxN {
			break
		}
		if i == 0 || (e.Relevance.Own > 0 && e.Relevance.Coverage >= minCov) {
			out = append(out, e)
		}
	}
	return out
}

// grounded asks the model to answer q from numbered evidence and checks
// its reply. ts, when not nil, receives the checked text of whole sentences
// as the reply arrives.
func (b *Bot) grounded(ctx context.Context, q string, all []Evidence, ts *trackedStream, tm *Timing) (Answer, error) {
	ps, err := b.prompts()
	if err != nil {
		return Answer{}, err
	}
	ev := b.evidenceForModel(all)
	c := newChecker(ev, q, b.MinSupport)

	start := time.Now()
	jm, structured := b.Model.(JSONModel)
	var reply string
	var r *replyReader
	if structured {
		var msgs []Message
		if msgs, err = answerPrompt(ps, q, ev, true); err != nil {
			return Answer{}, err
		}
		r = newReplyReader(c, ts, true)
		reply, err = jm.CompleteJSON(ctx, msgs, answerSchema, r.piece())
		if errors.Is(err, ErrNoJSON) {
			structured = false
		}
	}
	if !structured {
		var msgs []Message
		if msgs, err = answerPrompt(ps, q, ev, false); err != nil {
			return Answer{}, err
		}
		r = newReplyReader(c, ts, false)
		reply, err = b.Model.Complete(ctx, msgs, r.piece())
	}
	tm.Model = time.Since(start)
	cut := errors.Is(err, ErrCut)
	if err != nil && !cut {
		return Answer{}, err
	}
	start = time.Now()
	defer func() { tm.Check = time.Since(start) }()

	a := Answer{Question: q, Mode: ModeModel}
	visible := stripReasoning(reply)
	if visible == reply && opensLikeReasoning(visible) {
		// No tag at all, and it reads as reasoning: the reply began inside
		// a block opened by the prompt and never closed it.
		visible = ""
	}
	reasoning := len(reply) - len(visible)
	if structured {
		if t, ok, _ := fromJSON(visible); ok {
			visible = t
		}
	}
	noAnswer := func() (Answer, error) {
		return Answer{Question: q, Mode: ModeModel, NoAnswer: true, Text: NoAnswerText, Removed: Removed{Reasoning: reasoning}}, nil
	}
	switch {
	case noAnswerTokenRE.MatchString(visible):
		return noAnswer()
	case strings.TrimSpace(visible) == "" && cut:
		return Answer{}, fmt.Errorf("model reply cut before any answer (%d bytes of reasoning): %w", reasoning, err)
	case strings.TrimSpace(visible) == "" && reasoning > 0:
		// It reasoned and never answered (a block left open): no more a
		// no-answer than an answer.
		return Answer{}, fmt.Errorf("model reply is reasoning only (%d bytes)", reasoning)
	case strings.TrimSpace(visible) == "":
		return noAnswer()
	}
	units := parseReply(visible, ev, cut, c.blocks)
	if cut && len(units) > 0 && !completeRE.MatchString(units[len(units)-1].text) {
		units = units[:len(units)-1] // the sentence the cut went through
	}
	a.Text = c.run(units, len(units), true)
	a.Removed = c.removed
	a.Removed.Reasoning = reasoning
	if c.kept == 0 {
		if c.claims == 0 && (c.gaps > 0 || noAnswerPhraseRE.MatchString(visible)) {
			// It only says the evidence does not answer.
			return noAnswer()
		}
		if cut {
			return Answer{}, fmt.Errorf("model reply cut before a sentence that checks: %w", err)
		}
		return Answer{Question: q, Mode: ModeModel, Removed: a.Removed}, nil
	}
	if cut {
		a.Note = NoteCut
	}
	for _, n := range c.order {
		a.Citations = append(a.Citations, citation(len(a.Citations)+1, ev[n-1]))
	}
	// The reply is complete: its last sentences are now certain too.
	ts.continueWith(a.Text)
	return a, nil
}

// replyReader reads a reply while it streams in: it removes reasoning (and
// releases nothing while the model may be reasoning), decodes a structured
// reply, and releases the checked text of the sentences that nothing
// later can change.
type replyReader struct {
	c          *checker
	ts         *trackedStream
	structured bool
	filter     *reasoningFilter
	raw        strings.Builder
	seen       int // how much of the visible text was looked at
	// ends counts the places where a sentence or line ended and another
	// began; state is where the scan for them stands (see scanEnds).
	ends, checkedEnds int
	state             int
	// noAnswer is set once the reply says NO_ANSWER: nothing more is
	// released.
	noAnswer bool
}

func newReplyReader(c *checker, ts *trackedStream, structured bool) *replyReader {
	return &replyReader{c: c, ts: ts, structured: structured, filter: newReasoningFilter()}
}

// piece returns the callback for the model's stream; nil when there is no
// stream.
func (r *replyReader) piece() func(string) {
	if r.ts == nil || r.ts.next == nil {
		return nil
	}
	return r.add
}

func (r *replyReader) add(p string) {
	if p == "" || r.ts.stopped {
		return
	}
	r.raw.WriteString(p)
	orphan := r.filter.orphan
	r.filter.feed(r.raw.String(), false)
	if r.filter.orphan && !orphan && r.ts.sent.Len() > 0 {
		// What streamed was reasoning after all: take it back, and let
		// the final answer replace it.
		r.ts.withdraw()
		r.ts.stopped = true
		return
	}
	visible := r.filter.visible.String()
	if r.seen > len(visible) {
		r.seen, r.state = 0, 0 // reset by a closing tag with no opening one
	}
	// A no-answer token may span pieces: look from a little before.
	if w := visible[max(0, r.seen-len(noAnswerToken)):]; !r.noAnswer && strings.ContainsAny(w, "_ -") && strings.Contains(strings.ToUpper(w), "ANSWER") {
		r.noAnswer = noAnswerTokenRE.MatchString(w)
	}
	if r.filter.thinking() || !r.filter.tagged && mayBeReasoning(visible) || r.noAnswer {
		return
	}
	// Check again only once a new sentence has begun: until then, nothing
	// more can be certain.
	fresh := visible[r.seen:]
	r.seen = len(visible)
	r.scanEnds(fresh)
	if r.ends == r.checkedEnds {
		return
	}
	r.checkedEnds = r.ends
	var stable string
	if r.structured {
		t, ok, _ := fromJSON(visible)
		if ok {
			stable = r.c.stableText(t, true)
		} else if strings.HasPrefix(strings.TrimSpace(visible), "{") || strings.HasPrefix(strings.TrimSpace(visible), "`") {
			return
		} else {
			stable = r.c.stableText(visible, false)
		}
	} else {
		stable = r.c.stableText(visible, false)
	}
	r.ts.continueWith(stable)
}

// scanEnds counts in text (the reply's next visible bytes) the places
// where a sentence or a line ended and another began: a full stop, a
// question or exclamation mark, or the end of a JSON object, then white
// space, then anything but a lower-case letter; or a line break, then
// anything.
func (r *replyReader) scanEnds(text string) {
	for _, ch := range text {
		switch {
		case strings.ContainsRune(".!?}", ch):
			r.state = 1
		case strings.ContainsRune("。！？", ch):
			r.state = 3 // CJK needs no space after its full stop
		case ch == '\n':
			r.state = 3
		case ch == ' ' || ch == '\t' || ch == '\r':
			if r.state == 1 {
				r.state = 2
			}
		case r.state == 1 && strings.ContainsRune("\"”’)]0123456789[", ch):
			// a closing quotation or a marker after the full stop
		case r.state == 3, r.state == 2 && !(ch >= 'a' && ch <= 'z'):
			// A new line, or what may open a sentence after a full stop
			// ("U.S. official" opens none).
			r.ends++
			r.state = 0
		default:
			r.state = 0
		}
	}
}

// answerPrompt renders the messages that ask the model to answer q from
// the numbered evidence; structured asks for the answer as JSON.
func answerPrompt(ps *prompts.Set, q string, ev []Evidence, structured bool) ([]Message, error) {
	data := prompts.AnswerData{Question: q}
	for i, e := range ev {
		pe := prompts.Evidence{
			N:        i + 1,
			Outlet:   orUnknown(SourceName(e.Outlet, e.Wire), "unknown outlet"),
			Title:    orUnknown(e.Title, "untitled"),
			Date:     dateOf(e.Published),
			Sentence: collapseSpace(e.Sentence),
			Context:  collapseSpace(e.Before),
			Speakers: speakersForModel(e),
		}
		for k, o := range ev {
			if e.Before != "" && o.ArticleID == e.ArticleID && o.Sentence == e.Before {
				// Its context is evidence itself: point to it.
				pe.Context, pe.Follows = "", k+1
			}
		}
		data.Evidence = append(data.Evidence, pe)
	}
	system, err := ps.Render(prompts.System, prompts.SystemData{MaxSentences: 5, NoAnswer: noAnswerToken, JSON: structured})
	if err != nil {
		return nil, err
	}
	user, err := ps.Render(prompts.Answer, data)
	if err != nil {
		return nil, err
	}
	return []Message{{Role: RoleSystem, Content: system}, {Role: RoleUser, Content: user}}, nil
}

// speakersForModel lists who an evidence sentence quotes or reports, for
// the model: its main speaker (Evidence.Speaker) first, then any other
// speaker of an attribution within it, each once. An attribution with no
// speaker, or whose content does not reach into the sentence, is left out.
func speakersForModel(e Evidence) []prompts.Speaker {
	var out []prompts.Speaker
	main := e.Speaker()
	add := func(a Attribution) {
		name := clipText(collapseSpace(a.Speaker), maxSpeakerShown)
		for _, s := range out {
			if strings.EqualFold(s.Name, name) {
				return
			}
		}
		out = append(out, prompts.Speaker{Name: name, Cue: clipText(collapseSpace(a.Cue), maxSpeakerShown), Direct: a.Direct})
	}
	for _, a := range e.Attributions {
		if a.Speaker == main && overlaps(a, e) {
			add(a)
			break
		}
	}
	for _, a := range e.Attributions {
		if strings.TrimSpace(a.Speaker) != "" && overlaps(a, e) {
			add(a)
		}
	}
	return out
}

// maxSpeakerShown bounds, in bytes, a speaker or cue shown to the model:
// a name is short, and article text may be hostile.
const maxSpeakerShown = 120

// clipText cuts s to at most n bytes, at a character boundary, marking
// the cut with an ellipsis.
func clipText(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return strings.TrimSpace(s[:n]) + "…"
}

// overlaps reports whether an attribution's content reaches into the
// evidence sentence.
func overlaps(a Attribution, e Evidence) bool {
	return min(a.End, e.End) > max(a.Start, e.Start)
}

func orUnknown(s, label string) string {
	if strings.TrimSpace(s) == "" {
		return label
	}
	return s
}

func dateOf(t time.Time) string {
	if t.IsZero() {
		return "date unknown"
	}
	return t.Format("2006-01-02")
}
