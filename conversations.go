package newsbot

import (
	"container/list"
	"context"
	"sync"
)

// Conversations keep the turns of conversations, by key: a Slack thread, a
// Discord reply chain, a DM, a terminal session. Stores keep at most the
// last MaxTurns turns of a conversation. The core declares it; the default
// store that survives a restart is adapters/bolt, and MemoryConversations
// keeps them for the life of a process. Implementations must be safe for
// concurrent use.
type Conversations interface {
	// Turns returns the conversation's turns, oldest first; none for a
	// conversation it does not know.
	Turns(ctx context.Context, key string) ([]Turn, error)
	// Append adds a turn to the conversation, forgetting the oldest beyond
	// MaxTurns.
	Append(ctx context.Context, key string, t Turn) error
}

// MemoryConversations keeps conversations in memory, at most Max of them:
// the least recently used are forgotten first. Its zero value keeps
// DefaultMaxConversations.
type MemoryConversations struct {
	// Max bounds the conversations kept; 0 means DefaultMaxConversations.
	Max int

	mu    sync.Mutex
	byKey map[string]*list.Element
	lru   *list.List // of *memoryConversation, most recent first
}

// DefaultMaxConversations is MemoryConversations.Max's default.
const DefaultMaxConversations = 10000

type memoryConversation struct {
	key   string
	turns []Turn
}

// Turns implements Conversations.
func (m *MemoryConversations) Turns(_ context.Context, key string) ([]Turn, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	e, ok := m.byKey[key]
	if !ok {
		return nil, nil
	}
	m.lru.MoveToFront(e)
	return append([]Turn(nil), e.Value.(*memoryConversation).turns...), nil
}

// Append implements Conversations.
func (m *MemoryConversations) Append(_ context.Context, key string, t Turn) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.byKey == nil {
		m.byKey, m.lru = map[string]*list.Element{}, list.New()
	}
	e, ok := m.byKey[key]
	if !ok {
		e = m.lru.PushFront(&memoryConversation{key: key})
		m.byKey[key] = e
		limit := m.Max
		if limit <= 0 {
			limit = DefaultMaxConversations
		}
		for m.lru.Len() > limit {
			old := m.lru.Back()
			m.lru.Remove(old)
			delete(m.byKey, old.Value.(*memoryConversation).key)
		}
	}
	m.lru.MoveToFront(e)
	c := e.Value.(*memoryConversation)
	c.turns = append(c.turns, t)
	if len(c.turns) > MaxTurns {
		c.turns = append([]Turn(nil), c.turns[len(c.turns)-MaxTurns:]...)
	}
	return nil
}
