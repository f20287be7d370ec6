package index

import (
	"context"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/newsbot-dev/newsbot"
	"github.com/newsbot-dev/newsbot/corpus"
)

func TestRetrieveFiltered(t *testing.T) {
	arts, rels := bridge()
	for _, ix := range []newsbot.FilterRetriever{diskWith(t, arts, fakeExtractor(rels)), Build(arts)} {
		testRetrieveFiltered(t, ix)
	}
}

func testRetrieveFiltered(t *testing.T, ix newsbot.FilterRetriever) {
	ctx := context.Background()
	for _, tt := range []struct {
		outlets []string
		want    string // the article every piece of evidence is from
	}{
		{[]string{"Daily Post"}, "post"},
		{[]string{"daily post"}, "post"},
		{[]string{"REUTERS"}, "times"}, // by its wire
		{[]string{"Morning Star", "nobody"}, "star"},
	} {
		ev, err := ix.RetrieveFiltered(ctx, "How many people died in the bridge collapse?", 5, newsbot.Filter{Outlets: tt.outlets})
		if err != nil {
			t.Fatal(err)
		}
		if len(ev) == 0 {
			t.Errorf("%v: no evidence", tt.outlets)
		}
		for _, e := range ev {
			if e.ArticleID != tt.want {
				t.Errorf("%v: evidence from %s (%s): %q", tt.outlets, e.ArticleID, e.Outlet, e.Sentence)
			}
		}
	}
	if ev, err := ix.RetrieveFiltered(ctx, "bridge", 5, newsbot.Filter{Outlets: []string{"The Onion"}}); err != nil || len(ev) != 0 {
		t.Errorf("an outlet the coverage lacks: %v, %v", sentencesOf(ev), err)
	}
	all, _ := ix.Retrieve(ctx, "bridge collapse", 5)
	none, _ := ix.RetrieveFiltered(ctx, "bridge collapse", 5, newsbot.Filter{Outlets: []string{" "}})
	if !reflect.DeepEqual(sentencesOf(all), sentencesOf(none)) {
		t.Errorf("a filter of no outlet: %v, want Retrieve's %v", sentencesOf(none), sentencesOf(all))
	}
}

// TestRetrieveFilteredIsTheBestOfTheOutlet: the filter applies inside the
// search, so an outlet whose sentences rank below a whole first stage of
// other outlets' still gets its best k.
func TestRetrieveFilteredIsTheBestOfTheOutlet(t *testing.T) {
	var arts []corpus.Article
	for i := range 40 {
		arts = append(arts, corpus.Article{ID: fmt.Sprint("big", i), Outlet: "Big Wire",
			Body: fmt.Sprintf("The bridge collapse in Harlow killed people, bridge engineers said on day %d. The bridge collapse was studied.", i)})
	}
	arts = append(arts, corpus.Article{ID: "small", Outlet: "Small Paper",
		Body: "Residents of the town spent the evening at the church hall. A bridge collapse was mentioned once in a long speech about roads, schools and the budget of the county for next year."})
	d := diskWith(t, arts, nil)
	d.FirstStage = 10
	testBestOfTheOutlet(t, d)
	// The memory index's first stage is poolSize: enough articles to fill it.
	for i := 40; i < poolSize+40; i++ {
		arts = append(arts, corpus.Article{ID: fmt.Sprint("big", i), Outlet: "Big Wire",
			Body: fmt.Sprintf("The bridge collapse in Harlow killed people, bridge engineers said on day %d. The bridge collapse was studied.", i)})
	}
	testBestOfTheOutlet(t, Build(arts))
}

func testBestOfTheOutlet(t *testing.T, ix newsbot.FilterRetriever) {
	ctx := context.Background()
	ev, err := ix.Retrieve(ctx, "bridge collapse", 10)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range ev {
		if e.ArticleID == "small" {
			t.Fatalf("the small outlet's sentence is in the unfiltered top 10: the test measures nothing")
		}
	}
	ev, err = ix.RetrieveFiltered(ctx, "bridge collapse", 3, newsbot.Filter{Outlets: []string{"small paper"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(ev) == 0 || !strings.HasPrefix(ev[0].Sentence, "A bridge collapse was mentioned") {
		t.Errorf("filtered to the small outlet: %v", sentencesOf(ev))
	}
}

func TestOutlets(t *testing.T) {
	arts, _ := bridge()
	arts = append(arts, corpus.Article{ID: "again", Outlet: "coast herald", Body: "The bridge is closed."}, corpus.Article{ID: "anon", Body: "No outlet."})
	if got, _ := Build(arts).Outlets(context.Background()); len(got) != 5 {
		t.Errorf("memory index: Outlets = %q", got)
	}
	ix := diskWith(t, arts, nil)
	ctx := context.Background()
	got, err := ix.Outlets(ctx)
	want := []string{"Coast Herald", "Daily Post", "Morning Star", "Reuters", "Valley Times"}
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("Outlets = %q, %v; want %q", got, err, want)
	}
	// Replaced by an article of another outlet: the old outlet goes.
	if _, err := ix.Add(ctx, []corpus.Article{{ID: "star", Outlet: "Evening Star", Body: "Officials said 15 people died."}}); err != nil {
		t.Fatal(err)
	}
	got, _ = ix.Outlets(ctx)
	want = []string{"Coast Herald", "Daily Post", "Evening Star", "Reuters", "Valley Times"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Outlets after a replacement = %q; want %q", got, want)
	}
	if n, _ := Memory().Outlets(ctx); len(n) != 0 {
		t.Errorf("an empty index's outlets: %q", n)
	}
}
