// Package testservers is for this module's tests: it finds the Redis,
// PostgreSQL and MySQL/MariaDB servers they run against and gives each test
// a store of its own there, removed when the test ends.
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
//
//	v := testservers.URL(t, storeurl.Postgres) // a table of this test's own
//	st, closeStore, err := storeurl.Open(t.Context(), v)
//
// URL's file: and sqlite: stores live in t.TempDir(), removed with it.
package testservers

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/go-sql-driver/mysql"   // go-sql-driver DSNs; registers the "mysql" driver
	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver
	"github.com/redis/go-redis/v9"

	"github.com/websession/session/sessiontest"
	"github.com/websession/session/store/storeurl"
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

// OpenDB opens a database/sql pool with driver ("pgx" or "mysql") on dsn,
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

// URL returns a store URL of kind (one of storeurl's kinds) for this test
// alone, its store created: "memory", a directory or SQLite file in
// t.TempDir(), or a table or Redis key prefix of its own on the test
// server, removed when the test ends (see Cleanup). It skips the test
// (fails it when CI=true) when the server cannot be reached.
func URL(t testing.TB, kind string) string {
	t.Helper()
	var v string
	switch kind {
	case storeurl.Memory:
		return storeurl.Memory
	case storeurl.File:
		v = "file:" + filepath.Join(t.TempDir(), "sessions")
	case storeurl.SQLite:
		v = "sqlite:" + filepath.Join(t.TempDir(), "sessions.db")
	case storeurl.Redis:
		v = WithParam(serverURL(t, kind), "prefix", "sessiontest:"+RandomName()+":")
	case storeurl.Postgres, storeurl.MySQL:
		v = WithParam(serverURL(t, kind), "table", "sessions_test_"+RandomName())
	default:
		t.Fatalf("testservers: no store URL for kind %q", kind)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	_, closeStore, err := storeurl.Open(ctx, v, storeurl.WithCreate())
	if err != nil && strings.Contains(err.Error(), "cannot reach") {
		sessiontest.Unavailable(t, "%v", err)
	}
	if err != nil {
		t.Fatal(err)
	}
	closeStore()
	Cleanup(t, v)
	return v
}

// serverURL returns the store URL of the test server of kind
// (storeurl.Redis, Postgres or MySQL), without table= or prefix=: database
// 0 of Redis, and $SESSION_TEST_MYSQL's user, password, address and
// database as a mysql:// URL (its other parameters are dropped).
func serverURL(t testing.TB, kind string) string {
	t.Helper()
	switch kind {
	case storeurl.Redis:
		return "redis://" + RedisAddr() + "/0"
	case storeurl.Postgres:
		return PostgresDSN()
	case storeurl.MySQL:
		cfg, err := mysql.ParseDSN(MySQLDSN())
		if err != nil {
			t.Fatalf("%s is not a go-sql-driver DSN: %v", MySQLEnv, err)
		}
		user := url.User(cfg.User)
		if cfg.Passwd != "" {
			user = url.UserPassword(cfg.User, cfg.Passwd)
		}
		u := url.URL{Scheme: "mysql", User: user, Host: cfg.Addr, Path: "/" + cfg.DBName}
		return u.String()
	}
	t.Fatalf("testservers: no test server for kind %q", kind)
	return ""
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

// Cleanup removes, when the test ends, what the store URL rawURL names on a
// test server: its SQL table (table=), or the Redis keys under its prefix
// (prefix=); a server URL without one is a fatal error. Other kinds of URL
// need nothing removed: files live in t.TempDir().
func Cleanup(t testing.TB, rawURL string) {
	t.Helper()
	spec, err := storeurl.Parse(rawURL)
	if err != nil {
		t.Fatal(err)
	}
	switch {
	case spec.Kind == storeurl.Redis && spec.Prefix != "":
		t.Cleanup(func() { deleteKeys(t, spec) })
	case (spec.Kind == storeurl.Postgres || spec.Kind == storeurl.MySQL) && spec.Table != "":
		t.Cleanup(func() { dropTable(t, spec) })
	case spec.Kind == storeurl.Redis || spec.Kind == storeurl.Postgres || spec.Kind == storeurl.MySQL:
		// Without a prefix= or table= of the test's own, what would go is
		// the store every other user of the server shares.
		t.Fatalf("testservers: Cleanup needs a %s URL with a prefix= or table= of the test's own", spec.Kind)
	}
}

func deleteKeys(t testing.TB, spec storeurl.Spec) {
	o, err := redis.ParseURL(spec.Target)
	if err != nil {
		t.Error(err)
		return
	}
	client := redis.NewClient(o)
	defer client.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	iter := client.Scan(ctx, 0, spec.Prefix+"*", 100).Iterator()
	for iter.Next(ctx) {
		client.Del(ctx, iter.Val())
	}
	if err := iter.Err(); err != nil {
		t.Errorf("deleting the test's redis keys: %v", err)
	}
}

func dropTable(t testing.TB, spec storeurl.Spec) {
	db, err := sql.Open(map[string]string{storeurl.Postgres: "pgx", storeurl.MySQL: "mysql"}[spec.Kind], spec.Target)
	if err != nil {
		t.Error(err)
		return
	}
	defer db.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	// storeurl accepts plain lowercase letters, digits and underscores in
	// a table name: safe to put in the statement.
	if _, err := db.ExecContext(ctx, "DROP TABLE IF EXISTS "+spec.Table); err != nil {
		t.Errorf("dropping the test table %s: %v", spec.Table, err)
	}
}
