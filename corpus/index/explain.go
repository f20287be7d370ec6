package index

// Explain exposes what the ranking reads, for the training script
// (corpus/index/train) and for people debugging a ranking (bot search
// --explain): the pool of one search with every feature of every
// candidate. Search does the same work lazily; Explain does all of it.

// NumFeatures and NumAnswerFeatures are the lengths of
// Candidate.Features and Candidate.Answer. Features from FirstWordFeature
// on are computed from a sentence's words, for the RerankDepth candidates
// of best score without them (see Search).
const (
	NumFeatures       = numFeatures
	NumAnswerFeatures = numAnswerFeatures
	FirstWordFeature  = firstToken
	RerankDepth       = rerankDepth
)

// FeatureNames returns the names of the ranking features, in the order
// of Candidate.Features (see the comment on the ranking in search.go).
func FeatureNames() []string { return append([]string(nil), featureNames[:]...) }

// AnswerFeatureNames returns the names of the answerability features, in
// the order of Candidate.Answer (see answerable.go).
func AnswerFeatureNames() []string { return append([]string(nil), answerFeatureNames[:]...) }

// Candidate is one sentence of a search's pool. Its Hit's Score and
// Answers are those of the built-in weights.
type Candidate struct {
	Hit
	// Features are its ranking features, each in [0, 1].
	Features [NumFeatures]float64
	// Alone is true for a sentence that is its article's only one: it is
	// ranked with the weights for such sentences.
	Alone bool
	// Answer are its answerability features.
	Answer [NumAnswerFeatures]float64
}

// Pool is the first stage's candidates for a question, in no order.
type Pool struct {
	Candidates []Candidate
	// Want names the kind of answer the question asks for: nothing, name,
	// time, number, place, reason or statement.
	Want string
}

// Explain returns the pool Search would rank for question, every feature
// of every candidate computed; nil when no sentence matches.
func (ix *Index) Explain(question string) *Pool {
	if ix == nil || len(ix.sents) == 0 {
		return nil
	}
	s := ix.newSearch(question, poolSize)
	if s == nil {
		return nil
	}
	defer s.done()
	p := &Pool{Want: s.q.want.String()}
	for i := range s.cands {
		c := &s.cands[i]
		s.words(c)
		h := s.hits([]*cand{c})[0]
		pc := Candidate{Hit: h, Answer: s.answerFeatures(c)}
		for f, v := range c.x {
			pc.Features[f] = float64(v)
		}
		pc.Alone = c.single
		p.Candidates = append(p.Candidates, pc)
	}
	return p
}

// SentenceFrequencies returns, for every term of the index, the number of
// sentences that hold it (in their own words or their context): what the
// training script sums into the background frequencies (background.go).
func (ix *Index) SentenceFrequencies() map[string]int {
	out := make(map[string]int, len(ix.terms))
	for t, term := range ix.terms {
		out[term] = len(ix.post[t])
	}
	return out
}
