package index

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"iter"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"sync"
	"sync/atomic"

	"github.com/newsbot-dev/newsbot/corpus"
	"github.com/newsbot-dev/newsbot/corpus/attribution"
)

// Disk is the index as immutable segments plus a manifest, in a directory
// (or in memory). Searches read a snapshot, the segments of one manifest;
// adding articles writes new segments and commits a new manifest, and the
// segments are merged by a size-tiered policy. Any number of goroutines
// may search while one adds; a Disk opened for writing holds the
// directory's writer lock until Close.
type Disk struct {
	dir string // "" in memory
	// mem holds the segment files of an index in memory.
	mem map[string][]byte

	wmu      sync.Mutex // writers: one batch, merge or reload at a time
	writable bool
	// older lets segments of an earlier format be opened: only to be
	// converted (see Convert).
	older  bool
	unlock func()
	man    manifest
	open   map[string]*segFile

	smu sync.RWMutex // guards cur
	cur *snapshot

	// Budget is the memory a batch fills with analysed articles before it
	// writes them as a segment; 0 means 256 MiB (about 450,000 sentences
	// of news: fewer, larger segments search faster).
	Budget int
	// Policy decides merges; the zero value is the default (see Policy).
	Policy Policy
	// Workers analyse articles in a batch; 0 means GOMAXPROCS.
	Workers int
	// Attributions finds an article's attribution relations (who says
	// what), run on every article as it is analysed and kept with it; nil
	// means attribution.Extract.
	Attributions func(body string) []attribution.Attribution
	// FirstStage is how many sentences a search's first stage keeps for
	// the second; 0 means the default (see firstStage).
	FirstStage int
	// Searchers is how many searches run at once; the others wait their
	// turn, first come first served. A search is CPU work: more at once
	// than there are cores only makes each slower, and the slowest much
	// slower. 0 means GOMAXPROCS.
	Searchers int
	// Merging, if set, is called as a merge of committed segments starts,
	// with the number of segments and of their sentences (for a progress
	// line).
	Merging func(segments int, sentences uint64)

	stats     Stats
	slotsOnce sync.Once
	slots     chan struct{}
	stemsOnce sync.Once
	stems     *stemCache
	analyzers sync.Pool // of *analyzer: stage 3's, reused
}

// snapshot is the index as one manifest made it: its segments, their
// tombstones and the corpus statistics BM25 needs.
type snapshot struct {
	segs []*segFile
	dels []*deletions // by segment; nil when none
	refs atomic.Int64

	sents, arts, live     uint64
	avgSent, avgDoc, avgT float64

	// outl is the snapshot's outlets, listed once (see Disk.Outlets).
	outl struct {
		once  sync.Once
		names []string
		err   error
	}
}

// deletions are a segment's tombstones as bits, by article and by
// sentence.
type deletions struct {
	arts, sents []uint64
}

func (d *deletions) art(i uint32) bool  { return d != nil && d.arts[i/64]&(1<<(i%64)) != 0 }
func (d *deletions) sent(i uint32) bool { return d != nil && d.sents[i/64]&(1<<(i%64)) != 0 }

func (s *snapshot) release() {
	if s.refs.Add(-1) == 0 {
		for _, g := range s.segs {
			g.release()
		}
	}
}

// Memory returns an empty index held in memory, open for writing.
func Memory() *Disk {
	ix := &Disk{mem: map[string][]byte{}, writable: true, open: map[string]*segFile{}}
	ix.cur = &snapshot{}
	ix.cur.refs.Add(1)
	ix.cur.stats()
	return ix
}

// BuildDisk indexes articles in memory.
func BuildDisk(articles []corpus.Article) *Disk {
	ix := Memory()
	if _, err := ix.Add(context.Background(), articles); err != nil {
		// In memory nothing can fail but a bug.
		panic(fmt.Sprintf("index in memory: %v", err))
	}
	return ix
}

// OpenDisk opens the index in dir for reading: its manifest and the
// segments it names, mapped, not read. It returns an error wrapping
// ErrNoIndex when dir holds none.
func OpenDisk(dir string) (*Disk, error) {
	ix := &Disk{dir: dir, open: map[string]*segFile{}}
	if err := ix.Reload(); err != nil {
		return nil, err
	}
	return ix, nil
}

// OpenWriter opens the index in dir for writing, creating it if needed: it
// takes the directory's writer lock (waiting for another writer), removes
// what a killed writer left, and opens the index. Close releases the lock.
func OpenWriter(dir string) (*Disk, error) { return openWriter(dir, false) }

// openWriter is OpenWriter; with older, segments of an earlier format are
// opened too (to be converted).
func openWriter(dir string, older bool) (*Disk, error) {
	unlock, err := Lock(dir)
	if err != nil {
		return nil, err
	}
	ix := &Disk{dir: dir, open: map[string]*segFile{}, writable: true, unlock: unlock, older: older}
	err = ix.Reload()
	if errors.Is(err, ErrNoIndex) {
		ix.man = manifest{}
		ix.cur = &snapshot{}
		ix.cur.refs.Add(1)
		ix.cur.stats()
		err = nil
	}
	if err == nil {
		err = removeStale(dir, &ix.man)
	}
	if err != nil {
		unlock()
		return nil, err
	}
	return ix, nil
}

// Close releases the writer lock, if held, and the segments.
func (ix *Disk) Close() error {
	ix.wmu.Lock()
	defer ix.wmu.Unlock()
	ix.smu.Lock()
	cur := ix.cur
	ix.cur = &snapshot{}
	ix.cur.refs.Add(1)
	ix.cur.stats()
	ix.smu.Unlock()
	if cur != nil {
		cur.release()
	}
	ix.open = map[string]*segFile{}
	if ix.unlock != nil {
		ix.unlock()
		ix.unlock = nil
	}
	ix.writable = false
	return nil
}

// acquire returns the current snapshot; release it when done.
func (ix *Disk) acquire() *snapshot {
	ix.smu.RLock()
	s := ix.cur
	s.refs.Add(1)
	ix.smu.RUnlock()
	return s
}

// swap makes s current.
func (ix *Disk) swap(s *snapshot) {
	ix.smu.Lock()
	old := ix.cur
	ix.cur = s
	ix.smu.Unlock()
	if old != nil {
		old.release()
	}
}

// Reload reads the manifest again and swaps in its segments: those
// already open are kept (so a reload maps only new segments and never
// holds two copies of one), the others are mapped, and the ones no longer
// named are unmapped once the searches using them end. On any error the
// index stays as it was.
func (ix *Disk) Reload() error {
	if ix.dir == "" {
		return nil
	}
	ix.wmu.Lock()
	defer ix.wmu.Unlock()
	var lastErr error
	// A writer may remove a segment of the manifest just read, after
	// committing a newer one: read it again.
	for range 5 {
		m, err := readManifest(ix.dir)
		if err != nil {
			if errors.Is(err, ErrNoIndex) {
				if _, e := os.Stat(filepath.Join(ix.dir, IndexFile)); e == nil {
					return fmt.Errorf("open index in %s: it is in the one-file format of an earlier version (%s; see Convert): %w", ix.dir, IndexFile, ErrNoIndex)
				}
				return fmt.Errorf("open index in %s: %w", ix.dir, ErrNoIndex)
			}
			return fmt.Errorf("open index in %s: %w", ix.dir, err)
		}
		s, err := ix.snapshotOf(&m)
		if errors.Is(err, fs.ErrNotExist) {
			lastErr = err
			continue
		}
		if err != nil {
			return fmt.Errorf("open index in %s: %w", ix.dir, err)
		}
		ix.man = m
		ix.install(s)
		return nil
	}
	return fmt.Errorf("open index in %s: %w", ix.dir, lastErr)
}

// install makes s current and forgets the open segments it does not use.
// The caller holds wmu.
func (ix *Disk) install(s *snapshot) {
	used := map[string]bool{}
	for _, g := range s.segs {
		used[g.name] = true
	}
	for name := range ix.open {
		if !used[name] {
			delete(ix.open, name)
		}
	}
	ix.swap(s)
}

// snapshotOf opens the segments m names (reusing those open) as a
// snapshot. The caller holds wmu.
func (ix *Disk) snapshotOf(m *manifest) (*snapshot, error) {
	s := &snapshot{}
	s.refs.Add(1)
	var mapped []*segFile
	fail := func(err error) (*snapshot, error) {
		// The segments mapped here are held by s alone: releasing it
		// unmaps them.
		s.release()
		return nil, err
	}
	for _, e := range m.segs {
		g := ix.open[e.name]
		if g == nil {
			var err error
			if g, err = ix.mapSegment(e.name); err != nil {
				return fail(err)
			}
			mapped = append(mapped, g)
		}
		g.acquire()
		s.segs = append(s.segs, g)
		if g.m.version < metaVersion && !ix.older {
			return fail(fmt.Errorf("segment %s is in format %d, of an earlier version (this one reads %d): %w", e.name, g.m.version, metaVersion, ErrOldFormat))
		}
		if g.m.arts != e.arts || g.m.sents != e.sents {
			return fail(fmt.Errorf("segment %s holds %d articles, %d sentences; the manifest says %d, %d: %w", e.name, g.m.arts, g.m.sents, e.arts, e.sents, errDamaged))
		}
		d, err := deletionsOf(g, e.dels)
		if err != nil {
			return fail(fmt.Errorf("segment %s: %w", e.name, err))
		}
		s.dels = append(s.dels, d)
	}
	for _, g := range mapped {
		ix.open[g.name] = g
	}
	s.stats()
	return s, nil
}

func (ix *Disk) mapSegment(name string) (*segFile, error) {
	if ix.dir == "" {
		b, ok := ix.mem[name]
		if !ok {
			return nil, fmt.Errorf("segment %s: %w", name, fs.ErrNotExist)
		}
		return openSegment(name, b, nil)
	}
	return mapSegment(filepath.Join(ix.dir, name), name)
}

func deletionsOf(g *segFile, dels []uint32) (*deletions, error) {
	if len(dels) == 0 {
		return nil, nil
	}
	d := &deletions{arts: make([]uint64, (g.m.arts+63)/64), sents: make([]uint64, (g.m.sents+63)/64)}
	for _, a := range dels {
		r, err := g.art(a)
		if err != nil {
			return nil, err
		}
		d.arts[a/64] |= 1 << (a % 64)
		for t := r.first; t < r.first+r.nsent; t++ {
			d.sents[t/64] |= 1 << (t % 64)
		}
	}
	return d, nil
}

// stats computes the corpus statistics of a snapshot. Deleted articles
// count until a merge removes them, as in Lucene: the figures move by their
// share of the corpus, and nothing else must be rewritten to delete.
func (s *snapshot) stats() {
	var sumN, sumDoc, sumT uint64
	for i, g := range s.segs {
		s.sents += g.m.sents
		s.arts += g.m.arts
		sumN += g.m.sumN
		sumDoc += g.m.sumDoc
		sumT += g.m.sumT
		s.live += g.m.arts
		if d := s.dels[i]; d != nil {
			for _, w := range d.arts {
				s.live -= uint64(popcount(w))
			}
		}
	}
	s.avgSent = safeDiv(float64(sumN), float64(s.sents))
	s.avgDoc = safeDiv(float64(sumDoc), float64(s.arts))
	s.avgT = safeDiv(float64(sumT), float64(s.arts))
}

func popcount(w uint64) int {
	n := 0
	for w != 0 {
		w &= w - 1
		n++
	}
	return n
}

// Len returns the number of articles in the index.
func (ix *Disk) Len() int {
	s := ix.acquire()
	defer s.release()
	return int(s.live)
}

// Sentences returns the number of sentences in the index's segments
// (those of replaced articles count until a merge drops them).
func (ix *Disk) Sentences() int {
	s := ix.acquire()
	defer s.release()
	return int(s.sents)
}

// Segments returns the number of segments and the bytes of their files.
func (ix *Disk) Segments() (n int, size int64) {
	s := ix.acquire()
	defer s.release()
	for _, g := range s.segs {
		size += g.size
	}
	return len(s.segs), size
}

// Article returns the article with the given ID.
func (ix *Disk) Article(id string) (corpus.Article, bool, error) {
	s := ix.acquire()
	defer s.release()
	seg, art, ok, err := s.find(id)
	if !ok || err != nil {
		return corpus.Article{}, false, err
	}
	a, _, err := s.segs[seg].article(art, true)
	return a, err == nil, err
}

// Articles yields every live article of the index, in index order, its
// strings copied. A damaged article ends the sequence.
func (ix *Disk) Articles() iter.Seq[corpus.Article] {
	return func(yield func(corpus.Article) bool) {
		s := ix.acquire()
		defer s.release()
		for i, g := range s.segs {
			for a := range uint32(g.m.arts) {
				if s.dels[i].art(a) {
					continue
				}
				art, _, err := g.article(a, true)
				if err != nil || !yield(art) {
					return
				}
			}
		}
	}
}

// find returns the live article with the given ID.
func (s *snapshot) find(id string) (seg int, art uint32, ok bool, err error) {
	for i := len(s.segs) - 1; i >= 0; i-- {
		a, ok, err := s.segs[i].findID(id)
		if err != nil {
			return 0, 0, false, err
		}
		if ok && !s.dels[i].art(a) {
			return i, a, true, nil
		}
	}
	return 0, 0, false, nil
}

// Add adds articles in one batch (see Batch) and commits it.
func (ix *Disk) Add(ctx context.Context, articles []corpus.Article) ([]AddStatus, error) {
	b, err := ix.Begin(ctx)
	if err != nil {
		return nil, err
	}
	status := make([]AddStatus, len(articles))
	for i := range articles {
		if status[i], err = b.Add(articles[i]); err != nil {
			b.Abort()
			return nil, err
		}
	}
	if err := b.Commit(); err != nil {
		return nil, err
	}
	return status, nil
}

// Batch adds articles to an index and commits them together: until
// Commit, searches see none of them, and a crash or Abort leaves the index
// as it was. Articles are analysed on every core as they are added and
// written as a segment whenever they fill the Budget, so a batch of any
// size holds a bounded amount of memory.
type Batch struct {
	ix    *Disk
	ctx   context.Context
	snap  *snapshot
	seen  map[string]bool
	dels  map[int][]uint32 // by segment of snap: articles replaced
	jobs  chan job
	done  chan struct{}
	err   error // of the collector; read after done
	fresh []segEntry
	open  []*segFile // the fresh segments, mapped (for merging)
	added int
	all   bool // the batch replaces the whole index

	// Flushed, if set, is called after each segment the batch writes, with
	// the articles analysed so far.
	Flushed func(articles int)
}

type job struct {
	seq int
	a   corpus.Article
	out chan prepared
}

// Begin starts a batch. Only one batch runs at a time: Begin waits for
// the one before to commit or abort.
func (ix *Disk) Begin(ctx context.Context) (*Batch, error) {
	ix.wmu.Lock()
	if !ix.writable {
		ix.wmu.Unlock()
		return nil, errors.New("index: not open for writing")
	}
	b := &Batch{ix: ix, ctx: ctx, snap: ix.acquire(), seen: map[string]bool{}, dels: map[int][]uint32{}}
	workers := ix.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	b.jobs = make(chan job, 4*workers)
	b.done = make(chan struct{})
	// Workers analyse; the collector takes their results in order (each
	// job carries its own channel), so a batch writes the same segments
	// whatever the timing.
	work := make(chan job, 4*workers)
	extract := ix.Attributions
	if extract == nil {
		extract = attribution.Extract
	}
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			an := newAnalyzer(1 << 14)
			for j := range work {
				j.out <- an.prepare(&j.a, extract)
			}
		}()
	}
	order := make(chan job, 64*workers)
	jobs := b.jobs
	go func() {
		for j := range jobs {
			order <- j
			work <- j
		}
		close(work)
		close(order)
		wg.Wait()
	}()
	go b.collect(order)
	return b, nil
}

// collect folds prepared articles into builders, writing a segment each
// time one fills the budget.
func (b *Batch) collect(order chan job) {
	defer close(b.done)
	budget := b.ix.Budget
	if budget <= 0 {
		budget = 256 << 20
	}
	// Each article's stored record is written to the segment as it comes
	// (bl.stream), while the workers analyse the next ones, so that only
	// the postings are left for the flush.
	bl := newBuilder(b.ix.dir)
	for j := range order {
		p := <-j.out
		if b.err != nil {
			continue // drain
		}
		if b.err = bl.add(p); b.err != nil {
			continue
		}
		if bl.size >= budget {
			b.err = b.flush(bl)
			bl = newBuilder(b.ix.dir)
		}
	}
	if b.err == nil && !bl.empty() {
		b.err = b.flush(bl)
	}
	bl.abort()
}

// flush writes bl as a new segment of the batch, and merges the batch's
// segments by the policy.
func (b *Batch) flush(bl *builder) error {
	if err := b.ctx.Err(); err != nil {
		return err
	}
	ix := b.ix
	name := segName(ix.man.next)
	ix.man.next++
	err := ix.finishSegment(name, bl.w, func(w *segWriter) error { return bl.write(b.ctx, w) })
	bl.w = nil
	if err != nil {
		return err
	}
	if err := b.addFresh(name); err != nil {
		return err
	}
	if b.Flushed != nil {
		b.Flushed(b.added)
	}
	for {
		pick := ix.Policy.pick(b.fresh, nil)
		if pick == nil {
			return nil
		}
		if err := b.mergeFresh(pick); err != nil {
			return err
		}
	}
}

// writeSegment writes a segment named name with fill.
func (ix *Disk) writeSegment(name string, fill func(*segWriter) error) error {
	w, err := newSegWriter(ix.dir)
	if err != nil {
		return err
	}
	return ix.finishSegment(name, w, fill)
}

// finishSegment writes the rest of the segment w (made by newSegWriter
// with ix.dir) with fill, and names it name; on error w is aborted.
func (ix *Disk) finishSegment(name string, w *segWriter, fill func(*segWriter) error) error {
	if err := fill(w); err != nil {
		w.abort()
		return err
	}
	b, err := w.finish(name)
	if err != nil {
		return err
	}
	if ix.dir == "" {
		ix.mem[name] = b
	}
	return nil
}

func (b *Batch) addFresh(name string) error {
	g, err := b.ix.mapSegment(name)
	if err != nil {
		return err
	}
	g.acquire()
	b.ix.open[name] = g
	b.open = append(b.open, g)
	b.fresh = append(b.fresh, segEntry{name: name, size: g.size, arts: g.m.arts, sents: g.m.sents})
	return nil
}

// mergeFresh merges the batch's fresh segments at the positions pick.
func (b *Batch) mergeFresh(pick []int) error {
	ix := b.ix
	var in []*segFile
	for _, i := range pick {
		in = append(in, b.open[i])
	}
	name := segName(ix.man.next)
	ix.man.next++
	if err := ix.writeSegment(name, func(w *segWriter) error { return mergeInto(b.ctx, w, in, make([]*deletions, len(in))) }); err != nil {
		return err
	}
	drop := map[int]bool{}
	for _, i := range pick {
		drop[i] = true
	}
	var fresh []segEntry
	var open []*segFile
	for i := range b.fresh {
		if drop[i] {
			delete(ix.open, b.fresh[i].name)
			ix.removeSegment(b.fresh[i].name)
			b.open[i].release()
			continue
		}
		fresh, open = append(fresh, b.fresh[i]), append(open, b.open[i])
	}
	b.fresh, b.open = fresh, open
	return b.addFresh(name)
}

// removeSegment deletes a segment file no manifest names.
func (ix *Disk) removeSegment(name string) {
	if ix.dir == "" {
		delete(ix.mem, name)
		return
	}
	os.Remove(filepath.Join(ix.dir, name))
}

// Add adds one article to the batch and says what happens to it: Added,
// Duplicate (the same ID and text is in the index, or the same ID earlier
// in the batch: the first wins) or Replaced (the ID is in the index with
// other text: the old article is deleted when the batch commits).
func (b *Batch) Add(a corpus.Article) (AddStatus, error) {
	if err := b.ctx.Err(); err != nil {
		return 0, err
	}
	if b.seen[a.ID] {
		return Duplicate, nil
	}
	b.seen[a.ID] = true
	status := Added
	seg, art, ok, err := b.snap.find(a.ID)
	if err != nil {
		return 0, err
	}
	if ok {
		same, err := b.snap.segs[seg].bodyIs(art, a.Body)
		if err != nil {
			return 0, err
		}
		if same {
			return Duplicate, nil
		}
		b.dels[seg] = append(b.dels[seg], art)
		status = Replaced
	}
	select {
	case <-b.done:
		// The collector stopped on an error.
		return 0, b.err
	default:
	}
	j := job{seq: b.added, a: a, out: make(chan prepared, 1)}
	b.added++
	select {
	case b.jobs <- j:
	case <-b.done:
		return 0, b.err
	case <-b.ctx.Done():
		return 0, b.ctx.Err()
	}
	return status, nil
}

// ReplaceAll makes the batch replace the whole index: its commit keeps
// none of the segments there were, only what was added to the batch. (No
// article then counts as a duplicate or a replacement of one there.) Call
// it before Add.
func (b *Batch) ReplaceAll() {
	b.all = true
	b.snap.release()
	b.snap = &snapshot{}
	b.snap.refs.Add(1)
	b.snap.stats()
}

// wait ends the pipeline and returns the collector's error.
func (b *Batch) wait() error {
	if b.jobs != nil {
		close(b.jobs)
		b.jobs = nil
	}
	<-b.done
	return b.err
}

// Abort gives the batch up: nothing of it is committed, and its segments
// are removed.
func (b *Batch) Abort() {
	if b.ix == nil {
		return
	}
	b.wait()
	for i, e := range b.fresh {
		delete(b.ix.open, e.name)
		b.open[i].release()
		b.ix.removeSegment(e.name)
	}
	b.snap.release()
	b.ix.wmu.Unlock()
	b.ix = nil
}

// Commit writes what is left, commits the batch's segments and
// tombstones in a new manifest, and makes it what searches see. A batch
// that changed nothing commits nothing. Then it runs the merges the
// policy asks for, each committed on its own.
func (b *Batch) Commit() error {
	ix := b.ix
	if ix == nil {
		return errors.New("index: batch already ended")
	}
	if err := b.wait(); err != nil {
		b.Abort()
		return err
	}
	if err := b.ctx.Err(); err != nil {
		b.Abort()
		return err
	}
	if len(b.fresh) == 0 && len(b.dels) == 0 && (!b.all || len(ix.man.segs) == 0) {
		b.Abort()
		return nil
	}
	m := manifest{gen: ix.man.gen + 1, next: ix.man.next}
	for i, e := range ix.man.segs {
		if b.all {
			break
		}
		if d := b.dels[i]; len(d) > 0 {
			e.dels = mergeSorted(e.dels, d)
		}
		m.segs = append(m.segs, e)
	}
	m.segs = append(m.segs, b.fresh...)
	err := ix.commit(&m)
	for _, g := range b.open {
		g.release()
	}
	b.open, b.fresh = nil, nil
	b.snap.release()
	b.ix = nil
	if err == nil {
		err = ix.mergeByPolicy(b.ctx)
	}
	ix.wmu.Unlock()
	return err
}

// commit writes m as the manifest, makes it current, and removes the
// files no longer named. The caller holds wmu.
func (ix *Disk) commit(m *manifest) error {
	s, err := ix.snapshotOf(m)
	if err != nil {
		return err
	}
	if ix.dir != "" {
		if err := writeManifest(ix.dir, m); err != nil {
			s.release()
			return fmt.Errorf("commit index: %w", err)
		}
	}
	old := ix.man
	ix.man = *m
	ix.install(s)
	keep := map[string]bool{}
	for _, e := range m.segs {
		keep[e.name] = true
	}
	for _, e := range old.segs {
		if !keep[e.name] {
			ix.removeSegment(e.name)
		}
	}
	return nil
}

func mergeSorted(a, b []uint32) []uint32 {
	out := append(append([]uint32(nil), a...), b...)
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	k := 0
	for i, x := range out {
		if i == 0 || x != out[k-1] {
			out[k] = x
			k++
		}
	}
	return out[:k]
}

// bodyIs reports whether article i's body is body.
func (s *segFile) bodyIs(i uint32, body string) (bool, error) {
	a, err := s.art(i)
	if err != nil {
		return false, err
	}
	if int(a.bodyLen) != len(body) {
		return false, nil
	}
	b, err := s.c.bytes(s.m.stored+a.stored, uint64(a.bodyLen))
	if err != nil {
		return false, err
	}
	return string(b) == body, nil
}
