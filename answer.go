package newsbot

import "time"

// Answer is a platform-neutral answer: Text carries [n] markers, each naming
// the Citation whose N is n. Adapters render it in their own format.
type Answer struct {
	// Question is the question as it was answered.
	Question string
	// Text is the answer, with [n] markers after the claims they support.
	Text string
	// Citations are the cited sentences, in marker order starting at 1.
	Citations []Citation
	// NoAnswer is true when the coverage does not answer the question; Text
	// then says so plainly and Citations is empty.
	NoAnswer bool
	// Mode says how the answer was made: ModeExtractive or ModeModel.
	Mode string
	// Note is an optional remark for the person (for example that a model
	// answer could not be checked and the extractive answer is shown).
	Note string
	// Fallback is not FallbackNone when a model was configured but its
	// answer could not be used, and this is the extractive answer instead;
	// it says why, and Note says it to the person.
	Fallback FallbackReason
	// Removed counts what checking took out of the model's reply.
	Removed Removed
	// Timing says how long each stage of answering took.
	Timing Timing
}

// Timing is the time spent in each stage of answering a question; a stage
// that did not run is zero.
type Timing struct {
	// Rewrite is making a follow-up stand alone (a model call, or the
	// heuristic).
	Rewrite time.Duration
	// Retrieve is searching the index and composing the extractive answer.
	Retrieve time.Duration
	// Model is the model's answer, from the request to its last piece.
	Model time.Duration
	// Check is checking the model's reply against the evidence.
	Check time.Duration
}

// FallbackReason says why a model's answer was replaced by the extractive
// one.
type FallbackReason string

// Why a model's answer was not used.
const (
	// FallbackNone: no fallback (no model, or its answer was used).
	FallbackNone FallbackReason = ""
	// FallbackModelFailed: the model failed (an error, a timeout, a cut
	// stream).
	FallbackModelFailed FallbackReason = "model_failed"
	// FallbackUnchecked: nothing of the model's reply survived checking.
	FallbackUnchecked FallbackReason = "unchecked"
)

// The notes that say a fallback to the person.
const (
	NoteModelFailed = "The model could not answer just now, so here are the sentences of the coverage that best answer the question."
	NoteUnchecked   = "The model's answer could not be checked against the coverage, so here are the sentences that best answer the question instead."
)

// note is the sentence that tells the person about a fallback.
func (r FallbackReason) note() string {
	switch r {
	case FallbackModelFailed:
		return NoteModelFailed
	case FallbackUnchecked:
		return NoteUnchecked
	}
	return ""
}

// Outcome classifies what a question got, for metrics and logs.
type Outcome string

// The outcomes of a question.
const (
	OutcomeModel      Outcome = "model"      // a model's checked answer
	OutcomeExtractive Outcome = "extractive" // quoted sentences, no model configured
	OutcomeNoAnswer   Outcome = "no_answer"  // the coverage does not answer
	OutcomeFallback   Outcome = "fallback"   // a model was configured but its answer was not used
	OutcomeError      Outcome = "error"      // no answer at all (refused question, not ready, failure)
)

// Outcomes lists every Outcome, for metrics that export each at zero.
var Outcomes = []Outcome{OutcomeModel, OutcomeExtractive, OutcomeNoAnswer, OutcomeFallback, OutcomeError}

// OutcomeOf classifies the result of an Ask.
func OutcomeOf(a Answer, err error) Outcome {
	switch {
	case err != nil:
		return OutcomeError
	case a.Fallback != FallbackNone:
		return OutcomeFallback
	case a.NoAnswer:
		return OutcomeNoAnswer
	case a.Mode == ModeModel:
		return OutcomeModel
	}
	return OutcomeExtractive
}

// Answer modes.
const (
	// ModeExtractive answers quote the best sentences verbatim.
	ModeExtractive = "extractive"
	// ModeModel answers are written by a language model and checked.
	ModeModel = "model"
)

// Citation is one cited sentence. Sentence is exactly the bytes
// Body[Start:End] of the article ArticleID.
type Citation struct {
	// N is the marker number: [N] in Answer.Text.
	N int
	// ArticleID identifies the article.
	ArticleID string
	// Start and End are the sentence's byte range in the article body.
	Start, End int
	// Sentence is the verbatim sentence.
	Sentence string
	// Outlet, Title and URL describe the article; "" when unknown.
	Outlet, Title, URL string
	// Wire is the news agency the article comes from when the Outlet runs
	// an agency's story, else "". Show the two with Source.
	Wire string
	// Published is the article's date; zero when unknown.
	Published time.Time
	// Paragraph and Index say where the sentence is in the article: its
	// paragraph and its sentence number, both counted from 1.
	Paragraph, Index int
	// Speaker is who the cited sentence quotes or reports, named for a
	// person (see Attribution.Speaker); "" when it attributes nothing, and
	// then the claim is the outlet's own.
	Speaker string
}

// Source names where the cited article is from: "Site (via Reuters)" for
// an agency's story, else the outlet; "" when unknown (see SourceName).
func (c Citation) Source() string { return SourceName(c.Outlet, c.Wire) }
