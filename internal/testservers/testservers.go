// Package testservers is for the project's tests: it finds the Redis,
// PostgreSQL and MySQL/MariaDB servers they run against. It needs no
// driver: a test imports the driver it opens (store/storeurl/storeurltest
// gives a test a whole store of its own on these servers).
//
// The servers are named by the environment, with defaults that fit a
// developer's machine and CI:
//
//	SESSION_TEST_REDIS     host:port            default 127.0.0.1:6379
//	SESSION_TEST_POSTGRES  a URL (a pgx DSN)    default postgres://postgres@127.0.0.1:5432/test?sslmode=disable
//	SESSION_TEST_MYSQL     a go-sql-driver DSN  default root@tcp(127.0.0.1:3306)/test?parseTime=true
//
// A server that cannot be reached skips the test, or fails it when
// CI=true (sessiontest.Unavailable).
package testservers

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/websession/session/sessiontest"
)

// The environment variables that name the test servers.
const (
	RedisEnv    = "SESSION_TEST_REDIS"
	PostgresEnv = "SESSION_TEST_POSTGRES"
	MySQLEnv    = "SESSION_TEST_MYSQL"
)

// RedisAddr returns the Redis test server's host:port: $SESSION_TEST_REDIS,
// default "127.0.0.1:6379".
func RedisAddr() string { return env(RedisEnv, "127.0.0.1:6379") }

// PostgresDSN returns the PostgreSQL test server's URL, which is also its
// pgx DSN: $SESSION_TEST_POSTGRES, default
// "postgres://postgres@127.0.0.1:5432/test?sslmode=disable".
func PostgresDSN() string {
	return env(PostgresEnv, "postgres://postgres@127.0.0.1:5432/test?sslmode=disable")
}

// MySQLDSN returns the MySQL or MariaDB test server's go-sql-driver DSN:
// $SESSION_TEST_MYSQL, default "root@tcp(127.0.0.1:3306)/test?parseTime=true".
func MySQLDSN() string { return env(MySQLEnv, "root@tcp(127.0.0.1:3306)/test?parseTime=true") }

func env(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}

// OpenDB opens a database/sql pool with driver ("pgx" or "mysql", which the
// caller imports) on dsn,
// closed when the test ends, and pings the server: it skips the test (fails
// it when CI=true) when the server cannot be reached. The DSN stays out of
// the messages: it may hold a password.
func OpenDB(t testing.TB, driver, dsn string) *sql.DB {
	t.Helper()
	db, err := sql.Open(driver, dsn)
	if err != nil {
		t.Fatalf("sql.Open(%q): %v", driver, err)
	}
	t.Cleanup(func() { db.Close() })
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
	defer cancel()
	if err := db.PingContext(ctx); err != nil {
		envName := map[string]string{"pgx": PostgresEnv, "mysql": MySQLEnv}[driver]
		sessiontest.Unavailable(t, "%s server (set %s to its DSN): %v", driver, envName, err)
	}
	return db
}

// WithParam returns rawURL with name=value added to its query.
func WithParam(rawURL, name, value string) string {
	sep := "?"
	if strings.Contains(rawURL, "?") {
		sep = "&"
	}
	return rawURL + sep + name + "=" + url.QueryEscape(value)
}

// RandomName returns 12 random lowercase hex digits, for a table name or
// key prefix no other test uses.
func RandomName() string {
	b := make([]byte, 6)
	rand.Read(b)
	return hex.EncodeToString(b)
}
