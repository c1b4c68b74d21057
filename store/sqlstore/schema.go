package sqlstore

import "context"

// CreateTable creates the store's table and its indexes on expires and
// user_id if they do not exist yet, as the package documentation
// describes. It is safe to call again: an existing table is left as it is,
// data included. A table created before the user_id column existed gets
// it, NULL in every row, and its index (ALTER TABLE ... ADD COLUMN, after
// a look at the catalog, so a table that has both is not altered). The
// Store never calls it on its own; run it at start-up or copy the schema
// into your migrations.
func (s *Store) CreateTable(ctx context.Context) error {
	for _, stmt := range s.q.create {
		if _, err := s.db.ExecContext(ctx, stmt); err != nil {
			return s.fail("create table "+s.table, err)
		}
	}
	if err := s.ensure(ctx, s.q.addUser, s.q.hasUser, s.catalogName()); err != nil {
		return s.fail("add column user_id to "+s.table, err)
	}
	if s.dialect != MySQL {
		_, err := s.db.ExecContext(ctx, s.q.userIdx)
		if err != nil {
			return s.fail("create index "+userIndexName(s.table), err)
		}
		return nil
	}
	if err := s.ensure(ctx, s.q.userIdx, s.q.hasUserIdx, s.table, userIndexName(s.table)); err != nil {
		return s.fail("create index "+userIndexName(s.table), err)
	}
	return nil
}

// catalogName is the table's name as the dialect's catalog query for
// columns takes it.
func (s *Store) catalogName() string {
	if s.dialect == Postgres {
		return `"` + s.table + `"` // for to_regclass
	}
	return s.table
}

// ensure runs alter unless the catalog query has, given args, counts one
// already. When alter fails because another process ran it first, the
// catalog says so and ensure succeeds.
func (s *Store) ensure(ctx context.Context, alter, has string, args ...any) error {
	exists := func() (bool, error) {
		var n int
		err := s.db.QueryRowContext(ctx, has, args...).Scan(&n)
		return n > 0, err
	}
	ok, err := exists()
	if err != nil || ok {
		return err
	}
	if _, err := s.db.ExecContext(ctx, alter); err != nil {
		if ok, _ := exists(); ok {
			return nil
		}
		return err
	}
	return nil
}
