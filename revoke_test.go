package session_test

import (
	"net/http"
	"strconv"
	"testing"
	"time"

	session "github.com/websession/session"
	"github.com/websession/session/internal/revocation"
	"github.com/websession/session/internal/testkit"
	"github.com/websession/session/store/memstore"
)

// ends runs fn on the session of c and returns the response's cookie.
func ends(t *testing.T, a *testkit.App, c *http.Cookie, fn func(s *session.Session) error) *http.Response {
	t.Helper()
	return a.Serve(func(w http.ResponseWriter, req *http.Request) {
		if err := fn(session.From(req)); err != nil {
			t.Fatal(err)
		}
	}, c)
}

// TestLogOutEndsCopiesOfTheCookie checks, in every cookie format, that a
// copy of a signed-in cookie taken before the user logged out no longer
// opens the session: neither after Destroy nor after Clear, and neither
// right away nor after any number of re-issues of the copy.
func TestLogOutEndsCopiesOfTheCookie(t *testing.T) {
	for _, format := range cookieFormats() {
		for _, logout := range []struct {
			name string
			fn   func(s *session.Session) error
		}{
			{"Destroy", (*session.Session).Destroy},
			{"Clear", (*session.Session).Clear},
		} {
			t.Run(format.name+"/"+logout.name, func(t *testing.T) {
				a := testkit.NewApp(t, func(c *session.Config) { c.Revocations = memstore.New(); c.Format = format.format })
				alice := signIn(a, "alice")
				stolen := *alice
				ends(t, a, alice, logout.fn)
				if got := userOf(a, &stolen); got != "" {
					t.Fatalf("after %s, a copy of the cookie taken before still opens the session of %q", logout.name, got)
				}
				a.Clock.Advance(time.Hour)
				if got := userOf(a, &stolen); got != "" {
					t.Fatalf("an hour after %s, the copy opens the session of %q", logout.name, got)
				}
				if again := signIn(a, "alice"); userOf(a, again) != "alice" {
					t.Fatal("alice cannot sign in again after logging out")
				}
			})
		}
	}
}

// TestRenewRetiresTheOldCookieAfterGrace checks that after Renew (and
// SetUser) the cookie from before keeps working for RenewGrace, read-only
// and without a cookie of its own, so a page's parallel requests are not
// logged out and cannot overwrite the new cookie; then it stops working.
func TestRenewRetiresTheOldCookieAfterGrace(t *testing.T) {
	for _, renew := range []struct {
		name string
		fn   func(s *session.Session) error
		user string // the user of the renewed session
	}{
		{"Renew", (*session.Session).Renew, "alice"},
		{"SetUser", func(s *session.Session) error { return s.SetUser("bob") }, "bob"},
		{"SetUserEmpty", func(s *session.Session) error { return s.SetUser("") }, ""},
	} {
		t.Run(renew.name, func(t *testing.T) {
			a := testkit.NewApp(t, func(c *session.Config) { c.Revocations = memstore.New(); c.RenewGrace = 10 * time.Second })
			old := signIn(a, "alice")
			current := testkit.OneCookie(t, ends(t, a, old, renew.fn), "session")
			if current == nil {
				t.Fatalf("%s sent no new cookie", renew.name)
			}
			if got := userOf(a, current); got != renew.user {
				t.Fatalf("the renewed cookie gives user %q, want %q", got, renew.user)
			}
			a.Clock.Advance(5 * time.Second) // within RenewGrace
			resp := a.Serve(func(w http.ResponseWriter, req *http.Request) {
				s := session.From(req)
				if got := s.User(); got != "alice" {
					t.Errorf("within RenewGrace the old cookie gives user %q, want alice", got)
				}
				s.Set("late", true)
				if err := s.Renew(); err == nil {
					t.Error("within RenewGrace the old cookie could renew the session")
				}
			}, old)
			if cs := testkit.Cookies(resp, "session"); len(cs) != 0 {
				t.Fatalf("a request with the old cookie within RenewGrace sent a cookie: %v", cs)
			}
			a.Clock.Advance(6 * time.Second) // past RenewGrace
			if got := userOf(a, old); got != "" {
				t.Fatalf("after RenewGrace the old cookie still opens the session of %q", got)
			}
			if got := userOf(a, current); got != renew.user {
				t.Fatalf("after RenewGrace the renewed cookie gives user %q, want %q", got, renew.user)
			}
		})
	}
}

// TestRevocationIsExact checks that DestroyUser and DestroyOthers end a
// session signed in the same second, a moment before, and spare one
// signed in a moment after: revocation times are not rounded.
func TestRevocationIsExact(t *testing.T) {
	a, _ := revocationApp(t)
	a.Clock.Advance(100 * time.Nanosecond) // a second starts: all below happens within it
	before := signIn(a, "alice")
	a.Clock.Advance(time.Millisecond)
	if _, err := a.M.DestroyUser(t.Context(), "alice"); err != nil {
		t.Fatal(err)
	}
	a.Clock.Advance(time.Millisecond)
	after := signIn(a, "alice")
	if got := userOf(a, before); got != "" {
		t.Fatal("a session signed in a millisecond before DestroyUser, in the same second, survived it")
	}
	if got := userOf(a, after); got != "alice" {
		t.Fatal("a session signed in a millisecond after DestroyUser was ended by it")
	}

	other := signIn(a, "alice")
	a.Clock.Advance(time.Millisecond)
	resp := ends(t, a, after, func(s *session.Session) error { _, err := s.DestroyOthers(); return err })
	current := testkit.OneCookie(t, resp, "session")
	if got := userOf(a, other); got != "" {
		t.Fatal("a session signed in a millisecond before DestroyOthers, in the same second, survived it")
	}
	if current == nil || userOf(a, current) != "alice" {
		t.Fatal("DestroyOthers ended the session that called it")
	}
}

// TestLogOutFailsClosedWhenRevocationsIsDown checks that a log-out that
// cannot be recorded is not reported as done: the request gets a 500 and
// no cookie, and the signed-in cookie is unchanged.
func TestLogOutFailsClosedWhenRevocationsIsDown(t *testing.T) {
	a, rev := revocationApp(t)
	alice := signIn(a, "alice")
	resp := a.Serve(func(w http.ResponseWriter, req *http.Request) {
		s := session.From(req)
		s.User()
		rev.Fail.Store(true) // after the load, before the commit
		s.Destroy()
	}, alice)
	rev.Fail.Store(false)
	if resp.StatusCode != http.StatusInternalServerError || len(testkit.Cookies(resp, "session")) != 0 {
		t.Fatalf("a log-out that could not be recorded: status %d, cookies %v; want 500 and none", resp.StatusCode, testkit.Cookies(resp, "session"))
	}
}

// TestOldRevocationRecordsStillCount checks that a revocation record in
// the format of versions before the first release (Unix seconds as
// decimal digits) still ends the sessions signed in before it.
func TestOldRevocationRecordsStillCount(t *testing.T) {
	rev := memstore.New()
	a := testkit.NewApp(t, func(c *session.Config) { c.Revocations = rev })
	alice := signIn(a, "alice")
	a.Clock.Advance(2 * time.Second)
	at := a.Clock.Now().Unix()
	key := revocation.Key("alice")
	if err := rev.Save(t.Context(), key, session.Record{Data: strconv.AppendInt(nil, at, 10), Expires: a.Clock.Now().Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	if got := userOf(a, alice); got != "" {
		t.Fatal("an old-format revocation record did not end a session signed in before it")
	}
	if again := signIn(a, "alice"); userOf(a, again) != "alice" {
		t.Fatal("an old-format revocation record ended a session signed in after it")
	}
}
