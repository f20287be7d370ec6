package index

import (
	"encoding/binary"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/newsbot-dev/newsbot"
	"github.com/newsbot-dev/newsbot/corpus"
	"github.com/newsbot-dev/newsbot/corpus/attribution"
)

// Attributions. Every article's attribution relations (corpus/attribution,
// run at ingest) are kept at the end of its stored record, after its
// fields, as byte ranges of its body:
//
//	n uvarint | per relation: for source, cue, content: count uvarint,
//	            per span: start uvarint, length uvarint |
//	            speaker: start uvarint, length uvarint (0, 0: none)
//
// The record is checksummed with the rest of the stored section, and the
// decoder checks every count against the bytes left and every span
// against the body, so no later read trusts an offset. Search uses them
// twice: at ingest, the speaker's words become context terms of the
// sentences the relation's content covers (as a pronoun's antecedent
// does), so that "What did the mayor say?" finds the quote that names
// her only as "she" or not at all; and each retrieved sentence carries the
// relations whose content overlaps it (Evidence.Attributions).

// maxAttrText bounds the text of a speaker, source or cue in
// Evidence.Attributions, in bytes: a name or a description, not a
// paragraph.
const maxAttrText = 120

// maxSpeakerTerms bounds the speaker's words added to a sentence's
// context.
const maxSpeakerTerms = 8

// appendAttrs appends an article's attribution relations to its stored
// record. Spans outside body are dropped (an extractor's bug must not
// make a segment the decoder refuses).
func appendAttrs(b []byte, as []attribution.Attribution, bodyLen int) []byte {
	ok := func(s attribution.Span) bool { return s.Start >= 0 && s.Start <= s.End && s.End <= bodyLen }
	spans := func(b []byte, ss []attribution.Span) []byte {
		n := 0
		for _, s := range ss {
			if ok(s) {
				n++
			}
		}
		b = binary.AppendUvarint(b, uint64(n))
		for _, s := range ss {
			if ok(s) {
				b = binary.AppendUvarint(b, uint64(s.Start))
				b = binary.AppendUvarint(b, uint64(s.End-s.Start))
			}
		}
		return b
	}
	b = binary.AppendUvarint(b, uint64(len(as)))
	for _, a := range as {
		b = spans(b, a.Source)
		b = spans(b, a.Cue)
		b = spans(b, a.Content)
		sp := a.Speaker
		if !ok(sp) {
			sp = attribution.Span{}
		}
		b = binary.AppendUvarint(b, uint64(sp.Start))
		b = binary.AppendUvarint(b, uint64(sp.End-sp.Start))
	}
	return b
}

// decodeAttrs reads the attribution relations of a stored record (b is
// what follows its fields) of an article whose body has bodyLen bytes. It
// checks that b holds exactly them. With keep false it only checks.
func decodeAttrs(b []byte, bodyLen int, keep bool) ([]attribution.Attribution, error) {
	bad := fmt.Errorf("%w: %w: attributions", errDamaged, errStored)
	uv := func() (uint64, bool) {
		x, k := binary.Uvarint(b)
		if k <= 0 {
			return 0, false
		}
		b = b[k:]
		return x, true
	}
	// count reads a count of items of at least minBytes bytes each.
	count := func(minBytes int) (int, bool) {
		n, ok := uv()
		if !ok || n > uint64(len(b)/minBytes) {
			return 0, false
		}
		return int(n), true
	}
	span := func() (attribution.Span, bool) {
		start, ok1 := uv()
		n, ok2 := uv()
		if !ok1 || !ok2 || start > uint64(bodyLen) || n > uint64(bodyLen)-start {
			return attribution.Span{}, false
		}
		return attribution.Span{Start: int(start), End: int(start + n)}, true
	}
	spans := func() ([]attribution.Span, bool) {
		n, ok := count(2)
		if !ok {
			return nil, false
		}
		var out []attribution.Span
		if keep && n > 0 {
			out = make([]attribution.Span, 0, n)
		}
		for range n {
			s, ok := span()
			if !ok {
				return nil, false
			}
			if keep {
				out = append(out, s)
			}
		}
		return out, true
	}
	n, ok := count(5) // three empty role counts and an empty speaker
	if !ok {
		return nil, bad
	}
	var out []attribution.Attribution
	if keep && n > 0 {
		out = make([]attribution.Attribution, 0, n)
	}
	for range n {
		var a attribution.Attribution
		var ok1, ok2, ok3, ok4 bool
		a.Source, ok1 = spans()
		a.Cue, ok2 = spans()
		a.Content, ok3 = spans()
		a.Speaker, ok4 = span()
		if !ok1 || !ok2 || !ok3 || !ok4 {
			return nil, bad
		}
		if keep {
			out = append(out, a)
		}
	}
	if len(b) != 0 {
		return nil, bad
	}
	return out, nil
}

// overlaps reports whether a's content overlaps the byte range
// [start, end).
func overlaps(a *attribution.Attribution, start, end int) bool {
	for _, c := range a.Content {
		if c.Start < end && c.End > start && c.Start < c.End {
			return true
		}
	}
	return false
}

// speakerSpans are the spans that name a relation's source: its speaker,
// or its source as written when it has no speaker.
func speakerSpans(a *attribution.Attribution) []attribution.Span {
	if a.Speaker.End > a.Speaker.Start {
		return []attribution.Span{a.Speaker}
	}
	return a.Source
}

// evidenceAttributions converts the relations of an article whose
// content overlaps the sentence [start, end) of a body of bodyLen bytes.
// text(s, e) returns body bytes [s:e].
func evidenceAttributions(as []attribution.Attribution, start, end, bodyLen int, text func(s, e int) (string, error)) ([]newsbot.Attribution, error) {
	var out []newsbot.Attribution
	for i := range as {
		a := &as[i]
		if !overlaps(a, start, end) {
			continue
		}
		join := func(ss []attribution.Span) (string, error) {
			var parts []string
			for _, s := range ss {
				t, err := text(s.Start, s.End)
				if err != nil {
					return "", err
				}
				parts = append(parts, t)
			}
			return cleanAttrText(strings.Join(parts, " ")), nil
		}
		e := newsbot.Attribution{Start: -1}
		var err error
		if e.Source, err = join(a.Source); err != nil {
			return nil, err
		}
		if e.Cue, err = join(a.Cue); err != nil {
			return nil, err
		}
		if a.Speaker.End > a.Speaker.Start {
			if e.Speaker, err = join([]attribution.Span{a.Speaker}); err != nil {
				return nil, err
			}
		} else if !isPronounPhrase(e.Source) {
			// No resolved name: the source as written names the speaker,
			// unless it is only a pronoun ("he"), which names no one.
			e.Speaker = e.Source
		}
		for _, c := range a.Content {
			if c.Start >= c.End {
				continue
			}
			if e.Start < 0 || c.Start < e.Start {
				e.Start = c.Start
			}
			e.End = max(e.End, c.End)
		}
		// Direct: the content holds a quotation mark, or is bounded by one
		// (an extractor may leave the marks out of the span).
		// A mark is up to 3 bytes of UTF-8.
		t, err := text(max(0, e.Start-3), min(bodyLen, e.End+3))
		if err != nil {
			return nil, err
		}
		e.Direct = strings.ContainsAny(t, "\"“”„«»")
		out = append(out, e)
	}
	return out, nil
}

// cleanAttrText is text as Evidence.Attributions gives it: runs of white
// space as one space, control and invisible characters dropped, at most
// maxAttrText bytes (cut at a word when it can be).
func cleanAttrText(s string) string {
	var b strings.Builder
	space := false
	for _, r := range s {
		switch {
		case unicode.IsSpace(r):
			space = b.Len() > 0
			continue
		case unicode.IsControl(r) || corpus.IsInvisible(r) || r == utf8.RuneError:
			continue
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		b.WriteRune(r)
	}
	out := b.String()
	if len(out) <= maxAttrText {
		return out
	}
	cut := maxAttrText
	for cut > 0 && !utf8.RuneStart(out[cut]) {
		cut--
	}
	if sp := strings.LastIndexByte(out[:cut], ' '); sp > maxAttrText/2 {
		cut = sp
	}
	return out[:cut]
}

// isPronounPhrase reports a source that is only a personal pronoun.
func isPronounPhrase(s string) bool {
	switch strings.ToLower(s) {
	case "he", "she", "they", "we", "i", "it", "you":
		return true
	}
	return false
}
