package slack

import (
	"fmt"
	"net/url"
	"strings"
	"unicode"
	"unicode/utf8"

	slackgo "github.com/slack-go/slack"

	"github.com/newsbot-dev/newsbot"
	"github.com/newsbot-dev/newsbot/adapters/chat"
)

// Slack's limits on a message (see PLATFORMS.md).
const (
	maxBlocks      = 50
	maxSectionText = 3000
	// maxFallbackText bounds the message's plain-text fallback; Slack cuts
	// text past 40,000 characters, and a notification needs far less.
	maxFallbackText = 4000
	// maxAnswerSections bounds the sections that carry the answer's text,
	// leaving the rest of the 50 blocks to the note and the sources.
	maxAnswerSections = 12
	// maxSentenceShown bounds a quoted sentence in a source's context block.
	maxSentenceShown = 1500
	// maxOutletShown and maxTitleShown bound a source's outlet and title,
	// escaped, in bytes; maxLinkShown bounds its link, past which the title
	// is shown without one. With the sentence given what is left, a
	// source's context block stays within maxSectionText (Slack's limit on
	// any text object) whatever the metadata.
	maxOutletShown = 200
	maxTitleShown  = 400
	maxLinkShown   = 1200
	// maxSpeakerShown bounds, escaped, in bytes, who the cited sentence
	// quotes or reports, shown after the outlet.
	maxSpeakerShown = 200
)

// Labels for metadata the corpus does not know: shown instead of a blank,
// never guessed.
const (
	unknownOutlet = "unknown outlet"
	unknownTitle  = "untitled"
	unknownDate   = "date unknown"
)

// wordJoiner is put after the "@" of "@channel", "@here" and "@everyone"
// in text the bot did not write, so that nothing can read them as a
// broadcast mention. It is invisible.
const wordJoiner = "\u2060"

// message is a rendered Slack message: Block Kit blocks and the plain-text
// fallback Slack shows in notifications and where blocks cannot be shown.
type message struct {
	text   string
	blocks []slackgo.Block
}

// Output safety. Everything the bot did not write itself (the answer's
// text, the note, outlets, titles, sentences, the question) is passed
// through escape before it is put in a message:
//
//   - "&", "<" and ">" become "&amp;", "&lt;" and "&gt;". Slack markup
//     (<!channel>, <!here>, <!everyone>, <@U123>, <#C123>, <url|text>) needs
//     "<", so escaped text cannot mention anyone or make a link.
//   - "@channel", "@here" and "@everyone" get an invisible word joiner
//     after the "@". Slack turns them into broadcasts only with link_names,
//     which the bot never sets; the joiner keeps them inert even if a later
//     change set it.
//   - Control characters other than line breaks are dropped, and so are
//     invisible format characters (bidi overrides, zero-width spaces...)
//     other than the zero-width joiner and non-joiner, so text cannot be
//     reordered or hidden. Invalid UTF-8 becomes U+FFFD.
//   - Host names, bare ("evil.example/login") or in a link, get a
//     zero-width space after each dot (newsbot.Delink), so that no client
//     takes them for links. No text keeps a link: in Slack the sources'
//     links are their titles, built apart.
//
// In the answer's own text (not the sources), "://" also gets a word
// joiner, so a link the model wrote that is not a cited source is plain,
// unclickable text; the sources' links are the only links. Text objects
// are sent with verbatim set, so Slack does not auto-link URLs or channel
// names in them either, and messages are posted without parse=full or
// link_names and with link and media unfurls off.

// escape makes untrusted text safe to put in Slack mrkdwn or a message's
// text: see the rules above.
func escape(s string) string {
	s = newsbot.Delink(newsbot.Printable(s), nil)
	s = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(s)
	return defuseBroadcasts(s)
}

// escapeAnswer is escape for the answer's text, which also defuses URLs.
func escapeAnswer(s string) string {
	return strings.ReplaceAll(escape(s), "://", ":"+wordJoiner+"//")
}

// defuseBroadcasts puts a word joiner after the "@" of @channel, @here and
// @everyone, in any case.
func defuseBroadcasts(s string) string {
	if !strings.Contains(s, "@") {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		b.WriteByte(s[i])
		if s[i] != '@' {
			continue
		}
		rest := strings.ToLower(s[i+1:])
		for _, w := range []string{"channel", "here", "everyone"} {
			if strings.HasPrefix(rest, w) {
				b.WriteString(wordJoiner)
				break
			}
		}
	}
	return b.String()
}

// oneLine collapses white space, line breaks included, to single spaces.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// linkURL returns u in a form safe inside Slack's <url|text> markup, or ""
// when u is not an absolute http(s) URL.
func linkURL(u string) string {
	p, err := url.Parse(strings.TrimSpace(u))
	if err != nil || (p.Scheme != "http" && p.Scheme != "https") || p.Host == "" {
		return ""
	}
	s := p.String()
	s = strings.NewReplacer("&", "&amp;", "<", "%3C", ">", "%3E", "|", "%7C", " ", "%20").Replace(s)
	return s
}

// splitText splits escaped mrkdwn into pieces of at most max bytes (so at
// most max characters), preferring to cut after a sentence (and its [n]
// marker), then between words; a word longer than max is cut on a
// character boundary, never inside an escape such as "&amp;". Joined with
// spaces, the pieces are the text with its white space at the cuts
// collapsed: nothing is lost.
func splitText(s string, max int) []string {
	var out []string
	s = strings.TrimSpace(s)
	for len(s) > max {
		cut := cutPoint(s, max)
		out = append(out, strings.TrimRightFunc(s[:cut], unicode.IsSpace))
		s = strings.TrimLeftFunc(s[cut:], unicode.IsSpace)
	}
	if s != "" {
		out = append(out, s)
	}
	return out
}

// cutPoint returns where to cut s, which is longer than max: an index in
// (0, max].
func cutPoint(s string, max int) int {
	sentence, space := -1, -1
	for i := max; i > 0; i-- {
		if s[i] != ' ' && s[i] != '\n' {
			continue
		}
		if space < 0 {
			space = i
		}
		if endsSentence(s[:i]) && !strings.HasPrefix(strings.TrimLeft(s[i:], " \n"), "[") {
			sentence = i
			break
		}
		if i < max/2 {
			break
		}
	}
	switch {
	case sentence > 0:
		return sentence
	case space > 0:
		return space
	}
	// One long word: cut between grapheme clusters (never inside an emoji
	// sequence, a flag or a letter with its marks), outside any escape.
	cut := 0
	if b := chat.Boundaries(s, max); len(b) > 0 {
		cut = b[len(b)-1]
	}
	if amp := strings.LastIndexByte(s[:cut], '&'); amp > 0 && cut-amp < 8 && !strings.Contains(s[amp:cut], ";") {
		cut = amp
	}
	if cut == 0 {
		// Only when the first rune is longer than max; never loop forever.
		cut = max
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		cut = clampCut(cut, s)
	}
	return cut
}

// clampCut keeps a last-resort cut in (0, len(s)].
func clampCut(cut int, s string) int {
	if cut <= 0 {
		_, n := utf8.DecodeRuneInString(s)
		return n
	}
	return cut
}

// endsSentence reports whether s ends a sentence: with ".", "!", "?" or a
// closing quote or bracket after one, or with an [n] marker.
func endsSentence(s string) bool {
	s = strings.TrimRight(s, "\"”’')")
	return strings.HasSuffix(s, ".") || strings.HasSuffix(s, "!") || strings.HasSuffix(s, "?") || strings.HasSuffix(s, "]")
}

// cutText cuts s to at most n bytes cleanly, as the first piece of
// splitText would, and reports whether it cut.
func cutText(s string, n int) (string, bool) {
	s = strings.TrimSpace(s)
	if len(s) <= n {
		return s, false
	}
	return strings.TrimRightFunc(s[:cutPoint(s, n-len("…"))], unicode.IsSpace) + "…", true
}

func mrkdwn(s string) *slackgo.TextBlockObject {
	return slackgo.NewTextBlockObject(slackgo.MarkdownType, s, false, true)
}

func plain(s string) *slackgo.TextBlockObject {
	return slackgo.NewTextBlockObject(slackgo.PlainTextType, s, false, false)
}

func section(s string) slackgo.Block {
	return slackgo.NewSectionBlock(mrkdwn(s), nil, nil)
}

func contextBlock(s string) slackgo.Block {
	return slackgo.NewContextBlock("", mrkdwn(s))
}

// renderAnswer renders a as a Slack message: the answer in sections of at
// most 3000 characters, its note, then one context block per cited source
// (marker, outlet, linked title, date, the quoted sentence), in at most
// 50 blocks, leaving reserve blocks free for the caller.
func renderAnswer(a newsbot.Answer, reserve int) message {
	text := strings.TrimSpace(a.Text)
	if text == "" && a.NoAnswer {
		text = newsbot.NoAnswerText
	}
	// Far more than the sections can hold is cut before escaping.
	text, cutShort := chat.Prefix(text, 4*maxAnswerSections*maxSectionText)
	body := escapeAnswer(text)
	var m message
	parts := splitText(body, maxSectionText)
	cutShort = cutShort || len(parts) > maxAnswerSections
	if cutShort {
		parts = parts[:maxAnswerSections]
	}
	for _, p := range parts {
		m.blocks = append(m.blocks, section(p))
	}
	if cutShort {
		m.blocks = append(m.blocks, contextBlock("(The answer was cut short: it is longer than a Slack message can hold.)"))
	}
	note := shown(a.Note, maxSectionText)
	if note != "" {
		m.blocks = append(m.blocks, contextBlock(note))
	}
	var fallback strings.Builder
	fallback.WriteString(body)
	if note != "" {
		fallback.WriteString("\n" + note)
	}
	if !a.NoAnswer && len(a.Citations) > 0 {
		room := maxBlocks - reserve - len(m.blocks)
		fallback.WriteString("\nSources:")
		for i, c := range a.Citations {
			if i == room-1 && len(a.Citations) > room {
				m.blocks = append(m.blocks, contextBlock(fmt.Sprintf("…and %d more sources.", len(a.Citations)-i)))
				break
			}
			m.blocks = append(m.blocks, contextBlock(sourceText(c)))
			title := shown(orLabel(c.Title, unknownTitle), maxTitleShown)
			fmt.Fprintf(&fallback, " [%d] %s, %s, %s.", c.N, who(c), title, dateText(c))
		}
	}
	m.text, _ = cutText(fallback.String(), maxFallbackText)
	return m
}

// sourceText is a citation's context block text, with who the sentence
// quotes or reports after the outlet when the citation names them:
//
//	*[1]* Reuters · <https://example.com/a|Title> · 2009-10-13
//	“The verbatim sentence.”
//	*[2]* Reuters — Sergei Lavrov · <https://example.com/a|Title> · 2009-10-13
//	“The verbatim sentence.”
//
// The outlet, speaker, title and link are bounded (maxOutletShown,
// maxSpeakerShown, maxTitleShown, maxLinkShown) and the sentence gets what
// is left, so the block is within Slack's limit for any metadata.
func sourceText(c newsbot.Citation) string {
	title := shown(orLabel(c.Title, unknownTitle), maxTitleShown)
	if u := linkURL(c.URL); u != "" && len(u) <= maxLinkShown {
		title = "<" + u + "|" + title + ">"
	}
	head := fmt.Sprintf("*[%d]* %s · %s · %s\n“", c.N, who(c), title, dateText(c))
	sentence := shown(c.Sentence, min(maxSentenceShown, maxSectionText-len(head)-len("”")))
	return head + sentence + "”"
}

// who names a citation's source: its outlet, and who the sentence quotes
// or reports when the citation names them ("Reuters — Sergei Lavrov"),
// each escaped and bounded.
func who(c newsbot.Citation) string {
	outlet := shown(orLabel(c.Source(), unknownOutlet), maxOutletShown)
	if sp := oneLine(newsbot.Printable(c.Speaker)); sp != "" {
		return outlet + " — " + shown(sp, maxSpeakerShown)
	}
	return outlet
}

// shown is untrusted text on one line, escaped, cut to at most n bytes
// with "…" when longer. Text far over n is cut before it is escaped, so
// rendering costs the same for a 2 MB sentence as for one of 2 KB.
func shown(s string, n int) string {
	s, more := chat.Prefix(s, 4*n)
	limit := n
	if more {
		limit -= len("…")
	}
	out, cut := cutText(escape(oneLine(s)), limit)
	if more && !cut {
		out += "…"
	}
	return out
}

func dateText(c newsbot.Citation) string {
	if c.Published.IsZero() {
		return unknownDate
	}
	return c.Published.Format("2006-01-02")
}

func orLabel(s, label string) string {
	if s = oneLine(newsbot.Printable(s)); s != "" {
		return s
	}
	return label
}

// renderPartial renders the checked text streamed so far, while the answer
// is being written.
func renderPartial(text string) message {
	text, _ = chat.Prefix(text, 4*maxAnswerSections*maxSectionText)
	body := escapeAnswer(text)
	var m message
	parts := splitText(body, maxSectionText)
	if len(parts) > maxAnswerSections {
		parts = parts[:maxAnswerSections]
	}
	for _, p := range parts {
		m.blocks = append(m.blocks, section(p))
	}
	m.blocks = append(m.blocks, contextBlock("_Writing…_"))
	m.text, _ = cutText(body, maxFallbackText)
	return m
}

// renderNotice renders one of the bot's own fixed sentences.
func renderNotice(s string) message {
	return message{text: s, blocks: []slackgo.Block{section(s)}}
}
