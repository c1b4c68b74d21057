package memstore

import (
	"log/slog"
	"time"
)

// warnEvery is the least time between two log lines about evictions.
const warnEvery = time.Minute

// lru is an intrusive doubly linked list of the anonymous entries (User
// ""), most recently used first. Every operation is O(1). The zero value
// is not usable: call init.
type lru struct {
	root entry // sentinel: root.next is the most recent, root.prev the least
}

func (l *lru) init() { l.root.next, l.root.prev = &l.root, &l.root }

// pushFront inserts e, which must not be in the list, as the most recent.
func (l *lru) pushFront(e *entry) {
	e.prev, e.next = &l.root, l.root.next
	e.prev.next, e.next.prev = e, e
}

// unlink takes e out of the list; it does nothing when e is not in it.
func (l *lru) unlink(e *entry) {
	if e.next == nil {
		return
	}
	e.prev.next, e.next.prev = e.next, e.prev
	e.prev, e.next = nil, nil
}

// oldest returns the least recently used entry, or nil when the list is
// empty.
func (l *lru) oldest() *entry {
	if l.root.prev == &l.root {
		return nil
	}
	return l.root.prev
}

// used marks e as just used: an anonymous entry moves to the front of the
// list; an entry bound to a user is never in it. Call with s.mu held.
func (s *Store) used(e *entry) {
	if e.user == "" {
		s.anon.unlink(e)
		s.anon.pushFront(e)
	}
}

// evictOne removes the least recently used anonymous record and reports
// whether there was one. When a log line is due (the first eviction, then
// at most one every warnEvery) it also returns the evictions the line is
// to count, else 0. Call with s.mu held, after dropExpired.
func (s *Store) evictOne(now time.Time) (ok bool, report int) {
	e := s.anon.oldest()
	if e == nil {
		return false, 0
	}
	s.remove(e)
	s.evicted++
	s.unreported++
	if s.lastWarn.IsZero() || now.Sub(s.lastWarn) >= warnEvery {
		report, s.unreported, s.lastWarn = s.unreported, 0, now
	}
	return true, report
}

// logEvictions writes the line evictOne asked for: n evictions since the
// previous line, total since New. Call without s.mu held, so a slow log
// handler does not hold up the store.
func (s *Store) logEvictions(n, total int) {
	if n == 0 {
		return
	}
	s.logger.Warn("memstore: the store is full; evicted the least recently used anonymous sessions to make room for new ones (raise WithMaxRecords or use a persistent store)",
		slog.Int("evicted", n), slog.Int("evicted_total", total), slog.Int("max_records", s.max))
}
