package session_test

import (
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/websession/session/internal/state"
	"github.com/websession/session/internal/testkit"

	session "github.com/websession/session"
	"github.com/websession/session/flask"
	"github.com/websession/session/store/memstore"
)

func userOf(a *testkit.App, c *http.Cookie) string {
	var user string
	a.Serve(func(w http.ResponseWriter, req *http.Request) { user = session.From(req).User() }, c)
	return user
}

func TestSetUserBindsAndClearUnbinds(t *testing.T) {
	a := testkit.NewApp(t, nil)
	c := a.Issue(func(s *session.Session) {
		s.Set("cart", []int{1})
		if err := s.SetUser("alice"); err != nil {
			t.Fatal(err)
		}
	})
	if got := userOf(a, c); got != "alice" {
		t.Fatalf("User() on the next request = %q, want alice", got)
	}
	resp := a.Serve(func(w http.ResponseWriter, req *http.Request) { session.From(req).Clear() }, c)
	if cs := testkit.Cookies(resp, "session"); len(cs) != 1 || cs[0].MaxAge >= 0 {
		t.Fatalf("Clear of a signed-in session with one value should delete the cookie (log-out), got %v", cs)
	}
}

func TestSetUserRefusesBadNames(t *testing.T) {
	a := testkit.NewApp(t, nil)
	for _, name := range []string{strings.Repeat("x", state.MaxUserSize+1), "bad\xff"} {
		a.Serve(func(w http.ResponseWriter, req *http.Request) {
			if err := session.From(req).SetUser(name); err == nil {
				t.Errorf("SetUser(%q) accepted", name)
			}
		})
	}
}

func TestSetUserRenewsServerSideID(t *testing.T) {
	a := testkit.NewStoreApp(t, memstore.New(), nil)
	c1 := testkit.OneCookie(t, a.Get(serverSite, "/set?cart=1", ""), "session")
	resp := a.Serve(func(w http.ResponseWriter, req *http.Request) { session.From(req).SetUser("alice") }, c1)
	c2 := testkit.OneCookie(t, resp, "session")
	if c2 == nil || c2.Value == c1.Value {
		t.Fatal("SetUser did not give the session a new ID (fixation defence)")
	}
}

// revocationApp is an App of cookie sessions whose Revocations store
// counts its reads.
func revocationApp(t *testing.T) (*testkit.App, *testkit.CountingStore) {
	rev := &testkit.CountingStore{Store: memstore.New()}
	return testkit.NewApp(t, func(c *session.Config) { c.Revocations = rev }), rev
}

func signIn(a *testkit.App, user string) *http.Cookie {
	return a.Issue(func(s *session.Session) {
		s.Set("cart", []int{1, 2})
		s.SetUser(user)
	})
}

func TestDestroyUserRevokesCookieSessions(t *testing.T) {
	for _, format := range cookieFormats() {
		t.Run(format.name, func(t *testing.T) {
			rev := &testkit.CountingStore{Store: memstore.New()}
			a := testkit.NewApp(t, func(c *session.Config) { c.Revocations = rev; c.Format = format.format })
			laptop, phone, bob := signIn(a, "alice"), signIn(a, "alice"), signIn(a, "bob")
			a.Clock.Advance(time.Second)

			if _, err := a.M.DestroyUser(t.Context(), "alice"); err != nil {
				t.Fatal(err)
			}
			for _, c := range []*http.Cookie{laptop, phone} {
				if got := userOf(a, c); got != "" {
					t.Fatal("a cookie of alice signed in before DestroyUser still gives her session")
				}
			}
			if !strings.Contains(a.Log.String(), "revoked") {
				t.Error("no security event logged for a revoked cookie")
			}
			if got := userOf(a, bob); got != "bob" {
				t.Fatal("DestroyUser of alice ended bob's session")
			}
			again := signIn(a, "alice")
			if got := userOf(a, again); got != "alice" {
				t.Fatal("alice cannot sign in again after DestroyUser")
			}
		})
	}
}

func TestDestroyOthersKeepsTheCurrentCookieSession(t *testing.T) {
	a, _ := revocationApp(t)
	laptop, phone := signIn(a, "alice"), signIn(a, "alice")
	a.Clock.Advance(time.Second)
	resp := a.Serve(func(w http.ResponseWriter, req *http.Request) {
		if _, err := session.From(req).DestroyOthers(); err != nil {
			t.Fatal(err)
		}
	}, phone)
	phone = testkit.OneCookie(t, resp, "session")
	if phone == nil {
		t.Fatal("DestroyOthers did not reissue the current cookie")
	}
	a.Clock.Advance(time.Second)
	if got := userOf(a, phone); got != "alice" {
		t.Fatal("DestroyOthers ended the session that called it")
	}
	if got := userOf(a, laptop); got != "" {
		t.Fatal("DestroyOthers left another cookie session of the user valid")
	}
}

func TestRevocationCostsOneReadPerSignedInRequest(t *testing.T) {
	a, rev := revocationApp(t)
	anon := a.Issue(func(s *session.Session) { s.Set("cart", 1) })
	alice := signIn(a, "alice")
	rev.Loads.Store(0)
	for range 5 {
		userOf(a, anon)
	}
	if n := rev.Loads.Load(); n != 0 {
		t.Fatalf("anonymous requests read the revocation store %d times, want 0", n)
	}
	for range 5 {
		userOf(a, alice)
	}
	if n := rev.Loads.Load(); n != 5 {
		t.Fatalf("5 signed-in requests read the revocation store %d times, want 5", n)
	}
}

func TestRevocationStoreOutageFailsClosed(t *testing.T) {
	a, rev := revocationApp(t)
	alice := signIn(a, "alice")
	rev.Fail.Store(true)
	var sawUser bool
	resp := a.Serve(func(w http.ResponseWriter, req *http.Request) {
		sawUser = session.From(req).User() != ""
		w.Write([]byte("page"))
	}, alice)
	if sawUser {
		t.Fatal("with the revocation store down the handler saw a signed-in session")
	}
	if resp.StatusCode != http.StatusInternalServerError {
		t.Fatalf("status %d with the revocation store down, want 500", resp.StatusCode)
	}
	if len(testkit.Cookies(resp, "session")) != 0 {
		t.Fatal("a cookie was sent while the revocation store was down")
	}
}

func TestUserFunctionsSayWhatIsMissing(t *testing.T) {
	a := testkit.NewApp(t, nil)
	if _, err := a.M.DestroyUser(t.Context(), "alice"); !errors.Is(err, session.ErrNotSupported) || !strings.Contains(err.Error(), "Revocations") {
		t.Fatalf("DestroyUser on cookie sessions without Revocations: %v", err)
	}
	if _, err := a.M.Sessions(t.Context(), "alice"); !errors.Is(err, session.ErrNotSupported) {
		t.Fatalf("Sessions on cookie sessions: %v", err)
	}
	a.Serve(func(w http.ResponseWriter, req *http.Request) {
		if _, err := session.From(req).DestroyOthers(); err == nil || !strings.Contains(err.Error(), "SetUser") {
			t.Errorf("DestroyOthers on an anonymous session: %v", err)
		}
	})
}

func TestAgentSummaries(t *testing.T) {
	a := testkit.NewStoreApp(t, memstore.New(), nil)
	for ua, want := range map[string]string{
		"Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0":                                                      "Firefox on Linux",
		"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36 Edg/130.0.0": "Edge on Windows",
		"Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/604.1":   "Safari on iPhone",
		"Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Mobile Safari/537.36":                "Chrome on Android",
		"curl/8.5.0":                     "curl",
		"":                               "Unknown browser",
		strings.Repeat("<script>", 1000): "Other client",
	} {
		req := newRequestWithAgent(ua)
		resp := a.ServeRequest(func(w http.ResponseWriter, req *http.Request) { session.From(req).SetUser("alice") }, req)
		c := testkit.OneCookie(t, resp, "session")
		rec, err := a.Store.Store.Load(t.Context(), state.StoreKey(c.Value))
		if err != nil {
			t.Fatal(err)
		}
		info, err := state.Describe(state.StoreKey(c.Value), rec.Data, rec.Expires)
		if err != nil {
			t.Fatal(err)
		}
		if info.Agent != want {
			t.Errorf("agent of %.40q = %q, want %q", ua, info.Agent, want)
		}
	}
}

// cookieFormats are the cookie formats the user functions are checked with.
func cookieFormats() []struct {
	name   string
	format session.Format
} {
	return []struct {
		name   string
		format session.Format
	}{{"encrypted", session.Encrypted}, {"signed", session.Signed}, {"flask", flask.Format()}}
}

func newRequestWithAgent(ua string) *http.Request {
	req := httptest.NewRequest("GET", "/", nil)
	req.Header.Set("User-Agent", ua)
	return req
}

func TestSessionsListsTheMostRecentlyUsedFirst(t *testing.T) {
	a := testkit.NewApp(t, func(c *session.Config) { c.Store = memstore.New() })
	var handles []string
	for range 3 {
		c := a.Issue(func(s *session.Session) { s.SetUser("alice") })
		handles = append(handles, state.StoreKey(c.Value))
		a.Clock.Advance(time.Minute)
	}
	infos, err := a.M.Sessions(t.Context(), "alice")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, in := range infos {
		got = append(got, in.Handle)
	}
	if want := []string{handles[2], handles[1], handles[0]}; !slices.Equal(got, want) {
		t.Fatalf("Sessions lists %q, want the newest first: %q", got, want)
	}
}

// TestFreshFollowsTheSignIn: Fresh is false for an anonymous session, true
// after SetUser in every cookie format and on a server store, and false
// again after SetUser(""). With the Flask format it follows Flask-Login: a
// request from another browser (another User-Agent) with the same cookie
// is not fresh.
func TestFreshFollowsTheSignIn(t *testing.T) {
	type target struct {
		name string
		mod  func(*session.Config)
	}
	targets := []target{{"store", func(c *session.Config) { c.Store = memstore.New() }}}
	for _, f := range cookieFormats() {
		targets = append(targets, target{f.name, func(c *session.Config) { c.Format = f.format }})
	}
	for _, tg := range targets {
		t.Run(tg.name, func(t *testing.T) {
			a := testkit.NewApp(t, tg.mod)
			fresh := func(ua string, fn func(s *session.Session), c ...*http.Cookie) (bool, *http.Response) {
				req := httptest.NewRequest("GET", "https://example.test/", nil)
				req.Header.Set("User-Agent", ua)
				for _, c := range c {
					req.AddCookie(c)
				}
				var got bool
				resp := a.ServeRequest(func(w http.ResponseWriter, req *http.Request) {
					s := session.From(req)
					if fn != nil {
						fn(s)
					}
					got = s.Fresh()
				}, req)
				return got, resp
			}
			got, resp := fresh("Browser/1", func(s *session.Session) {
				if s.Fresh() {
					t.Error("an anonymous session is fresh")
				}
				s.SetUser("alice")
			})
			if !got {
				t.Fatal("not fresh right after SetUser")
			}
			c := testkit.Cookies(resp, "session")[0]
			if got, _ := fresh("Browser/1", nil, c); !got {
				t.Error("not fresh on the next request of the same browser")
			}
			got, _ = fresh("Browser/2", nil, c)
			if wantOther := tg.name != "flask"; got != wantOther {
				t.Errorf("another browser with the same cookie: fresh %v, want %v", got, wantOther)
			}
			if got, _ := fresh("Browser/1", func(s *session.Session) { s.SetUser("") }, c); got {
				t.Error("fresh after SetUser(\"\")")
			}
		})
	}
}

// With the Flask format, SetUser writes the keys Flask-Login's login_user()
// writes, and Fresh reads them as Flask-Login would.
func ExampleSession_Fresh() {
	m, _ := session.New(session.Config{Secret: []byte("the Flask app's SECRET_KEY, 32 bytes or more"), Format: flask.Format()})
	h := m.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s := session.From(r)
		if r.URL.Path == "/login" {
			s.SetUser("42")
		}
		fmt.Println(s.User(), s.Fresh(), s.Keys())
	}))
	login := httptest.NewRecorder()
	h.ServeHTTP(login, httptest.NewRequest("GET", "/login", nil))
	// The same cookie from another browser: Flask-Login's "basic"
	// protection would mark the log-in not fresh.
	req := httptest.NewRequest("GET", "/", nil)
	req.Header.Set("User-Agent", "Another/1.0")
	req.AddCookie(login.Result().Cookies()[0])
	h.ServeHTTP(httptest.NewRecorder(), req)
	// Output:
	// 42 true [_fresh _id]
	// 42 false [_fresh _id]
}
