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
		for i, h := range src.Index.Search(q, *k) {
			fmt.Fprintf(e.stdout, "%2d. %.3f  %s [%d:%d]\n    %s\n", i+1, h.Score, repl.CleanLine(h.Article.ID), h.Start, h.End, repl.CleanLine(collapse(h.Text())))
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
				for _, h := range src.Index.Search(q, *k) {
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

func collapse(s string) string { return strings.Join(strings.Fields(s), " ") }

const evalUsage = `Usage: bot [flags] eval [--k N] SET_DIR...

Runs evaluation sets in the format of shared/eval (each SET_DIR holds
articles.jsonl.gz and questions.jsonl): indexes the set's articles, searches
every question, and prints Hit@1, Hit@5, Hit@10, MRR@10, Recall@10 and
AnsHit@5 exactly as shared/eval/score.py defines them, with the search time
per question (median and 95th percentile).
`

func (e *environ) eval(ctx context.Context, args []string) error {
	fs := e.flags("eval", evalUsage, groupCommon)
	k := fs.Int("k", 10, "sentences retrieved per question")
	if done, err := e.parse(fs, args); done {
		return err
	}
	if fs.NArg() == 0 {
		return errors.New("eval needs at least one set directory")
	}
	for _, dir := range fs.Args() {
		if err := ctx.Err(); err != nil {
			return err
		}
		m, lat, err := evalSet(dir, *k)
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "%s: %s latency p50=%s p95=%s\n", filepath.Base(filepath.Clean(dir)), m, fmtDur(lat[len(lat)/2]), fmtDur(lat[len(lat)*95/100]))
	}
	return nil
}

// evalSet runs one set and returns its metrics and the sorted search times.
func evalSet(dir string, k int) (eval.Metrics, []time.Duration, error) {
	var l load.Loader
	var arts []corpus.Article
	for _, r := range l.Load(filepath.Join(dir, "articles.jsonl.gz")) {
		if len(r.Problems) > 0 {
			return eval.Metrics{}, nil, fmt.Errorf("eval %s: %s: %s", dir, r.Where(r.Problems[0]), r.Problems[0].Reason)
		}
		arts = append(arts, r.Articles...)
	}
	ix := index.Build(arts)
	qs, err := eval.LoadQuestions(filepath.Join(dir, "questions.jsonl"))
	if err != nil {
		return eval.Metrics{}, nil, fmt.Errorf("eval %s: %w", dir, err)
	}
	if len(qs) == 0 {
		return eval.Metrics{}, nil, fmt.Errorf("eval %s: no questions", dir)
	}
	res := make(map[string][]eval.Span, len(qs))
	lat := make([]time.Duration, 0, len(qs))
	for _, q := range qs {
		t := time.Now()
		hits := ix.Search(q.Question, k)
		lat = append(lat, time.Since(t))
		spans := make([]eval.Span, len(hits))
		for i, h := range hits {
			spans[i] = eval.Span{Article: h.Article.ID, Start: h.Start, End: h.End, Text: h.Text()}
		}
		res[q.QID] = spans
	}
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	return eval.Score(qs, res), lat, nil
}

func fmtDur(d time.Duration) string {
	return fmt.Sprintf("%.3fms", float64(d)/float64(time.Millisecond))
}
