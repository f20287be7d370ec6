// Package watch keeps the coverage current: it polls a list of feeds on an
// interval, fetches the pages of the items it has not seen, and adds their
// articles to the data directory's ingested index (corpus/datadir), then
// hands the new index to whoever answers from it, so that a new story is
// answerable within one interval, without a restart.
//
// Each feed is polled on its own: a conditional request (ETag,
// Last-Modified) so that an unchanged feed costs a 304; an item already
// seen (by its GUID or link), or whose page's canonical URL is already in
// the index, is not fetched again; an article with the same text as one
// already indexed is a duplicate (corpus/index). A feed that fails (an
// error, a 5xx, something that is not a feed) is named in the log and to
// the Observer, and retried with exponential backoff (the interval, then
// twice it, four times... up to 6 hours) while the other feeds go on. An
// item whose page cannot be fetched is tried again at the next polls, five
// times at most.
//
// Where it left off (each feed's validators, the items seen, the
// failures) is kept in the data directory, in watch.json, written
// atomically after every poll, so a restart neither fetches every item
// again nor forgets a failing feed's backoff.
package watch

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/newsbot-dev/newsbot/corpus/datadir"
	"github.com/newsbot-dev/newsbot/corpus/fetch"
	"github.com/newsbot-dev/newsbot/corpus/index"
	"github.com/newsbot-dev/newsbot/corpus/load"
	"github.com/newsbot-dev/newsbot/corpus/web"
)

// StateFile is the file in the data directory where the watch keeps where
// it left off.
const StateFile = "watch.json"

const (
	defaultInterval = 15 * time.Minute
	maxBackoff      = 6 * time.Hour
	maxItemTries    = 5
	// maxSeen bounds the items remembered per feed (the newest are kept):
	// far more than any feed lists at once.
	maxSeen = 5000
	// feedsAtOnce bounds the feeds polled at the same time.
	feedsAtOnce = 4
)

// Outcomes of a feed's poll, for the Observer.
const (
	OutcomeOK          = "ok"           // read; new items fetched
	OutcomeNotModified = "not_modified" // a 304
	OutcomeError       = "error"        // failed; retried with backoff
)

// Observer is told how each poll of a feed went; adapters/prometheus
// implements it. Implementations must be safe for concurrent use.
type Observer interface {
	// FeedPolled reports a poll of feed: its outcome (OutcomeOK,
	// OutcomeNotModified, OutcomeError), the articles it added, and how
	// many polls in a row have now failed.
	FeedPolled(feed, outcome string, added, failing int)
}

// Watcher polls feeds into a data directory. Data and Feeds must be set;
// the other fields are overrides.
type Watcher struct {
	// Data is the data directory: the index is its ingested index, the
	// state its watch.json.
	Data string
	// Feeds are the feeds' URLs.
	Feeds []string
	// Interval is the time between polls; 0 means 15 minutes.
	Interval time.Duration
	// Reader fetches and reads feeds and pages; nil means web's
	// defaults (no private addresses).
	Reader *web.Reader
	// Log receives a line per poll that added articles and per failure;
	// nil means slog's default logger.
	Log *slog.Logger
	// Observer, when set, is told how each poll went.
	Observer Observer
	// Updated, when set, is called with the index after a poll added
	// articles to it (from the goroutine that runs Run or Poll), opened for
	// reading; the callee owns it (and closes it when done: a process
	// already answering from the data directory reloads its own instead).
	Updated func(*index.Disk)

	mu    sync.Mutex // serialises polls
	state *State
}

// State is where the watch left off, as kept in watch.json.
type State struct {
	Feeds map[string]*FeedState `json:"feeds"`
}

// FeedState is one feed's part of the State.
type FeedState struct {
	// ETag and LastModified are the validators of the last response.
	ETag         string `json:"etag,omitempty"`
	LastModified string `json:"last_modified,omitempty"`
	// Seen holds the items already read, by GUID or link, with when
	// they were first seen.
	Seen map[string]time.Time `json:"seen,omitempty"`
	// Tries counts the failed fetches of items not read yet.
	Tries map[string]int `json:"tries,omitempty"`
	// Failing counts the polls in a row that failed; NextTry is when the
	// feed is polled again after them, LastError why the last one failed.
	Failing   int       `json:"failing,omitempty"`
	NextTry   time.Time `json:"next_try,omitzero"`
	LastError string    `json:"last_error,omitempty"`
	// LastOK is when the feed was last read.
	LastOK time.Time `json:"last_ok,omitzero"`
}

func (w *Watcher) interval() time.Duration {
	if w.Interval <= 0 {
		return defaultInterval
	}
	return w.Interval
}

func (w *Watcher) log() *slog.Logger {
	if w.Log == nil {
		return slog.Default()
	}
	return w.Log
}

func (w *Watcher) reader() *web.Reader {
	if w.Reader == nil {
		w.Reader = &web.Reader{}
	}
	return w.Reader
}

// Run polls at once, then every Interval, until ctx ends; it returns
// ctx's error. A poll that fails as a whole (the index cannot be written)
// is logged and the next one tried.
func (w *Watcher) Run(ctx context.Context) error {
	if w.Data == "" || len(w.Feeds) == 0 {
		return errors.New("watch: no data directory or no feeds")
	}
	t := time.NewTicker(w.interval())
	defer t.Stop()
	for {
		if _, err := w.Poll(ctx); err != nil && ctx.Err() == nil {
			w.log().Error("watch: poll failed", "err", err)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-t.C:
		}
	}
}

// Result is what one poll did.
type Result struct {
	// Added counts the articles added to the index.
	Added int
	// Failed names the feeds that failed, with why.
	Failed map[string]string
	// Index is the index after the poll; nil when nothing was added.
	Index *index.Disk
}

// Poll polls every feed that is due (all of them but those backing off
// after failures), adds the new articles to the index, saves the state,
// and calls Updated when articles were added.
func (w *Watcher) Poll(ctx context.Context) (Result, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.reader() // set before the feeds are polled at once
	if w.state == nil {
		st, err := readState(w.Data)
		if err != nil {
			return Result{}, err
		}
		w.state = st
	}
	ix, err := datadir.OpenIngested(w.Data)
	if err != nil {
		return Result{}, err
	}
	known := map[string]bool{}
	for a := range ix.Articles() {
		if a.URL != "" {
			known[normalURL(a.URL)] = true
		}
	}

	now := time.Now()
	type polled struct {
		feed    string
		reports []load.Report
		outcome string
		err     error
	}
	results := make([]polled, len(w.Feeds))
	var wg sync.WaitGroup
	slots := make(chan struct{}, feedsAtOnce)
	for i, feed := range w.Feeds {
		fs := w.feedState(feed)
		if fs.Failing > 0 && now.Before(fs.NextTry) {
			results[i] = polled{feed: feed}
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			slots <- struct{}{}
			defer func() { <-slots }()
			reps, outcome, err := w.pollFeed(ctx, feed, fs, known)
			results[i] = polled{feed, reps, outcome, err}
		}()
	}
	wg.Wait()

	res := Result{Failed: map[string]string{}}
	var all []load.Report
	var feedOf []int // the result each report of all came from
	for i, p := range results {
		for _, r := range p.reports {
			all = append(all, r)
			feedOf = append(feedOf, i)
		}
	}
	added := make([]int, len(results))
	if len(all) > 0 {
		in, err := datadir.Add(ctx, w.Data, all)
		if err != nil {
			return Result{}, fmt.Errorf("watch: %w", err)
		}
		k := 0
		for j, r := range all {
			for range r.Articles {
				if in.Status[k] != index.Duplicate {
					added[feedOf[j]]++
					res.Added++
				}
				k++
			}
		}
		if res.Added > 0 {
			if res.Index, err = datadir.OpenIngested(w.Data); err != nil {
				return Result{}, fmt.Errorf("watch: %w", err)
			}
		}
	}
	for i, p := range results {
		if p.outcome == "" {
			continue // backing off
		}
		fs := w.feedState(p.feed)
		if p.err != nil {
			fs.Failing++
			fs.LastError = p.err.Error()
			fs.NextTry = now.Add(backoff(w.interval(), fs.Failing))
			res.Failed[p.feed] = p.err.Error()
			w.log().Warn("watch: feed failed", "feed", p.feed, "err", p.err, "failing", fs.Failing, "next_try", fs.NextTry.Format(time.RFC3339))
		} else {
			fs.Failing, fs.LastError, fs.NextTry, fs.LastOK = 0, "", time.Time{}, now
			if added[i] > 0 {
				w.log().Info("watch: new articles", "feed", p.feed, "added", added[i])
			}
		}
		if w.Observer != nil {
			w.Observer.FeedPolled(p.feed, p.outcome, added[i], fs.Failing)
		}
	}
	if err := writeState(w.Data, w.state); err != nil {
		return res, err
	}
	if res.Index != nil && w.Updated != nil {
		w.Updated(res.Index)
	}
	return res, nil
}

// backoff is how long a feed that failed n polls in a row waits.
func backoff(interval time.Duration, n int) time.Duration {
	d := interval
	for i := 1; i < n && d < maxBackoff; i++ {
		d *= 2
	}
	return min(d, maxBackoff)
}

func (w *Watcher) feedState(feed string) *FeedState {
	fs, ok := w.state.Feeds[feed]
	if !ok {
		fs = &FeedState{}
		w.state.Feeds[feed] = fs
	}
	if fs.Seen == nil {
		fs.Seen = map[string]time.Time{}
	}
	if fs.Tries == nil {
		fs.Tries = map[string]int{}
	}
	return fs
}

// pollFeed reads one feed and the pages of its new items. It changes fs's
// validators and items only (the caller records failures). known holds
// the normalised URLs already indexed; it is only read (feeds are polled
// at the same time).
func (w *Watcher) pollFeed(ctx context.Context, feed string, fs *FeedState, known map[string]bool) (reps []load.Report, outcome string, err error) {
	r := w.reader()
	res, err := r.Fetch(ctx, feed, fetch.Conditional{ETag: fs.ETag, LastModified: fs.LastModified})
	if err != nil {
		return nil, OutcomeError, err
	}
	if res.NotModified {
		return nil, OutcomeNotModified, nil
	}
	if !web.IsFeed(res.ContentType, res.Body) {
		return nil, OutcomeError, fmt.Errorf("%s is not a feed (Content-Type %q)", feed, res.ContentType)
	}
	f, err := web.ParseFeed(res.Body, res.URL)
	if err != nil {
		return nil, OutcomeError, err
	}
	now := time.Now()
	mine := map[string]bool{} // URLs this poll of this feed added
	for _, it := range f.Items {
		key := it.GUID
		if key == "" {
			key = it.Link
		}
		if _, seen := fs.Seen[key]; seen {
			continue
		}
		if known[normalURL(it.Link)] || mine[normalURL(it.Link)] {
			fs.Seen[key] = now
			continue
		}
		rep := r.Item(ctx, it)
		if len(rep.Problems) > 0 && len(rep.Articles) == 0 {
			if ctx.Err() != nil {
				return nil, OutcomeError, ctx.Err()
			}
			fs.Tries[key]++
			w.log().Warn("watch: item not read", "feed", feed, "item", it.Link, "err", rep.Problems[0].Reason, "tries", fs.Tries[key])
			if fs.Tries[key] < maxItemTries {
				continue
			}
		}
		delete(fs.Tries, key)
		fs.Seen[key] = now
		// An item whose page names a canonical URL already indexed (the
		// same story under a tracking link) is not added again.
		for _, a := range rep.Articles {
			if u := normalURL(a.URL); u != "" && (known[u] || mine[u]) {
				rep.Articles = nil
				break
			} else if u != "" {
				mine[u] = true
			}
		}
		reps = append(reps, rep)
	}
	fs.ETag, fs.LastModified = res.ETag, res.LastModified
	trimSeen(fs)
	return reps, OutcomeOK, nil
}

// trimSeen keeps the newest maxSeen items of fs.
func trimSeen(fs *FeedState) {
	if len(fs.Seen) <= maxSeen {
		return
	}
	keys := make([]string, 0, len(fs.Seen))
	for k := range fs.Seen {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return fs.Seen[keys[i]].After(fs.Seen[keys[j]]) })
	for _, k := range keys[maxSeen:] {
		delete(fs.Seen, k)
	}
}

// normalURL is a URL for comparing: without its fragment and a final "/".
func normalURL(u string) string {
	u, _, _ = strings.Cut(u, "#")
	return strings.TrimRight(u, "/")
}

// readState reads the data directory's watch.json; a missing file is a
// fresh start.
func readState(data string) (*State, error) {
	st := &State{Feeds: map[string]*FeedState{}}
	b, err := os.ReadFile(filepath.Join(data, StateFile))
	if errors.Is(err, os.ErrNotExist) {
		return st, nil
	}
	if err != nil {
		return nil, fmt.Errorf("watch: %w", err)
	}
	if err := json.Unmarshal(b, st); err != nil {
		return nil, fmt.Errorf("watch: %s is damaged (%v): move it away to start afresh", filepath.Join(data, StateFile), err)
	}
	if st.Feeds == nil {
		st.Feeds = map[string]*FeedState{}
	}
	return st, nil
}

// writeState writes watch.json atomically.
func writeState(data string, st *State) error {
	b, err := json.MarshalIndent(st, "", "  ")
	if err != nil {
		return fmt.Errorf("watch: %w", err)
	}
	if err := os.MkdirAll(data, 0o755); err != nil {
		return fmt.Errorf("watch: %w", err)
	}
	f, err := os.CreateTemp(data, StateFile+".tmp*")
	if err != nil {
		return fmt.Errorf("watch: %w", err)
	}
	defer os.Remove(f.Name())
	if _, err := f.Write(b); err != nil {
		f.Close()
		return fmt.Errorf("watch: %w", err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return fmt.Errorf("watch: %w", err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("watch: %w", err)
	}
	if err := os.Rename(f.Name(), filepath.Join(data, StateFile)); err != nil {
		return fmt.Errorf("watch: %w", err)
	}
	return nil
}
