package chat

import (
	"container/list"
	"context"
	"sync"
)

// Links remember which conversation a platform's message belongs to, so
// that a reply to it continues that conversation (a Discord reply chain:
// the question and every message of the bot's answer are linked to the
// conversation's key). The default that survives a restart is
// adapters/bolt; MemoryLinks keeps them in the process. Implementations
// must be safe for concurrent use.
type Links interface {
	// Link records that the message id belongs to the conversation key.
	Link(ctx context.Context, id, key string) error
	// Conversation returns the key of the conversation the message id
	// belongs to, "" for a message it does not know.
	Conversation(ctx context.Context, id string) (string, error)
}

// DefaultMaxLinks bounds the links a MemoryLinks keeps.
const DefaultMaxLinks = 50000

// MemoryLinks keeps links in memory, at most Max of them: the least
// recently used are forgotten first. Its zero value is ready for use.
type MemoryLinks struct {
	// Max bounds the links kept; 0 means DefaultMaxLinks.
	Max int

	mu   sync.Mutex
	byID map[string]*list.Element
	lru  *list.List // of link, most recent first
}

type link struct{ id, key string }

// Link implements Links.
func (m *MemoryLinks) Link(_ context.Context, id, key string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.byID == nil {
		m.byID, m.lru = map[string]*list.Element{}, list.New()
	}
	if e, ok := m.byID[id]; ok {
		e.Value = link{id, key}
		m.lru.MoveToFront(e)
		return nil
	}
	m.byID[id] = m.lru.PushFront(link{id, key})
	max := m.Max
	if max <= 0 {
		max = DefaultMaxLinks
	}
	for m.lru.Len() > max {
		old := m.lru.Back()
		m.lru.Remove(old)
		delete(m.byID, old.Value.(link).id)
	}
	return nil
}

// Conversation implements Links.
func (m *MemoryLinks) Conversation(_ context.Context, id string) (string, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	e, ok := m.byID[id]
	if !ok {
		return "", nil
	}
	m.lru.MoveToFront(e)
	return e.Value.(link).key, nil
}
