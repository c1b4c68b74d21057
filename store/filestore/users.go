package filestore

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	session "github.com/websession/session"
)

// usersDir is the subdirectory that holds the index of records by user:
// users/<hex SHA-256 of the user>/<key>, one empty file per record.
const usersDir = "users"

// userDir returns the index directory of user. The name is a hash, so any
// user name is safe, and no name appears in the file system.
func (s *Store) userDir(user string) string {
	sum := sha256.Sum256([]byte(user))
	return filepath.Join(s.dir, usersDir, hex.EncodeToString(sum[:]))
}

// index creates the entry of key in user's index, if missing, and syncs
// it to disk. Call it with key's lock held, before writing the record, so
// a crash leaves at worst an entry without a matching record, which
// listing prunes, and never a record its user's list misses.
func (s *Store) index(key, user string) error {
	root, dir := filepath.Join(s.dir, usersDir), s.userDir(user)
	for range 3 {
		if err := mkdir(root, s.dir); err != nil {
			return fileError("create user index for", key, err)
		}
		if err := mkdir(dir, root); err != nil {
			return fileError("create user index for", key, err)
		}
		f, err := os.OpenFile(filepath.Join(dir, key), os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
		switch {
		case errors.Is(err, fs.ErrExist):
			return nil // indexed, and synced, by an earlier save
		case errors.Is(err, fs.ErrNotExist):
			continue // unindex removed the directory as it emptied: create it again
		case err != nil:
			return fileError("create user index entry for", key, err)
		}
		if err := f.Close(); err != nil {
			return fileError("create user index entry for", key, err)
		}
		if err := syncDir(dir); err != nil {
			return fileError("sync user index for", key, err)
		}
		return nil
	}
	return fileError("create user index entry for", key, errors.New("its directory keeps being removed"))
}

// mkdir creates dir with mode 0700 if it does not exist, and then syncs
// parent so the new entry survives a crash.
func mkdir(dir, parent string) error {
	err := os.Mkdir(dir, 0o700)
	if errors.Is(err, fs.ErrExist) {
		return nil
	}
	if err != nil {
		return err
	}
	return syncDir(parent)
}

// unindex removes the entry of key from user's index, and the user's
// directory once it is empty. A failure is logged, not returned: the
// record is already saved or removed, and a stale entry is pruned when the
// user's records are listed.
func (s *Store) unindex(key, user string) {
	if user == "" {
		return
	}
	dir := s.userDir(user)
	err := os.Remove(filepath.Join(dir, key))
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		s.log.Warn("filestore: could not remove a user index entry; it is pruned when the user's sessions are listed",
			"key_prefix", short(key), "err", fileError("remove user index entry for", key, err))
		return
	}
	os.Remove(dir) // fails while other entries remain, as it should
}

// userKeys returns the keys listed in user's index.
func (s *Store) userKeys(ctx context.Context, user string) ([]string, error) {
	var keys []string
	err := s.eachName(ctx, s.userDir(user), func(name string) error {
		if session.ValidKey(name) {
			keys = append(keys, name)
		}
		return nil
	})
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil // no record was ever bound to user, or none is left
	}
	return keys, err
}

// UserRecords returns the live records whose User is user, by key, reading
// only that user's index and records. Index entries whose record is
// missing, expired, corrupt or bound to another user (left by a crash) are
// skipped and removed.
func (s *Store) UserRecords(ctx context.Context, user string) (map[string]session.Record, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("filestore: %w", err)
	}
	keys, err := s.userKeys(ctx, user)
	if err != nil {
		return nil, err
	}
	recs := make(map[string]session.Record, len(keys))
	for _, key := range keys {
		rec, _, err := s.read(key)
		if err != nil {
			return nil, err
		}
		if live(rec, s.now()) && rec.User == user {
			recs[key] = rec
			continue
		}
		if err := s.prune(ctx, key, user); err != nil {
			return nil, err
		}
	}
	return recs, nil
}

// prune removes the entry of key from user's index if, under key's lock,
// its record is still not a live record of user.
func (s *Store) prune(ctx context.Context, key, user string) error {
	unlock, err := s.lock(ctx, key)
	if err != nil {
		return err
	}
	defer unlock()
	rec, _, err := s.read(key)
	if err != nil {
		return err
	}
	if !live(rec, s.now()) || rec.User != user {
		s.unindex(key, user)
	}
	return nil
}

// DeleteUser deletes every record whose User is user, except the one under
// keep ("" keeps none), and reports how many live records it deleted. The
// user's expired records are removed too, uncounted. Each record is
// checked and removed under its lock, so a record saved meanwhile under
// another user stays.
func (s *Store) DeleteUser(ctx context.Context, user, keep string) (int, error) {
	if err := ctx.Err(); err != nil {
		return 0, fmt.Errorf("filestore: %w", err)
	}
	keys, err := s.userKeys(ctx, user)
	if err != nil {
		return 0, err
	}
	deleted := 0
	for _, key := range keys {
		if key == keep {
			continue
		}
		ok, err := s.deleteIfUser(ctx, key, user)
		if err != nil {
			return deleted, err
		}
		if ok {
			deleted++
		}
	}
	return deleted, nil
}

// deleteIfUser removes key's record if it is bound to user, and its index
// entry in any case, and reports whether a live record was removed.
func (s *Store) deleteIfUser(ctx context.Context, key, user string) (bool, error) {
	unlock, err := s.lock(ctx, key)
	if err != nil {
		return false, err
	}
	defer unlock()
	rec, exists, err := s.read(key)
	if err != nil {
		return false, err
	}
	bound := exists && rec.User == user
	if bound {
		if err := s.remove(key); err != nil {
			return false, err
		}
	}
	s.unindex(key, user)
	return bound && live(rec, s.now()), nil
}
