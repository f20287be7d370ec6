package index

import (
	"math"
	"strconv"
	"strings"
	"sync"
)

// The weight of a question term is its IDF over the coverage's sentences,
// blended with its IDF over a background of general news sentences
// (background.go: the shared training corpora, about 340,000 sentences)
// by the size of the coverage: a coverage of n sentences weighs its own
// IDF n/(n+backgroundBlend) and the background's the rest. On a small
// coverage (the built-in two articles) a word it happens not to use is
// not thereby the question's most telling word: "held" in "Where were the
// talks held?" weighs as little as a common verb does in the news, while
// a name the background does not know ("Lavrov") weighs as a rare word
// does. On a large coverage its own counts decide.
const backgroundBlend = 10000

// backgroundRare is the sentence frequency assumed for a term the
// background does not list (it lists those in at least 50 sentences).
const backgroundRare = 10

// backgroundFreqs parses backgroundTable, once.
var backgroundFreqs = sync.OnceValue(func() map[string]int {
	m := make(map[string]int, strings.Count(backgroundTable, "\n"))
	for line := range strings.Lines(backgroundTable) {
		term, n, ok := strings.Cut(strings.TrimSuffix(line, "\n"), " ")
		if !ok {
			continue
		}
		if v, err := strconv.Atoi(n); err == nil {
			m[term] = v
		}
	}
	return m
})

// idf returns the blended IDF of term (see above), given its sentence
// frequency df in the index.
func (ix *Index) idf(term string, df float64) float64 {
	return blendedIDF(float64(len(ix.sents)), term, df)
}

// blendedIDF is idf for a coverage of nS sentences.
func blendedIDF(nS float64, term string, df float64) float64 {
	own := math.Log(1 + (nS-df+0.5)/(df+0.5))
	alpha := nS / (nS + backgroundBlend)
	if alpha >= 1 {
		return own
	}
	bdf, ok := backgroundFreqs()[term]
	if !ok {
		bdf = backgroundRare
	}
	nB := float64(backgroundSentences)
	bg := math.Log(1 + (nB-float64(bdf)+0.5)/(float64(bdf)+0.5))
	// On the coverage's own scale: the background's rarest term weighs as
	// the coverage's would.
	bg *= math.Log(1+(nS+0.5)/0.5) / math.Log(1+(nB+0.5)/0.5)
	return alpha*own + (1-alpha)*bg
}
