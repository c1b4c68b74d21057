package sqlstore

import (
	"context"
	"fmt"
)

// DeleteExpired deletes every expired record and reports how many it
// deleted. The store never sweeps on its own: call it from a periodic job
// (sessionctl sweep, cron) or from a loop you start with a context you
// control. The index on the expires column keeps it cheap.
func (s *Store) DeleteExpired(ctx context.Context) (int, error) {
	res, err := s.db.ExecContext(ctx, s.q.sweep, s.nowMillis())
	if err != nil {
		return 0, s.fail("delete expired", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("sqlstore: delete expired: counting deleted rows: %w", err)
	}
	return int(n), nil
}
