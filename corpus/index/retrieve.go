package index

import (
	"context"
	"math"
	"runtime"
	"sort"
	"strings"

	"github.com/newsbot-dev/newsbot"
)

var _ newsbot.Retriever = (*Index)(nil)

// Retrieve implements newsbot.Retriever: Search, as evidence. A sentence
// that leans on the one before it (see needsContext) carries that one as
// Before.
//
// At most one search a core runs at once; the others wait their turn (or
// for ctx to end) without taking the processor. A search is pure
// computation: running more at once finishes none sooner, and the waiting
// ones would crowd out everything else the process does (a health check
// answered in microseconds would wait behind dozens of searches).
func (ix *Index) Retrieve(ctx context.Context, question string, k int) ([]newsbot.Evidence, error) {
	return ix.retrieve(ctx, question, k, nil)
}

var _ newsbot.FilterRetriever = (*Index)(nil)

// RetrieveFiltered implements newsbot.FilterRetriever as Disk's does:
// the filter applies in the search's first stage.
func (ix *Index) RetrieveFiltered(ctx context.Context, question string, k int, f newsbot.Filter) ([]newsbot.Evidence, error) {
	return ix.retrieve(ctx, question, k, filterSet(f))
}

// Outlets implements newsbot.FilterRetriever as Disk's does.
func (ix *Index) Outlets(ctx context.Context) ([]string, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	var out []string
	for a := range ix.Articles() {
		for _, n := range []string{a.Outlet, a.Wire} {
			if l := strings.ToLower(n); n != "" && !seen[l] {
				seen[l] = true
				out = append(out, n)
			}
		}
	}
	sort.Slice(out, func(a, b int) bool { return strings.ToLower(out[a]) < strings.ToLower(out[b]) })
	return out, nil
}

// retrieve is Retrieve over the articles of the outlets in want
// (lower-cased; nil: all).
func (ix *Index) retrieve(ctx context.Context, question string, k int, want map[string]bool) ([]newsbot.Evidence, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	ix.slotsOnce.Do(func() { ix.slots = make(chan struct{}, runtime.GOMAXPROCS(0)) })
	select {
	case ix.slots <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	hits := func() []Hit {
		defer func() { <-ix.slots }() // even if the search panics
		return ix.search(question, k, want)
	}()
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
			Relevance: newsbot.Relevance{Score: h.Score, Coverage: h.Coverage, Own: h.Own, Answers: max(h.Answers, math.SmallestNonzeroFloat64)},
		}
		if ai, ok := ix.ids[a.ID]; ok && int(ai) < len(ix.attrs) {
			body := a.Body
			e.Attributions, _ = evidenceAttributions(ix.attrs[ai], h.Start, h.End, len(body), func(i, j int) (string, error) { return body[i:j], nil })
		}
		if needsContext(e.Sentence) {
			e.Before, _ = ix.previous(h)
		}
		out[i] = e
	}
	return out, nil
}
