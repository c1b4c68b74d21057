package main

import (
	"slices"
	"sync/atomic"
	"testing"
	"time"
)

func TestRelative(t *testing.T) {
	const day = 24 * time.Hour
	for _, tt := range []struct {
		d    time.Duration
		want string
	}{
		{0, "just now"},
		{-59 * time.Second, "just now"},
		{-61 * time.Second, "1 minute ago"},
		{-59*time.Minute - 40*time.Second, "1 hour ago"},
		{-5 * time.Hour, "5 hours ago"},
		{-3 * day, "3 days ago"},
		{31*day - 2*time.Second, "in 31 days"}, // a fresh permanent session's expiry
		{90 * time.Minute, "in 2 hours"},
	} {
		if got := relative(tt.d); got != tt.want {
			t.Errorf("relative(%v) = %q, want %q", tt.d, got, tt.want)
		}
	}
}

// testClock is a clock the tests move forward: time.Now plus an offset.
// It is safe for the server's goroutines.
type testClock struct{ offset atomic.Int64 }

func (c *testClock) now() time.Time { return time.Now().Add(time.Duration(c.offset.Load())) }

func (c *testClock) advance(d time.Duration) { c.offset.Add(int64(d)) }

// TestCookieLogOutOtherDevices: with cookie sessions, alice's phone logs
// out all her other devices. Her laptop, signed in a second earlier, is
// logged out at its next request; the phone stays in, and so does bob. The
// laptop can log in again. A restart (same secret file, same revocations
// directory) does not bring the laptop's old cookie back.
func TestCookieLogOutOtherDevices(t *testing.T) {
	t.Parallel()
	var clock testClock
	laptop, _ := cookieShopWith(t, &syncBuffer{}, cookieShopOptions{now: clock.now})
	phone := laptop.another()
	bob := laptop.another()
	laptop.login("alice", "wonderland")
	laptop.addToCart("tea")
	phone.login("alice", "wonderland")
	bob.login("bob", "builder")
	for _, b := range []*shop{laptop, phone, bob} {
		b.get("/") // shows the welcome message, once
	}
	stale := laptop.cookie()

	// Revocation times are whole seconds: a browser that signed in during
	// the same second as the click would survive it.
	clock.advance(time.Second)
	phone.post("/devices/end-others", nil, "/devices")
	body := phone.get("/devices")
	want := "message: Logged out all other devices: any other browser logged in as you must log in again. " +
		"(Cookie sessions cannot be counted, so the shop cannot say how many there were.)"
	if f := flashes(body); !slices.Equal(f, []string{want}) {
		t.Errorf("after logging out all other devices: flashes %q, want %q", f, want)
	}
	if user := loggedIn(body); user != "alice" {
		t.Fatalf("the phone that logged out the others is logged in as %q, want alice", user)
	}

	body = laptop.get("/")
	if user := loggedIn(body); user != "" || len(cartOf(body)) != 0 {
		t.Fatalf("after the phone logged out all other devices, the laptop is logged in as %q with cart %v; want logged out", user, cartOf(body))
	}
	if loggedIn(phone.get("/")) != "alice" || loggedIn(bob.get("/")) != "bob" {
		t.Fatal("log out all other devices ended the session that asked for it, or another user's")
	}
	laptop.login("alice", "wonderland")
	if loggedIn(laptop.get("/")) != "alice" {
		t.Fatal("the laptop cannot log in again after being logged out")
	}

	// After a restart: the laptop's old cookie still opens nothing, while
	// the phone's and bob's still work. (The jar is the laptop's; the other
	// cookies are put in it by hand, the restart having moved the port.)
	phoneCookie, bobCookie := phone.cookie(), bob.cookie()
	laptop.restart()
	for _, c := range []struct{ cookie, want, who string }{
		{stale, "", "the laptop's cookie from before the revocation"},
		{phoneCookie, "alice", "the phone's cookie"},
		{bobCookie, "bob", "bob's cookie"},
	} {
		laptop.setCookie(c.cookie)
		if user := loggedIn(laptop.get("/")); user != c.want {
			t.Errorf("after a restart, %s opens a session of %q, want %q", c.who, user, c.want)
		}
	}
}
