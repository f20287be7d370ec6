package newsbot

import "context"

// Attribution is one attribution relation in an article: who (the source)
// says, thinks or reports what (the content), and how (the cue: "said",
// "told reporters", "according to"). All text is the article's own bytes;
// the engine that extracts attributions fills it (corpus/attribution at
// ingest, kept with the index).
type Attribution struct {
	// Speaker names the source for a person: the source's words with a
	// pronoun resolved to the name the article gives ("Sergei Lavrov" for
	// "he"), else the source as written ("officials", "the report"); ""
	// when the article gives no source.
	Speaker string
	// Source and Cue are the source's and the cue's text as written
	// ("he", "said"); "" when absent.
	Source, Cue string
	// Start and End are the content's byte range in the article's body:
	// from the start of its first span to the end of its last.
	Start, End int
	// Direct is true when the content is (or holds) a quotation.
	Direct bool
}

// Filter narrows a retrieval to part of the coverage.
type Filter struct {
	// Outlets, when not empty, keeps only sentences of articles whose
	// Outlet or Wire is one of these names (compared without regard to
	// case).
	Outlets []string
}

// FilterRetriever is a Retriever that can narrow a retrieval and say which
// outlets its coverage holds. The core uses it, when the retriever has it,
// for questions that name an outlet ("What did Reuters report about…?")
// and for questions about the coverage itself, answered outlet by outlet
// ("How did the outlets report…?", "Do the outlets agree on…?").
type FilterRetriever interface {
	Retriever
	// RetrieveFiltered is Retrieve over the part of the coverage f keeps.
	RetrieveFiltered(ctx context.Context, question string, k int, f Filter) ([]Evidence, error)
	// Outlets lists the distinct outlets (and wires) of the coverage, as
	// Evidence.Outlet and Evidence.Wire give them.
	Outlets(ctx context.Context) ([]string, error)
}

// Speaker names who the sentence quotes or reports, as answers, citations
// and the model's prompt give it: the plausible speaker (see
// plausibleSpeaker) of the attribution whose content covers most of the
// sentence, leaving out reported speech that begins in an earlier sentence.
// A quotation runs on across sentences ("“We did not ask for anything
// today,” she said. “We reviewed the situation...”"), and its speaker is
// the next sentence's too; but reported speech ("But diplomats say that
// ...") ends with its sentence, and one that seems to run into the next is
// an extraction that overran it, not the next sentence's speaker. "" when
// no attribution gives one, and then the sentence's claim is the outlet's
// own.
func (e Evidence) Speaker() string {
	best, most := "", 0
	for _, a := range e.Attributions {
		if a.Start < e.Start && !a.Direct {
			continue
		}
		n := min(a.End, e.End) - max(a.Start, e.Start)
		if a.Speaker != "" && n > most && plausibleSpeaker(a.Speaker) {
			best, most = a.Speaker, n
		}
	}
	return best
}
