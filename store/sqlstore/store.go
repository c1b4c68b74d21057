package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	session "github.com/websession/session"
)

// Store is a session.Store kept in one SQL table. It also implements
// session.Toucher, session.Iterator, session.Sweeper and session.UserIndex. It is safe for
// concurrent use and holds no connection of its own: every call borrows
// one from the *sql.DB.
type Store struct {
	db      *sql.DB
	dialect Dialect
	table   string
	now     func() time.Time
	q       queries
	// applies queues the Apply calls of this process: by key (hashed onto
	// a fixed set of queues), so writers of one session wait for each
	// other here, in order, rather than on the row's lock with a
	// connection each; on SQLite one queue for all, so they wait here
	// rather than in the busy timeout.
	applies applyQueues
}

var (
	_ session.Store     = (*Store)(nil)
	_ session.Toucher   = (*Store)(nil)
	_ session.Iterator  = (*Store)(nil)
	_ session.Sweeper   = (*Store)(nil)
	_ session.UserIndex = (*Store)(nil)
)

// New returns a Store that keeps sessions in db, a database opened by the
// caller with the driver of their choice. It runs no query: call
// CreateTable once (at start-up or from a migration) to create the table.
//
// By default the table is "sessions" (see WithTable), the dialect is
// detected from db.Driver() (see WithDialect) and the clock is time.Now
// (see WithNow). New returns an error for a nil db, an invalid table name,
// an unknown dialect or a driver it cannot recognise.
func New(db *sql.DB, opts ...Option) (*Store, error) {
	if db == nil {
		return nil, errors.New("sqlstore: New needs a *sql.DB, got nil")
	}
	cfg := config{table: DefaultTable, now: time.Now}
	for _, opt := range opts {
		if opt != nil {
			opt(&cfg)
		}
	}
	if err := validTable(cfg.table); err != nil {
		return nil, err
	}
	if cfg.now == nil {
		return nil, errors.New("sqlstore: WithNow needs a clock function, got nil")
	}
	if cfg.dialect == 0 {
		d, err := detectDialect(db)
		if err != nil {
			return nil, err
		}
		cfg.dialect = d
	}
	if !cfg.dialect.valid() {
		return nil, fmt.Errorf("sqlstore: unknown %v; use sqlstore.Postgres, sqlstore.MySQL or sqlstore.SQLite", cfg.dialect)
	}
	return &Store{
		db:      db,
		dialect: cfg.dialect,
		table:   cfg.table,
		now:     cfg.now,
		q:       buildQueries(cfg.dialect, cfg.table),
	}, nil
}

// Dialect returns the SQL dialect the store speaks.
func (s *Store) Dialect() Dialect { return s.dialect }

// Table returns the name of the store's table.
func (s *Store) Table() string { return s.table }

// nowMillis is the store's current time in Unix milliseconds, the unit of
// the expires column.
func (s *Store) nowMillis() int64 { return s.now().UnixMilli() }

// Load returns the live record stored under key, or an error wrapping
// session.ErrNotFound when there is none or it has expired.
func (s *Store) Load(ctx context.Context, key string) (session.Record, error) {
	if !session.ValidKey(key) {
		return session.Record{}, fmt.Errorf("sqlstore: load: %w", session.ErrInvalidKey)
	}
	var (
		rec     session.Record
		expires int64
		version int64
		user    sql.NullString
	)
	err := s.db.QueryRowContext(ctx, s.q.load, key, s.nowMillis()).Scan(&rec.Data, &expires, &version, &user)
	if errors.Is(err, sql.ErrNoRows) {
		return session.Record{}, fmt.Errorf("sqlstore: load: %w", session.ErrNotFound)
	}
	if err != nil {
		return session.Record{}, s.fail("load", err)
	}
	rec.Expires = time.UnixMilli(expires)
	rec.Version = uint64(version)
	rec.User = scanUser(user)
	return rec, nil
}

// Delete removes the record stored under key. Deleting a missing record is
// not an error.
func (s *Store) Delete(ctx context.Context, key string) error {
	if !session.ValidKey(key) {
		return fmt.Errorf("sqlstore: delete: %w", session.ErrInvalidKey)
	}
	if _, err := s.db.ExecContext(ctx, s.q.delete, key); err != nil {
		return s.fail("delete", err)
	}
	return nil
}
