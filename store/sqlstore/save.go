package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"math"

	"github.com/websession/session/internal/retry"

	session "github.com/websession/session"
)

// Save stores rec under key if the stored version still equals
// rec.Version, and the stored version becomes rec.Version+1.
//
// Version 0 inserts a new record; it also replaces an expired one, and
// returns an error wrapping session.ErrConflict when a live record exists.
// Any other version updates the live record with that version, and
// returns session.ErrConflict when there is none: another request saved
// or deleted first, or the record expired.
func (s *Store) Save(ctx context.Context, key string, rec session.Record) error {
	if !session.ValidKey(key) {
		return fmt.Errorf("sqlstore: save: %w", session.ErrInvalidKey)
	}
	if rec.Version >= math.MaxInt64 {
		// The version column is a signed 64-bit integer: no stored record
		// can have this version, or be given the next one.
		return fmt.Errorf("sqlstore: save: %w", session.ErrConflict)
	}
	user, err := userArg(rec.User)
	if err != nil {
		return err
	}
	data := rec.Data
	if data == nil {
		data = []byte{} // the data column is NOT NULL
	}
	expires := rec.Expires.UnixMilli()

	var stored bool
	switch {
	case rec.Version > 0:
		stored, err = s.exec(ctx, s.q.update, data, expires, int64(rec.Version)+1, user, key, int64(rec.Version), s.nowMillis())
	case s.dialect == MySQL:
		stored, err = s.insertMySQL(ctx, key, data, expires, user)
	default:
		stored, err = s.exec(ctx, s.q.insert, key, data, expires, user, s.nowMillis())
	}
	if err != nil {
		return s.fail("save", err)
	}
	if !stored {
		return fmt.Errorf("sqlstore: save: %w", session.ErrConflict)
	}
	return nil
}

// insertMySQL inserts a new record, first removing an expired one in the
// way. It reports false when a live record holds the key.
func (s *Store) insertMySQL(ctx context.Context, key string, data []byte, expires int64, user any) (bool, error) {
	stored, err := s.exec(ctx, s.q.insert, key, data, expires, user)
	if stored || err != nil {
		return stored, err
	}
	reclaimed, err := s.exec(ctx, s.q.reclaim, key, s.nowMillis())
	if !reclaimed || err != nil {
		// Nothing expired was in the way: the key holds a live record, or
		// another writer changed it in between. Either way, a conflict.
		return false, err
	}
	return s.exec(ctx, s.q.insert, key, data, expires, user)
}

// maxDeadlockTries bounds how often exec runs a statement the database
// rolled back to break a deadlock. Many requests inserting the same new
// key at once (MySQL's INSERT IGNORE takes a shared lock on the duplicate)
// can deadlock several times in a row.
const maxDeadlockTries = 10

// exec runs a statement and reports whether it changed exactly one row.
// Every statement of the store is a transaction of its own, so one that
// the database chose as a deadlock's victim was rolled back whole and is
// run again, after a short random pause: it cannot have been applied.
func (s *Store) exec(ctx context.Context, query string, args ...any) (bool, error) {
	for try := 1; ; try++ {
		res, err := s.db.ExecContext(ctx, query, args...)
		if err != nil {
			if try < maxDeadlockTries && rolledBack(err) {
				if err := retry.Pause(ctx, try); err != nil {
					return false, err
				}
				continue
			}
			return false, err
		}
		return affectedOne(res)
	}
}

func affectedOne(res sql.Result) (bool, error) {
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("counting affected rows: %w", err)
	}
	return n == 1, nil
}
