// Package attribution finds the attribution relations of a news article:
// who (the source) says, thinks or reports what (the content), and how
// (the cue), as byte ranges of the article's body. The index runs it on
// every article at ingest and keeps what it finds; `bot attributions`
// writes it as JSON Lines for ../shared/eval/score_attribution.py.
package attribution

// Span is a byte range [Start, End) of an article's body.
type Span struct {
	Start, End int
}

// Attribution is one attribution relation. A role may have several spans
// (a quote broken by its cue: "We will not," he said, "back down.") or
// none (a content with no source given).
type Attribution struct {
	Source, Cue, Content []Span
	// Speaker is the mention in the body that names the source: the
	// source itself when it is a name or a description ("Sergei Lavrov",
	// "the mayor"), the name a pronoun stands for when the article gives
	// it earlier ("he" → "Lavrov"); the zero Span when there is none.
	Speaker Span
}

// Extract returns the attribution relations of body, in the order of
// their content in the body. It is safe for concurrent use.
func Extract(body string) []Attribution {
	if m := builtin(); m != nil {
		return m.Extract(body)
	}
	toks := tokenize(body, nil)
	labels := make([]uint8, len(toks))
	ruleLabels(body, toks, labels)
	return assemble(body, toks, labels, nil)
}
