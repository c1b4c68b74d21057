package sessiontest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/websession/session/internal/state"
	"github.com/websession/session/internal/testkit"

	"github.com/websession/session"
)

// concurrentRequests is how many requests of one visitor the concurrency
// checks run at once.
const concurrentRequests = 50

// RunConcurrentRequests checks, over real HTTP, that a Manager on the store
// newStore returns loses no update when one visitor's requests overlap, and
// that a request running while the session ends cannot bring it back:
//
//   - DistinctKeys: 50 concurrent requests each set a key of their own;
//     afterwards all 50 keys are in the session.
//   - Update: 50 concurrent requests increment one counter with
//     session.Update; afterwards it is 50.
//   - NoResurrection: a request that loaded the session before another
//     request destroyed (or renewed, with a RenewGrace of -1) it commits a change
//     afterwards; the old cookie still gives an empty session and nothing
//     is stored under it.
//   - RenewGrace: requests still carrying the old ID right after a renewal
//     keep working, without overwriting the new cookie: with the same user
//     their changes reach the renewed session; after a change of user (log-
//     in) they see the old data and their changes are dropped. After the
//     window the old ID is dead.
//   - RenewedAwayIDCannotTakeOver: within that window, requests with the
//     old ID that renew or re-bind the session get no cookie and change
//     nothing; the current ID stays signed in after the window.
//   - DuplicateSave: a save delivered to the store twice, as a client
//     library that timed out sends it again, is applied once, also when
//     another request's save lands between the two copies.
//
// RenewGrace and RenewedAwayIDCannotTakeOver each sleep once, 2.5 seconds,
// to see the window end; RunConcurrentRequestsWithClock does not.
func RunConcurrentRequests(t *testing.T, newStore func(t *testing.T) session.Store) {
	runConcurrentRequests(t, newStore, func(t *testing.T) (session.Store, clock) { return newStore(t), clock{} })
}

// RunConcurrentRequestsWithClock is RunConcurrentRequests for a store that
// reads the time from a function its test sets, as RunStoreWithClock
// describes. RenewGrace and RenewedAwayIDCannotTakeOver give their store
// and their Manager (Config.Now) one clock, which stands still until they
// move it past the end of RenewGrace instead of sleeping. The other
// subtests run on stores whose now is time.Now.
func RunConcurrentRequestsWithClock(t *testing.T, newStore func(t *testing.T, now func() time.Time) session.Store) {
	runConcurrentRequests(t,
		func(t *testing.T) session.Store { return newStore(t, time.Now) },
		func(t *testing.T) (session.Store, clock) {
			c := clock{fake: testkit.NewClock()}
			return newStore(t, c.fake.Now), c
		})
}

// runConcurrentRequests runs the checks on the stores newStore returns,
// and the checks that wait for RenewGrace to end on those newClocked
// returns, each with the clock it reads.
func runConcurrentRequests(t *testing.T, newStore func(t *testing.T) session.Store, newClocked func(t *testing.T) (session.Store, clock)) {
	t.Run("DistinctKeys", func(t *testing.T) {
		c := newClientApp(t, newStore(t), nil)
		c.get("/set?k=start")
		c.parallel(func(i int) string { return "/set?k=key" + strconv.Itoa(i) })
		n := c.get("/len")
		if want := strconv.Itoa(concurrentRequests + 1); n != want {
			t.Fatalf("after %d concurrent writes of distinct keys the session holds %s keys, want %s", concurrentRequests, n, want)
		}
	})
	t.Run("Update", func(t *testing.T) {
		c := newClientApp(t, newStore(t), nil)
		c.get("/incr")
		c.parallel(func(int) string { return "/incr" })
		if got, want := c.get("/count"), strconv.Itoa(concurrentRequests+1); got != want {
			t.Fatalf("after %d concurrent increments the counter is %s, want %s", concurrentRequests+1, got, want)
		}
	})
	for _, tc := range []struct{ end, slow string }{
		{"destroy", "/slow"},
		{"renew", "/slow"},
		{"destroy", "/slowrenew"}, // the slow request renews the ended session
	} {
		end := tc.end
		t.Run("NoResurrectionAfter_"+end+strings.ReplaceAll(tc.slow, "/slow", "_"), func(t *testing.T) {
			loaded := make(chan struct{})
			ended := make(chan struct{})
			st := newStore(t)
			c := newClientApp(t, st, func(path string) {
				if path == tc.slow {
					close(loaded)
					waitOrEnd(t, ended)
				}
			})
			c.get("/set?k=user")
			oldCookie := c.cookie()
			done := c.goSend(tc.slow, oldCookie)
			awaitHook(t, tc.slow, loaded, done)
			c.getWithCookie("/"+end, oldCookie)
			close(ended)
			slow := <-done
			if slow.err != nil {
				t.Fatal(slow.err)
			}
			if slow.setCookie != "" && !strings.Contains(slow.setCookie, "Max-Age=0") {
				t.Fatalf("after %s, a request that loaded the session earlier sent a session cookie: %s", end, slow.setCookie)
			}
			if n := c.getWithCookie("/len", oldCookie); n != "0" {
				t.Fatalf("after %s, a request that loaded the session earlier brought it back: the old cookie gives %s keys", end, n)
			}
			if _, err := st.Load(context.Background(), state.StoreKey(oldCookie)); err == nil {
				t.Fatalf("after %s the store still holds a record under the old ID", end)
			}
		})
	}
	t.Run("RenewGrace", func(t *testing.T) { testRenewGrace(t, newClocked) })
	t.Run("RenewedAwayIDCannotTakeOver", func(t *testing.T) { testRenewedAwayIDCannotTakeOver(t, newClocked) })
	t.Run("DuplicateSave", func(t *testing.T) { testDuplicateSave(t, newStore) })
}

// testRenewGrace runs the RenewGrace check: one session renewed with its
// user kept, one renewed at log-in, each with a request in flight that
// loaded it before the renewal and one that arrives with the old cookie
// after it.
func testRenewGrace(t *testing.T, newClocked func(t *testing.T) (session.Store, clock)) {
	const grace = 2 * time.Second
	st, clk := newClocked(t)
	type visitor struct {
		c              *clientApp
		oldID          string
		loaded, renewd chan struct{}
		slow           <-chan result
	}
	start := func(t *testing.T, setup string) *visitor {
		v := &visitor{loaded: make(chan struct{}), renewd: make(chan struct{})}
		v.c = newClientAppGrace(t, st, clk, grace, func(path string) {
			close(v.loaded)
			waitOrEnd(t, v.renewd)
		})
		v.c.get(setup)
		v.oldID = v.c.cookie()
		v.slow = v.c.goSend("/slow", v.oldID)
		awaitHook(t, "/slow", v.loaded, v.slow)
		return v
	}
	finish := func(t *testing.T, v *visitor) {
		t.Helper()
		close(v.renewd)
		if r := <-v.slow; r.err != nil {
			t.Fatal(r.err)
		}
	}
	// Same user: a periodic renewal of a signed-in session.
	same := start(t, "/login?u=alice")
	same.c.get("/renew")
	if same.c.cookie() == same.oldID {
		t.Fatal("Renew did not issue a new ID")
	}
	finish(t, same)
	if got := same.c.getWithCookie("/user", same.oldID); got != "alice" {
		t.Fatalf("within RenewGrace the old ID of a renewed session gives user %q, want alice (logged out)", got)
	}
	if got := same.c.getWithCookieHeader("/set?k=early", same.oldID); got != "" {
		t.Fatalf("a request with the old ID within RenewGrace sent a Set-Cookie (%s), replacing the new cookie", got)
	}
	for _, k := range []string{"late", "early"} {
		if got := same.c.get("/has?k=" + k); got != "true" {
			t.Fatalf("the change %q made with the old ID of the same user's session during RenewGrace is missing from the renewed session", k)
		}
	}

	// Change of user: log-in of an anonymous visitor, whose pre-log-in
	// ID must never reach the signed-in session.
	login := start(t, "/set?k=cart")
	login.c.get("/login?u=bob")
	finish(t, login)
	if got := login.c.getWithCookie("/has?k=cart", login.oldID); got != "true" {
		t.Fatal("within RenewGrace the old ID of a visitor who just logged in gives an empty session")
	}
	if got := login.c.getWithCookie("/user", login.oldID); got != "" {
		t.Fatalf("the pre-log-in ID reaches the signed-in session (user %q)", got)
	}
	if got := login.c.getWithCookieHeader("/set?k=early", login.oldID); got != "" {
		t.Fatalf("a request with the pre-log-in ID sent a Set-Cookie (%s), replacing the new cookie", got)
	}
	for _, k := range []string{"late", "early"} {
		if got := login.c.get("/has?k=" + k); got != "false" {
			t.Fatalf("the change %q made with the pre-log-in ID reached the signed-in session", k)
		}
	}
	if got := login.c.get("/user"); got != "bob" {
		t.Fatalf("the signed-in session has user %q, want bob", got)
	}

	clk.sleep(grace + 500*time.Millisecond)
	for _, v := range []*visitor{same, login} {
		if n := v.c.getWithCookie("/len", v.oldID); n != "0" {
			t.Fatalf("after RenewGrace the old ID still gives a session of %s keys", n)
		}
		if _, err := st.Load(context.Background(), state.StoreKey(v.oldID)); err == nil {
			t.Fatal("after RenewGrace the store still returns a record under the old ID")
		}
	}
}

// clientApp is a Manager on a store behind a real HTTP server, and one
// visitor's cookie jar. Its get helpers, cookie and parallel fail the
// test on an error, so only the test goroutine may call them; other
// goroutines use send or goSend, which return the error instead.
type clientApp struct {
	t      *testing.T
	srv    *httptest.Server
	client *http.Client // with the visitor's jar
	noJar  *http.Client // for requests that carry a given session ID
}

// newClientApp serves: /set?k=K sets K, /len the number of keys, /incr
// increments "n" with Update, /count prints it, /destroy and /renew, and
// /slow, which loads the session, calls hook, then sets "late".
func newClientApp(t *testing.T, st session.Store, hook func(path string)) *clientApp {
	return newClientAppGrace(t, st, clock{}, -1, hook)
}

// newClientAppGrace is newClientApp with the given Config.RenewGrace, on
// the clock the store reads. It also serves /login?u=U, which binds the
// session to U, and /user.
func newClientAppGrace(t *testing.T, st session.Store, c clock, grace time.Duration, hook func(path string)) *clientApp {
	var now func() time.Time // the default, time.Now
	if c.fake != nil {
		now = c.fake.Now
	}
	m, err := session.New(session.Config{
		Secret:     []byte("sessiontest concurrency secret 0123456789"),
		Store:      st,
		Cookie:     session.CookieOptions{Insecure: true},
		Logger:     slog.New(slog.NewTextHandler(io.Discard, nil)),
		RenewGrace: grace,
		Now:        now,
	})
	if err != nil {
		t.Fatal(err)
	}
	h := m.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s := session.From(r)
		switch r.URL.Path {
		case "/set":
			s.Set(r.URL.Query().Get("k"), true)
		case "/len":
			fmt.Fprint(w, s.Len())
		case "/incr":
			session.Update(s, "n", func(n int, _ bool) int { return n + 1 })
		case "/count":
			n, _ := session.Get[int](s, "n")
			fmt.Fprint(w, n)
		case "/destroy":
			s.Destroy()
		case "/renew":
			if err := s.Renew(); err != nil {
				fmt.Fprint(w, err)
			}
		case "/login":
			if err := s.SetUser(r.URL.Query().Get("u")); err != nil {
				fmt.Fprint(w, err)
			}
		case "/user":
			fmt.Fprint(w, s.User())
		case "/has":
			fmt.Fprint(w, s.Has(r.URL.Query().Get("k")))
		case "/slow", "/slowrenew":
			s.Len()
			if hook != nil {
				hook(r.URL.Path)
			}
			if r.URL.Path == "/slowrenew" {
				s.Renew()
			}
			s.Set("late", true)
		}
	}))
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	jar, _ := cookiejar.New(nil)
	return &clientApp{
		t:      t,
		srv:    srv,
		client: &http.Client{Jar: jar, Timeout: 30 * time.Second},
		noJar:  &http.Client{Timeout: 30 * time.Second},
	}
}

// result is what one request got: its body and Set-Cookie header, or why
// it failed.
type result struct {
	body, setCookie string
	err             error
}

// send sends GET path with the visitor's cookie jar or, when id is not
// "", with that session ID and without the jar. A response other than 200
// is an error. send never touches the test, so any goroutine may call it.
func (c *clientApp) send(path, id string) result {
	req, err := http.NewRequest("GET", c.srv.URL+path, nil)
	if err != nil {
		return result{err: err}
	}
	client := c.client
	if id != "" {
		req.AddCookie(&http.Cookie{Name: state.DefaultCookieName, Value: id})
		client = c.noJar
	}
	resp, err := client.Do(req)
	if err != nil {
		return result{err: err}
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return result{err: fmt.Errorf("GET %s: reading the body: %w", path, err)}
	}
	if resp.StatusCode != http.StatusOK {
		return result{err: fmt.Errorf("GET %s: %s: %s", path, resp.Status, bytes.TrimSpace(body))}
	}
	return result{body: string(body), setCookie: resp.Header.Get("Set-Cookie")}
}

// goSend runs send in a new goroutine. The channel it returns has room for
// the result, so the goroutine ends even if the test has stopped waiting.
func (c *clientApp) goSend(path, id string) <-chan result {
	done := make(chan result, 1)
	go func() { done <- c.send(path, id) }()
	return done
}

// awaitHook waits until the request to path, whose result comes on done,
// reaches the handler's hook and closes reached. If the request ends
// without reaching it, the test fails with the request's error.
func awaitHook(t *testing.T, path string, reached <-chan struct{}, done <-chan result) {
	t.Helper()
	select {
	case <-reached:
	case r := <-done:
		if r.err == nil {
			r.err = fmt.Errorf("GET %s: the handler returned without reaching its hook", path)
		}
		t.Fatal(r.err)
	}
}

// waitOrEnd blocks a hook until release is closed or the test ends, so that
// a test that fails before releasing it does not leave a handler blocked,
// and the server's Close with it.
func waitOrEnd(t *testing.T, release <-chan struct{}) {
	select {
	case <-release:
	case <-t.Context().Done():
	}
}

// get sends GET path with the visitor's cookie jar and returns the body.
// Call it from the test goroutine only: it fails the test on an error.
func (c *clientApp) get(path string) string {
	c.t.Helper()
	r := c.send(path, "")
	if r.err != nil {
		c.t.Fatal(r.err)
	}
	return r.body
}

// getWithCookie sends the given session ID, bypassing the jar, and returns
// the body. Call it from the test goroutine only.
func (c *clientApp) getWithCookie(path, id string) string {
	c.t.Helper()
	r := c.send(path, id)
	if r.err != nil {
		c.t.Fatal(r.err)
	}
	return r.body
}

// getWithCookieHeader sends the given session ID, bypassing the jar, and
// returns the Set-Cookie header of the response. Call it from the test
// goroutine only.
func (c *clientApp) getWithCookieHeader(path, id string) string {
	c.t.Helper()
	r := c.send(path, id)
	if r.err != nil {
		c.t.Fatal(r.err)
	}
	return r.setCookie
}

// cookie returns the session ID in the visitor's jar. Call it from the
// test goroutine only.
func (c *clientApp) cookie() string {
	c.t.Helper()
	u, _ := url.Parse(c.srv.URL)
	for _, ck := range c.client.Jar.Cookies(u) {
		if ck.Name == state.DefaultCookieName {
			return ck.Value
		}
	}
	c.t.Fatal("no session cookie in the jar")
	return ""
}

// parallel runs concurrentRequests requests at once, path(i) each, and
// fails the test with every request that failed. Call it from the test
// goroutine only.
func (c *clientApp) parallel(path func(i int) string) {
	c.t.Helper()
	errs := make([]error, concurrentRequests)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range concurrentRequests {
		wg.Go(func() {
			<-start
			errs[i] = c.send(path(i), "").err
		})
	}
	close(start)
	wg.Wait()
	failed := 0
	for _, err := range errs {
		if err != nil {
			failed++
		}
	}
	if failed > 0 {
		c.t.Fatalf("%d of %d concurrent requests failed:\n%v", failed, concurrentRequests, errors.Join(errs...))
	}
}
