package main

import (
	"math"
	"testing"
)

// The fit separates separable data, and a weight held non-negative stays
// at 0 when the data would make it negative.
func TestFitLogistic(t *testing.T) {
	var data []sample
	for i := range 40 {
		x := float64(i%10) / 10
		y := 1.0
		if x < 0.5 {
			y = -1
		}
		// z[0] predicts the label; z[1] predicts it backwards.
		data = append(data, sample{z: []float64{x - 0.5, 0.5 - x, 1}, y: y, c: 1})
	}
	w := fitLogistic(data, []float64{1e-3, 1e-3, 0}, nil)
	if w[0] <= w[1] {
		t.Errorf("unconstrained weights %v: want the first above the second", w)
	}
	w = fitLogistic(data, []float64{1e-3, 1e-3, 0}, []bool{false, true, false})
	if w[1] != 0 || w[0] <= 0 {
		t.Errorf("constrained weights %v: want the second held at 0, the first positive", w)
	}
	for _, s := range data {
		if m := s.y * dot(w, s.z); s.z[0] != 0 && m <= 0 {
			t.Errorf("sample %v misclassified (margin %v)", s.z, m)
		}
	}
	if math.IsNaN(w[0]) {
		t.Fatal("NaN weight")
	}
}

func TestSurnameAndTopic(t *testing.T) {
	for _, tt := range []struct {
		source []annSpan
		want   string
	}{
		{[]annSpan{{Text: "Hillary Clinton"}}, "Clinton"},
		{[]annSpan{{Text: "Sen. Ted Cruz's campaign"}}, "Cruz"},
		{[]annSpan{{Text: "he"}}, ""},
		{[]annSpan{{Text: "the spokesman"}}, ""},
	} {
		if got := surnameOf(tt.source); got != tt.want {
			t.Errorf("surnameOf(%q) = %q, want %q", tt.source[0].Text, got, tt.want)
		}
	}
	body := "immigration was the issue. immigration, again. taxes once."
	if got := topicOf([]annSpan{{Text: "we must fix immigration and taxes"}}, body); got != "immigration" {
		t.Errorf("topicOf = %q, want the word the article uses most", got)
	}
	if got := topicOf([]annSpan{{Text: "taxes"}}, body); got != "" {
		t.Errorf("topicOf = %q, want none for a word used once", got)
	}
}
