package chat

import (
	"net"
	"net/http"
	"sync"
	"time"
)

// The limits every HTTP server of the bot runs with (bot serve, and the
// Slack and Discord adapters' own endpoints), so that holding connections
// open cannot take it offline: a client that sends its request slowly, or
// never, or keeps an idle connection, is cut off, and the connections open
// at once are capped under the process's open-file limit.
const (
	// DefaultReadHeaderTimeout bounds reading a request's headers.
	DefaultReadHeaderTimeout = 10 * time.Second
	// DefaultReadTimeout bounds reading a whole request, body included
	// (a body sent a byte every few seconds). A handler that answers for
	// longer lifts it once it has read the body (httpapi does), since Go's
	// server otherwise ends the request's context when it passes.
	DefaultReadTimeout = 30 * time.Second
	// DefaultWriteTimeout bounds writing a response. A handler that
	// answers later, or streams, sets its own deadline before each write
	// (httpapi does), so a long answer still finishes while a client that
	// stops reading is cut off.
	DefaultWriteTimeout = 30 * time.Second
	// DefaultIdleTimeout closes a keep-alive connection idle this long.
	DefaultIdleTimeout = 30 * time.Second
	// DefaultMaxConnections caps the connections open at once.
	DefaultMaxConnections = 10000
)

// ServerLimits are an HTTP server's timeouts and connection cap. Zero
// fields take the defaults above.
type ServerLimits struct {
	ReadHeaderTimeout, ReadTimeout, WriteTimeout, IdleTimeout time.Duration
	// MaxConnections caps the connections open at once. At the cap, a new
	// connection takes the place of the one that has waited longest
	// without a request in progress (connected but silent, or idle between
	// requests); when every one is in the middle of a request, it waits
	// for one to end (the timeouts bound that). So a flood of idle
	// connections cannot hold out a real client, and the server's open
	// files stay under the cap plus its own few.
	MaxConnections int
}

// LimitServer sets srv's timeouts from lim, where srv leaves them zero,
// and returns ln capped at lim.MaxConnections; serve srv on the returned
// listener. It sets srv.ConnState, wrapping any hook already there.
func LimitServer(srv *http.Server, ln net.Listener, lim ServerLimits) net.Listener {
	set := func(d *time.Duration, v, def time.Duration) {
		if *d == 0 {
			*d = v
			if v == 0 {
				*d = def
			}
		}
	}
	set(&srv.ReadHeaderTimeout, lim.ReadHeaderTimeout, DefaultReadHeaderTimeout)
	set(&srv.ReadTimeout, lim.ReadTimeout, DefaultReadTimeout)
	set(&srv.WriteTimeout, lim.WriteTimeout, DefaultWriteTimeout)
	set(&srv.IdleTimeout, lim.IdleTimeout, DefaultIdleTimeout)
	max := lim.MaxConnections
	if max <= 0 {
		max = DefaultMaxConnections
	}
	cl := &capListener{Listener: ln, max: max, conns: map[*capConn]struct{}{}, freed: make(chan struct{}, 1)}
	prev := srv.ConnState
	srv.ConnState = func(c net.Conn, s http.ConnState) {
		if cc, ok := c.(*capConn); ok {
			cl.state(cc, s)
		}
		if prev != nil {
			prev(c, s)
		}
	}
	return cl
}

// capListener is a listener with at most max connections open.
type capListener struct {
	net.Listener
	max   int
	freed chan struct{} // a connection closed

	mu    sync.Mutex
	conns map[*capConn]struct{}
}

// capConn is an accepted connection: its state for eviction, and a Close
// that frees its place once.
type capConn struct {
	net.Conn
	l *capListener

	// Under l.mu:
	waiting bool      // no request in progress: new, or idle between requests
	since   time.Time // when it began waiting
	closed  bool
}

// Accept waits for a connection and for room for it, making room by
// closing the connection that has waited longest without a request.
func (l *capListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	for {
		l.mu.Lock()
		if len(l.conns) < l.max {
			cc := &capConn{Conn: c, l: l, waiting: true, since: time.Now()}
			l.conns[cc] = struct{}{}
			l.mu.Unlock()
			return cc, nil
		}
		var oldest *capConn
		for cc := range l.conns {
			if cc.waiting && (oldest == nil || cc.since.Before(oldest.since)) {
				oldest = cc
			}
		}
		if oldest != nil {
			// Closed under the lock that chose it, so that it cannot be
			// chosen twice; the connection itself is closed after.
			oldest.closed = true
			delete(l.conns, oldest)
			l.mu.Unlock()
			oldest.Conn.Close()
			continue
		}
		l.mu.Unlock()
		// Every connection is in a request: wait for one to end.
		select {
		case <-l.freed:
		case <-time.After(time.Second):
		}
	}
}

// Open is the number of connections open.
func (l *capListener) Open() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.conns)
}

func (l *capListener) state(c *capConn, s http.ConnState) {
	l.mu.Lock()
	defer l.mu.Unlock()
	switch s {
	case http.StateNew, http.StateIdle:
		c.waiting, c.since = true, time.Now()
	case http.StateActive:
		c.waiting = false
	case http.StateHijacked:
		// The handler owns it now and no timeout of the server applies:
		// never evicted, but it keeps its place until it is closed.
		c.waiting = false
	}
}

func (c *capConn) Close() error {
	c.l.mu.Lock()
	first := !c.closed
	c.closed = true
	if first {
		delete(c.l.conns, c)
	}
	c.l.mu.Unlock()
	if first {
		select {
		case c.l.freed <- struct{}{}:
		default:
		}
	}
	return c.Conn.Close()
}
