package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"sort"
	"strings"
	"time"

	newsbot "github.com/newsbot-dev/newsbot"
	"github.com/newsbot-dev/newsbot/adapters/repl"
	"github.com/newsbot-dev/newsbot/corpus"
	"github.com/newsbot-dev/newsbot/corpus/eval"
	"github.com/newsbot-dev/newsbot/corpus/index"
	"github.com/newsbot-dev/newsbot/corpus/load"
)

const searchUsage = `Usage: bot [flags] search [--k N] [--jsonl] [QUESTION]

Prints the K sentences that best answer QUESTION, best first, with their
article, byte range and score.

With --jsonl, reads one {"qid": ..., "question": ...} object per line on
standard input and writes one line per question:
  {"qid": ..., "results": [{"article", "start", "end", "text", "score"}, ...]}
where start and end are byte offsets into the article's UTF-8 body
(body[start:end] == text), as in shared/eval. A line that cannot be read
gets {"qid": ..., "error": "..."} and the others are still answered.
`

// result is one sentence in `bot search --jsonl` output.
type result struct {
	Article string  `json:"article"`
	Start   int     `json:"start"`
	End     int     `json:"end"`
	Text    string  `json:"text"`
	Score   float64 `json:"score"`
}

func (e *environ) search(ctx context.Context, args []string) error {
	fs := e.flags("search", searchUsage, groupCommon)
	k := fs.Int("k", 10, "how many sentences to return")
	jsonl := fs.Bool("jsonl", false, "read questions as JSON Lines on stdin, write results as JSON Lines")
	explain := fs.Bool("explain", false, "also print each sentence's ranking and answerability features")
	if done, err := e.parse(fs, args); done {
		return err
	}
	if *k <= 0 {
		return errors.New("--k must be at least 1")
	}
	if !*jsonl && fs.NArg() == 0 {
		return errors.New("search needs a question, or --jsonl")
	}
	src, err := e.open(io.Discard)
	if err != nil {
		return err
	}
	if !*jsonl {
		q, err := newsbot.CleanQuestion(strings.Join(fs.Args(), " "))
		if err != nil {
			return err
		}
		type place struct {
			article string
			start   int
		}
		var pool map[place]index.Candidate
		if *explain {
			pool = map[place]index.Candidate{}
			p, err := src.Index.Explain(q)
			if err != nil {
				return err
			}
			if p != nil {
				fmt.Fprintf(e.stdout, "wants: %s; pool: %d sentences\n", p.Want, len(p.Candidates))
				for _, c := range p.Candidates {
					pool[place{c.Article.ID, c.Start}] = c
				}
			}
		}
		hits, err := src.Index.Search(q, *k)
		if err != nil {
			return err
		}
		for i, h := range hits {
			fmt.Fprintf(e.stdout, "%2d. %.3f  answers %.2f  %s [%d:%d]\n    %s\n", i+1, h.Score, h.Answers, repl.CleanLine(h.Article.ID), h.Start, h.End, repl.CleanLine(collapse(h.Text())))
			if c, ok := pool[place{h.Article.ID, h.Start}]; ok {
				fmt.Fprintf(e.stdout, "    %s\n    answerability: %s\n", features(index.FeatureNames(), c.Features[:]), features(index.AnswerFeatureNames(), c.Answer[:]))
			}
		}
		return nil
	}

	in := bufio.NewReaderSize(e.stdin, 64<<10)
	out := bufio.NewWriter(e.stdout)
	defer out.Flush()
	for line := 1; ; line++ {
		if err := ctx.Err(); err != nil {
			return err
		}
		b, err := in.ReadBytes('\n')
		if len(strings.TrimSpace(string(b))) > 0 {
			var req struct {
				QID      any    `json:"qid"`
				Question string `json:"question"`
			}
			var resp struct {
				QID     any      `json:"qid"`
				Results []result `json:"results"`
				Error   string   `json:"error,omitempty"`
			}
			if jerr := json.Unmarshal(b, &req); jerr != nil {
				resp.Error = fmt.Sprintf("line %d: invalid JSON: %v", line, jerr)
			} else if q, qerr := newsbot.CleanQuestion(req.Question); qerr != nil {
				resp.QID, resp.Error = req.QID, fmt.Sprintf("line %d: %v", line, qerr)
			} else {
				resp.QID, resp.Results = req.QID, []result{}
				hits, serr := src.Index.Search(q, *k)
				if serr != nil {
					resp.Error = fmt.Sprintf("line %d: %v", line, serr)
				}
				for _, h := range hits {
					resp.Results = append(resp.Results, result{h.Article.ID, h.Start, h.End, h.Text(), h.Score})
				}
			}
			if err := encodeJSONLine(out, resp); err != nil {
				return err
			}
		}
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("search: read questions: %w", err)
		}
	}
}

// features prints named feature values, those that are not 0.
func features(names []string, v []float64) string {
	var b strings.Builder
	for i, n := range names {
		if v[i] != 0 {
			fmt.Fprintf(&b, "%s=%.2f ", n, v[i])
		}
	}
	return strings.TrimSpace(b.String())
}

func collapse(s string) string { return strings.Join(strings.Fields(s), " ") }

const evalUsage = `Usage: bot [flags] eval [--k N] [--negatives CORPUS]... SET_DIR...

Runs evaluation sets in the format of shared/eval (each SET_DIR holds
articles.jsonl.gz and questions.jsonl): indexes the set's articles, searches
every question, and prints Hit@1, Hit@5, Hit@10, MRR@10, Recall@10 and
AnsHit@5 exactly as shared/eval/score.py defines them, with the search time
per question (median and 95th percentile).

It then asks every question of the bot as "bot ask" does (quoting, no
model) and prints the share of questions declined ("the coverage does not
answer") and, of the questions with an answer string, the share whose
answer text contains it (ignoring case, any of its " | " options). With
--negatives CORPUS (a file or directory of articles; repeatable), it also
asks every question of that other corpus and prints the share answered
there: answers from coverage that cannot hold them.
`

func (e *environ) eval(ctx context.Context, args []string) error {
	fs := e.flags("eval", evalUsage, groupCommon)
	k := fs.Int("k", 10, "sentences retrieved per question")
	var negatives pathList
	fs.Var(&negatives, "negatives", "also ask each set's questions of the articles at `CORPUS` (repeatable), and print the share answered")
	if done, err := e.parse(fs, args); done {
		return err
	}
	if fs.NArg() == 0 {
		return errors.New("eval needs at least one set directory")
	}
	type negative struct {
		name string
		bot  *newsbot.Bot
	}
	var negs []negative
	for _, p := range negatives.paths {
		arts, err := loadArticles(p)
		if err != nil {
			return fmt.Errorf("eval: --negatives: %w", err)
		}
		negs = append(negs, negative{filepath.Base(filepath.Clean(p)), &newsbot.Bot{Retriever: index.BuildDisk(arts)}})
	}
	for _, dir := range fs.Args() {
		if err := ctx.Err(); err != nil {
			return err
		}
		name := filepath.Base(filepath.Clean(dir))
		ix, qs, err := loadSet(dir)
		if err != nil {
			return err
		}
		m, lat, err := evalSet(ix, qs, *k)
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "%s: %s latency p50=%s p95=%s\n", name, m, fmtDur(lat[len(lat)/2]), fmtDur(lat[len(lat)*95/100]))
		af, err := askSet(ctx, &newsbot.Bot{Retriever: ix}, qs)
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "%s: answers: questions=%d declined=%.3f answer-in-text=%s\n", name, af.questions, af.declinedShare(), af.inTextShare())
		for _, n := range negs {
			nf, err := askSet(ctx, n.bot, qs)
			if err != nil {
				return err
			}
			fmt.Fprintf(e.stdout, "%s: asked of %s: answered=%.3f (%d of %d)\n", name, n.name, 1-nf.declinedShare(), nf.questions-nf.declined, nf.questions)
		}
	}
	return nil
}

// loadArticles reads the articles of a file or directory; any file
// refused is an error.
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

// loadSet indexes a set's articles and reads its questions.
func loadSet(dir string) (*index.Disk, []eval.Question, error) {
	arts, err := loadArticles(filepath.Join(dir, "articles.jsonl.gz"))
	if err != nil {
		return nil, nil, fmt.Errorf("eval %s: %w", dir, err)
	}
	qs, err := eval.LoadQuestions(filepath.Join(dir, "questions.jsonl"))
	if err != nil {
		return nil, nil, fmt.Errorf("eval %s: %w", dir, err)
	}
	if len(qs) == 0 {
		return nil, nil, fmt.Errorf("eval %s: no questions", dir)
	}
	return index.BuildDisk(arts), qs, nil
}

// evalSet searches every question and returns the metrics and the sorted
// search times.
func evalSet(ix *index.Disk, qs []eval.Question, k int) (eval.Metrics, []time.Duration, error) {
	res := make(map[string][]eval.Span, len(qs))
	lat := make([]time.Duration, 0, len(qs))
	for _, q := range qs {
		t := time.Now()
		hits, err := ix.Search(q.Question, k)
		lat = append(lat, time.Since(t))
		if err != nil {
			return eval.Metrics{}, nil, err
		}
		spans := make([]eval.Span, len(hits))
		for i, h := range hits {
			spans[i] = eval.Span{Article: h.Article.ID, Start: h.Start, End: h.End, Text: h.Text()}
		}
		res[q.QID] = spans
	}
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	return eval.Score(qs, res), lat, nil
}

// answerFigures count what the bot's answers to a set were.
type answerFigures struct {
	questions, declined int
	// withAnswer counts the questions with an answer string, inText those
	// whose answer text contains it.
	withAnswer, inText int
}

func (f answerFigures) declinedShare() float64 {
	return float64(f.declined) / float64(max(1, f.questions))
}

func (f answerFigures) inTextShare() string {
	if f.withAnswer == 0 {
		return "None"
	}
	return fmt.Sprintf("%.3f", float64(f.inText)/float64(f.withAnswer))
}

// askSet asks bot every question on its own.
func askSet(ctx context.Context, bot *newsbot.Bot, qs []eval.Question) (answerFigures, error) {
	var f answerFigures
	for _, q := range qs {
		a, err := bot.Answer(ctx, q.Question)
		if err != nil {
			if ctx.Err() != nil {
				return f, ctx.Err()
			}
			return f, fmt.Errorf("eval: %s: %w", q.QID, err)
		}
		f.questions++
		if a.NoAnswer {
			f.declined++
		}
		if q.Answer != "" {
			f.withAnswer++
			if !a.NoAnswer && eval.AnswerIn(q.Answer, a.Text) {
				f.inText++
			}
		}
	}
	return f, nil
}

func fmtDur(d time.Duration) string {
	return fmt.Sprintf("%.3fms", float64(d)/float64(time.Millisecond))
}
