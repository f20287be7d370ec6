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

// score scores results against pages as score_extraction.py does: each
// page is matched to the result with its URL (a final "/" ignored; the
// last such result), else to the first of those sharing the most words
// with it; word-level F1 over bags of lower-cased words (Python's \w+:
// letters, numbers and "_").
func score(pages []page, results []extracted) scores {
	var s scores
	byURL := map[string]int{}
	bags := make([]map[string]int, len(results))
	for i, r := range results {
		if r.URL != "" {
			byURL[strings.TrimRight(r.URL, "/")] = i
		}
		bags[i] = words(r.Body)
	}
	f1s := make([]float64, len(pages))
	for i, p := range pages {
		truth := words(p.truth)
		j, ok := byURL[strings.TrimRight(p.url, "/")]
		if !ok {
			best := -1
			for k, b := range bags {
				if o := overlap(truth, b); o > best {
					best, j = o, k
				}
			}
		}
		f, prec := f1(truth, bags[j])
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

// overlap is the number of words two bags share.
func overlap(a, b map[string]int) int {
	n := 0
	for w, c := range a {
		n += min(c, b[w])
	}
	return n
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
