package attribution

import "strings"

// resolveSpeakers sets each attribution's Speaker: its source when that
// names someone; for a pronoun, the nearest earlier speaker that is a name,
// else the nearest earlier run of capitalised words that is not the start
// of a sentence ("Sergei Lavrov"); the zero Span when there is none.
func resolveSpeakers(body string, toks []token, as []Attribution) {
	// Attributions are in content order; a source may come before or
	// after its content, so look back by source position.
	for i := range as {
		a := &as[i]
		if len(a.Source) == 0 {
			continue
		}
		src := a.Source[0]
		if !isPronoun(body[src.Start:src.End]) {
			a.Speaker = src
			continue
		}
		best := Span{}
		for _, b := range as {
			if len(b.Source) == 0 || b.Source[0].Start >= src.Start || b.Source[0].Start <= best.Start {
				continue
			}
			if s := b.Source[0]; !isPronoun(body[s.Start:s.End]) {
				best = s
			}
		}
		if best == (Span{}) {
			best = nameBefore(body, toks, src.Start)
		}
		a.Speaker = best
	}
}

// nameBefore returns the last run of capitalised words, at least one not
// the first word of its sentence, ending before off; the zero Span if none.
func nameBefore(body string, toks []token, off int) Span {
	i := len(toks) - 1
	for i >= 0 && int(toks[i].start) >= off {
		i--
	}
	for ; i >= 0; i-- {
		if !toks[i].cap || toks[i].sent || toks[i].quoted {
			continue
		}
		w := body[toks[i].start:toks[i].end]
		if isPronoun(w) || isTitleWord(w) {
			continue
		}
		b := i
		a := i
		for a > 0 && (toks[a-1].cap || body[toks[a-1].start:toks[a-1].end] == ".") && !toks[a].sent && !toks[a-1].quoted {
			a--
		}
		for a < b && body[toks[a].start:toks[a].end] == "." {
			a++
		}
		return Span{int(toks[a].start), int(toks[b].end)}
	}
	return Span{}
}

// isTitleWord reports words written with a capital that name no one.
func isTitleWord(w string) bool {
	switch w {
	case "The", "A", "An", "In", "On", "At", "But", "And", "It", "This", "That", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday",
		"January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December":
		return true
	}
	return false
}

// isPronoun reports whether a source's text is a pronoun that stands for
// a name given elsewhere.
func isPronoun(s string) bool {
	switch strings.ToLower(s) {
	case "he", "she", "they", "him", "her", "his", "them", "their", "who", "i", "we", "it", "you", "which", "that", "whom", "its":
		return true
	}
	return false
}
