package storeurl

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/go-sql-driver/mysql"
	"github.com/redis/go-redis/v9"

	session "github.com/websession/session"
	"github.com/websession/session/sessiontest"
	"github.com/websession/session/store/sqlstore"
)

// The test servers, unless SESSION_TEST_REDIS (host:port),
// SESSION_TEST_POSTGRES (a URL) and SESSION_TEST_MYSQL (a go-sql-driver
// DSN) say otherwise, as for the store packages' tests.
const (
	defaultRedisAddr = "127.0.0.1:6379"
	defaultPostgres  = "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"
	defaultMySQL     = "mysql://root@127.0.0.1:3306/test"
)

// serverURL returns the URL of the test server of kind (Redis, Postgres or
// MySQL), without table= or prefix=.
func serverURL(t *testing.T, kind string) string {
	t.Helper()
	switch kind {
	case Redis:
		addr := defaultRedisAddr
		if v := os.Getenv("SESSION_TEST_REDIS"); v != "" {
			addr = v
		}
		return "redis://" + addr + "/0"
	case Postgres:
		if v := os.Getenv("SESSION_TEST_POSTGRES"); v != "" {
			return v
		}
		return defaultPostgres
	case MySQL:
		dsn := os.Getenv("SESSION_TEST_MYSQL")
		if dsn == "" {
			return defaultMySQL
		}
		cfg, err := mysql.ParseDSN(dsn)
		if err != nil {
			t.Fatalf("SESSION_TEST_MYSQL is not a DSN: %v", err)
		}
		u := url.URL{Scheme: "mysql", User: url.UserPassword(cfg.User, cfg.Passwd), Host: cfg.Addr, Path: "/" + cfg.DBName}
		return u.String()
	}
	t.Fatalf("no test server for %s", kind)
	return ""
}

// withParam adds name=value to a URL's query.
func withParam(rawURL, name, value string) string {
	sep := "?"
	if strings.Contains(rawURL, "?") {
		sep = "&"
	}
	return rawURL + sep + name + "=" + url.QueryEscape(value)
}

func randomName() string {
	b := make([]byte, 6)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// testURL returns a URL of kind for this test alone, its store created: a
// temporary directory or file, or a table or key prefix of its own on a
// shared server, removed when the test ends. It skips the test (fails it when CI=true) when the
// server cannot be reached.
func testURL(t *testing.T, kind string) string {
	t.Helper()
	switch kind {
	case Memory:
		return "memory"
	}
	var v string
	switch kind {
	case File:
		v = "file:" + filepath.Join(t.TempDir(), "sessions")
	case SQLite:
		v = "sqlite:" + filepath.Join(t.TempDir(), "sessions.db")
	case Redis:
		v = withParam(serverURL(t, kind), "prefix", "storeurltest:"+randomName()+":")
	default:
		v = withParam(serverURL(t, kind), "table", "storeurl_test_"+randomName())
	}
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	_, closeStore, err := Open(ctx, v, WithCreate())
	if err != nil && strings.Contains(err.Error(), "cannot reach") {
		sessiontest.Unavailable(t, "%v", err)
	}
	if err != nil {
		t.Fatal(err)
	}
	closeStore()
	if kind != File && kind != SQLite {
		t.Cleanup(func() { dropTestData(t, v) })
	}
	return v
}

// dropTestData removes the table or the keys a test URL made.
func dropTestData(t *testing.T, rawURL string) {
	spec, err := Parse(rawURL)
	if err != nil {
		t.Error(err)
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if spec.Kind == Redis {
		o, _ := redis.ParseURL(spec.Target)
		client := redis.NewClient(o)
		defer client.Close()
		iter := client.Scan(ctx, 0, spec.Prefix+"*", 100).Iterator()
		for iter.Next(ctx) {
			client.Del(ctx, iter.Val())
		}
		if err := iter.Err(); err != nil {
			t.Errorf("deleting the test's redis keys: %v", err)
		}
		return
	}
	if spec.Kind != Postgres && spec.Kind != MySQL {
		return // a temporary directory or file, removed with it
	}
	db, err := sql.Open(map[string]string{Postgres: "pgx", MySQL: "mysql"}[spec.Kind], spec.Target)
	if err != nil {
		t.Error(err)
		return
	}
	defer db.Close()
	if _, err := db.ExecContext(ctx, "DROP TABLE IF EXISTS "+spec.Table); err != nil {
		t.Errorf("dropping the test table: %v", err)
	}
}

var kinds = []string{Memory, File, SQLite, Redis, Postgres, MySQL}

// TestOpenEveryKind saves a record through a store opened from each kind of
// URL, then opens the URL again, as another process would, and finds it
// there: same directory, file, table or prefix. Only memory stores start
// empty each time.
func TestOpenEveryKind(t *testing.T) {
	for _, kind := range kinds {
		t.Run(kind, func(t *testing.T) {
			v := testURL(t, kind)
			ctx := t.Context()
			key := sessiontest.Key(t)
			rec := session.Record{Data: []byte(`{"c":1,"i":1,"v":{"a":1}}`), Expires: time.Now().Add(time.Hour)}

			st, closeStore, err := Open(ctx, v, WithCreate())
			if err != nil {
				t.Fatal(err)
			}
			if err := st.Save(ctx, key, rec); err != nil {
				t.Fatalf("Save: %v", err)
			}
			if _, ok := st.(session.Iterator); !ok {
				t.Errorf("the %s store cannot be listed (no session.Iterator)", kind)
			}
			if err := closeStore(); err != nil {
				t.Errorf("closing: %v", err)
			}

			again, closeAgain, err := Open(ctx, v) // no WithCreate: all exists now
			if err != nil {
				t.Fatalf("opening again: %v", err)
			}
			defer closeAgain()
			got, err := again.Load(ctx, key)
			if kind == Memory {
				if !errors.Is(err, session.ErrNotFound) {
					t.Fatalf("a second memory store has the first one's record: %v", err)
				}
				return
			}
			if err != nil || string(got.Data) != string(rec.Data) {
				t.Fatalf("opened again: Load = %q, %v; want the saved record", got.Data, err)
			}
		})
	}
}

// TestOpenCreatesNothingByDefault: without WithCreate a missing directory,
// database file or table is an error that says so, and is still missing
// afterwards, so a mistyped URL does not start an empty store.
func TestOpenCreatesNothingByDefault(t *testing.T) {
	ctx := t.Context()
	dir := filepath.Join(t.TempDir(), "nope")
	if _, _, err := Open(ctx, "file:"+dir); err == nil || !strings.Contains(err.Error(), "does not exist") {
		t.Errorf("file: on a missing directory: %v, want an error saying it does not exist", err)
	}
	if _, err := os.Stat(dir); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the directory was created: %v", err)
	}
	db := filepath.Join(t.TempDir(), "nope.db")
	if _, _, err := Open(ctx, "sqlite:"+db); err == nil || !strings.Contains(err.Error(), "does not exist") {
		t.Errorf("sqlite: on a missing file: %v, want an error saying it does not exist", err)
	}
	if _, err := os.Stat(db); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the database file was created: %v", err)
	}

	for _, kind := range []string{SQLite, Postgres, MySQL} {
		t.Run(kind+" table", func(t *testing.T) {
			v := testURL(t, kind) // the database exists, with a table
			missing := "storeurl_missing_" + randomName()
			u := withParam(v, "table", missing)
			if i := strings.LastIndex(v, "table="); i >= 0 { // testURL's own table comes last
				u = v[:i] + "table=" + missing
			}
			_, _, err := Open(ctx, u)
			if err == nil || !strings.Contains(err.Error(), "cannot read table "+missing) || !strings.Contains(err.Error(), "?table=NAME") {
				t.Fatalf("Open on a missing table: %v, want an error naming the table and ?table=", err)
			}
			st, closeStore, err := Open(ctx, u, WithCreate())
			if err != nil {
				t.Fatal(err)
			}
			defer closeStore()
			defer dropTestData(t, u)
			if got := st.(*sqlstore.Store).Table(); got != missing {
				t.Fatalf("WithCreate made table %q, want %q", got, missing)
			}
		})
	}
}

// TestOpenTableAndPrefix: the URL's table= and prefix= win over WithTable
// and WithPrefix, which win over the store packages' defaults.
func TestOpenTableAndPrefix(t *testing.T) {
	ctx := t.Context()
	dir := t.TempDir()
	for _, tt := range []struct {
		url  string
		opts []Option
		want string
	}{
		{"sqlite:" + filepath.Join(dir, "a.db"), nil, sqlstore.DefaultTable},
		{"sqlite:" + filepath.Join(dir, "b.db"), []Option{WithTable("app_sessions")}, "app_sessions"},
		{"sqlite:" + filepath.Join(dir, "c.db?table=url_sessions"), []Option{WithTable("app_sessions")}, "url_sessions"},
	} {
		st, closeStore, err := Open(ctx, tt.url, append(tt.opts, WithCreate())...)
		if err != nil {
			t.Fatal(err)
		}
		if got := st.(*sqlstore.Store).Table(); got != tt.want {
			t.Errorf("Open(%q): table %q, want %q", tt.url, got, tt.want)
		}
		closeStore()
	}

	t.Run("redis", func(t *testing.T) {
		v := testURL(t, Redis)
		spec, _ := Parse(v)
		st, closeStore, err := Open(ctx, v, WithPrefix("ignored:"))
		if err != nil {
			t.Fatal(err)
		}
		defer closeStore()
		key := sessiontest.Key(t)
		if err := st.Save(ctx, key, session.Record{Data: []byte("{}"), Expires: time.Now().Add(time.Minute)}); err != nil {
			t.Fatal(err)
		}
		o, _ := redis.ParseURL(spec.Target)
		client := redis.NewClient(o)
		defer client.Close()
		if n, err := client.Exists(ctx, spec.Prefix+key).Result(); err != nil || n != 1 {
			t.Fatalf("no key %s<key> in Redis (%d, %v): the URL's prefix= was not used", spec.Prefix, n, err)
		}
	})
}

// TestOpenUnreachable: a server that does not answer is an error at Open
// naming the server, without the password.
func TestOpenUnreachable(t *testing.T) {
	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Second)
	defer cancel()
	for _, v := range []string{
		"redis://:s3cret@127.0.0.1:1/0",
		"postgres://u:s3cret@127.0.0.1:1/x?sslmode=disable&connect_timeout=5",
		"mysql://u:s3cret@127.0.0.1:1/x?timeout=5s",
	} {
		_, closeStore, err := Open(ctx, v)
		if err == nil || !strings.Contains(err.Error(), "cannot reach") || !strings.Contains(err.Error(), "127.0.0.1:1") {
			t.Errorf("Open(%q): %v, want an error saying it cannot reach 127.0.0.1:1", v, err)
		}
		if err != nil && strings.Contains(err.Error(), "s3cret") {
			t.Errorf("Open(%q): the error shows the password: %v", v, err)
		}
		if closeStore == nil || closeStore() != nil {
			t.Errorf("Open(%q): closeStore is nil or fails after an error", v)
		}
	}
}
