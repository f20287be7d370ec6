package newsbot_test

import (
	"context"
	"strings"
	"testing"

	"github.com/newsbot-dev/newsbot"
	"github.com/newsbot-dev/newsbot/corpus/index"
)

// The three questions of issue 15's "must show", end to end: the bridge
// coverage indexed by the real engine, attributions extracted at ingest
// (corpus/attribution), the index's filtered retrieval and its words for
// the same event, on the memory index and on the disk one.
func TestBridgeCoverageEndToEnd(t *testing.T) {
	arts := bridgeArticles(t)
	for _, r := range []struct {
		name string
		r    newsbot.Retriever
	}{{"memory", index.Build(arts)}, {"disk", index.BuildDisk(arts)}} {
		t.Run(r.name, func(t *testing.T) {
			checkBridge(t, &newsbot.Bot{Retriever: r.r})
		})
	}
}

// The other kinds of question, end to end.
func TestBridgeQuestionKindsEndToEnd(t *testing.T) {
	b := &newsbot.Bot{Retriever: index.Build(bridgeArticles(t))}
	for _, tt := range []struct {
		q   string
		has []string
	}{
		{"What did the Valley Courier report about the death toll?", []string{"Valley Courier: At least 14 people were killed"}},
		{"According to Metro Daily, how many people died?", []string{"Metro Daily: Thirteen people have died"}},
		{"Which outlets reported different death tolls?", []string{"The outlets disagree on the death toll:"}},
		{"What did the fire chief say?", []string{"Tom Reyes"}},
		{"Who said nobody should have to wonder whether the bridge will hold?", []string{"Jane Ortiz said it [1].", "Valley Courier, quoting Mayor Jane Ortiz: \"Nobody should have to wonder"}},
		{"What did Governor Hale say?", []string{"Capital Tribune: Governor Linda Hale", "Northern Wire: Governor Linda Hale"}},
	} {
		a, err := b.Answer(context.Background(), tt.q)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("%s\n%s", tt.q, a.Text)
		for _, h := range tt.has {
			if !strings.Contains(a.Text, h) {
				t.Errorf("%q: the answer lacks %q:\n%s", tt.q, h, a.Text)
			}
		}
		checkMarkers(t, a)
	}
}

// What the bridge coverage does not answer still gets "does not answer",
// whatever the kind of question: no figure from another event, no speaker
// for words no one said.
func TestBridgeNoAnswerEndToEnd(t *testing.T) {
	b := &newsbot.Bot{Retriever: index.Build(bridgeArticles(t))}
	for _, q := range []string{
		"How many people died in the 2018 flood?",
		"What did the mayor say about taxes?",
		"What did Lavrov say about sanctions?",
		"Who said the bridge was painted blue?",
		"Do the outlets agree on the election results?",
		"Who won the 2018 World Cup?",
	} {
		a, err := b.Answer(context.Background(), q)
		if err != nil {
			t.Fatal(err)
		}
		if !a.NoAnswer || len(a.Citations) != 0 {
			t.Errorf("%q answered:\n%s", q, a.Text)
		}
	}
}

// The cost of answering outlet by outlet, against the one retrieval a
// plain answer makes: go test -bench Bridge -run '^$'.
func BenchmarkBridge(b *testing.B) {
	ix := index.Build(bridgeArticles(b))
	bot := &newsbot.Bot{Retriever: ix}
	ctx := context.Background()
	b.Run("retrieve", func(b *testing.B) {
		for b.Loop() {
			if _, err := ix.Retrieve(ctx, "How many people died?", 10); err != nil {
				b.Fatal(err)
			}
		}
	})
	for _, q := range []string{"How many people died?", "What did the mayor say?", "Do the outlets agree on the toll?"} {
		b.Run(q, func(b *testing.B) {
			for b.Loop() {
				if _, err := bot.Answer(ctx, q); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
