package session_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

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

// serveBounded serves req through h and fails the test if the response
// does not come while the store is still hung (within a minute: the bound
// under test is far shorter, and the test asserts no duration beyond it).
func serveBounded(t *testing.T, h http.Handler, req *http.Request) *httptest.ResponseRecorder {
	t.Helper()
	rec := httptest.NewRecorder()
	done := make(chan struct{})
	go func() {
		defer close(done)
		h.ServeHTTP(rec, req)
	}()
	select {
	case <-done:
		return rec
	case <-time.After(time.Minute):
		t.Fatal("the request is still waiting for a hung store")
		return nil
	}
}

// TestHungStoreCostsABoundedTime checks that a store that stops answering
// holds a request only until Config.StoreTimeout, or until the request's
// own deadline when it has one, then fails it closed: 500, no cookie, the
// stored record as it was. Loads, commits and revocation checks alike.
func TestHungStoreCostsABoundedTime(t *testing.T) {
	for _, tc := range []struct {
		name     string
		when     string // "load" or "commit"
		deadline bool   // the request has a deadline of its own
	}{
		{"LoadWithoutDeadline", "load", false},
		{"CommitWithoutDeadline", "commit", false},
		{"LoadWithRequestDeadline", "load", true},
		{"CommitWithRequestDeadline", "commit", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			st := &hungStore{Store: memstore.New()}
			timeout := 50 * time.Millisecond
			if tc.deadline {
				timeout = time.Hour // the request's deadline must win
			}
			m, err := session.New(session.Config{Secret: testSecret, Store: st, StoreTimeout: timeout, Logger: discardLogger()})
			if err != nil {
				t.Fatal(err)
			}
			h := m.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				s := session.From(r)
				if tc.when == "commit" && r.URL.Query().Get("n") == "2" {
					s.Len()
					st.hung.Store(true)
				}
				s.Set("n", r.URL.Query().Get("n"))
			}))
			first := serveBounded(t, h, httptest.NewRequest("GET", "/?n=1", nil))
			cookie := first.Result().Cookies()[0]
			key := session.StoreKey(cookie.Value)
			before, err := st.Store.Load(t.Context(), key)
			if err != nil {
				t.Fatal(err)
			}

			if tc.when == "load" {
				st.hung.Store(true)
			}
			req := httptest.NewRequest("GET", "/?n=2", nil)
			req.AddCookie(cookie)
			if tc.deadline {
				ctx, cancel := context.WithTimeout(req.Context(), 50*time.Millisecond)
				defer cancel()
				req = req.WithContext(ctx)
			}
			rec := serveBounded(t, h, req)
			st.hung.Store(false)
			if rec.Code != http.StatusInternalServerError || rec.Header().Get("Set-Cookie") != "" {
				t.Fatalf("with the store hung: status %d, Set-Cookie %q; want 500 and no cookie", rec.Code, rec.Header().Get("Set-Cookie"))
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
	m, err := session.New(session.Config{Secret: testSecret, Store: mem, Logger: discardLogger()})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	h := m.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		session.From(r).Set("cart", "tea")
		cancel() // the visitor closes the tab before the response starts
	}))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/", nil).WithContext(ctx))
	cookies := rec.Result().Cookies()
	if rec.Code != http.StatusOK || len(cookies) != 1 {
		t.Fatalf("status %d, %d cookies; want the commit to finish", rec.Code, len(cookies))
	}
	got, err := mem.Load(context.Background(), session.StoreKey(cookies[0].Value))
	if err != nil || len(got.Data) == 0 {
		t.Fatalf("the change of a request whose visitor went away was not saved: %v", err)
	}
}

// TestHungRevocationsCostsABoundedTime checks the same bound for the
// revocation check of a signed-in cookie session, and for recording a
// log-out.
func TestHungRevocationsCostsABoundedTime(t *testing.T) {
	rev := &hungStore{Store: memstore.New()}
	m, err := session.New(session.Config{Secret: testSecret, Revocations: rev, StoreTimeout: 50 * time.Millisecond, Logger: discardLogger()})
	if err != nil {
		t.Fatal(err)
	}
	h := m.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
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
	}))
	login := serveBounded(t, h, httptest.NewRequest("GET", "/login", nil))
	cookie := login.Result().Cookies()[0]
	for _, path := range []string{"/logout", "/"} {
		rev.hung.Store(path == "/")
		req := httptest.NewRequest("GET", path, nil)
		req.AddCookie(cookie)
		rec := serveBounded(t, h, req)
		if rec.Code != http.StatusInternalServerError || rec.Header().Get("Set-Cookie") != "" {
			t.Fatalf("GET %s with Revocations hung: status %d, Set-Cookie %q; want 500 and no cookie", path, rec.Code, rec.Header().Get("Set-Cookie"))
		}
	}
	if rev.noDeadline.Load() {
		t.Fatal("a call to Revocations was made without a deadline")
	}
}
