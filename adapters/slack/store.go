package slack

import (
	"sync"
	"time"
)

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
