// Package index is the sentence index: an immutable, searchable snapshot
// of a corpus (Index), built from articles (Build, Add), searched sentence
// by sentence with the article around each (Search), stored in one file
// written atomically (Save, Open) under a writer lock (Lock). *Index
// implements the answering core's Retriever.
//
// Text becomes terms in tokenize.go (words, lemmas, Snowball stems, stop
// words); questions are analysed for their focus and the kind of answer
// they want in question.go; idf.go weighs their terms (the coverage's IDF
// blended with a background's, background.go); search.go ranks in two
// stages with learned weights (weights.go; every feature is listed in its
// doc comment); answerable.go estimates whether a sentence answers
// (Hit.Answers); explain.go exposes the features for the training script
// (corpus/index/train, which writes weights.go and background.go) and
// for bot search --explain. attrs.go keeps every article's attribution
// relations (who said what) and makes them context and evidence;
// events.go widens a question to the other words for the same event
// ("died", "killed"); filter.go narrows a retrieval to some outlets
// (newsbot.FilterRetriever).
package index

import (
	"iter"
	"runtime"
	"sync"

	"github.com/newsbot-dev/newsbot/corpus"
	"github.com/newsbot-dev/newsbot/corpus/attribution"
	"github.com/newsbot-dev/newsbot/corpus/segment"
)

// Index is an immutable, searchable snapshot of a corpus: its articles,
// their sentences, and an inverted index from terms to sentences.
//
// It is purpose-built rather than a search library because the unit of
// retrieval is a sentence scored with the article around it (headline,
// neighbours, a pronoun's antecedent), and because the measured figures
// favour it (see the README). An Index is never modified: adding articles
// makes a new Index that shares nothing mutable with the old one, so any
// number of goroutines may search an Index while another builds the next.
type Index struct {
	articles []corpus.Article
	ids      map[string]uint32 // article ID -> position in articles

	sents    []sentence
	artFirst []uint32 // artFirst[a] is article a's first sentence; len(articles)+1 entries

	vocab   map[string]uint32
	terms   []string
	post    [][]posting // by term id, ascending sentence
	docDF   []uint32    // by term id: articles whose body holds the term
	titles  [][]uint32  // by term id: articles whose title holds the term
	tLen    []uint16    // by article: title length in terms
	docLen  []uint32    // by article: body length in terms
	avgSent float64
	avgDoc  float64
	avgT    float64

	scratch   sync.Pool // of *scratch: per-search arrays, reused
	analyzers sync.Pool // of *analyzer: stage 3's, reused
	// stems caches the stems of the questions' words (see stemCache).
	stemsOnce sync.Once
	stems     *stemCache

	slotsOnce sync.Once
	slots     chan struct{} // Retrieve's searches running, at most one a core

	// attrs are the articles' attribution relations, by article (shorter
	// for an index read from a file, which does not keep them).
	attrs [][]attribution.Attribution
	// extract finds them; nil means attribution.Extract.
	extract func(body string) []attribution.Attribution
}

// sentence is one sentence of an article.
type sentence struct {
	start, end uint32 // byte range in the article's Body
	article    uint32
	para       uint16 // paragraph, from 0
	n          uint16 // own length in terms
}

// posting says that a term occurs in a sentence: own times in the sentence
// itself, ctx times in the context added to it (a pronoun's antecedent).
type posting struct {
	sent uint32
	own  uint16
	ctx  uint16
}

// Len returns the number of articles in the index.
func (ix *Index) Len() int { return len(ix.articles) }

// Sentences returns the number of sentences in the index.
func (ix *Index) Sentences() int { return len(ix.sents) }

// Articles yields the index's articles, in the order they were added (a
// replaced article where the one it replaced was, or at the end).
func (ix *Index) Articles() iter.Seq[corpus.Article] {
	return func(yield func(corpus.Article) bool) {
		if ix == nil {
			return
		}
		for _, a := range ix.articles {
			if !yield(a) {
				return
			}
		}
	}
}

// Article returns the article with the given ID.
func (ix *Index) Article(id string) (corpus.Article, bool) {
	a, ok := ix.ids[id]
	if !ok {
		return corpus.Article{}, false
	}
	return ix.articles[a], true
}

// AddStatus says what Add did with one article.
type AddStatus int

// What Add can do with an article.
const (
	// Added: the article is new.
	Added AddStatus = iota
	// Duplicate: an article with the same ID and text is already indexed;
	// nothing changed. (Articles without an ID of their own get one from
	// their text, so the same text ingested twice is a duplicate. Two
	// records whose source gave them different IDs stay two articles even
	// with the same text: two outlets running one wire story are two
	// pieces of coverage.)
	Duplicate
	// Replaced: an article with this ID but other text was indexed; the new
	// text replaces it.
	Replaced
)

// String names the status: "added", "duplicate" or "replaced".
func (s AddStatus) String() string {
	switch s {
	case Added:
		return "added"
	case Duplicate:
		return "duplicate"
	case Replaced:
		return "replaced"
	}
	return "unknown"
}

// Build indexes articles from scratch.
func Build(articles []corpus.Article) *Index {
	ix, _ := (*Index)(nil).Add(articles)
	return ix
}

// Add returns a new index holding the receiver's articles and the given
// ones, and what happened to each given article. A nil receiver is an empty
// index. Only the new articles are analysed: the postings of the old ones
// are carried over.
func (ix *Index) Add(articles []corpus.Article) (*Index, []AddStatus) {
	if ix == nil {
		ix = &Index{}
	}
	status := make([]AddStatus, len(articles))
	var fresh []corpus.Article
	replace := map[uint32]bool{}
	seen := map[string]bool{}
	for i, a := range articles {
		if seen[a.ID] {
			// Repeated within this batch: the first one wins.
			status[i] = Duplicate
			continue
		}
		seen[a.ID] = true
		if old, ok := ix.ids[a.ID]; ok {
			if ix.articles[old].Body == a.Body {
				status[i] = Duplicate
				continue
			}
			replace[old] = true
			status[i] = Replaced
		}
		fresh = append(fresh, a)
	}
	if len(fresh) == 0 {
		return ix, status
	}
	base := ix
	if len(replace) > 0 {
		base = ix.without(replace)
	}
	return base.extend(fresh), status
}

// analysed is an article cut into sentences and terms, ready to be merged
// into postings.
type analysed struct {
	attrs []attribution.Attribution
	sents []sentence
	terms [][]termCount // by sentence
	title []string
	body  int // body length in terms
}

type termCount struct {
	term     string
	own, ctx uint16
}

// extend returns a new index with fresh appended. fresh holds no article
// already in ix.
func (ix *Index) extend(fresh []corpus.Article) *Index {
	an := analyseAll(fresh, ix.extract)

	nx := &Index{
		articles: append(append(make([]corpus.Article, 0, len(ix.articles)+len(fresh)), ix.articles...), fresh...),
		ids:      make(map[string]uint32, len(ix.articles)+len(fresh)),
		vocab:    make(map[string]uint32, len(ix.vocab)+len(fresh)),
		terms:    append([]string(nil), ix.terms...),
		post:     make([][]posting, len(ix.post)),
		docDF:    append([]uint32(nil), ix.docDF...),
		titles:   make([][]uint32, len(ix.titles)),
		tLen:     append([]uint16(nil), ix.tLen...),
		docLen:   append([]uint32(nil), ix.docLen...),
		artFirst: append([]uint32(nil), ix.artFirst...),
		attrs:    make([][]attribution.Attribution, len(ix.articles), len(ix.articles)+len(fresh)),
		extract:  ix.extract,
	}
	copy(nx.attrs, ix.attrs)
	for k, v := range ix.vocab {
		nx.vocab[k] = v
	}
	for i, a := range nx.articles {
		nx.ids[a.ID] = uint32(i)
	}
	// Postings are copied with room to grow so that appending never writes
	// into the old index's arrays.
	for t, p := range ix.post {
		nx.post[t] = append(make([]posting, 0, len(p)+len(p)/8+1), p...)
	}
	for t, p := range ix.titles {
		nx.titles[t] = append([]uint32(nil), p...)
	}
	nsent := 0
	for _, a := range an {
		nsent += len(a.sents)
	}
	nx.sents = append(make([]sentence, 0, len(ix.sents)+nsent), ix.sents...)
	if len(nx.artFirst) == 0 {
		nx.artFirst = []uint32{0}
	}

	lastDoc := make(map[uint32]uint32) // term -> last article counted in docDF, plus one
	for k, a := range an {
		art := uint32(len(ix.articles) + k)
		for si, s := range a.sents {
			s.article = art
			sid := uint32(len(nx.sents))
			nx.sents = append(nx.sents, s)
			for _, tc := range a.terms[si] {
				t := nx.termID(tc.term)
				nx.post[t] = append(nx.post[t], posting{sent: sid, own: tc.own, ctx: tc.ctx})
				if tc.own > 0 && lastDoc[t] != art+1 {
					lastDoc[t] = art + 1
					nx.docDF[t]++
				}
			}
		}
		nx.artFirst = append(nx.artFirst, uint32(len(nx.sents)))
		nx.attrs = append(nx.attrs, a.attrs)
		nx.docLen = append(nx.docLen, uint32(a.body))
		nx.tLen = append(nx.tLen, uint16(min(len(a.title), 1<<16-1)))
		seen := map[uint32]bool{}
		for _, w := range a.title {
			t := nx.termID(w)
			if !seen[t] {
				seen[t] = true
				nx.titles[t] = append(nx.titles[t], art)
			}
		}
	}
	nx.stats()
	return nx
}

// termID returns the id of term, adding it to the vocabulary if new.
func (ix *Index) termID(term string) uint32 {
	if t, ok := ix.vocab[term]; ok {
		return t
	}
	t := uint32(len(ix.terms))
	ix.vocab[term] = t
	ix.terms = append(ix.terms, term)
	ix.post = append(ix.post, nil)
	ix.docDF = append(ix.docDF, 0)
	ix.titles = append(ix.titles, nil)
	return t
}

// stats computes the averages BM25 needs.
func (ix *Index) stats() {
	var s, d, t float64
	for _, x := range ix.sents {
		s += float64(x.n)
	}
	for _, x := range ix.docLen {
		d += float64(x)
	}
	for _, x := range ix.tLen {
		t += float64(x)
	}
	ix.avgSent = safeDiv(s, float64(len(ix.sents)))
	ix.avgDoc = safeDiv(d, float64(len(ix.docLen)))
	ix.avgT = safeDiv(t, float64(len(ix.tLen)))
}

func safeDiv(a, b float64) float64 {
	if b == 0 || a == 0 {
		return 1
	}
	return a / b
}

// without returns the index less the given articles. It re-analyses the
// remaining ones: replacing an article is rare (an edited file), and a
// rebuild keeps the postings simple and exact.
func (ix *Index) without(drop map[uint32]bool) *Index {
	keep := make([]corpus.Article, 0, len(ix.articles))
	for i, a := range ix.articles {
		if !drop[uint32(i)] {
			keep = append(keep, a)
		}
	}
	return (&Index{extract: ix.extract}).extend(keep)
}

// analyseAll analyses articles on every core. The order of the result is
// the order of articles.
func analyseAll(articles []corpus.Article, extract func(string) []attribution.Attribution) []analysed {
	if extract == nil {
		extract = attribution.Extract
	}
	out := make([]analysed, len(articles))
	workers := min(runtime.GOMAXPROCS(0), max(1, len(articles)/8))
	var wg sync.WaitGroup
	next := make(chan int, 64)
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			an := newAnalyzer(1 << 14)
			for i := range next {
				a := &articles[i]
				attrs := extract(a.Body)
				out[i] = an.article(a, attrs, nil)
				out[i].attrs = attrs
			}
		}()
	}
	for i := range articles {
		next <- i
	}
	close(next)
	wg.Wait()
	return out
}

// article splits one article into sentences and counts the terms of each.
// A sentence that refers back with a pronoun ("he said") also gets, as
// context, the names of the sentence before it, so that a question naming
// the speaker finds the quote; and a sentence that the content of one of
// attrs (the article's attribution relations) covers gets the words of
// its speaker (see speakerSpans), wherever the article names them.
// each, if set, is called with each sentence's index and its tokens
// (valid until it returns), in order.
func (an *analyzer) article(a *corpus.Article, attrs []attribution.Attribution, each func(i int, toks []token)) analysed {
	var out analysed
	out.title = an.terms(nil, a.Title)
	text := a.Body[a.TextStart:]
	spans := segment.Sentences(text)
	out.sents = make([]sentence, 0, len(spans))
	out.terms = make([][]termCount, 0, len(spans))
	var prevNames, names []string
	var toks, stoks []token
	idx := make(map[string]int, 64)
	for _, sp := range spans {
		toks = an.tokens(toks[:0], text[sp.Start:sp.End])
		if each != nil {
			each(len(out.sents), toks)
		}
		counts := make([]termCount, 0, len(toks))
		clear(idx)
		n := 0
		pronoun := false
		names = names[:0]
		for j, t := range toks {
			if t.stop {
				if isAnaphor(t.term) {
					pronoun = true
				}
				continue
			}
			n++
			if t.cap && j > 0 && !t.num {
				names = append(names, t.term)
			}
			if k, ok := idx[t.term]; ok {
				counts[k].own++
				continue
			}
			idx[t.term] = len(counts)
			counts = append(counts, termCount{term: t.term, own: 1})
		}
		if pronoun {
			for _, w := range prevNames {
				if k, ok := idx[w]; ok {
					if counts[k].own == 0 && counts[k].ctx == 0 {
						counts[k].ctx = 1
					}
					continue
				}
				idx[w] = len(counts)
				counts = append(counts, termCount{term: w, ctx: 1})
			}
		}
		if len(attrs) > 0 {
			stoks = an.speakerContext(stoks, a.Body, attrs, a.TextStart+sp.Start, a.TextStart+sp.End, idx, &counts)
		}
		if len(names) > 0 || !pronoun {
			prevNames = append(prevNames[:0], names...)
		}
		out.body += n
		out.sents = append(out.sents, sentence{
			start: uint32(a.TextStart + sp.Start),
			end:   uint32(a.TextStart + sp.End),
			para:  uint16(min(sp.Paragraph, 1<<16-1)),
			n:     uint16(min(n, 1<<16-1)),
		})
		out.terms = append(out.terms, counts)
	}
	return out
}

// speakerContext adds to a sentence's counts, as context, the words of the
// speakers of the relations whose content overlaps the sentence [start,
// end) of body (at most maxSpeakerTerms of each). idx maps the terms in
// counts to their place. toks is scratch space, returned.
func (an *analyzer) speakerContext(toks []token, body string, attrs []attribution.Attribution, start, end int, idx map[string]int, counts *[]termCount) []token {
	for i := range attrs {
		at := &attrs[i]
		if !overlaps(at, start, end) {
			continue
		}
		for _, sp := range speakerSpans(at) {
			if sp.Start < 0 || sp.End > len(body) || sp.Start >= sp.End || (sp.Start >= start && sp.End <= end) {
				continue // out of the body, or the sentence's own words
			}
			toks = an.tokens(toks[:0], body[sp.Start:sp.End])
			added := 0
			for _, t := range toks {
				if t.stop || added == maxSpeakerTerms {
					continue
				}
				added++
				if _, ok := idx[t.term]; ok {
					continue
				}
				idx[t.term] = len(*counts)
				*counts = append(*counts, termCount{term: t.term, ctx: 1})
			}
		}
	}
	return toks
}

// isAnaphor reports pronouns that point back to a person or group named
// earlier.
func isAnaphor(w string) bool {
	switch w {
	case "he", "she", "they", "his", "her", "him", "them", "their", "hers", "theirs":
		return true
	}
	return false
}
