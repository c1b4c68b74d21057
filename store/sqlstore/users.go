package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	session "github.com/websession/session"
	"github.com/websession/session/internal/state"
)

// MaxUserLen is the longest Record.User, in bytes, the store accepts: the
// longest user name session.Session.SetUser accepts (256). Save refuses a
// longer one, and one that is not UTF-8 or holds a NUL byte (which
// PostgreSQL's text cannot store), in every dialect.
const MaxUserLen = state.MaxUserSize

// userColumnLen is the width in bytes of the user_id column on MySQL,
// VARBINARY(512) since the column was added. It stays at 512, wider than
// MaxUserLen, so tables made before and after have the same column.
const userColumnLen = 512

// MaxUserLen must fit the column: a negative constant does not convert to
// uint, so this fails to compile when it does not.
const _ = uint(userColumnLen - MaxUserLen)

// userArg returns the value of the user_id column for user: NULL for no
// user.
func userArg(user string) (any, error) {
	switch {
	case user == "":
		return nil, nil
	case len(user) > MaxUserLen:
		return nil, fmt.Errorf("sqlstore: save: the user name is %d bytes, over the %d-byte limit of the user_id column; bind sessions to an account ID", len(user), MaxUserLen)
	case !utf8.ValidString(user) || strings.IndexByte(user, 0) >= 0:
		return nil, fmt.Errorf("sqlstore: save: the user name is not UTF-8 without NUL bytes, which the user_id column needs; bind sessions to an account ID")
	}
	return user, nil
}

// UserRecords returns the live records whose User is user, by key, with
// one query on the index of the user_id column. It returns an empty map
// for a user with none, for "", and for a name Save would refuse.
func (s *Store) UserRecords(ctx context.Context, user string) (map[string]session.Record, error) {
	recs := make(map[string]session.Record)
	if u, err := userArg(user); u == nil || err != nil {
		return recs, nil // no record can be bound to that name
	}
	rows, err := s.db.QueryContext(ctx, s.q.byUser, user, s.nowMillis())
	if err != nil {
		return nil, s.fail("user records", err)
	}
	defer rows.Close()
	for rows.Next() {
		var (
			key              string
			rec              session.Record
			expires, version int64
		)
		if err := rows.Scan(&key, &rec.Data, &expires, &version); err != nil {
			return nil, s.fail("user records", err)
		}
		rec.Expires = time.UnixMilli(expires)
		rec.Version = uint64(version)
		rec.User = user
		recs[key] = rec
	}
	if err := rows.Err(); err != nil {
		return nil, s.fail("user records", err)
	}
	return recs, nil
}

// DeleteUser deletes every live record whose User is user, except the one
// under keep ("" keeps none), with one statement, and reports how many it
// deleted. The user's expired records are left to DeleteExpired. A user
// of "", or a name Save would refuse, deletes nothing.
func (s *Store) DeleteUser(ctx context.Context, user, keep string) (int, error) {
	if u, err := userArg(user); u == nil || err != nil {
		return 0, nil // no record can be bound to that name
	}
	res, err := s.db.ExecContext(ctx, s.q.deleteUser, user, s.nowMillis(), keep)
	if err != nil {
		return 0, s.fail("delete user", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("sqlstore: delete user: counting deleted rows: %w", err)
	}
	return int(n), nil
}

// scanUser turns the user_id column into Record.User.
func scanUser(u sql.NullString) string {
	if !u.Valid {
		return ""
	}
	return u.String
}
