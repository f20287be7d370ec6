package index

import (
	"context"
	"hash/fnv"
	"sort"

	"github.com/newsbot-dev/newsbot/corpus"
	"github.com/newsbot-dev/newsbot/corpus/attribution"
)

// prepared is an article analysed for a segment: everything the segment
// stores of it, and its terms.
type prepared struct {
	id     string
	outlet string
	wire   string
	stored []byte
	rec    artRec
	sents  []sentRec
	ans    [][]uint32
	terms  [][]termCount // by sentence
	title  []string
	size   int // bytes held, for the builder's budget
}

// prepare analyses an article for a segment: its sentences and terms (as
// article does), and what the search needs of each sentence without
// reading its text again: a hash of the text for dropping repeats, whether
// it asks a question or leans on the sentence before, and the words in it
// that could answer a question (see answerWords). extract finds the
// article's attribution relations, kept with it (nil: none).
func (an *analyzer) prepare(a *corpus.Article, extract func(string) []attribution.Attribution) prepared {
	var attrs []attribution.Attribution
	if extract != nil {
		attrs = extract(a.Body)
	}
	// What the search needs of each sentence is read from the words of
	// its tokens (words, not stems: see analyzer.words) as article scans
	// them, not from a second scan.
	type sentInfo struct {
		flags uint8
		ans   []uint32
	}
	var info []sentInfo
	var words []token
	x := an.article(a, attrs, func(i int, toks []token) {
		words = append(words[:0], toks...)
		for j := range words {
			words[j].term = words[j].word
		}
		var si sentInfo
		if leans(words) {
			si.flags |= flagLeans
		}
		var more uint8
		si.ans, more = answerWords(words)
		si.flags |= more
		info = append(info, si)
	})
	p := prepared{
		id:     a.ID,
		outlet: a.Outlet,
		wire:   a.Wire,
		stored: appendStored(make([]byte, 0, len(a.Body)+len(a.ID)+len(a.Title)+len(a.URL)+len(a.Source)+64+16*len(attrs)), a, attrs),
		sents:  make([]sentRec, len(x.sents)),
		ans:    make([][]uint32, len(x.sents)),
		terms:  x.terms,
		title:  x.title,
	}
	p.rec = artRec{bodyLen: uint32(len(a.Body)), docLen: uint32(x.body), titleLen: uint32(min(len(x.title), 1<<16-1))}
	for i, s := range x.sents {
		text := a.Body[s.start:s.end]
		r := sentRec{start: s.start, end: s.end, para: s.para, n: s.n, idx: uint16(min(i, 1<<16-1)), hash: textHash(text)}
		if isInterrogative(text) {
			r.flags |= flagQuestion
		}
		r.flags |= info[i].flags
		p.ans[i] = info[i].ans
		p.sents[i] = r
	}
	p.size = len(p.stored) + len(p.sents)*(sentRecSize+8)
	for _, ts := range p.terms {
		p.size += len(ts) * 32
	}
	return p
}

// leans is needsContext on a sentence's words.
func leans(toks []token) bool {
	for i, t := range toks {
		if isAnaphor(t.term) {
			return true
		}
		if i == 0 {
			switch t.term {
			case "but", "however", "this", "that", "these", "those", "it", "also", "meanwhile", "still":
				return true
			}
		}
	}
	return false
}

// Answer words. question.answers looks in a sentence for a word of the
// kind the question wants (a name, a time, a number) that the question does
// not hold. The words of each kind are found when the sentence is indexed
// and kept as a 29-bit hash of the word with 3 bits for its kinds, so that a
// search compares hashes instead of reading and splitting sentences again.
// At most maxAnswerWords are kept; a sentence with more sets the flag of
// each kind it drops, read as "has such a word the question lacks" (the
// question would have to hold more than maxAnswerWords of its words).
const (
	kindName   = 1 << iota // a capitalised word, not the first: a name or a place
	kindTime               // a year or a time word
	kindNumber             // a number or a number word
	kindMask   = kindName | kindTime | kindNumber

	maxAnswerWords = 24
)

// wordHash is the hash of a word in answer words, its low 3 bits clear.
func wordHash(w string) uint32 {
	h := fnv.New32a()
	h.Write([]byte(w))
	return h.Sum32() &^ kindMask
}

// answerWords returns the answer words of a sentence's words, and the
// flags of the kinds it had more of than it kept.
func answerWords(toks []token) ([]uint32, uint8) {
	var out []uint32
	var more uint8
	for i, t := range toks {
		var k uint32
		if t.cap && !t.stop && !t.num && i > 0 {
			k |= kindName
		}
		if (t.num && len(t.term) == 4 && (t.term[:2] == "19" || t.term[:2] == "20")) || isTimeWord(t.term) {
			k |= kindTime
		}
		if t.num || isNumberWord(t.term) {
			k |= kindNumber
		}
		if k == 0 {
			continue
		}
		h := wordHash(t.term)
		found := false
		for j, x := range out {
			if x&^kindMask == h {
				out[j] |= k
				found = true
				break
			}
		}
		if found {
			continue
		}
		if len(out) == maxAnswerWords {
			if k&kindName != 0 {
				more |= flagManyNames
			}
			if k&kindTime != 0 {
				more |= flagManyTimes
			}
			if k&kindNumber != 0 {
				more |= flagManyNumbers
			}
			continue
		}
		out = append(out, h|k)
	}
	return out, more
}

// Postings as the builder collects them.
type sPost struct {
	sent     uint32
	own, ctx uint16
	n        uint16
}

type aPost struct{ art, tf, dl uint32 }

type tPost struct{ art, tl uint32 }

// builder collects prepared articles until they are written as one
// segment: their stored records and sentences go to the segment as they
// are added, their postings are kept in memory until write.
type builder struct {
	dir     string     // of the segment
	w       *segWriter // the segment, from the first add
	arts    int
	nsent   uint32
	vocab   map[string]uint32
	terms   []string
	sp      [][]sPost
	ap      [][]aPost
	tp      [][]tPost
	lastArt []uint32 // by term: the last article with an article posting, plus one
	size    int
}

func newBuilder(dir string) *builder { return &builder{dir: dir, vocab: map[string]uint32{}} }

// abort gives up the segment begun, if any.
func (b *builder) abort() {
	if b.w != nil {
		b.w.abort()
		b.w = nil
	}
}

func (b *builder) termID(term string) uint32 {
	if t, ok := b.vocab[term]; ok {
		return t
	}
	t := uint32(len(b.terms))
	b.vocab[term] = t
	b.terms = append(b.terms, term)
	b.sp = append(b.sp, nil)
	b.ap = append(b.ap, nil)
	b.tp = append(b.tp, nil)
	b.lastArt = append(b.lastArt, 0)
	return t
}

// add takes a prepared article: it is written to the segment, and its
// terms are folded into postings.
func (b *builder) add(p prepared) error {
	if b.w == nil {
		w, err := newSegWriter(b.dir)
		if err != nil {
			return err
		}
		b.w = w
	}
	if err := b.w.addArticle(p.stored, p.rec, p.id, p.sents, p.ans, p.outlet, p.wire); err != nil {
		return err
	}
	art := uint32(b.arts)
	dl := p.rec.docLen
	for si, counts := range p.terms {
		sid := b.nsent + uint32(si)
		n := p.sents[si].n
		for _, tc := range counts {
			t := b.termID(tc.term)
			b.sp[t] = append(b.sp[t], sPost{sid, tc.own, tc.ctx, n})
			if tc.own == 0 {
				continue
			}
			if b.lastArt[t] == art+1 {
				b.ap[t][len(b.ap[t])-1].tf += uint32(tc.own)
			} else {
				b.lastArt[t] = art + 1
				b.ap[t] = append(b.ap[t], aPost{art, uint32(tc.own), dl})
			}
		}
	}
	for _, w := range p.title {
		t := b.termID(w)
		if l := b.tp[t]; len(l) > 0 && l[len(l)-1].art == art {
			continue
		}
		b.tp[t] = append(b.tp[t], tPost{art, p.rec.titleLen})
	}
	b.nsent += uint32(len(p.sents))
	b.size += p.size
	b.arts++
	return nil
}

func (b *builder) empty() bool { return b.arts == 0 }

// write writes the postings of the articles added to w, the segment they
// were written to, checking ctx now and then.
func (b *builder) write(ctx context.Context, w *segWriter) error {
	order := make([]uint32, len(b.terms))
	for i := range order {
		order[i] = uint32(i)
	}
	sort.Slice(order, func(i, j int) bool { return b.terms[order[i]] < b.terms[order[j]] })
	var enc termLists
	for i, t := range order {
		if i%4096 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		enc.reset()
		for _, p := range b.sp[t] {
			enc.addSent(p.sent, uint32(p.own), uint32(p.ctx), uint32(p.n))
		}
		for _, p := range b.ap[t] {
			enc.addArt(p.art, p.tf, p.dl)
		}
		for _, p := range b.tp[t] {
			enc.addTitle(p.art, p.tl)
		}
		if err := enc.write(w, b.terms[t]); err != nil {
			return err
		}
		b.sp[t], b.ap[t], b.tp[t] = nil, nil, nil
	}
	return nil
}

// termLists collects one term's three lists for encoding.
type termLists struct {
	l   [3]listCols
	buf [3][]byte
}

func (e *termLists) reset() {
	for i := range e.l {
		l := &e.l[i]
		l.docs, l.bounds = l.docs[:0], l.bounds[:0]
		for c := range l.vals {
			l.vals[c] = l.vals[c][:0]
		}
	}
	e.l[0].ncols, e.l[1].ncols, e.l[2].ncols = 3, 2, 1
}

func (e *termLists) addSent(sent, own, ctx, n uint32) {
	l := &e.l[0]
	l.docs = append(l.docs, sent)
	l.vals[0] = append(l.vals[0], own)
	l.vals[1] = append(l.vals[1], ctx)
	l.vals[2] = append(l.vals[2], n)
	l.bounds = append(l.bounds, bound{a: min(own, 0xFFFF) | min(ctx, 0xFFFF)<<16, b: n})
}

func (e *termLists) addArt(art, tf, dl uint32) {
	l := &e.l[1]
	l.docs = append(l.docs, art)
	l.vals[0] = append(l.vals[0], tf)
	l.vals[1] = append(l.vals[1], dl)
	l.bounds = append(l.bounds, bound{a: min(tf, 0xFFFF), b: dl})
}

func (e *termLists) addTitle(art, tl uint32) {
	l := &e.l[2]
	l.docs = append(l.docs, art)
	l.vals[0] = append(l.vals[0], tl)
	l.bounds = append(l.bounds, bound{a: 1, b: tl})
}

func (e *termLists) write(w *segWriter, term string) error {
	var lists [3][]byte
	var dfs [3]uint32
	for i := range e.l {
		if len(e.l[i].docs) == 0 {
			continue
		}
		e.buf[i] = appendList(e.buf[i][:0], &e.l[i])
		lists[i], dfs[i] = e.buf[i], uint32(len(e.l[i].docs))
	}
	return w.addTerm(term, lists, dfs)
}
