package dateline

import (
	"strings"
	"testing"
)

func TestParseDateline(t *testing.T) {
	tests := []struct {
		in            string
		place, outlet string
		rest          string // the text at End
	}{
		{"MOSCOW, (Reuters) – U.S. Secretary of State", "MOSCOW", "Reuters", "U.S. Secretary"},
		{"MOSCOW (Reuters) - Talks ended.", "MOSCOW", "Reuters", "Talks"},
		{"MOSCOW, Oct 13 (Reuters) - Talks ended.", "MOSCOW", "Reuters", "Talks"},
		{"MOSCOW, Oct. 13, 2009 (Reuters) — Talks ended.", "MOSCOW", "Reuters", "Talks"},
		{"MOSCOW, Oct 13 - Talks ended.", "MOSCOW", "", "Talks"},
		{"Moscow, 13 October - Talks ended.", "Moscow", "", "Talks"},
		{"MOSCOW,\u00a0(Reuters)\u00a0–\u00a0Talks ended.", "MOSCOW", "Reuters", "Talks"},
		{"New York CNN —\n\n“Squid Game” is officially coming back.", "New York", "CNN", "“Squid"},
		{"New York CNN Business —\n\nThis story", "New York", "CNN Business", "This story"},
		{"Colombo, Sri Lanka CNN —\n\nFor three", "Colombo, Sri Lanka", "CNN", "For three"},
		{"CNN —\n\nThe Fed raised rates.", "", "CNN", "The Fed"},
		{"Reuters —\n\nFiji’s defense minister", "", "Reuters", "Fiji’s"},
		{"(CNN) President Joe Biden", "", "CNN", "President"},
		{"(Reuters) - World swimming's body", "", "Reuters", "World"},
		{"Washington (CNN) The federal criminal investigation", "Washington", "CNN", "The federal"},
		{"Washington, DC (CNN) The National Highway", "Washington, DC", "CNN", "The National"},
		{"St. Paul, Minnesota (CNN) Former officers", "St. Paul, Minnesota", "CNN", "Former"},
		{"Hong Kong/Beijing/Taipei (CNN) US House Speaker", "Hong Kong/Beijing/Taipei", "CNN", "US House"},
		{"New York (CNN Business) US stocks plunged", "New York", "CNN Business", "US stocks"},
		{"New York (CNNBusiness) For months", "New York", "CNNBusiness", "For months"},
		{"Rio de Janeiro (AFP) - Police said", "Rio de Janeiro", "AFP", "Police"},
		{"LONDON (The Example Post) - Ministers said", "LONDON", "The Example Post", "Ministers"},
		{"WASHINGTON – The House committee", "WASHINGTON", "", "The House"},
		{"WASHINGTON—Days following his vote", "WASHINGTON", "", "Days"},
		{"NEW YORK –– On Wednesday", "NEW YORK", "", "On Wednesday"},
		{"VIERA, Fla. – The numbers are staggering", "VIERA, Fla.", "", "The numbers"},
		{"WOODLAND PARK, N.J. – Only during", "WOODLAND PARK, N.J.", "", "Only"},
		{"ANKARA -- Turkish scientists said", "ANKARA", "", "Turkish"},
		{"NEW YORK _ As lead singer of Limp Bizkit", "NEW YORK", "", "As lead"},
		{"ROUND ROCK, Texas _ Fearful that a gang", "ROUND ROCK, Texas", "", "Fearful"},
		{"HOLLYWOOD, July 19 _ The death of James Dean", "HOLLYWOOD", "", "The death"},
		{"NANJING, January 5 -LRB- Xinhua -RRB- -- The comet", "NANJING", "Xinhua", "The comet"},
		{"  \n  BRUSSELS (AP) — The deal", "BRUSSELS", "AP", "The deal"},
	}
	for _, tt := range tests {
		d, ok := Parse(tt.in)
		if !ok {
			t.Errorf("Parse(%q): no dateline", tt.in)
			continue
		}
		if d.Place != tt.place || d.Outlet != tt.outlet || !strings.HasPrefix(tt.in[d.End:], tt.rest) {
			t.Errorf("Parse(%q) = %q, %q, rest %q; want %q, %q, %q", tt.in, d.Place, d.Outlet, tt.in[d.End:], tt.place, tt.outlet, tt.rest)
		}
	}
}

func TestParseDatelineRejects(t *testing.T) {
	for _, in := range []string{
		"U.S. Secretary of State Hillary Clinton failed to win specific pledges.",
		"US secretary of state Hillary Clinton met senior Kremlin officials in Moscow today.",
		"Prosecutors said the man had fled.",
		"In Moscow - the capital - protesters gathered.",
		"In Moscow – the capital – protesters gathered.",
		"Moscow - the capital - was quiet.",
		"The Commodity Credit Corporation (CCC) announced 1.5 mln dlrs in credit guarantees.",
		"European Community (EC) agriculture ministers meet later today.",
		"International Coffee Organization (ICO) exporters will modify their proposal.",
		"Industrial Equity (Pacific) Ltd, a Hong Kong investment firm, said it raised its stake.",
		"Cheung Kong (Holdings) Ltd is expecting strong results this year.",
		"Sens. Alan Cranston (D-Cal.) and Daniel Evans (R-Wash.) said they introduced a bill.",
		"Racquel Gates ( @RacquelGates ) is an associate professor.",
		"Reuters said on Monday that it would expand.",
		"CNN reported the story first.",
		"He did what he does best _ he didn't whisper, he listened.",
		"For years _ maybe decades _ the industry has argued otherwise.",
		"Noon -- Gorbachev visits Stanford School of Business.",
		"Kilimanjaro -- at 19,342 feet the highest mountain in Africa.",
		"With Support From China, Create U.S. - Soviet Equilibrium -- Nixon.",
		"COVID-19 vaccines could be available soon.",
		"U.S. M-1 money supply rose 2.1 billion dlrs.",
		"U.S. - China trade talks resumed.",
		"BREAKING – Markets fall sharply.",
		"EXCLUSIVE - The minister resigns.",
		"NATO - the alliance - met today.",
		"BAHIA COCOA REVIEW\n\nShowers continued.",
		"MOSCOW (Reuters) -",
		"MOSCOW, (Reuters) – ",
		"A - B testing is common.",
		"Thursday, Oct 13 - The talks resumed.",
		"Showers continued throughout the week in the Bahia cocoa zone.",
		"",
		"(",
		"(CNN",
		"—",
	} {
		if d, ok := Parse(in); ok {
			t.Errorf("Parse(%q) = %+v, want no dateline", in, d)
		}
	}
}

func TestPlaceFromDatelineField(t *testing.T) {
	for in, want := range map[string]string{
		"SALVADOR, Feb 26":             "SALVADOR",
		"BASLE, Switzerland, June 19":  "BASLE, Switzerland",
		"ST. LOUIS, MO., March 6":      "ST. LOUIS, MO.",
		"JOHANNESBURG March 13":        "JOHANNESBURG",
		"WASHINGTON, March 12, Reuter": "WASHINGTON",
		"WHEAT":                        "",
		"us 7.8015":                    "",
		"Bids only":                    "",
		"":                             "",
	} {
		if got := PlaceFromField(in); got != want {
			t.Errorf("PlaceFromField(%q) = %q, want %q", in, got, want)
		}
	}
}

// FuzzParseDateline checks that any text parses without panic and that End
// stays within it.
func FuzzParseDateline(f *testing.F) {
	for _, s := range []string{"MOSCOW, (Reuters) – U.S.", "New York CNN —\n\nX", "(CNN) X", "A _ B", "-LRB- X -RRB- -- Y"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, ok := Parse(s)
		if ok && (d.End <= 0 || d.End > len(s)) {
			t.Errorf("Parse(%q).End = %d", s, d.End)
		}
	})
}
