package main

import (
	"context"
	"crypto/rand"
	"maps"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	session "github.com/websession/session"
	"github.com/websession/session/store/storeurl"
	"github.com/websession/session/store/storeurl/storeurltest"
)

// TestStoreMatrix runs the shop on every -store choice. The journey: log in
// (with a new session ID), fill the cart, restart with a new Manager over
// the same store, still logged in with the same cart; log out, and the old
// cookie no longer works. The devices page: lists the user's sessions and
// ends one or all others, never another user's.
func TestStoreMatrix(t *testing.T) {
	t.Parallel()
	for _, kind := range []string{storeurl.Memory, storeurl.File, storeurl.SQLite, storeurl.Redis, storeurl.Postgres, storeurl.MySQL} {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			// Each journey gets a store of its own: a table or key
			// prefix on a server, removed afterwards. A missing server
			// skips the test, or fails it when CI=true.
			t.Run("journey", func(t *testing.T) { storeJourney(t, storeurltest.URL(t, kind)) })
			t.Run("devices", func(t *testing.T) { devicesJourney(t, storeurltest.URL(t, kind)) })
		})
	}
}

// storeShop starts the shop on the store storeFlag names. A restart opens
// the store again; a memory store is kept, as it dies with its process.
func storeShop(t *testing.T, storeFlag string) (*shop, storeSpec) {
	t.Helper()
	spec, err := parseStore(storeFlag)
	if err != nil {
		t.Fatal(err)
	}
	opt := storeOptions{Logger: testLogger(t, &syncBuffer{})}

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
		h, err := newApp(appConfig{Secret: secret, Store: st, StoreName: spec.Name, Insecure: cookieInsecure(addr, false), Logger: opt.Logger})
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
