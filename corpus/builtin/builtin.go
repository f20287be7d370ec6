// Package builtin holds the coverage the bot answers from when it is given
// no other: two articles about US Secretary of State Hillary Clinton's
// October 2009 visit to Moscow and sanctions against Iran, one from Reuters
// and one from an outlet it does not name. The files are byte-identical
// copies of the articles as received; the loader copes with them as they
// are (headline line, dateline, scraped tail).
package builtin

import "embed"

// FS holds the articles, as plain text files at its root.
//
//go:embed *.txt
var FS embed.FS
