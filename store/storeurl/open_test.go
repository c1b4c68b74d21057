package storeurl_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	session "github.com/websession/session"
	"github.com/websession/session/internal/testservers"
	"github.com/websession/session/sessiontest"
	"github.com/websession/session/store/sqlstore"
	"github.com/websession/session/store/storeurl"
	"github.com/websession/session/store/storeurl/storeurltest"
)

var kinds = []string{storeurl.Memory, storeurl.File, storeurl.SQLite, storeurl.Redis, storeurl.Postgres, storeurl.MySQL}

// TestOpenEveryKind saves a record through a store opened from each kind of
// URL, then opens the URL again, as another process would, and finds it
// there: same directory, file, table or prefix. Only memory stores start
// empty each time.
func TestOpenEveryKind(t *testing.T) {
	for _, kind := range kinds {
		t.Run(kind, func(t *testing.T) {
			v := storeurltest.URL(t, kind)
			ctx := t.Context()
			key := sessiontest.Key(t)
			rec := session.Record{Data: []byte(`{"c":1,"i":1,"v":{"a":1}}`), Expires: time.Now().Add(time.Hour)}

			st, closeStore, err := storeurl.Open(ctx, v, storeurl.WithCreate())
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

			again, closeAgain, err := storeurl.Open(ctx, v) // no WithCreate: all exists now
			if err != nil {
				t.Fatalf("opening again: %v", err)
			}
			defer closeAgain()
			got, err := again.Load(ctx, key)
			if kind == storeurl.Memory {
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
	if _, _, err := storeurl.Open(ctx, "file:"+dir); err == nil || !strings.Contains(err.Error(), "does not exist") {
		t.Errorf("file: on a missing directory: %v, want an error saying it does not exist", err)
	}
	if _, err := os.Stat(dir); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the directory was created: %v", err)
	}
	db := filepath.Join(t.TempDir(), "nope.db")
	if _, _, err := storeurl.Open(ctx, "sqlite:"+db); err == nil || !strings.Contains(err.Error(), "does not exist") {
		t.Errorf("sqlite: on a missing file: %v, want an error saying it does not exist", err)
	}
	if _, err := os.Stat(db); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the database file was created: %v", err)
	}

	for _, kind := range []string{storeurl.SQLite, storeurl.Postgres, storeurl.MySQL} {
		t.Run(kind+" table", func(t *testing.T) {
			v := storeurltest.URL(t, kind) // the database exists, with a table
			missing := "storeurl_missing_" + testservers.RandomName()
			u := testservers.WithParam(v, "table", missing)
			if i := strings.LastIndex(v, "table="); i >= 0 { // testservers.URL's own table comes last
				u = v[:i] + "table=" + missing
			}
			_, _, err := storeurl.Open(ctx, u)
			if err == nil || !strings.Contains(err.Error(), "cannot read table "+missing) || !strings.Contains(err.Error(), "?table=NAME") {
				t.Fatalf("Open on a missing table: %v, want an error naming the table and ?table=", err)
			}
			st, closeStore, err := storeurl.Open(ctx, u, storeurl.WithCreate())
			if err != nil {
				t.Fatal(err)
			}
			defer closeStore()
			storeurltest.Cleanup(t, u)
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
		opts []storeurl.Option
		want string
	}{
		{"sqlite:" + filepath.Join(dir, "a.db"), nil, sqlstore.DefaultTable},
		{"sqlite:" + filepath.Join(dir, "b.db"), []storeurl.Option{storeurl.WithTable("app_sessions")}, "app_sessions"},
		{"sqlite:" + filepath.Join(dir, "c.db?table=url_sessions"), []storeurl.Option{storeurl.WithTable("app_sessions")}, "url_sessions"},
	} {
		st, closeStore, err := storeurl.Open(ctx, tt.url, append(tt.opts, storeurl.WithCreate())...)
		if err != nil {
			t.Fatal(err)
		}
		if got := st.(*sqlstore.Store).Table(); got != tt.want {
			t.Errorf("Open(%q): table %q, want %q", tt.url, got, tt.want)
		}
		closeStore()
	}

	t.Run("redis", func(t *testing.T) {
		v := storeurltest.URL(t, storeurl.Redis)
		spec, _ := storeurl.Parse(v)
		st, closeStore, err := storeurl.Open(ctx, v, storeurl.WithPrefix("ignored:"))
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
		_, closeStore, err := storeurl.Open(ctx, v)
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
