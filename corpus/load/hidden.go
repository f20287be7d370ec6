package load

import (
	"math"
	"sort"
	"strconv"
	"strings"

	"github.com/andybalholm/cascadia"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// What a reader of a page does not see never reaches the Body or the
// metadata. As far as a
// static page allows, the styles that hide text are resolved: the rules of
// the page's <style> blocks (matched to elements by their selectors, with
// the cascade's specificity, source order and !important) and each
// element's inline style. Removed with everything inside them are elements
// that are
//
//   - not rendered: display:none, visibility:hidden or collapse, the hidden
//     attribute, aria-hidden="true", <input type=hidden>, <script>, <style>,
//     <noscript>, <template>;
//   - transparent: opacity:0, transform:scale(0);
//   - off the screen: position:absolute or fixed with a left, top or right
//     offset of -999px or further, or text-indent of -999px or further;
//   - clipped away: a width or height (or max-) of at most 1px with
//     overflow hidden or clip, clip-path: inset(50%) or more, circle(0) or
//     ellipse(0 0), clip: rect() of no area.
//
// Text whose glyphs cannot be seen is hidden, while an element inside
// that sets its own visible style is kept: text with font-size 0 (or
// <font size=0>), until an element sets an absolute size; text whose
// colour is transparent, or whose colour against the background behind it
// (the nearest background colour set on it or an ancestor, white at the
// top; unknown under a background image) has a contrast ratio below 1.5
// (white on white, #fefefe on #fff).
//
// @media blocks apply only when their query is plain "screen" or "all":
// the width of the reader's screen is not known.

// hiddenProps are the CSS properties that decide visibility.
var hiddenProps = map[string]bool{
	"display": true, "visibility": true, "opacity": true, "transform": true,
	"position": true, "left": true, "top": true, "right": true, "text-indent": true,
	"width": true, "height": true, "max-width": true, "max-height": true,
	"overflow": true, "overflow-x": true, "overflow-y": true, "clip-path": true, "clip": true,
	"font-size": true, "color": true, "background-color": true, "background": true,
}

// cssRule is one selector of a style rule with its declarations, and the
// key of its rightmost compound selector ("#id", ".class", "tag", or ""
// for any element) that an element must have to match it.
type cssRule struct {
	sel   cascadia.Sel
	spec  cascadia.Specificity
	order int
	decls []cssDecl
	key   string
}

type cssDecl struct {
	prop, value string
	important   bool
}

// styleSheet is the rules of a page's <style> blocks.
type styleSheet []cssRule

// ruleKey is the key of a selector (see cssRule): an id of its rightmost
// compound, else a class, else its type; "" when it has none of them.
func ruleKey(sel string) string {
	last := sel
	depth := 0
	for i := len(sel) - 1; i >= 0; i-- {
		switch c := sel[i]; c {
		case ')', ']':
			depth++
		case '(', '[':
			depth--
		case ' ', '>', '+', '~', '\t', '\n':
			if depth == 0 {
				last = sel[i+1:]
				i = -1
			}
		}
	}
	// Drop pseudo-classes and attribute selectors: they only narrow.
	if i := strings.IndexAny(last, ":["); i >= 0 {
		last = last[:i]
	}
	name := func(s string) string {
		end := strings.IndexAny(s, ".#")
		if end < 0 {
			end = len(s)
		}
		return strings.ToLower(s[:end])
	}
	if i := strings.IndexByte(last, '#'); i >= 0 {
		return "#" + name(last[i+1:])
	}
	if i := strings.IndexByte(last, '.'); i >= 0 {
		return "." + name(last[i+1:])
	}
	if t := name(last); t != "" && t != "*" {
		return t
	}
	return ""
}

// readStyleSheet collects and parses the page's <style> blocks.
func readStyleSheet(doc *html.Node) styleSheet {
	var css strings.Builder
	var visit func(n *html.Node)
	visit = func(n *html.Node) {
		if n.Type == html.ElementNode && n.DataAtom == atom.Style {
			if media := strings.TrimSpace(strings.ToLower(attr(n, "media"))); media == "" || mediaApplies(media) {
				for c := n.FirstChild; c != nil; c = c.NextSibling {
					if c.Type == html.TextNode {
						css.WriteString(c.Data)
						css.WriteByte('\n')
					}
				}
			}
			return
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			visit(c)
		}
	}
	visit(doc)
	var sheet styleSheet
	parseCSS(stripCSSComments(css.String()), &sheet)
	return sheet
}

// mediaApplies reports whether a media query surely applies to a screen
// of unknown size.
func mediaApplies(q string) bool {
	q = strings.Join(strings.Fields(strings.TrimPrefix(strings.TrimSpace(q), "only ")), " ")
	return q == "screen" || q == "all"
}

func stripCSSComments(s string) string {
	for {
		i := strings.Index(s, "/*")
		if i < 0 {
			return s
		}
		j := strings.Index(s[i+2:], "*/")
		if j < 0 {
			return s[:i]
		}
		s = s[:i] + " " + s[i+2+j+2:]
	}
}

// parseCSS appends the rules of css to sheet, only those declaring a
// property that decides visibility.
func parseCSS(css string, sheet *styleSheet) {
	for len(css) > 0 {
		open := strings.IndexByte(css, '{')
		if open < 0 {
			return
		}
		prelude := strings.TrimSpace(css[:open])
		end := matchingBrace(css, open)
		block := css[open+1 : end]
		if end < len(css) {
			end++
		}
		css = css[end:]
		if strings.HasPrefix(prelude, "@") {
			if q, ok := strings.CutPrefix(strings.ToLower(prelude), "@media"); ok && mediaApplies(q) {
				parseCSS(block, sheet)
			}
			continue
		}
		// A stray ";" (after an @import, say) ends up in the prelude.
		if i := strings.LastIndexByte(prelude, ';'); i >= 0 {
			prelude = strings.TrimSpace(prelude[i+1:])
		}
		decls := parseDecls(block)
		if len(decls) == 0 {
			continue
		}
		for _, part := range splitSelectors(prelude) {
			sel, err := cascadia.Parse(part)
			if err != nil {
				continue // a selector cascadia cannot match (:hover...) never applies statically
			}
			*sheet = append(*sheet, cssRule{sel: sel, spec: sel.Specificity(), order: len(*sheet), decls: decls, key: ruleKey(part)})
		}
	}
}

// matchingBrace is the index of the "}" closing the "{" at open, or
// len(s).
func matchingBrace(s string, open int) int {
	depth := 0
	for i := open; i < len(s); i++ {
		switch s[i] {
		case '{':
			depth++
		case '}':
			depth--
			if depth == 0 {
				return i
			}
		}
	}
	return len(s)
}

// splitSelectors splits a selector list at its top-level commas.
func splitSelectors(s string) []string {
	var out []string
	depth, start := 0, 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '(', '[':
			depth++
		case ')', ']':
			depth--
		case ',':
			if depth == 0 {
				out = append(out, strings.TrimSpace(s[start:i]))
				start = i + 1
			}
		}
	}
	return append(out, strings.TrimSpace(s[start:]))
}

// parseDecls reads a declaration block, keeping the properties that decide
// visibility.
func parseDecls(block string) []cssDecl {
	var out []cssDecl
	for _, d := range strings.Split(block, ";") {
		prop, value, ok := strings.Cut(d, ":")
		if !ok {
			continue
		}
		prop = strings.ToLower(strings.TrimSpace(prop))
		if !hiddenProps[prop] {
			continue
		}
		value = strings.ToLower(strings.Join(strings.Fields(value), " "))
		important := false
		if v, ok := strings.CutSuffix(value, "!important"); ok {
			value, important = strings.TrimSpace(v), true
		} else if v, ok := strings.CutSuffix(value, "! important"); ok {
			value, important = strings.TrimSpace(v), true
		}
		out = append(out, cssDecl{prop, value, important})
	}
	return out
}

// style is an element's computed values of the properties that decide
// visibility.
type style map[string]string

// computeStyles gives each element that a rule or its inline style
// touches its style, by the cascade.
func (sh styleSheet) computeStyles(doc *html.Node) map[*html.Node]style {
	type applied struct {
		decl      cssDecl
		spec      cascadia.Specificity
		order     int
		inline    bool
		important bool
	}
	byKey := map[string][]int{}
	for i, r := range sh {
		byKey[r.key] = append(byKey[r.key], i)
	}
	matched := map[*html.Node][]applied{}
	var candidates []int
	var visit func(n *html.Node)
	visit = func(n *html.Node) {
		if n.Type == html.ElementNode {
			candidates = append(candidates[:0], byKey[""]...)
			candidates = append(candidates, byKey[strings.ToLower(n.Data)]...)
			if id := attr(n, "id"); id != "" {
				candidates = append(candidates, byKey["#"+strings.ToLower(id)]...)
			}
			for _, c := range strings.Fields(attr(n, "class")) {
				candidates = append(candidates, byKey["."+strings.ToLower(c)]...)
			}
			for _, i := range candidates {
				if r := sh[i]; r.sel.Match(n) {
					for _, d := range r.decls {
						matched[n] = append(matched[n], applied{decl: d, spec: r.spec, order: r.order, important: d.important})
					}
				}
			}
			if s := attr(n, "style"); s != "" {
				for _, d := range parseDecls(s) {
					matched[n] = append(matched[n], applied{decl: d, inline: true, order: math.MaxInt32, important: d.important})
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			visit(c)
		}
	}
	visit(doc)
	out := make(map[*html.Node]style, len(matched))
	for n, as := range matched {
		sort.SliceStable(as, func(i, j int) bool {
			a, b := as[i], as[j]
			if a.important != b.important {
				return !a.important
			}
			if a.inline != b.inline {
				return !a.inline
			}
			if a.spec != b.spec {
				return a.spec.Less(b.spec)
			}
			return a.order < b.order
		})
		st := style{}
		for _, a := range as {
			st[a.decl.prop] = a.decl.value
		}
		out[n] = st
	}
	return out
}

// visibility is what an element passes to its children.
type visibility struct {
	zeroFont bool
	color    rgba // the text colour; ok false when not set (the default, dark)
	bg       rgba // the background behind; ok false when unknown
}

// Hidden text is marked rather than removed before the main text is
// extracted, so that the extractor weighs the page as it was written (how
// much text and how many links each part holds): each hidden text node is
// wrapped in hideOpen and hideClose, private-use characters that the page
// itself cannot contain (they are removed from its source first), and
// cutHidden removes what is between them from the extracted text.
const (
	hideOpen  = '\uE000'
	hideClose = '\uE001'
)

// markHidden marks in doc the text a reader does not see (see above).
func markHidden(doc *html.Node) {
	styles := readStyleSheet(doc).computeStyles(doc)
	white := rgba{255, 255, 255, 1, true}
	hideWalk(doc, styles, visibility{bg: white}, false)
}

func hideWalk(n *html.Node, styles map[*html.Node]style, v visibility, hidden bool) {
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		switch c.Type {
		case html.TextNode:
			if (hidden || v.textHidden()) && strings.TrimSpace(c.Data) != "" {
				c.Data = string(hideOpen) + c.Data + string(hideClose)
			}
		case html.ElementNode:
			switch c.DataAtom {
			case atom.Script, atom.Style:
				continue // never text; JSON-LD is read as metadata
			}
			st := styles[c]
			hideWalk(c, styles, v.child(c, st), hidden || elementHidden(c, st))
		default:
			hideWalk(c, styles, v, hidden)
		}
	}
}

// cutHidden removes the marked hidden text from s: from each hideOpen to
// the next hideClose (or to the end of its paragraph), then the space left
// around it.
func cutHidden(s string) string {
	if !strings.ContainsRune(s, hideOpen) && !strings.ContainsRune(s, hideClose) {
		return s
	}
	var b strings.Builder
	for len(s) > 0 {
		i := strings.IndexRune(s, hideOpen)
		if i < 0 {
			b.WriteString(s)
			break
		}
		b.WriteString(s[:i])
		s = s[i+len(string(hideOpen)):]
		j := strings.IndexRune(s, hideClose)
		k := strings.Index(s, "\n\n")
		switch {
		case j >= 0 && (k < 0 || j < k):
			s = s[j+len(string(hideClose)):]
		case k >= 0:
			s = s[k:]
		default:
			s = ""
		}
	}
	out := strings.ReplaceAll(b.String(), string(hideClose), "")
	var paras []string
	for _, p := range strings.Split(out, "\n\n") {
		var lines []string
		for _, line := range strings.Split(p, "\n") {
			if line = strings.Join(strings.Fields(line), " "); line != "" {
				lines = append(lines, line)
			}
		}
		if len(lines) > 0 {
			paras = append(paras, strings.Join(lines, "\n"))
		}
	}
	return strings.Join(paras, "\n\n")
}

// cutHiddenLine is cutHidden for a one-line metadata field.
func cutHiddenLine(s string) string { return oneLine(cutHidden(s)) }

// textHidden reports whether text with this visibility cannot be seen.
func (v visibility) textHidden() bool {
	if v.zeroFont {
		return true
	}
	if v.color.ok && v.color.a == 0 {
		return true
	}
	return v.color.ok && v.bg.ok && contrast(v.color, v.bg) < 1.5
}

// child is the visibility inside element n of computed style st.
func (v visibility) child(n *html.Node, st style) visibility {
	if n.DataAtom == atom.Font {
		if s := strings.TrimSpace(attr(n, "size")); s != "" {
			if k, err := strconv.Atoi(s); err == nil {
				v.zeroFont = k <= 0
			}
		}
		if c, ok := parseColor(attr(n, "color")); ok {
			v.color = c
		}
	}
	if fs, ok := st["font-size"]; ok {
		switch px, unit, ok := parseLength(fs); {
		case ok && px <= 0:
			v.zeroFont = true
		case ok && unit != "em" && unit != "%" && unit != "ex" && unit != "ch":
			v.zeroFont = false // an absolute size: text is seen again
		case !ok && fs != "inherit" && fs != "smaller" && fs != "larger":
			v.zeroFont = false // a keyword: medium, small...
		}
	}
	if c, ok := st["color"]; ok {
		if col, ok := parseColor(c); ok {
			v.color = col
		} else if c != "inherit" && c != "currentcolor" {
			v.color = rgba{} // a colour we cannot read: assume visible
		}
	}
	bg, hasBG := st["background-color"]
	if b, ok := st["background"]; ok {
		bg, hasBG = b, true
	}
	if hasBG {
		if strings.Contains(bg, "url(") || strings.Contains(bg, "gradient(") {
			v.bg = rgba{} // an image behind: unknown
		} else if col, ok := parseColor(firstColorWord(bg)); ok {
			if col.a >= 1 {
				v.bg = col
			} else if col.a > 0 {
				v.bg = rgba{} // translucent: unknown
			}
		} else if bg != "none" && bg != "transparent" && bg != "inherit" && bg != "initial" {
			v.bg = rgba{}
		}
	}
	return v
}

// firstColorWord is the colour of a background shorthand: the word, or the
// function, that reads as one.
func firstColorWord(s string) string {
	if i := strings.Index(s, "rgb"); i >= 0 {
		if j := strings.IndexByte(s[i:], ')'); j >= 0 {
			return s[i : i+j+1]
		}
	}
	for _, w := range strings.Fields(s) {
		if _, ok := parseColor(w); ok {
			return w
		}
	}
	return s
}

// elementHidden reports whether element n, of computed style st, is not
// seen at all (see above).
func elementHidden(n *html.Node, st style) bool {
	switch n.DataAtom {
	case atom.Noscript, atom.Template:
		return true
	case atom.Input:
		if strings.EqualFold(attr(n, "type"), "hidden") {
			return true
		}
	}
	for _, a := range n.Attr {
		switch strings.ToLower(a.Key) {
		case "hidden":
			return true
		case "aria-hidden":
			if strings.EqualFold(strings.TrimSpace(a.Val), "true") {
				return true
			}
		}
	}
	if len(st) == 0 {
		return false
	}
	if st["display"] == "none" || st["visibility"] == "hidden" || st["visibility"] == "collapse" {
		return true
	}
	if op, ok := st["opacity"]; ok {
		if f, err := strconv.ParseFloat(strings.TrimSuffix(op, "%"), 64); err == nil && f <= 0 {
			return true
		}
	}
	if t := st["transform"]; strings.Contains(t, "scale(0)") || strings.Contains(t, "scale(0,") || strings.Contains(t, "scalex(0)") || strings.Contains(t, "scaley(0)") {
		return true
	}
	if p := st["position"]; p == "absolute" || p == "fixed" {
		for _, side := range []string{"left", "top", "right"} {
			if px, _, ok := parseLength(st[side]); ok && px <= -999 {
				return true
			}
		}
	}
	if px, _, ok := parseLength(st["text-indent"]); ok && px <= -999 {
		return true
	}
	if overflowHidden(st) {
		for _, dim := range []string{"width", "height", "max-width", "max-height"} {
			if px, unit, ok := parseLength(st[dim]); ok && px <= 1 && unit != "%" {
				return true
			}
		}
	}
	if cp := st["clip-path"]; cp != "" && clipPathHides(cp) {
		return true
	}
	if c := st["clip"]; strings.HasPrefix(c, "rect(") && (st["position"] == "absolute" || st["position"] == "fixed") && rectEmpty(c) {
		return true
	}
	return false
}

func overflowHidden(st style) bool {
	for _, p := range []string{"overflow", "overflow-x", "overflow-y"} {
		if v := st[p]; strings.Contains(v, "hidden") || strings.Contains(v, "clip") {
			return true
		}
	}
	return false
}

// clipPathHides reports a clip-path that leaves nothing: inset(50%) or
// more, circle(0), ellipse(0 0).
func clipPathHides(cp string) bool {
	inner := func(fn string) (string, bool) {
		rest, ok := strings.CutPrefix(cp, fn+"(")
		if !ok {
			return "", false
		}
		s, _, _ := strings.Cut(rest, ")")
		return s, true
	}
	if s, ok := inner("inset"); ok {
		f := strings.Fields(strings.ReplaceAll(s, ",", " "))
		if len(f) > 0 && strings.HasSuffix(f[0], "%") {
			if v, err := strconv.ParseFloat(strings.TrimSuffix(f[0], "%"), 64); err == nil && v >= 50 {
				return true
			}
		}
	}
	for _, fn := range []string{"circle", "ellipse"} {
		if s, ok := inner(fn); ok {
			f := strings.Fields(s)
			if len(f) > 0 {
				if px, _, ok := parseLength(f[0]); ok && px <= 0 {
					return true
				}
			}
		}
	}
	return false
}

// rectEmpty reports a clip: rect(top, right, bottom, left) of no area.
func rectEmpty(c string) bool {
	s := strings.TrimSuffix(strings.TrimPrefix(c, "rect("), ")")
	f := strings.Fields(strings.ReplaceAll(s, ",", " "))
	if len(f) != 4 {
		return false
	}
	var v [4]float64
	for i, x := range f {
		px, _, ok := parseLength(x)
		if !ok {
			return false
		}
		v[i] = px
	}
	return v[2]-v[0] <= 1 || v[1]-v[3] <= 1
}

// parseLength reads a CSS length in pixels (em and rem as 16px), with its
// unit; "0" alone is a length.
func parseLength(s string) (px float64, unit string, ok bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, "", false
	}
	i := 0
	for i < len(s) && (s[i] == '-' || s[i] == '+' || s[i] == '.' || s[i] >= '0' && s[i] <= '9') {
		i++
	}
	v, err := strconv.ParseFloat(s[:i], 64)
	if err != nil {
		return 0, "", false
	}
	unit = s[i:]
	switch unit {
	case "", "px":
		if unit == "" && v != 0 {
			return 0, "", false
		}
		return v, unit, true
	case "em", "rem":
		return v * 16, unit, true
	case "pt":
		return v * 4 / 3, unit, true
	case "pc":
		return v * 16, unit, true
	case "in":
		return v * 96, unit, true
	case "cm":
		return v * 96 / 2.54, unit, true
	case "mm":
		return v * 96 / 25.4, unit, true
	case "%", "vw", "vh", "ex", "ch", "vmin", "vmax":
		return v * 10, unit, true // a share of something unknown: only its sign and zero matter
	}
	return 0, "", false
}

// rgba is a colour; ok is false for none or unknown.
type rgba struct {
	r, g, b float64
	a       float64
	ok      bool
}

// parseColor reads a CSS colour: a name of the basic set, #rgb, #rgba,
// #rrggbb, #rrggbbaa, rgb() or rgba(), transparent.
func parseColor(s string) (rgba, bool) {
	s = strings.ToLower(strings.TrimSpace(s))
	if s == "transparent" {
		return rgba{0, 0, 0, 0, true}, true
	}
	if hex, ok := namedColors[s]; ok {
		s = hex
	}
	if h, ok := strings.CutPrefix(s, "#"); ok {
		var v []float64
		switch len(h) {
		case 3, 4:
			for i := range len(h) {
				x, err := strconv.ParseUint(h[i:i+1], 16, 8)
				if err != nil {
					return rgba{}, false
				}
				v = append(v, float64(x*17))
			}
		case 6, 8:
			for i := 0; i < len(h); i += 2 {
				x, err := strconv.ParseUint(h[i:i+2], 16, 8)
				if err != nil {
					return rgba{}, false
				}
				v = append(v, float64(x))
			}
		default:
			return rgba{}, false
		}
		c := rgba{v[0], v[1], v[2], 1, true}
		if len(v) == 4 {
			c.a = v[3] / 255
		}
		return c, true
	}
	for _, fn := range []string{"rgba(", "rgb("} {
		rest, ok := strings.CutPrefix(s, fn)
		if !ok {
			continue
		}
		rest = strings.TrimSuffix(rest, ")")
		f := strings.Fields(strings.NewReplacer(",", " ", "/", " ").Replace(rest))
		if len(f) < 3 {
			return rgba{}, false
		}
		c := rgba{a: 1, ok: true}
		for i, x := range f[:min(4, len(f))] {
			pct := strings.HasSuffix(x, "%")
			val, err := strconv.ParseFloat(strings.TrimSuffix(x, "%"), 64)
			if err != nil {
				return rgba{}, false
			}
			switch {
			case i == 3 && pct:
				c.a = val / 100
			case i == 3:
				c.a = val
			case pct:
				val = val * 255 / 100
			}
			switch i {
			case 0:
				c.r = val
			case 1:
				c.g = val
			case 2:
				c.b = val
			}
		}
		return c, true
	}
	return rgba{}, false
}

// namedColors are the CSS basic colours and a few common others.
var namedColors = map[string]string{
	"white": "#ffffff", "black": "#000000", "red": "#ff0000", "green": "#008000",
	"blue": "#0000ff", "yellow": "#ffff00", "gray": "#808080", "grey": "#808080",
	"silver": "#c0c0c0", "maroon": "#800000", "purple": "#800080", "fuchsia": "#ff00ff",
	"lime": "#00ff00", "olive": "#808000", "navy": "#000080", "teal": "#008080",
	"aqua": "#00ffff", "orange": "#ffa500", "snow": "#fffafa", "ivory": "#fffff0",
	"whitesmoke": "#f5f5f5", "ghostwhite": "#f8f8ff", "floralwhite": "#fffaf0",
	"linen": "#faf0e6", "lightgray": "#d3d3d3", "lightgrey": "#d3d3d3",
	"darkgray": "#a9a9a9", "darkgrey": "#a9a9a9", "gainsboro": "#dcdcdc",
}

// contrast is the WCAG contrast ratio of two opaque colours, from 1 (the
// same) to 21 (black on white).
func contrast(a, b rgba) float64 {
	la, lb := luminance(a), luminance(b)
	if la < lb {
		la, lb = lb, la
	}
	return (la + 0.05) / (lb + 0.05)
}

func luminance(c rgba) float64 {
	ch := func(v float64) float64 {
		v /= 255
		if v <= 0.03928 {
			return v / 12.92
		}
		return math.Pow((v+0.055)/1.055, 2.4)
	}
	return 0.2126*ch(c.r) + 0.7152*ch(c.g) + 0.0722*ch(c.b)
}
