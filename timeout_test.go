package session_test

import (
	"context"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"github.com/websession/session/internal/state"
	"github.com/websession/session/internal/testkit"

	session "github.com/websession/session"
	"github.com/websession/session/store/memstore"
)

// hungStore answers nothing while hung: every call waits until its
// context ends, as a client does on a server that stopped answering, and
// remembers whether a call had no deadline at all.
type hungStore struct {
	session.Store
	hung       atomic.Bool
	noDeadline atomic.Bool
}

func (h *hungStore) wait(ctx context.Context) error {
	if _, ok := ctx.Deadline(); !ok {
		h.noDeadline.Store(true)
	}
	<-ctx.Done() // a call without a deadline hangs here for good
	return ctx.Err()
}

func (h *hungStore) Load(ctx context.Context, key string) (session.Record, error) {
	if h.hung.Load() {
		return session.Record{}, h.wait(ctx)
	}
	return h.Store.Load(ctx, key)
}

func (h *hungStore) Save(ctx context.Context, key string, rec session.Record) error {
	if h.hung.Load() {
		return h.wait(ctx)
	}
	return h.Store.Save(ctx, key, rec)
}

func (h *hungStore) Delete(ctx context.Context, key string) error {
	if h.hung.Load() {
		return h.wait(ctx)
	}
	return h.Store.Delete(ctx, key)
}

// serveBounded runs serve and fails the test if the response does not
// come while the store is still hung (within a minute: the bound under test
// is far shorter, and the test asserts no duration beyond it).
func serveBounded(t *testing.T, serve func() *http.Response) *http.Response {
	t.Helper()
	var resp *http.Response
	done := make(chan struct{})
	go func() {
		defer close(done)
		resp = serve()
	}()
	select {
	case <-done:
		return resp
	case <-time.After(time.Minute):
		t.Fatal("the request is still waiting for a hung store")
		return nil
	}
}

// TestHungStoreCostsABoundedTime checks that a store that stops answering
// holds a request only until Config.StoreTimeout, or until the request's
// own deadline when it has one, then fails it closed: 500, no cookie, the
// stored record as it was. Loads, commits and revocation checks alike. The
// bound runs on the real clock, even when Config.Now is a clock of the
// app's own that says a later year.
func TestHungStoreCostsABoundedTime(t *testing.T) {
	for _, tc := range []struct {
		name     string
		when     string // "load" or "commit"
		deadline bool   // the request has a deadline of its own
		ahead    bool   // Config.Now is years ahead of the real clock
	}{
		{"LoadWithoutDeadline", "load", false, false},
		{"CommitWithoutDeadline", "commit", false, false},
		{"LoadWithRequestDeadline", "load", true, false},
		{"CommitWithRequestDeadline", "commit", true, false},
		{"LoadWithTheAppsClockAhead", "load", false, true},
		{"CommitWithTheAppsClockAhead", "commit", false, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			st := &hungStore{Store: memstore.New()}
			timeout := 50 * time.Millisecond
			if tc.deadline {
				timeout = time.Hour // the request's deadline must win
			}
			a := testkit.NewApp(t, func(c *session.Config) { c.Store, c.StoreTimeout = st, timeout })
			if tc.ahead {
				a.Clock.Set(time.Now().AddDate(50, 0, 0))
			}
			h := func(w http.ResponseWriter, r *http.Request) {
				s := session.From(r)
				if tc.when == "commit" && r.URL.Query().Get("n") == "2" {
					s.Len()
					st.hung.Store(true)
				}
				s.Set("n", r.URL.Query().Get("n"))
			}
			first := serveBounded(t, func() *http.Response { return a.Get(h, "/?n=1", "") })
			if len(first.Cookies()) != 1 {
				t.Fatalf("the first request, the store answering: status %d and %d cookies, want one", first.StatusCode, len(first.Cookies()))
			}
			cookie := first.Cookies()[0]
			key := state.StoreKey(cookie.Value)
			before, err := st.Store.Load(t.Context(), key)
			if err != nil {
				t.Fatal(err)
			}

			if tc.when == "load" {
				st.hung.Store(true)
			}
			req := testkit.Request("/?n=2", "")
			req.AddCookie(cookie)
			if tc.deadline {
				ctx, cancel := context.WithTimeout(req.Context(), 50*time.Millisecond)
				defer cancel()
				req = req.WithContext(ctx)
			}
			resp := serveBounded(t, func() *http.Response { return a.ServeRequest(h, req) })
			st.hung.Store(false)
			if resp.StatusCode != http.StatusInternalServerError || resp.Header.Get("Set-Cookie") != "" {
				t.Fatalf("with the store hung: status %d, Set-Cookie %q; want 500 and no cookie", resp.StatusCode, resp.Header.Get("Set-Cookie"))
			}
			if st.noDeadline.Load() {
				t.Fatal("a store call was made without a deadline")
			}
			after, err := st.Store.Load(t.Context(), key)
			if err != nil || after.Version != before.Version || string(after.Data) != string(before.Data) {
				t.Fatalf("after a request failed on a hung store the record changed: version %d→%d (%v)", before.Version, after.Version, err)
			}
		})
	}
}

// TestCommitOutlivesTheVisitor checks that a commit under way when the
// visitor goes away (the request's context is cancelled) still finishes:
// the change is saved.
func TestCommitOutlivesTheVisitor(t *testing.T) {
	mem := memstore.New()
	a := testkit.NewApp(t, func(c *session.Config) { c.Store = mem })
	ctx, cancel := context.WithCancel(context.Background())
	resp := a.ServeRequest(func(w http.ResponseWriter, r *http.Request) {
		session.From(r).Set("cart", "tea")
		cancel() // the visitor closes the tab before the response starts
	}, testkit.Request("/", "").WithContext(ctx))
	cookies := resp.Cookies()
	if resp.StatusCode != http.StatusOK || len(cookies) != 1 {
		t.Fatalf("status %d, %d cookies; want the commit to finish", resp.StatusCode, len(cookies))
	}
	got, err := mem.Load(context.Background(), state.StoreKey(cookies[0].Value))
	if err != nil || len(got.Data) == 0 {
		t.Fatalf("the change of a request whose visitor went away was not saved: %v", err)
	}
}

// TestHungRevocationsCostsABoundedTime checks the same bound for the
// revocation check of a signed-in cookie session, and for recording a
// log-out.
func TestHungRevocationsCostsABoundedTime(t *testing.T) {
	rev := &hungStore{Store: memstore.New()}
	a := testkit.NewApp(t, func(c *session.Config) { c.Revocations, c.StoreTimeout = rev, 50*time.Millisecond })
	h := func(w http.ResponseWriter, r *http.Request) {
		s := session.From(r)
		switch r.URL.Path {
		case "/login":
			s.SetUser("alice")
		case "/logout":
			s.User()
			rev.hung.Store(true)
			s.Destroy()
		default:
			s.User()
		}
	}
	login := serveBounded(t, func() *http.Response { return a.Get(h, "/login", "") })
	cookie := login.Cookies()[0]
	for _, path := range []string{"/logout", "/"} {
		rev.hung.Store(path == "/")
		req := testkit.Request(path, "")
		req.AddCookie(cookie)
		resp := serveBounded(t, func() *http.Response { return a.ServeRequest(h, req) })
		if resp.StatusCode != http.StatusInternalServerError || resp.Header.Get("Set-Cookie") != "" {
			t.Fatalf("GET %s with Revocations hung: status %d, Set-Cookie %q; want 500 and no cookie", path, resp.StatusCode, resp.Header.Get("Set-Cookie"))
		}
	}
	if rev.noDeadline.Load() {
		t.Fatal("a call to Revocations was made without a deadline")
	}
}
