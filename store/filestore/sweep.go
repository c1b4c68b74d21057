package filestore

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	session "github.com/websession/session"
	"github.com/websession/session/internal/sweep"
)

// StaleTempAge is how old a temporary file must be before DeleteExpired
// removes it as left behind by a crashed writer. Writers hold a temporary
// file only for the time of one write.
const StaleTempAge = 10 * time.Minute

// eachName calls fn with the name of every entry in dir, reading it in
// batches so a large directory is never held in memory whole.
func (s *Store) eachName(ctx context.Context, dir string, fn func(name string) error) error {
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("filestore: open directory: %w", err)
	}
	defer d.Close()
	for {
		names, err := d.Readdirnames(256)
		for _, name := range names {
			if err := ctx.Err(); err != nil {
				return fmt.Errorf("filestore: %w", err)
			}
			if err := fn(name); err != nil {
				return err
			}
		}
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("filestore: list directory: %w", err)
		}
	}
}

// Iterate calls fn for every live record, in no particular order, until fn
// returns an error, which Iterate returns. Records saved or deleted while
// Iterate runs may or may not be seen. Files whose names are not store keys
// are ignored.
func (s *Store) Iterate(ctx context.Context, fn func(key string, rec session.Record) error) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("filestore: %w", err)
	}
	return s.eachName(ctx, s.dir, func(name string) error {
		if !session.ValidKey(name) {
			return nil
		}
		rec, _, err := s.read(name)
		if err != nil {
			return err
		}
		if !live(rec, s.now()) {
			return nil
		}
		return fn(name, rec)
	})
}

// DeleteExpired removes the files of expired records, and of corrupt ones,
// and reports how many. The user index entries of the expired records go
// with them. It also removes temporary files older than
// StaleTempAge, which it does not count. A file it cannot remove is logged
// and skipped; DeleteExpired then returns the first such error after
// finishing the sweep.
func (s *Store) DeleteExpired(ctx context.Context) (int, error) {
	if err := ctx.Err(); err != nil {
		return 0, fmt.Errorf("filestore: %w", err)
	}
	deleted := 0
	var firstErr error
	failed := func(err error) {
		s.log.Warn("filestore: sweep could not remove a file", "err", err)
		if firstErr == nil {
			firstErr = err
		}
	}
	err := s.eachName(ctx, s.dir, func(name string) error {
		switch {
		case session.ValidKey(name):
			ok, err := s.sweepRecord(ctx, name)
			if err != nil {
				if ctx.Err() != nil {
					return err
				}
				failed(err)
			}
			if ok {
				deleted++
			}
		case strings.HasPrefix(name, tempPrefix):
			if err := s.sweepTemp(name); err != nil {
				failed(err)
			}
		}
		return nil
	})
	if err != nil {
		return deleted, err
	}
	return deleted, firstErr
}

// sweepRecord removes key's file if its record is expired or corrupt, and
// reports whether it did.
func (s *Store) sweepRecord(ctx context.Context, key string) (bool, error) {
	if rec, exists, err := s.read(key); err != nil || !exists || live(rec, s.now()) {
		return false, err
	}
	unlock, err := s.lock(ctx, key)
	if err != nil {
		return false, err
	}
	defer unlock()
	// Check again under the lock: a writer may have saved it since.
	rec, exists, err := s.read(key)
	if err != nil || !exists || live(rec, s.now()) {
		return false, err
	}
	if err := s.remove(key); err != nil {
		return false, err
	}
	s.unindex(key, rec.User)
	return true, nil
}

// sweepTemp removes a temporary file older than StaleTempAge.
func (s *Store) sweepTemp(name string) error {
	path := filepath.Join(s.dir, name)
	fi, err := os.Lstat(path)
	if errors.Is(err, os.ErrNotExist) || (err == nil && time.Since(fi.ModTime()) < StaleTempAge) {
		return nil
	}
	if err == nil {
		err = os.Remove(path)
	}
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("filestore: remove stale temporary file %s: %w", name, err)
	}
	return nil
}

// Run calls DeleteExpired every interval until ctx is done, then returns
// ctx's error. Errors of a sweep are logged and the loop goes on. Start it
// in a goroutine you own; the store never starts one:
//
//	go st.Run(ctx, 10*time.Minute)
//
// An interval <= 0 selects ten minutes.
func (s *Store) Run(ctx context.Context, interval time.Duration) error {
	return sweep.Run(ctx, interval, 10*time.Minute, s.DeleteExpired, func(err error) {
		s.log.Warn("filestore: sweep failed", "err", err)
	})
}
