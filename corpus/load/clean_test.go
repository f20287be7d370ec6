package load

import "testing"

func TestStripInvisible(t *testing.T) {
	for in, want := range map[string]string{
		"":                         "",
		"plain ASCII":              "plain ASCII",
		"caf\u00e9 \u2014 ok":      "caf\u00e9 \u2014 ok",
		"\ufeffBOM first":          "BOM first",
		"zero\u200bwidth":          "zerowidth",
		"soft\u00adhy\u00adphen":   "softhyphen",
		"\u202eevil\u202c \u2066x": "evil x",
		"end\u2060":                "end",
	} {
		if got := stripInvisible(in); got != want {
			t.Errorf("stripInvisible(%q) = %q, want %q", in, got, want)
		}
	}
	s := "no invisible characters here, only “quotes”"
	if got := stripInvisible(s); got != s {
		t.Errorf("stripInvisible changed %q", s)
	}
}
