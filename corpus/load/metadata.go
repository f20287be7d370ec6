package load

import (
	"net/url"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/newsbot-dev/newsbot/corpus"
	"github.com/newsbot-dev/newsbot/corpus/dateline"
)

// Metadata reaches people and the model's prompt as it is, so every field
// of a finished Article is one line, bounded and free of invisible
// characters (see BoundMetadata): a page's site name or title cannot hide
// text, break a line or carry a paragraph of instructions.

// Bounds on the metadata fields, in characters. A longer title or byline
// is cut at a word with "…"; a longer outlet, wire, place or language is
// not a name and is dropped; a longer URL or ID is dropped.
const (
	maxTitleRunes    = 300
	maxAuthorRunes   = 200
	maxOutletRunes   = 64
	maxOutletWords   = 8
	maxPlaceRunes    = 100
	maxLanguageRunes = 35
	maxURLBytes      = 2048
	maxIDBytes       = 256
)

// BoundMetadata makes every metadata field of a one line (invisible and
// control characters removed, white space collapsed) within its bound (see
// above). It is the one place where an article's fields are bounded: every
// loader calls it on the articles it finishes, and so must anything that
// sets a field after loading (a feed's title for a page that has none).
// The Body is not touched.
func BoundMetadata(a *corpus.Article) {
	a.Title = cutRunes(metaLine(a.Title), maxTitleRunes)
	a.Author = cutRunes(metaLine(a.Author), maxAuthorRunes)
	a.Outlet = outletName(a.Outlet)
	a.Wire = outletName(a.Wire)
	if a.Place = metaLine(a.Place); utf8.RuneCountInString(a.Place) > maxPlaceRunes {
		a.Place = ""
	}
	a.Language = languageTag(a.Language)
	if a.URL = metaLine(a.URL); len(a.URL) > maxURLBytes || strings.ContainsAny(a.URL, " ") {
		a.URL = ""
	}
	if a.ID = metaLine(a.ID); len(a.ID) > maxIDBytes {
		a.ID = contentID(a.Body)
	}
}

// metaLine is s on one line: invisible characters (corpus.IsInvisible) and
// controls removed, runs of white space one space.
func metaLine(s string) string {
	s = stripInvisible(s)
	if strings.IndexFunc(s, unicode.IsControl) >= 0 {
		s = strings.Map(func(r rune) rune {
			if unicode.IsControl(r) {
				return ' '
			}
			return r
		}, s)
	}
	return oneLine(s)
}

// cutRunes cuts s to at most n characters, at a word, marking the cut
// with "…".
func cutRunes(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	cut := 0
	for i := range s {
		if utf8.RuneCountInString(s[:i]) >= n-1 {
			break
		}
		if s[i] == ' ' {
			cut = i
		}
	}
	if cut == 0 {
		for i := range s {
			if utf8.RuneCountInString(s[:i]) >= n-1 {
				cut = i
				break
			}
		}
	}
	return strings.TrimRightFunc(s[:cut], unicode.IsSpace) + "…"
}

// socialHosts are sites whose address pages give as their publisher while
// they are not the outlet.
var socialHosts = map[string]bool{
	"facebook.com": true, "twitter.com": true, "x.com": true, "instagram.com": true,
	"youtube.com": true, "linkedin.com": true, "t.me": true, "plus.google.com": true,
}

// outletName is s as an outlet's name, or "" when it is none: a link reads
// as its host name ("https://www.example.com" is "example.com", a social
// network's is none); a name with a tagline after " | " or " - " is the
// part before it; a name longer than 64 characters or 8 words is no name
// (a sentence, or instructions, put where a name goes).
func outletName(s string) string {
	s = metaLine(s)
	if s == "" {
		return ""
	}
	if h := linkHost(s); h != "" {
		if socialHosts[h] {
			return ""
		}
		return h
	}
	for _, sep := range []string{" | ", " - ", " – ", " — ", " · ", " :: "} {
		if first, _, ok := strings.Cut(s, sep); ok && strings.TrimSpace(first) != "" {
			s = strings.TrimSpace(first)
		}
	}
	if utf8.RuneCountInString(s) > maxOutletRunes || len(strings.Fields(s)) > maxOutletWords {
		return ""
	}
	return s
}

// linkHost is the host name, without "www.", of s when s is a link
// (http://, https:// or www.), else "".
func linkHost(s string) string {
	if strings.ContainsAny(s, " ") {
		return ""
	}
	if strings.HasPrefix(strings.ToLower(s), "www.") {
		s = "https://" + s
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return ""
	}
	return strings.TrimPrefix(strings.ToLower(u.Hostname()), "www.")
}

// urlHost is the host name of an article's URL, without "www.".
func urlHost(raw string) string { return linkHost(raw) }

// languageTag is s as a BCP 47 language tag ("en", "pt-BR"; "en_US" is
// read as "en-US"), or "" when it is not one.
func languageTag(s string) string {
	s = strings.ReplaceAll(metaLine(s), "_", "-")
	if s == "" || utf8.RuneCountInString(s) > maxLanguageRunes {
		return ""
	}
	for i, part := range strings.Split(s, "-") {
		if part == "" || len(part) > 8 || i == 0 && (len(part) < 2 || len(part) > 3) {
			return ""
		}
		for _, r := range part {
			if !(r < utf8.RuneSelf && (unicode.IsLetter(r) || unicode.IsDigit(r) && i > 0)) {
				return ""
			}
		}
	}
	return s
}

// applyDateline sets a's TextStart from a dateline at the start of its
// Body, and its Place where it is still empty. The outlet the dateline (or
// a byline) names becomes the Outlet when there is none; when it is a news
// agency other than the Outlet, it is the Wire, unless the article's URL
// is on the agency's own site, where the agency is the Outlet (a Reuters
// story on reuters.com whose page names its section, "U.S.", as the site).
func applyDateline(a *corpus.Article) {
	d, ok := dateline.Parse(a.Body)
	source := ""
	if ok {
		a.TextStart = d.End
		if a.Place == "" {
			a.Place = d.Place
		}
		source = d.Outlet
	}
	if _, isAgency := dateline.Agency(a.Author); source == "" && isAgency {
		source = a.Author
	}
	if source == "" {
		return
	}
	agency, isAgency := dateline.Agency(source)
	switch {
	case a.Outlet == "":
		a.Outlet = source
	case !isAgency:
	case agencyOf(a.Outlet) == agency:
	case dateline.AgencySite(agency, urlHost(a.URL)):
		a.Outlet, a.Wire = agency, ""
	case a.Wire == "":
		a.Wire = agency
	}
}

// agencyOf is the agency an outlet's name names, "" when none.
func agencyOf(outlet string) string {
	if name, ok := dateline.Agency(outlet); ok {
		return name
	}
	// A desk of an agency: "Reuters Health", "AP News".
	if first, _, ok := strings.Cut(outlet, " "); ok {
		if name, ok := dateline.Agency(first); ok {
			return name
		}
	}
	return ""
}
