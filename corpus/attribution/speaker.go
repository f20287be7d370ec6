package attribution

import (
	"sort"
	"strings"
)

// resolveSpeakers sets each attribution's Speaker. A source that names
// someone is its own speaker. For a pronoun: "who" and "which" stand for
// the name just before them in the sentence ("Mitt Romney, who said");
// the others ("he", "she", "they") for the nearer of the latest earlier
// source that is not a pronoun and the first name (a run of capitalised
// words, or a title and a name) of the nearest earlier sentence that has
// one, the source when both are in the same sentence. "I", "we" and "you"
// (the writer or the reader) and a pronoun with no name before it get the
// zero Span.
// sents is the sentence of each token.
func resolveSpeakers(body string, toks []token, sents []int32, as []Attribution) {
	tokAt := func(off int) int {
		return sort.Search(len(toks), func(i int) bool { return int(toks[i].start) >= off })
	}
	// The sources that name someone, by position, for the look back.
	var named []Span
	for _, a := range as {
		if len(a.Source) > 0 && !isPronoun(body[a.Source[0].Start:a.Source[0].End]) {
			named = append(named, a.Source[0])
		}
	}
	sort.Slice(named, func(i, j int) bool { return named[i].Start < named[j].Start })
	for i := range as {
		a := &as[i]
		if len(a.Source) == 0 {
			continue
		}
		src := a.Source[0]
		w := body[src.Start:src.End]
		if !isPronoun(w) {
			a.Speaker = src
			continue
		}
		ti := tokAt(src.Start)
		if ti >= len(toks) {
			continue
		}
		if lowerIs(w, "i") || lowerIs(w, "we") || lowerIs(w, "you") {
			continue // the writer, or the reader: no name in the text
		}
		if lowerIs(w, "who") || lowerIs(w, "which") || lowerIs(w, "that") {
			if n, ok := nameBefore(body, toks, ti, int(sents[ti])); ok {
				a.Speaker = n
			}
			continue
		}
		var best Span
		bestSent := int32(-1)
		if j := sort.Search(len(named), func(j int) bool { return named[j].Start >= src.Start }); j > 0 {
			best = named[j-1]
			bestSent = sents[tokAt(best.Start)]
		}
		// The first name of the nearest earlier sentence with one, up to
		// five sentences back; in the pronoun's own sentence, only before
		// it.
		for s := int(sents[ti]); s >= 0 && s >= int(sents[ti])-5 && int32(s) > bestSent; s-- {
			if n, ok := firstName(body, toks, sents, s, ti); ok {
				best = n
				break
			}
		}
		a.Speaker = best
	}
}

// firstName returns the first name in sentence s before token limit.
func firstName(body string, toks []token, sents []int32, s, limit int) (Span, bool) {
	i := sort.Search(len(sents), func(i int) bool { return int(sents[i]) >= s })
	for ; i < limit && i < len(toks) && int(sents[i]) == s; i++ {
		if a, b, ok := nameAt(body, toks, i, limit); ok {
			return Span{int(toks[a].start), int(toks[b-1].end)}, true
		}
	}
	return Span{}, false
}

// nameAt reports whether a name starts at token i: two or more
// capitalised words ("Sergei Lavrov", "Mr. Lavrov" with its dot), not in
// a quotation, ending before limit; it returns its tokens [a, b).
func nameAt(body string, toks []token, i, limit int) (int, int, bool) {
	if toks[i].quoted || !toks[i].cap || toks[i].kind != kWord || isTitleWord(body[toks[i].start:toks[i].end]) {
		return 0, 0, false
	}
	j, words := i, 0
	for j < limit && j < len(toks) && (j == i || !toks[j].sent) {
		t := toks[j]
		if t.kind == kWord && t.cap {
			words++
		} else if !(t.kind == kPunct && body[t.start] == '.' && j > i && toks[j-1].end == t.start && j+1 < len(toks) && toks[j+1].cap) {
			break
		}
		j++
	}
	return i, j, words >= 2
}

// nameBefore returns the last name, or else capitalised word, before
// token ti in sentence s: what "who" stands for.
func nameBefore(body string, toks []token, ti, s int) (Span, bool) {
	for j := ti - 1; j >= 0 && !(toks[j+1].sent && j+1 <= ti-1); j-- {
		if !toks[j].cap || toks[j].quoted || toks[j].kind != kWord {
			continue
		}
		a := j
		for a > 0 && !toks[a].sent && (toks[a-1].cap && toks[a-1].kind == kWord || toks[a-1].kind == kPunct && body[toks[a-1].start] == '.' && a > 1 && toks[a-2].cap) {
			a--
		}
		if isTitleWord(body[toks[a].start:toks[a].end]) && a < j {
			a++
		}
		return Span{int(toks[a].start), int(toks[j].end)}, true
	}
	return Span{}, false
}

// isTitleWord reports words written with a capital that name no one.
func isTitleWord(w string) bool {
	switch w {
	case "The", "A", "An", "In", "On", "At", "But", "And", "It", "This", "That", "As", "If", "When", "After", "Before", "For", "While", "So", "Yet",
		"Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday",
		"January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December":
		return true
	}
	return false
}

// isPronoun reports whether a source's text is a pronoun that stands for
// a name given elsewhere.
func isPronoun(s string) bool {
	if len(s) > 5 {
		return false
	}
	var b [5]byte
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		b[i] = c
	}
	switch string(b[:len(s)]) {
	case "he", "she", "they", "him", "her", "his", "them", "their", "who", "i", "we", "it", "you", "which", "that", "whom", "its":
		return true
	}
	return false
}

// lowerIs reports whether s is lower, ignoring ASCII case.
func lowerIs(s, lower string) bool { return strings.EqualFold(s, lower) }
