package sessiontest_test

import (
	"context"
	"runtime"
	"strings"
	"sync"
	"time"

	session "github.com/websession/session"
)

// bugs are the mistakes a mutantStore can be told to make.
type bugs struct {
	ignoreVersion     bool // Save never conflicts
	racyCAS           bool // compare and set under separate locks
	noBump            bool // Save keeps the version
	returnExpired     bool // Load and Iterate ignore expiry
	aliasData         bool // no copies in or out
	foldCase          bool // keys are case-insensitive
	secondsExpiry     bool // expiry truncated to the second
	ignoreContext     bool // cancelled contexts are ignored
	deleteMissingErrs bool // Delete of a missing key fails
	touchBumps        bool // Touch bumps the version
	touchIgnored      bool // Touch does nothing
	sweepCountsZero   bool // DeleteExpired reports 0
	sweepDeletesAll   bool // DeleteExpired deletes live records too
	loseEmptyData     bool // empty and 64 KiB data come back truncated
	cancelNotFound    bool // Load with a cancelled context says ErrNotFound
	userKeepsMoved    bool // a record saved under another user stays listed for the old one
	deleteUserAll     bool // DeleteUser ignores keep
	userPrefix        bool // UserRecords and DeleteUser match users by prefix
	userListsExpired  bool // UserRecords ignores expiry
}

// mutantStore is a simple correct store unless told to make mistakes.
type mutantStore struct {
	bugs
	now   func() time.Time
	mu    sync.Mutex
	recs  map[string]session.Record
	users map[string]map[string]bool // user -> keys bound to it
}

// newMutant returns a mutantStore that reads the time from now.
func newMutant(b bugs, now func() time.Time) *mutantStore {
	return &mutantStore{bugs: b, now: now, recs: make(map[string]session.Record), users: make(map[string]map[string]bool)}
}

// index moves key from the index of user from to that of user to. Call
// with m.mu held.
func (m *mutantStore) index(key, from, to string) {
	if from != "" && !m.userKeepsMoved {
		delete(m.users[from], key)
	}
	if to != "" {
		if m.users[to] == nil {
			m.users[to] = make(map[string]bool)
		}
		m.users[to][key] = true
	}
}

// remove deletes the record under key and its index entry. Call with m.mu
// held.
func (m *mutantStore) remove(key string) {
	if rec, ok := m.recs[key]; ok && rec.User != "" {
		delete(m.users[rec.User], key)
	}
	delete(m.recs, key)
}

func (m *mutantStore) key(k string) string {
	if m.foldCase {
		return strings.ToLower(k)
	}
	return k
}

func (m *mutantStore) ctxErr(ctx context.Context) error {
	if m.ignoreContext {
		return nil
	}
	return ctx.Err()
}

func (m *mutantStore) copyData(b []byte) []byte {
	if m.aliasData {
		return b
	}
	if m.loseEmptyData && len(b) > 60000 {
		b = b[:60000]
	}
	return append([]byte(nil), b...)
}

func (m *mutantStore) live(rec session.Record) bool {
	return m.returnExpired || m.now().Before(rec.Expires)
}

func (m *mutantStore) Load(ctx context.Context, key string) (session.Record, error) {
	if err := m.ctxErr(ctx); err != nil {
		if m.cancelNotFound {
			return session.Record{}, session.ErrNotFound
		}
		return session.Record{}, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	rec, ok := m.recs[m.key(key)]
	if !ok || !m.live(rec) {
		return session.Record{}, session.ErrNotFound
	}
	rec.Data = m.copyData(rec.Data)
	return rec, nil
}

func (m *mutantStore) Save(ctx context.Context, key string, rec session.Record) error {
	if err := m.ctxErr(ctx); err != nil {
		return err
	}
	key = m.key(key)
	m.mu.Lock()
	cur, ok := m.recs[key]
	var version uint64
	if ok && m.live(cur) {
		version = cur.Version
	}
	if rec.Version != version && !m.ignoreVersion {
		m.mu.Unlock()
		return session.ErrConflict
	}
	if m.racyCAS {
		m.mu.Unlock()
		runtime.Gosched()
		m.mu.Lock()
	}
	defer m.mu.Unlock()
	if m.secondsExpiry {
		rec.Expires = rec.Expires.Truncate(time.Second)
	}
	if !m.noBump {
		version++
	}
	m.index(key, cur.User, rec.User)
	m.recs[key] = session.Record{Data: m.copyData(rec.Data), Expires: rec.Expires, Version: version, User: rec.User}
	return nil
}

func (m *mutantStore) Delete(ctx context.Context, key string) error {
	if err := m.ctxErr(ctx); err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.recs[m.key(key)]; !ok && m.deleteMissingErrs {
		return session.ErrNotFound
	}
	m.remove(m.key(key))
	return nil
}

func (m *mutantStore) Touch(ctx context.Context, key string, expires time.Time) error {
	if err := m.ctxErr(ctx); err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	rec, ok := m.recs[m.key(key)]
	if !ok || !m.live(rec) {
		return session.ErrNotFound
	}
	if !m.touchIgnored {
		rec.Expires = expires
	}
	if m.touchBumps {
		rec.Version++
	}
	m.recs[m.key(key)] = rec
	return nil
}

func (m *mutantStore) Iterate(ctx context.Context, fn func(string, session.Record) error) error {
	if err := m.ctxErr(ctx); err != nil {
		return err
	}
	m.mu.Lock()
	snapshot := make(map[string]session.Record, len(m.recs))
	for k, rec := range m.recs {
		if m.live(rec) {
			rec.Data = m.copyData(rec.Data)
			snapshot[k] = rec
		}
	}
	m.mu.Unlock()
	for k, rec := range snapshot {
		if err := fn(k, rec); err != nil {
			return err
		}
	}
	return nil
}

func (m *mutantStore) DeleteExpired(ctx context.Context) (int, error) {
	if err := m.ctxErr(ctx); err != nil {
		return 0, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	n := 0
	for k, rec := range m.recs {
		if m.sweepDeletesAll || !m.now().Before(rec.Expires) {
			m.remove(k)
			n++
		}
	}
	if m.sweepCountsZero {
		n = 0
	}
	return n, nil
}

// userKeys returns the keys the index lists for user. Call with m.mu held.
func (m *mutantStore) userKeys(user string) []string {
	var keys []string
	for u, set := range m.users {
		if u == user || (m.userPrefix && strings.HasPrefix(u, user)) {
			for k := range set {
				keys = append(keys, k)
			}
		}
	}
	return keys
}

func (m *mutantStore) UserRecords(ctx context.Context, user string) (map[string]session.Record, error) {
	if err := m.ctxErr(ctx); err != nil {
		return nil, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	got := make(map[string]session.Record)
	for _, k := range m.userKeys(user) {
		rec, ok := m.recs[k]
		if ok && (m.userListsExpired || m.live(rec)) {
			rec.Data = m.copyData(rec.Data)
			got[k] = rec
		}
	}
	return got, nil
}

func (m *mutantStore) DeleteUser(ctx context.Context, user, keep string) (int, error) {
	if err := m.ctxErr(ctx); err != nil {
		return 0, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	n := 0
	for _, k := range m.userKeys(user) {
		if k == keep && !m.deleteUserAll {
			continue
		}
		if rec, ok := m.recs[k]; ok && m.live(rec) {
			n++
		}
		m.remove(k)
	}
	return n, nil
}
