package sqlstore_test

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"path/filepath"
	"testing"
	"time"

	"github.com/go-sql-driver/mysql"
	_ "github.com/jackc/pgx/v5/stdlib"
	_ "modernc.org/sqlite"

	session "github.com/websession/session"
	"github.com/websession/session/internal/testservers"
	"github.com/websession/session/sessiontest"
	"github.com/websession/session/store/sqlstore"
)

// sqliteDSN is the DSN the package documentation recommends for SQLite.
const sqliteDSN = "?_pragma=busy_timeout(5000)&_pragma=journal_mode(WAL)"

// backend opens one database for a test; it skips the test (or fails it
// when CI=true) when the server cannot be reached.
type backend struct {
	name    string
	dialect sqlstore.Dialect
	open    func(t *testing.T) *sql.DB
}

var backends = []backend{
	{"Postgres", sqlstore.Postgres, openPostgres},
	{"MySQL", sqlstore.MySQL, openMySQL},
	{"SQLite", sqlstore.SQLite, openSQLite},
}

func openPostgres(t *testing.T) *sql.DB {
	return testservers.OpenDB(t, "pgx", testservers.PostgresDSN())
}

func openMySQL(t *testing.T) *sql.DB {
	return testservers.OpenDB(t, "mysql", testservers.MySQLDSN())
}

func openSQLite(t *testing.T) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+filepath.Join(t.TempDir(), "sessions.db")+sqliteDSN)
	if err != nil {
		t.Fatalf("open sqlite: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// tableName returns a table name no other test run uses.
func tableName(t *testing.T) string {
	t.Helper()
	var b [6]byte
	rand.Read(b[:])
	return "sessions_test_" + hex.EncodeToString(b[:])
}

// newStore returns a store over db in a fresh table of its own, created
// with CreateTable and dropped when the test ends.
func newStore(t *testing.T, db *sql.DB, opts ...sqlstore.Option) *sqlstore.Store {
	t.Helper()
	st, err := sqlstore.New(db, append([]sqlstore.Option{sqlstore.WithTable(tableName(t))}, opts...)...)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	dropTable(t, db, st)
	if err := st.CreateTable(t.Context()); err != nil {
		t.Fatalf("CreateTable: %v", err)
	}
	return st
}

// quoteTable returns the store's table name quoted for its dialect.
func quoteTable(st *sqlstore.Store) string {
	if st.Dialect() == sqlstore.MySQL {
		return "`" + st.Table() + "`"
	}
	return `"` + st.Table() + `"`
}

// dropTable drops the store's table when the test ends.
func dropTable(t *testing.T, db *sql.DB, st *sqlstore.Store) {
	t.Helper()
	t.Cleanup(func() {
		if _, err := db.ExecContext(context.Background(), "DROP TABLE IF EXISTS "+quoteTable(st)); err != nil {
			t.Errorf("dropping test table %s: %v", st.Table(), err)
		}
	})
}

// forEachBackend runs fn as a subtest for every database, each with its
// own connection pool.
func forEachBackend(t *testing.T, fn func(t *testing.T, db *sql.DB)) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			t.Parallel()
			fn(t, b.open(t))
		})
	}
}

func TestConformance(t *testing.T) {
	forEachBackend(t, func(t *testing.T, db *sql.DB) {
		sessiontest.RunStoreWithClock(t, func(t *testing.T, now func() time.Time) session.Store {
			return newStore(t, db, sqlstore.WithNow(now))
		})
	})
}

// TestConformanceMySQLClientFoundRows runs the suite again over a MySQL
// connection that reports matched rather than changed rows, which changes
// what "rows affected" means.
func TestConformanceMySQLClientFoundRows(t *testing.T) {
	cfg, err := mysql.ParseDSN(testservers.MySQLDSN())
	if err != nil {
		t.Fatalf("SESSION_TEST_MYSQL: %v", err)
	}
	cfg.ClientFoundRows = true
	db := testservers.OpenDB(t, "mysql", cfg.FormatDSN())
	sessiontest.RunStoreWithClock(t, func(t *testing.T, now func() time.Time) session.Store {
		return newStore(t, db, sqlstore.WithNow(now))
	})
}

func TestConcurrentRequests(t *testing.T) {
	forEachBackend(t, func(t *testing.T, db *sql.DB) {
		sessiontest.RunConcurrentRequestsWithClock(t, func(t *testing.T, now func() time.Time) session.Store {
			return newStore(t, db, sqlstore.WithNow(now))
		})
	})
}

func TestUserSessions(t *testing.T) {
	forEachBackend(t, func(t *testing.T, db *sql.DB) {
		sessiontest.RunUserSessions(t, func(t *testing.T) session.Store { return newStore(t, db) })
	})
}
