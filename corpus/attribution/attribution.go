// Package attribution finds the attribution relations of a news article:
// who (the source) says, thinks or reports what (the content), and how
// (the cue), as byte ranges of the article's body. The index runs it on
// every article at ingest and keeps what it finds; `bot attributions`
// writes it as JSON Lines for ../shared/eval/score_attribution.py.
//
// What it finds is what the PolNeAR annotations of ../shared/eval/attribution
// hold: direct quotations, mixed quotations and reported speech ("X said
// that ...", "..., X said", "according to X", "X told Reuters"), and the
// long tail of cues of saying, thinking and reporting ("argued",
// "believe", "accused", "polls show").
//
// How: the body is split into tokens (words, punctuation, quotation marks,
// with quotation and sentence flags). A tagger labels every token as the
// begin or inside of a source, cue or content chunk, or none: an averaged
// perceptron over hashed features (the words around, their shapes, the
// quotation state, the distance to the nearest word of the cue lexicon
// learned from the training set, and the labels already given), decoded
// greedily left to right; its weights are bytes, one 8-byte word per
// feature, added in 16-bit lanes. Two linear rankers then assemble the
// chunks: each content chunk picks its cue among the nearby cue chunks, or
// none; each cue picks its source among the nearby source chunks, the
// words around it and the start of its sentence, or none. Only
// attributions with a cue, a content and a source are returned: a content
// whose source is not found says nothing about who said it. Pronoun
// sources get a Speaker: the name they stand for (see resolveSpeakers).
//
// The model (model.bin.gz, embedded) is trained by
//
//	go run ./corpus/attribution/train
//
// which prints the 5-fold cross-validated figures by article and the
// figures of the model trained on all 840 articles (see the README's
// "Attributions" section), and writes the model. The rankers are trained
// on taggers' output on articles those taggers were not trained on, and
// their operating point (how readily they say none) is picked on the
// training articles alone, never on the held fold.
package attribution

// Span is a byte range [Start, End) of an article's body.
type Span struct {
	Start, End int
}

// Attribution is one attribution relation. A role may have several spans
// (a quote broken by its cue: "We will not," he said, "back down.").
type Attribution struct {
	Source, Cue, Content []Span
	// Speaker is the mention in the body that names the source: the
	// source itself when it is a name or a description ("Sergei Lavrov",
	// "the mayor"), the name a pronoun stands for when the article gives
	// it earlier ("he" → "Lavrov"); the zero Span when there is none.
	Speaker Span
}

// Extract returns the attribution relations of body, in the order of
// their content in the body; each has at least one span of each role. It
// is safe for concurrent use, and allocates little beyond its result. It
// finds nothing when the package is built with an empty model.bin.gz (as
// ./train may, to build itself from nothing).
func Extract(body string) []Attribution {
	if m := builtin(); m != nil {
		return m.Extract(body)
	}
	return nil
}
