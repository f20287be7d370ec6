package newsbot

import (
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// The model's reply is checked sentence by sentence against the evidence
// it was given, before any of it reaches a person (reasoning.go and
// reply.go first remove its reasoning and read it into sentences):
//
//   - a marker [n] must name an evidence sentence that was given; one that
//     does not ([7] when five were given) is removed;
//   - every sentence kept is supported by the sentences it cites
//     (support.go): its numbers, names and quotations are in them, and
//     enough of its words. A sentence the sentences it cites do not
//     support, or that cites none, is cited to the evidence sentence that
//     does support it, or dropped. A sentence without markers of its own
//     takes, as first candidates, the markers that end its paragraph or
//     list item (models often cite a paragraph once, at its end);
//   - a marker opening a sentence belongs to the sentence before ("...
//     said. [2]") when that one has none and this one goes on as a new
//     sentence; when the sentence goes on in lower case ("[3] quotes him
//     as saying ...") the marker is its subject and stays;
//   - a sentence that says a person said something must name someone the
//     evidence it cites says said it (speaker.go): a quote given to the
//     wrong person is dropped;
//   - a sentence that opens with he, she, they, it or this right after a
//     dropped sentence of its paragraph is dropped too: it would read as if
//     about someone else;
//   - a bare "Yes." or "No." is kept only before a kept sentence of its
//     paragraph, which is what supports it; it carries no marker;
//   - a sentence saying what the evidence does not say ("The coverage does
//     not say whether ...") is kept without a marker, unless some evidence
//     sentence does say it, or it names what neither the question nor the
//     evidence names;
//   - sentences in the first person, addressed to the person, or that
//     mention everyone in a chat (@everyone, @here) are not part of an
//     answer and are dropped;
//   - at most maxAnswerSentences sentences are kept, and one saying what
//     the evidence does not;
//   - a link that is not the URL of a source the same sentence cites is
//     removed, and Markdown link syntax is reduced to its text;
//   - markers are renumbered in order of first appearance, so the answer's
//     citations are [1], [2], ... with no gaps.

// maxAnswerSentences bounds a model answer (the prompt asks for at most
// five sentences; one more is let through).
const maxAnswerSentences = 6

var (
	// markerRE matches one bracketed group of evidence numbers: [2],
	// [1, 3], [1][2] (as two groups), [2-4].
	markerRE = regexp.MustCompile(`\[\s*\d+(?:\s*(?:[,;]|[-–])\s*\d+)*\s*\]`)
	// leadingMarkersRE matches markers (and spaces) at the start of a
	// sentence.
	leadingMarkersRE = regexp.MustCompile(`^(?:\s*\[\s*\d+(?:\s*(?:[,;]|[-–])\s*\d+)*\s*\])+`)
	// markdownLinkRE matches [text](target).
	markdownLinkRE = regexp.MustCompile(`\[([^\[\]]*)\]\(\s*([^()\s]*)\s*\)`)
	// urlRE matches links written out: with a scheme, or starting www.
	urlRE = regexp.MustCompile(`(?i)<?\b(?:[a-z][a-z0-9+.-]*://|www\.)[^\s<>"'\x60\]\[]+>?`)
	// markerSepRE separates the numbers of one marker group.
	markerSepRE = regexp.MustCompile(`\s*[,;]\s*`)
	spacesRE    = regexp.MustCompile(`[ \t]{2,}`)

	// emptyParensRE matches what a removed link can leave.
	emptyParensRE = regexp.MustCompile(`\s*\(\s*\)`)
	// yesNoRE matches a bare direct answer.
	yesNoRE = regexp.MustCompile(`(?i)^(?:yes|no|not quite|not exactly|partly|partially|in part)[.!]?$`)
	// pronounStartRE matches a sentence that leans on the one before.
	pronounStartRE = regexp.MustCompile(`(?i)^(?:(?:but|and|however|also|still|yet|then|later)[, ]+)?(?:he|she|they|it|his|her|their|its|this|that|these|those|such)\b`)
	// massMentionRE matches a mention of everyone in a chat: never part
	// of an answer.
	massMentionRE = regexp.MustCompile(`(?i)@(?:everyone|here|channel|all)\b|<!(?:everyone|here|channel)>`)
	// innerMarkerRE is a marker inside a sentence, after the part it
	// supports: "X [1], saying Y [2]."
	innerMarkerRE = regexp.MustCompile(`(?:\[\d+\])+[,;:]?\s+[^\s\[]`)
	// gapRE matches a sentence that says what the evidence does not.
	gapRE = regexp.MustCompile(`(?i)^(?:(?:however|but|unfortunately|still)[, ]+)?(?:(?:based on|according to|from|in) (?:the )?(?:provided |given |available )?(?:evidence|sources|articles|coverage|sentences|information)(?: provided| given| available)?,\s*)?` +
		`(?:(?:the|this|these) )?(?:provided |given |available |retrieved |cited |numbered )?(?:evidence|coverage|articles?|sources?|reports?|sentences?|texts?|information|excerpts?|passages?|documents?)(?: (?:provided|given|available|above|here|i have|shown))?` +
		`\s(?:(?:does|do|did)\s*(?:not|n[’']t)|contains? no|has no|have no|makes? no|offers? no|provides? no|gives? no|says? nothing|is silent|are silent|only)\b` +
		`|^(?:(?:however|but|unfortunately)[, ]+)?there (?:is|are|was|were) no (?:mention|information|details?|evidence|indication|reference|report|data)` +
		`|^(?:(?:however|but)[, ]+)?none of the (?:evidence|sources|articles|sentences|reports)` +
		`|^(?:(?:however|but)[, ]+)?no (?:information|details?|evidence|mention) (?:is|are|was|were) (?:given|provided|available|found|offered)` +
		`|\b(?:is|are|was|were) not (?:mentioned|stated|specified|covered|addressed|discussed|reported|given|provided) in the (?:provided |given )?(?:evidence|coverage|articles?|sources?|sentences?)`)
	// gapTopicRE finds what a gap sentence says is missing.
	gapTopicRE = regexp.MustCompile(`(?i)(?:n[’']t|not|no|nothing|silent|only)\s+(?:\w+\s+){0,2}?(?:about|on|of|regarding|concerning|whether|if|what|who|whom|how|why|when|where|which|that|any|to)\s+(.+)$`)
	// gapSubjectRE is the subject of a gap sentence, said in the bot's words.
	gapSubjectRE = regexp.MustCompile(`(?i)^(?:(?:based on|according to|from|in) (?:the )?(?:provided |given |available )?(?:evidence|sources|articles|coverage|sentences|information)(?: provided| given| available)?,\s*)?(?:the|this|these) (?:provided |given |available |retrieved |cited |numbered )?(?:evidence|coverage|articles?|sources?|sentences?|texts?|information|excerpts?|passages?|documents?)(?: (?:provided|given|available|above|here|i have|shown))?\s`)
)

// checker validates a reply against numbered evidence and keeps the state
// that must stay stable while a reply streams in: the renumbering.
type checker struct {
	evidence   []Evidence // evidence[n-1] is marker n
	sources    []*source
	question   string
	df         map[string]int // how many evidence sentences have each stem
	n          float64        // the number of evidence sentences, plus one
	minSupport float64

	renum   map[int]int // evidence number -> citation number
	order   []int       // evidence numbers in citation order
	removed Removed
	// kept counts the answer's sentences, gaps its sentences about what
	// the evidence does not say, claims the sentences that made claims
	// (kept or not), of the last check.
	kept, gaps, claims int
	// nextBlock is the block of the first sentence not yet complete, -1
	// for none: a block before it is closed.
	nextBlock int

	// stableKey and stable cache stableText's last result: while a reply
	// streams in, most pieces complete no new sentence.
	stableKey string
	stable    string
	// As a reply streams in, its sentences are read again and again; what
	// the checker learnt of each is kept, keyed by its text.
	blocks   map[string][]string // a block's sentences
	kinds    map[string]int
	plains   map[string]string
	supports map[string]supported
	facts    map[string]facts
	// attributed holds who each sentence says said something, speakers
	// who each evidence sentence says did (speaker.go).
	attributed map[string][]person
	speakers   []*speakers
	outlets    map[string]bool // the words of the evidence's outlets, wires and authors
}

// supported is the support check's verdict on a sentence.
type supported struct {
	cites []int
	ok    bool
}

// Removed counts what checking took out of a model's reply.
type Removed struct {
	// Markers that named no evidence sentence.
	Markers int
	// Sentences dropped: unsupported, uncited, over the length bound, or
	// not part of an answer.
	Sentences int
	// Links that were not the URL of a cited source.
	Links int
	// Unsupported counts the dropped sentences that no evidence sentence
	// supports (a number, name or quotation it lacks, or too few of its
	// words): a subset of Sentences.
	Unsupported int
	// Misattributed counts the dropped sentences that say someone said
	// something whom the evidence they cite does not say said it (a quote
	// given to the wrong person; see speaker.go): a subset of Sentences.
	Misattributed int
	// Recited counts kept sentences cited to other evidence than the model
	// cited (the one that supports them).
	Recited int
	// Reasoning is how many bytes of the model's reasoning were removed.
	Reasoning int
}

func newChecker(evidence []Evidence, question string, minSupport float64) *checker {
	c := &checker{evidence: evidence, question: question, renum: map[int]int{}, minSupport: minSupport,
		blocks: map[string][]string{}, kinds: map[string]int{}, plains: map[string]string{}, supports: map[string]supported{},
		facts: map[string]facts{}, attributed: map[string][]person{}}
	if c.minSupport <= 0 {
		c.minSupport = DefaultMinSupport
	}

	for _, e := range evidence {
		s := newSource(e)
		if e.Before != "" {
			for i, o := range evidence {
				if o.Sentence == e.Before && o.ArticleID == e.ArticleID {
					s.before = i + 1
				}
			}
		}
		c.sources = append(c.sources, s)
	}
	size := 0
	for _, s := range c.sources {
		size += len(s.stems)
	}
	df := make(map[string]int, size)
	for _, s := range c.sources {
		for _, w := range s.stems {
			df[w]++
		}
	}
	n := float64(len(evidence) + 1)
	c.df = df
	c.n = n
	return c
}

// Kinds of sentence.
const (
	kindClaim = iota // says something the evidence must support
	kindYesNo        // a bare yes or no
	kindGap          // says what the evidence does not say
	kindAside        // first person, addressed to the person, or an introduction: not part of an answer
)

// item is one sentence of the reply being checked.
type item struct {
	text     string // with markers as [n]
	block    int
	last     bool
	kind     int
	explicit []int // the evidence it cites itself, in order
	bad      int   // markers naming no evidence sentence
	// decided
	settled bool
	keep    bool
	cites   []int
	recited bool
}

// check returns the checked text of a whole reply (its reasoning already
// removed).
func (c *checker) check(reply string) string {
	units := parseReply(reply, c.evidence, false, c.blocks)
	return c.run(units, len(units), true)
}

// run checks the first known units (all of them complete); final says
// nothing will follow them. It returns the text of the leading units
// whose fate nothing after them can change: all of them when final.
func (c *checker) run(units []unit, known int, final bool) string {
	c.renum = map[int]int{}
	c.order = c.order[:0]
	c.removed = Removed{}
	c.kept, c.gaps, c.claims = 0, 0, 0
	c.nextBlock = -1
	if known < len(units) {
		c.nextBlock = units[known].block
	}
	items := c.items(units[:known])
	var out strings.Builder
	lastBlock := -1
	for i := range items {
		it := &items[i]
		if !c.decide(items, i, final) {
			break
		}
		if !it.keep {
			continue
		}
		s := c.render(it)
		if s == "" {
			continue
		}
		if out.Len() > 0 {
			switch {
			case it.block != lastBlock:
				out.WriteString("\n\n")
			case !cjkJoin(out.String(), s):
				out.WriteByte(' ')
			}
		}
		lastBlock = it.block
		out.WriteString(s)
	}
	return out.String()
}

// items reads the units: their kind and markers, markers that open a
// sentence given to the one before when they belong to it.
func (c *checker) items(units []unit) []item {
	items := make([]item, 0, len(units))
	for _, u := range units {
		t := u.text
		if m := leadingMarkersRE.FindString(t); m != "" && len(items) > 0 && items[len(items)-1].block == u.block {
			prev := &items[len(items)-1]
			rest := strings.TrimSpace(t[len(m):])
			switch {
			case rest == "", !isLowerStart(rest) && len(prev.explicit) == 0 && prev.kind == kindClaim:
				// "... said. [2]" or "... said. [2] Medvedev agreed."
				prev.text += " " + strings.TrimSpace(m)
				c.readMarkers(prev)
				t = rest
			}
			if t == "" {
				continue
			}
		}
		it := item{text: t, block: u.block, last: u.last}
		c.readMarkers(&it)
		it.kind = c.kindOf(t)
		items = append(items, it)
	}
	for i := range items {
		items[i].last = i+1 == len(items) || items[i+1].block != items[i].block
	}
	return items
}

// readMarkers sets the evidence a sentence cites itself.
func (c *checker) readMarkers(it *item) {
	it.explicit, it.bad = it.explicit[:0], 0
	for _, m := range markerRE.FindAllString(it.text, -1) {
		for _, n := range markerNumbers(m) {
			switch {
			case n < 1 || n > len(c.evidence):
				it.bad++
			case !slices.Contains(it.explicit, n):
				it.explicit = append(it.explicit, n)
			}
		}
	}
}

// plain is a sentence as the support check reads it: no markers, no links.
func plain(s string) string {
	if strings.Contains(s, "](") {
		s = markdownLinkRE.ReplaceAllString(s, "$1")
	}
	s = replaceURLs(s, func(string) string { return " " })
	if strings.Contains(s, "[") {
		s = markerRE.ReplaceAllString(s, " ")
	}
	return strings.TrimSpace(spacesRE.ReplaceAllString(s, " "))
}

func (c *checker) kindOf(s string) int {
	if k, ok := c.kinds[s]; ok {
		return k
	}
	k := c.readKind(s)
	c.kinds[s] = k
	return k
}

// plainOf is plain, kept.
func (c *checker) plainOf(s string) string {
	p, ok := c.plains[s]
	if !ok {
		p = plain(s)
		c.plains[s] = p
	}
	return p
}

func (c *checker) readKind(s string) int {
	p := c.plainOf(s)
	outside, _ := splitQuotes(p)
	switch {
	case yesNoRE.MatchString(p):
		return kindYesNo
	case mayBeGap(p) && gapRE.MatchString(p):
		return kindGap
	case strings.HasSuffix(p, ":"), firstPerson(outside),
		strings.ContainsAny(outside, "@<") && massMentionRE.MatchString(outside):
		return kindAside
	}
	return kindClaim
}

// mayBeGap is a quick test before gapRE: a sentence about what the
// evidence does not say has a negation.
func mayBeGap(p string) bool {
	l := strings.ToLower(p)
	negation := false
	for _, w := range []string{"not", "n't", "n’t", "no ", "nothing", "silent", "only", "none"} {
		negation = negation || strings.Contains(l, w)
	}
	if !negation {
		return false
	}
	// ... and names the evidence, or says there is no mention.
	for _, w := range []string{"evidence", "coverage", "article", "source", "report", "sentence", "text", "information",
		"excerpt", "passage", "document", "there is no", "there are no", "there was no", "there were no", "none of", "no mention", "no detail"} {
		if strings.Contains(l, w) {
			return true
		}
	}
	return false
}

// firstPerson reports the first or second person, the voice of talk about
// the answer rather than of an answer.
func firstPerson(outside string) bool {
	for _, t := range tokens(outside) {
		switch nameNorm(t.text) {
		case "i", "i'm", "i've", "i'll", "i'd", "me", "my", "mine", "we", "we're", "our", "let's", "you", "your":
			return true
		case "user":
			return true
		}
	}
	return false
}

// decide settles the fate of items[i], knowing the items before it are
// settled. It returns false when what comes later could still change it.
func (c *checker) decide(items []item, i int, final bool) bool {
	it := &items[i]
	if it.settled {
		return true
	}
	drop := func() bool {
		it.keep, it.settled = false, true
		c.removed.Sentences++
		c.removed.Markers += it.bad
		return true
	}
	switch it.kind {
	case kindAside:
		return drop()
	case kindYesNo:
		// Kept before a kept claim of its paragraph, which supports it.
		if it.last {
			if i+1 == len(items) && !c.closed(it.block, final) {
				return false
			}
			return drop()
		}
		if items[i+1].kind != kindClaim {
			return drop()
		}
		if !c.decide(items, i+1, final) {
			return false
		}
		if !items[i+1].keep {
			return drop()
		}
		it.keep, it.settled = true, true
		return true
	case kindGap:
		if c.gaps > 0 || !c.gapHolds(c.plainOf(it.text)) {
			return drop()
		}
		c.gaps++
		it.keep, it.settled = true, true
		return true
	}
	c.claims++
	// Candidates: its own markers, else those that end its paragraph.
	candidates := it.explicit
	if len(candidates) == 0 {
		j := i + 1
		for ; j < len(items) && items[j].block == it.block && len(items[j].explicit) == 0; j++ {
		}
		switch {
		case j < len(items) && items[j].block == it.block:
			candidates = items[j].explicit
		case j == len(items) && !c.closed(it.block, final):
			// Its paragraph may still end with markers.
			c.claims--
			return false
		}
	}
	if i > 0 && items[i-1].block == it.block && items[i-1].kind == kindClaim && !items[i-1].keep && pronounStartRE.MatchString(c.plainOf(it.text)) {
		// "He added ..." after a dropped sentence: who is he?
		return drop()
	}
	if c.kept >= maxAnswerSentences {
		return drop()
	}
	cites, ok := c.support(it.text, it.explicit, candidates)
	if !ok {
		c.removed.Unsupported++
		return drop()
	}
	if c.misattributed(it.text, cites) {
		c.removed.Misattributed++
		return drop()
	}
	it.keep, it.settled, it.cites = true, true, cites
	c.removed.Markers += it.bad
	for _, n := range cites {
		if !slices.Contains(it.explicit, n) {
			it.recited = true
		}
	}
	if it.recited || len(cites) < len(it.explicit) {
		c.removed.Recited++
	}
	c.kept++
	return true
}

// support finds the evidence that supports claim (a sentence with its
// markers): for each clause, the explicit markers that support it, else the
// best candidate, else the best of all the evidence. ok is false when a
// clause has no support, or the claim has nothing to support.
func (c *checker) support(claim string, explicit, candidates []int) ([]int, bool) {
	var kb strings.Builder
	kb.WriteString(claim)
	for _, ns := range [][]int{explicit, candidates} {
		kb.WriteByte(0)
		for _, n := range ns {
			kb.WriteString(strconv.Itoa(n))
			kb.WriteByte(',')
		}
	}
	key := kb.String()
	if v, ok := c.supports[key]; ok {
		return v.cites, v.ok
	}
	cites, ok := c.findSupport(claim, explicit, candidates)
	c.supports[key] = supported{cites, ok}
	return cites, ok
}

func (c *checker) findSupport(claim string, explicit, candidates []int) ([]int, bool) {
	var cites []int
	checked := false
	if c.factsOf(c.plainOf(claim)).thin() {
		return nil, false // nothing to check
	}
	var parts []string
	for _, piece := range splitAtInnerMarkers(claim) {
		parts = append(parts, c.clauses(c.plainOf(piece))...)
	}
	for _, clause := range parts {
		f := c.factsOf(clause)
		if f.empty() {
			continue
		}
		if mayBeGap(clause) && gapRE.MatchString(strings.TrimSpace(clause)) {
			if !c.gapHolds(clause) {
				return nil, false
			}
			continue
		}
		checked = true
		var found []int
		add := func(n int, usedBefore bool) {
			found = append(found, n)
			if usedBefore {
				found = append(found, c.sources[n-1].before)
			}
		}
		for _, n := range explicit {
			if _, ok, ub := c.sources[n-1].supportOf(f, c.minSupport, c.weight); ok {
				add(n, ub)
			}
		}
		if len(found) == 0 && len(f.numbers) > 0 {
			// A sentence the model cited says the same but for the figure:
			// the figure is wrong, and another sentence that has it is
			// about something else.
			nf := f
			nf.numbers = nil
			for _, n := range explicit {
				if _, ok, _ := c.sources[n-1].supportOf(nf, c.minSupport, c.weight); ok {
					return nil, false
				}
			}
		}
		for _, pool := range [][]int{candidates, nil} {
			if len(found) > 0 {
				break
			}
			best, bestScore, bestUB := 0, -1.0, false
			for n := 1; n <= len(c.sources); n++ {
				if pool != nil && !slices.Contains(pool, n) {
					continue
				}
				if score, ok, ub := c.sources[n-1].supportOf(f, c.minSupport, c.weight); ok && score > bestScore {
					best, bestScore, bestUB = n, score, ub
				}
			}
			if best > 0 {
				add(best, bestUB)
			}
		}
		if len(found) == 0 {
			return nil, false
		}
		for _, n := range found {
			if !slices.Contains(cites, n) {
				cites = append(cites, n)
			}
		}
	}
	// Keep the model's order for the markers it wrote.
	slices.SortStableFunc(cites, func(a, b int) int {
		ia, ib := slices.Index(explicit, a), slices.Index(explicit, b)
		if ia < 0 {
			ia = len(explicit)
		}
		if ib < 0 {
			ib = len(explicit)
		}
		return ia - ib
	})
	return cites, checked
}

// lower reports a word that the evidence has in lower case.
func (c *checker) lower(w string) bool {
	for _, s := range c.sources {
		if s.terms[w]&termLower != 0 {
			return true
		}
	}
	return false
}

// known reports a name or number that the question or the evidence has.
func (c *checker) known(n string) bool {
	for _, s := range c.sources {
		if s.name(n) || s.numbers[n] {
			return true
		}
	}
	for _, t := range tokens(c.question) {
		if t.number == n || nameNorm(t.text) == n {
			return true
		}
	}
	return false
}

// factsOf is factsOf for the evidence given, kept.
func (c *checker) factsOf(s string) facts {
	f, ok := c.facts[s]
	if !ok {
		f = factsOf(s, c.lower)
		c.facts[s] = f
	}
	return f
}

// weight is the weight of a content word in the support check: its
// inverse document frequency over the evidence given.
func (c *checker) weight(w string) float64 {
	return math.Log(1 + c.n/float64(c.df[w]+1))
}

// closed reports whether nothing more can come in block: the reply is
// whole, or a later block has begun.
func (c *checker) closed(block int, final bool) bool {
	return final || c.nextBlock >= 0 && c.nextBlock != block
}

// splitAtInnerMarkers cuts a sentence after each marker that the sentence
// goes on after: each part is supported by its own markers.
func splitAtInnerMarkers(s string) []string {
	var out []string
	start := 0
	for _, loc := range innerMarkerRE.FindAllStringIndex(s, -1) {
		_, size := utf8.DecodeLastRuneInString(s[:loc[1]])
		cut := loc[1] - size
		out = append(out, s[start:cut])
		start = cut
	}
	return append(out, s[start:])
}

// clauses cuts a claim into the clauses that must each be supported by one
// evidence sentence: at semicolons, dashes, ", and", ", but", ", while"...,
// and at "and", "but" or "while" before a new verb ("... and warned that
// ..."). Quotations are never cut.
func (c *checker) clauses(s string) []string {
	punct := strings.ContainsAny(s, ";–—") || strings.Contains(s, ", ")
	conj := strings.Contains(s, " and ") || strings.Contains(s, " but ") || strings.Contains(s, " while ") || strings.Contains(s, " whereas ")
	if !punct && !conj {
		return []string{s}
	}
	m := maskQuotes(s)
	var cuts [][2]int
	// cut records a cut of m[i:j], widened over the spaces around it.
	cut := func(i, j int) {
		for i > 0 && m[i-1] == ' ' {
			i--
		}
		for j < len(m) && m[j] == ' ' {
			j++
		}
		cuts = append(cuts, [2]int{i, j})
	}
	for i := 0; i < len(m); i++ {
		switch {
		case m[i] == ';':
			cut(i, i+1)
		case punct && m[i] == ',' && i+1 < len(m) && m[i+1] == ' ':
			w := nextWord(m[i+2:])
			switch w {
			case "and", "but", "while", "whereas", "although", "though", "yet":
				cut(i, i+2+len(w))
			case "as":
				if strings.HasPrefix(m[i+2:], "as well as ") {
					cut(i, i+2+len("as well as"))
				}
			}
		case m[i] == ' ' && (strings.HasPrefix(m[i:], " – ") || strings.HasPrefix(m[i:], " — ")):
			cut(i, i+len(" – "))
		case conj && m[i] == ' ' && i > 0 && m[i-1] != ',':
			w := nextWord(m[i+1:])
			switch w {
			case "and", "but", "while", "whereas":
				rest := m[i+1+len(w):]
				if strings.HasPrefix(rest, " ") && newPredicate(nextWord(rest[1:])) {
					cut(i, i+1+len(w))
				}
			}
		}
	}
	if len(cuts) == 0 {
		return []string{s}
	}
	slices.SortFunc(cuts, func(a, b [2]int) int { return a[0] - b[0] })
	var out []string
	start := 0
	for _, cut := range cuts {
		if cut[0] < start {
			continue
		}
		out = c.appendClause(out, s[start:cut[0]])
		start = cut[1]
	}
	return c.appendClause(out, s[start:])
}

// appendClause adds a clause, or joins it to the one before when it is too
// thin to check on its own ("Clinton, Lavrov, and Medvedev met").
func (c *checker) appendClause(out []string, cl string) []string {
	if len(out) > 0 && c.factsOf(cl).thin() {
		out[len(out)-1] += " " + cl
		return out
	}
	if len(out) == 1 && c.factsOf(out[0]).thin() {
		out[0] += " " + cl
		return out
	}
	return append(out, cl)
}

// nextWord returns the lower-case ASCII word that s starts with.
func nextWord(s string) string {
	i := 0
	for i < len(s) && s[i] >= 'a' && s[i] <= 'z' {
		i++
	}
	return s[:i]
}

// newPredicate reports a word that starts a new clause after "and": a
// pronoun subject, or a verb in the past tense.
func newPredicate(w string) bool {
	switch w {
	case "he", "she", "they", "it", "also", "later", "then", "said", "told", "warned", "added", "urged", "insisted", "vowed", "hailed", "praised", "stressed", "noted", "called", "rejected", "agreed", "refused", "threatened", "promised", "claimed", "denied":
		return true
	}
	return len(w) > 4 && strings.HasSuffix(w, "ed")
}

// maskQuotes returns s with the text inside its double quotations replaced
// byte for byte by x, so that patterns cannot match inside them.
func maskQuotes(s string) string {
	b := []byte(s)
	in := false
	for i, r := range s {
		switch r {
		case '“', '«', '„', '「', '『':
			in = true
			continue
		case '”', '»', '」', '』':
			in = false
			continue
		case '"':
			in = !in
			continue
		}
		if in {
			for k := i; k < i+utf8.RuneLen(r); k++ {
				b[k] = 'x'
			}
		}
	}
	return string(b)
}

// gapHolds reports whether a sentence saying what the evidence does not
// say may be shown: it names nothing that neither the question nor the
// evidence names, and no evidence sentence says what it says is missing.
func (c *checker) gapHolds(s string) bool {
	f := factsOf(s, c.lower)
	for _, n := range append(f.names, f.numbers...) {
		if !c.known(n) && !c.known(strings.TrimSuffix(n, "s")) {
			return false
		}
	}
	m := gapTopicRE.FindStringSubmatch(s)
	if m == nil {
		return true
	}
	topic := factsOf(m[1], c.lower)
	if len(topic.content)+len(topic.names) < 2 {
		return true
	}
	for _, src := range c.sources {
		if score, ok, _ := src.supportOf(topic, 0.75, c.weight); ok && score >= 0.75 {
			return false
		}
	}
	return true
}

// render writes a kept sentence: its markers renumbered (and moved to its
// end when the checker chose them), links not cited removed.
func (c *checker) render(it *item) string {
	s := it.text
	allowed := map[string]bool{}
	for _, n := range it.cites {
		if u := c.evidence[n-1].URL; u != "" {
			allowed[strings.TrimRight(u, "/")] = true
		}
	}
	// Links first, while markers are still in their original form.
	if strings.Contains(s, "](") {
		s = markdownLinkRE.ReplaceAllStringFunc(s, func(m string) string {
			sub := markdownLinkRE.FindStringSubmatch(m)
			if !allowed[strings.TrimRight(sub[2], "/")] && sub[2] != "" {
				c.removed.Links++
			}
			return sub[1]
		})
	}
	s = replaceURLs(s, func(u string) string {
		bare := strings.TrimRight(strings.Trim(u, "<>"), ".,;:!?)")
		tail := strings.Trim(u, "<>")[len(bare):]
		if allowed[strings.TrimRight(bare, "/")] {
			return bare + tail
		}
		c.removed.Links++
		return tail
	})
	switch {
	case it.kind != kindClaim:
		s = markerRE.ReplaceAllString(s, "")
		if it.kind == kindGap {
			s = gapSubjectRE.ReplaceAllString(s, "The coverage ")
		}
	case it.recited:
		s = appendMarkers(markerRE.ReplaceAllString(s, ""), c.numbers(it.cites))
	default:
		s = markerRE.ReplaceAllStringFunc(s, func(m string) string {
			var b strings.Builder
			for _, n := range markerNumbers(m) {
				if slices.Contains(it.cites, n) {
					b.WriteString("[" + strconv.Itoa(c.number(n)) + "]")
				}
			}
			return b.String()
		})
	}
	return tidy(s)
}

// tidy removes the spaces and empty parentheses that removals leave.
func tidy(s string) string {
	if strings.Contains(s, "(") {
		s = emptyParensRE.ReplaceAllString(s, "")
	}
	if strings.Contains(s, "  ") || strings.Contains(s, "\t") {
		s = spacesRE.ReplaceAllString(s, " ")
	}
	return strings.TrimSpace(dropSpaceBeforePunct(s))
}

// dropSpaceBeforePunct removes the spaces a removal left before
// punctuation: "said [7]." becomes "said.".
func dropSpaceBeforePunct(s string) string {
	var b strings.Builder
	last := 0
	for i := 0; i < len(s); i++ {
		if s[i] != ' ' {
			continue
		}
		j := i
		for j < len(s) && s[j] == ' ' {
			j++
		}
		if j < len(s) && strings.IndexByte(".,;:!?", s[j]) >= 0 {
			b.WriteString(s[last:i])
			last = j
		}
		i = j - 1
	}
	if last == 0 {
		return s
	}
	b.WriteString(s[last:])
	return b.String()
}

// replaceURLs is urlRE.ReplaceAllStringFunc, when s may hold a link.
func replaceURLs(s string, f func(string) string) string {
	if !strings.Contains(s, "://") && !strings.Contains(s, "www.") && !strings.Contains(s, "WWW.") {
		return s
	}
	return urlRE.ReplaceAllStringFunc(s, f)
}

// cjkJoin reports whether two sentences meet without a space: a CJK
// sentence after a CJK full stop.
func cjkJoin(before, next string) bool {
	n, _ := utf8.DecodeRuneInString(next)
	if !isCJK(n) {
		return false
	}
	before = before[max(0, len(before)-64):]
	r, _ := utf8.DecodeLastRuneInString(markerTailRE.ReplaceAllString(before, ""))
	return strings.ContainsRune("。！？」』”", r)
}

// number returns the citation number of evidence n, giving it the next one
// when it is new.
func (c *checker) number(n int) int {
	k, ok := c.renum[n]
	if !ok {
		k = len(c.order) + 1
		c.renum[n] = k
		c.order = append(c.order, n)
	}
	return k
}

func (c *checker) numbers(ns []int) []int {
	out := make([]int, len(ns))
	for i, n := range ns {
		out[i] = c.number(n)
	}
	return out
}

// appendMarkers puts markers at the end of a sentence, before its full
// stop ("Lavrov objected [1].") or after its closing quotation mark.
func appendMarkers(s string, ks []int) string {
	var m strings.Builder
	for _, k := range ks {
		m.WriteString("[" + strconv.Itoa(k) + "]")
	}
	s = tidy(s)
	trail := ""
	for {
		r, size := utf8.DecodeLastRuneInString(s)
		if size == 0 || !strings.ContainsRune(".!?。！？", r) {
			break
		}
		trail, s = s[len(s)-size:]+trail, s[:len(s)-size]
	}
	switch {
	case trail == "":
		return s + " " + m.String()
	case strings.ContainsAny(trail, "。！？"):
		return s + m.String() + trail
	}
	return strings.TrimRight(s, " ") + " " + m.String() + trail
}

// markerNumbers returns the numbers a marker names, ranges expanded (at
// most 20 numbers: a range is a short run of sentences, not a way to cite
// everything).
func markerNumbers(m string) []int {
	m = strings.Trim(m, "[] ")
	var out []int
	for _, part := range markerSepRE.Split(m, -1) {
		lo, hi, isRange := strings.Cut(strings.ReplaceAll(part, "–", "-"), "-")
		a, err := strconv.Atoi(strings.TrimSpace(lo))
		if err != nil {
			continue
		}
		b := a
		if isRange {
			if b, err = strconv.Atoi(strings.TrimSpace(hi)); err != nil || b < a || b-a > 20 {
				b = a
			}
		}
		for n := a; n <= b; n++ {
			out = append(out, n)
		}
	}
	return out
}

// stableText returns the checked text of the part of a reply still
// arriving that nothing after it can change: its complete sentences (all
// but the last, which may grow, unless whole says every sentence given is
// complete, as a structured reply's are), less those whose fate waits on a
// later sentence (a paragraph whose markers may come at its end).
func (c *checker) stableText(reply string, whole bool) string {
	units := parseReply(reply, c.evidence, !whole, c.blocks)
	known := len(units)
	if !whole {
		known--
	}
	if known <= 0 {
		return ""
	}
	var key strings.Builder
	for _, u := range units[:known] {
		key.WriteString(u.text)
		key.WriteString(strconv.Itoa(u.block))
	}
	if known < len(units) {
		key.WriteString("|" + strconv.Itoa(units[known].block))
	}
	if key.String() != c.stableKey {
		c.stableKey = key.String()
		c.stable = c.run(units, known, false)
	}
	return c.stable
}
