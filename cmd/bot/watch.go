package main

import (
	"context"
	"errors"
	"fmt"

	"github.com/newsbot-dev/newsbot/corpus/datadir"
	"github.com/newsbot-dev/newsbot/corpus/index"
	"github.com/newsbot-dev/newsbot/corpus/watch"
)

const watchUsage = `Usage: bot [flags] watch [--feed URL]... [--once]

Keeps the data directory's coverage current: polls the feeds (NEWSBOT_FEEDS,
or --feed, repeatable) at once and then every NEWSBOT_WATCH_INTERVAL, fetches
the pages of the items not seen before, and adds their articles to what
"bot ingest" keeps there (the same story under another link, or the same
text, is not added twice). Unchanged feeds cost a conditional request. A
failing feed is logged and retried with backoff while the others go on.
Where it left off is kept in the data directory (watch.json). bot serve does
the same by itself when feeds are configured, and answers from what it adds
without a restart.

With --once, it polls once, prints what it added, and stops.
`

func (e *environ) watch(ctx context.Context, args []string) error {
	fs := e.flags("watch", watchUsage, groupCommon, groupWeb)
	once := fs.Bool("once", false, "poll once and stop")
	if done, err := e.parse(fs, args); done {
		return err
	}
	if fs.NArg() > 0 {
		return errors.New("watch takes no arguments (feeds are given with --feed or NEWSBOT_FEEDS)")
	}
	w, err := e.newWatcher(nil)
	if err != nil {
		return err
	}
	w.Updated = func(ix *index.Disk) {
		fmt.Fprintf(e.stdout, "the index in %s now holds %d articles\n", w.Data, ix.Len())
		ix.Close()
	}
	if *once {
		res, err := w.Poll(ctx)
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "polled %d feeds: %d articles added, %d feeds failed\n", len(w.Feeds), res.Added, len(res.Failed))
		if len(res.Failed) > 0 {
			return exitError{2, fmt.Errorf("%d feeds failed (see the log)", len(res.Failed))}
		}
		return nil
	}
	fmt.Fprintf(e.stdout, "watching %d feeds every %s into %s\n", len(w.Feeds), showDuration(w.Interval), w.Data)
	if err := w.Run(ctx); err != nil && !errors.Is(err, context.Canceled) {
		return err
	}
	return nil
}

// feeds are the feeds to watch.
func (e *environ) feeds() []string { return e.set.paths("NEWSBOT_FEEDS") }

// newWatcher is the watch over the configured feeds, into the data
// directory, its polls told to obs when it is not nil.
func (e *environ) newWatcher(obs watch.Observer) (*watch.Watcher, error) {
	feeds := e.feeds()
	if len(feeds) == 0 {
		return nil, errors.New("no feeds to watch: set NEWSBOT_FEEDS or give --feed URL")
	}
	if len(e.set.paths("NEWSBOT_CORPUS")) > 0 {
		return nil, errors.New("feeds are watched into the data directory, which --corpus files do not use: drop --corpus (or NEWSBOT_CORPUS), or the feeds")
	}
	data, err := e.dataDir()
	if err != nil {
		return nil, err
	}
	return &watch.Watcher{
		Data:     data,
		Feeds:    feeds,
		Interval: e.set.duration("NEWSBOT_WATCH_INTERVAL"),
		Reader:   e.webReader(),
		Log:      e.log,
		Observer: obs,
	}, nil
}

// watchedCoverage is the coverage of the data directory that the watch
// fills, empty until its first poll adds articles.
func (e *environ) watchedCoverage() (datadir.Coverage, error) {
	data, err := e.dataDir()
	if err != nil {
		return datadir.Coverage{}, err
	}
	cov, err := datadir.IngestedCoverage(data)
	if err != nil {
		return datadir.Coverage{}, err
	}
	cov.Label = watchedLabel(cov.Index, data, len(e.feeds()))
	return cov, nil
}

func watchedLabel(ix *index.Disk, data string, feeds int) string {
	return fmt.Sprintf("%d articles in %s, kept current from %d feeds", ix.Len(), data, feeds)
}
