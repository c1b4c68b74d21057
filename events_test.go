package session_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/websession/session/internal/state"

	"github.com/websession/session"
	"github.com/websession/session/internal/testkit"
	"github.com/websession/session/store/filestore"
	"github.com/websession/session/store/memstore"
)

// eventLog collects the events a Manager reports.
type eventLog struct {
	mu     sync.Mutex
	events []session.Event
}

func (l *eventLog) add(e session.Event) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.events = append(l.events, e)
}

// take returns the events collected since the last take.
func (l *eventLog) take() []session.Event {
	l.mu.Lock()
	defer l.mu.Unlock()
	e := l.events
	l.events = nil
	return e
}

// kinds returns the kinds of events, store calls left out.
func kinds(events []session.Event) []string {
	var k []string
	for _, e := range events {
		if e.Kind != "store_call" {
			k = append(k, e.Kind)
		}
	}
	return k
}

func TestEventsOfACookieSession(t *testing.T) {
	var ev eventLog
	a := testkit.NewApp(t, func(c *session.Config) { c.OnEvent = ev.add })
	do := a.Browser().Get
	steps := []struct {
		name string
		step http.HandlerFunc
		want []string
	}{
		{"read an empty session", func(w http.ResponseWriter, req *http.Request) { session.From(req).Get("x") }, nil},
		{"first Set", func(w http.ResponseWriter, req *http.Request) { session.From(req).Set("x", 1) }, []string{"created"}},
		{"another Set", func(w http.ResponseWriter, req *http.Request) { session.From(req).Set("x", 2) }, nil},
		{"Renew", func(w http.ResponseWriter, req *http.Request) { session.From(req).Renew() }, []string{"renewed"}},
		{"Destroy", func(w http.ResponseWriter, req *http.Request) { session.From(req).Destroy() }, []string{"destroyed"}},
		{"Set again", func(w http.ResponseWriter, req *http.Request) { session.From(req).Set("x", 3) }, []string{"created"}},
		{"change after the response started", func(w http.ResponseWriter, req *http.Request) {
			s := session.From(req)
			s.Get("x")
			io.WriteString(w, "started")
			s.Set("x", 4)
		}, []string{"change_lost"}},
	}
	for _, st := range steps {
		do(st.step)
		if got := kinds(ev.take()); !slices.Equal(got, st.want) {
			t.Errorf("%s: events %q, want %q", st.name, got, st.want)
		}
	}
}

func TestEventsOfRejectedCookies(t *testing.T) {
	var ev eventLog
	a := testkit.NewApp(t, func(c *session.Config) { c.OnEvent = ev.add })
	read := func(w http.ResponseWriter, req *http.Request) { session.From(req).Get("x") }
	a.Get(read, "/", "session=not-a-sealed-cookie")
	got := ev.take()
	if len(got) != 1 || got[0].Kind != "cookie_rejected" || got[0].Reason != "invalid" || got[0].Detail == "" {
		t.Fatalf("tampered cookie: events %+v, want one cookie_rejected with reason invalid and a detail", got)
	}
	if strings.Contains(got[0].Detail, "not-a-sealed-cookie") {
		t.Errorf("the event's detail %q holds the cookie's value", got[0].Detail)
	}
	if got[0].Context == nil {
		t.Error("the event has no request context")
	}

	srv := testkit.NewApp(t, func(c *session.Config) { c.OnEvent = ev.add; c.Store = memstore.New() })
	srv.Get(read, "/", "session="+strings.Repeat("A", 43))
	got = ev.take()
	var reasons []string
	for _, e := range got {
		if e.Kind == "cookie_rejected" {
			reasons = append(reasons, e.Reason)
		}
	}
	if !slices.Equal(reasons, []string{"unknown_id"}) {
		t.Errorf("a session ID the store does not have: rejection reasons %q, want [unknown_id]", reasons)
	}
}

func TestEventOfACookieTooLarge(t *testing.T) {
	var ev eventLog
	a := testkit.NewApp(t, func(c *session.Config) { c.OnEvent = ev.add })
	resp := a.Serve(func(w http.ResponseWriter, req *http.Request) {
		session.From(req).Set("big", strings.Repeat("x", 5000))
	})
	if resp.StatusCode != http.StatusInternalServerError {
		t.Errorf("status %d, want 500 for a session too large for a cookie", resp.StatusCode)
	}
	got := ev.take()
	if len(got) != 1 || got[0].Kind != "cookie_too_large" || got[0].Size <= state.DefaultMaxCookieSize {
		t.Fatalf("events %+v, want one cookie_too_large with the size over %d", got, state.DefaultMaxCookieSize)
	}
}

func TestEventsOfStoreCalls(t *testing.T) {
	var ev eventLog
	a := testkit.NewApp(t, func(c *session.Config) { c.OnEvent = ev.add; c.Store = memstore.New() })
	do := a.Browser().Get
	do(func(w http.ResponseWriter, req *http.Request) { session.From(req).Set("x", 1) })
	got := ev.take()
	var calls []string
	for _, e := range got {
		if e.Kind == "store_call" {
			calls = append(calls, e.Op)
			if e.Duration < 0 {
				t.Errorf("store call %s took %v", e.Op, e.Duration)
			}
		}
	}
	if !slices.Equal(calls, []string{"save"}) || !slices.Equal(kinds(got), []string{"created"}) {
		t.Errorf("new session: store calls %q and events %q, want [save] and [created]", calls, kinds(got))
	}
	do(func(w http.ResponseWriter, req *http.Request) { session.From(req).Destroy() })
	calls = nil
	got = ev.take()
	for _, e := range got {
		if e.Kind == "store_call" {
			calls = append(calls, e.Op)
		}
	}
	if !slices.Equal(calls, []string{"load", "delete"}) || !slices.Equal(kinds(got), []string{"destroyed"}) {
		t.Errorf("Destroy: store calls %q and events %q, want [load delete] and [destroyed]", calls, kinds(got))
	}
}

// TestEventOfAStoreError uses a real filestore whose directory is replaced
// by a plain file: every call fails.
func TestEventOfAStoreError(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "sessions")
	st, err := filestore.New(dir, filestore.WithLogger(discardLogger()))
	if err != nil {
		t.Fatal(err)
	}
	var ev eventLog
	a := testkit.NewApp(t, func(c *session.Config) { c.OnEvent = ev.add; c.Store = st })
	do := a.Browser().Get
	do(func(w http.ResponseWriter, req *http.Request) { session.From(req).Set("x", 1) })
	ev.take()
	if err := os.RemoveAll(dir); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(dir, []byte("not a directory"), 0o600); err != nil {
		t.Fatal(err)
	}
	resp := do(func(w http.ResponseWriter, req *http.Request) { session.From(req).Get("x") })
	if resp.StatusCode != http.StatusInternalServerError {
		t.Errorf("status %d with the store's directory gone, want 500", resp.StatusCode)
	}
	var failed []session.Event
	for _, e := range ev.take() {
		if e.Kind == "store_error" {
			failed = append(failed, e)
		}
	}
	if len(failed) != 1 || failed[0].Op != "load" || failed[0].Err == nil {
		t.Fatalf("store errors %+v, want one failed load with its error", failed)
	}
}

// TestEventOfAConflictRetried runs a second request of the same visitor
// while the first one runs, so the first one's save (or renewal)
// conflicts. The store offers only the Store methods, so the save is a
// compare-and-set (a store that applies changes itself merges these two
// without a conflict).
func TestEventOfAConflictRetried(t *testing.T) {
	for _, renew := range []bool{false, true} {
		t.Run(map[bool]string{false: "save", true: "renewal"}[renew], func(t *testing.T) { testConflictRetried(t, renew) })
	}
}

func testConflictRetried(t *testing.T, renew bool) {
	var ev eventLog
	a := testkit.NewApp(t, func(c *session.Config) { c.OnEvent = ev.add; c.Store = struct{ session.Store }{memstore.New()} })
	cookie := a.Issue(func(s *session.Session) { s.Set("a", 0) })
	ev.take()
	resp := a.Serve(func(w http.ResponseWriter, req *http.Request) {
		s := session.From(req)
		s.Get("a")
		a.Serve(func(w http.ResponseWriter, req *http.Request) { session.From(req).Set("b", 2) }, cookie)
		s.Set("a", 1)
		if renew {
			s.Renew()
		}
	}, cookie)
	if renew {
		cookie = testkit.OneCookie(t, resp, "session")
	}
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status %d", resp.StatusCode)
	}
	if got := kinds(ev.take()); !slices.Contains(got, "conflict_retried") {
		t.Errorf("events %q, want conflict_retried", got)
	}
	var va, vb int
	a.Serve(func(w http.ResponseWriter, req *http.Request) {
		s := session.From(req)
		va, _ = session.Get[int](s, "a")
		vb, _ = session.Get[int](s, "b")
	}, cookie)
	if va != 1 || vb != 2 {
		t.Errorf("after the conflict a=%d b=%d, want both changes (1, 2)", va, vb)
	}
}

// frameworkWriter is a framework's own response writer, as gin's: the
// framework writes through it, not through the writer the session
// middleware handed on, and it reports whether it has written.
type frameworkWriter struct {
	http.ResponseWriter
	written bool
}

func (w *frameworkWriter) Write(p []byte) (int, error) {
	w.written = true
	return w.ResponseWriter.Write(p)
}
func (w *frameworkWriter) Written() bool { return w.written }

// TestCommitAfterAFrameworkWroteIsReported: a session changed in a handler
// that answered through the framework's writer, which the middleware does
// not see, is committed too late for its cookie; that is logged as an
// error and reported as ChangeLost. A handler that answers through the
// middleware's writer is not reported.
func TestCommitAfterAFrameworkWroteIsReported(t *testing.T) {
	for _, bypass := range []bool{true, false} {
		var ev eventLog
		a := testkit.NewApp(t, func(c *session.Config) { c.OnEvent = ev.add })
		fw := &frameworkWriter{ResponseWriter: httptest.NewRecorder()}
		a.M.Handler(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
			session.From(req).Set("x", 1)
			if bypass {
				fw.Write([]byte("answered"))
			} else {
				w.Write([]byte("answered"))
			}
		})).ServeHTTP(fw, testkit.Request("/", ""))
		reported := strings.Contains(a.Log.String(), "level=ERROR") && strings.Contains(a.Log.String(), "ginsession")
		lost := slices.Contains(kinds(ev.take()), "change_lost")
		if reported != bypass || lost != bypass {
			t.Errorf("answered around the middleware: %v; logged an error: %v, change_lost event: %v", bypass, reported, lost)
		}
	}
}
