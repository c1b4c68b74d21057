package sqlstore

import (
	"fmt"
	"time"
)

// DefaultTable is the table a Store uses unless WithTable names another.
const DefaultTable = "sessions"

// maxTableLen keeps the derived index name ("<table>_expires_idx") within
// the 63-byte identifier limit of PostgreSQL.
const maxTableLen = 48

// An Option configures New.
type Option func(*config)

type config struct {
	table   string
	dialect Dialect
	now     func() time.Time
}

// WithTable sets the table name. The default is "sessions". The name must
// be 1 to 48 characters of lowercase ASCII letters, digits and underscores,
// not starting with a digit; New refuses anything else, so the name can be
// quoted into SQL safely. Schema-qualified names are not accepted: choose
// the schema through the connection (search_path, the DSN's database).
func WithTable(name string) Option {
	return func(c *config) { c.table = name }
}

// WithDialect sets the SQL dialect: Postgres, MySQL or SQLite. By default
// New detects it from the type of db.Driver(), which works for pgx,
// lib/pq, go-sql-driver/mysql, modernc.org/sqlite, mattn/go-sqlite3 and
// ncruces/go-sqlite3; set it for any other driver or wrapper.
func WithDialect(d Dialect) Option {
	return func(c *config) { c.dialect = d }
}

// WithNow sets the clock the Store uses to decide which records have
// expired. The default is time.Now. The time always comes from Go, never
// from the database server, so every dialect agrees; tests use this to
// move time forward.
func WithNow(now func() time.Time) Option {
	return func(c *config) { c.now = now }
}

// validTable reports whether name is a plain lowercase SQL identifier that
// is safe to quote into a statement in every dialect.
func validTable(name string) error {
	if len(name) == 0 || len(name) > maxTableLen {
		return fmt.Errorf("sqlstore: table name must be 1 to %d characters, got %d", maxTableLen, len(name))
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		switch {
		case c >= 'a' && c <= 'z', c == '_':
		case c >= '0' && c <= '9' && i > 0:
		default:
			return fmt.Errorf("sqlstore: table name %q is not a plain identifier; "+
				"use lowercase letters, digits and underscores, not starting with a digit", name)
		}
	}
	return nil
}
