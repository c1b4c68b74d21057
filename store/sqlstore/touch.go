package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	session "github.com/websession/session"
)

// Touch sets the expiry of the live record under key without rewriting its
// data or changing its version. It returns an error wrapping
// session.ErrNotFound when there is no live record.
func (s *Store) Touch(ctx context.Context, key string, expires time.Time) error {
	if !session.ValidKey(key) {
		return fmt.Errorf("sqlstore: touch: %w", session.ErrInvalidKey)
	}
	now := s.nowMillis()
	touched, err := s.exec(ctx, s.q.touch, expires.UnixMilli(), key, now)
	if err != nil {
		return s.fail("touch", err)
	}
	if !touched && s.dialect == MySQL {
		// Without CLIENT_FOUND_ROWS, MySQL counts 0 rows when the expiry
		// was already the requested one: ask whether the record is live.
		var one int
		err := s.db.QueryRowContext(ctx, s.q.live, key, now).Scan(&one)
		switch {
		case err == nil:
			touched = true
		case !errors.Is(err, sql.ErrNoRows):
			return s.fail("touch", err)
		}
	}
	if !touched {
		return fmt.Errorf("sqlstore: touch: %w", session.ErrNotFound)
	}
	return nil
}
