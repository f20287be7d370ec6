package chat

import (
	"container/list"
	"context"
	"sync"
	"time"
)

// Dedupe remembers the deliveries already handled, so that an event a
// platform delivers twice (a retry, a reconnect, one message arriving as
// two kinds of event) is answered once. MemoryDedupe keeps them in the
// process; with several replicas behind one platform, a store they share
// (Redis SET NX EX, a database row) takes its place. Implementations must
// be safe for concurrent use.
type Dedupe interface {
	// First records key and reports whether this is its first delivery
	// within ttl. An error means the store could not tell; adapters then
	// answer (a rare duplicate beats a lost question).
	First(ctx context.Context, key string, ttl time.Duration) (bool, error)
}

// DefaultMaxDeliveries bounds the keys a MemoryDedupe keeps.
const DefaultMaxDeliveries = 10000

// MemoryDedupe is the in-process Dedupe: it keeps each key for its ttl, at
// most Max of them (the oldest are forgotten first, so that a flood cannot
// grow it). Its zero value is ready for use.
type MemoryDedupe struct {
	// Max bounds the keys kept; 0 means DefaultMaxDeliveries.
	Max int
	// Now is the clock; nil means time.Now.
	Now func() time.Time

	mu    sync.Mutex
	until map[string]time.Time // key -> when it may be delivered again
	order *list.List           // of dedupeEntry, oldest first
}

type dedupeEntry struct {
	key   string
	until time.Time
}

// First implements Dedupe. An empty key is always first.
func (m *MemoryDedupe) First(_ context.Context, key string, ttl time.Duration) (bool, error) {
	if key == "" {
		return true, nil
	}
	now := time.Now()
	if m.Now != nil {
		now = m.Now()
	}
	max := m.Max
	if max <= 0 {
		max = DefaultMaxDeliveries
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.until == nil {
		m.until, m.order = map[string]time.Time{}, list.New()
	}
	if until, ok := m.until[key]; ok && now.Before(until) {
		return false, nil
	}
	// Entries are kept in the order they were added; with one ttl per
	// store (as the adapters use it) that is also the order they expire.
	for e := m.order.Front(); e != nil; e = m.order.Front() {
		old := e.Value.(dedupeEntry)
		if m.order.Len() < max && now.Before(old.until) {
			break
		}
		m.order.Remove(e)
		if m.until[old.key] == old.until {
			delete(m.until, old.key)
		}
	}
	until := now.Add(ttl)
	m.until[key] = until
	m.order.PushBack(dedupeEntry{key, until})
	return true, nil
}
