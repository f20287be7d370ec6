// Command train learns the weights of the sentence ranking and of the
// answerability model (see corpus/index/search.go and answerable.go) from
// the shared training sets, and writes them to corpus/index/weights.go:
//
//	go run ./corpus/index/train [-shared ../shared] [-out corpus/index/weights.go]
//
// It takes a few minutes on two cores. The data, all from ../shared, never
// trecqa-dev (the check):
//
//   - trecqa-train: TREC questions over one-sentence articles, the gold
//     sentences judged by people;
//   - realtimeqa-2022a: news-quiz questions over whole articles, the gold
//     the sentence that best matches the quiz's explanation, and an answer
//     string;
//   - attribution-said: questions made from the attribution set's
//     hand-annotated "who said what" (PolNeAR): "What did <source's
//     surname> say about <a word of what they said>?", the gold every
//     sentence holding an annotated content of that source with that word.
//     Short questions about a named person over whole articles: what people
//     ask of news coverage, and what the quiz questions are not.
//
// The ranker: a candidate is relevant when it hits a gold sentence (as
// score.py counts a hit) or holds the answer string in the gold article.
// It is a pairwise logistic ranker (each relevant candidate against the
// others of its pool, at most -negatives of them, each question weighing
// the same within its set, each set the same) with one weight vector for sentences with an article around
// them and one for sentences alone, each L2-penalised, the two penalties
// picked by 5-fold cross-validation over questions on the mean over sets of
// MRR@10, Hit@5 and, for sets with answer strings, the answer in the top
// sentence; the weights are the fit on all the questions averaged with the
// fits of the cross-validation's folds (bagging, for steadier weights from
// few questions). The weights of features that say "more of the question is
// matched" are held non-negative (nonNegative), so that a feature seen
// rarely, or one collinear with others, cannot learn that a match hurts.
//
// The answerability model: the top candidate of each question asked of
// its own articles (answerable), of the other sets' articles, of
// Reuters-21578 and of the built-in coverage (not answerable: the wrong
// corpus), and of its own articles with the relevant sentences taken out
// (not answerable, weighed by -hard: the same story, not the answer). A
// logistic regression (the weights of "more is better" features held
// non-negative, answerNonNegative), its penalty picked by cross-validation; its
// intercept then moved so that 0.5 is the operating point picked on the
// out-of-fold predictions: the highest margin that declines at most
// -maxdecline of the answerable questions.
//
// It prints the cross-validated figures and the threshold's trade-off,
// which the README reports.
package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"go/format"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"unicode"

	"github.com/newsbot-dev/newsbot/corpus"
	"github.com/newsbot-dev/newsbot/corpus/builtin"
	"github.com/newsbot-dev/newsbot/corpus/eval"
	"github.com/newsbot-dev/newsbot/corpus/index"
	"github.com/newsbot-dev/newsbot/corpus/load"
)

// options are the command's flags.
type options struct {
	shared, out, dump, debug string
	folds, negatives, said   int
	hard, maxDecline         float64
}

func main() {
	var o options
	flag.StringVar(&o.shared, "shared", "../shared", "the shared directory: eval/ and bench/")
	flag.StringVar(&o.out, "out", "corpus/index/weights.go", "the Go file to write the weights to; - for none")
	flag.IntVar(&o.folds, "folds", 5, "cross-validation folds")
	flag.IntVar(&o.negatives, "negatives", 80, "negatives per question in the ranker's pairs: the best by the first stage, then a random sample")
	flag.IntVar(&o.said, "said", 150, "questions to make from the attribution set")
	flag.Float64Var(&o.hard, "hard", 0.5, "weight of a same-story negative (the answers taken out) against a wrong-corpus one")
	flag.Float64Var(&o.maxDecline, "maxdecline", 0.06, "the share of answerable training questions the operating point may decline")
	flag.StringVar(&o.dump, "dump", "", "write the answerability examples to this TSV file, for study")
	flag.StringVar(&o.debug, "debug", "", "print the questions of this set whose first relevant sentence is ranked below 2, and stop")
	background := flag.String("background", "", "instead of training, write the background frequencies to this Go file (corpus/index/background.go)")
	flag.Parse()
	if *background != "" {
		if err := writeBackground(o.shared, *background); err != nil {
			fmt.Fprintln(os.Stderr, "train:", err)
			os.Exit(1)
		}
		return
	}
	if err := run(o); err != nil {
		fmt.Fprintln(os.Stderr, "train:", err)
		os.Exit(1)
	}
}

// set is a question set over its articles.
type set struct {
	name      string
	questions []eval.Question
	ix        *index.Index
}

// question is one training question asked of its own articles.
type question struct {
	set   string
	q     eval.Question
	fold  int
	cands []index.Candidate
	rel   []bool // relevant: gold, or the answer string in a gold article
	gold  []bool // hits a gold sentence
	ans   []bool // holds the answer string
	// pairs are the ranker's (relevant, other) pairs of candidates.
	pairs [][2]int
}

func run(o options) error {
	sets, wrong, err := loadData(o)
	if err != nil {
		return err
	}
	rng := rand.New(rand.NewPCG(1, 2))
	var qs []*question
	for _, s := range sets {
		perm := rng.Perm(len(s.questions))
		n, inPool := 0, 0
		for i, q := range s.questions {
			tq := &question{set: s.name, q: q, fold: perm[i] % o.folds}
			if p := s.ix.Explain(q.Question); p != nil {
				tq.cands = p.Candidates
			}
			label(tq)
			tq.pairs = pairs(tq, o.negatives, rng)
			qs = append(qs, tq)
			n++
			if slicesContains(tq.gold, true) {
				inPool++
			}
		}
		fmt.Printf("%s: %d questions, a gold sentence in the pool for %d\n", s.name, n, inPool)
	}

	rw := trainRanker(qs, o)
	if o.debug != "" {
		debugRank(qs, rw, o.debug)
		return nil
	}
	aw, err := trainAnswerability(qs, sets, wrong, rw, o)
	if err != nil || o.out == "-" {
		return err
	}
	return writeWeights(o.out, searchWeights(rw), aw)
}

// loadData loads the training sets and the corpora asked as the wrong
// ones: every set's articles, Reuters-21578 and the built-in coverage.
func loadData(o options) ([]*set, map[string]*index.Index, error) {
	var sets []*set
	for _, name := range []string{"trecqa-train", "realtimeqa-2022a"} {
		dir := filepath.Join(o.shared, "eval", name)
		arts, err := loadArticles(filepath.Join(dir, "articles.jsonl.gz"))
		if err != nil {
			return nil, nil, err
		}
		qs, err := eval.LoadQuestions(filepath.Join(dir, "questions.jsonl"))
		if err != nil {
			return nil, nil, err
		}
		sets = append(sets, &set{name: name, questions: qs, ix: index.Build(arts)})
	}
	if o.said > 0 {
		said, err := saidSet(filepath.Join(o.shared, "eval", "attribution"), o.said)
		if err != nil {
			return nil, nil, err
		}
		sets = append(sets, said)
	}

	wrong := map[string]*index.Index{}
	for _, s := range sets {
		wrong[s.name] = s.ix
	}
	arts, err := loadArticles(filepath.Join(o.shared, "bench", "reuters21578.jsonl.gz"))
	if err != nil {
		return nil, nil, err
	}
	wrong["reuters21578"] = index.Build(arts)
	bi, err := builtinArticles()
	if err != nil {
		return nil, nil, err
	}
	wrong["builtin"] = index.Build(bi)
	return sets, wrong, nil
}

// saidSet makes questions from the attribution set: for up to n
// attributions (one per article, in a fixed random order) whose source is
// named, "What did <surname> say about <topic>?", topic the word of the
// content (not capitalised, five letters or more, not a stop word) that
// the article uses most. Its gold is the content of every attribution of
// the article whose source has that surname and whose content has that
// word.
func saidSet(dir string, n int) (*set, error) {
	arts, err := loadArticles(filepath.Join(dir, "articles.jsonl.gz"))
	if err != nil {
		return nil, err
	}
	byID := map[string]corpus.Article{}
	for _, a := range arts {
		byID[a.ID] = a
	}
	type attribution struct {
		Source, Cue, Content []annSpan
	}
	f, err := os.Open(filepath.Join(dir, "attributions.jsonl"))
	if err != nil {
		return nil, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 1<<20), 64<<20)
	var qs []eval.Question
	for sc.Scan() {
		var rec struct {
			Article      string
			Attributions []attribution
		}
		if err := json.Unmarshal(sc.Bytes(), &rec); err != nil {
			return nil, fmt.Errorf("attributions: %w", err)
		}
		a, ok := byID[rec.Article]
		if !ok {
			continue
		}
		body := strings.ToLower(a.Body)
		var cands []eval.Question
		for _, at := range rec.Attributions {
			surname := surnameOf(at.Source)
			if surname == "" || len(at.Content) == 0 {
				continue
			}
			topic := topicOf(at.Content, body)
			if topic == "" {
				continue
			}
			q := eval.Question{QID: fmt.Sprintf("said-%s-%d", rec.Article, len(cands)), Question: fmt.Sprintf("What did %s say about %s?", surname, topic)}
			for _, other := range rec.Attributions {
				if surnameOf(other.Source) != surname {
					continue
				}
				for _, c := range other.Content {
					if strings.Contains(strings.ToLower(c.Text), topic) {
						q.Gold = append(q.Gold, eval.Span{Article: a.ID, Start: c.Start, End: c.End, Text: c.Text})
					}
				}
			}
			cands = append(cands, q)
		}
		if len(cands) > 0 {
			// One question per article, the same one each run.
			qs = append(qs, cands[int(hash(rec.Article)%uint64(len(cands)))])
		}
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	rng := rand.New(rand.NewPCG(3, 4))
	rng.Shuffle(len(qs), func(i, j int) { qs[i], qs[j] = qs[j], qs[i] })
	if len(qs) > n {
		qs = qs[:n]
	}
	return &set{name: "attribution-said", questions: qs, ix: index.Build(arts)}, nil
}

// surnameOf is the last capitalised word of a source ("Hillary Clinton",
// "Sen. Ted Cruz's campaign" gives "Cruz"), "" when it names no one.
func surnameOf(source []annSpan) string {
	var last string
	for _, s := range source {
		for _, w := range strings.Fields(s.Text) {
			w = strings.TrimRight(strings.TrimSuffix(strings.TrimSuffix(w, "’s"), "'s"), ".,;:”\"’)")
			if len(w) < 2 {
				continue
			}
			r := []rune(w)
			if !unicode.IsUpper(r[0]) || !unicode.IsLower(r[len(r)-1]) {
				continue
			}
			switch strings.ToLower(w) {
			case "he", "she", "they", "it", "we", "i", "the", "his", "her", "a", "an", "mr", "mrs", "ms", "sen", "rep", "gov", "president", "senator":
				continue
			}
			last = w
		}
	}
	return last
}

// annSpan is an annotated span of the attribution set.
type annSpan struct {
	Start, End int
	Text       string
}

// topicOf is the word of the content that the article uses most: not
// capitalised, five letters or more, not a stop word; "" for none used
// twice.
func topicOf(content []annSpan, body string) string {
	best, bestN := "", 1
	for _, c := range content {
		for _, w := range strings.FieldsFunc(c.Text, func(r rune) bool { return !unicode.IsLetter(r) }) {
			if len(w) < 5 || !unicode.IsLower([]rune(w)[0]) || isStop(w) {
				continue
			}
			if n := strings.Count(body, w); n > bestN {
				best, bestN = w, n
			}
		}
	}
	return best
}

// isStop reports common words that make no topic.
func isStop(w string) bool {
	switch w {
	case "about", "there", "their", "would", "could", "should", "which", "these", "those", "because", "being",
		"other", "after", "before", "where", "while", "going", "think", "really", "people", "things", "thing",
		"still", "every", "never", "always", "something", "anything", "nothing", "through", "whether", "again":
		return true
	}
	return false
}

// hash is FNV-1a, for a fixed choice per article.
func hash(s string) uint64 {
	h := uint64(14695981039346656037)
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= 1099511628211
	}
	return h
}

// label marks the relevant candidates of q.
func label(q *question) {
	q.rel = make([]bool, len(q.cands))
	q.gold = make([]bool, len(q.cands))
	q.ans = make([]bool, len(q.cands))
	goldArt := map[string]bool{}
	for _, g := range q.q.Gold {
		goldArt[g.Article] = true
	}
	for i, c := range q.cands {
		r := eval.Span{Article: c.Article.ID, Start: c.Start, End: c.End}
		for _, g := range q.q.Gold {
			if eval.Hits(r, g) {
				q.gold[i] = true
			}
		}
		q.ans[i] = q.q.Answer != "" && eval.AnswerIn(q.q.Answer, c.Text())
		q.rel[i] = q.gold[i] || (q.ans[i] && goldArt[c.Article.ID])
	}
}

// pairs are q's (relevant, other) pairs: every relevant candidate against
// at most n others, the best n*3/4 by the first stage and a random sample
// of the rest.
func pairs(q *question, n int, rng *rand.Rand) [][2]int {
	var pos, neg []int
	for i, r := range q.rel {
		if r {
			pos = append(pos, i)
		} else {
			neg = append(neg, i)
		}
	}
	if len(neg) > n {
		sort.SliceStable(neg, func(a, b int) bool { return q.cands[neg[a]].Features[0] > q.cands[neg[b]].Features[0] })
		top := n * 3 / 4
		rest := neg[top:]
		rng.Shuffle(len(rest), func(i, j int) { rest[i], rest[j] = rest[j], rest[i] })
		neg = neg[:n]
	}
	var out [][2]int
	for _, p := range pos {
		for _, m := range neg {
			out = append(out, [2]int{p, m})
		}
	}
	return out
}

// The ranker's weights are one vector of 2*NumFeatures: those for
// sentences with an article around them, then those for sentences alone
// (index.Candidate.Alone).

// rankX is a candidate's features in the ranker's vector: in the block of
// its kind, the other block 0; and in place of nbr, sent+nbr. The weights
// of sent and of sent+nbr are both held non-negative, so that in Search's
// terms (see searchWeights) the weight of nbr is at most that of sent:
// being next to the sentence that matches best counts no more than being
// it.
func rankX(c index.Candidate) []float64 {
	z := make([]float64, 2*index.NumFeatures)
	off := 0
	if c.Alone {
		off = index.NumFeatures
	}
	copy(z[off:], c.Features[:])
	z[off+fNbr] += z[off+fSent]
	return z
}

// searchWeights turns the fitted weights (on rankX's features) into the
// weights Search applies to the features themselves.
func searchWeights(w []float64) []float64 {
	out := append([]float64(nil), w...)
	for off := 0; off < len(w); off += index.NumFeatures {
		out[off+fSent] += w[off+fNbr]
	}
	return out
}

// fSent and fNbr are the places of sent and nbr among the features.
var fSent, fNbr = featureIndex("sent"), featureIndex("nbr")

func featureIndex(name string) int {
	for i, n := range index.FeatureNames() {
		if n == name {
			return i
		}
	}
	panic("no feature " + name)
}

// nonNegative reports the ranking features whose weights are held at 0 or
// above: all but those of a sentence's shape (ask, echo, short). Each of
// the others says that more of the question is matched, by the sentence,
// its context, its article or its neighbours, or that the sentence holds
// the kind of answer asked for, or where it stands (lead, pos, which scale
// with the match): such a feature may not learn that more of it hurts,
// which collinear features (sent, cov, own, surp all measure the match)
// and rare ones (title) otherwise do.
func nonNegative(name string) bool {
	switch name {
	case "ask", "echo", "short":
		return false
	}
	return true
}

// trainRanker picks the two penalties by cross-validation and fits the
// ranker on all the questions.
func trainRanker(qs []*question, o options) []float64 {
	type hyper struct{ article, alone float64 }
	grid := []float64{1e-4, 1e-3, 1e-2}
	var best hyper
	bestV := -1.0
	fmt.Println("\nranker, cross-validated (by question):")
	for _, la := range grid {
		for _, ls := range grid {
			h := hyper{la, ls}
			var fs []figures
			for f := range o.folds {
				w := fitRanker(qs, func(q *question) bool { return q.fold != f }, h.article, h.alone)
				for _, q := range qs {
					if q.fold == f {
						fs = append(fs, evalRank(q, w))
					}
				}
			}
			v := summarise(fmt.Sprintf("  penalty %g with an article, %g alone", la, ls), fs)
			if v > bestV {
				best, bestV = h, v
			}
		}
	}
	// The weights: the fit on all the questions averaged with the fits on
	// each fold's complement (bagging), which steadies weights learned
	// from a few dozen questions a set.
	w := fitRanker(qs, func(*question) bool { return true }, best.article, best.alone)
	for f := range o.folds {
		wf := fitRanker(qs, func(q *question) bool { return q.fold != f }, best.article, best.alone)
		for i := range w {
			w[i] += wf[i]
		}
	}
	for i := range w {
		w[i] /= float64(o.folds + 1)
	}
	fmt.Printf("chosen penalties %g with an article, %g alone; weights (averaged over the full fit and the %d fold fits):\n", best.article, best.alone, o.folds)
	n := index.NumFeatures
	sw := searchWeights(w)
	for i, name := range index.FeatureNames() {
		fmt.Printf("  %-8s %+7.3f %+7.3f\n", name, sw[i], sw[n+i])
	}
	var all []figures
	for _, q := range qs {
		all = append(all, evalRank(q, w))
	}
	summarise("  on the training questions", all)
	return w
}

// fitRanker fits the pairwise ranker on the questions use accepts.
func fitRanker(qs []*question, use func(*question) bool, lambdaArticle, lambdaAlone float64) []float64 {
	// Each set weighs the same, however many questions it has.
	perSet := map[string]float64{}
	for _, q := range qs {
		if use(q) && len(q.pairs) > 0 {
			perSet[q.set]++
		}
	}
	var data []sample
	for _, q := range qs {
		if !use(q) || len(q.pairs) == 0 {
			continue
		}
		xs := make([][]float64, len(q.cands))
		x := func(i int) []float64 {
			if xs[i] == nil {
				xs[i] = rankX(q.cands[i])
			}
			return xs[i]
		}
		c := 1 / float64(len(q.pairs)) / perSet[q.set]
		for _, p := range q.pairs {
			a, b := x(p[0]), x(p[1])
			z := make([]float64, len(a))
			for f := range z {
				z[f] = a[f] - b[f]
			}
			data = append(data, sample{z: z, y: 1, c: c})
		}
	}
	n := index.NumFeatures
	pen := make([]float64, 2*n)
	nonneg := make([]bool, 2*n)
	for i, name := range index.FeatureNames() {
		pen[i], pen[n+i] = lambdaArticle, lambdaAlone
		nonneg[i], nonneg[n+i] = nonNegative(name), nonNegative(name)
	}
	return fitLogistic(data, pen, nonneg)
}

// figures are one question's ranking figures.
type figures struct {
	set                        string
	rr, hit1, hit5, ans1, ans2 float64
	hasAns                     bool
}

// evalRank ranks q's pool with w as Search does and returns its figures.
func evalRank(q *question, w []float64) figures {
	f := figures{set: q.set, hasAns: q.q.Answer != ""}
	for i, c := range ranked(q.cands, w, nil) {
		if i == 10 {
			break
		}
		if q.gold[c] && f.rr == 0 {
			f.rr = 1 / float64(i+1)
			if i == 0 {
				f.hit1 = 1
			}
			if i < 5 {
				f.hit5 = 1
			}
		}
		if q.ans[c] && i < 2 {
			if i == 0 {
				f.ans1 = 1
			}
			f.ans2 = 1
		}
	}
	return f
}

// summarise prints the figures per set and returns the selection value:
// the mean over sets of the mean of MRR@10, Hit@5 and, for sets with answer
// strings, the answer in the top sentence.
func summarise(label string, fs []figures) float64 {
	type agg struct{ n, rr, h1, h5, a1, a2, na float64 }
	by := map[string]*agg{}
	var sets []string
	for _, f := range fs {
		a := by[f.set]
		if a == nil {
			a = &agg{}
			by[f.set] = a
			sets = append(sets, f.set)
		}
		a.n++
		a.rr += f.rr
		a.h1 += f.hit1
		a.h5 += f.hit5
		if f.hasAns {
			a.na++
			a.a1 += f.ans1
			a.a2 += f.ans2
		}
	}
	sort.Strings(sets)
	var v float64
	fmt.Printf("%s:\n", label)
	for _, s := range sets {
		a := by[s]
		fmt.Printf("    %-17s MRR@10 %.3f Hit@1 %.3f Hit@5 %.3f", s, a.rr/a.n, a.h1/a.n, a.h5/a.n)
		if a.na > 0 {
			fmt.Printf(" answer in the top 1 %.3f, top 2 %.3f", a.a1/a.na, a.a2/a.na)
			v += (a.rr/a.n + a.h5/a.n + a.a1/a.na) / 3
		} else {
			v += (a.rr/a.n + a.h5/a.n) / 2
		}
		fmt.Println()
	}
	return v / float64(len(sets))
}

// ranked returns the candidates' indexes best first under w, one per text,
// leaving out those marked in skip, as Search ranks: the RerankDepth best
// by the features that need no sentence's words, ordered by all of them,
// then the rest.
func ranked(cs []index.Candidate, w []float64, skip []bool) []int {
	type sc struct {
		i           int
		cheap, full float64
	}
	var all []sc
	n := index.NumFeatures
	for i, c := range cs {
		if skip != nil && skip[i] {
			continue
		}
		var cheap, full float64
		for j, v := range rankX(c) {
			full += w[j] * v
			if j%n < index.FirstWordFeature {
				cheap += w[j] * v
			}
		}
		all = append(all, sc{i, cheap, full})
	}
	// Ties as Search breaks them: the earlier sentence first (the pool is
	// in sentence order).
	sort.SliceStable(all, func(a, b int) bool { return all[a].cheap > all[b].cheap })
	head := all[:min(index.RerankDepth, len(all))]
	sort.SliceStable(head, func(a, b int) bool { return head[a].full > head[b].full })
	seen := map[string]bool{}
	var out []int
	for _, x := range all {
		t := cs[x.i].Text()
		if seen[t] {
			continue
		}
		seen[t] = true
		out = append(out, x.i)
	}
	return out
}

// answerExample is one example of the answerability model: the top
// candidate of a question asked of some corpus.
type answerExample struct {
	x    []float64 // its answerability features and the intercept's 1; nil when nothing was retrieved
	y    float64   // 1 answerable, -1 not
	c    float64   // weight
	fold int
	kind string // "own", "hard" or the wrong corpus's name
	set  string
	qid  string
	text string
}

// answerNonNegative are the answerability features whose weights are held
// at 0 or above: more of the question matched, the answer of the kind
// asked for, what the question names found.
var answerNonNegative = map[string]bool{
	"cov": true, "own": true, "ent": true, "evt": true, "subj": true, "topic": true, "artcov": true, "artent": true,
	"atype": true, "entfound": true, "bestart": true, "typeok": true, "evtany": true,
}

// trainAnswerability makes the examples, picks the penalty by
// cross-validation, fits the model on all of them, prints the threshold's
// trade-off and returns the weights, the intercept moved to the operating
// point.
func trainAnswerability(qs []*question, sets []*set, wrong map[string]*index.Index, rw []float64, o options) ([]float64, error) {
	var exs []answerExample
	for _, q := range qs {
		if top, ok := topOf(q.cands, rw, nil); ok {
			exs = append(exs, answerExample{x: answerX(q.cands[top]), y: 1, c: 1, kind: "own"})
		}
		if top, ok := topOf(q.cands, rw, q.rel); ok {
			exs = append(exs, answerExample{x: answerX(q.cands[top]), y: -1, c: o.hard, kind: "hard"})
		}
		for _, name := range sortedKeys(wrong) {
			if name == q.set {
				continue
			}
			e := answerExample{y: -1, c: 1, kind: name}
			if p := wrong[name].Explain(q.q.Question); p != nil {
				if top, ok := topOf(p.Candidates, rw, nil); ok {
					e.x, e.text = answerX(p.Candidates[top]), p.Candidates[top].Text()
				}
			}
			exs = append(exs, e)
		}
		for i := len(exs) - 1; i >= 0 && exs[i].qid == ""; i-- {
			exs[i].fold, exs[i].set, exs[i].qid = q.fold, q.set, q.q.QID
		}
	}
	// The wrong corpora share one negative weight per question.
	count := map[string]float64{}
	for _, e := range exs {
		count[e.kind]++
	}
	nWrong := float64(len(wrong) - 1)
	for i := range exs {
		if k := exs[i].kind; k != "own" && k != "hard" {
			exs[i].c *= count["own"] / (count[k] * nWrong)
		}
	}
	if o.dump != "" {
		if err := dumpExamples(o.dump, exs); err != nil {
			return nil, err
		}
	}

	fmt.Println("\nanswerability, cross-validated (by question):")
	d := index.NumAnswerFeatures + 1
	nonneg := make([]bool, d)
	for i, n := range index.AnswerFeatureNames() {
		nonneg[i] = answerNonNegative[n]
	}
	penalty := func(l float64) []float64 {
		p := make([]float64, d)
		for i := range d - 1 {
			p[i] = l
		}
		return p
	}
	bestL, bestLoss := 0.0, math.Inf(1)
	var oof []float64
	for _, l := range []float64{1e-4, 1e-3, 1e-2, 1e-1} {
		m := make([]float64, len(exs))
		var loss float64
		for f := range o.folds {
			var train []sample
			for _, e := range exs {
				if e.fold != f && e.x != nil {
					train = append(train, sample{z: e.x, y: e.y, c: e.c})
				}
			}
			w := fitLogistic(train, penalty(l), nonneg)
			for i, e := range exs {
				if e.fold != f {
					continue
				}
				m[i] = math.Inf(-1) // nothing retrieved: declined, whatever the model
				if e.x != nil {
					m[i] = dot(w, e.x)
					loss += e.c * softplus(-e.y*m[i])
				}
			}
		}
		fmt.Printf("  penalty %-6g weighted log loss %.4f\n", l, loss)
		if loss < bestLoss {
			bestL, bestLoss, oof = l, loss, m
		}
	}
	var all []sample
	for _, e := range exs {
		if e.x != nil {
			all = append(all, sample{z: e.x, y: e.y, c: e.c})
		}
	}
	aw := fitLogistic(all, penalty(bestL), nonneg)

	var own []float64
	for i, e := range exs {
		if e.kind == "own" {
			own = append(own, oof[i])
		}
	}
	sort.Float64s(own)
	cut := own[int(math.Floor(o.maxDecline*float64(len(own))))]
	fmt.Printf("chosen penalty %g; operating point: margin %.3f (out of fold)\n", bestL, cut)
	tradeOff(exs, oof, cut, sets, wrong)
	aw[d-1] -= cut
	fmt.Println("answerability weights:")
	for i, n := range append(index.AnswerFeatureNames(), "intercept") {
		fmt.Printf("  %-9s %+.3f\n", n, aw[i])
	}
	return aw, nil
}

// tradeOff prints, per set and corpus asked, the share declined (own
// articles) or answered (otherwise) at thresholds of Answers, out of fold.
func tradeOff(exs []answerExample, oof []float64, cut float64, sets []*set, wrong map[string]*index.Index) {
	thresholds := []float64{0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8}
	fmt.Println("\nthreshold trade-off (out of fold; Answers = sigmoid(margin - operating point)):")
	fmt.Printf("  %-17s %-17s %-9s", "questions", "asked of", "")
	for _, t := range thresholds {
		fmt.Printf(" %5.1f", t)
	}
	fmt.Println()
	for _, s := range sets {
		for _, k := range append([]string{"own", "hard"}, sortedKeys(wrong)...) {
			if k == s.name {
				continue
			}
			var n float64
			answered := make([]float64, len(thresholds))
			for i, e := range exs {
				if e.kind != k || e.set != s.name {
					continue
				}
				n++
				for j, t := range thresholds {
					if oof[i] >= cut+math.Log(t/(1-t)) {
						answered[j]++
					}
				}
			}
			what := "answered"
			if k == "own" {
				what = "declined"
			}
			fmt.Printf("  %-17s %-17s %-9s", s.name, k, what)
			for _, a := range answered {
				if k == "own" {
					a = n - a
				}
				fmt.Printf(" %5.1f", 100*a/max(n, 1))
			}
			fmt.Println()
		}
	}
}

func dumpExamples(path string, exs []answerExample) error {
	var b strings.Builder
	b.WriteString("set\tqid\tkind\ty\t" + strings.Join(index.AnswerFeatureNames(), "\t") + "\ttext\n")
	for _, e := range exs {
		if e.x == nil {
			continue
		}
		fmt.Fprintf(&b, "%s\t%s\t%s\t%g", e.set, e.qid, e.kind, e.y)
		for _, v := range e.x[:len(e.x)-1] {
			fmt.Fprintf(&b, "\t%.4f", v)
		}
		fmt.Fprintf(&b, "\t%s\n", strings.Join(strings.Fields(e.text), " "))
	}
	return os.WriteFile(path, []byte(b.String()), 0o644)
}

// topOf is the best candidate under w, leaving out those in skip.
func topOf(cs []index.Candidate, w []float64, skip []bool) (int, bool) {
	r := ranked(cs, w, skip)
	if len(r) == 0 {
		return 0, false
	}
	return r[0], true
}

// answerX is a candidate's answerability features with the intercept's 1.
func answerX(c index.Candidate) []float64 {
	return append(append([]float64(nil), c.Answer[:]...), 1)
}

// debugRank prints, for the questions of one set, the top candidates
// under w when the first relevant one is ranked below 2.
func debugRank(qs []*question, w []float64, set string) {
	for _, q := range qs {
		if q.set != set {
			continue
		}
		order := ranked(q.cands, w, nil)
		first := -1
		for i, c := range order {
			if q.gold[c] || q.ans[c] {
				first = i
				break
			}
		}
		if first == 0 || first == 1 {
			continue
		}
		fmt.Printf("\n%s %q answer %q; first relevant at %d\n", q.q.QID, q.q.Question, q.q.Answer, first+1)
		show := func(i, c int) {
			f := q.cands[c].Features
			fmt.Printf("  %2d gold=%v ans=%v s=%.2f", i+1, q.gold[c], q.ans[c], dot(w, rankX(q.cands[c])))
			for j, n := range index.FeatureNames() {
				if f[j] != 0 {
					fmt.Printf(" %s=%.2f", n, f[j])
				}
			}
			fmt.Printf("\n     %.150s\n", q.cands[c].Text())
		}
		for i, c := range order[:min(3, len(order))] {
			show(i, c)
		}
		if first > 2 {
			show(first, order[first])
		}
	}
}

// sample is one weighted example of logistic regression: label y (+1 or
// -1), inputs z, weight c.
type sample struct {
	z    []float64
	y, c float64
}

// fitLogistic minimises the weighted mean logistic loss plus, for each
// weight j, penalty[j]/2 times its square, the weights j with nonneg[j]
// held at 0 or above, by projected Newton steps (the Newton step on the
// weights not held at 0, then a backtracking line search with the bounds
// applied).
func fitLogistic(data []sample, penalty []float64, nonneg []bool) []float64 {
	d := len(penalty)
	w := make([]float64, d)
	if len(data) == 0 {
		return w
	}
	var C float64
	for _, s := range data {
		C += s.c
	}
	bound := func(j int) bool { return nonneg != nil && nonneg[j] }
	loss := func(w []float64) float64 {
		var l float64
		for _, s := range data {
			l += s.c * softplus(-s.y*dot(w, s.z))
		}
		l /= C
		for j, v := range w {
			l += penalty[j] / 2 * v * v
		}
		return l
	}
	cur := loss(w)
	for range 60 {
		g := make([]float64, d)
		h := make([][]float64, d)
		for j := range h {
			h[j] = make([]float64, d)
		}
		for _, s := range data {
			m := s.y * dot(w, s.z)
			p := sigmoid(-m)
			hv0 := s.c * p * (1 - p) / C
			for j, zj := range s.z {
				if zj == 0 {
					continue
				}
				g[j] -= s.c * s.y * zj * p / C
				hv := hv0 * zj
				for k := j; k < d; k++ {
					h[j][k] += hv * s.z[k]
				}
			}
		}
		for j := range d {
			g[j] += penalty[j] * w[j]
			h[j][j] += penalty[j] + 1e-9
			for k := 0; k < j; k++ {
				h[j][k] = h[k][j]
			}
		}
		// Weights at their bound that the gradient pushes below it stay.
		free := make([]int, 0, d)
		for j := range d {
			if !(bound(j) && w[j] <= 0 && g[j] > 0) {
				free = append(free, j)
			}
		}
		hf := make([][]float64, len(free))
		gf := make([]float64, len(free))
		for a, j := range free {
			hf[a] = make([]float64, len(free))
			for b, k := range free {
				hf[a][b] = h[j][k]
			}
			gf[a] = g[j]
		}
		step := solve(hf, gf)
		t := 1.0
		var next []float64
		var nl float64
		for range 30 {
			next = append([]float64(nil), w...)
			for a, j := range free {
				next[j] -= t * step[a]
				if bound(j) && next[j] < 0 {
					next[j] = 0
				}
			}
			if nl = loss(next); nl <= cur {
				break
			}
			t /= 2
		}
		if nl > cur {
			break
		}
		w = next
		done := cur-nl < 1e-10
		cur = nl
		if done {
			break
		}
	}
	return w
}

// solve solves h x = g by Gaussian elimination with partial pivoting.
func solve(h [][]float64, g []float64) []float64 {
	n := len(g)
	a := make([][]float64, n)
	for i := range a {
		a[i] = append(append([]float64(nil), h[i]...), g[i])
	}
	for c := range n {
		p := c
		for r := c + 1; r < n; r++ {
			if math.Abs(a[r][c]) > math.Abs(a[p][c]) {
				p = r
			}
		}
		a[c], a[p] = a[p], a[c]
		if a[c][c] == 0 {
			continue
		}
		for r := c + 1; r < n; r++ {
			f := a[r][c] / a[c][c]
			for k := c; k <= n; k++ {
				a[r][k] -= f * a[c][k]
			}
		}
	}
	x := make([]float64, n)
	for r := n - 1; r >= 0; r-- {
		v := a[r][n]
		for k := r + 1; k < n; k++ {
			v -= a[r][k] * x[k]
		}
		if a[r][r] != 0 {
			x[r] = v / a[r][r]
		}
	}
	return x
}

func dot(w, x []float64) float64 {
	var s float64
	for i := range min(len(w), len(x)) {
		s += w[i] * x[i]
	}
	return s
}

func sigmoid(x float64) float64 { return 1 / (1 + math.Exp(-x)) }

func softplus(x float64) float64 {
	if x > 30 {
		return x
	}
	return math.Log1p(math.Exp(x))
}

func slicesContains(s []bool, v bool) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

func sortedKeys(m map[string]*index.Index) []string {
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

// backgroundMin is the least number of background sentences a term must
// be in to be listed: rarer terms count as rare (index.backgroundRare).
const backgroundMin = 50

// writeBackground writes the background frequencies: for each term in at
// least backgroundMin sentences of the shared training corpora
// (Reuters-21578, the attribution set's articles, realtimeqa-2022a's and
// trecqa-train's; never trecqa-dev's), the number of those sentences.
func writeBackground(shared, path string) error {
	total := map[string]int{}
	sentences := 0
	for _, p := range []string{
		filepath.Join(shared, "bench", "reuters21578.jsonl.gz"),
		filepath.Join(shared, "eval", "attribution", "articles.jsonl.gz"),
		filepath.Join(shared, "eval", "realtimeqa-2022a", "articles.jsonl.gz"),
		filepath.Join(shared, "eval", "trecqa-train", "articles.jsonl.gz"),
	} {
		arts, err := loadArticles(p)
		if err != nil {
			return err
		}
		ix := index.Build(arts)
		sentences += ix.Sentences()
		for t, n := range ix.SentenceFrequencies() {
			total[t] += n
		}
	}
	var terms []string
	for t, n := range total {
		if n >= backgroundMin {
			terms = append(terms, t)
		}
	}
	sort.Strings(terms)
	var b bytes.Buffer
	b.WriteString("// Code generated by go run ./corpus/index/train -background; DO NOT EDIT.\n\npackage index\n\n")
	fmt.Fprintf(&b, "// backgroundSentences is the number of sentences the background\n// frequencies were counted in.\nconst backgroundSentences = %d\n\n", sentences)
	fmt.Fprintf(&b, "// backgroundTable lists, one per line, each term in at least %d of\n// those sentences and the number of sentences that hold it.\nconst backgroundTable = \"\" +\n", backgroundMin)
	var line strings.Builder
	for i, t := range terms {
		fmt.Fprintf(&line, "%s %d\\n", t, total[t])
		if line.Len() > 60 || i == len(terms)-1 {
			fmt.Fprintf(&b, "\t\"%s\"", line.String())
			if i < len(terms)-1 {
				b.WriteString(" +")
			}
			b.WriteString("\n")
			line.Reset()
		}
	}
	src, err := format.Source(b.Bytes())
	if err != nil {
		return err
	}
	fmt.Printf("%d terms of %d, from %d sentences\n", len(terms), len(total), sentences)
	return os.WriteFile(path, src, 0o644)
}

// writeWeights writes the Go file holding the weights.
func writeWeights(path string, rw, aw []float64) error {
	var b bytes.Buffer
	b.WriteString("// Code generated by go run ./corpus/index/train; DO NOT EDIT.\n\npackage index\n\n")
	b.WriteString("// rankWeights weigh the ranking features, in the order of featureNames:\n// [0] for sentences with an article around them, [alone] for sentences\n// that are their article's only one.\n")
	b.WriteString("var rankWeights = [2][numFeatures]float64{\n")
	n := index.NumFeatures
	for k, what := range []string{"with an article around them", "alone"} {
		fmt.Fprintf(&b, "\t{ // %s\n", what)
		for i, name := range index.FeatureNames() {
			fmt.Fprintf(&b, "\t\t%.4f, // %s\n", rw[k*n+i], name)
		}
		b.WriteString("\t},\n")
	}
	b.WriteString("}\n\n")
	b.WriteString("// answerWeights weigh the answerability features, in the order of\n// answerFeatureNames, then the intercept: Answers is 0.5 at the operating\n// point the training script picked.\n")
	b.WriteString("var answerWeights = [numAnswerFeatures + 1]float64{\n")
	for i, name := range append(index.AnswerFeatureNames(), "intercept") {
		fmt.Fprintf(&b, "\t%.4f, // %s\n", aw[i], name)
	}
	b.WriteString("}\n")
	src, err := format.Source(b.Bytes())
	if err != nil {
		return err
	}
	return os.WriteFile(path, src, 0o644)
}

func loadArticles(path string) ([]corpus.Article, error) {
	var l load.Loader
	var arts []corpus.Article
	for _, r := range l.Load(path) {
		if len(r.Problems) > 0 {
			return nil, fmt.Errorf("%s: %s", r.Where(r.Problems[0]), r.Problems[0].Reason)
		}
		arts = append(arts, r.Articles...)
	}
	if len(arts) == 0 {
		return nil, fmt.Errorf("%s: no articles", path)
	}
	return arts, nil
}

func builtinArticles() ([]corpus.Article, error) {
	var l load.Loader
	var arts []corpus.Article
	for _, r := range l.LoadFS(builtin.FS, ".") {
		if len(r.Problems) > 0 {
			return nil, fmt.Errorf("built-in coverage: %s: %s", r.Path, r.Problems[0].Reason)
		}
		arts = append(arts, r.Articles...)
	}
	return arts, nil
}
