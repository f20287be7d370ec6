package load

import (
	"regexp"
	"strings"
	"time"
)

// dateLayouts are the forms of publication dates that parseDate accepts.
// Layouts without a zone give UTC.
var dateLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02T15:04:05Z0700",
	"2006-01-02T15:04:05",
	"2006-01-02T15:04Z07:00",
	"2006-01-02T15:04",
	"2006-01-02 15:04:05Z07:00",
	"2006-01-02 15:04:05 -0700",
	"2006-01-02 15:04:05 MST",
	"2006-01-02 15:04:05",
	"2006-01-02 15:04",
	"2006-01-02",
	"2006/01/02",
	"20060102",
	time.RFC1123Z,
	time.RFC1123,
	"Mon, 2 Jan 2006 15:04:05 -0700",
	"Mon, 2 Jan 2006 15:04:05 MST",
	time.RFC850,
	time.RFC822Z,
	time.RFC822,
	time.UnixDate,
	time.ANSIC,
	"January 2, 2006",
	"January 2 2006",
	"Monday, January 2, 2006",
	"Mon, January 2, 2006",
	"January 2, 2006 15:04",
	"January 2, 2006 3:04 PM",
	"January 2, 2006, 3:04 PM",
	"January 2, 2006 3:04 PM MST",
	"Jan 2, 2006",
	"Jan 2 2006",
	"Mon, Jan 2, 2006",
	"Jan 2, 2006 3:04 PM",
	"Jan 2, 2006, 3:04 PM",
	"2 January 2006",
	"Monday, 2 January 2006",
	"2 January 2006 15:04",
	"2 Jan 2006",
	"Mon, 2 Jan 2006",
	"2 Jan 2006 15:04",
	"2-Jan-2006",
	"2 Jan 2006 15:04:05",
}

// parseDate reads a publication date leniently (see dateLayouts; a period
// after a month's abbreviation and "Sept" are accepted too). It returns
// the zero time, meaning unknown, when it cannot read s.
func parseDate(s string) time.Time {
	s = strings.Join(strings.Fields(s), " ")
	if s == "" {
		return time.Time{}
	}
	for _, layout := range dateLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			return t
		}
	}
	// "Sept. 5, 2009", "Oct. 13, 2009": drop the abbreviation's period.
	if alt := normaliseMonth(s); alt != s {
		for _, layout := range dateLayouts {
			if t, err := time.Parse(layout, alt); err == nil {
				return t
			}
		}
	}
	return time.Time{}
}

// parseDateIn is parseDate, and when s is not a date by itself, the date
// inside it ("01:38:07 PM IST Nov 20, 2019", "Updated 2019-11-20 13:05"):
// the day it names, in UTC. For metadata fields, which hold a date.
func parseDateIn(s string) time.Time {
	if t := parseDate(s); !t.IsZero() {
		return t
	}
	if m := embeddedDate.FindString(s); m != "" {
		if t := parseDate(strings.TrimSuffix(m, ",")); !t.IsZero() {
			return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
		}
	}
	return time.Time{}
}

// embeddedDate is a whole date within a longer text: 2019-11-20,
// Nov 20, 2019 (or November 20 2019, Nov. 20, 2019), 20 November 2019.
var embeddedDate = regexp.MustCompile(`\b\d{4}-\d{2}-\d{2}\b|\b(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.? \d{1,2},? \d{4}\b|\b\d{1,2} (?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]* \d{4}\b`)

func normaliseMonth(s string) string {
	words := strings.Split(s, " ")
	for i, w := range words {
		comma := strings.HasSuffix(w, ",")
		core := strings.TrimRight(w, ".,")
		if strings.EqualFold(core, "sept") {
			core = core[:3]
		}
		if len(core) == 3 && monthAbbreviations[strings.ToLower(core)] {
			words[i] = core
			if comma {
				words[i] += ","
			}
		}
	}
	return strings.Join(words, " ")
}

// monthAbbreviations are the three-letter names of the months, lower-cased.
var monthAbbreviations = map[string]bool{
	"jan": true, "feb": true, "mar": true, "apr": true, "may": true, "jun": true,
	"jul": true, "aug": true, "sep": true, "oct": true, "nov": true, "dec": true,
}
