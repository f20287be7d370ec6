package load

import (
	"io"
	"regexp"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// What a reader of rendered Markdown does not see never reaches the Body:
// stripHiddenMarkdown removes
//
//   - HTML comments (<!-- ... -->; one left open runs to the end, as
//     CommonMark renders it);
//   - link reference definitions, which render as nothing, the
//     "[//]: # (comment)" idiom among them;
//   - images, whose alt text is not shown where the image is ("![alt](src)",
//     "![alt][ref]");
//   - raw HTML elements, with all they hold, that are not rendered or not
//     seen by their attributes and inline style, by the rules for pages
//     (hidden, aria-hidden, display:none, font-size:0, white on white...;
//     see hidden.go), and <script>, <style>, <template> and <noscript>.
//
// Everything else stays as written, inline markup included.
func stripHiddenMarkdown(s string) string {
	s = stripHTMLComments(s)
	s = refDefinition.ReplaceAllString(s, "")
	s = mdImage.ReplaceAllString(s, "")
	return stripHiddenRawHTML(s)
}

var (
	// refDefinition is a link reference definition line: up to three
	// spaces, [label]:, a destination.
	refDefinition = regexp.MustCompile(`(?m)^ {0,3}\[[^\]\n]+\]:[ \t]*\S.*(?:\n|$)`)
	// mdImage is an inline or reference image.
	mdImage = regexp.MustCompile(`!\[[^\]\n]*\](?:\([^)\n]*\)|\[[^\]\n]*\])`)
)

func stripHTMLComments(s string) string {
	for {
		i := strings.Index(s, "<!--")
		if i < 0 {
			return s
		}
		j := strings.Index(s[i+4:], "-->")
		if j < 0 {
			return s[:i]
		}
		s = s[:i] + s[i+4+j+3:]
	}
}

// stripHiddenRawHTML removes the raw HTML elements of s that are not seen.
func stripHiddenRawHTML(s string) string {
	var b strings.Builder
	for {
		i := nextTag(s)
		if i < 0 {
			b.WriteString(s)
			return b.String()
		}
		b.WriteString(s[:i])
		n, hidden := rawElement(s[i:])
		if hidden {
			s = s[i+n:]
			continue
		}
		b.WriteString(s[i : i+n])
		s = s[i+n:]
	}
}

// nextTag is the offset of the next "<" that opens a start tag, or -1.
func nextTag(s string) int {
	for off := 0; ; {
		i := strings.IndexByte(s[off:], '<')
		if i < 0 || off+i+1 >= len(s) {
			return -1
		}
		if c := s[off+i+1]; c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' {
			return off + i
		}
		off += i + 1
	}
}

// rawElement reads the element whose start tag opens s: the bytes of its
// start tag, or of the whole element (to its matching end tag, else to the
// end of its paragraph) when it is hidden.
func rawElement(s string) (n int, hidden bool) {
	z := html.NewTokenizer(strings.NewReader(s))
	if z.Next() != html.StartTagToken {
		return 1, false
	}
	n = len(z.Raw())
	tok := z.Token()
	el := &html.Node{Type: html.ElementNode, Data: tok.Data, DataAtom: tok.DataAtom, Attr: tok.Attr}
	st := style{}
	for _, d := range parseDecls(attr(el, "style")) {
		st[d.prop] = d.value
	}
	white := rgba{255, 255, 255, 1, true}
	switch tok.DataAtom {
	case atom.Script, atom.Style, atom.Template, atom.Noscript:
		hidden = true
	default:
		hidden = elementHidden(el, st) || visibility{bg: white}.child(el, st).textHidden()
	}
	if !hidden {
		return n, false
	}
	// Find the matching end tag.
	depth := 1
	end := n
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			if z.Err() == io.EOF {
				break
			}
			break
		}
		end += len(z.Raw())
		name, _ := z.TagName()
		if string(name) != tok.Data {
			continue
		}
		switch tt {
		case html.StartTagToken:
			depth++
		case html.EndTagToken:
			depth--
		}
		if depth == 0 {
			return end, true
		}
	}
	// Never closed: hide it to the end of its paragraph.
	if k := strings.Index(s[n:], "\n\n"); k >= 0 {
		return n + k, true
	}
	return len(s), true
}
