package index

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/newsbot-dev/newsbot/corpus"
)

func testArticles() []corpus.Article {
	return []corpus.Article{
		{ID: "a1", Title: "Clinton fails to win Russia pledge on Iran sanctions", Outlet: "Reuters",
			Body: "But Foreign Minister Sergei Lavrov restated Russia's position that any talk of sanctions against Iran at this stage was counter-productive.\n“All forces should be aimed at supporting talks,” he said.\n\nThe dollar fell against the yen on Tuesday."},
		{ID: "a2", Title: "Cocoa review", Outlet: "Reuters", Published: time.Date(1987, 2, 26, 0, 0, 0, 0, time.UTC),
			Body: "Showers continued throughout the week in the Bahia cocoa zone. Arrivals for the week were 155,221 bags."},
		{ID: "a3", Body: "Mrs Clinton did not attend a July summit because of an injury.\n\"I had broken my elbow,\" Mrs Clinton told Lavrov."},
	}
}

func TestSearchFindsSentenceAndAntecedent(t *testing.T) {
	ix := Build(testArticles())
	if ix.Len() != 3 {
		t.Fatalf("Len = %d, want 3", ix.Len())
	}
	hits := ix.Search("What did Lavrov say about sanctions?", 5)
	if len(hits) == 0 {
		t.Fatal("no hits")
	}
	if top := texts(hits[:2]); !strings.Contains(strings.Join(top, " "), "counter-productive") {
		t.Errorf("top hits = %q, want Lavrov's sanctions sentence among them", top)
	}
	// The quote says "he said": it is found through its antecedent, Lavrov.
	found := false
	for _, h := range hits {
		if strings.HasPrefix(h.Text(), "“All forces") {
			found = true
			if h.Own == h.Coverage {
				t.Errorf("quote's coverage %v should include context beyond its own words %v", h.Coverage, h.Own)
			}
		}
	}
	if !found {
		t.Errorf("the quote attributed with \"he said\" was not retrieved: %v", texts(hits))
	}
	for _, h := range hits {
		if h.Article.Body[h.Start:h.End] != h.Text() {
			t.Fatal("hit text is not the body's bytes")
		}
	}
}

func TestSearchNoMatch(t *testing.T) {
	ix := Build(testArticles())
	if hits := ix.Search("quantum chromodynamics", 5); len(hits) != 0 {
		t.Errorf("unrelated question got hits: %v", texts(hits))
	}
	if hits := ix.Search("the of and", 5); len(hits) != 0 {
		t.Errorf("stop words only got hits: %v", texts(hits))
	}
	var empty *Index
	if hits := empty.Search("anything", 5); hits != nil {
		t.Error("nil index returned hits")
	}
}

func TestSearchDeduplicatesRepeatedSentences(t *testing.T) {
	arts := []corpus.Article{
		{ID: "x", Body: "The central bank raised interest rates by half a point."},
		{ID: "y", Body: "The central bank raised interest rates by half a point. Markets fell."},
	}
	hits := Build(arts).Search("Did the central bank raise interest rates?", 5)
	n := 0
	for _, h := range hits {
		if strings.HasPrefix(h.Text(), "The central bank") {
			n++
		}
	}
	if n != 1 {
		t.Errorf("repeated sentence appears %d times, want 1: %v", n, texts(hits))
	}
}

func TestAnswerType(t *testing.T) {
	arts := []corpus.Article{
		{ID: "1", Body: "The party was founded long ago by activists in the city."},
		{ID: "2", Body: "The party was founded in 1966 by activists."},
		{ID: "3", Body: "The party was founded by Bobby Seale and Huey Newton."},
	}
	ix := Build(arts)
	for q, want := range map[string]string{
		"When was the party founded?": "2",
		"Who founded the party?":      "3",
	} {
		hits := ix.Search(q, 3)
		if len(hits) == 0 || hits[0].Article.ID != want {
			t.Errorf("%q: top = %v, want article %s", q, texts(hits), want)
		}
	}
}

func TestAdd(t *testing.T) {
	arts := testArticles()
	ix := Build(arts[:2])
	nx, st := ix.Add([]corpus.Article{arts[2], arts[0], arts[2]})
	if want := []AddStatus{Added, Duplicate, Duplicate}; !reflect.DeepEqual(st, want) {
		t.Errorf("statuses = %v, want %v", st, want)
	}
	if ix.Len() != 2 || nx.Len() != 3 {
		t.Errorf("old/new Len = %d/%d, want 2/3 (the old index must not change)", ix.Len(), nx.Len())
	}
	// The same text under another id is another article (another outlet
	// running the same story).
	if ox, st := nx.Add([]corpus.Article{{ID: "other", Outlet: "Other", Body: arts[1].Body}}); st[0] != Added || ox.Len() != 4 {
		t.Errorf("same text, new id: status %v, Len %d; want added", st[0], ox.Len())
	}
	// Replacing an article with new text under the same id.
	edited := arts[0]
	edited.Body = "Lavrov said talks on sanctions should wait."
	rx, st := nx.Add([]corpus.Article{edited})
	if st[0] != Replaced || rx.Len() != 3 {
		t.Fatalf("replace: status %v, Len %d", st[0], rx.Len())
	}
	a, _ := rx.Article("a1")
	if a.Body != edited.Body {
		t.Error("replaced article keeps its old body")
	}
	if h := rx.Search("counter-productive", 3); len(h) != 0 {
		t.Errorf("old text still found after replace: %v", texts(h))
	}
	// An incremental index answers as one built from scratch.
	full := Build(append(append([]corpus.Article{}, arts[1], arts[2]), edited))
	for _, q := range []string{"Lavrov sanctions", "cocoa arrivals", "Clinton elbow"} {
		if got, want := texts(rx.Search(q, 5)), texts(full.Search(q, 5)); !reflect.DeepEqual(got, want) {
			t.Errorf("%q: incremental %v, scratch %v", q, got, want)
		}
	}
}

func TestSaveOpenRoundTrip(t *testing.T) {
	dir := t.TempDir()
	ix := Build(testArticles())
	if err := ix.Save(dir); err != nil {
		t.Fatal(err)
	}
	got, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got.articles, ix.articles) {
		t.Error("articles differ after a round trip")
	}
	if !reflect.DeepEqual(got.sents, ix.sents) || !reflect.DeepEqual(got.post, ix.post) || !reflect.DeepEqual(got.terms, ix.terms) {
		t.Error("index differs after a round trip")
	}
	for _, q := range []string{"What did Lavrov say about sanctions?", "cocoa", "elbow"} {
		if a, b := texts(got.Search(q, 5)), texts(ix.Search(q, 5)); !reflect.DeepEqual(a, b) {
			t.Errorf("%q: loaded %v, built %v", q, a, b)
		}
	}
}

// The format keeps the Wire and Language; a version 1 file (without them)
// still opens, and a newer version is refused with a clear message.
func TestStoreVersions(t *testing.T) {
	arts := testArticles()
	arts[0].Wire, arts[0].Language = "Reuters", "en"
	dir := t.TempDir()
	if err := Build(arts).Save(dir); err != nil {
		t.Fatal(err)
	}
	got, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	if a, _ := got.Article(arts[0].ID); a.Wire != "Reuters" || a.Language != "en" {
		t.Errorf("after a round trip: %+v", a)
	}

	var v1 bytes.Buffer
	if err := Build(testArticles()).encodeVersion(&v1, 1); err != nil {
		t.Fatal(err)
	}
	name := filepath.Join(dir, IndexFile)
	os.WriteFile(name, v1.Bytes(), 0o644)
	old, err := Open(dir)
	if err != nil {
		t.Fatalf("a version 1 index: %v", err)
	}
	if q := "What did Lavrov say about sanctions?"; !reflect.DeepEqual(texts(old.Search(q, 5)), texts(Build(testArticles()).Search(q, 5))) {
		t.Error("a version 1 index answers differently")
	}

	newer := append([]byte{}, v1.Bytes()...)
	newer[len(magic)-1] = 9
	os.WriteFile(name, newer, 0o644)
	if _, err := Open(dir); err == nil || !strings.Contains(err.Error(), "version 9") {
		t.Errorf("a newer index: err = %v", err)
	}
}

func TestOpenRefusesDamage(t *testing.T) {
	dir := t.TempDir()
	if _, err := Open(dir); err == nil || !strings.Contains(err.Error(), "no index") {
		t.Errorf("empty dir: err = %v, want ErrNoIndex", err)
	}
	if err := Build(testArticles()).Save(dir); err != nil {
		t.Fatal(err)
	}
	name := filepath.Join(dir, IndexFile)
	good, _ := os.ReadFile(name)
	for i, mangle := range []func([]byte) []byte{
		func(b []byte) []byte { return b[:len(b)/2] },                                        // cut short
		func(b []byte) []byte { c := append([]byte{}, b...); c[len(c)/2] ^= 0xff; return c }, // a flipped byte
		func(b []byte) []byte { return []byte("garbage") },
	} {
		os.WriteFile(name, mangle(good), 0o644)
		if _, err := Open(dir); err == nil {
			t.Errorf("case %d: damaged index opened without error", i)
		}
	}
}

// A crash while saving leaves only a temporary file beside the index:
// the previous index still opens.
func TestSaveIsAtomic(t *testing.T) {
	dir := t.TempDir()
	ix := Build(testArticles()[:1])
	if err := ix.Save(dir); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(dir, IndexFile+".tmp123"), []byte("half-written"), 0o644)
	got, err := Open(dir)
	if err != nil || got.Len() != 1 {
		t.Fatalf("Open after interrupted save: %v, %v", got, err)
	}
}

func TestConcurrentSearchAndAdd(t *testing.T) {
	arts := testArticles()
	ix := Build(arts[:2])
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range 200 {
				ix.Search(fmt.Sprintf("Lavrov sanctions cocoa %d", i+j), 3)
			}
		}()
	}
	for range 20 {
		nx, _ := ix.Add(arts[2:])
		nx.Search("elbow", 2)
	}
	wg.Wait()
}

func TestAnalyzer(t *testing.T) {
	an := newAnalyzer(16)
	var got []string
	for _, tk := range an.tokens(nil, "The U.S. said Russia’s 5.93 mln bags, 155,221 in all, won\u200bderful U.N.") {
		if !tk.stop {
			got = append(got, tk.term)
		}
	}
	want := []string{"us", "say", "russia", "5.93", "mln", "bag", "155221", "wonder", "un"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("terms = %q, want %q", got, want)
	}
}

func texts(hits []Hit) []string {
	var out []string
	for _, h := range hits {
		out = append(out, h.Text())
	}
	return out
}
