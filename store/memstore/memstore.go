package memstore

import (
	"bytes"
	"container/heap"
	"context"
	"errors"
	"fmt"
	"hash/maphash"
	"log/slog"
	"sync"
	"time"

	session "github.com/websession/session"
)

// ErrFull is returned by Save when the save would add a new record to a
// store that holds its maximum number of records (WithMaxRecords, default
// DefaultMaxRecords), none of them expired and every one bound to a user
// (Record.User): anonymous sessions are evicted to make room, signed-in
// ones never are. Existing sessions can still be saved; new ones fail until
// some expire, are deleted or sign out.
var ErrFull = errors.New("memstore: store is full of signed-in sessions; raise WithMaxRecords or use a persistent store")

// Store is an in-process session.Store. It also implements
// session.Toucher, session.Iterator, session.Sweeper and session.UserIndex.
// The zero value is not usable: call New. A Store is safe for concurrent
// use.
type Store struct {
	max    int
	logger *slog.Logger
	now    func() time.Time
	seed   maphash.Seed // of the token hashes, see recentTokens

	mu       sync.Mutex
	records  map[string]*entry
	byExpiry expiryHeap
	users    map[string]map[string]*entry // Record.User -> key -> entry
	anon     lru                          // entries with no User, most recently used first

	evicted    int       // evictions since New
	unreported int       // evictions not yet counted in a log line
	lastWarn   time.Time // when the last log line about evictions was written
}

// entry is one stored record.
type entry struct {
	key     string
	data    []byte
	expires time.Time
	version uint64
	user    string
	tokens  *recentTokens // of the changes Apply made; nil before the first
	index   int           // position in Store.byExpiry
	prev    *entry        // neighbours in Store.anon while user is ""; nil otherwise
	next    *entry
}

var (
	_ session.Store     = (*Store)(nil)
	_ session.Toucher   = (*Store)(nil)
	_ session.Iterator  = (*Store)(nil)
	_ session.Sweeper   = (*Store)(nil)
	_ session.UserIndex = (*Store)(nil)
)

// New returns an empty Store. Without options it holds up to
// DefaultMaxRecords records.
func New(opts ...Option) *Store {
	s := &Store{
		max:     DefaultMaxRecords,
		logger:  slog.Default(),
		now:     time.Now,
		seed:    maphash.MakeSeed(),
		records: make(map[string]*entry),
		users:   make(map[string]map[string]*entry),
	}
	s.anon.init()
	for _, opt := range opts {
		opt(s)
	}
	return s
}

// check validates the arguments every method shares.
func check(ctx context.Context, key string) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("memstore: %w", err)
	}
	if !session.ValidKey(key) {
		return fmt.Errorf("memstore: %w", session.ErrInvalidKey)
	}
	return nil
}

// live returns the live entry under key, or nil. Call with s.mu held.
func (s *Store) live(key string, now time.Time) *entry {
	e := s.records[key]
	if e == nil || !now.Before(e.expires) {
		return nil
	}
	return e
}

// Load returns a copy of the live record under key, or an error wrapping
// session.ErrNotFound.
func (s *Store) Load(ctx context.Context, key string) (session.Record, error) {
	rec, err := s.LoadShared(ctx, key)
	rec.Data = bytes.Clone(rec.Data) // the stored bytes are never changed: no lock needed
	return rec, err
}

// LoadShared is Load without the copy: the record's Data is the store's
// own, which it never changes (a save stores new bytes), and the caller
// must not change it either. The session Manager reads sessions with it,
// so a request copies no record it only reads.
func (s *Store) LoadShared(ctx context.Context, key string) (session.Record, error) {
	if err := check(ctx, key); err != nil {
		return session.Record{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	e := s.live(key, s.now())
	if e == nil {
		return session.Record{}, session.ErrNotFound
	}
	s.used(e)
	return session.Record{Data: e.data, Expires: e.expires, Version: e.version, User: e.user}, nil
}

// Save stores a copy of rec under key if rec.Version equals the live
// record's version (0 when there is none); otherwise it returns an error
// wrapping session.ErrConflict. A record whose Expires has passed is not
// stored (and replaces, so removes, the one under key). A new key in a full
// store first makes room by dropping expired records, then by evicting the
// least recently used anonymous record; when every record is bound to a
// user it gives ErrFull.
func (s *Store) Save(ctx context.Context, key string, rec session.Record) error {
	if err := check(ctx, key); err != nil {
		return err
	}
	now := s.now()
	s.mu.Lock()
	report, err := s.save(now, key, rec)
	total := s.evicted
	s.mu.Unlock()
	s.logEvictions(report, total)
	return err
}

// save is Save with s.mu held. report is the number of evictions to log,
// as evictOne returns it.
func (s *Store) save(now time.Time, key string, rec session.Record) (report int, err error) {
	var current uint64
	if e := s.live(key, now); e != nil {
		current = e.version
	}
	if rec.Version != current {
		return 0, session.ErrConflict
	}
	e := s.records[key]
	if !now.Before(rec.Expires) {
		if e != nil {
			s.remove(e)
		}
		return 0, nil
	}
	if e == nil {
		if len(s.records) >= s.max {
			s.dropExpired(now)
		}
		if len(s.records) >= s.max {
			ok, n := s.evictOne(now)
			if !ok {
				return 0, ErrFull
			}
			report = n
		}
		e = &entry{key: key}
		s.records[key] = e
		heap.Push(&s.byExpiry, e)
	}
	e.data = bytes.Clone(rec.Data)
	e.expires = rec.Expires
	e.version = rec.Version + 1
	heap.Fix(&s.byExpiry, e.index)
	s.bind(e, rec.User)
	s.used(e) // after bind: puts an anonymous entry in s.anon
	return report, nil
}

// Delete removes the record under key. A missing key is not an error.
func (s *Store) Delete(ctx context.Context, key string) error {
	if err := check(ctx, key); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if e := s.records[key]; e != nil {
		s.remove(e)
	}
	return nil
}

// Touch sets the expiry of the live record under key without changing its
// data or version. It returns an error wrapping session.ErrNotFound when
// there is none.
func (s *Store) Touch(ctx context.Context, key string, expires time.Time) error {
	if err := check(ctx, key); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	e := s.live(key, s.now())
	if e == nil {
		return session.ErrNotFound
	}
	e.expires = expires
	heap.Fix(&s.byExpiry, e.index)
	s.used(e)
	return nil
}

// remove deletes e from the store, from its user's index and from the
// list of anonymous entries. Call with s.mu held.
func (s *Store) remove(e *entry) {
	s.bind(e, "")
	s.anon.unlink(e)
	delete(s.records, e.key)
	heap.Remove(&s.byExpiry, e.index)
}

// bind moves e from its user's index to that of user ("" for none). An
// entry bound to a user leaves s.anon; an unbound one joins it at its next
// use. Call with s.mu held.
func (s *Store) bind(e *entry, user string) {
	if e.user == user {
		return
	}
	if e.user == "" {
		s.anon.unlink(e)
	}
	if old := s.users[e.user]; old != nil {
		delete(old, e.key)
		if len(old) == 0 {
			delete(s.users, e.user)
		}
	}
	e.user = user
	if user == "" {
		return
	}
	keys := s.users[user]
	if keys == nil {
		keys = make(map[string]*entry)
		s.users[user] = keys
	}
	keys[e.key] = e
}

// record returns a copy of e that the caller may change.
func (e *entry) record() session.Record {
	return session.Record{Data: bytes.Clone(e.data), Expires: e.expires, Version: e.version, User: e.user}
}
