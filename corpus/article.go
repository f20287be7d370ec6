// Package corpus is the retrieval layer's domain: Article, a news article
// as the bot knows it, and IsInvisible, which every package that reads
// article text must agree on. The work is done beneath it, one package per
// concern:
//
//   - corpus/load reads files (or an fs.FS) into articles: plain text,
//     Markdown with front matter, HTML, JSON Lines; load.Files is the one
//     rule for which files of a directory are read;
//   - corpus/dateline recognises a story's dateline ("MOSCOW, (Reuters) – ");
//   - corpus/segment splits text into sentences (a leaf the answering core
//     uses too, for model replies);
//   - corpus/index is the sentence index: terms, postings, search, its file
//     format and writer lock; it implements the core's Retriever;
//   - corpus/datadir keeps the data directory and says which coverage a
//     command answers from (built-in, ingested, or --corpus files);
//   - corpus/builtin embeds the coverage the bot answers from by default;
//   - corpus/eval scores retrieval against question sets with gold
//     sentences;
//   - corpus/retrievaltest is the conformance suite that every
//     implementation of the core's Retriever runs.
//
// None of them imports a chat platform or an LLM vendor; the answering core
// imports only corpus/segment.
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
	// Outlet is the publisher ("Reuters"), "" when unknown: for a page, the
	// site it is on.
	Outlet string
	// Wire is the news agency a syndicated story comes from, named by its
	// dateline or byline ("Reuters" for a "(Reuters)" story on another
	// site), shown as "Outlet (via Wire)"; "" when the story is the
	// outlet's own or the agency's own site carries it.
	Wire string
	// URL is the canonical link, "" when unknown.
	URL string
	// Published is the publication time, zero when unknown.
	Published time.Time
	// Author is the byline, "" when unknown.
	Author string
	// Language is the article's language as its source declares it, a
	// BCP 47 tag ("en", "pt-BR"); "" when unknown.
	Language string
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
