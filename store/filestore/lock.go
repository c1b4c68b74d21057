package filestore

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"time"
)

// stripes is the number of lock files, one per value of a key's first
// byte (its first two hex characters).
const stripes = 256

// Polling bounds for a lock held by another process: flock cannot wait
// with a context, so lock retries a non-blocking flock, backing off.
const (
	minLockWait = 50 * time.Microsecond
	maxLockWait = 5 * time.Millisecond
)

// lock checks ctx and key, then takes the write lock of key's stripe:
// first the in-process lock, so goroutines queue without polling, then an
// exclusive flock on the stripe's lock file, which other processes also
// take. It gives up when ctx is done. Call the returned function to release
// both.
func (s *Store) lock(ctx context.Context, key string) (unlock func(), err error) {
	if err := s.check(ctx, key); err != nil {
		return nil, err
	}
	n, err := strconv.ParseUint(key[:2], 16, 8)
	if err != nil {
		return nil, fmt.Errorf("filestore: lock stripe of key %s…: %w", short(key), err)
	}
	sem := s.locks[n]
	select {
	case sem <- struct{}{}:
	case <-ctx.Done():
		return nil, fmt.Errorf("filestore: waiting for a lock: %w", ctx.Err())
	}
	release := func() { <-sem }

	name := fmt.Sprintf(".lock-%02x", n)
	f, err := os.OpenFile(filepath.Join(s.dir, name), os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		release()
		return nil, fmt.Errorf("filestore: open lock file %s: %w", name, err)
	}
	wait := minLockWait
	for {
		ok, err := tryFlock(f)
		if err != nil {
			f.Close()
			release()
			return nil, fmt.Errorf("filestore: flock %s: %w", name, err)
		}
		if ok {
			break
		}
		t := time.NewTimer(wait)
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
			f.Close()
			release()
			return nil, fmt.Errorf("filestore: waiting for lock file %s: %w", name, ctx.Err())
		}
		wait = min(2*wait, maxLockWait)
	}
	return func() {
		f.Close() // releases the flock
		release()
	}, nil
}
