package discord

import (
	"container/list"
	"sync"
	"time"
)

// lru is a bounded map that forgets its least recently used entries. It is
// safe for concurrent use.
type lru[V any] struct {
	mu  sync.Mutex
	max int
	ll  *list.List // of *lruEntry[V], most recent first
	m   map[string]*list.Element
}

type lruEntry[V any] struct {
	key string
	val V
}

func newLRU[V any](max int) *lru[V] {
	return &lru[V]{max: max, ll: list.New(), m: make(map[string]*list.Element)}
}

// get returns the value for key and marks it used.
func (c *lru[V]) get(key string) (V, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.m[key]; ok {
		c.ll.MoveToFront(e)
		return e.Value.(*lruEntry[V]).val, true
	}
	var zero V
	return zero, false
}

// put sets the value for key.
func (c *lru[V]) put(key string, val V) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.putLocked(key, val)
}

func (c *lru[V]) putLocked(key string, val V) {
	if e, ok := c.m[key]; ok {
		e.Value.(*lruEntry[V]).val = val
		c.ll.MoveToFront(e)
		return
	}
	c.m[key] = c.ll.PushFront(&lruEntry[V]{key, val})
	for c.ll.Len() > c.max {
		old := c.ll.Back()
		c.ll.Remove(old)
		delete(c.m, old.Value.(*lruEntry[V]).key)
	}
}

// add sets key if it is absent and reports whether it was: the first of
// several deliveries of the same event gets true.
func (c *lru[V]) add(key string, val V) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.m[key]; ok {
		c.ll.MoveToFront(e)
		return false
	}
	c.putLocked(key, val)
	return true
}

// update replaces key's value with f of the old one (the zero value when
// absent), atomically.
func (c *lru[V]) update(key string, f func(V) V) {
	c.mu.Lock()
	defer c.mu.Unlock()
	var old V
	if e, ok := c.m[key]; ok {
		old = e.Value.(*lruEntry[V]).val
	}
	c.putLocked(key, f(old))
}

// sigCache remembers the signatures of accepted requests for as long as
// their timestamps are fresh, so that a replayed request is refused.
type sigCache struct {
	mu   sync.Mutex
	max  int
	seen map[string]time.Time // signature -> when it stops mattering
}

func newSigCache(max int) *sigCache {
	return &sigCache{max: max, seen: make(map[string]time.Time)}
}

// add records sig until expires and reports whether it was new.
func (c *sigCache) add(sig string, now, expires time.Time) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if until, ok := c.seen[sig]; ok && now.Before(until) {
		return false
	}
	if len(c.seen) >= c.max {
		for s, until := range c.seen {
			if !now.Before(until) {
				delete(c.seen, s)
			}
		}
		// Still full of fresh signatures: a flood. Forget one at random
		// rather than grow without bound; a replay of it is still refused
		// once its timestamp is stale.
		for s := range c.seen {
			if len(c.seen) < c.max {
				break
			}
			delete(c.seen, s)
		}
	}
	c.seen[sig] = expires
	return true
}

// limiter is a token bucket per person: a burst, then one question per
// interval.
type limiter struct {
	every time.Duration // < 0: no limit
	burst int
	users *lru[*bucket]
}

type bucket struct {
	mu     sync.Mutex
	tokens float64
	last   time.Time
	warned bool
}

func newLimiter(every time.Duration, burst, max int) *limiter {
	return &limiter{every: every, burst: burst, users: newLRU[*bucket](max)}
}

// allow takes a token for user. When there is none, notify is true the
// first time in a row, so that the person is told once, not on every try.
func (l *limiter) allow(user string, now time.Time) (ok, notify bool) {
	if l.every < 0 {
		return true, false
	}
	var b *bucket
	l.users.update(user, func(old *bucket) *bucket {
		if old == nil {
			old = &bucket{tokens: float64(l.burst), last: now}
		}
		b = old
		return old
	})
	b.mu.Lock()
	defer b.mu.Unlock()
	if now.After(b.last) {
		b.tokens = min(float64(l.burst), b.tokens+float64(now.Sub(b.last))/float64(l.every))
		b.last = now
	}
	if b.tokens >= 1 {
		b.tokens--
		b.warned = false
		return true, false
	}
	notify = !b.warned
	b.warned = true
	return false, notify
}
