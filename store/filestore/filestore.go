package filestore

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"time"

	session "github.com/websession/session"
)

// Store is a session.Store that keeps one file per session in a directory.
// It also implements session.Toucher, session.Iterator, session.Sweeper and
// session.UserIndex.
// Create one with New; a Store is safe for concurrent use, and several
// Stores, in one process or several, may share a directory.
type Store struct {
	dir   string
	log   *slog.Logger
	now   func() time.Time
	locks [stripes]chan struct{}
}

var (
	_ session.Store     = (*Store)(nil)
	_ session.Toucher   = (*Store)(nil)
	_ session.Iterator  = (*Store)(nil)
	_ session.Sweeper   = (*Store)(nil)
	_ session.UserIndex = (*Store)(nil)
)

// New returns a Store keeping its files in dir. It creates dir (and its
// parents) with mode 0700 when missing, and refuses an existing directory
// that group or others can access. A relative dir is resolved against the
// working directory once, here.
func New(dir string, opts ...Option) (*Store, error) {
	if dir == "" {
		return nil, errors.New("filestore: New needs a directory path")
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("filestore: resolve directory %q: %w", dir, err)
	}
	if err := os.MkdirAll(abs, 0o700); err != nil {
		return nil, fmt.Errorf("filestore: create directory: %w", err)
	}
	fi, err := os.Stat(abs)
	if err != nil {
		return nil, fmt.Errorf("filestore: %w", err)
	}
	if !fi.IsDir() {
		return nil, fmt.Errorf("filestore: %s is not a directory", abs)
	}
	if perm := fi.Mode().Perm(); perm&0o077 != 0 && runtime.GOOS != "windows" {
		return nil, fmt.Errorf("filestore: directory %s has mode %#o, so other users may read sessions; run chmod 700 on it or use a dedicated directory", abs, perm)
	}
	s := &Store{dir: abs, log: slog.Default(), now: time.Now}
	for i := range s.locks {
		s.locks[i] = make(chan struct{}, 1)
	}
	for _, opt := range opts {
		opt(s)
	}
	return s, nil
}

// check validates the arguments every keyed method shares.
func (s *Store) check(ctx context.Context, key string) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("filestore: %w", err)
	}
	if !session.ValidKey(key) {
		return fmt.Errorf("filestore: %w", session.ErrInvalidKey)
	}
	return nil
}

// live reports whether rec has not expired at now. The zero Record, which
// read returns for a corrupt file, is never live.
func live(rec session.Record, now time.Time) bool {
	return now.Before(rec.Expires)
}

// Load returns the live record under key, or an error wrapping
// session.ErrNotFound when there is none or its file is corrupt.
func (s *Store) Load(ctx context.Context, key string) (session.Record, error) {
	if err := s.check(ctx, key); err != nil {
		return session.Record{}, err
	}
	rec, _, err := s.read(key)
	if err != nil {
		return session.Record{}, err
	}
	if !live(rec, s.now()) {
		return session.Record{}, session.ErrNotFound
	}
	return rec, nil
}

// Save writes rec under key if rec.Version equals the live record's
// version (0 when there is none); otherwise it returns an error wrapping
// session.ErrConflict. A record whose Expires has passed removes the file
// instead. The write is atomic and synced to disk before Save returns.
//
// When rec.User is set, the user's index entry is created (and synced)
// before the record is written; an entry for the user the record was bound
// to before is removed after.
func (s *Store) Save(ctx context.Context, key string, rec session.Record) error {
	if err := checkUser(rec.User); err != nil {
		return err
	}
	unlock, err := s.lock(ctx, key)
	if err != nil {
		return err
	}
	defer unlock()

	cur, exists, err := s.read(key)
	if err != nil {
		return err
	}
	now := s.now()
	var version uint64
	if live(cur, now) {
		version = cur.Version
	}
	if rec.Version != version {
		return session.ErrConflict
	}
	if !live(rec, now) {
		if exists {
			if err := s.remove(key); err != nil {
				return err
			}
		}
		s.unindex(key, cur.User)
		return nil
	}
	if rec.User != "" {
		if err := s.index(key, rec.User); err != nil {
			return err
		}
	}
	rec.Version++
	if err := s.write(key, encode(rec)); err != nil {
		return err
	}
	if cur.User != rec.User {
		s.unindex(key, cur.User)
	}
	return nil
}

// Delete removes the record under key, and its user's index entry. A
// missing record is not an error.
func (s *Store) Delete(ctx context.Context, key string) error {
	unlock, err := s.lock(ctx, key)
	if err != nil {
		return err
	}
	defer unlock()
	// A file that cannot be read is removed all the same; an index entry
	// it may have is pruned when its user's records are listed.
	cur, _, _ := s.read(key)
	if err := s.remove(key); err != nil {
		return err
	}
	s.unindex(key, cur.User)
	return nil
}

// Touch sets the expiry of the live record under key, keeping its data and
// version. It returns an error wrapping session.ErrNotFound when there is
// none. The file is rewritten atomically.
func (s *Store) Touch(ctx context.Context, key string, expires time.Time) error {
	unlock, err := s.lock(ctx, key)
	if err != nil {
		return err
	}
	defer unlock()

	rec, _, err := s.read(key)
	if err != nil {
		return err
	}
	if !live(rec, s.now()) {
		return session.ErrNotFound
	}
	rec.Expires = expires
	return s.write(key, encode(rec))
}
