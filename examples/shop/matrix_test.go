package main

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"maps"
	"net"
	"net/http"
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
)

// Where the test servers are unless SESSION_TEST_REDIS (host:port),
// SESSION_TEST_POSTGRES (URL) and SESSION_TEST_MYSQL (a go-sql-driver DSN)
// say otherwise: the variables the store packages' tests read.
const (
	defaultRedisAddr   = "127.0.0.1:6379"
	defaultPostgresURL = "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"
	defaultMySQLURL    = "mysql://root@127.0.0.1:3306/test"
)

// TestStoreMatrix runs the shop on every -store choice: log in (with a new
// session ID), fill the cart, restart with a new Manager over the same
// store, still logged in with the same cart; log out, and the old cookie no
// longer works.
func TestStoreMatrix(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		store func(t *testing.T) string // the -store value; skips when the service is missing
	}{
		{"memory", func(*testing.T) string { return "memory" }},
		{"file", func(t *testing.T) string { return "file:" + filepath.Join(t.TempDir(), "sessions") }},
		{"sqlite", func(t *testing.T) string { return "sqlite:" + filepath.Join(t.TempDir(), "shop.db") }},
		{"redis", redisURL},
		{"postgres", postgresURL},
		{"mysql", mysqlURL},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			storeJourney(t, tt.store(t))
		})
	}
}

func storeJourney(t *testing.T, storeFlag string) {
	spec, err := parseStore(storeFlag)
	if err != nil {
		t.Fatal(err)
	}
	// A table and key prefix of this test's own, removed afterwards.
	suffix := randomSuffix()
	opt := storeOptions{Table: "shop_test_" + suffix, Prefix: "shoptest:" + suffix + ":", Logger: testLogger(t, &syncBuffer{})}
	t.Cleanup(func() { dropStoreData(t, spec, opt) })

	secret := make([]byte, 32)
	rand.Read(secret)
	var memory session.Store // kept across restarts: a memory store dies with its process
	s := startShop(t, func(addr string) http.Handler {
		ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
		defer cancel()
		st, closeStore, err := openStore(ctx, spec, opt)
		if err != nil {
			t.Fatalf("opening %s: %v", spec.Name, err)
		}
		t.Cleanup(func() { closeStore() })
		if spec.Kind == "memory" {
			if memory == nil {
				memory = st
			}
			st = memory
		}
		h, err := newApp(appConfig{Secret: secret, Store: st, StoreName: spec.Name, Secure: cookieSecure(addr, false), Logger: opt.Logger})
		if err != nil {
			t.Fatal(err)
		}
		return h
	})

	body := s.get("/")
	if !strings.Contains(body, "<dt>Kept in</dt><dd>"+spec.Name+"</dd>") {
		t.Errorf("the panel does not name the store %q", spec.Name)
	}
	planted := s.cookie() // an ID an attacker could have planted before log-in
	if planted == "" {
		t.Fatal("the first visit got no session cookie")
	}
	s.login("alice", "wonderland")
	idAtLogin := s.cookie()
	if idAtLogin == planted {
		t.Fatal("log-in kept the session ID from before log-in (session fixation); the shop must call Renew")
	}
	s.addToCart("tea")
	s.addToCart("kettle")
	s.addToCart("tea")
	want := map[string]int{"Green tea": 2, "Gooseneck kettle": 1}
	if got := cartOf(s.get("/shop")); !maps.Equal(got, want) {
		t.Fatalf("cart %v, want %v", got, want)
	}
	if s.cookie() != idAtLogin {
		t.Error("the cookie changed while the cart grew; a server-side session keeps its ID")
	}

	s.restart()
	body = s.get("/")
	if loggedIn(body) != "alice" {
		t.Fatalf("after a restart the page says logged in as %q, want alice", loggedIn(body))
	}
	if got := cartOf(body); !maps.Equal(got, want) {
		t.Fatalf("after a restart, cart %v, want %v", got, want)
	}

	s.setCookie(planted)
	if body := s.get("/"); loggedIn(body) != "" {
		t.Fatal("the ID from before log-in opens alice's session (session fixation)")
	}
	s.setCookie(idAtLogin)

	stolen := s.cookie()
	s.post("/logout", nil, "/")
	if body := s.get("/"); loggedIn(body) != "" {
		t.Fatalf("after log-out the page says logged in as %q", loggedIn(body))
	}
	s.setCookie(stolen)
	if body := s.get("/"); loggedIn(body) != "" || len(cartOf(body)) != 0 {
		t.Errorf("the cookie from before log-out still opens alice's session")
	}
}

func randomSuffix() string {
	b := make([]byte, 6)
	rand.Read(b)
	return hex.EncodeToString(b)
}

func env(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}

// reachable skips the test (fails it when CI=true) unless host:port
// accepts connections.
func reachable(t *testing.T, what, hostport string) {
	t.Helper()
	c, err := net.DialTimeout("tcp", hostport, 2*time.Second)
	if err != nil {
		sessiontest.Unavailable(t, "%s at %s: %v", what, hostport, err)
		return
	}
	c.Close()
}

func redisURL(t *testing.T) string {
	addr := env("SESSION_TEST_REDIS", defaultRedisAddr)
	reachable(t, "redis (set SESSION_TEST_REDIS)", addr)
	return "redis://" + addr + "/0"
}

func postgresURL(t *testing.T) string {
	v := env("SESSION_TEST_POSTGRES", defaultPostgresURL)
	u, err := url.Parse(v)
	if err != nil {
		t.Fatalf("SESSION_TEST_POSTGRES is not a URL")
	}
	host := u.Host
	if u.Port() == "" {
		host = net.JoinHostPort(u.Hostname(), "5432")
	}
	reachable(t, "postgres (set SESSION_TEST_POSTGRES)", host)
	return v
}

// mysqlURL turns SESSION_TEST_MYSQL, a go-sql-driver DSN as the sqlstore
// tests take it, into the shop's mysql:// form.
func mysqlURL(t *testing.T) string {
	v := defaultMySQLURL
	if dsn := os.Getenv("SESSION_TEST_MYSQL"); dsn != "" {
		cfg, err := mysql.ParseDSN(dsn)
		if err != nil {
			t.Fatalf("SESSION_TEST_MYSQL is not a DSN: %v", err)
		}
		u := url.URL{Scheme: "mysql", User: url.UserPassword(cfg.User, cfg.Passwd), Host: cfg.Addr, Path: "/" + cfg.DBName}
		v = u.String()
	}
	spec, err := parseStore(v)
	if err != nil {
		t.Fatal(err)
	}
	cfg, _ := mysql.ParseDSN(spec.Target)
	reachable(t, "mysql (set SESSION_TEST_MYSQL)", cfg.Addr)
	return v
}

// dropStoreData removes what the test stored in a shared server: its SQL
// table or its Redis keys.
func dropStoreData(t *testing.T, spec storeSpec, opt storeOptions) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	switch spec.Kind {
	case "redis":
		o, err := redis.ParseURL(spec.Target)
		if err != nil {
			t.Error(err)
			return
		}
		client := redis.NewClient(o)
		defer client.Close()
		iter := client.Scan(ctx, 0, opt.Prefix+"*", 100).Iterator()
		for iter.Next(ctx) {
			client.Del(ctx, iter.Val())
		}
		if err := iter.Err(); err != nil {
			t.Errorf("cleaning up redis keys: %v", err)
		}
	case "postgres", "mysql":
		driver := map[string]string{"postgres": "pgx", "mysql": "mysql"}[spec.Kind]
		db, err := sql.Open(driver, spec.Target)
		if err != nil {
			t.Error(err)
			return
		}
		defer db.Close()
		if _, err := db.ExecContext(ctx, "DROP TABLE IF EXISTS "+opt.Table); err != nil {
			t.Errorf("dropping the test table: %v", err)
		}
	}
}
