package readme

import (
	"context"
	"net"
	"net/http/cookiejar"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/websession/session"
)

// service returns a local service's address, or skips the test when it is
// not running (fails it under CI=true).
func service(t *testing.T, env, def string) string {
	t.Helper()
	addr := def
	if v := os.Getenv(env); v != "" {
		addr = v
	}
	conn, err := net.DialTimeout("tcp", addr, 2*time.Second)
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s is not reachable (%v); CI needs it", addr, err)
		}
		t.Skipf("%s is not reachable: %v", addr, err)
	}
	conn.Close()
	return addr
}

// roundTrip signs a visitor in through m and checks that the next request
// reads the session back from the store.
func roundTrip(t *testing.T, m *session.Manager) {
	t.Helper()
	srv := httptest.NewTLSServer(serveMuxApp(m))
	defer srv.Close()
	c := srv.Client()
	c.Jar, _ = cookiejar.New(nil)
	fetch(t, c, "POST", srv.URL+"/login")
	if got := fetch(t, c, "GET", srv.URL+"/me"); got != "user \"42\"\n" {
		t.Errorf("next request: %q, want user \"42\"", got)
	}
}

// TestStoreSnippets runs each store's README code against the real store.
func TestStoreSnippets(t *testing.T) {
	ctx := context.Background()
	t.Run("memstore", func(t *testing.T) {
		m, err := newMemstoreManager(testSecret)
		if err != nil {
			t.Fatal(err)
		}
		roundTrip(t, m)
	})
	t.Run("filestore", func(t *testing.T) {
		m, err := newFilestoreManager(testSecret, filepath.Join(t.TempDir(), "sessions"))
		if err != nil {
			t.Fatal(err)
		}
		roundTrip(t, m)
	})
	t.Run("sqlite", func(t *testing.T) {
		m, db, err := newSQLiteManager(ctx, testSecret, filepath.Join(t.TempDir(), "sessions.db"))
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		roundTrip(t, m)
	})
	t.Run("postgres", func(t *testing.T) {
		service(t, "READMETEST_POSTGRES_ADDR", "127.0.0.1:5432")
		m, db, err := newPostgresManager(ctx, testSecret, "postgres://postgres@127.0.0.1:5432/test?sslmode=disable")
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		roundTrip(t, m)
	})
	t.Run("mysql", func(t *testing.T) {
		service(t, "READMETEST_MYSQL_ADDR", "127.0.0.1:3306")
		m, db, err := newMySQLManager(ctx, testSecret, "root@tcp(127.0.0.1:3306)/test?parseTime=true")
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		roundTrip(t, m)
	})
	t.Run("redis", func(t *testing.T) {
		addr := service(t, "READMETEST_REDIS_ADDR", "127.0.0.1:6379")
		m, client, err := newRedisManager(ctx, testSecret, addr)
		if err != nil {
			t.Fatal(err)
		}
		defer client.Close()
		roundTrip(t, m)
	})
	t.Run("storeurl", func(t *testing.T) {
		url := "sqlite:" + filepath.Join(t.TempDir(), "sessions.db")
		m, closeStore, err := newStoreURLManager(ctx, testSecret, url)
		if err != nil {
			t.Fatal(err)
		}
		defer closeStore()
		roundTrip(t, m)
	})
	t.Run("storeurl with a wrong URL", func(t *testing.T) {
		_, _, err := newStoreURLManager(ctx, testSecret, "postgress://x")
		if err == nil {
			t.Fatal("a misspelt scheme opened a store")
		}
	})
}
