package sqlstore

import "context"

// CreateTable creates the store's table and its index on expires if they
// do not exist yet, as the package documentation describes. It is safe to
// call again: an existing table is left as it is, data included. The
// Store never calls it on its own; run it at start-up or copy the schema
// into your migrations.
func (s *Store) CreateTable(ctx context.Context) error {
	for _, stmt := range s.q.create {
		if _, err := s.db.ExecContext(ctx, stmt); err != nil {
			return s.fail("create table "+s.table, err)
		}
	}
	return nil
}
