package load

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"iter"
	"time"

	"github.com/newsbot-dev/newsbot/corpus"
)

// exportRecord is one line of the articles format as WriteJSONL writes it:
// the six fields of the format, always, then those of the optional fields
// that are known.
type exportRecord struct {
	ID        string `json:"id"`
	Title     string `json:"title"`
	Source    string `json:"source"`
	URL       string `json:"url"`
	Published string `json:"published"`
	Body      string `json:"body"`
	Author    string `json:"author,omitempty"`
	Wire      string `json:"wire,omitempty"`
	Language  string `json:"language,omitempty"`
	Place     string `json:"place,omitempty"`
}

// WriteJSONL writes articles as JSON Lines in the articles format of the
// evaluation sets ({"id", "title", "source" (the Outlet), "url",
// "published" (RFC 3339, "" when unknown), "body"}, plus "author", "wire",
// "language" and "place" when known), one a line, and returns how many it
// wrote. Bodies are written byte for byte, so that the loader reads back
// the same articles: same ids, same text, same offsets.
func WriteJSONL(w io.Writer, articles iter.Seq[corpus.Article]) (int, error) {
	bw := bufio.NewWriterSize(w, 256<<10)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	n := 0
	for a := range articles {
		rec := exportRecord{
			ID: a.ID, Title: a.Title, Source: a.Outlet, URL: a.URL, Body: a.Body,
			Author: a.Author, Wire: a.Wire, Language: a.Language, Place: a.Place,
		}
		if !a.Published.IsZero() {
			rec.Published = a.Published.UTC().Format(time.RFC3339Nano)
		}
		if err := enc.Encode(rec); err != nil {
			return n, fmt.Errorf("write article %s: %w", a.ID, err)
		}
		n++
	}
	if err := bw.Flush(); err != nil {
		return n, fmt.Errorf("write articles: %w", err)
	}
	return n, nil
}
