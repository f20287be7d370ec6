// Command train learns the weights of the sentence ranking and of the
// answerability model (see corpus/index/search.go and answerable.go) from
// the shared training sets, and writes them to corpus/index/weights.go:
//
//	go run ./corpus/index/train [-shared ../shared] [-out corpus/index/weights.go]
//
// Training data, all from ../shared (never trecqa-dev, which is the check):
//
//   - Ranking: the questions of trecqa-train and realtimeqa-2022a, each
//     asked of its own articles. A candidate is relevant when it hits a gold
//     sentence (as score.py counts a hit) or, for questions with an answer
//     string, when it holds the answer in the gold article. The model is a
//     pairwise logistic ranker (every relevant candidate against every other
//     of its pool, each question weighing the same), L2-regularised, the
//     strength picked by 5-fold cross-validation over questions on the mean
//     of MRR@10 and, for realtimeqa, the answer in the top sentence.
//   - Answerability: the same questions asked of their own articles
//     (answerable), of the other set's articles, of Reuters-21578, of the
//     attribution set's 2016 election articles and of the built-in coverage
//     (not answerable: the wrong corpus), and of their own articles with
//     the answering sentences taken out (not answerable, weighed by -hard:
//     the same story, not the answer). The model is a logistic regression
//     on the features of the top-ranked candidate, its strength picked by
//     cross-validation; its intercept is then moved so that 0.5 is the
//     operating point picked on the out-of-fold predictions: the highest
//     threshold that declines at most -maxdecline of the answerable
//     questions.
//
// It prints the cross-validated figures and the trade-off of the threshold,
// which the README reports.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"go/format"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/newsbot-dev/newsbot/corpus"
	"github.com/newsbot-dev/newsbot/corpus/builtin"
	"github.com/newsbot-dev/newsbot/corpus/eval"
	"github.com/newsbot-dev/newsbot/corpus/index"
	"github.com/newsbot-dev/newsbot/corpus/load"
)

func main() {
	shared := flag.String("shared", "../shared", "the shared directory: eval/ and bench/")
	out := flag.String("out", "corpus/index/weights.go", "the Go file to write the weights to; - for none")
	folds := flag.Int("folds", 5, "cross-validation folds")
	hard := flag.Float64("hard", 0.5, "weight of the same-story negatives (answers taken out) against a wrong-corpus negative")
	maxDecline := flag.Float64("maxdecline", 0.05, "the share of answerable training questions the operating point may decline")
	dump := flag.String("dump", "", "write the answerability examples to this TSV file, for study")
	flag.StringVar(&debugSet, "debug", "", "print the questions of this set whose gold is not ranked first, and stop")
	flag.StringVar(&onlySet, "only", "", "train the ranker on this set only (for study)")
	flag.Parse()
	if err := run(*shared, *out, *folds, *hard, *maxDecline, *dump); err != nil {
		fmt.Fprintln(os.Stderr, "train:", err)
		os.Exit(1)
	}
}

// debugSet and onlySet are the -debug and -only flags.
var debugSet, onlySet string

// anyArt labels as relevant a candidate holding the answer string in any article (for study).
var anyArt = os.Getenv("ANYART") != ""

// set is a question set with its articles.
type set struct {
	name      string
	questions []eval.Question
	articles  []corpus.Article
	ix        *index.Index
}

// question is one training question asked of its own articles.
type question struct {
	set   string
	q     eval.Question
	fold  int
	cands []index.Candidate
	rel   []bool
	gold  []bool // hits a gold sentence
	ans   []bool // holds the answer string
}

func run(shared, out string, folds int, hard, maxDecline float64, dump string) error {
	trainSets := []string{"trecqa-train", "realtimeqa-2022a"}
	var sets []*set
	for _, name := range trainSets {
		s, err := loadSet(filepath.Join(shared, "eval", name))
		if err != nil {
			return err
		}
		sets = append(sets, s)
	}
	// Wrong corpora, for negatives.
	others := map[string]*index.Index{}
	for _, c := range []struct{ name, path string }{
		{"reuters21578", filepath.Join(shared, "bench", "reuters21578.jsonl.gz")},
		{"attribution", filepath.Join(shared, "eval", "attribution", "articles.jsonl.gz")},
	} {
		arts, err := loadArticles(c.path)
		if err != nil {
			return err
		}
		others[c.name] = index.Build(arts)
	}
	bi, err := builtinArticles()
	if err != nil {
		return err
	}
	others["builtin"] = index.Build(bi)
	for _, s := range sets {
		others[s.name] = s.ix
	}

	rng := rand.New(rand.NewPCG(1, 2))
	var qs []*question
	for _, s := range sets {
		if onlySet != "" && s.name != onlySet {
			continue
		}
		perm := rng.Perm(len(s.questions))
		for i, q := range s.questions {
			tq := &question{set: s.name, q: q, fold: perm[i] % folds}
			if p := s.ix.Explain(q.Question); p != nil {
				tq.cands = p.Candidates
			}
			label(tq)
			qs = append(qs, tq)
		}
	}
	fmt.Printf("training questions: %d\n", len(qs))
	for _, s := range sets {
		inPool, n := 0, 0
		for _, q := range qs {
			if q.set != s.name {
				continue
			}
			n++
			for _, r := range q.gold {
				if r {
					inPool++
					break
				}
			}
		}
		fmt.Printf("  %s: %d questions, gold in the pool for %d\n", s.name, n, inPool)
	}

	// The ranker.
	type hyper struct{ lambda, rho float64 }
	var best hyper
	bestV := -1.0
	fmt.Println("\nranker, cross-validated (by question):")
	for _, l := range []float64{1e-4, 3e-4, 1e-3, 3e-3, 1e-2} {
		for _, rho := range []float64{1, 3, 10, 30} {
			var scores []figures
			for f := range folds {
				w := fitRanker(qs, func(q *question) bool { return q.fold != f }, l, rho)
				for _, q := range qs {
					if q.fold == f {
						scores = append(scores, evalRank(q, w))
					}
				}
			}
			v := summarise(fmt.Sprintf("  lambda %g, own weights' penalty %g times", l, rho), scores)
			if v > bestV {
				best, bestV = hyper{l, rho}, v
			}
		}
	}
	rw := fitRanker(qs, func(*question) bool { return true }, best.lambda, best.rho)
	fmt.Printf("chosen lambda %g, rho %g; weights (with an article, alone):\n", best.lambda, best.rho)
	kw := kindWeights(rw)
	for i, n := range index.FeatureNames() {
		fmt.Printf("  %-8s %+7.3f %+7.3f\n", n, kw[i], kw[index.NumFeatures+i])
	}
	var all []figures
	for _, q := range qs {
		all = append(all, evalRank(q, rw))
	}
	summarise("  on the training questions", all)
	if debugSet != "" {
		debugRank(qs, rw, debugSet)
		return nil
	}

	// Answerability examples: the top candidate of each question asked of
	// each corpus.
	type aex struct {
		x      []float64
		y      float64 // 1 answerable, -1 not
		c      float64 // weight
		fold   int
		kind   string // "own", "hard" or the wrong corpus's name
		set    string
		answer bool // own: the top sentence holds the answer string or gold
		qid    string
		text   string
	}
	var exs []aex
	for _, q := range qs {
		if top, ok := topOf(q.cands, rw, nil); ok {
			exs = append(exs, aex{x: answerX(q.cands[top]), y: 1, c: 1, fold: q.fold, kind: "own", set: q.set, answer: q.rel[top], qid: q.q.QID, text: q.cands[top].Text()})
		}
		if top, ok := topOf(q.cands, rw, q.rel); ok {
			exs = append(exs, aex{x: answerX(q.cands[top]), y: -1, c: hard, fold: q.fold, kind: "hard", set: q.set, qid: q.q.QID, text: q.cands[top].Text()})
		}
		for name, ix := range others {
			if name == q.set {
				continue
			}
			p := ix.Explain(q.q.Question)
			if p == nil {
				// Nothing retrieved: declined whatever the model says.
				exs = append(exs, aex{y: -1, fold: q.fold, kind: name, set: q.set})
				continue
			}
			if top, ok := topOf(p.Candidates, rw, nil); ok {
				exs = append(exs, aex{x: answerX(p.Candidates[top]), y: -1, c: 1, fold: q.fold, kind: name, set: q.set, qid: q.q.QID, text: p.Candidates[top].Text()})
			}
		}
	}
	if dump != "" {
		var b strings.Builder
		b.WriteString("set\tqid\tkind\ty\tanswer\t" + strings.Join(index.AnswerFeatureNames(), "\t") + "\ttext\n")
		for _, e := range exs {
			if e.x == nil {
				continue
			}
			fmt.Fprintf(&b, "%s\t%s\t%s\t%g\t%v", e.set, e.qid, e.kind, e.y, e.answer)
			for _, v := range e.x[:len(e.x)-1] {
				fmt.Fprintf(&b, "\t%.4f", v)
			}
			fmt.Fprintf(&b, "\t%s\n", strings.Join(strings.Fields(e.text), " "))
		}
		if err := os.WriteFile(dump, []byte(b.String()), 0o644); err != nil {
			return err
		}
	}
	// Each kind of negative weighs as much in all as the positives.
	count := map[string]float64{}
	for _, e := range exs {
		if e.x != nil {
			count[e.kind]++
		}
	}
	for i := range exs {
		if exs[i].x == nil {
			continue
		}
		if exs[i].kind != "own" && exs[i].kind != "hard" {
			// The wrong corpora share one negative weight between them.
			exs[i].c *= count["own"] / (count[exs[i].kind] * float64(len(others)-1))
		}
	}
	fmt.Println("\nanswerability, cross-validated (by question):")
	bestAL, bestLoss := 0.0, math.Inf(1)
	var bestOOF []float64
	for _, l := range []float64{1e-4, 1e-3, 1e-2, 1e-1} {
		oof := make([]float64, len(exs))
		var loss float64
		for f := range folds {
			var train []sample
			for _, e := range exs {
				if e.fold != f && e.x != nil {
					train = append(train, sample{z: e.x, y: e.y, c: e.c})
				}
			}
			w := fitLogistic(train, l, true)
			for i, e := range exs {
				if e.fold != f {
					continue
				}
				oof[i] = math.Inf(-1)
				if e.x != nil {
					oof[i] = dot(w, e.x)
					loss += e.c * math.Log1p(math.Exp(-e.y*oof[i]))
				}
			}
		}
		fmt.Printf("  lambda %-6g weighted log loss %.4f\n", l, loss)
		if loss < bestLoss {
			bestAL, bestLoss, bestOOF = l, loss, oof
		}
	}
	var allS []sample
	for _, e := range exs {
		if e.x != nil {
			allS = append(allS, sample{z: e.x, y: e.y, c: e.c})
		}
	}
	aw := fitLogistic(allS, bestAL, true)

	// The operating point on the out-of-fold margins: the highest that
	// declines at most maxDecline of the answerable questions.
	var own []float64
	for i, e := range exs {
		if e.kind == "own" {
			own = append(own, bestOOF[i])
		}
	}
	sort.Float64s(own)
	cut := own[int(math.Floor(maxDecline*float64(len(own))))]
	fmt.Printf("chosen lambda %g; operating point: margin %.3f (out of fold)\n", bestAL, cut)
	fmt.Println("\nthreshold trade-off (out of fold; Answers = sigmoid(margin - operating point)):")
	var wrong []string
	for name := range others {
		wrong = append(wrong, name)
	}
	sort.Strings(wrong)
	kinds := append([]string{"own", "hard"}, wrong...)
	thresholds := []float64{0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8}
	fmt.Printf("  %-17s %-17s %-9s", "questions", "asked of", "")
	for _, t := range thresholds {
		fmt.Printf(" %5.1f", t)
	}
	fmt.Println()
	for _, st := range trainSets {
		for _, k := range kinds {
			if k == st {
				continue
			}
			var n float64
			rates := make([]float64, len(thresholds))
			for i, e := range exs {
				if e.kind != k || e.set != st {
					continue
				}
				n++
				for j, t := range thresholds {
					if bestOOF[i] >= cut+math.Log(t/(1-t)) {
						rates[j]++
					}
				}
			}
			what := "answered"
			if k == "own" {
				what = "declined"
			}
			fmt.Printf("  %-17s %-17s %-9s", st, k, what)
			for _, r := range rates {
				if k == "own" {
					r = n - r
				}
				fmt.Printf(" %5.1f", 100*r/max(n, 1))
			}
			fmt.Println()
		}
	}
	aw[len(aw)-1] -= cut
	fmt.Println("answerability weights:")
	for i, n := range index.AnswerFeatureNames() {
		fmt.Printf("  %-9s %+.3f\n", n, aw[i])
	}
	fmt.Printf("  intercept %+.3f\n", aw[len(aw)-1])

	if out == "-" {
		return nil
	}
	return writeWeights(out, kindWeights(rw), aw)
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
		q.rel[i] = q.gold[i] || (q.ans[i] && (anyArt || goldArt[c.Article.ID]))
	}
}

// figures are one question's ranking figures.
type figures struct {
	set                        string
	rr, hit1, hit5, ans1, ans2 float64
	hasAns                     bool
}

// evalRank ranks q's pool with w as Search does (score, then dedupe) and
// returns its figures.
func evalRank(q *question, w []float64) figures {
	order := ranked(q.cands, w, nil)
	var f figures
	for i, c := range order {
		if i == 10 {
			break
		}
		if q.gold[c] {
			if f.rr == 0 {
				f.rr = 1 / float64(i+1)
			}
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
	f.hasAns = q.q.Answer != ""
	f.set = q.set
	return f
}

// summarise prints the figures per set and returns the selection value:
// the mean over sets of MRR@10, with the answer in the top sentence for
// sets with answer strings.
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
		v += a.rr / a.n
		if a.na > 0 {
			fmt.Printf(" answer in top 1 %.3f, top 2 %.3f", a.a1/a.na, a.a2/a.na)
			v += a.a1 / a.na
		}
		fmt.Println()
	}
	return v / float64(len(sets))
}

// ranked returns the candidates' indexes best first under w, one per text,
// leaving out those marked in skip, as Search ranks: the RerankDepth best
// by the features that do not need a sentence's words, ordered by all of
// them, then the rest.
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
		z := rankX(c)
		var cheap, full float64
		for j, v := range z {
			full += w[j] * v
			if j%n < index.FirstWordFeature {
				cheap += w[j] * v
			}
		}
		all = append(all, sc{i, cheap, full})
	}
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

// topOf is the best candidate under w, leaving out those in skip.
func topOf(cs []index.Candidate, w []float64, skip []bool) (int, bool) {
	r := ranked(cs, w, skip)
	if len(r) == 0 {
		return 0, false
	}
	return r[0], true
}

// rankX is a candidate's ranking features as the ranker is fitted: the
// features (weighed by weights shared by both kinds of sentence), then
// the features again in the block of its kind (weighed by that kind's own
// weights: first sentences with an article around them, then sentences
// alone), the rest 0. The weights of a kind are the shared ones plus its
// own; its own are penalised more, so they move only as far as the data
// of that kind asks.
func rankX(c index.Candidate) []float64 {
	n := index.NumFeatures
	z := make([]float64, 3*n)
	copy(z, c.Features[:])
	off := n
	if c.Alone {
		off = 2 * n
	}
	copy(z[off:], c.Features[:])
	return z
}

// kindWeights turns fitted weights (see rankX) into the weights of each
// kind of sentence: with an article around it, then alone.
func kindWeights(w []float64) []float64 {
	n := index.NumFeatures
	out := make([]float64, 2*n)
	for i := range n {
		out[i] = w[i] + w[n+i]
		out[n+i] = w[i] + w[2*n+i]
	}
	return out
}

// answerX is a candidate's answerability features with the intercept's 1.
func answerX(c index.Candidate) []float64 {
	return append(append([]float64(nil), c.Answer[:]...), 1)
}

// fitRanker fits the pairwise ranker on the questions use accepts: the
// shared weights penalised by lambda, each kind's own by lambda*rho.
func fitRanker(qs []*question, use func(*question) bool, lambda, rho float64) []float64 {
	var data []sample
	for _, q := range qs {
		if !use(q) {
			continue
		}
		var pos, neg []int
		for i, r := range q.rel {
			if r {
				pos = append(pos, i)
			} else {
				neg = append(neg, i)
			}
		}
		if len(pos) == 0 || len(neg) == 0 {
			continue
		}
		c := 1 / float64(len(pos)*len(neg))
		xs := make([][]float64, len(q.cands))
		for i := range q.cands {
			xs[i] = rankX(q.cands[i])
		}
		for _, p := range pos {
			for _, n := range neg {
				z := make([]float64, len(xs[p]))
				for f := range z {
					z[f] = xs[p][f] - xs[n][f]
				}
				data = append(data, sample{z: z, y: 1, c: c})
			}
		}
	}
	n := index.NumFeatures
	pen := make([]float64, 3*n)
	for i := range pen {
		pen[i] = lambda
		if i >= n {
			pen[i] = lambda * rho
		}
	}
	return fitLogisticPen(data, pen)
}

// sample is one weighted example of logistic regression: label y (+1 or
// -1), inputs z, weight c.
type sample struct {
	z    []float64
	y, c float64
}

// fitLogistic minimises the weighted mean logistic loss plus lambda/2 the
// squared norm of the weights (the last, the intercept, unpenalised when
// intercept is set).
func fitLogistic(data []sample, lambda float64, intercept bool) []float64 {
	if len(data) == 0 {
		return nil
	}
	p := make([]float64, len(data[0].z))
	for i := range p {
		p[i] = lambda
	}
	if intercept {
		p[len(p)-1] = 0
	}
	return fitLogisticPen(data, p)
}

// fitLogisticPen minimises the weighted mean logistic loss plus, for each
// weight j, penalty[j]/2 times its square, by Newton's method with a
// backtracking line search.
func fitLogisticPen(data []sample, penalty []float64) []float64 {
	if len(data) == 0 {
		return nil
	}
	d := len(data[0].z)
	var C float64
	for _, s := range data {
		C += s.c
	}
	pen := func(j int) float64 { return penalty[j] }
	loss := func(w []float64) float64 {
		var l float64
		for _, s := range data {
			l += s.c * softplus(-s.y*dot(w, s.z))
		}
		l /= C
		for j, v := range w {
			l += pen(j) / 2 * v * v
		}
		return l
	}
	w := make([]float64, d)
	cur := loss(w)
	for range 50 {
		g := make([]float64, d)
		h := make([][]float64, d)
		for j := range h {
			h[j] = make([]float64, d)
		}
		for _, s := range data {
			m := s.y * dot(w, s.z)
			p := sigmoid(-m)
			for j, zj := range s.z {
				g[j] -= s.c * s.y * zj * p / C
				if zj == 0 {
					continue
				}
				hv := s.c * p * (1 - p) * zj / C
				for k := j; k < d; k++ {
					h[j][k] += hv * s.z[k]
				}
			}
		}
		for j := range d {
			g[j] += pen(j) * w[j]
			h[j][j] += pen(j) + 1e-9
			for k := 0; k < j; k++ {
				h[j][k] = h[k][j]
			}
		}
		step := solve(h, g)
		t := 1.0
		var next []float64
		var nl float64
		for range 30 {
			next = make([]float64, d)
			for j := range d {
				next[j] = w[j] - t*step[j]
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

// writeWeights writes the Go file holding the weights.
func writeWeights(path string, rw, aw []float64) error {
	var b bytes.Buffer
	b.WriteString("// Code generated by go run ./corpus/index/train; DO NOT EDIT.\n\npackage index\n\n")
	b.WriteString("// rankWeights weigh the ranking features, in the order of featureNames:\n// [0] for sentences with an article around them, [alone] for sentences\n// that are their article's only one.\n")
	b.WriteString("var rankWeights = [2][numFeatures]float64{\n")
	for k, what := range []string{"with an article around them", "alone"} {
		fmt.Fprintf(&b, "\t{ // %s\n", what)
		for i, n := range index.FeatureNames() {
			fmt.Fprintf(&b, "\t\t%.4f, // %s\n", rw[k*index.NumFeatures+i], n)
		}
		b.WriteString("\t},\n")
	}
	b.WriteString("}\n\n")
	b.WriteString("// answerWeights weigh the answerability features, in the order of\n// answerFeatureNames, then the intercept: Answers is 0.5 at the operating\n// point the training script picked.\n")
	b.WriteString("var answerWeights = [numAnswerFeatures + 1]float64{\n")
	for i, n := range append(index.AnswerFeatureNames(), "intercept") {
		fmt.Fprintf(&b, "\t%.4f, // %s\n", aw[i], n)
	}
	b.WriteString("}\n")
	src, err := format.Source(b.Bytes())
	if err != nil {
		return err
	}
	return os.WriteFile(path, src, 0o644)
}

func loadSet(dir string) (*set, error) {
	arts, err := loadArticles(filepath.Join(dir, "articles.jsonl.gz"))
	if err != nil {
		return nil, err
	}
	qs, err := eval.LoadQuestions(filepath.Join(dir, "questions.jsonl"))
	if err != nil {
		return nil, err
	}
	return &set{name: filepath.Base(dir), questions: qs, articles: arts, ix: index.Build(arts)}, nil
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

// debugRank prints, for the questions of one set, the top candidates
// under w and where the first relevant one is.
func debugRank(qs []*question, w []float64, set string) {
	for _, q := range qs {
		if q.set != set {
			continue
		}
		order := ranked(q.cands, w, nil)
		first := -1
		for i, c := range order {
			if q.gold[c] || (q.q.Answer != "" && q.ans[c]) {
				first = i
				break
			}
		}
		if first == 0 || first == 1 {
			continue
		}
		fmt.Printf("\n%s %q answer %q; first gold or answer at %d\n", q.q.QID, q.q.Question, q.q.Answer, first+1)
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
