package adversarial

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/websession/session"
)

var (
	primarySecret = []byte("primary-secret-for-cookie-tests!")
	rotatedSecret = []byte("rotated-out-secret-for-the-tests")
)

func discardLogger() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// testClock is a Config.Now the tests move by hand. It starts at real time,
// to the second (cookies carry seconds), so a store's own clock agrees with
// the Manager's until a test moves this one.
type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func newTestClock() *testClock { return &testClock{t: time.Now().Truncate(time.Second)} }

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *testClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// logSink captures what a Manager logs.
type logSink struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *logSink) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

func (l *logSink) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

func (l *logSink) Reset() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.buf.Reset()
}

// keySpy records every key a store is asked about before passing the call
// on.
type keySpy struct {
	session.Store
	mu   sync.Mutex
	keys []string
}

func (s *keySpy) saw(key string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.keys = append(s.keys, key)
}

// take returns the keys seen since the last call.
func (s *keySpy) take() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	k := s.keys
	s.keys = nil
	return k
}

func (s *keySpy) Load(ctx context.Context, key string) (session.Record, error) {
	s.saw(key)
	return s.Store.Load(ctx, key)
}

func (s *keySpy) Save(ctx context.Context, key string, rec session.Record) error {
	s.saw(key)
	return s.Store.Save(ctx, key, rec)
}

func (s *keySpy) Delete(ctx context.Context, key string) error {
	s.saw(key)
	return s.Store.Delete(ctx, key)
}

func (s *keySpy) Touch(ctx context.Context, key string, exp time.Time) error {
	s.saw(key)
	if t, ok := s.Store.(session.Toucher); ok {
		return t.Touch(ctx, key, exp)
	}
	return session.ErrNotSupported
}

// countingStore counts the calls that reach a store and fails them on
// demand.
type countingStore struct {
	session.Store
	loads, saves atomic.Int32
	fail         atomic.Bool
}

var errStoreDown = errors.New("store down")

func (c *countingStore) Load(ctx context.Context, key string) (session.Record, error) {
	c.loads.Add(1)
	if c.fail.Load() {
		return session.Record{}, errStoreDown
	}
	return c.Store.Load(ctx, key)
}

func (c *countingStore) Save(ctx context.Context, key string, rec session.Record) error {
	c.saves.Add(1)
	if c.fail.Load() {
		return errStoreDown
	}
	return c.Store.Save(ctx, key, rec)
}

func (c *countingStore) Touch(ctx context.Context, key string, exp time.Time) error {
	if c.fail.Load() {
		return errStoreDown
	}
	return c.Store.(session.Toucher).Touch(ctx, key, exp)
}
