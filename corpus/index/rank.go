package index

import (
	"context"
	"math"
	"runtime"
	"sort"
	"strings"
	"sync"

	"github.com/newsbot-dev/newsbot"
	"github.com/newsbot-dev/newsbot/corpus"
)

// DiskHit is one sentence found by a search of a Disk index. Its strings
// are copies: they stay valid whatever happens to the index after.
type DiskHit struct {
	// Article is the sentence's article: its metadata, without the Body.
	Article corpus.Article
	// Sentence is the sentence, verbatim: the article body's bytes
	// [Start:End].
	Sentence string
	// Start and End are the sentence's byte range in the article's body.
	Start, End int
	// Paragraph and Index place the sentence in its article, from 0.
	Paragraph, Index int
	// Score orders hits; comparable only within one search.
	Score float64
	// Coverage, Own and Answers are as in Hit.
	Coverage, Own, Answers float64
	// Attributions are the article's attribution relations whose content
	// overlaps the sentence (see Evidence.Attributions).
	Attributions []newsbot.Attribution

	seg   int
	sent  uint32
	flags uint8
}

// Text returns the sentence, verbatim.
func (h DiskHit) Text() string { return h.Sentence }

// firstStage is how many sentences the first stage keeps for the second:
// the learned ranker's pool (poolSize), on which its weights were trained.
const firstStage = poolSize

// Search returns the k sentences that best answer question, best first.
func (ix *Disk) Search(question string, k int) ([]DiskHit, error) {
	return ix.searchCtx(context.Background(), question, k, nil)
}

// searchCtx is Search, waiting its turn (see Searchers) unless ctx ends.
func (ix *Disk) searchCtx(ctx context.Context, question string, k int, want map[string]bool) ([]DiskHit, error) {
	slots := ix.searchSlots()
	select {
	case slots <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	defer func() { <-slots }()
	s := ix.acquire()
	defer s.release()
	return s.searchPooled(ix.stemCache(), &ix.analyzers, ix.firstStage(), question, k, want)
}

// stemCache returns the index's cache of question stems.
func (ix *Disk) stemCache() *stemCache {
	ix.stemsOnce.Do(func() { ix.stems = &stemCache{} })
	return ix.stems
}

// searchSlots is the semaphore of Searchers.
func (ix *Disk) searchSlots() chan struct{} {
	ix.slotsOnce.Do(func() {
		n := ix.Searchers
		if n <= 0 {
			n = runtime.GOMAXPROCS(0)
		}
		ix.slots = make(chan struct{}, n)
	})
	return ix.slots
}

func (ix *Disk) firstStage() int {
	if ix.FirstStage > 0 {
		return ix.FirstStage
	}
	return firstStage
}

var _ newsbot.Retriever = (*Disk)(nil)

// Retrieve implements newsbot.Retriever: Search, as evidence. A sentence
// that leans on the one before it carries that one as Before.
func (ix *Disk) Retrieve(ctx context.Context, question string, k int) ([]newsbot.Evidence, error) {
	return ix.retrieve(ctx, question, k, nil)
}

// retrieve is Retrieve over the articles of the outlets in want
// (lower-cased; nil: all).
func (ix *Disk) retrieve(ctx context.Context, question string, k int, want map[string]bool) ([]newsbot.Evidence, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	hits, err := ix.searchCtx(ctx, question, k, want)
	if err != nil || len(hits) == 0 {
		return nil, err
	}
	s := ix.acquire()
	defer s.release()
	out := make([]newsbot.Evidence, len(hits))
	for i, h := range hits {
		a := h.Article
		e := newsbot.Evidence{
			ArticleID:    a.ID,
			Start:        h.Start,
			End:          h.End,
			Sentence:     h.Sentence,
			Paragraph:    h.Paragraph + 1,
			Index:        h.Index + 1,
			Outlet:       a.Outlet,
			Wire:         a.Wire,
			Title:        a.Title,
			URL:          a.URL,
			Author:       a.Author,
			Published:    a.Published,
			Relevance:    newsbot.Relevance{Score: h.Score, Coverage: h.Coverage, Own: h.Own, Answers: max(h.Answers, math.SmallestNonzeroFloat64)},
			Attributions: h.Attributions,
		}
		if h.flags&flagLeans != 0 && h.Index > 0 {
			if e.Before, err = s.sentenceText(h.seg, h.sent-1); err != nil {
				return nil, err
			}
		}
		out[i] = e
	}
	return out, nil
}

// sentenceText returns sentence t of segment seg.
func (s *snapshot) sentenceText(seg int, t uint32) (string, error) {
	g := s.segs[seg]
	r, err := g.sent(t)
	if err != nil {
		return "", err
	}
	a, err := g.art(r.article)
	if err != nil {
		return "", err
	}
	return g.text(a, r.start, r.end)
}

// dterm is a question term as a search of a snapshot uses it: where its
// lists are in each segment.
type dterm struct {
	infos []termInfo
	in    []bool // by segment: the segment has the term
	df    uint64 // sentences holding it, over the snapshot
	ddf   uint64 // articles whose body holds it
}

// dterms looks the question's terms up in every segment and sums the
// weights the features are shares of, as search.terms does for an Index.
func (sn *snapshot) dterms(s *search) error {
	nS, nD := float64(sn.sents), float64(sn.arts)
	var found, entFound float64
	idfs := make([]float64, len(s.q.terms))
	for i, w := range s.q.terms {
		t := dterm{infos: make([]termInfo, len(sn.segs)), in: make([]bool, len(sn.segs))}
		for j, g := range sn.segs {
			ti, ok, err := g.d.lookup(w.term)
			if err != nil {
				return err
			}
			if ok {
				t.infos[j], t.in[j] = ti, true
				t.df += uint64(ti.dfs[0])
				t.ddf += uint64(ti.dfs[1])
			}
		}
		idfS := blendedIDF(nS, w.term, float64(t.df))
		idfs[i] = idfS
		if w.alt && idfS > idfs[w.of] {
			// An alternate gives at most sameEventWeight of its term's
			// weight.
			s.q.terms[i].weight *= idfs[w.of] / idfS
			w = s.q.terms[i]
		}
		v := idfS * w.weight
		if w.alt {
			v = 0 // it counts in no total
		}
		s.total += v
		if w.topic {
			s.topicTotal += v
		}
		if w.entity {
			s.entTotal += v
		} else if w.ask {
			s.evtTotal += v
		}
		if t.df == 0 {
			continue
		}
		found += v
		if w.entity {
			entFound += v
		}
		ddf := float64(t.ddf)
		s.qts = append(s.qts, qterm{q: i, idfS: idfS, idfD: math.Log(1 + (nD-ddf+0.5)/(ddf+0.5)), qw: w.weight})
		s.dts = append(s.dts, t)
	}
	if len(s.qts) > maxQueryTerms {
		// Keep the terms of most weight, in the question's order.
		idx := make([]int, len(s.qts))
		for i := range idx {
			idx[i] = i
		}
		sort.SliceStable(idx, func(a, b int) bool {
			return s.qts[idx[a]].idfS*s.qts[idx[a]].qw > s.qts[idx[b]].idfS*s.qts[idx[b]].qw
		})
		idx = idx[:maxQueryTerms]
		sort.Ints(idx)
		qts, dts := make([]qterm, len(idx)), make([]dterm, len(idx))
		for i, j := range idx {
			qts[i], dts[i] = s.qts[j], s.dts[j]
		}
		s.qts, s.dts = qts, dts
	}
	for _, bg := range s.q.bigrams {
		s.phraseTotal += min(idfs[bg[0]]*s.q.terms[bg[0]].weight, idfs[bg[1]]*s.q.terms[bg[1]].weight)
	}
	s.found = share(found, s.total)
	s.entFound = 1
	if s.entTotal > 0 {
		s.entFound = entFound / s.entTotal
	}
	return nil
}

// search is the whole ranking on a snapshot: the first stage's best pool
// sentences by BM25 (pruned: see topk.go), then the learned ranker's
// features for those (search.go), each read from the segments' lists and
// records.
func (sn *snapshot) search(stems *stemCache, pool int, question string, k int) ([]DiskHit, error) {
	return sn.searchPooled(stems, nil, pool, question, k, nil)
}

// searchPooled is search with stage 3's analyzers from analyzers (nil:
// new ones), over the articles of the outlets in want (nil: all).
func (sn *snapshot) searchPooled(stems *stemCache, analyzers *sync.Pool, pool int, question string, k int, want map[string]bool) ([]DiskHit, error) {
	if k <= 0 {
		return nil, nil
	}
	s, err := sn.prepare(stems, max(pool, k), question, want)
	if s == nil || err != nil {
		return nil, err
	}
	s.analyzers = analyzers
	ranked := s.rank(k)
	defer s.done()
	out := make([]DiskHit, 0, len(ranked))
	for _, c := range ranked {
		h, err := sn.hit(s, c)
		if err != nil {
			return nil, err
		}
		out = append(out, h)
	}
	return out, s.err
}

// hit is candidate c as a DiskHit.
func (sn *snapshot) hit(s *search, c *cand) (DiskHit, error) {
	g := sn.segs[c.seg]
	r, err := g.sent(c.sent)
	if err != nil {
		return DiskHit{}, err
	}
	a, ar, err := g.article(r.article, false)
	if err != nil {
		return DiskHit{}, err
	}
	text := s.text(c)
	answers := s.answers(c)
	if s.err != nil {
		return DiskHit{}, s.err
	}
	as, _, err := g.attributions(r.article)
	if err != nil {
		return DiskHit{}, err
	}
	ev, err := evidenceAttributions(as, int(r.start), int(r.end), int(ar.bodyLen), func(i, j int) (string, error) {
		return g.text(ar, uint32(i), uint32(j))
	})
	if err != nil {
		return DiskHit{}, err
	}
	return DiskHit{
		Article:      a,
		Sentence:     text,
		Start:        int(r.start),
		End:          int(r.end),
		Paragraph:    int(r.para),
		Index:        int(c.sent - ar.first),
		Score:        c.score,
		Coverage:     float64(c.x[fCov]),
		Own:          float64(c.x[fOwn]),
		Answers:      answers,
		Attributions: ev,
		seg:          int(c.seg),
		sent:         c.sent,
		flags:        r.flags,
	}, nil
}

// Explain returns the first stage's pool for question with every
// feature of each candidate, as Index.Explain does (for bot search
// --explain and the training script).
func (ix *Disk) Explain(question string) (*Pool, error) {
	sn := ix.acquire()
	defer sn.release()
	s, err := sn.prepare(ix.stemCache(), ix.firstStage(), question, nil)
	if s == nil || err != nil {
		return nil, err
	}
	s.analyzers = &ix.analyzers
	defer s.done()
	p := &Pool{Want: s.q.want.String()}
	for i := range s.cands {
		c := &s.cands[i]
		s.words(c)
		c.score = c.cheap
		w := c.weights()
		for f := firstToken; f < numFeatures; f++ {
			c.score += w[f] * float64(c.x[f])
		}
		dh, err := sn.hit(s, c)
		if err != nil {
			return nil, err
		}
		a := dh.Article
		a.Body = strings.Repeat(" ", dh.Start) + dh.Sentence // enough of the body for Text
		h := Hit{Article: &a, Start: dh.Start, End: dh.End, Paragraph: dh.Paragraph, Index: dh.Index,
			Score: dh.Score, Coverage: dh.Coverage, Own: dh.Own, Answers: dh.Answers}
		pc := Candidate{Hit: h, Answer: s.answerFeatures(c), Alone: c.single}
		for f, v := range c.x {
			pc.Features[f] = float64(v)
		}
		p.Candidates = append(p.Candidates, pc)
	}
	return p, s.err
}

// prepare analyses the question, runs the first stage and computes the
// stage-2 features of the pool; nil when no sentence matches. With want
// not nil, the first stage skips the sentences of articles of other
// outlets (see RetrieveFiltered).
func (sn *snapshot) prepare(stems *stemCache, pool int, question string, want map[string]bool) (*search, error) {
	if len(sn.segs) == 0 || sn.live == 0 {
		return nil, nil
	}
	s := &search{d: sn, q: analyseQuestion(question, stems)}
	if err := sn.dterms(s); err != nil {
		return nil, err
	}
	if len(s.qts) == 0 || s.total == 0 {
		return nil, nil
	}
	p := newParams(sn)

	// Stage 1.
	top := newTop(pool)
	order := make([]int, len(sn.segs))
	for i := range order {
		order[i] = i
	}
	// The largest segments first: the threshold rises soonest there.
	sort.SliceStable(order, func(a, b int) bool { return sn.segs[order[a]].m.sents > sn.segs[order[b]].m.sents })
	for _, si := range order {
		var cls []*clause
		for i := range s.qts {
			t := &s.dts[i]
			if !t.in[si] || t.infos[si].dfs[0] == 0 {
				continue
			}
			l, err := sn.segs[si].list(t.infos[si], 0)
			if err != nil {
				return nil, err
			}
			cls = append(cls, &clause{t: i, kind: sentenceList, w: s.qts[i].idfS * s.qts[i].qw, list: l})
		}
		r := &pruned{p: p, top: top, seg: int32(si)}
		d := sn.dels[si]
		if d != nil {
			r.deleted = d.sent
		}
		if want != nil {
			if len(cls) == 0 {
				continue
			}
			keep, err := sn.segs[si].keep(want)
			if err != nil {
				return nil, err
			}
			r.deleted = func(t uint32) bool { return keep[t/64]&(1<<(t%64)) == 0 || d.sent(t) }
		}
		if err := r.run(cls); err != nil {
			return nil, err
		}
	}
	best := top.best()
	if len(best) == 0 {
		return nil, nil
	}
	s.cands = make([]cand, len(best))
	for i, h := range best {
		s.cands[i] = cand{seg: h.seg, sent: h.doc, bm25: h.score}
	}

	// Stage 2, then 3.
	if err := sn.gather(s, p); err != nil {
		return nil, err
	}
	for i := range s.cands {
		c := &s.cands[i]
		w := c.weights()
		for f := range firstToken {
			c.cheap += w[f] * float64(c.x[f])
		}
	}
	return s, nil
}

// gather computes the stage-2 features of the pool, as search.gather does
// for an Index: for each question term and segment, one forward seek per
// candidate article in the term's sentence list, then the postings of that
// article; and a seek in its headline list.
func (sn *snapshot) gather(s *search, p *params) error {
	cs := s.cands
	sort.Slice(cs, func(i, j int) bool {
		if cs[i].seg != cs[j].seg {
			return cs[i].seg < cs[j].seg
		}
		return cs[i].sent < cs[j].sent
	})
	recs := make([]sentRec, len(cs))
	arts := make([]artRec, len(cs))
	for i, c := range cs {
		g := sn.segs[c.seg]
		r, err := g.sent(c.sent)
		if err != nil {
			return err
		}
		a, err := g.art(r.article)
		if err != nil {
			return err
		}
		recs[i], arts[i] = r, a
	}
	nS, nD := float64(sn.sents), float64(sn.arts)
	accs := make([]acc, len(cs))
	var cur, tcur cursor
	for ti, qt := range s.qts {
		w := s.q.terms[qt.q]
		v := qt.idfS * w.weight
		idfw := qt.idfS * qt.qw
		dt := &s.dts[ti]
		for lo := 0; lo < len(cs); {
			seg := cs[lo].seg
			hi := lo
			for hi < len(cs) && cs[hi].seg == seg {
				hi++
			}
			g := sn.segs[seg]
			var sl, tl *plist
			var err error
			if dt.in[seg] {
				if sl, err = g.list(dt.infos[seg], 0); err != nil {
					return err
				}
				if tl, err = g.list(dt.infos[seg], 2); err != nil {
					return err
				}
			}
			if sl != nil {
				cur.reset(sl)
			} else {
				cur = cursor{doc: noMore}
			}
			if tl != nil {
				tcur.reset(tl)
			} else {
				tcur = cursor{doc: noMore}
			}
			for gi := lo; gi < hi; {
				art := recs[gi].article
				h := gi + 1
				for h < hi && recs[h].article == art {
					h++
				}
				first, end := arts[gi].first, arts[gi].first+arts[gi].nsent
				cur.advance(first)
				var docTF float64
				i := gi
				for ; cur.doc < end; cur.next() {
					ps := cur.doc
					own, ctx, n := cur.val(0), cur.val(1), cur.val(2)
					docTF += float64(own)
					for i < h && cs[i].sent+1 < ps {
						i++
					}
					for j := i; j < h && cs[j].sent <= ps+1; j++ {
						c, ac := &cs[j], &accs[j]
						tf := float64(own) + contextWeight*float64(ctx)
						switch {
						case c.sent == ps:
							ac.subj = ac.subj || qt.q == s.q.subject
							ac.cov += v
							if w.topic {
								ac.topic += v
							}
							ac.surp += math.Log(nS / float64(dt.df))
							if own > 0 {
								ac.own += v
							}
							if w.entity {
								ac.ent += v
							} else if w.ask {
								ac.evt += v
							}
						case c.sent == ps+1:
							ac.prev += bm25(idfw, tf, float64(n), sn.avgSent)
						default: // ps == c.sent+1
							ac.next += bm25(idfw, tf, float64(n), sn.avgSent)
						}
					}
				}
				if cur.err != nil {
					return cur.err
				}
				tcur.advance(art)
				if tcur.err != nil {
					return tcur.err
				}
				inTitle := tcur.doc == art
				if docTF > 0 || inTitle {
					var artScore, surp float64
					if docTF > 0 {
						artScore = bm25(qt.idfD*qt.qw, docTF, float64(arts[gi].docLen), sn.avgDoc)
						surp = math.Log(nD / float64(max(1, dt.ddf)))
					}
					for j := gi; j < h; j++ {
						ac := &accs[j]
						ac.art += artScore
						ac.artSurp += surp
						ac.artCov += v
						if w.entity {
							ac.artEnt += v
						}
						if inTitle {
							ac.title += v
						}
					}
				}
				gi = h
			}
			lo = hi
		}
	}
	maxS, maxA := poolMax(cs, accs)
	for i := range cs {
		c := &cs[i]
		idx := c.sent - arts[i].first
		c.single = arts[i].nsent == 1
		s.setFeatures(c, &accs[i], maxS, maxA, nS, nD, int(idx), recs[i].n < 5, recs[i].flags&flagQuestion != 0)
	}
	return nil
}
