package slack

import (
	"container/list"
	"sync"
	"time"

	"github.com/newsbot-dev/newsbot"
)

// seenSet remembers keys (event IDs, channel+ts of messages) for a while,
// at most size of them: the oldest are forgotten first.
type seenSet struct {
	mu    sync.Mutex
	size  int
	ttl   time.Duration
	at    map[string]time.Time
	order *list.List // of seenEntry, oldest first
}

type seenEntry struct {
	key string
	at  time.Time
}

func newSeenSet(size int, ttl time.Duration) *seenSet {
	return &seenSet{size: size, ttl: ttl, at: make(map[string]time.Time), order: list.New()}
}

// mark records key and reports whether it is new (not seen within the
// TTL). An empty key is always new.
func (s *seenSet) mark(key string, now time.Time) bool {
	if key == "" {
		return true
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for e := s.order.Front(); e != nil; e = s.order.Front() {
		old := e.Value.(seenEntry)
		if s.order.Len() < s.size && now.Sub(old.at) < s.ttl {
			break
		}
		s.order.Remove(e)
		if s.at[old.key] == old.at {
			delete(s.at, old.key)
		}
	}
	if _, ok := s.at[key]; ok {
		return false
	}
	s.at[key] = now
	s.order.PushBack(seenEntry{key, now})
	return true
}

// threadStore keeps the conversations of the threads (and DMs) the bot
// answers in: a bounded LRU of threads, each with its last turns.
type threadStore struct {
	mu       sync.Mutex
	size     int
	maxTurns int
	byKey    map[string]*list.Element
	lru      *list.List // of *thread, most recent first
}

type thread struct {
	key   string
	turns []newsbot.Turn
}

func newThreadStore(size, maxTurns int) *threadStore {
	return &threadStore{size: size, maxTurns: maxTurns, byKey: make(map[string]*list.Element), lru: list.New()}
}

// known reports whether the bot answers in the thread key.
func (s *threadStore) known(key string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, ok := s.byKey[key]
	return ok
}

// open marks the thread key as one the bot answers in, and returns a copy
// of its turns so far.
func (s *threadStore) open(key string) []newsbot.Turn {
	s.mu.Lock()
	defer s.mu.Unlock()
	t := s.get(key)
	return append([]newsbot.Turn(nil), t.turns...)
}

// add appends a turn to the thread key, keeping the last maxTurns.
func (s *threadStore) add(key string, turn newsbot.Turn) {
	s.mu.Lock()
	defer s.mu.Unlock()
	t := s.get(key)
	t.turns = append(t.turns, turn)
	if len(t.turns) > s.maxTurns {
		t.turns = append([]newsbot.Turn(nil), t.turns[len(t.turns)-s.maxTurns:]...)
	}
}

// get returns the thread key, created if need be, as the most recent.
// s.mu is held.
func (s *threadStore) get(key string) *thread {
	if e, ok := s.byKey[key]; ok {
		s.lru.MoveToFront(e)
		return e.Value.(*thread)
	}
	t := &thread{key: key}
	s.byKey[key] = s.lru.PushFront(t)
	for s.lru.Len() > s.size {
		e := s.lru.Back()
		s.lru.Remove(e)
		delete(s.byKey, e.Value.(*thread).key)
	}
	return t
}

// shareStore keeps the private /ask answers that may still be shared, for
// as long as their response URL lives.
type shareStore struct {
	mu    sync.Mutex
	size  int
	ttl   time.Duration
	byID  map[string]share
	order []string
}

// share is a private answer waiting for its "Share to channel" click.
type share struct {
	msg    message
	userID string
	at     time.Time
}

func newShareStore(size int, ttl time.Duration) *shareStore {
	return &shareStore{size: size, ttl: ttl, byID: make(map[string]share)}
}

func (s *shareStore) put(id string, sh share) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for len(s.order) > 0 && (len(s.order) >= s.size || sh.at.Sub(s.byID[s.order[0]].at) > s.ttl) {
		delete(s.byID, s.order[0])
		s.order = s.order[1:]
	}
	s.byID[id] = sh
	s.order = append(s.order, id)
}

// take returns the share id and forgets it, so that an answer is shared
// once.
func (s *shareStore) take(id string, now time.Time) (share, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	sh, ok := s.byID[id]
	if !ok || now.Sub(sh.at) > s.ttl {
		return share{}, false
	}
	delete(s.byID, id)
	return sh, true
}

// limiter is a token bucket per person: perMinute questions a minute on
// average, burst at once.
type limiter struct {
	mu        sync.Mutex
	perMinute float64
	burst     float64
	now       func() time.Time
	buckets   map[string]*bucket
}

type bucket struct {
	tokens   float64
	last     time.Time
	notified bool
}

func newLimiter(perMinute float64, burst int, now func() time.Time) *limiter {
	return &limiter{perMinute: perMinute, burst: float64(burst), now: now, buckets: make(map[string]*bucket)}
}

// allow takes a token for user. When there is none it reports false, and
// notify is true the first time since the last allowed question, so a
// person hammering the bot gets one notice, not one per message.
func (l *limiter) allow(user string) (ok, notify bool) {
	if l.perMinute < 0 {
		return true, false
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	b := l.buckets[user]
	if b == nil {
		if len(l.buckets) >= 10000 {
			l.prune(now)
		}
		b = &bucket{tokens: l.burst, last: now}
		l.buckets[user] = b
	}
	b.tokens = min(l.burst, b.tokens+now.Sub(b.last).Minutes()*l.perMinute)
	b.last = now
	if b.tokens >= 1 {
		b.tokens--
		b.notified = false
		return true, false
	}
	notify = !b.notified
	b.notified = true
	return false, notify
}

// prune forgets the buckets that have filled up again. l.mu is held.
func (l *limiter) prune(now time.Time) {
	for u, b := range l.buckets {
		if b.tokens+now.Sub(b.last).Minutes()*l.perMinute >= l.burst {
			delete(l.buckets, u)
		}
	}
}
