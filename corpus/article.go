// Package corpus is the retrieval layer: news articles, how they are loaded
// from files, how their text is split into sentences, and the persistent
// sentence index that answers searches over them.
//
// It imports no chat platform and no LLM vendor; the answering core and the
// adapters build on it.
package corpus

import "time"

// Article is one news article as the bot knows it. Metadata that the source
// does not give is left empty (or zero) and shown as unknown: it is never
// guessed.
type Article struct {
	// ID is stable across re-ingests: the id given by the source (JSON
	// Lines "id", front matter "id"), else derived from the article's
	// content.
	ID string
	// Title is the headline, "" when unknown.
	Title string
	// Outlet is the publisher ("Reuters"), "" when unknown.
	Outlet string
	// URL is the canonical link, "" when unknown.
	URL string
	// Published is the publication time, zero when unknown.
	Published time.Time
	// Author is the byline, "" when unknown.
	Author string
	// Place is the dateline's place ("MOSCOW"), "" when there is none.
	Place string
	// Body is the article's text. Citations are byte ranges into it, so it
	// is never rewritten after loading.
	Body string
	// TextStart is the byte offset in Body where the text proper begins,
	// after a dateline such as "MOSCOW, (Reuters) – "; 0 when there is none.
	TextStart int
	// Source names where the article was read from (a file path, with
	// ":LINE" for a JSON Lines record).
	Source string
}
