package load

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// A page's main text, as an extractor gives it, still holds lines that are
// not the article's: captions and photo credits, bare links, share and
// subscribe rows, "Read more" and "Related" lead-ins, citation lines, the
// headline again, and the same paragraph twice. They would be quoted as if
// the article said them, so dropBoilerplate removes them from a page's
// Body, line by line:
//
//   - a line that is only links (http://, https://, www.);
//   - a line of at most 200 characters that reads as a caption's credit:
//     "Credit:", "Photo:", "Image:", "Picture:", "Illustration:",
//     "Photograph:", "Source:" as a label, "Photo by", "Image copyright",
//     "Image caption", "Media caption", or an agency credit at its end
//     ("Getty Images", "AFP", "AP Photo", "Reuters/NAME", "Shutterstock");
//   - a short line (at most 12 words) made only of the words of share,
//     follow, subscribe, print, comment and navigation buttons, with at
//     least one of them a button's own word ("Share on Facebook",
//     "Twitter Email Print", "Sign up for our newsletter", "Back to top");
//   - the link-list and ad lines of scrapeTails ("Advertisement",
//     "Related Articles", "Read more") wherever they stand, and "Story
//     continues below" notices;
//   - a line that opens with a lead-in label ("Read more:", "Related:",
//     "See also:", "Also read:", "Read next:", "Watch:", "Citation:") or
//     that asks to subscribe, sign up, follow or click ("Subscribe to ...",
//     "Click here to ...", "Follow us on ...") in at most 160 characters;
//   - a copyright line (at most 200 characters, "©" or "Copyright"
//     followed by a year or "All rights reserved");
//   - a line that is only a date, or a date with its label ("Updated
//     5:27 am CST, Wednesday, November 20, 2019", "Posted: Fri 6:45 PM"),
//     a byline ("By Jane Reporter": the Author has it), and a gallery's
//     counter ("Image 1 of 8");
//   - a paragraph that repeats the headline.
//
// A paragraph that repeats an earlier one stays: recipes, lists and
// interviews repeat lines on purpose.
//
// Every rule is about the kind of line, never about a site: nothing here is
// written for particular pages.
func dropBoilerplate(body, title string) string {
	headline := normalLine(title)
	var paras []string
	for _, p := range strings.Split(body, "\n\n") {
		var lines []string
		for _, line := range strings.Split(p, "\n") {
			if !isBoilerplateLine(line) {
				lines = append(lines, line)
			}
		}
		if len(lines) == 0 {
			continue
		}
		p = strings.Join(lines, "\n")
		key := normalLine(p)
		if key == "" || key == headline {
			continue
		}
		paras = append(paras, p)
	}
	return strings.Join(paras, "\n\n")
}

// normalLine is a line's words, lower-cased, for comparing lines.
func normalLine(s string) string {
	return strings.Join(strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsNumber(r)
	}), " ")
}

var (
	onlyLinks = regexp.MustCompile(`^(?:(?:https?://|www\.)\S+[\s,;|·•]*)+$`)
	// creditLabel is a caption's credit label, at the start or inside a
	// caption that runs into it ("...a rabbitCredit: Getty").
	creditLabel = regexp.MustCompile(`(?:Credits?|Photos?|Photograph|Image|Picture|Illustration|Video)\s*:|^Source\s*:|(?:^|\()Photo(?:graph)? by |Image copyright|Image caption|Media caption|Photo credit|Image credit`)
	// creditEnd is an agency's credit closing a caption.
	creditEnd = regexp.MustCompile(`(?:Getty Images|AFP|AP Photo|AP|Shutterstock|iStock|Reuters|EPA|Alamy)(?:\s*/\s*[\p{L} .'-]+)?\s*[).]?$`)
	// creditSlash is an agency credit with a photographer: "Reuters/Jane Doe".
	creditSlash = regexp.MustCompile(`(?:Getty Images|AFP|AP|Reuters|EPA|Shutterstock)\s*/\s*\p{Lu}|\p{L}\s*/\s*(?:Getty Images|AFP|AP|Reuters|EPA|Shutterstock)\b`)
	leadIn      = regexp.MustCompile(`(?i)^(?:read more|more|related|related articles?|related stories|see also|also read|read also|read next|watch|listen|citation|recommended|trending|more on this|more from)\s*[:：»›|-](?:\s|$)`)
	callToClick = regexp.MustCompile(`(?i)^(?:subscribe (?:to|for|now|today)|sign up (?:for|to|now|here|today)|click here|follow us|get (?:our|the latest)|download (?:our|the) app|join (?:us|our))|^Follow [\p{Lu}@].{0,60} on (?:Twitter|Facebook|Instagram|X|LinkedIn|Threads|Bluesky)`)
	copyright   = regexp.MustCompile(`(?i)(?:©|\(c\)|copyright)\s*(?:\d{4}|[^.]*all rights reserved)|all rights reserved`)
	continues   = regexp.MustCompile(`(?i)^(?:the )?(?:story|article) continues(?: below| after)?`)
	dateLabel   = regexp.MustCompile(`(?i)^(?:posted|published|updated|last updated|modified|created|first published)(?: on| at)?\s*:?\s+\S`)
	clockTime   = regexp.MustCompile(`\b\d{1,2}:\d{2}\b`)
	byline      = regexp.MustCompile(`^(?:By|BY) \p{Lu}`)
	gallery     = regexp.MustCompile(`(?i)^(?:image|photo|picture|slide)s? \d+ (?:of|/)`)
)

// buttonWords are the words of share, follow, subscribe and navigation
// buttons; buttonCore are those that make a line a row of buttons.
var buttonWords, buttonCore = wordSet(`share shares shared sharing facebook twitter x email e-mail mail whatsapp
	linkedin pinterest reddit print copy link links comments comment messenger telegram tumblr flipboard
	pocket save saved tweet pin sms more on this article story page via us our the to for a and or
	subscribe subscription follow sign up in log login newsletter newsletters menu home search close
	next previous prev back top skip content main advertisement ad ads sponsored read full continue
	reading open app now free here click view gallery photos photo video videos image images
	show hide toggle navigation`), wordSet(`share facebook twitter email e-mail whatsapp linkedin pinterest
	reddit print comments comment messenger telegram tumblr flipboard pocket tweet subscribe follow
	newsletter menu advertisement sponsored login skip toggle navigation`)

func wordSet(s string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(s) {
		m[w] = true
	}
	return m
}

// isBoilerplateLine reports whether a line of a page's main text is not the
// article's (see dropBoilerplate).
func isBoilerplateLine(line string) bool {
	line = strings.TrimSpace(line)
	if line == "" {
		return true
	}
	n := utf8.RuneCountInString(line)
	switch {
	case onlyLinks.MatchString(line):
		return true
	case isScrapeTail(line):
		return true
	case continues.MatchString(line) && n <= 80:
		return true
	case leadIn.MatchString(line):
		return true
	case callToClick.MatchString(line) && n <= 160:
		return true
	case n <= 200 && copyright.MatchString(line):
		return true
	case n <= 200 && (creditLabel.MatchString(line) || creditSlash.MatchString(line)):
		return true
	case n <= 200 && !endsLikeSentence(line) && creditEnd.MatchString(line):
		return true
	case gallery.MatchString(line) && n <= 40:
		return true
	case n <= 120 && dateLabel.MatchString(line) && (embeddedDate.MatchString(line) || clockTime.MatchString(line)):
		return true
	case n <= 60 && !parseDate(strings.Trim(line, " |·•-")).IsZero():
		return true
	case byline.MatchString(line) && len(strings.Fields(line)) <= 8 && !strings.ContainsAny(line[len(line)-1:], ".!?:"):
		return true
	}
	return isButtonRow(line)
}

// endsLikeSentence reports a line ending with a sentence's final period
// after a word of at least three letters (a caption's "AFP." does not).
func endsLikeSentence(line string) bool {
	if !strings.HasSuffix(line, ".") {
		return false
	}
	f := strings.Fields(line)
	last := strings.TrimRight(f[len(f)-1], ".")
	return len(f) > 3 && utf8.RuneCountInString(last) >= 3 && strings.ToUpper(last) != last
}

// isButtonRow reports a short line made only of button words.
func isButtonRow(line string) bool {
	words := strings.FieldsFunc(strings.ToLower(line), func(r rune) bool {
		return !unicode.IsLetter(r) && r != '-'
	})
	if len(words) == 0 || len(words) > 12 {
		return false
	}
	core := false
	for _, w := range words {
		if !buttonWords[w] {
			return false
		}
		core = core || buttonCore[w]
	}
	return core
}
