package flask_test

import (
	"encoding/json"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/websession/session"
	"github.com/websession/session/flask"
	"github.com/websession/session/store/memstore"
)

// This file runs a real Flask app and a Go app that share one cookie jar,
// for what a team moving a Flask app to Go meets at the seams: flashes Go
// passes on, Flask-Login's keys, AbsoluteTimeout, Flask's own keys.

var interopKey = []byte("the shared SECRET_KEY of the interop tests, 32+ bytes")

// goApp serves fn on every path behind a Manager with the Flask format.
func goApp(t *testing.T, cfg session.Config, fn func(w http.ResponseWriter, r *http.Request, s *session.Session)) string {
	t.Helper()
	cfg.Secret = interopKey
	cfg.Format = flask.Format()
	cfg.Cookie.Insecure = true // plain-HTTP loopback
	m, err := session.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(m.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fn(w, r, session.From(r))
	})))
	t.Cleanup(srv.Close)
	return srv.URL
}

// browser returns a client with jar that sends headers (a User-Agent, an
// X-Forwarded-For) with every request; a header set to "" is not sent.
func browser(jar http.CookieJar, headers map[string]string) *http.Client {
	return &http.Client{Jar: jar, Timeout: 10 * time.Second, Transport: headerTransport(headers)}
}

type headerTransport map[string]string

func (h headerTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	for k, v := range h {
		r.Header.Set(k, v) // "" for User-Agent: Go sends none
	}
	return http.DefaultTransport.RoundTrip(r)
}

func newJar(t *testing.T) http.CookieJar {
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return jar
}

// TestLiveUnchangedFlashesGoBackToFlask: Flask flashes a Markup link, the
// number 42 and a plain string; a Go handler that only sets a value (and
// one that adds a flash of its own) passes them on; Flask's next
// get_flashed_messages() returns each with its Python type, the Markup
// still Markup (so Jinja does not escape it) and 42 still an int.
func TestLiveUnchangedFlashesGoBackToFlask(t *testing.T) {
	flaskURL := startFlaskApp(t, interopKey)
	goURL := goApp(t, session.Config{}, func(w http.ResponseWriter, r *http.Request, s *session.Session) {
		if err := s.Set("x", 1); err != nil {
			t.Error(err)
		}
		if r.URL.Query().Get("flash") != "" {
			s.Flash("message", "from Go")
		}
	})
	rich := [][2]string{
		{"'html'", `Markup("<a href='/x'>link</a>")`},
		{"'message'", "42"},
		{"'info'", "'plain text'"},
	}
	for _, tc := range []struct {
		name, path string
		want       [][2]string
	}{
		{"Go sets a value", "/go/set", rich},
		{"Go adds a flash", "/go/set?flash=1", append(slices.Clone(rich), [2]string{"'message'", "'from Go'"})},
	} {
		t.Run(tc.name, func(t *testing.T) {
			client := browser(newJar(t), nil)
			getJSON(t, client, flaskURL+"/flask/flash-rich", nil)
			getJSON(t, client, goURL+tc.path, nil)
			var got [][2]string
			getJSON(t, client, flaskURL+"/flask/flashes", &got)
			if !slices.Equal(got, tc.want) {
				t.Fatalf("Flask's get_flashed_messages() after Go:\n got %q\nwant %q", got, tc.want)
			}
		})
	}
}

// loginView is what /flask/fl/current reports: the user Flask-Login loads
// under a protection mode, its freshness, and the session keys after.
type loginView struct {
	User              string
	Fresh             bool
	IdentifierMatches bool
	Keys              []string
}

// loginBrowsers are the request headers Flask-Login's identifier is made
// of, in the shapes that make its Python reprs differ.
var loginBrowsers = []struct {
	name    string
	headers map[string]string
}{
	{"User-Agent", map[string]string{"User-Agent": "Mozilla/5.0 (X11; Linux x86_64) live test"}},
	{"no User-Agent", map[string]string{"User-Agent": ""}},
	{"quote and non-ASCII in User-Agent", map[string]string{"User-Agent": "it's \"café\" \xe2\x98\x95"}},
	{"X-Forwarded-For", map[string]string{"User-Agent": "curl/8.0", "X-Forwarded-For": " 203.0.113.7 , 10.0.0.1"}},
}

// TestLiveGoSignInKeepsFlaskLoginSignedIn: a user signed in by Go's
// SetUser stays signed in, and fresh, under Flask-Login's "basic" and
// "strong" session protection, whatever the request's headers; the same
// cookie from another browser is logged out under "strong" protection
// (so the identifier Go wrote is the one Flask-Login checks). Go's
// SetUser("") removes Flask-Login's keys as logout_user() does.
func TestLiveGoSignInKeepsFlaskLoginSignedIn(t *testing.T) {
	flaskURL := startFlaskApp(t, interopKey)
	goURL := goApp(t, session.Config{}, func(w http.ResponseWriter, r *http.Request, s *session.Session) {
		switch r.URL.Path {
		case "/go/login":
			if err := s.SetUser("alice"); err != nil {
				t.Error(err)
			}
		case "/go/logout":
			if err := s.SetUser(""); err != nil {
				t.Error(err)
			}
		}
		json.NewEncoder(w).Encode(map[string]any{"User": s.User(), "Fresh": s.Fresh()})
	})
	for _, b := range loginBrowsers {
		t.Run(b.name, func(t *testing.T) {
			jar := newJar(t)
			client := browser(jar, b.headers)
			var g struct {
				User  string
				Fresh bool
			}
			getJSON(t, client, goURL+"/go/login", &g)
			if g.User != "alice" || !g.Fresh {
				t.Fatalf("Go after SetUser: %+v, want alice, fresh", g)
			}
			for _, mode := range []string{"basic", "strong"} {
				var v loginView
				getJSON(t, client, flaskURL+"/flask/fl/current?protection="+mode, &v)
				if v.User != "'alice'" || !v.Fresh || !v.IdentifierMatches {
					t.Errorf("Flask-Login (%s protection) after Go's SetUser: %+v, want 'alice', fresh", mode, v)
				}
			}
			getJSON(t, client, goURL+"/go/me", &g)
			if g.User != "alice" || !g.Fresh {
				t.Errorf("Go after Flask-Login's checks: %+v, want alice, fresh", g)
			}

			// The same cookie in another browser.
			other := browser(jar, map[string]string{"User-Agent": "Another/1.0"})
			getJSON(t, other, goURL+"/go/me", &g)
			if g.User != "alice" || g.Fresh {
				t.Errorf("Go, same cookie from another browser: %+v, want alice, not fresh", g)
			}
			var v loginView
			getJSON(t, other, flaskURL+"/flask/fl/current?protection=strong", &v)
			if v.User != "None" {
				t.Errorf("Flask-Login (strong), same cookie from another browser: %+v, want logged out", v)
			}
		})
	}
	t.Run("log-out", func(t *testing.T) {
		client := browser(newJar(t), loginBrowsers[0].headers)
		getJSON(t, client, goURL+"/go/login", nil)
		getJSON(t, client, goURL+"/go/logout", nil)
		var v loginView
		getJSON(t, client, flaskURL+"/flask/fl/current?protection=basic", &v)
		for _, k := range []string{"_user_id", "_fresh", "_id"} {
			if slices.Contains(v.Keys, k) {
				t.Errorf("after Go's SetUser(\"\") Flask sees the key %q: %+v", k, v)
			}
		}
		if v.User != "None" {
			t.Errorf("after Go's SetUser(\"\") Flask-Login loads %s", v.User)
		}
	})
}

// TestLiveGoReadsFlaskLoginSignIn: a user signed in by Flask-Login's
// login_user() is Go's User(), fresh for the same browser and not for
// another; once Flask-Login's "basic" protection marked the log-in not
// fresh, Go sees it not fresh too. An integer user ID (an app whose
// get_id() returns an int) is read as its decimal text, and the rest of
// the session with it.
func TestLiveGoReadsFlaskLoginSignIn(t *testing.T) {
	flaskURL := startFlaskApp(t, interopKey)
	goURL := goApp(t, session.Config{}, func(w http.ResponseWriter, r *http.Request, s *session.Session) {
		json.NewEncoder(w).Encode(map[string]any{"User": s.User(), "Fresh": s.Fresh(), "Keys": s.Keys()})
	})
	type goView struct {
		User  string
		Fresh bool
		Keys  []string
	}
	for _, b := range loginBrowsers {
		t.Run(b.name, func(t *testing.T) {
			jar := newJar(t)
			client := browser(jar, b.headers)
			other := browser(jar, map[string]string{"User-Agent": "Another/1.0"})
			getJSON(t, client, flaskURL+"/flask/fl/login?user=alice", nil)
			var g goView
			getJSON(t, client, goURL+"/go/me", &g)
			if g.User != "alice" || !g.Fresh {
				t.Fatalf("Go after login_user: %+v, want alice, fresh", g)
			}
			getJSON(t, other, goURL+"/go/me", &g)
			if g.User != "alice" || g.Fresh {
				t.Fatalf("Go, same cookie from another browser: %+v, want alice, not fresh", g)
			}
			getJSON(t, other, flaskURL+"/flask/fl/current?protection=basic", nil) // stores _fresh = False
			getJSON(t, client, goURL+"/go/me", &g)
			if g.User != "alice" || g.Fresh {
				t.Fatalf("Go after Flask-Login marked the log-in not fresh: %+v, want alice, not fresh", g)
			}
		})
	}
	t.Run("integer user ID", func(t *testing.T) {
		client := browser(newJar(t), nil)
		getJSON(t, client, flaskURL+"/flask/login", nil) // user_id and a flash
		getJSON(t, client, flaskURL+"/flask/fl/login?user=7&int=1", nil)
		var g goView
		getJSON(t, client, goURL+"/go/me", &g)
		if g.User != "7" || !g.Fresh || !slices.Contains(g.Keys, "user_id") {
			t.Fatalf("Go with an integer _user_id: %+v, want user 7, fresh, the session's keys", g)
		}
	})
}

// TestLiveUnchangedUserGoesBackAsFlaskLoginWroteIt: after Flask-Login's
// login_user() with a get_id() that returns an int (so "_user_id" is the
// int 7), a Go handler that only sets a value leaves "_user_id" the int 7,
// while Go reads the user as "7"; Flask-Login's user_loader gets the ID it
// stored. Once Go signs a user in itself, "_user_id" is Go's text.
func TestLiveUnchangedUserGoesBackAsFlaskLoginWroteIt(t *testing.T) {
	flaskURL := startFlaskApp(t, interopKey)
	goURL := goApp(t, session.Config{}, func(w http.ResponseWriter, r *http.Request, s *session.Session) {
		switch r.URL.Path {
		case "/go/set":
			if err := s.Set("x", 1); err != nil {
				t.Error(err)
			}
		case "/go/login":
			if err := s.SetUser(s.User()); err != nil { // the same user, signed in again
				t.Error(err)
			}
		}
		json.NewEncoder(w).Encode(map[string]any{"User": s.User()})
	})
	for _, tc := range []struct {
		name, user, query  string
		wantRepr, wantType string
	}{
		{"int", "7", "&int=1", "7", "int"},
		{"int beyond 64 bits", "123456789012345678901234567890", "&int=1", "123456789012345678901234567890", "int"},
		{"text", "7", "", "'7'", "str"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			client := browser(newJar(t), loginBrowsers[0].headers)
			getJSON(t, client, flaskURL+"/flask/fl/login?user="+tc.user+tc.query, nil)
			var g struct{ User string }
			getJSON(t, client, goURL+"/go/set", &g)
			if g.User != tc.user {
				t.Fatalf("Go reads the user Flask-Login signed in as %q, want %q", g.User, tc.user)
			}
			var v flaskView
			getJSON(t, client, flaskURL+"/flask/get", &v)
			if v.Session["_user_id"] != tc.wantRepr || v.Types["_user_id"] != tc.wantType || v.Session["x"] != "1" {
				t.Fatalf("after a Go handler that only set x, Flask sees _user_id %s (%s), x %s; want %s (%s), x 1",
					v.Session["_user_id"], v.Types["_user_id"], v.Session["x"], tc.wantRepr, tc.wantType)
			}
			var fl loginView
			getJSON(t, client, flaskURL+"/flask/fl/current?protection=strong", &fl)
			if fl.User != tc.wantRepr || !fl.Fresh {
				t.Fatalf("Flask-Login after the Go handler loads %s (fresh %v), want %s, fresh", fl.User, fl.Fresh, tc.wantRepr)
			}
			getJSON(t, client, goURL+"/go/login", &g)
			getJSON(t, client, flaskURL+"/flask/get", &v)
			if v.Session["_user_id"] != "'"+tc.user+"'" {
				t.Fatalf("after Go's SetUser(%q), Flask sees _user_id %s, want the text Go wrote", tc.user, v.Session["_user_id"])
			}
		})
	}
}

// absoluteTimeoutApps starts the Flask app and a Go app with handle and an
// AbsoluteTimeout of 5 minutes, whose clock runs ahead of Flask's by what
// offset holds.
func absoluteTimeoutApps(t *testing.T, handle func(http.ResponseWriter, *http.Request, *session.Session)) (flaskURL, goURL string, offset *atomic.Int64) {
	flaskURL = startFlaskApp(t, interopKey)
	offset = new(atomic.Int64)
	goURL = goApp(t, session.Config{
		AbsoluteTimeout: 5 * time.Minute,
		Now:             func() time.Time { return time.Now().Add(time.Duration(offset.Load())) },
	}, handle)
	return flaskURL, goURL, offset
}

// TestLiveAbsoluteTimeoutEndsFlaskSessions: with AbsoluteTimeout 5
// minutes, a session Go created is still there after 4 minutes and gone
// after 6, although Flask wrote the cookie again in between: the creation
// time rides in "_created", which Flask carries along untouched.
func TestLiveAbsoluteTimeoutEndsFlaskSessions(t *testing.T) {
	flaskURL, goURL, offset := absoluteTimeoutApps(t, func(w http.ResponseWriter, r *http.Request, s *session.Session) {
		if r.URL.Path == "/go/start" {
			s.Set("cart", "tea")
		}
		cart, _ := session.Get[string](s, "cart")
		json.NewEncoder(w).Encode(map[string]string{"Cart": cart})
	})
	client := browser(newJar(t), nil)
	var g struct{ Cart string }
	getJSON(t, client, goURL+"/go/start", &g)
	var before flaskView
	getJSON(t, client, flaskURL+"/flask/get", &before)
	getJSON(t, client, flaskURL+"/flask/touch", nil) // Flask signs the cookie again, now
	var after flaskView
	getJSON(t, client, flaskURL+"/flask/get", &after)
	if before.Types["_created"] != "int" || after.Session["_created"] != before.Session["_created"] || after.Session["touched"] != "1" {
		t.Fatalf("Flask's view of _created: before %v %v, after %v", before.Session, before.Types, after.Session)
	}
	offset.Store(int64(4 * time.Minute))
	if getJSON(t, client, goURL+"/go/cart", &g); g.Cart != "tea" {
		t.Fatalf("after 4 minutes Go lost the session (cart %q)", g.Cart)
	}
	offset.Store(int64(6 * time.Minute))
	if getJSON(t, client, goURL+"/go/cart", &g); g.Cart != "" {
		t.Fatalf("after 6 minutes, past AbsoluteTimeout, Go still has the session (cart %q)", g.Cart)
	}
}

// TestLiveAbsoluteTimeoutCountsFromGosFirstSight: a session Flask began,
// which Go only reads, ends 5 minutes (AbsoluteTimeout) after Go first
// saw it: that read wrote "_created" into the cookie, which Flask then
// carries along while it keeps writing the session.
func TestLiveAbsoluteTimeoutCountsFromGosFirstSight(t *testing.T) {
	flaskURL, goURL, offset := absoluteTimeoutApps(t, func(w http.ResponseWriter, r *http.Request, s *session.Session) {
		touched, _ := session.Get[int](s, "touched")
		json.NewEncoder(w).Encode(map[string]any{"Touched": touched, "Modified": s.Modified()})
	})
	client := browser(newJar(t), nil)
	getJSON(t, client, flaskURL+"/flask/touch", nil) // Flask begins the session
	var g struct {
		Touched  int
		Modified bool
	}
	if getJSON(t, client, goURL+"/go/read", &g); g.Touched != 1 || g.Modified {
		t.Fatalf("Go's first read of Flask's session: %+v, want touched 1, not modified by the handler", g)
	}
	firstSight := time.Now().Unix()
	getJSON(t, client, flaskURL+"/flask/touch", nil) // Flask writes it again
	var v flaskView
	getJSON(t, client, flaskURL+"/flask/get", &v)
	created, err := strconv.ParseInt(v.Session["_created"], 10, 64)
	if v.Types["_created"] != "int" || err != nil || created < firstSight-1 || created > firstSight || v.Session["touched"] != "2" {
		t.Fatalf("Flask's session after Go's first read: %v %v; want _created the time of that read (%d)", v.Session, v.Types, firstSight)
	}
	offset.Store(int64(4 * time.Minute))
	if getJSON(t, client, goURL+"/go/read", &g); g.Touched != 2 {
		t.Fatalf("4 minutes after Go first saw it, Go lost Flask's session: %+v", g)
	}
	offset.Store(int64(6 * time.Minute))
	if getJSON(t, client, goURL+"/go/read", &g); g.Touched != 0 {
		t.Fatalf("6 minutes after Go first saw it, past AbsoluteTimeout, Go still reads Flask's session: %+v", g)
	}
}

// TestLiveRevocationsAndFlaskLoginSignIns: with Config.Revocations, after
// DestroyUser("alice") Go refuses alice's session that Flask-Login signed
// in before it. A new log-in by login_user() alone, which records no
// sign-in time, is refused too (it fails safe, as documented); a new
// log-in whose view also records "_signed_in" and "_signed_in_nsec", as
// the flask package doc says, is accepted, and so is one by Go's SetUser.
func TestLiveRevocationsAndFlaskLoginSignIns(t *testing.T) {
	flaskURL := startFlaskApp(t, interopKey)
	m, err := session.New(session.Config{Secret: interopKey, Format: flask.Format(),
		Cookie: session.CookieOptions{Insecure: true}, Revocations: memstore.New()})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(m.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s := session.From(r)
		if r.URL.Path == "/go/login" {
			if err := s.SetUser("alice"); err != nil {
				t.Error(err)
			}
		}
		json.NewEncoder(w).Encode(map[string]string{"User": s.User()})
	})))
	t.Cleanup(srv.Close)
	var g struct{ User string }

	before := browser(newJar(t), loginBrowsers[0].headers)
	getJSON(t, before, flaskURL+"/flask/fl/login?user=alice&signed_in=1", nil)
	if getJSON(t, before, srv.URL+"/go/me", &g); g.User != "alice" {
		t.Fatalf("Go before DestroyUser: user %q, want alice", g.User)
	}
	if _, err := m.DestroyUser(t.Context(), "alice"); err != nil {
		t.Fatal(err)
	}
	if getJSON(t, before, srv.URL+"/go/me", &g); g.User != "" {
		t.Fatalf("Go after DestroyUser still has the log-in from before it: user %q", g.User)
	}

	for _, tc := range []struct{ name, login, want string }{
		{"login_user() alone", flaskURL + "/flask/fl/login?user=alice", ""},
		{"login_user() and _signed_in", flaskURL + "/flask/fl/login?user=alice&signed_in=1", "alice"},
		{"Go's SetUser", srv.URL + "/go/login", "alice"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			client := browser(newJar(t), loginBrowsers[0].headers)
			getJSON(t, client, tc.login, nil)
			if getJSON(t, client, srv.URL+"/go/me", &g); g.User != tc.want {
				t.Fatalf("Go after a log-in made after DestroyUser: user %q, want %q", g.User, tc.want)
			}
		})
	}
}

// TestLiveSetOfFlasksKeysFailsAtSet: Set (or Update) of a key Flask's
// format manages itself returns the error at once and changes nothing; the response is
// not a 500, and Flask reads the session as Go left it.
func TestLiveSetOfFlasksKeysFailsAtSet(t *testing.T) {
	flaskURL := startFlaskApp(t, interopKey)
	for _, tc := range []struct {
		cfg  session.Config
		keys []string
	}{
		{session.Config{}, []string{"_permanent", "_flashes", "_user_id", "_fresh", "_id", "_signed_in", "_revocation_id"}},
		{session.Config{AbsoluteTimeout: time.Hour}, []string{"_created"}},
	} {
		goURL := goApp(t, tc.cfg, func(w http.ResponseWriter, r *http.Request, s *session.Session) {
			var msgs []string
			for _, k := range tc.keys {
				err := s.Set(k, true)
				if err == nil || !strings.Contains(err.Error(), k) {
					t.Errorf("Set(%q) = %v, want an error naming the key", k, err)
					continue
				}
				msgs = append(msgs, err.Error())
				err = session.Update(s, k, func(bool, bool) bool { return true })
				if err == nil || !strings.Contains(err.Error(), k) {
					t.Errorf("Update(%q) = %v, want an error naming the key", k, err)
				}
			}
			s.Set("x", 1)
			json.NewEncoder(w).Encode(msgs)
		})
		client := browser(newJar(t), nil)
		var msgs []string
		getJSON(t, client, goURL+"/go/set", &msgs) // fails the test on a 500
		t.Logf("%s", strings.Join(msgs, "\n"))
		var v flaskView
		getJSON(t, client, flaskURL+"/flask/get", &v)
		if v.Session["x"] != "1" || v.Permanent || len(v.Flashes) != 0 {
			t.Errorf("Flask sees %v after the refused Sets", v.Session)
		}
	}
}

// TestFlaskFormatWithStoreIsRefused: flask.Format() with a Store fails in
// New, naming both fields, as Flask could not read the cookie of a
// server-side session.
func TestFlaskFormatWithStoreIsRefused(t *testing.T) {
	_, err := session.New(session.Config{Secret: interopKey, Format: flask.Format(), Store: memstore.New()})
	if err == nil || !strings.Contains(err.Error(), "Config.Store") || !strings.Contains(err.Error(), "Config.Format") {
		t.Fatalf("New(flask.Format() with a Store) = %v, want an error naming Config.Store and Config.Format", err)
	}
}
