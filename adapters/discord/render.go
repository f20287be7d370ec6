package discord

import (
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"

	"github.com/newsbot-dev/newsbot"
	"github.com/newsbot-dev/newsbot/adapters/chat"
)

// Discord's limits, in characters (UTF-16 code units, as Discord counts).
const (
	maxContent     = 2000
	maxDescription = 4096
	maxFields      = 25
	maxFieldName   = 256
	maxFieldValue  = 1024
	maxEmbedsTotal = 6000 // all embeds of one message together
	maxEmbeds      = 10
)

// What a source field shows of a title, and the longest link it keeps (a
// longer one leaves the title unlinked): with them, the quoted sentence
// always has at least half of a field's 1024 characters.
const (
	maxTitleShown = 200
	maxLinkShown  = 300
	// maxSpeakerShown bounds, in characters, who the cited sentence quotes
	// or reports, shown after the outlet in the field's name.
	maxSpeakerShown = 80
)

// embedColor is the side bar of the answer's embeds.
const embedColor = 0x2b6cb0

// message is one Discord message as the adapter composes it: content, or
// embeds, or both.
type message struct {
	content string
	embeds  []*discordgo.MessageEmbed
}

// noMentions is sent with every message, edit and follow-up: an explicitly
// empty parse list (discordgo's zero value marshals to null, which lets
// Discord parse mentions by default), and no ping for the replied-to
// person either.
func noMentions() *discordgo.MessageAllowedMentions {
	return &discordgo.MessageAllowedMentions{Parse: []discordgo.AllowedMentionType{}}
}

// Escaping. Text that comes from articles, the model or a person is shown
// through escape, which applies these rules after newsbot.Printable:
//
//   - Discord markdown is escaped with a backslash, which Discord shows as
//     the character itself: \ * _ ~ ` | [ ] < everywhere, and # - + > and
//     "1." at the start of a line (headings, lists, quotes). So text cannot
//     make bold, spoilers, code, headings or masked links ([text](url)),
//     and "<@123>", "<#123>", "<@&123>", "<t:...>" and custom emoji show as
//     the raw text instead of forming a mention or a tag.
//   - "@everyone" and "@here" (any case) get a zero-width space after the
//     "@". allowed_mentions already makes them inert; the space also keeps
//     them from looking like a real ping.
//   - A URL (http or https) that is one of the answer's cited sources stays
//     a link; in message content it is wrapped in <...>, which stops a
//     preview. Any other URL is neutralised: a zero-width space after its
//     "https:" stops Discord from linking it, so a model cannot slip a link
//     of its choosing into an answer.
//   - Host names that are not a cited source's link, bare
//     ("evil.example/login") or in a URL, get a zero-width space after each
//     dot (newsbot.Delink), so no client takes them, or part of them, for
//     a link.
//

// urlPattern finds what Discord would turn into a link.
var urlPattern = regexp.MustCompile(`(?i)https?://[^\s<>]+`)

// escaper escapes text for one answer: allowed holds the URLs of the
// answer's sources, which stay links.
type escaper struct {
	allowed map[string]bool
	sources []string // the keys of allowed, for newsbot.Delink
	content bool     // message content (wrap kept links in <>) rather than an embed
}

// escape sanitises and escapes s; see the rules above.
func (e escaper) escape(s string) string {
	s = newsbot.Delink(newsbot.Printable(s), e.sources)
	var b strings.Builder
	b.Grow(len(s) + len(s)/8)
	lineStart := true
	last := 0
	for _, m := range urlPattern.FindAllStringIndex(s, -1) {
		u := strings.TrimRight(s[m[0]:m[1]], `.,;:!?'")]}’”`)
		end := m[0] + len(u)
		// The link written next ends any line start, whatever the text
		// before it left.
		escapeText(&b, s[last:m[0]], lineStart)
		switch {
		case e.allowed[u] && e.content:
			b.WriteString("<" + u + ">")
		case e.allowed[u]:
			b.WriteString(u)
		default:
			i := strings.Index(u, "://")
			escapeText(&b, u[:i+1]+"\u200b"+u[i+1:], false)
		}
		lineStart = false
		last = end
	}
	escapeText(&b, s[last:], lineStart)
	return b.String()
}

// escapeText writes s escaped to b. lineStart says whether s begins a
// line; the result says whether the text written ends at a line start.
func escapeText(b *strings.Builder, s string, lineStart bool) bool {
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == '\n':
			b.WriteByte('\n')
			i += size
			lineStart = true
			continue
		case lineStart && r == ' ':
			b.WriteByte(' ')
			i += size
			continue
		case lineStart && strings.ContainsRune("#-+>", r):
			b.WriteByte('\\')
			b.WriteRune(r)
		case lineStart && r >= '0' && r <= '9':
			j := i
			for j < len(s) && s[j] >= '0' && s[j] <= '9' {
				j++
			}
			b.WriteString(s[i:j])
			if j < len(s) && (s[j] == '.' || s[j] == ')') {
				b.WriteByte('\\')
				b.WriteByte(s[j])
				j++
			}
			i = j
			lineStart = false
			continue
		case strings.ContainsRune("\\*_~`|[]<", r):
			b.WriteByte('\\')
			b.WriteRune(r)
		case r == '@':
			b.WriteByte('@')
			rest := strings.ToLower(s[i+1 : min(len(s), i+9)])
			if strings.HasPrefix(rest, "everyone") || strings.HasPrefix(rest, "here") {
				b.WriteString("\u200b")
			}
		default:
			b.WriteRune(r)
		}
		i += size
		lineStart = false
	}
	return lineStart
}

// dlen is the length of s as Discord counts it (UTF-16 code units).
func dlen(s string) int {
	n := 0
	for _, r := range s {
		if r >= 0x10000 {
			n += 2
		} else {
			n++
		}
	}
	return n
}

// split cuts raw into parts whose rendering is at most limit characters
// each, and returns the rendered parts. It cuts between sentences where it
// can, else between words, and inside a word only when one word alone is
// too long, between grapheme clusters. Each part is rendered on its own, so
// a cut never falls inside an escape.
//
// render must be an escaper's escape, or anything else that keeps every
// character of Printable text and only adds: then a part can hold at most
// limit characters of raw, so each part is looked for within the next
// limit characters, and splitting is linear in raw, not quadratic.
func split(raw string, limit int, render func(string) string) []string {
	return splitN(raw, limit, render, -1)
}

// splitN is split that stops after n parts (n < 0: all of them).
func splitN(raw string, limit int, render func(string) string, n int) []string {
	var out []string
	if limit < 1 {
		return nil
	}
	raw = strings.TrimSpace(newsbot.Printable(raw))
	for raw != "" && n != 0 {
		window, more := prefixRunes(raw, limit)
		if !more {
			if r := render(raw); dlen(r) <= limit {
				out = append(out, r)
				break
			}
		}
		cut := cutPoint(window, limit, render)
		out = append(out, render(strings.TrimSpace(raw[:cut])))
		raw = strings.TrimSpace(raw[cut:])
		n--
	}
	return out
}

// prefixRunes returns the first n+1 runes of s (the one past n shows
// whether a word goes on), and whether s holds more than n.
func prefixRunes(s string, n int) (string, bool) {
	i := 0
	for k := range s {
		if i == n+1 {
			return s[:k], true
		}
		i++
	}
	return s, i > n
}

// cutPoint returns the byte offset at which to cut raw so that the first
// part renders within limit.
func cutPoint(raw string, limit int, render func(string) string) int {
	fits := func(n int) bool { return dlen(render(strings.TrimSpace(raw[:n]))) <= limit }
	// Word boundaries: just after each run of white space.
	var words []int
	for i := 1; i < len(raw); i++ {
		if !isSpaceByte(raw[i]) && isSpaceByte(raw[i-1]) {
			words = append(words, i)
		}
	}
	best := -1 // index into words of the longest prefix that fits
	lo, hi := 0, len(words)-1
	for lo <= hi {
		mid := (lo + hi) / 2
		if fits(words[mid]) {
			best, lo = mid, mid+1
		} else {
			hi = mid - 1
		}
	}
	if best >= 0 {
		// Prefer the last sentence end, unless it leaves the part short.
		for k := best; k >= 0 && words[k] > words[best]/2; k-- {
			if sentenceEnd(raw[:words[k]]) {
				return words[k]
			}
		}
		return words[best]
	}
	// One word longer than the limit: cut it between grapheme clusters
	// (never inside an emoji sequence, a flag or a letter with its marks).
	cuts := chat.Boundaries(raw, len(raw))
	n := 0
	lo, hi = 0, len(cuts)-1
	for lo <= hi {
		mid := (lo + hi) / 2
		if cuts[mid] < len(raw) && fits(cuts[mid]) {
			n, lo = cuts[mid], mid+1
		} else {
			hi = mid - 1
		}
	}
	if n == 0 {
		_, n = utf8.DecodeRuneInString(raw) // cannot happen for limit >= 2
	}
	return n
}

func isSpaceByte(c byte) bool { return c == ' ' || c == '\n' || c == '\t' || c == '\r' }

// sentenceEnd reports whether s ends a sentence: with a full stop, question
// or exclamation mark (perhaps closing a quote), or with an [n] marker,
// then perhaps white space. It looks at the end of s only: cutPoint asks
// it of many prefixes of one text.
func sentenceEnd(s string) bool {
	s = strings.TrimRight(s, " \t\n\f\r")
	if strings.HasSuffix(s, "]") {
		if i := strings.LastIndexByte(s, '['); i >= 0 && i < len(s)-2 && strings.Trim(s[i+1:len(s)-1], "0123456789") == "" {
			return true
		}
	}
	t := strings.TrimRight(s, "\"'’”)]")
	return t != "" && strings.IndexByte(".!?", t[len(t)-1]) >= 0
}

// render turns a final answer into the messages that show it.
func render(ans newsbot.Answer) []message {
	allowed := map[string]bool{}
	var sources []string
	for _, c := range ans.Citations {
		if _, ok := safeURL(c.URL); ok && !allowed[c.URL] {
			allowed[c.URL] = true
			sources = append(sources, c.URL)
		}
	}
	text := strings.TrimSpace(ans.Text)
	if ans.NoAnswer || len(ans.Citations) == 0 {
		if text == "" {
			text = newsbot.NoAnswerText
		}
		if note := strings.TrimSpace(ans.Note); note != "" {
			text += "\n\n" + note
		}
		return textMessages(text, escaper{content: true})
	}
	esc := escaper{allowed: allowed, sources: sources}
	descs := split(collapse(text), maxDescription, esc.escape)
	if note := strings.TrimSpace(ans.Note); note != "" {
		n := "*" + firstPart(collapse(note), maxDescription-2, esc.escape) + "*"
		if last := len(descs) - 1; last >= 0 && dlen(descs[last])+2+dlen(n) <= maxDescription {
			descs[last] += "\n\n" + n
		} else {
			descs = append(descs, n)
		}
	}
	var fields []*discordgo.MessageEmbedField
	for _, c := range ans.Citations {
		fields = append(fields, sourceField(c, esc))
	}
	return pack(descs, fields)
}

// textMessages shows plain text in as many messages as it needs.
func textMessages(text string, esc escaper) []message {
	var out []message
	for _, part := range split(text, maxContent, esc.escape) {
		out = append(out, message{content: part})
	}
	return out
}

// preview is what a message shows while the answer streams in.
func preview(text string) message {
	parts := split(collapse(text), maxContent-2, escaper{content: true}.escape)
	if len(parts) == 0 {
		return message{content: "…"}
	}
	return message{content: parts[0] + " …"}
}

// sourceField shows one citation: its number, outlet (and who the sentence
// quotes or reports, when the citation names them: "[1] Reuters — Sergei
// Lavrov · 2009-10-13") and date as the name; the linked headline and the
// quoted sentence as the value.
func sourceField(c newsbot.Citation, esc escaper) *discordgo.MessageEmbedField {
	outlet, _ := chat.Prefix(c.Source(), 8*maxFieldName)
	outlet = strings.TrimSpace(collapse(outlet))
	if outlet == "" {
		outlet = "unknown outlet"
	}
	speaker, _ := chat.Prefix(c.Speaker, 8*maxSpeakerShown)
	if speaker = strings.TrimSpace(collapse(speaker)); speaker != "" {
		if s, more := prefixRunes(speaker, maxSpeakerShown-1); more {
			speaker = strings.TrimSpace(string([]rune(s)[:maxSpeakerShown-1])) + "…"
		}
		outlet += " — " + speaker
	}
	date := "date unknown"
	if !c.Published.IsZero() {
		date = c.Published.Format("2006-01-02")
	}
	name := firstPart(fmt.Sprintf("[%d] %s · %s", c.N, outlet, date), maxFieldName, esc.escape)

	title, _ := chat.Prefix(c.Title, 8*maxTitleShown)
	title = strings.TrimSpace(collapse(title))
	if title == "" {
		title = "untitled"
	}
	titleLine := firstPart(title, maxTitleShown, esc.escape)
	if u, ok := safeURL(c.URL); ok && dlen(u) <= maxLinkShown {
		titleLine = "[" + titleLine + "](" + u + ")"
	} else {
		titleLine = "**" + titleLine + "**"
	}
	sentence, _ := chat.Prefix(c.Sentence, 8*maxFieldValue)
	sentence = strings.TrimSpace(collapse(sentence))
	value := titleLine
	if sentence != "" {
		budget := maxFieldValue - dlen(titleLine) - len("\n> ")
		value += "\n> " + firstPart(sentence, budget, esc.escape)
	}
	return &discordgo.MessageEmbedField{Name: name, Value: value}
}

// firstPart renders s within limit, cutting it with "…" when it is longer.
// Only the first part is made: a 2 MB sentence costs no more than a short
// one.
func firstPart(s string, limit int, render func(string) string) string {
	s, more := chat.Prefix(s, 8*limit)
	parts := splitN(s, limit-1, render, 2)
	switch {
	case len(parts) == 0:
		return ""
	case len(parts) == 1 && !more:
		return parts[0]
	}
	return parts[0] + "…"
}

// safeURL returns u fit for a Markdown link target: an absolute http or
// https URL, with the characters that would end the link encoded.
func safeURL(u string) (string, bool) {
	u = strings.TrimSpace(u)
	p, err := url.Parse(u)
	if err != nil || (p.Scheme != "http" && p.Scheme != "https") || p.Host == "" || len(u) > 2000 {
		return "", false
	}
	for _, r := range u {
		if r <= ' ' || r == 0x7f || unicode.Is(unicode.Cf, r) {
			return "", false
		}
	}
	return strings.NewReplacer("(", "%28", ")", "%29", "<", "%3C", ">", "%3E", "[", "%5B", "]", "%5D").Replace(p.String()), true
}

// collapse turns each run of white space into one space.
func collapse(s string) string { return strings.Join(strings.Fields(s), " ") }

// pack lays the answer's description parts and source fields out in
// embeds and messages within Discord's limits: each description in an
// embed of its own, at most 25 fields per embed, 10 embeds and 6000
// characters per message.
func pack(descs []string, fields []*discordgo.MessageEmbedField) []message {
	var msgs []message
	var cur *message
	total := 0
	newMessage := func() {
		msgs = append(msgs, message{})
		cur = &msgs[len(msgs)-1]
		total = 0
	}
	newEmbed := func(need int) *discordgo.MessageEmbed {
		if cur == nil || len(cur.embeds) == maxEmbeds || total+need > maxEmbedsTotal {
			newMessage()
		}
		e := &discordgo.MessageEmbed{Type: discordgo.EmbedTypeRich, Color: embedColor}
		cur.embeds = append(cur.embeds, e)
		return e
	}
	for _, d := range descs {
		n := dlen(d)
		e := newEmbed(n)
		e.Description = d
		total += n
	}
	// The sources go under the answer, starting in its last embed.
	var e *discordgo.MessageEmbed
	if cur != nil {
		e = cur.embeds[len(cur.embeds)-1]
	}
	for _, f := range fields {
		n := dlen(f.Name) + dlen(f.Value)
		if e == nil || len(e.Fields) == maxFields || total+n > maxEmbedsTotal {
			e = newEmbed(n)
		}
		e.Fields = append(e.Fields, f)
		total += n
	}
	return msgs
}
