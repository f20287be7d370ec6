// Package eval measures retrieval against question sets with gold
// sentences, in the format of shared/eval: questions.jsonl beside
// articles.jsonl.gz. Its metrics are exactly those of shared/eval/score.py.
package eval

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"
)

// Question is one line of questions.jsonl.
type Question struct {
	QID      string `json:"qid"`
	Question string `json:"question"`
	Answer   string `json:"answer"`
	Gold     []Span `json:"gold"`
}

// Span is a sentence: a byte range of an article's body.
type Span struct {
	Article string `json:"article"`
	Start   int    `json:"start"`
	End     int    `json:"end"`
	Text    string `json:"text"`
}

// readQuestions reads questions.jsonl from r.
func readQuestions(r io.Reader) ([]Question, error) {
	var qs []Question
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64*1024), 16<<20)
	line := 0
	for sc.Scan() {
		line++
		if strings.TrimSpace(sc.Text()) == "" {
			continue
		}
		var q Question
		if err := json.Unmarshal(sc.Bytes(), &q); err != nil {
			return nil, fmt.Errorf("read questions: line %d: %w", line, err)
		}
		qs = append(qs, q)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read questions: %w", err)
	}
	return qs, nil
}

// LoadQuestions reads a questions.jsonl file.
func LoadQuestions(path string) ([]Question, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("read questions: %w", err)
	}
	defer f.Close()
	qs, err := readQuestions(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return qs, nil
}

// Metrics are score.py's figures over the questions that have gold.
type Metrics struct {
	Questions int     // questions with gold
	Missing   int     // of those, questions with no results line
	Hit1      float64 // a hit at rank 1
	Hit5      float64 // a hit within the top 5
	Hit10     float64 // a hit within the top 10
	MRR10     float64 // mean reciprocal rank of the first hit in the top 10
	Recall10  float64 // share of a question's gold spans hit by the top 10
	// AnsHit5 is the share of questions with an answer whose answer string
	// is in a top-5 sentence; valid only when Answered > 0.
	AnsHit5  float64
	Answered int // questions with an answer string
}

// Hits reports whether a result overlaps a gold span by at least half of
// the shorter of the two, in the same article: score.py's hit.
func Hits(r, g Span) bool { return hit(r, g) }

// hit reports whether a result overlaps a gold span by at least half of the
// shorter of the two.
func hit(r, g Span) bool {
	if r.Article != g.Article {
		return false
	}
	ov := min(r.End, g.End) - max(r.Start, g.Start)
	return ov > 0 && float64(ov) >= 0.5*float64(min(r.End-r.Start, g.End-g.Start))
}

// Score computes the metrics of results (by qid, best first) for qs. A
// question without a results entry counts as missing and scores zero.
func Score(qs []Question, results map[string][]Span) Metrics {
	var m Metrics
	var ah int
	for _, q := range qs {
		if len(q.Gold) == 0 {
			continue
		}
		m.Questions++
		rs, ok := results[q.QID]
		if !ok {
			m.Missing++
		}
		top := rs[:min(10, len(rs))]
		rank := 0
		for i, r := range top {
			if hitsAny(r, q.Gold) {
				rank = i + 1
				break
			}
		}
		if rank == 1 {
			m.Hit1++
		}
		if rank > 0 && rank <= 5 {
			m.Hit5++
		}
		if rank > 0 {
			m.Hit10++
			m.MRR10 += 1 / float64(rank)
		}
		covered := 0
		for _, g := range q.Gold {
			for _, r := range top {
				if hit(r, g) {
					covered++
					break
				}
			}
		}
		m.Recall10 += float64(covered) / float64(len(q.Gold))
		if q.Answer != "" {
			m.Answered++
			if answerIn(q.Answer, rs[:min(5, len(rs))]) {
				ah++
			}
		}
	}
	if m.Questions > 0 {
		n := float64(m.Questions)
		m.Hit1 /= n
		m.Hit5 /= n
		m.Hit10 /= n
		m.MRR10 /= n
		m.Recall10 /= n
	}
	if m.Answered > 0 {
		m.AnsHit5 = float64(ah) / float64(m.Answered)
	}
	return m
}

func hitsAny(r Span, gold []Span) bool {
	for _, g := range gold {
		if hit(r, g) {
			return true
		}
	}
	return false
}

// AnswerIn reports whether text contains any option of answer (options
// are separated by " | "), ignoring case, as score.py's AnsHit does.
func AnswerIn(answer, text string) bool { return answerIn(answer, []Span{{Text: text}}) }

// answerIn reports whether any option of answer (options are separated by
// " | ") is in one of the sentences, ignoring case; as score.py, options
// are trimmed of spaces and quotes and lower-cased with Unicode rules.
func answerIn(answer string, rs []Span) bool {
	for _, o := range strings.Split(answer, " | ") {
		if strings.TrimSpace(o) == "" {
			continue
		}
		o = strings.ToLower(strings.Trim(o, " “”\"'"))
		if o == "" {
			continue
		}
		for _, r := range rs {
			if strings.Contains(strings.ToLower(r.Text), o) {
				return true
			}
		}
	}
	return false
}

// String formats the metrics on one line, as score.py does.
func (m Metrics) String() string {
	s := fmt.Sprintf("questions=%d missing=%d Hit@1=%.3f Hit@5=%.3f Hit@10=%.3f MRR@10=%.3f Recall@10=%.3f",
		m.Questions, m.Missing, m.Hit1, m.Hit5, m.Hit10, m.MRR10, m.Recall10)
	if m.Answered > 0 {
		s += fmt.Sprintf(" AnsHit@5=%.3f", m.AnsHit5)
	} else {
		s += " AnsHit@5=None"
	}
	return s
}
