package index_test

import (
	"testing"

	"github.com/newsbot-dev/newsbot"
	"github.com/newsbot-dev/newsbot/corpus"
	"github.com/newsbot-dev/newsbot/corpus/index"
	"github.com/newsbot-dev/newsbot/corpus/retrievaltest"
)

func TestRetrieverConformance(t *testing.T) {
	t.Run("Built", func(t *testing.T) {
		retrievaltest.Run(t, func(t *testing.T, arts []corpus.Article) newsbot.Retriever {
			return index.Build(arts)
		})
	})
	// The same, through the file format: saved, then opened as a restart
	// opens it.
	t.Run("Opened", func(t *testing.T) {
		retrievaltest.Run(t, func(t *testing.T, arts []corpus.Article) newsbot.Retriever {
			dir := t.TempDir()
			if err := index.Build(arts).Save(dir); err != nil {
				t.Fatal(err)
			}
			ix, err := index.Open(dir)
			if err != nil {
				t.Fatal(err)
			}
			return ix
		})
	})
}
