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
}

// mutantStore is a simple correct store unless told to make mistakes.
type mutantStore struct {
	bugs
	mu   sync.Mutex
	recs map[string]session.Record
}

func newMutant(b bugs) *mutantStore {
	return &mutantStore{bugs: b, recs: make(map[string]session.Record)}
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
	return m.returnExpired || time.Now().Before(rec.Expires)
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
	m.recs[key] = session.Record{Data: m.copyData(rec.Data), Expires: rec.Expires, Version: version}
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
	delete(m.recs, m.key(key))
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
		if m.sweepDeletesAll || !time.Now().Before(rec.Expires) {
			delete(m.recs, k)
			n++
		}
	}
	if m.sweepCountsZero {
		n = 0
	}
	return n, nil
}
