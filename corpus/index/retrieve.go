package index

import (
	"context"

	"github.com/newsbot-dev/newsbot"
)

var _ newsbot.Retriever = (*Index)(nil)

// Retrieve implements newsbot.Retriever: Search, as evidence. A sentence
// that leans on the one before it (see needsContext) carries that one as
// Before.
func (ix *Index) Retrieve(ctx context.Context, question string, k int) ([]newsbot.Evidence, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	hits := ix.Search(question, k)
	if len(hits) == 0 {
		return nil, nil
	}
	out := make([]newsbot.Evidence, len(hits))
	for i, h := range hits {
		a := h.Article
		e := newsbot.Evidence{
			ArticleID: a.ID,
			Start:     h.Start,
			End:       h.End,
			Sentence:  h.Text(),
			Paragraph: h.Paragraph + 1,
			Index:     h.Index + 1,
			Outlet:    a.Outlet,
			Wire:      a.Wire,
			Title:     a.Title,
			URL:       a.URL,
			Author:    a.Author,
			Published: a.Published,
			Relevance: newsbot.Relevance{Score: h.Score, Coverage: h.Coverage, Own: h.Own},
		}
		if needsContext(e.Sentence) {
			e.Before, _ = ix.previous(h)
		}
		out[i] = e
	}
	return out, nil
}
