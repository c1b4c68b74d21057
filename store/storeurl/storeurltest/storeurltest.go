// Package storeurltest gives a test a store of its own on the test servers
// of internal/testservers: a table or Redis key prefix no other test uses,
// removed when the test ends, named by a store URL that storeurl.Open
// opens.
//
//	v := storeurltest.URL(t, storeurl.Postgres) // a table of this test's own
//	st, closeStore, err := storeurl.Open(t.Context(), v)
//
// URL's file: and sqlite: stores live in t.TempDir(), removed with it.
package storeurltest

import (
	"context"
	"database/sql"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/go-sql-driver/mysql"
	"github.com/redis/go-redis/v9"

	"github.com/websession/session/internal/testservers"
	"github.com/websession/session/sessiontest"
	"github.com/websession/session/store/storeurl"
)

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
		v = testservers.WithParam(serverURL(t, kind), "prefix", "sessiontest:"+testservers.RandomName()+":")
	case storeurl.Postgres, storeurl.MySQL:
		v = testservers.WithParam(serverURL(t, kind), "table", "sessions_test_"+testservers.RandomName())
	default:
		t.Fatalf("storeurltest: no store URL for kind %q", kind)
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
		return "redis://" + testservers.RedisAddr() + "/0"
	case storeurl.Postgres:
		return testservers.PostgresDSN()
	case storeurl.MySQL:
		cfg, err := mysql.ParseDSN(testservers.MySQLDSN())
		if err != nil {
			t.Fatalf("%s is not a go-sql-driver DSN: %v", testservers.MySQLEnv, err)
		}
		user := url.User(cfg.User)
		if cfg.Passwd != "" {
			user = url.UserPassword(cfg.User, cfg.Passwd)
		}
		u := url.URL{Scheme: "mysql", User: user, Host: cfg.Addr, Path: "/" + cfg.DBName}
		return u.String()
	}
	t.Fatalf("storeurltest: no test server for kind %q", kind)
	return ""
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
		t.Fatalf("storeurltest: Cleanup needs a %s URL with a prefix= or table= of the test's own", spec.Kind)
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
