package main

import (
	"strings"
	"testing"
)

// Issue 15's three questions through "bot ask --corpus" on the bridge
// coverage (five outlets on one collapse): the path a person takes, with
// the data directory's index, attributions extracted at ingest.
func TestAskBridgeCoverage(t *testing.T) {
	env := map[string]string{"NEWSBOT_DATA": t.TempDir()}
	for _, tt := range []struct {
		q    string
		want []string
	}{
		{"How many people died?", []string{
			"The outlets disagree on the death toll: ",
			"Capital Tribune says 15 [", "Valley Courier says at least 14 [", "Riverside Gazette says twelve [",
			"Northern Wire says twelve [", "Metro Daily says thirteen [",
			"Metro Daily: Thirteen people have died, according to the Tane County coroner",
		}},
		{"What did the mayor say?", []string{
			"Northern Wire: \"This is the darkest day our city has known,\" Mayor Jane Ortiz told reporters at the scene.",
			"Valley Courier", "Riverside Gazette", "Metro Daily",
			"Capital Tribune, quoting Ortiz: \"We will not stop until everyone is accounted for,\" she said.",
		}},
		{"Do the outlets agree on the toll?", []string{
			"The outlets disagree on the death toll: ", "Capital Tribune says 15 [", "Valley Courier says at least 14 [",
		}},
	} {
		out, err := runBot(t, env, "", "--corpus", "../../corpus/testdata/bridge", "ask", tt.q)
		if err != nil {
			t.Fatalf("%s: %v", tt.q, err)
		}
		for _, w := range tt.want {
			if !strings.Contains(out, w) {
				t.Errorf("%s: the answer lacks %q:\n%s", tt.q, w, out)
			}
		}
	}
}
