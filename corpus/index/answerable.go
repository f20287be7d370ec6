package index

import "math"

// Answerability: whether the coverage answers the question with a given
// sentence, decided from the question's focus (its named things, what it
// asks about, the kind of answer it wants) and whether the sentence and
// its article supply it, not from the share of words in common alone. It
// is a logistic model over the features below, computed for a candidate
// from its ranking features and the question's; its weights
// (answerWeights) are learned by corpus/index/train from questions asked
// of their own coverage (answerable), of unrelated coverage and of their
// own coverage with the answering sentences taken out (not answerable).
// In featureNames' terms:
//
//	cov, own, ent, evt, subj, topic, artcov, artent, prox, phrase, ask,
//	surp, artsurp
//	          the candidate's features of the same name
//	atype     the candidate's atype when the question asks for a kind of
//	          answer, else 1 (nothing is missing)
//	entfound  share of the weight of the question's named things that the
//	          index holds at all, 1 when it names none: coverage that never
//	          names what the question is about cannot answer it
//	bestart   the best artcov of any candidate of the pool: whether any
//	          article holds the question's terms together
//	typeok    0 when the question asks for a number or a time ("how many",
//	          "when") and the sentence holds none, else 1: such a sentence
//	          cannot answer it
//	evtany    0 when the sentence matches none of what the question asks
//	          about beyond its names (evt is 0: "How did Clinton travel to
//	          Moscow?" and a sentence with Clinton and Moscow only), else 1
const (
	aCov = iota
	aOwn
	aEnt
	aEvt
	aSubj
	aTopic
	aArtCov
	aArtEnt
	aProx
	aPhrase
	aAsk
	aSurp
	aArtSurp
	aAType
	aEntFound
	aBestArt
	aTypeOK
	aEvtAny
	numAnswerFeatures
)

var answerFeatureNames = [numAnswerFeatures]string{
	"cov", "own", "ent", "evt", "subj", "topic", "artcov", "artent", "prox", "phrase", "ask",
	"surp", "artsurp", "atype", "entfound", "bestart", "typeok",
	"evtany",
}

// answerFeatures returns the answerability features of candidate c, whose
// stage-3 features must be computed.
func (s *search) answerFeatures(c *cand) [numAnswerFeatures]float64 {
	var a [numAnswerFeatures]float64
	x := &c.x
	for i, f := range [...]int{fCov, fOwn, fEnt, fEvt, fSubj, fTopic, fArtCov, fArtEnt, fProx, fPhrase, fAsk, fSurp, fArtSurp} {
		a[aCov+i] = float64(x[f])
	}
	a[aAType] = 1
	if s.q.want != wantNothing {
		a[aAType] = float64(max(x[fAType], x[fAType2]))
	}
	a[aEntFound] = s.entFound
	a[aBestArt] = s.bestArt
	a[aTypeOK] = 1
	if (s.q.want == wantNumber || s.q.want == wantTime) && x[fAType] == 0 {
		a[aTypeOK] = 0
	}
	a[aEvtAny] = 1
	if x[fEvt] == 0 {
		a[aEvtAny] = 0
	}

	return a
}

// answers is Hit.Answers for candidate c: the logistic model, whose
// intercept puts the operating point the training script picked at 0.5.
func (s *search) answers(c *cand) float64 {
	s.words(c)
	a := s.answerFeatures(c)
	z := answerWeights[numAnswerFeatures]
	for i, v := range a {
		z += answerWeights[i] * v
	}
	return 1 / (1 + math.Exp(-z))
}
