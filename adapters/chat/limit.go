package chat

import (
	"container/list"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// Limiter's defaults: every adapter's rate is in questions a minute, with
// a burst.
const (
	DefaultPerMinute = 6
	DefaultBurst     = 3
	// DefaultMaxPeople bounds the people a Limiter tracks.
	DefaultMaxPeople = 10000
)

// Limiter bounds how often each person may ask: PerMinute questions a
// minute on average, Burst at once (a token bucket per person, from
// golang.org/x/time/rate). A person over the limit is told once per run of
// refusals, not on every try. Its zero value allows DefaultPerMinute with
// bursts of DefaultBurst; it is safe for concurrent use and must not be
// copied after first use.
//
// At most MaxPeople are tracked: the one seen least recently is forgotten
// first, and starts again with a full burst when they come back.
type Limiter struct {
	// PerMinute is how many questions a person may ask a minute; 0 means
	// DefaultPerMinute, a negative value no limit.
	PerMinute float64
	// Burst is how many questions a person may ask at once; 0 means
	// DefaultBurst.
	Burst int
	// MaxPeople bounds the people tracked; 0 means DefaultMaxPeople.
	MaxPeople int
	// Now is the clock; nil means time.Now.
	Now func() time.Time

	mu     sync.Mutex
	people map[string]*list.Element
	lru    *list.List // of *person, most recent first
}

type person struct {
	id       string
	lim      *rate.Limiter
	notified bool // told of a refusal since the last allowed question
}

// Allow takes a question from who. When they are over the limit it
// reports false, and notify is true for the first refusal since their
// last allowed question: tell them then, and stay quiet after.
func (l *Limiter) Allow(who string) (ok, notify bool) {
	if l.PerMinute < 0 {
		return true, false
	}
	now := time.Now
	if l.Now != nil {
		now = l.Now
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	p := l.person(who)
	if p.lim.AllowN(now(), 1) {
		p.notified = false
		return true, false
	}
	notify = !p.notified
	p.notified = true
	return false, notify
}

// person returns who's bucket, new if need be, as the most recent. l.mu is
// held.
func (l *Limiter) person(who string) *person {
	if e, ok := l.people[who]; ok {
		l.lru.MoveToFront(e)
		return e.Value.(*person)
	}
	if l.people == nil {
		l.people, l.lru = map[string]*list.Element{}, list.New()
	}
	perMinute, burst, max := l.PerMinute, l.Burst, l.MaxPeople
	if perMinute == 0 {
		perMinute = DefaultPerMinute
	}
	if burst <= 0 {
		burst = DefaultBurst
	}
	if max <= 0 {
		max = DefaultMaxPeople
	}
	p := &person{id: who, lim: rate.NewLimiter(rate.Limit(perMinute/60), burst)}
	l.people[who] = l.lru.PushFront(p)
	for l.lru.Len() > max {
		old := l.lru.Back()
		l.lru.Remove(old)
		delete(l.people, old.Value.(*person).id)
	}
	return p
}
