package newsbot

import (
	"context"
	"time"
)

// Retriever finds the sentences of the coverage that bear on a question.
// The core declares it and uses nothing else of a search engine; the
// sentence index (corpus/index) implements it, and corpus/retrievaltest
// holds the conformance suite that every implementation runs.
// Implementations must be safe for concurrent use.
type Retriever interface {
	// Retrieve returns at most k sentences for question, best first. No
	// sentence found is (nil, nil); an error means the retriever could not
	// search (ctx ended, the index is unreadable), and the core then gives
	// no answer rather than a wrong "the coverage does not say".
	Retrieve(ctx context.Context, question string, k int) ([]Evidence, error)
}

// Evidence is one retrieved sentence, with what answering needs to quote
// and cite it: the verbatim sentence and its place in its article, the
// article's metadata, the sentence before it when it leans on that one,
// and engine-neutral relevance signals.
type Evidence struct {
	// ArticleID identifies the article.
	ArticleID string
	// Start and End are the sentence's byte range in the article's body.
	Start, End int
	// Sentence is the article body's bytes [Start:End], verbatim.
	Sentence string
	// Paragraph and Index say where the sentence is in its article: its
	// paragraph and its sentence number, both counted from 1.
	Paragraph, Index int
	// Before is the sentence before this one in its article when this one
	// leans on it (it refers back with a pronoun, "he said", or opens with a
	// connective, "But"); "" otherwise. It is context for a reader, never
	// cited in its own right.
	Before string

	// Outlet, Title, URL and Author describe the article; "" when unknown.
	Outlet, Title, URL, Author string
	// Wire is the news agency the article comes from when the Outlet runs
	// an agency's story ("Reuters"), else "".
	Wire string
	// Published is the article's date; zero when unknown.
	Published time.Time

	// Attributions are the article's attribution relations whose content
	// overlaps the sentence, in the order of the body: who the sentence
	// quotes or reports, even when it names them only as "he". Empty when
	// the sentence attributes nothing (or the engine extracts none).
	Attributions []Attribution

	// Relevance says how well the sentence answers the question.
	Relevance Relevance
}

// Relevance holds the signals a retriever gives about one sentence. They
// are engine-neutral: shares of the question, not raw engine scores.
type Relevance struct {
	// Score orders the evidence of one retrieval; only its order means
	// anything.
	Score float64
	// Coverage is the share, from 0 to 1, of the question's weight (the
	// IDF of its terms, or the engine's equivalent) that the sentence and
	// the context it carries (a pronoun's antecedent) match. A low coverage
	// means the sentence only touches the question.
	Coverage float64
	// Own is the share of the question's weight that the sentence's own
	// words match, without any context.
	Own float64
	// Answers is the engine's estimate, in (0, 1], that the coverage
	// answers the question with this sentence: that it holds what the
	// question is about (the things it names, what it asks about) and the
	// kind of answer it asks for. 0.5 is the engine's own operating point:
	// at or above it the core quotes the sentence. 0 means the engine makes
	// no estimate; the core then decides from Coverage.
	Answers float64
}

// SourceName names where an article is from for a person: its outlet, with
// the news agency it comes from, "Site (via Reuters)"; "" when the outlet
// is unknown and there is no agency ("via Reuters" alone would read as
// the outlet).
func SourceName(outlet, wire string) string {
	switch {
	case wire == "" || wire == outlet:
		return outlet
	case outlet == "":
		return wire
	}
	return outlet + " (via " + wire + ")"
}
