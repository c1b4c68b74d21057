// Package testkit holds what the project's tests share: App, a Manager
// with a request harness around it; a clock a test moves by hand; a log
// sink; and store wrappers that record the keys a store is asked about and
// count (or fail) its calls. The stores beneath are always real.
package testkit

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/websession/session"
)

// Clock is a Config.Now the test moves by hand. It starts at real time, to
// the second (cookies carry seconds), so a store's own clock and a cookie
// jar's agree with the Manager's until a test moves this one.
type Clock struct {
	mu sync.Mutex
	t  time.Time
}

// NewClock returns a Clock at the current second.
func NewClock() *Clock { return ClockAt(time.Now().Truncate(time.Second)) }

// ClockAt returns a Clock at t.
func ClockAt(t time.Time) *Clock { return &Clock{t: t} }

// Now returns the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

// Advance moves the clock by d.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// Set moves the clock to t.
func (c *Clock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = t
}

// LogSink captures what a Manager logs, as text and as JSON lines.
type LogSink struct {
	mu         sync.Mutex
	text, json bytes.Buffer
}

// Logger returns a logger that writes every record, debug level and up, to
// the sink.
func (l *LogSink) Logger() *slog.Logger {
	opts := &slog.HandlerOptions{Level: slog.LevelDebug}
	return slog.New(slog.NewMultiHandler(slog.NewTextHandler(sinkWriter{l, &l.text}, opts), slog.NewJSONHandler(sinkWriter{l, &l.json}, opts)))
}

type sinkWriter struct {
	l   *LogSink
	buf *bytes.Buffer
}

func (w sinkWriter) Write(p []byte) (int, error) {
	w.l.mu.Lock()
	defer w.l.mu.Unlock()
	return w.buf.Write(p)
}

// String returns, as text, what was logged since the last Reset.
func (l *LogSink) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.text.String()
}

// Entries returns what was logged since the last Reset, a map per record.
func (l *LogSink) Entries() ([]map[string]any, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []map[string]any
	for line := range strings.Lines(l.json.String()) {
		var rec map[string]any
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			return nil, fmt.Errorf("log line %q is not JSON: %w", line, err)
		}
		out = append(out, rec)
	}
	return out, nil
}

// Reset forgets what was logged.
func (l *LogSink) Reset() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.text.Reset()
	l.json.Reset()
}

// KeySpy is a Store that records every key it is asked about before
// passing the call on.
type KeySpy struct {
	session.Store
	mu   sync.Mutex
	keys []string
}

func (s *KeySpy) saw(key string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.keys = append(s.keys, key)
}

// Take returns the keys seen since the last call.
func (s *KeySpy) Take() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	k := s.keys
	s.keys = nil
	return k
}

// Load records key and passes the call on.
func (s *KeySpy) Load(ctx context.Context, key string) (session.Record, error) {
	s.saw(key)
	return s.Store.Load(ctx, key)
}

// Save records key and passes the call on.
func (s *KeySpy) Save(ctx context.Context, key string, rec session.Record) error {
	s.saw(key)
	return s.Store.Save(ctx, key, rec)
}

// Delete records key and passes the call on.
func (s *KeySpy) Delete(ctx context.Context, key string) error {
	s.saw(key)
	return s.Store.Delete(ctx, key)
}

// Touch records key and passes the call on.
func (s *KeySpy) Touch(ctx context.Context, key string, exp time.Time) error {
	s.saw(key)
	if t, ok := s.Store.(session.Toucher); ok {
		return t.Touch(ctx, key, exp)
	}
	return session.ErrNotSupported
}

// ErrStoreDown is what a CountingStore returns while Fail is set.
var ErrStoreDown = errors.New("store down")

// CountingStore wraps a real store, counts the calls that reach it and,
// while Fail is set, fails them with ErrStoreDown.
type CountingStore struct {
	session.Store
	Loads, Saves, Deletes, Touches atomic.Int32
	Fail                           atomic.Bool
}

// Load counts the call and passes it on, or fails it while Fail is set.
func (c *CountingStore) Load(ctx context.Context, key string) (session.Record, error) {
	c.Loads.Add(1)
	if c.Fail.Load() {
		return session.Record{}, ErrStoreDown
	}
	return c.Store.Load(ctx, key)
}

// Save counts the call and passes it on, or fails it while Fail is set.
func (c *CountingStore) Save(ctx context.Context, key string, rec session.Record) error {
	c.Saves.Add(1)
	if c.Fail.Load() {
		return ErrStoreDown
	}
	return c.Store.Save(ctx, key, rec)
}

// Delete counts the call and passes it on, or fails it while Fail is set.
func (c *CountingStore) Delete(ctx context.Context, key string) error {
	c.Deletes.Add(1)
	if c.Fail.Load() {
		return ErrStoreDown
	}
	return c.Store.Delete(ctx, key)
}

// Touch counts the call and passes it on, or fails it while Fail is set.
func (c *CountingStore) Touch(ctx context.Context, key string, exp time.Time) error {
	c.Touches.Add(1)
	if c.Fail.Load() {
		return ErrStoreDown
	}
	return c.Store.(session.Toucher).Touch(ctx, key, exp)
}
