package sessiontest

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/websession/session/internal/state"

	"github.com/websession/session"
)

// testRenewedAwayIDCannotTakeOver checks that an ID a renewal replaced,
// while it still works within RenewGrace, can never renew or re-bind the
// session, nor receive a cookie: otherwise whoever holds a copy of the old
// ID (a planted or stolen cookie) could renew the session away from the
// browser that holds the new ID, and be the only one left signed in when
// the window ends.
func testRenewedAwayIDCannotTakeOver(t *testing.T, newClocked func(t *testing.T) (session.Store, clock)) {
	const grace = 2 * time.Second
	st, clk := newClocked(t)
	c := newClientAppGrace(t, st, clk, grace, nil)
	c.get("/login?u=alice")
	old := c.cookie()
	c.get("/renew") // a periodic renewal, same user: the old ID forwards
	victim := c.cookie()
	if victim == old {
		t.Fatal("Renew did not issue a new ID")
	}
	for _, path := range []string{"/renew", "/login?u=mallory", "/login?u=alice"} {
		r := c.send(path, old)
		if r.err != nil {
			t.Fatalf("GET %s with the renewed-away ID: %v", path, r.err)
		}
		if r.setCookie != "" {
			t.Fatalf("GET %s with an ID renewed away within RenewGrace sent a cookie (%s): the old ID took the session over", path, r.setCookie)
		}
		if want := session.ErrSuperseded.Error(); !strings.Contains(r.body, want) {
			t.Fatalf("GET %s with an ID renewed away within RenewGrace: the handler got %q, want an error saying %q", path, r.body, want)
		}
	}
	if got := c.getWithCookie("/user", victim); got != "alice" {
		t.Fatalf("after requests with the renewed-away ID tried to renew and re-bind, the current ID gives user %q, want alice", got)
	}
	clk.sleep(grace + 500*time.Millisecond)
	if got := c.getWithCookie("/user", victim); got != "alice" {
		t.Fatalf("after RenewGrace the current ID gives user %q, want alice: the renewed-away ID ended it", got)
	}
	if got := c.getWithCookie("/user", old); got != "" {
		t.Fatalf("after RenewGrace the renewed-away ID still gives user %q", got)
	}
	if _, err := st.Load(context.Background(), state.StoreKey(old)); !errors.Is(err, session.ErrNotFound) {
		t.Fatalf("after RenewGrace the store still returns a record under the renewed-away ID (%v)", err)
	}
}
