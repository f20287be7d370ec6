package main

import (
	"sort"
	"strings"
	"unicode"
)

// scores are a candidate's figures over the benchmark.
type scores struct {
	mean, median float64
	lowPrecision int // pages whose precision is below 0.8
	dated        int // pages given a publication date
	datedStating int // of the pages that state one, those given a date
}

// score scores results[i] against pages[i] as score_extraction.py does:
// word-level F1 over bags of lower-cased words (Python's \w+: letters,
// numbers and "_"). Results are matched to pages by position, since each
// candidate extracts each page on its own.
func score(pages []page, results []extracted) scores {
	var s scores
	f1s := make([]float64, len(pages))
	for i, p := range pages {
		f, prec := f1(words(p.truth), words(results[i].Body))
		f1s[i] = f
		if prec < 0.8 {
			s.lowPrecision++
		}
		if results[i].date {
			s.dated++
			if p.statesDate {
				s.datedStating++
			}
		}
	}
	var sum float64
	for _, f := range f1s {
		sum += f
	}
	s.mean = sum / float64(len(f1s))
	sort.Float64s(f1s)
	n := len(f1s)
	if n%2 == 1 {
		s.median = f1s[n/2]
	} else {
		s.median = (f1s[n/2-1] + f1s[n/2]) / 2
	}
	return s
}

// words is the bag of lower-cased words of s.
func words(s string) map[string]int {
	m := map[string]int{}
	for _, w := range strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
		return !(unicode.IsLetter(r) || unicode.IsNumber(r) || r == '_')
	}) {
		m[w]++
	}
	return m
}

// f1 is the word F1 of predicted against truth, and its precision.
func f1(truth, pred map[string]int) (f, precision float64) {
	tp, np, nt := 0, 0, 0
	for w, c := range pred {
		np += c
		tp += min(c, truth[w])
	}
	for _, c := range truth {
		nt += c
	}
	p := float64(tp) / float64(max(1, np))
	r := float64(tp) / float64(max(1, nt))
	if p+r == 0 {
		return 0, p
	}
	return 2 * p * r / (p + r), p
}
