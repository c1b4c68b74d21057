package main

// End-to-end tests in a real headless Chromium: what a visitor does and
// sees, through the shop's real server. They skip when no browser is
// installed (and fail when CI=true); see browser_test.go.

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"
)

// TestBrowserJourney logs in, fills the cart, reloads, restarts the server
// and finds the visitor still logged in with the same cart, then logs out:
// with cookie sessions and with sessions in an SQLite file.
func TestBrowserJourney(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name  string
		store func(t *testing.T) string
	}{
		{"cookie", func(*testing.T) string { return "cookie" }},
		{"sqlite", func(t *testing.T) string { return "sqlite:" + filepath.Join(t.TempDir(), "shop.db") }},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			journey(t, tt.store(t))
		})
	}
}

func journey(t *testing.T, storeFlag string) {
	v := newVisitor(t, "A")
	s := startLiveShop(t, storeFlag)

	v.logIn(s, "alice", "wonderland")
	if st := v.state(); st.User != "alice" || st.Path != "/" {
		t.Fatalf("after logging in: on %s as %q, want / as alice", st.Path, st.User)
	}

	v.open(s, "/shop")
	v.addToCart("tea")
	v.addToCart("mug")
	v.addToCart("tea")
	want := []cartItem{{"Green tea", 2}, {"Enamel mug", 1}}
	if st := v.state(); !slices.Equal(st.Cart, want) || st.Path != "/shop" {
		t.Fatalf("after adding to the cart: on %s, cart %v; want /shop, %v", st.Path, st.Cart, want)
	}
	if os.Getenv("SHOP_SCREENSHOT") == "1" && storeFlag == "cookie" {
		v.screenshot("screenshot.png") // the README's picture: logged in, a cart, the panel
	}

	v.reload()
	if st := v.state(); st.User != "alice" || !slices.Equal(st.Cart, want) {
		t.Fatalf("after a reload: as %q with cart %v; want alice with %v", st.User, st.Cart, want)
	}

	s.restart()
	v.reload()
	if st := v.state(); st.User != "alice" || !slices.Equal(st.Cart, want) {
		t.Fatalf("after a server restart: as %q with cart %v; want alice with %v", st.User, st.Cart, want)
	}

	v.click(`form[action="/logout"] button`)
	st := v.state()
	if st.User != "" || len(st.Cart) != 0 {
		t.Fatalf("after logging out: as %q with cart %v; want anonymous with an empty cart", st.User, st.Cart)
	}
	if !slices.Equal(st.Flashes, []string{"You have been logged out."}) {
		t.Errorf("after logging out, flashes %q", st.Flashes)
	}
	v.reload()
	if st := v.state(); st.User != "" {
		t.Fatalf("logged out, then after a reload: logged in as %q", st.User)
	}
}

// TestBrowserFlashShowsOnce: a flash message shows on the page after the
// action, and is gone after a reload.
func TestBrowserFlashShowsOnce(t *testing.T) {
	t.Parallel()
	v := newVisitor(t, "A")
	s := startLiveShop(t, "cookie")

	v.open(s, "/shop")
	if st := v.state(); len(st.Flashes) != 0 {
		t.Fatalf("before any action, flashes %q", st.Flashes)
	}
	v.addToCart("kettle")
	if st := v.state(); !slices.Equal(st.Flashes, []string{"Added Gooseneck kettle to your cart."}) {
		t.Fatalf("after adding to the cart, flashes %q; want the one confirmation", st.Flashes)
	}
	v.reload()
	st := v.state()
	if len(st.Flashes) != 0 {
		t.Fatalf("after a reload, flashes %q; a flash must show once", st.Flashes)
	}
	if !slices.Equal(st.Cart, []cartItem{{"Gooseneck kettle", 1}}) {
		t.Errorf("after a reload, cart %v; want the kettle", st.Cart)
	}
}

// TestBrowserLogOutEverywhere: three browsers log in as alice on a shop
// with server-side sessions. On "Your devices" the second one sees all
// three, ends the third by its row, then logs out all other devices; each
// ended browser is logged out at its next reload, and the second stays in.
func TestBrowserLogOutEverywhere(t *testing.T) {
	t.Parallel()
	s := startLiveShop(t, "sqlite:"+filepath.Join(t.TempDir(), "shop.db"))
	a, b, c := newVisitor(t, "A"), newVisitor(t, "B"), newVisitor(t, "C")
	a.logIn(s, "alice", "wonderland")
	a.open(s, "/shop")
	a.addToCart("beans")
	c.logIn(s, "alice", "wonderland")
	b.logIn(s, "alice", "wonderland")

	b.open(s, "/devices")
	rows := b.devices()
	if len(rows) != 3 || rows[0].Agent != "Headless Chrome on Linux" {
		t.Fatalf("B's devices page lists %+v; want 3 sessions of Headless Chrome on Linux", rows)
	}
	if n := b.count("#devices tr.current"); n != 1 {
		t.Fatalf("B's devices page marks %d rows as this browser, want 1", n)
	}

	// C's "How this works" panel names its session by its store key, the
	// handle B's page uses for C's row.
	c.open(s, "/")
	handle := c.attr(".panel code[title]", "title")
	if len(handle) != 64 {
		t.Fatalf("C's panel shows store key %q, want 64 hex digits", handle)
	}
	b.click(fmt.Sprintf(`#devices form[action="/devices/end"]:has(input[name="handle"][value=%q]) button`, handle))
	if st := b.state(); st.User != "alice" || !slices.Equal(st.Flashes, []string{"Done: that device is logged out."}) || len(b.devices()) != 2 {
		t.Fatalf("after ending C's session, B is %q with flashes %q and %d devices; want alice, the confirmation, 2 devices", st.User, st.Flashes, len(b.devices()))
	}
	c.reload()
	if st := c.state(); st.User != "" {
		t.Fatalf("B ended C's session, but C reloads as %q", st.User)
	}
	a.reload()
	if st := a.state(); st.User != "alice" {
		t.Fatalf("B ended C's session, and A lost its own: A is %q", st.User)
	}

	b.click(`form[action="/devices/end-others"] button`)
	if st := b.state(); st.User != "alice" || !slices.Equal(st.Flashes, []string{"Logged out 1 other device."}) {
		t.Fatalf("after logging out all other devices, B is %q with flashes %q; want alice and the count", st.User, st.Flashes)
	}
	if rows := b.devices(); len(rows) != 1 || !rows[0].Current {
		t.Fatalf("after logging out all other devices, B's page lists %+v; want B alone", rows)
	}
	a.reload()
	if st := a.state(); st.User != "" || len(st.Cart) != 0 {
		t.Fatalf("after B logged out all other devices, A reloads as %q with cart %v; want logged out", st.User, st.Cart)
	}
	b.reload()
	if st := b.state(); st.User != "alice" {
		t.Fatalf("B logged out the others and itself: B reloads as %q", st.User)
	}
}

// TestBrowserLogOutEverywhereWithCookies: two browsers log in as alice on
// a shop with cookie sessions. On "Your devices" the second finds no list
// but a "Log out all other devices" button. The server restarts; then the
// first browser, at its next reload, is logged out, and the second stays in.
func TestBrowserLogOutEverywhereWithCookies(t *testing.T) {
	t.Parallel()
	s := startLiveShop(t, "cookie")
	a, b := newVisitor(t, "A"), newVisitor(t, "B")
	a.logIn(s, "alice", "wonderland")
	a.open(s, "/shop")
	a.addToCart("beans")
	b.logIn(s, "alice", "wonderland")
	// Revocation times are whole seconds: A must have signed in during an
	// earlier second than B's click.
	time.Sleep(time.Until(time.Now().Truncate(time.Second).Add(time.Second)))

	b.open(s, "/devices")
	if n := b.count("#devices"); n != 0 {
		t.Fatal("with cookie sessions, B's devices page shows a devices table")
	}
	b.click(`form[action="/devices/end-others"] button`)
	want := []string{"Logged out all other devices: any other browser logged in as you must log in again. " +
		"(Cookie sessions cannot be counted, so the shop cannot say how many there were.)"}
	if st := b.state(); st.User != "alice" || !slices.Equal(st.Flashes, want) {
		t.Fatalf("after logging out all other devices, B is %q with flashes %q; want alice and %q", st.User, st.Flashes, want)
	}

	// A's first request after the click comes after a restart: the
	// revocation is kept on disk, not in the process.
	s.restart()
	a.reload()
	if st := a.state(); st.User != "" || len(st.Cart) != 0 {
		t.Fatalf("after B logged out all other devices and a restart, A reloads as %q with cart %v; want logged out", st.User, st.Cart)
	}
	b.reload()
	if st := b.state(); st.User != "alice" {
		t.Fatalf("B logged out the others and itself: after a restart B reloads as %q", st.User)
	}
}
