package load

import (
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
