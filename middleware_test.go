package session_test

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/http/httptrace"
	"net/textproto"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/websession/session"
	"github.com/websession/session/internal/testkit"
)

// Secrets for the cookie tests: the current one, one being rotated out, and
// one the managers under test have never heard of.
var (
	primarySecret  = testkit.Secret
	rotatedSecret  = []byte("rotated-out-secret-for-the-tests")
	strangerSecret = []byte("a-secret-no-test-manager-trusts.")
)

// varyCookieCount counts the Cookie entries in the response's Vary headers.
func varyCookieCount(resp *http.Response) int {
	n := 0
	for _, v := range resp.Header.Values("Vary") {
		for _, f := range strings.Split(v, ",") {
			if strings.EqualFold(strings.TrimSpace(f), "Cookie") {
				n++
			}
		}
	}
	return n
}

func TestUntouchedSessionSendsNothingAndDecodesNothing(t *testing.T) {
	a := testkit.NewApp(t, nil)
	garbage := &http.Cookie{Name: "session", Value: "not-a-valid-cookie-value-at-all"}

	resp := a.Serve(func(w http.ResponseWriter, req *http.Request) {
		session.From(req) // getting the session is not using it
		io.WriteString(w, "hello")
	}, garbage)
	if got := resp.Header.Values("Set-Cookie"); len(got) != 0 {
		t.Errorf("untouched session: Set-Cookie %q, want none", got)
	}
	if got := resp.Header.Values("Vary"); len(got) != 0 {
		t.Errorf("untouched session: Vary %q, want none", got)
	}
	if got := a.Log.String(); got != "" {
		t.Errorf("untouched session with a garbage cookie logged %q; the cookie must not be opened", got)
	}

	// The same request, touching the session, opens the cookie and reports it.
	resp = a.Serve(func(w http.ResponseWriter, req *http.Request) {
		session.From(req).Has("x")
	}, garbage)
	if !strings.Contains(a.Log.String(), "level=WARN") {
		t.Errorf("touched session with a garbage cookie logged %q, want a warning", a.Log.String())
	}
	if varyCookieCount(resp) != 1 {
		t.Errorf("touched session: Vary %q, want Cookie", resp.Header.Values("Vary"))
	}
}

func TestEveryReadAddsVaryButEmptySessionGetsNoCookie(t *testing.T) {
	reads := map[string]func(s *session.Session){
		"Get":         func(s *session.Session) { s.Get("k") },
		"Has":         func(s *session.Session) { s.Has("k") },
		"Len":         func(s *session.Session) { s.Len() },
		"Keys":        func(s *session.Session) { s.Keys() },
		"Permanent":   func(s *session.Session) { s.Permanent() },
		"IsNew":       func(s *session.Session) { s.IsNew() },
		"Flashes":     func(s *session.Session) { s.Flashes() },
		"generic Get": func(s *session.Session) { session.Get[int](s, "k") },
		// Changes that leave an anonymous session empty send no cookie either.
		"Delete":            func(s *session.Session) { s.Delete("k") },
		"Clear":             func(s *session.Session) { s.Clear() },
		"SetPermanent":      func(s *session.Session) { s.SetPermanent(true) },
		"Set then Delete":   func(s *session.Session) { s.Set("k", 1); s.Delete("k") },
		"Renew of an empty": func(s *session.Session) { s.Renew() },
	}
	for name, read := range reads {
		t.Run(name, func(t *testing.T) {
			a := testkit.NewApp(t, nil)
			resp := a.Serve(func(w http.ResponseWriter, req *http.Request) { read(session.From(req)) })
			if n := varyCookieCount(resp); n != 1 {
				t.Errorf("Vary %q, want Cookie once", resp.Header.Values("Vary"))
			}
			if got := resp.Header.Values("Set-Cookie"); len(got) != 0 {
				t.Errorf("empty anonymous session: Set-Cookie %q, want none", got)
			}
		})
	}
}

func TestVaryIsNotDuplicated(t *testing.T) {
	for _, preset := range []string{"Cookie", "cookie", "Accept-Encoding, Cookie", "*"} {
		t.Run(preset, func(t *testing.T) {
			a := testkit.NewApp(t, nil)
			resp := a.Serve(func(w http.ResponseWriter, req *http.Request) {
				w.Header().Set("Vary", preset)
				session.From(req).Set("k", 1)
			})
			if got := resp.Header.Values("Vary"); len(got) != 1 || got[0] != preset {
				t.Errorf("Vary %q, want the handler's %q unchanged", got, preset)
			}
		})
	}
	a := testkit.NewApp(t, nil)
	resp := a.Serve(func(w http.ResponseWriter, req *http.Request) {
		w.Header().Set("Vary", "Accept-Encoding")
		session.From(req).Get("k")
	})
	if got := resp.Header.Values("Vary"); !slices.Contains(got, "Accept-Encoding") || varyCookieCount(resp) != 1 {
		t.Errorf("Vary %q, want Accept-Encoding kept and Cookie added", got)
	}
}

func TestCacheControlOnEveryResponseWithSessionCookie(t *testing.T) {
	cases := []struct {
		name    string
		setting string
		handler string // Cache-Control the handler sets
		want    string
	}{
		{"default", "", "", "no-store"},
		{"default overrides a public handler", "", "public, max-age=3600", "no-store"},
		{"private", "private", "", "private"},
		{"keep", "keep", "public, max-age=60", "public, max-age=60"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			a := testkit.NewApp(t, func(c *session.Config) { c.CacheControl = tc.setting })
			set := func(w http.ResponseWriter, req *http.Request) {
				if tc.handler != "" {
					w.Header().Set("Cache-Control", tc.handler)
				}
				session.From(req).Set("k", 1)
			}
			resp := a.Serve(set)
			c := testkit.OneCookie(t, resp, "session")
			if c == nil {
				t.Fatal("no cookie")
			}
			if got := resp.Header.Get("Cache-Control"); got != tc.want {
				t.Errorf("Cache-Control %q on a response setting the cookie, want %q", got, tc.want)
			}
			// The deletion cookie is a Set-Cookie too.
			resp = a.Serve(func(w http.ResponseWriter, req *http.Request) {
				if tc.handler != "" {
					w.Header().Set("Cache-Control", tc.handler)
				}
				session.From(req).Destroy()
			}, c)
			if len(resp.Header.Values("Set-Cookie")) != 1 {
				t.Fatalf("Destroy: Set-Cookie %q, want a deletion", resp.Header.Values("Set-Cookie"))
			}
			if got := resp.Header.Get("Cache-Control"); got != tc.want {
				t.Errorf("Cache-Control %q on a response deleting the cookie, want %q", got, tc.want)
			}
		})
	}
	// A response without Set-Cookie keeps the handler's caching.
	a := testkit.NewApp(t, nil)
	resp := a.Serve(func(w http.ResponseWriter, req *http.Request) {
		w.Header().Set("Cache-Control", "public, max-age=60")
		session.From(req).Get("k")
	})
	if got := resp.Header.Get("Cache-Control"); got != "public, max-age=60" {
		t.Errorf("no session cookie sent, yet Cache-Control became %q", got)
	}
}

func TestCommitBeforeFirstByte(t *testing.T) {
	cases := []struct {
		name  string
		start func(w http.ResponseWriter) error // nil: the handler just returns
	}{
		{"WriteHeader", func(w http.ResponseWriter) error { w.WriteHeader(http.StatusAccepted); return nil }},
		{"Write", func(w http.ResponseWriter) error { _, err := io.WriteString(w, "body"); return err }},
		{"Flush", func(w http.ResponseWriter) error { w.(http.Flusher).Flush(); return nil }},
		{"ResponseController.Flush", func(w http.ResponseWriter) error { return http.NewResponseController(w).Flush() }},
		{"handler returns", nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			a := testkit.NewApp(t, nil)
			var after error
			resp := a.Serve(func(w http.ResponseWriter, req *http.Request) {
				s := session.From(req)
				s.Set("user", "alice")
				if tc.start != nil {
					if err := tc.start(w); err != nil {
						t.Errorf("%s: %v", tc.name, err)
					}
					after = s.Set("late", 1)
					io.WriteString(w, "more")
					w.(http.Flusher).Flush()
				}
			})
			// httptest.ResponseRecorder snapshots the headers at the first byte,
			// so a cookie added later would be missing here.
			if c := testkit.OneCookie(t, resp, "session"); c == nil {
				t.Fatalf("no session cookie in the headers sent; Set-Cookie %q", resp.Header.Values("Set-Cookie"))
			}
			if resp.Header.Get("Cache-Control") != "no-store" || varyCookieCount(resp) != 1 {
				t.Errorf("Cache-Control %q, Vary %q", resp.Header.Get("Cache-Control"), resp.Header.Values("Vary"))
			}
			if tc.start != nil && !errors.Is(after, session.ErrCommitted) {
				t.Errorf("Set after %s returned %v, want ErrCommitted", tc.name, after)
			}
		})
	}
}

func TestChangeAfterCommitIsReportedAndNotSaved(t *testing.T) {
	changes := map[string]func(s *session.Session) error{
		"Set":          func(s *session.Session) error { return s.Set("late", 1) },
		"Delete":       func(s *session.Session) error { return s.Delete("user") },
		"Clear":        func(s *session.Session) error { return s.Clear() },
		"SetPermanent": func(s *session.Session) error { return s.SetPermanent(true) },
		"Flash":        func(s *session.Session) error { return s.Flash("", "late") },
		"Renew":        func(s *session.Session) error { return s.Renew() },
		"Destroy":      func(s *session.Session) error { return s.Destroy() },
	}
	for name, change := range changes {
		t.Run(name, func(t *testing.T) {
			a := testkit.NewApp(t, nil)
			do := a.Browser().Get
			do(func(w http.ResponseWriter, req *http.Request) { session.From(req).Set("user", "alice") })
			a.Log.Reset()
			var err error
			resp := do(func(w http.ResponseWriter, req *http.Request) {
				s := session.From(req)
				s.Get("user")
				io.WriteString(w, "started")
				err = change(s)
			})
			if !errors.Is(err, session.ErrCommitted) {
				t.Fatalf("%s after the response started returned %v, want ErrCommitted", name, err)
			}
			if !strings.Contains(a.Log.String(), "level=ERROR") {
				t.Errorf("log %q, want an error-level line", a.Log.String())
			}
			if got := resp.Header.Values("Set-Cookie"); len(got) != 0 {
				t.Errorf("Set-Cookie %q after a late change, want none", got)
			}
			var user any
			var keys []string
			var permanent bool
			var flashes []session.Flash
			do(func(w http.ResponseWriter, req *http.Request) {
				s := session.From(req)
				user, _ = s.Get("user")
				keys, permanent, flashes = s.Keys(), s.Permanent(), s.Flashes()
			})
			if user != "alice" || len(keys) != 1 || permanent || flashes != nil {
				t.Errorf("next request: user=%v keys=%q permanent=%v flashes=%v; the late %s leaked into the session", user, keys, permanent, flashes, name)
			}
		})
	}
}

func TestUseAfterCommitWithoutChangeIsNotAnError(t *testing.T) {
	a := testkit.NewApp(t, nil)
	c := a.Issue(func(s *session.Session) { s.Set("user", "alice") })
	var got any
	a.Serve(func(w http.ResponseWriter, req *http.Request) {
		io.WriteString(w, "started")
		got, _ = session.From(req).Get("user")
	}, c)
	if got != "alice" {
		t.Errorf("reading after the response started gave %v, want alice", got)
	}
	if strings.Contains(a.Log.String(), "level=ERROR") {
		t.Errorf("a read after the response started logged an error: %q", a.Log.String())
	}
}

// newPlainServer starts a real HTTP server for m over h. Its tests read the
// raw headers, so the Secure cookie needs no TLS.
func newPlainServer(t *testing.T, m *session.Manager, h http.HandlerFunc) *httptest.Server {
	srv := httptest.NewServer(m.Handler(h))
	t.Cleanup(srv.Close)
	return srv
}

func TestStreamingHandlerGetsCookieAndStreams(t *testing.T) {
	a := testkit.NewApp(t, nil)
	proceed := make(chan struct{})
	handlerErr := make(chan error, 1)
	srv := newPlainServer(t, a.M, func(w http.ResponseWriter, req *http.Request) {
		session.From(req).Set("user", "alice")
		rc := http.NewResponseController(w)
		io.WriteString(w, "chunk 1\n")
		if err := rc.Flush(); err != nil {
			handlerErr <- err
			return
		}
		select { // the client must see chunk 1 before chunk 2 is written
		case <-proceed:
		case <-req.Context().Done():
			handlerErr <- errors.New("client went away before reading chunk 1")
			return
		case <-time.After(30 * time.Second):
			handlerErr <- errors.New("chunk 1 never reached the client: the response was not streamed")
			return
		}
		io.WriteString(w, "chunk 2\n")
		handlerErr <- rc.Flush()
	})
	resp, err := http.Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if testkit.OneCookie(t, resp, "session") == nil {
		t.Errorf("streamed response lacks the session cookie: %q", resp.Header.Values("Set-Cookie"))
	}
	br := bufio.NewReader(resp.Body)
	line, err := br.ReadString('\n')
	if err != nil || line != "chunk 1\n" {
		t.Fatalf("first chunk %q, %v", line, err)
	}
	close(proceed)
	rest, _ := io.ReadAll(br)
	if string(rest) != "chunk 2\n" {
		t.Errorf("rest %q, want chunk 2", rest)
	}
	if err := <-handlerErr; err != nil {
		t.Error(err)
	}
}

func TestHijackThroughResponseController(t *testing.T) {
	a := testkit.NewApp(t, nil)
	hijackErr := make(chan error, 1)
	srv := newPlainServer(t, a.M, func(w http.ResponseWriter, req *http.Request) {
		session.From(req).Set("user", "alice")
		conn, brw, err := http.NewResponseController(w).Hijack()
		hijackErr <- err
		if err != nil {
			return
		}
		defer conn.Close()
		// The new owner of the connection writes the headers, the cookie among them.
		brw.WriteString("HTTP/1.1 200 OK\r\n")
		w.Header().Write(brw)
		brw.WriteString("Content-Length: 8\r\nConnection: close\r\n\r\nhijacked")
		brw.Flush()
	})
	conn, err := net.Dial("tcp", srv.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprintf(conn, "GET / HTTP/1.1\r\nHost: %s\r\n\r\n", srv.Listener.Addr())
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("reading the hijacked response: %v", err)
	}
	body, _ := io.ReadAll(resp.Body)
	if err := <-hijackErr; err != nil {
		t.Fatalf("Hijack through http.ResponseController: %v", err)
	}
	if string(body) != "hijacked" {
		t.Errorf("body %q", body)
	}
	if testkit.OneCookie(t, resp, "session") == nil {
		t.Errorf("Hijack did not commit the session first: headers %v", resp.Header)
	}
}

func TestEarlyHintsDoNotCommit(t *testing.T) {
	a := testkit.NewApp(t, nil)
	setErr := make(chan error, 1)
	srv := newPlainServer(t, a.M, func(w http.ResponseWriter, req *http.Request) {
		w.Header().Set("Link", "</style.css>; rel=preload")
		w.WriteHeader(http.StatusEarlyHints)
		w.Header().Del("Link")
		setErr <- session.From(req).Set("user", "alice")
		io.WriteString(w, "done")
	})
	var informational []int
	var hintHeaders []textproto.MIMEHeader
	var mu sync.Mutex
	trace := &httptrace.ClientTrace{Got1xxResponse: func(code int, h textproto.MIMEHeader) error {
		mu.Lock()
		defer mu.Unlock()
		informational = append(informational, code)
		hintHeaders = append(hintHeaders, h)
		return nil
	}}
	req, _ := http.NewRequest("GET", srv.URL, nil)
	req = req.WithContext(httptrace.WithClientTrace(req.Context(), trace))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	io.Copy(io.Discard, resp.Body)
	if err := <-setErr; err != nil {
		t.Errorf("Set after 103 Early Hints: %v; 1xx must not commit the session", err)
	}
	mu.Lock()
	defer mu.Unlock()
	if !slices.Equal(informational, []int{103}) {
		t.Fatalf("informational responses %v, want [103]", informational)
	}
	if hintHeaders[0].Get("Set-Cookie") != "" {
		t.Errorf("103 carried Set-Cookie %q", hintHeaders[0].Get("Set-Cookie"))
	}
	if resp.StatusCode != 200 || testkit.OneCookie(t, resp, "session") == nil {
		t.Errorf("final response %d, Set-Cookie %q, want 200 with the cookie", resp.StatusCode, resp.Header.Values("Set-Cookie"))
	}
}

func TestFromWithoutMiddlewarePanicsWithFix(t *testing.T) {
	a := testkit.NewApp(t, nil)
	other := testkit.NewApp(t, func(c *session.Config) { c.Cookie.Name = "other" })
	req := httptest.NewRequest("GET", "/", nil)
	for name, call := range map[string]func(){
		"From":                       func() { session.From(req) },
		"Manager.From":               func() { a.M.From(req) },
		"Manager.From of a stranger": func() { a.Serve(func(w http.ResponseWriter, req *http.Request) { other.M.From(req) }) },
	} {
		t.Run(name, func(t *testing.T) {
			defer func() {
				msg := fmt.Sprint(recover())
				if !strings.HasPrefix(msg, "session: ") || !strings.Contains(msg, "Handler") {
					t.Errorf("panic %q, want a session: message naming the Handler to wrap", msg)
				}
			}()
			call()
		})
	}
}

func TestTwoManagersNested(t *testing.T) {
	clock := testkit.NewClock()
	mk := func(name string) *session.Manager {
		m, err := session.New(session.Config{Secret: primarySecret, Cookie: session.CookieOptions{Name: name}, Now: clock.Now})
		if err != nil {
			t.Fatal(err)
		}
		return m
	}
	outer, inner := mk("prefs"), mk("auth")
	v := testkit.NewBrowser(t, func(h http.Handler) http.Handler { return outer.Handler(inner.Handler(h)) })
	resp := v.Get(func(w http.ResponseWriter, r *http.Request) {
		if session.From(r) != inner.From(r) {
			t.Error("From must return the innermost Manager's session")
		}
		if outer.From(r) == inner.From(r) {
			t.Fatal("two managers share one session")
		}
		outer.From(r).Set("theme", "dark")
		inner.From(r).Set("user", "alice")
	})
	if testkit.OneCookie(t, resp, "prefs") == nil || testkit.OneCookie(t, resp, "auth") == nil {
		t.Fatalf("Set-Cookie %q, want prefs and auth", resp.Header.Values("Set-Cookie"))
	}
	var theme, user, crossTheme, crossUser any
	v.Get(func(w http.ResponseWriter, r *http.Request) {
		theme, _ = outer.From(r).Get("theme")
		user, _ = inner.From(r).Get("user")
		crossTheme, _ = inner.From(r).Get("theme")
		crossUser, _ = outer.From(r).Get("user")
	})
	if theme != "dark" || user != "alice" || crossTheme != nil || crossUser != nil {
		t.Errorf("theme=%v user=%v; inner saw theme=%v, outer saw user=%v", theme, user, crossTheme, crossUser)
	}
}

// TestRequestContextKeepsItsParent: the context the handler gets carries
// the session and everything the request's context carried before the
// middleware: values of outer middleware, the deadline, and cancellation.
func TestRequestContextKeepsItsParent(t *testing.T) {
	m, err := session.New(session.Config{Secret: primarySecret})
	if err != nil {
		t.Fatal(err)
	}
	type key struct{}
	deadline := time.Now().Add(time.Hour)
	parent, cancel := context.WithDeadline(context.WithValue(context.Background(), key{}, "outer"), deadline)
	var value any
	var gotDeadline time.Time
	var errBefore, errAfter error
	var s *session.Session
	h := m.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		value, s = ctx.Value(key{}), session.From(r)
		gotDeadline, _ = ctx.Deadline()
		errBefore = ctx.Err()
		cancel()
		<-ctx.Done()
		errAfter = ctx.Err()
	}))
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/", nil).WithContext(parent))
	if value != "outer" || s == nil || !gotDeadline.Equal(deadline) || errBefore != nil || !errors.Is(errAfter, context.Canceled) {
		t.Errorf("value %v, session %v, deadline %v (want %v), Err %v then %v (want nil, then Canceled)", value, s, gotDeadline, deadline, errBefore, errAfter)
	}
}

func TestConcurrentUseWithinOneRequest(t *testing.T) {
	a := testkit.NewApp(t, nil)
	do := a.Browser().Get
	const n = 16
	do(func(w http.ResponseWriter, req *http.Request) {
		s := session.From(req)
		var wg sync.WaitGroup
		for i := range n {
			wg.Go(func() {
				key := fmt.Sprintf("k%02d", i)
				if err := s.Set(key, i); err != nil {
					t.Error(err)
				}
				s.Get(key)
				session.Get[int](s, key)
				s.Has(key)
				s.Len()
				s.Keys()
				s.Flash("", key)
				s.Modified()
				s.Accessed()
			})
		}
		wg.Wait()
	})
	var keys []string
	var flashes []session.Flash
	do(func(w http.ResponseWriter, req *http.Request) {
		s := session.From(req)
		keys, flashes = s.Keys(), s.Flashes()
		for i := range n {
			if v, _ := session.Get[int](s, fmt.Sprintf("k%02d", i)); v != i {
				t.Errorf("k%02d = %d, want %d", i, v, i)
			}
		}
	})
	if len(keys) != n || len(flashes) != n {
		t.Errorf("%d keys and %d flashes saved, want %d of each", len(keys), len(flashes), n)
	}
}

func TestFlashesAreReadOnce(t *testing.T) {
	a := testkit.NewApp(t, nil)
	do := a.Browser().Get
	do(func(w http.ResponseWriter, req *http.Request) {
		s := session.From(req)
		s.Flash("", "Welcome back")
		s.Flash("error", "Card declined")
	})
	var first, again []session.Flash
	resp := do(func(w http.ResponseWriter, req *http.Request) {
		s := session.From(req)
		first, again = s.Flashes(), s.Flashes()
	})
	want := []session.Flash{{Category: "message", Message: "Welcome back"}, {Category: "error", Message: "Card declined"}}
	if !slices.Equal(first, want) {
		t.Errorf("Flashes() = %v, want %v (empty category is \"message\")", first, want)
	}
	if again != nil {
		t.Errorf("second Flashes() in the same request = %v, want nil", again)
	}
	if c := testkit.OneCookie(t, resp, "session"); c == nil || c.MaxAge >= 0 {
		t.Errorf("reading the last flashes must delete the now empty session cookie; got %v", c)
	}
	var later []session.Flash
	do(func(w http.ResponseWriter, req *http.Request) { later = session.From(req).Flashes() })
	if later != nil {
		t.Errorf("Flashes() on the next request = %v, want nil", later)
	}
}

func TestFlashesKeepValues(t *testing.T) {
	a := testkit.NewApp(t, nil)
	do := a.Browser().Get
	do(func(w http.ResponseWriter, req *http.Request) {
		s := session.From(req)
		s.Set("user", "alice")
		s.Flash("info", "saved")
	})
	resp := do(func(w http.ResponseWriter, req *http.Request) { session.From(req).Flashes() })
	if c := testkit.OneCookie(t, resp, "session"); c == nil || c.MaxAge != 0 {
		t.Fatalf("after reading flashes the session must be rewritten, not deleted; got %v", c)
	}
	var user any
	var fl []session.Flash
	do(func(w http.ResponseWriter, req *http.Request) {
		s := session.From(req)
		user, _ = s.Get("user")
		fl = s.Flashes()
	})
	if user != "alice" || fl != nil {
		t.Errorf("user=%v flashes=%v, want alice and none", user, fl)
	}
}

func TestRenewReissuesCookieKeepingData(t *testing.T) {
	a := testkit.NewApp(t, nil)
	c := a.Issue(func(s *session.Session) { s.Set("user", "alice") })
	var modified bool
	resp := a.Serve(func(w http.ResponseWriter, req *http.Request) {
		s := session.From(req)
		if err := s.Renew(); err != nil {
			t.Error(err)
		}
		modified = s.Modified()
	}, c)
	renewed := testkit.OneCookie(t, resp, "session")
	if renewed == nil || renewed.Value == c.Value {
		t.Fatalf("Renew gave cookie %v, want a new value", renewed)
	}
	if !modified {
		t.Error("Modified() false after Renew")
	}
	var user any
	a.Serve(func(w http.ResponseWriter, req *http.Request) { user, _ = session.From(req).Get("user") }, renewed)
	if user != "alice" {
		t.Errorf("after Renew user=%v, want alice", user)
	}
}

func TestDestroyEndsSession(t *testing.T) {
	a := testkit.NewApp(t, nil)
	do := a.Browser().Get
	do(func(w http.ResponseWriter, req *http.Request) {
		s := session.From(req)
		s.Set("user", "alice")
		s.SetPermanent(true)
	})
	resp := do(func(w http.ResponseWriter, req *http.Request) {
		if err := session.From(req).Destroy(); err != nil {
			t.Error(err)
		}
	})
	c := testkit.OneCookie(t, resp, "session")
	if c == nil || c.MaxAge >= 0 || !strings.Contains(resp.Header.Get("Set-Cookie"), "Max-Age=0") {
		t.Fatalf("Destroy: Set-Cookie %q, want a deletion cookie", resp.Header.Values("Set-Cookie"))
	}
	var isNew bool
	var n int
	do(func(w http.ResponseWriter, req *http.Request) {
		s := session.From(req)
		isNew, n = s.IsNew(), s.Len()
	})
	if !isNew || n != 0 {
		t.Errorf("after Destroy: IsNew=%v Len=%d, want a new empty session", isNew, n)
	}
}

func TestDestroyThenSetStartsFreshSession(t *testing.T) {
	a := testkit.NewApp(t, nil)
	c := a.Issue(func(s *session.Session) {
		s.Set("user", "alice")
		s.SetPermanent(true)
	})
	resp := a.Serve(func(w http.ResponseWriter, req *http.Request) {
		s := session.From(req)
		s.Destroy()
		s.Set("note", "bye")
	}, c)
	fresh := testkit.OneCookie(t, resp, "session")
	if fresh == nil || fresh.MaxAge != 0 {
		t.Fatalf("Destroy then Set: cookie %v, want a new browser-session cookie", fresh)
	}
	var keys []string
	a.Serve(func(w http.ResponseWriter, req *http.Request) { keys = session.From(req).Keys() }, fresh)
	if !slices.Equal(keys, []string{"note"}) {
		t.Errorf("keys %q after Destroy then Set, want only note", keys)
	}
}

func TestIsNewModifiedAccessed(t *testing.T) {
	a := testkit.NewApp(t, nil)
	type flags struct{ accessed, isNew, modified bool }
	var before, afterRead, afterSet flags
	c := a.Issue(func(s *session.Session) {
		before = flags{s.Accessed(), false, s.Modified()}
		afterRead = flags{false, s.IsNew(), s.Modified()}
		afterRead.accessed = s.Accessed()
		s.Set("k", "v")
		afterSet = flags{s.Accessed(), s.IsNew(), s.Modified()}
	})
	if before != (flags{}) {
		t.Errorf("before any use: %+v, want nothing set", before)
	}
	if afterRead != (flags{accessed: true, isNew: true}) {
		t.Errorf("after IsNew on a first visit: %+v", afterRead)
	}
	if afterSet != (flags{true, true, true}) {
		t.Errorf("after Set: %+v", afterSet)
	}
	var second flags
	a.Serve(func(w http.ResponseWriter, req *http.Request) {
		s := session.From(req)
		second.isNew = s.IsNew()
		second.accessed, second.modified = s.Accessed(), s.Modified()
	}, c)
	if second != (flags{accessed: true}) {
		t.Errorf("returning visitor, nothing changed: %+v", second)
	}
}

func TestSetRefusesValuesJSONCannotHold(t *testing.T) {
	a := testkit.NewApp(t, nil)
	resp := a.Serve(func(w http.ResponseWriter, req *http.Request) {
		s := session.From(req)
		if err := s.Set("ch", make(chan int)); err == nil || !strings.HasPrefix(err.Error(), "session: ") {
			t.Errorf("Set(chan) = %v, want a session: error", err)
		}
		if s.Modified() || s.Has("ch") {
			t.Error("a refused Set changed the session")
		}
	})
	if got := resp.Header.Values("Set-Cookie"); len(got) != 0 {
		t.Errorf("Set-Cookie %q after a refused Set", got)
	}
}

// TestRealBrowserFlow runs a log-in, counter and log-out over a real TLS
// server with a real client and cookie jar.
func TestRealBrowserFlow(t *testing.T) {
	a := testkit.NewApp(t, nil)
	mux := http.NewServeMux()
	mux.HandleFunc("/login", func(w http.ResponseWriter, req *http.Request) {
		s := session.From(req)
		s.Renew()
		s.Set("user", "alice")
		s.SetPermanent(true)
		s.Flash("", "Welcome")
	})
	mux.HandleFunc("/count", func(w http.ResponseWriter, req *http.Request) {
		s := session.From(req)
		n, _ := session.Get[int](s, "n")
		s.Set("n", n+1)
		user, _ := session.Get[string](s, "user")
		fmt.Fprintf(w, "%s %d %d", user, n+1, len(s.Flashes()))
	})
	mux.HandleFunc("/logout", func(w http.ResponseWriter, req *http.Request) { session.From(req).Destroy() })
	srv := httptest.NewTLSServer(a.M.Handler(mux))
	defer srv.Close()
	client := srv.Client()
	client.Jar, _ = cookiejar.New(nil)
	get := func(path string) string {
		t.Helper()
		resp, err := client.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return string(b)
	}
	get("/login")
	for _, want := range []string{"alice 1 1", "alice 2 0", "alice 3 0"} {
		if got := get("/count"); got != want {
			t.Errorf("/count = %q, want %q", got, want)
		}
	}
	get("/logout")
	if got := get("/count"); got != " 1 0" {
		t.Errorf("/count after log-out = %q, want a fresh session", got)
	}
}
