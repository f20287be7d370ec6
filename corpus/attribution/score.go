package attribution

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"
)

// Scores are the figures of ../shared/eval/score_attribution.py, computed
// the same way (see Score).
type Scores struct {
	Gold, Pred, Match, SourceOK                      int
	ContentPrecision, ContentRecall, ContentF1       float64
	SourceAccuracy, AttributionRecall, AttributionF1 float64
	Direct, Indirect                                 KindScores
}

// KindScores are the recalls for one kind of gold attribution: direct
// (its content holds a quotation mark) or indirect.
type KindScores struct {
	Gold, Match, SourceOK                            int
	ContentRecall, SourceAccuracy, AttributionRecall float64
}

func (s Scores) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "attributions: gold %d, predicted %d; content P %.3f R %.3f F1 %.3f; source accuracy %.3f; attribution F1 %.3f",
		s.Gold, s.Pred, s.ContentPrecision, s.ContentRecall, s.ContentF1, s.SourceAccuracy, s.AttributionF1)
	for _, k := range []struct {
		name string
		k    KindScores
	}{{"direct", s.Direct}, {"indirect", s.Indirect}} {
		fmt.Fprintf(&b, "\n  %s: gold %d, content recall %.3f, source accuracy %.3f, attribution recall %.3f", k.name, k.k.Gold, k.k.ContentRecall, k.k.SourceAccuracy, k.k.AttributionRecall)
	}
	return b.String()
}

// Score scores pred against gold, both by article ID, as
// score_attribution.py does: a predicted attribution matches a gold one
// when their contents overlap by at least half of the shorter, one to one,
// greedily by overlap; a match has the right source when the sources
// overlap. bodies gives the articles' text, for telling direct quotations
// from reported speech.
func Score(gold, pred map[string][]Attribution, bodies map[string]string) Scores {
	var s Scores
	for art, gs := range gold {
		ps := pred[art]
		s.Pred += len(ps)
		type cand struct{ ov, i, j int }
		var cands []cand
		for i, g := range gs {
			for j, p := range ps {
				ov := overlap(g.Content, p.Content)
				if ov > 0 && float64(ov) >= 0.5*float64(min(length(g.Content), length(p.Content))) {
					cands = append(cands, cand{ov, i, j})
				}
			}
		}
		// Python sorts the tuples (ov, i, j) descending.
		sort.Slice(cands, func(a, b int) bool {
			x, y := cands[a], cands[b]
			if x.ov != y.ov {
				return x.ov > y.ov
			}
			if x.i != y.i {
				return x.i > y.i
			}
			return x.j > y.j
		})
		usedG, usedP := map[int]bool{}, map[int]bool{}
		body := bodies[art]
		direct := func(g Attribution) bool {
			for _, c := range g.Content {
				if c.End <= len(body) && strings.ContainsAny(body[c.Start:c.End], "\"“”") {
					return true
				}
			}
			return false
		}
		for _, g := range gs {
			s.Gold++
			if direct(g) {
				s.Direct.Gold++
			} else {
				s.Indirect.Gold++
			}
		}
		for _, c := range cands {
			if usedG[c.i] || usedP[c.j] {
				continue
			}
			usedG[c.i], usedP[c.j] = true, true
			g, p := gs[c.i], ps[c.j]
			ok := len(g.Source) > 0 && overlap(g.Source, p.Source) > 0
			k := &s.Indirect
			if direct(g) {
				k = &s.Direct
			}
			s.Match++
			k.Match++
			if ok {
				s.SourceOK++
				k.SourceOK++
			}
		}
	}
	div := func(a, b int) float64 {
		if b == 0 {
			return 0
		}
		return float64(a) / float64(b)
	}
	f1 := func(p, r float64) float64 {
		if p == 0 || r == 0 {
			return 0
		}
		return 2 * p * r / (p + r)
	}
	s.ContentPrecision, s.ContentRecall = div(s.Match, s.Pred), div(s.Match, s.Gold)
	s.ContentF1 = f1(s.ContentPrecision, s.ContentRecall)
	s.SourceAccuracy, s.AttributionRecall = div(s.SourceOK, s.Match), div(s.SourceOK, s.Gold)
	s.AttributionF1 = f1(div(s.SourceOK, s.Pred), s.AttributionRecall)
	for _, k := range []*KindScores{&s.Direct, &s.Indirect} {
		k.ContentRecall, k.SourceAccuracy, k.AttributionRecall = div(k.Match, k.Gold), div(k.SourceOK, k.Match), div(k.SourceOK, k.Gold)
	}
	return s
}

func length(ss []Span) int {
	n := 0
	for _, s := range ss {
		n += s.End - s.Start
	}
	return n
}

func overlap(a, b []Span) int {
	n := 0
	for _, x := range a {
		for _, y := range b {
			n += max(0, min(x.End, y.End)-max(x.Start, y.Start))
		}
	}
	return n
}

// ReadSet reads attributions by article from JSON Lines in the format of
// ../shared/eval/attribution/attributions.jsonl and of `bot attributions`:
// {"article": ID, "attributions": [{"source": [{"start", "end"}], "cue":
// [...], "content": [...]}]}. Lines with an "error" are skipped.
func ReadSet(r io.Reader) (map[string][]Attribution, error) {
	type span struct{ Start, End int }
	out := map[string][]Attribution{}
	sc := bufio.NewScanner(r)
	sc.Buffer(nil, 64<<20)
	for line := 1; sc.Scan(); line++ {
		if strings.TrimSpace(sc.Text()) == "" {
			continue
		}
		var rec struct {
			Article      *string
			Error        string
			Attributions []struct{ Source, Cue, Content []span }
		}
		if err := json.Unmarshal(sc.Bytes(), &rec); err != nil {
			return nil, fmt.Errorf("read attributions: line %d: %w", line, err)
		}
		if rec.Article == nil || rec.Error != "" {
			continue
		}
		conv := func(ss []span) []Span {
			var o []Span
			for _, s := range ss {
				o = append(o, Span(s))
			}
			return o
		}
		as := []Attribution{}
		for _, a := range rec.Attributions {
			as = append(as, Attribution{Source: conv(a.Source), Cue: conv(a.Cue), Content: conv(a.Content)})
		}
		out[*rec.Article] = as
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read attributions: %w", err)
	}
	return out, nil
}
