package attribution

// cueWords are the verbs of saying the rules know (the tagger learns the
// rest).
var cueWords = hashSet("said", "says", "say", "told", "tells", "added", "adds", "wrote", "writes", "asked", "noted", "stated", "argued", "claimed", "explained", "tweeted", "announced", "insisted", "warned", "reported", "declared", "saying", "adding", "telling", "acknowledged", "suggested", "continued", "recalled", "replied", "responded")

func hashSet(ws ...string) map[uint64]bool {
	m := make(map[uint64]bool, len(ws))
	for _, w := range ws {
		m[lowerHash(w)] = true
	}
	return m
}

// ruleLabels labels toks by rules: quotations as contents, "X said" and
// "said X" with the rest of the sentence as content, "according to X".
func ruleLabels(body string, toks []token, labels []uint8) {
	hAccording, hTo, hThat := lowerHash("according"), lowerHash("to"), lowerHash("that")
	n := len(toks)
	for s := 0; s < n; {
		e := s + 1
		for e < n && !toks[e].sent {
			e++
		}
		// Quotations of three words or more, marks included.
		for i := s; i < e; i++ {
			if toks[i].kind != kOpen {
				continue
			}
			j := i + 1
			for j < e && toks[j].quoted {
				j++
			}
			if j-i-1 >= 3 {
				end := j
				if j < e && toks[j].kind == kClose {
					end = j + 1
				}
				setChunk(labels, i, end, lBCon)
			}
			i = j
		}
		for i := s; i < e; i++ {
			t := toks[i]
			if t.quoted {
				continue
			}
			if t.h == hAccording && i+1 < e && toks[i+1].h == hTo {
				setChunk(labels, i, i+2, lBCue)
				a, b := nameAfter(body, toks, i+2, e)
				if b > a {
					setChunk(labels, a, b, lBSrc)
				}
				if a > s && i > s {
					fillContent(toks, labels, s, i)
				} else {
					fillContent(toks, labels, b, e)
				}
				continue
			}
			if !cueWords[t.h] {
				continue
			}
			setChunk(labels, i, i+1, lBCue)
			if a, b := nameBeforeTok(body, toks, s, i); b > a {
				setChunk(labels, a, b, lBSrc)
				k := i + 1
				if k < e && toks[k].h == hThat {
					k++
				}
				if k < e && toks[k].kind == kPunct && (body[toks[k].start] == ',' || body[toks[k].start] == ':') {
					k++
				}
				if a > s+2 && toks[a-1].kind == kPunct && body[toks[a-1].start] == ',' {
					fillContent(toks, labels, s, a-1)
				} else {
					fillContent(toks, labels, k, e)
				}
			} else if a, b := nameAfter(body, toks, i+1, e); b > a {
				setChunk(labels, a, b, lBSrc)
				if i > s+1 && toks[i-1].kind == kPunct {
					fillContent(toks, labels, s, i-1)
				}
			}
		}
		s = e
	}
}

// setChunk labels tokens [a, b) as one chunk starting with the B label b0.
func setChunk(labels []uint8, a, b int, b0 uint8) {
	labels[a] = b0
	for i := a + 1; i < b; i++ {
		labels[i] = b0 + 1
	}
}

// fillContent labels [a, b) as content, less a final full stop, unless
// some of it is labelled already (a quotation).
func fillContent(toks []token, labels []uint8, a, b int) {
	for b > a && toks[b-1].kind == kPunct {
		b--
	}
	if b-a < 2 {
		return
	}
	for i := a; i < b; i++ {
		if labels[i] != lO {
			return
		}
	}
	setChunk(labels, a, b, lBCon)
}

// nameBeforeTok returns the source ending just before the cue at i: a
// pronoun or a run of capitalised words (with their dots), allowing
// "also" or "has" between; [a, a) if none.
func nameBeforeTok(body string, toks []token, s, i int) (int, int) {
	b := i
	for b > s && isAux(body[toks[b-1].start:toks[b-1].end]) {
		b--
	}
	if b == s {
		return 0, 0
	}
	w := body[toks[b-1].start:toks[b-1].end]
	if isPronoun(w) && w != "that" && w != "which" && w != "it" {
		return b - 1, b
	}
	a := b
	for a > s && (toks[a-1].cap || body[toks[a-1].start:toks[a-1].end] == "." && a-1 > s && toks[a-2].cap) && !toks[a-1].quoted {
		a--
	}
	return a, b
}

// nameAfter returns the source starting at i: a pronoun or a run of
// capitalised words.
func nameAfter(body string, toks []token, i, e int) (int, int) {
	if i >= e {
		return i, i
	}
	w := body[toks[i].start:toks[i].end]
	if isPronoun(w) {
		return i, i + 1
	}
	b := i
	for b < e && (toks[b].cap || body[toks[b].start:toks[b].end] == "." && b > i) {
		b++
	}
	return i, b
}

// isAux reports the words that come between a source and its cue:
// auxiliaries, negations and adverbs ("has also said", "was quoted as",
// "repeatedly claimed").
func isAux(w string) bool {
	switch w {
	case "also", "has", "had", "have", "later", "then", "previously", "once", "recently", "would", "will", "repeatedly", "often",
		"is", "are", "was", "were", "be", "been", "being", "not", "never", "did", "does", "do", "could", "should", "may", "might", "can", "must", "still", "already", "even", "just", "only", "now", "first", "again", "who", "which", "that":
		return true
	}
	return len(w) > 4 && w[len(w)-2:] == "ly"
}
