// Package bolt keeps the bot's conversations in one file, with
// go.etcd.io/bbolt, so that a restart of the bot does not forget a Slack
// thread or a Discord reply chain: Store implements newsbot.Conversations
// (the turns of each conversation) and chat.Links (which conversation a
// platform's message belongs to).
//
// The file is crash-safe (every change is a transaction, synced to disk
// before it counts) and bounded: at most MaxConversations conversations and
// MaxLinks links are kept, the least recently changed forgotten first, and
// those not changed for TTL are forgotten. Only one process can have the
// file open; another gets an error wrapping ErrInUse at once.
package bolt

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"go.etcd.io/bbolt"
	bolterrors "go.etcd.io/bbolt/errors"

	"github.com/newsbot-dev/newsbot"
	"github.com/newsbot-dev/newsbot/adapters/chat"
)

// Defaults for Options' zero values.
const (
	// DefaultTTL: a conversation (or link) not changed for 30 days is
	// forgotten.
	DefaultTTL = 30 * 24 * time.Hour
	// DefaultMaxConversations is the same bound as the in-memory store's.
	DefaultMaxConversations = newsbot.DefaultMaxConversations
	// DefaultMaxLinks is the same bound as chat.MemoryLinks'.
	DefaultMaxLinks = chat.DefaultMaxLinks
)

// ErrInUse is wrapped by Open's error when another process has the file
// open.
var ErrInUse = errors.New("in use by another process")

// Options bound a Store. Every zero value is a working default.
type Options struct {
	// MaxConversations bounds the conversations kept; 0 means
	// DefaultMaxConversations.
	MaxConversations int
	// MaxLinks bounds the message links kept; 0 means DefaultMaxLinks.
	MaxLinks int
	// TTL is how long a conversation or a link is kept after it last
	// changed; 0 means DefaultTTL.
	TTL time.Duration
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// LockWait is how long Open waits for another process to close the
	// file; 0 means 200 ms.
	LockWait time.Duration
}

// Store is a bbolt file of conversations and links. It is safe for
// concurrent use; Close it when done.
type Store struct {
	db    *bbolt.DB
	path  string
	convs table
	links table
	ttl   time.Duration
	now   func() time.Time
}

var (
	_ newsbot.Conversations = (*Store)(nil)
	_ chat.Links            = (*Store)(nil)
)

// Open opens (or creates, with its directory) the store at path.
func Open(path string, opts Options) (*Store, error) {
	if opts.MaxConversations <= 0 {
		opts.MaxConversations = DefaultMaxConversations
	}
	if opts.MaxLinks <= 0 {
		opts.MaxLinks = DefaultMaxLinks
	}
	if opts.TTL <= 0 {
		opts.TTL = DefaultTTL
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.LockWait <= 0 {
		opts.LockWait = 200 * time.Millisecond
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("conversations: %w", err)
	}
	db, err := bbolt.Open(path, 0o600, &bbolt.Options{Timeout: opts.LockWait})
	if errors.Is(err, bolterrors.ErrTimeout) {
		return nil, fmt.Errorf("conversations %s: %w (is another bot serve, slack or discord running on this data directory?)", path, ErrInUse)
	}
	if err != nil {
		return nil, fmt.Errorf("conversations %s: open: %w", path, err)
	}
	s := &Store{
		db:    db,
		path:  path,
		convs: table{data: []byte("conversations"), byTime: []byte("conversations_by_time"), max: opts.MaxConversations},
		links: table{data: []byte("links"), byTime: []byte("links_by_time"), max: opts.MaxLinks},
		ttl:   opts.TTL,
		now:   opts.Now,
	}
	err = db.Update(func(tx *bbolt.Tx) error {
		for _, name := range [][]byte{s.convs.data, s.convs.byTime, s.links.data, s.links.byTime, metaBucket} {
			if _, err := tx.CreateBucketIfNotExists(name); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("conversations %s: create buckets: %w", path, err)
	}
	return s, nil
}

// Path is the store's file.
func (s *Store) Path() string { return s.path }

// Close closes the file.
func (s *Store) Close() error {
	if err := s.db.Close(); err != nil {
		return fmt.Errorf("conversations %s: close: %w", s.path, err)
	}
	return nil
}

// Turns implements newsbot.Conversations.
func (s *Store) Turns(ctx context.Context, key string) ([]newsbot.Turn, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	var turns []newsbot.Turn
	err := s.db.View(func(tx *bbolt.Tx) error {
		v, ok := s.convs.get(tx, key, s.now().Add(-s.ttl))
		if !ok {
			return nil
		}
		return json.Unmarshal(v, &turns)
	})
	if err != nil {
		return nil, fmt.Errorf("conversations: read %q: %w", key, err)
	}
	return turns, nil
}

// Append implements newsbot.Conversations: it keeps the last
// newsbot.MaxTurns turns.
func (s *Store) Append(ctx context.Context, key string, t newsbot.Turn) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	now := s.now()
	err := s.db.Update(func(tx *bbolt.Tx) error {
		var turns []newsbot.Turn
		if v, ok := s.convs.get(tx, key, now.Add(-s.ttl)); ok {
			if err := json.Unmarshal(v, &turns); err != nil {
				return err
			}
		}
		turns = append(turns, t)
		if len(turns) > newsbot.MaxTurns {
			turns = turns[len(turns)-newsbot.MaxTurns:]
		}
		v, err := json.Marshal(turns)
		if err != nil {
			return err
		}
		return s.convs.put(tx, key, v, now, s.ttl)
	})
	if err != nil {
		return fmt.Errorf("conversations: record a turn of %q: %w", key, err)
	}
	return nil
}

// Link implements chat.Links.
func (s *Store) Link(ctx context.Context, id, key string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	err := s.db.Update(func(tx *bbolt.Tx) error {
		return s.links.put(tx, id, []byte(key), s.now(), s.ttl)
	})
	if err != nil {
		return fmt.Errorf("conversations: link message %q: %w", id, err)
	}
	return nil
}

// Conversation implements chat.Links.
func (s *Store) Conversation(ctx context.Context, id string) (string, error) {
	if err := ctx.Err(); err != nil {
		return "", err
	}
	var key string
	err := s.db.View(func(tx *bbolt.Tx) error {
		if v, ok := s.links.get(tx, id, s.now().Add(-s.ttl)); ok {
			key = string(v)
		}
		return nil
	})
	if err != nil {
		return "", fmt.Errorf("conversations: look up message %q: %w", id, err)
	}
	return key, nil
}

// metaBucket holds each table's count of entries.
var metaBucket = []byte("meta")

// table is a bucket of values by key, each stamped with when it changed,
// and an index of its keys by that time (8 bytes of big-endian Unix
// nanoseconds, then the key), oldest first, for forgetting.
type table struct {
	data, byTime []byte
	max          int
}

// get returns key's value unless it changed before oldest.
func (t table) get(tx *bbolt.Tx, key string, oldest time.Time) ([]byte, bool) {
	v := tx.Bucket(t.data).Get([]byte(key))
	if len(v) < 8 {
		return nil, false
	}
	if stamp(v).Before(oldest) {
		return nil, false
	}
	return v[8:], true
}

func stamp(v []byte) time.Time { return time.Unix(0, int64(binary.BigEndian.Uint64(v[:8]))) }

// put sets key to v as changed at now, then forgets what is over the
// bound or older than ttl.
func (t table) put(tx *bbolt.Tx, key string, v []byte, now time.Time, ttl time.Duration) error {
	data, byTime, meta := tx.Bucket(t.data), tx.Bucket(t.byTime), tx.Bucket(metaBucket)
	count := uint64(0)
	if c := meta.Get(t.data); len(c) == 8 {
		count = binary.BigEndian.Uint64(c)
	}
	if old := data.Get([]byte(key)); len(old) >= 8 {
		if err := byTime.Delete(indexKey(stamp(old), key)); err != nil {
			return err
		}
	} else {
		count++
	}
	rec := make([]byte, 8+len(v))
	binary.BigEndian.PutUint64(rec, uint64(now.UnixNano()))
	copy(rec[8:], v)
	if err := data.Put([]byte(key), rec); err != nil {
		return err
	}
	if err := byTime.Put(indexKey(now, key), nil); err != nil {
		return err
	}
	oldest := now.Add(-ttl)
	c := byTime.Cursor()
	for k, _ := c.First(); len(k) >= 8; k, _ = c.First() {
		if count <= uint64(t.max) && !stamp(k).Before(oldest) {
			break
		}
		if err := data.Delete(k[8:]); err != nil {
			return err
		}
		if err := c.Delete(); err != nil {
			return err
		}
		count--
	}
	var cb [8]byte
	binary.BigEndian.PutUint64(cb[:], count)
	return meta.Put(t.data, cb[:])
}

func indexKey(at time.Time, key string) []byte {
	k := make([]byte, 8+len(key))
	binary.BigEndian.PutUint64(k, uint64(at.UnixNano()))
	copy(k[8:], key)
	return k
}
