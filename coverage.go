package newsbot

import (
	"context"
	"fmt"
	"sort"
	"strings"
)

// Answers outlet by outlet. Several outlets cover one event, and they do
// not all use the question's words ("died", "were killed", "the death
// toll rose to") nor give the same figures. So, for a question about the
// coverage itself ("How did the outlets report the collapse?", "Do the
// outlets agree on the toll?"), and for a question of fact whose answering
// sentences come from several outlets or that asks for a figure ("How
// many people died?"), the bot retrieves outlet by outlet and quotes each
// outlet's best answering sentence (for a figure, the best that gives
// one), best outlets first: those of the first retrieval in its order,
// then the rest of the coverage's outlets, at most maxOutletQueries
// retrievals and maxOutlets outlets quoted. Each quoted sentence must
// answer the question by the same standard as any other (Bot.answers): an
// outlet whose sentences do not answer is left out, never padded in.
//
// When the outlets' sentences give figures for the quantity asked about
// (see figures.go), a first sentence in the bot's own words compares them:
// "The outlets disagree on the death toll: Northern Wire says 12 [1];
// Valley Courier says at least 14 [2]." or "The outlets quoted agree on ...". A
// question that asks whether the outlets agree but names nothing to
// compare ("What did the outlets disagree on?") is answered by comparing
// the figures that news reports most often differ on (the dead, the
// injured, the missing, a cost): probeQuestions.
//
// With a Retriever that is not a FilterRetriever, the bot cannot list the
// outlets or ask one of them: it retrieves wideK sentences once and groups
// them by outlet itself, and a question that names an outlet is searched
// as asked (the outlet's name is then only a word of the question).

const (
	// maxOutletQueries bounds the retrievals of one answer outlet by
	// outlet.
	maxOutletQueries = 8
	// maxOutlets bounds the outlets quoted in one answer.
	maxOutlets = 8
	// perOutletK is how many sentences each outlet's retrieval returns.
	perOutletK = 8
	// wideK is how many sentences a retrieval that the core narrows
	// itself returns.
	wideK = 50
)

// probeQuestions are the quantities compared for "What did the outlets
// disagree on?".
var probeQuestions = []string{"How many people died?", "How many people were injured?", "How many people are missing?", "How much did it cost?"}

// respond retrieves the evidence for q and composes the extractive answer,
// by the kind of question it is (kind.go). The evidence returned is what
// a model is given: the sentences quoted first.
func (b *Bot) respond(ctx context.Context, q string) ([]Evidence, Answer, error) {
	var known []string
	if fr, ok := b.Retriever.(FilterRetriever); ok {
		var err error
		if known, err = fr.Outlets(ctx); err != nil {
			return nil, Answer{}, fmt.Errorf("answer: list outlets: %w", err)
		}
	}
	r := readQuestion(q, known)
	switch r.kind {
	case kindSpeaker:
		ev, a, ok, err := b.speakerAnswer(ctx, q, r, known)
		if err != nil || ok {
			return ev, a, err
		}
		// As a question of fact: the whole of it, the speaker too
		// ("..., according to Fiji's minister of defence?").
		r.search = q
		if len(r.outlets) > 0 {
			_, r.search = namedOutlets(q, r.outlets)
		}
	case kindWhoSaid:
		ev, a, ok, err := b.whoSaidAnswer(ctx, q, r)
		if err != nil || ok {
			return ev, a, err
		}
	case kindCoverage:
		return b.coverageAnswer(ctx, q, r, known)
	}
	return b.factAnswer(ctx, q, r, known)
}

// factAnswer answers a question of fact: the best sentences, or, when
// several outlets answer or the question asks for a figure, each outlet's.
func (b *Bot) factAnswer(ctx context.Context, q string, r reading, known []string) ([]Evidence, Answer, error) {
	ev, err := b.search(ctx, r.search, retrieveK, r.outlets)
	if err != nil {
		return nil, Answer{}, err
	}
	a := b.extractive(q, r.search, ev)
	if a.NoAnswer || len(r.outlets) == 1 {
		return ev, a, nil
	}
	figure := asksFigure(r.search)
	_, isFR := b.Retriever.(FilterRetriever)
	if answeringOutlets(b, r.search, ev) < 2 && !(figure && (len(known) >= 2 || !isFR)) {
		return ev, a, nil
	}
	picks, all, err := b.perOutlet(ctx, r.search, ev, r.outlets, known)
	if err != nil {
		return nil, Answer{}, err
	}
	if len(picks) < 2 {
		return ev, a, nil
	}
	lead, _ := figureLead(r.search, picks)
	a = Answer{Question: q, Mode: ModeExtractive}
	a.Text, a.Citations = quote(lead, picks)
	return b.forModel(all, picks), a, nil
}

// coverageAnswer answers a question about the coverage itself, outlet by
// outlet.
func (b *Bot) coverageAnswer(ctx context.Context, q string, r reading, known []string) ([]Evidence, Answer, error) {
	if r.search == "" {
		if !r.agree {
			return nil, noAnswer(q), nil
		}
		return b.probeAnswer(ctx, q, r, known)
	}
	first, err := b.search(ctx, r.search, retrieveK, r.outlets)
	if err != nil {
		return nil, Answer{}, err
	}
	picks, all, err := b.perOutlet(ctx, r.search, first, r.outlets, known)
	if err != nil {
		return nil, Answer{}, err
	}
	if len(picks) == 0 {
		return first, noAnswer(q), nil
	}
	lead, ok := figureLead(r.search, picks)
	if !ok && r.agree {
		if len(picks) == 1 {
			lead = "Only one outlet answers that, so there is nothing to compare:"
		} else {
			lead = "The outlets give no figures on that to compare; here is what each says:"
		}
	}
	a := Answer{Question: q, Mode: ModeExtractive}
	a.Text, a.Citations = quote(lead, picks)
	return b.forModel(all, picks), a, nil
}

// probeAnswer answers "What did the outlets disagree on?": the figures of
// probeQuestions on which the outlets differ.
func (b *Bot) probeAnswer(ctx context.Context, q string, r reading, known []string) ([]Evidence, Answer, error) {
	var leads []string
	var quoted, all []Evidence
	for _, pq := range probeQuestions {
		ev, err := b.search(ctx, pq, wideK, r.outlets)
		if err != nil {
			return nil, Answer{}, err
		}
		all = mergeEvidence(all, ev)
		g := newOutletGroups()
		g.addMatching(ev, func(e Evidence) bool { _, ok := pickFigure(pq, e.Sentence); return ok && b.answersFigure(pq, e) })
		var picks []Evidence
		all1 := g.picks(1)
		same := sameEvent(all1)
		for i, e := range all1 {
			if same[i] {
				picks = append(picks, e)
			}
		}
		var figs []outletFigure
		for _, e := range picks {
			f, _ := pickFigure(pq, e.Sentence)
			figs = append(figs, outletFigure{source: sourceOf(e), n: len(quoted) + len(figs) + 1, fig: f})
		}
		if s, ok := figureStatement(pq, figs); ok && strings.HasPrefix(s, "The outlets disagree") {
			leads = append(leads, s)
			quoted = append(quoted, picks...)
		}
	}
	if len(quoted) == 0 {
		return all, noAnswer(q), nil
	}
	a := Answer{Question: q, Mode: ModeExtractive}
	a.Text, a.Citations = quote(strings.Join(leads, " "), quoted)
	return b.forModel(all, quoted), a, nil
}

func noAnswer(q string) Answer {
	return Answer{Question: q, Mode: ModeExtractive, NoAnswer: true, Text: NoAnswerText}
}

// figureLead compares the figures that picks give for the quantity q asks
// about (see figureStatement); ok is false when fewer than two give one.
func figureLead(q string, picks []Evidence) (string, bool) {
	if !asksFigure(q) {
		return "", false
	}
	var figs []outletFigure
	same := sameEvent(picks)
	for i, e := range picks {
		if f, ok := pickFigure(q, e.Sentence); ok && same[i] {
			figs = append(figs, outletFigure{source: sourceOf(e), n: i + 1, fig: f})
		}
	}
	return figureStatement(q, figs)
}

// sameEvent reports, for each of picks, whether it is about the event the
// first is about, as far as their names tell: it shares a name (a
// capitalised word that does not open the sentence: "Harlow", "Tane") with
// the first, or with one that does, in its sentence, the sentence before
// it or its article's title. Figures are compared only between sentences
// about one event: in a coverage of many, "How many people died?" finds
// each outlet's toll of its own story, and they do not disagree.
func sameEvent(picks []Evidence) []bool {
	sets := make([]map[string]bool, len(picks))
	for i, e := range picks {
		sets[i] = map[string]bool{}
		for _, text := range []string{e.Sentence, e.Before, e.Title} {
			for _, w := range wordsOf(text) {
				if w.name && !isTitle(w.lower) && families[w.lower] == "" && months[w.lower] == 0 && !isWeekday(w.lower) {
					sets[i][w.lower] = true
				}
			}
		}
		for _, w := range wordsOf(sourceOf(e)) {
			delete(sets[i], w.lower)
		}
	}
	same := make([]bool, len(picks))
	if len(picks) == 0 {
		return same
	}
	same[0] = true
	for changed := true; changed; {
		changed = false
		for i := range picks {
			if same[i] {
				continue
			}
			for j := range picks {
				if same[j] && shares(sets[i], sets[j]) {
					same[i], changed = true, true
					break
				}
			}
		}
	}
	return same
}

func shares(a, b map[string]bool) bool {
	for w := range a {
		if b[w] {
			return true
		}
	}
	return false
}

func isWeekday(w string) bool {
	switch w {
	case "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday":
		return true
	}
	return false
}

// sourceOf names e's outlet as the answer text does.
func sourceOf(e Evidence) string {
	if s := collapseSpace(SourceName(e.Outlet, e.Wire)); s != "" {
		return s
	}
	return "an unnamed outlet"
}

// perOutlet retrieves search outlet by outlet (see the rules at the top of
// this file) and returns each outlet's best answering sentence, and all
// the evidence seen. first is the first retrieval, which orders the
// outlets; restrict, when not empty, the outlets the question names.
func (b *Bot) perOutlet(ctx context.Context, search string, first []Evidence, restrict, known []string) (picks, all []Evidence, err error) {
	figure := asksFigure(search)
	answering := func(e Evidence) bool { return b.answersFigure(search, e) }
	// Prefer, in each outlet, the answering sentence that gives a figure.
	pick := func(g []Evidence) (Evidence, bool) {
		if figure {
			for _, e := range g {
				if _, ok := pickFigure(search, e.Sentence); ok {
					return e, true
				}
			}
		}
		if len(g) > 0 {
			return g[0], true
		}
		return Evidence{}, false
	}
	groups := newOutletGroups()
	fr, isFR := b.Retriever.(FilterRetriever)
	if !isFR || len(known) == 0 {
		ev, err := b.search(ctx, search, wideK, restrict)
		if err != nil {
			return nil, nil, err
		}
		groups.addMatching(ev, answering)
		all = mergeEvidence(first, ev)
	} else {
		all = first
		queries := 0
		for _, o := range outletOrder(first, restrict, known) {
			if queries >= maxOutletQueries || len(groups.keys) >= maxOutlets {
				break
			}
			if o == "" {
				// The unnamed outlet cannot be asked: its sentences of the
				// first retrieval stand for it.
				groups.addMatching(first, func(e Evidence) bool { return outletKey(e) == "" && answering(e) })
				continue
			}
			if groups.has(o) {
				continue
			}
			ev, err := fr.RetrieveFiltered(ctx, search, perOutletK, Filter{Outlets: []string{o}})
			queries++
			if err != nil {
				if ctx.Err() != nil {
					return nil, nil, ctx.Err()
				}
				return nil, nil, fmt.Errorf("retrieve from %s: %w", o, err)
			}
			groups.addMatching(ev, answering)
			all = mergeEvidence(all, ev)
		}
	}
	for _, k := range groups.keys {
		if len(picks) == maxOutlets {
			break
		}
		if e, ok := pick(groups.ev[k]); ok {
			picks = append(picks, e)
		}
	}
	return picks, all, nil
}

// search retrieves k sentences for q from the outlets given, all when
// none: with RetrieveFiltered when the retriever can filter, else from
// wideK sentences narrowed here.
func (b *Bot) search(ctx context.Context, q string, k int, outlets []string) ([]Evidence, error) {
	var ev []Evidence
	var err error
	switch fr, ok := b.Retriever.(FilterRetriever); {
	case len(outlets) == 0:
		ev, err = b.Retriever.Retrieve(ctx, q, k)
	case ok:
		ev, err = fr.RetrieveFiltered(ctx, q, k, Filter{Outlets: outlets})
	default:
		ev, err = b.Retriever.Retrieve(ctx, q, max(k, wideK))
		ev = keepOutlets(ev, outlets, k)
	}
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, fmt.Errorf("answer: retrieve: %w", err)
	}
	return ev, nil
}

// keepOutlets keeps at most k of ev whose outlet or wire is one of
// outlets.
func keepOutlets(ev []Evidence, outlets []string, k int) []Evidence {
	var out []Evidence
	for _, e := range ev {
		for _, o := range outlets {
			if strings.EqualFold(e.Outlet, o) || strings.EqualFold(e.Wire, o) {
				out = append(out, e)
				break
			}
		}
		if len(out) == k {
			break
		}
	}
	return out
}

// answersFigure reports whether e answers q by the usual standard
// (Bot.answers) or, for a question that asks for a quantity the bot knows
// the words of ("How many people died?"), by giving it: a figure next to
// the quantity's words (givesFigure), in a sentence that matches at least
// MinCoverage of the question. An engine's estimate of answering weighs
// much besides (how the sentence opens, what it attributes), and an
// outlet that puts its toll as "Thirteen people have died, according to
// the coroner" answers the question as surely as one that puts it first;
// the coverage bound, and the names of the question that the sentence
// must hold, keep a question about something else ("in the 2018 flood",
// "When did James Dean die?") unanswered by it.
func (b *Bot) answersFigure(q string, e Evidence) bool {
	if b.answers(e) {
		return true
	}
	return e.Relevance.Own > 0 && e.Relevance.Coverage >= b.minCoverage() && givesFigure(q, e.Sentence) &&
		namesAll(q, e.Sentence+" "+e.Before)
}

// namesAll reports whether text holds every name of question q ("James
// Dean" of "When did James Dean die?"): a sentence without one of them is
// about someone else, whatever its figure.
func namesAll(q, text string) bool {
	in := map[string]bool{}
	for _, w := range wordsOf(text) {
		in[w.lower] = true
	}
	ws := wordsOf(q)
	for _, n := range names(ws) {
		for _, w := range ws[n[0]:n[1]] {
			if !isTitle(w.lower) && !in[strings.TrimSuffix(strings.TrimSuffix(w.lower, "'s"), "’s")] {
				return false
			}
		}
	}
	return true
}

// answeringOutlets counts the outlets of ev's answering sentences.
func answeringOutlets(b *Bot, q string, ev []Evidence) int {
	seen := map[string]bool{}
	for _, e := range ev {
		if b.answersFigure(q, e) {
			seen[strings.ToLower(outletKey(e))] = true
		}
	}
	return len(seen)
}

// outletKey is the outlet an evidence is grouped under: its outlet, else
// its wire; "" when unknown.
func outletKey(e Evidence) string {
	if e.Outlet != "" {
		return e.Outlet
	}
	return e.Wire
}

// outletOrder lists the outlets to ask, best first: those of first in its
// order (with "" for articles that name none), then the rest of known;
// only restrict's when it is not empty.
func outletOrder(first []Evidence, restrict, known []string) []string {
	allowed := func(o string) bool {
		if len(restrict) == 0 {
			return true
		}
		for _, r := range restrict {
			if strings.EqualFold(r, o) {
				return true
			}
		}
		return false
	}
	var out []string
	seen := map[string]bool{}
	add := func(o string, unnamed bool) {
		if (o != "" || unnamed && len(restrict) == 0) && !seen[strings.ToLower(o)] && (o == "" || allowed(o)) {
			seen[strings.ToLower(o)] = true
			out = append(out, o)
		}
	}
	for _, e := range first {
		add(outletKey(e), true)
	}
	for _, o := range restrict {
		add(o, false)
	}
	for _, o := range known {
		add(o, false)
	}
	return out
}

// outletGroups holds evidence by outlet, outlets in the order first seen.
type outletGroups struct {
	// direct, when true, makes picks prefer a direct quotation.
	direct bool
	keys   []string
	ev     map[string][]Evidence
	seen   map[[2]any]bool
}

func newOutletGroups() *outletGroups {
	return &outletGroups{ev: map[string][]Evidence{}, seen: map[[2]any]bool{}}
}

// addMatching adds the evidence of ev that match keeps, each once, and
// returns how many it added.
func (g *outletGroups) addMatching(ev []Evidence, keep func(Evidence) bool) int {
	n := 0
	for _, e := range ev {
		id := [2]any{e.ArticleID, e.Start}
		if g.seen[id] || !keep(e) {
			continue
		}
		g.seen[id] = true
		k := strings.ToLower(outletKey(e))
		if _, ok := g.ev[k]; !ok {
			g.keys = append(g.keys, k)
		}
		g.ev[k] = append(g.ev[k], e)
		n++
	}
	return n
}

// has reports whether outlet o has evidence.
func (g *outletGroups) has(o string) bool {
	return len(g.ev[strings.ToLower(o)]) > 0
}

// picks returns the evidence to quote: from one outlet, its first n
// distinct sentences; from several, each outlet's first, a direct
// quotation first when the outlet has one among its first three.
func (g *outletGroups) picks(n int) []Evidence {
	var out []Evidence
	if len(g.keys) == 1 {
		for _, e := range g.ev[g.keys[0]] {
			if len(out) == n {
				break
			}
			if !sameSentence(out, e) {
				out = append(out, e)
			}
		}
		return out
	}
	for _, k := range g.keys {
		if len(out) == maxOutlets {
			break
		}
		e := g.ev[k][0]
		if g.direct {
			for _, d := range g.ev[k][:min(3, len(g.ev[k]))] {
				if isDirect(d) {
					e = d
					break
				}
			}
		}
		out = append(out, e)
	}
	return out
}

// isDirect reports whether the attribution that e's speaker comes from
// (see Evidence.Speaker) is a direct quotation.
func isDirect(e Evidence) bool {
	best, most := false, 0
	for _, a := range e.Attributions {
		if a.Start < e.Start && !a.Direct {
			continue
		}
		n := min(a.End, e.End) - max(a.Start, e.Start)
		if a.Speaker != "" && n > most {
			best, most = a.Direct, n
		}
	}
	return best
}

// sameSentence reports whether e's sentence is among those of out.
func sameSentence(out []Evidence, e Evidence) bool {
	for _, c := range out {
		if collapseSpace(c.Sentence) == collapseSpace(e.Sentence) {
			return true
		}
	}
	return false
}

// mergeEvidence returns a followed by the evidence of b not in a.
func mergeEvidence(a, b []Evidence) []Evidence {
	out := append([]Evidence(nil), a...)
	seen := map[[2]any]bool{}
	for _, e := range a {
		seen[[2]any{e.ArticleID, e.Start}] = true
	}
	for _, e := range b {
		if id := [2]any{e.ArticleID, e.Start}; !seen[id] {
			seen[id] = true
			out = append(out, e)
		}
	}
	return out
}

// forModel is the evidence a model is given for an answer that quotes
// picks out of all: all in its order (the first retrieval's, best first),
// with the picks that would fall beyond the model's share (MaxEvidence)
// moved up into it, so that the model sees every outlet quoted.
func (b *Bot) forModel(all, picks []Evidence) []Evidence {
	limit := b.MaxEvidence
	if limit == 0 {
		limit = 8
	}
	all = mergeEvidence(all, picks)
	in := func(list []Evidence, e Evidence) bool {
		for _, c := range list {
			if c.ArticleID == e.ArticleID && c.Start == e.Start {
				return true
			}
		}
		return false
	}
	head := all[:min(limit, len(all))]
	var late []Evidence
	for _, p := range picks {
		if !in(head, p) {
			late = append(late, p)
		}
	}
	if len(late) == 0 {
		return all
	}
	var out []Evidence
	for _, e := range all {
		if len(out) == limit-min(len(late), limit) {
			break
		}
		if !in(picks, e) || in(head, e) {
			out = append(out, e)
		}
	}
	out = append(out, late...)
	return mergeEvidence(out, all)
}

// sortByLength sorts s longest first, then alphabetically.
func sortByLength(s []string) {
	sort.Slice(s, func(i, j int) bool {
		if len(s[i]) != len(s[j]) {
			return len(s[i]) > len(s[j])
		}
		return s[i] < s[j]
	})
}
