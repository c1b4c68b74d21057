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
	"regexp"
	"slices"
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

// TestStoreMatrix runs the shop on every -store choice. The journey: log in
// (with a new session ID), fill the cart, restart with a new Manager over
// the same store, still logged in with the same cart; log out, and the old
// cookie no longer works. The devices page: lists the user's sessions and
// ends one or all others, never another user's.
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
			t.Run("journey", func(t *testing.T) { storeJourney(t, tt.store(t)) })
			t.Run("devices", func(t *testing.T) { devicesJourney(t, tt.store(t)) })
		})
	}
}

// storeShop starts the shop on the store storeFlag names, in a table or
// under a key prefix of the test's own, removed afterwards. A restart
// opens the store again; a memory store is kept, as it dies with its
// process.
func storeShop(t *testing.T, storeFlag string) (*shop, storeSpec) {
	t.Helper()
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
	return s, spec
}

func storeJourney(t *testing.T, storeFlag string) {
	s, spec := storeShop(t, storeFlag)
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

// handleRe finds the handles of the sessions "Your devices" offers to end.
var handleRe = regexp.MustCompile(`name="handle" value="([0-9a-f]{64})"`)

// devicesOf reads the "Your devices" table: how many rows, how many are
// marked as this browser, and the handles of the others.
func devicesOf(t *testing.T, body string) (rows, current int, others []string) {
	t.Helper()
	i := strings.Index(body, `<table id="devices">`)
	if i < 0 {
		main := body[strings.Index(body, "<main>")+1 : strings.Index(body, "</main>")]
		t.Fatalf("no devices table on the page; it says:\n%s", main)
	}
	table := body[i : i+strings.Index(body[i:], "</table>")]
	for _, m := range handleRe.FindAllStringSubmatch(table, -1) {
		others = append(others, m[1])
	}
	return strings.Count(table, "<tr") - 1, strings.Count(table, `<tr class="current">`), others
}

func devicesJourney(t *testing.T, storeFlag string) {
	a, _ := storeShop(t, storeFlag) // alice's laptop
	b := a.another()                // alice's phone
	c := a.another()                // bob
	for _, v := range []struct {
		browser        *shop
		name, password string
	}{{a, "alice", "wonderland"}, {b, "alice", "wonderland"}, {c, "bob", "builder"}} {
		v.browser.login(v.name, v.password)
		v.browser.get("/") // shows the welcome message, once
	}

	rows, current, others := devicesOf(t, b.get("/devices"))
	if rows != 2 || current != 1 || len(others) != 1 {
		t.Fatalf("alice's devices page lists %d sessions, %d current, %d to end; want 2, 1, 1 (bob's not among them)", rows, current, len(others))
	}
	laptop := others[0]

	// Bob cannot end alice's session, even knowing its handle.
	c.post("/devices/end", url.Values{"handle": {laptop}}, "/devices")
	if f := flashes(c.get("/devices")); !slices.Contains(f, "error: That session had already ended.") {
		t.Errorf("bob ending alice's session: flashes %q", f)
	}
	if loggedIn(a.get("/")) != "alice" {
		t.Fatal("bob ended alice's session with its handle")
	}

	// The phone's own session is ended by logging out, not from this list.
	own := regexp.MustCompile(`<dt>Store key</dt><dd><code title="([0-9a-f]{64})">`).FindStringSubmatch(b.get("/"))
	if own == nil {
		t.Fatal("the panel does not show the session's store key")
	}
	b.post("/devices/end", url.Values{"handle": {own[1]}}, "/devices")
	if f := flashes(b.get("/devices")); !slices.Equal(f, []string{"error: That is this browser: use Log out to end it."}) || loggedIn(b.get("/")) != "alice" {
		t.Errorf("ending the phone's own session from its devices page: flashes %q, or it logged out", f)
	}

	// Alice ends her laptop's session from her phone.
	b.post("/devices/end", url.Values{"handle": {laptop}}, "/devices")
	body := b.get("/devices")
	if f := flashes(body); !slices.Equal(f, []string{"message: Done: that device is logged out."}) {
		t.Errorf("ending a session: flashes %q", f)
	}
	if rows, _, _ := devicesOf(t, body); rows != 1 {
		t.Errorf("after ending the laptop's session the page lists %d sessions, want 1", rows)
	}
	if user := loggedIn(a.get("/")); user != "" {
		t.Fatalf("the ended session still opens as %q", user)
	}

	// The laptop logs in again; the phone logs out all other devices.
	a.login("alice", "wonderland")
	b.post("/devices/end-others", nil, "/devices")
	body = b.get("/devices")
	if f := flashes(body); !slices.Equal(f, []string{"message: Logged out 1 other device."}) {
		t.Errorf("logging out other devices: flashes %q", f)
	}
	if rows, current, _ := devicesOf(t, body); rows != 1 || current != 1 {
		t.Errorf("after logging out other devices the page lists %d sessions (%d current), want this one alone", rows, current)
	}
	if user := loggedIn(a.get("/")); user != "" {
		t.Errorf("after log out everywhere, the laptop is still logged in as %q", user)
	}
	if loggedIn(b.get("/")) != "alice" || loggedIn(c.get("/")) != "bob" {
		t.Error("log out everywhere ended the session that asked for it, or another user's")
	}
}
