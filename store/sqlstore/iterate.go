package sqlstore

import (
	"context"
	"database/sql"
	"time"

	session "github.com/websession/session"
)

// Iterate calls fn for every live record, in key order, until fn returns a
// non-nil error, which Iterate then returns unwrapped.
//
// Records are read in pages of 100 and no query is open while fn runs, so
// fn may call the store (to delete a record, say) even on a database
// limited to one connection. Records saved or deleted during the
// iteration may or may not be seen.
func (s *Store) Iterate(ctx context.Context, fn func(key string, rec session.Record) error) error {
	type row struct {
		key string
		rec session.Record
	}
	after := "" // every key sorts after the empty string
	for {
		page := make([]row, 0, iteratePage)
		rows, err := s.db.QueryContext(ctx, s.q.iterate, s.nowMillis(), after)
		if err != nil {
			return s.fail("iterate", err)
		}
		for rows.Next() {
			var (
				r                row
				expires, version int64
				user             sql.NullString
			)
			if err := rows.Scan(&r.key, &r.rec.Data, &expires, &version, &user); err != nil {
				rows.Close()
				return s.fail("iterate", err)
			}
			r.rec.Expires = time.UnixMilli(expires)
			r.rec.Version = uint64(version)
			r.rec.User = scanUser(user)
			page = append(page, r)
		}
		if err := rows.Err(); err != nil {
			rows.Close()
			return s.fail("iterate", err)
		}
		if err := rows.Close(); err != nil {
			return s.fail("iterate", err)
		}
		for _, r := range page {
			if err := fn(r.key, r.rec); err != nil {
				return err
			}
		}
		if len(page) < iteratePage {
			return nil
		}
		after = page[len(page)-1].key
	}
}
