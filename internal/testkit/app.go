package testkit

import (
	"cmp"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"testing"

	"github.com/websession/session"
)

// Secret is the Config.Secret of an App's Manager unless its test sets
// another.
var Secret = []byte("primary-secret-for-cookie-tests!")

// Origin is where an App's requests are addressed.
const Origin = "https://example.test"

// App is a Manager under test: made from a Config with Secret, a Clock and
// a logger into a LogSink, it serves one request at a time through a
// handler the test gives and returns the response.
type App struct {
	M     *session.Manager
	Clock *Clock
	Log   *LogSink
	// Store and Spy are the Manager's Config.Store in an App of NewStoreApp:
	// Spy records the keys, over Store, which counts the calls and fails
	// them on demand, over the real store. Nil in an App of NewApp.
	Store *CountingStore
	Spy   *KeySpy

	t      testing.TB
	cookie string // the session cookie's name
}

// NewApp returns an App whose Manager has Secret, the App's Clock and a
// logger into its Log, as changed by edit (nil for no change).
func NewApp(t testing.TB, edit func(*session.Config)) *App {
	t.Helper()
	return newApp(t, nil, edit)
}

// NewStoreApp returns an App whose Manager keeps sessions in st behind a
// CountingStore and a KeySpy, which hide st's optional interfaces but
// Toucher. edit (nil for none) may change the rest of the Config.
func NewStoreApp(t testing.TB, st session.Store, edit func(*session.Config)) *App {
	t.Helper()
	return newApp(t, st, edit)
}

func newApp(t testing.TB, st session.Store, edit func(*session.Config)) *App {
	t.Helper()
	a := &App{t: t, Clock: NewClock(), Log: &LogSink{}}
	cfg := session.Config{Secret: Secret, Now: a.Clock.Now, Logger: a.Log.Logger()}
	if st != nil {
		a.Store = &CountingStore{Store: st}
		a.Spy = &KeySpy{Store: a.Store}
		cfg.Store = a.Spy
	}
	if edit != nil {
		edit(&cfg)
	}
	m, err := session.New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	a.M, a.cookie = m, cmp.Or(cfg.Cookie.Name, "session")
	return a
}

// Request returns a GET of target (a path and query) at Origin carrying
// the Cookie header given ("" for none).
func Request(target, cookieHeader string) *http.Request {
	req := httptest.NewRequest("GET", Origin+target, nil)
	if cookieHeader != "" {
		req.Header["Cookie"] = []string{cookieHeader}
	}
	return req
}

// ServeRequest runs req through the Manager and h and returns the
// response.
func (a *App) ServeRequest(h http.HandlerFunc, req *http.Request) *http.Response {
	rec := httptest.NewRecorder()
	a.M.Handler(h).ServeHTTP(rec, req)
	return rec.Result()
}

// Serve runs a request for / carrying cookies through the Manager and h.
func (a *App) Serve(h http.HandlerFunc, cookies ...*http.Cookie) *http.Response {
	req := Request("/", "")
	for _, c := range cookies {
		req.AddCookie(c)
	}
	return a.ServeRequest(h, req)
}

// Get runs a request for target with the Cookie header given ("" for
// none) through the Manager and h.
func (a *App) Get(h http.HandlerFunc, target, cookieHeader string) *http.Response {
	return a.ServeRequest(h, Request(target, cookieHeader))
}

// Issue serves a request whose handler is set and returns the session
// cookie it got; the test fails unless there is one.
func (a *App) Issue(set func(s *session.Session)) *http.Cookie {
	a.t.Helper()
	resp := a.Serve(func(w http.ResponseWriter, req *http.Request) { set(session.From(req)) })
	c := OneCookie(a.t, resp, a.cookie)
	if c == nil {
		a.t.Fatal("no session cookie was issued")
	}
	return c
}

// Browser returns a visitor of the App's Manager.
func (a *App) Browser() *Browser { return NewBrowser(a.t, a.M.Handler) }

// Browser is a visitor with a real cookie jar: each request carries the
// jar's cookies for Origin and stores those its response sets.
type Browser struct {
	jar  *cookiejar.Jar
	wrap func(http.Handler) http.Handler
}

// NewBrowser returns a Browser whose requests go through wrap, the
// middleware in front of each request's handler.
func NewBrowser(t testing.TB, wrap func(http.Handler) http.Handler) *Browser {
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &Browser{jar: jar, wrap: wrap}
}

// Get requests / and serves it with h.
func (b *Browser) Get(h http.HandlerFunc) *http.Response { return b.Visit("/", h) }

// Visit requests target (a path and query) and serves it with h.
func (b *Browser) Visit(target string, h http.HandlerFunc) *http.Response {
	req := Request(target, "")
	u, _ := url.Parse(Origin + "/")
	for _, c := range b.jar.Cookies(u) {
		req.AddCookie(c)
	}
	rec := httptest.NewRecorder()
	b.wrap(h).ServeHTTP(rec, req)
	resp := rec.Result()
	b.jar.SetCookies(u, resp.Cookies())
	return resp
}

// Text returns the body of resp.
func Text(resp *http.Response) string {
	b, _ := io.ReadAll(resp.Body)
	return string(b)
}

// Cookies returns the response's Set-Cookie headers for name.
func Cookies(resp *http.Response, name string) []*http.Cookie {
	var out []*http.Cookie
	for _, c := range resp.Cookies() {
		if c.Name == name {
			out = append(out, c)
		}
	}
	return out
}

// OneCookie returns the response's Set-Cookie for name, nil when there is
// none, and fails the test when there are several.
func OneCookie(t testing.TB, resp *http.Response, name string) *http.Cookie {
	t.Helper()
	cs := Cookies(resp, name)
	if len(cs) > 1 {
		t.Fatalf("%d Set-Cookie headers for %q, want at most one: %q", len(cs), name, resp.Header.Values("Set-Cookie"))
	}
	if len(cs) == 0 {
		return nil
	}
	return cs[0]
}
