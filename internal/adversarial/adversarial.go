package adversarial

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha1"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/url"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/websession/session/internal/state"
	"github.com/websession/session/internal/testkit"

	"github.com/websession/session"
	"github.com/websession/session/flask"
	"github.com/websession/session/itsdangerous"
)

// advFormat is a cookie format under test and what its cookie carries.
type advFormat struct {
	name   string
	format session.Format
	// bindsName: the cookie's name is authenticated, so a value copied into
	// a cookie of another name is refused. Flask's format does not bind it,
	// as Flask does not.
	bindsName bool
	// created: the cookie carries the session's creation time, so
	// AbsoluteTimeout applies (Flask's under "_created", with AbsoluteTimeout set).
	created bool
}

var advFormats = []advFormat{
	{"Encrypted", session.Encrypted, true, true},
	{"Signed", session.Signed, true, true},
	{"Flask", flask.Format(), false, true},
}

// advTarget is where sessions live in a test: a cookie format or a store.
type advTarget struct {
	name   string
	format *advFormat                       // cookie sessions
	store  func(t *testing.T) session.Store // server-side sessions
}

// suite is what one run covers: the cookie formats or not, and stores.
type suite struct {
	formats bool
	stores  []Store
}

// formatTargets returns the three cookie formats, if the suite covers them.
func (s suite) formatTargets() []advTarget {
	if !s.formats {
		return nil
	}
	var out []advTarget
	for i := range advFormats {
		out = append(out, advTarget{name: advFormats[i].name, format: &advFormats[i]})
	}
	return out
}

// storeTargets returns the suite's server-side stores.
func (s suite) storeTargets() []advTarget {
	var out []advTarget
	for _, st := range s.stores {
		out = append(out, advTarget{name: "store/" + st.Name, store: st.Open})
	}
	return out
}

// targets returns the formats and the stores.
func (s suite) targets() []advTarget { return append(s.formatTargets(), s.storeTargets()...) }

// site is the application under attack, on a testkit.App of one target:
// ?set=NAME logs NAME in, ?perm makes the session permanent, ?renew renews
// it, ?destroy ends it; every request reads the user and writes it as the
// body. It keeps the errors its ErrorHandler and the session methods gave,
// and how the handler last saw the session.
type site struct {
	*testkit.App
	t *testing.T

	mu    sync.Mutex
	errs  []error
	isNew bool
	n     int
}

// advOptions adjusts a test's Manager.
type advOptions struct {
	cfg     func(*session.Config)
	clocked bool // a store's expiry follows the App's clock (clockedStore)
}

func newSite(t *testing.T, tg advTarget, o advOptions) *site {
	t.Helper()
	a := &site{t: t}
	edit := func(c *session.Config) {
		c.ErrorHandler = func(w http.ResponseWriter, r *http.Request, err error) {
			a.addErr(err)
			http.Error(w, "internal error", http.StatusInternalServerError)
		}
		if tg.format != nil {
			c.Format = tg.format.format
		}
		if o.cfg != nil {
			o.cfg(c)
		}
	}
	if tg.format != nil {
		a.App = testkit.NewApp(t, edit)
		return a
	}
	st := tg.store(t)
	var clocked *clockedStore
	if o.clocked {
		clocked = &clockedStore{Store: st}
		st = clocked
	}
	a.App = testkit.NewStoreApp(t, st, edit)
	if clocked != nil {
		clocked.now = a.Clock.Now
	}
	return a
}

func (a *site) addErr(err error) {
	if err != nil {
		a.mu.Lock()
		a.errs = append(a.errs, err)
		a.mu.Unlock()
	}
}

func (a *site) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s := session.From(r)
	q := r.URL.Query()
	if v := q.Get("set"); v != "" {
		a.addErr(s.Set("user", v))
	}
	if q.Has("perm") {
		a.addErr(s.SetPermanent(true))
	}
	if q.Has("renew") {
		a.addErr(s.Renew())
	}
	if q.Has("destroy") {
		a.addErr(s.Destroy())
	}
	user, _ := session.Get[string](s, "user")
	a.mu.Lock()
	a.isNew, a.n = s.IsNew(), s.Len()
	a.mu.Unlock()
	io.WriteString(w, user)
}

// advResult is what one request showed: the response as the visitor saw
// it, the session as the handler saw it, and what was logged.
type advResult struct {
	status int
	header http.Header
	body   string
	isNew  bool
	n      int
	logs   []map[string]any
	cookie *http.Cookie // the session cookie set, if any
}

// serve sends one request to target (a path and query) with the given
// Cookie header ("" for none); edit, if not nil, changes the request.
func (a *site) serve(target, cookieHeader string, edit func(*http.Request)) advResult {
	a.t.Helper()
	req := testkit.Request(target, cookieHeader)
	if edit != nil {
		edit(req)
	}
	return a.observe(func() *http.Response { return a.ServeRequest(a.ServeHTTP, req) })
}

// visit sends b's next request to target.
func (a *site) visit(b *testkit.Browser, target string) advResult {
	a.t.Helper()
	return a.observe(func() *http.Response { return b.Visit(target, a.ServeHTTP) })
}

// observe runs one request and returns what it showed.
func (a *site) observe(send func() *http.Response) advResult {
	a.t.Helper()
	a.Log.Reset()
	a.mu.Lock()
	a.isNew, a.n = false, -1
	a.mu.Unlock()
	res := send()
	logs, err := a.Log.Entries()
	if err != nil {
		a.t.Fatal(err)
	}
	out := advResult{status: res.StatusCode, header: res.Header, body: testkit.Text(res), logs: logs}
	a.mu.Lock()
	out.isNew, out.n = a.isNew, a.n
	a.mu.Unlock()
	for _, c := range res.Cookies() {
		if c.Name == "session" {
			out.cookie = c
		}
	}
	return out
}

// issue logs user in on a fresh session and returns the cookie value.
func (a *site) issue(user string) string {
	a.t.Helper()
	res := a.serve("/?set="+url.QueryEscape(user), "", nil)
	if res.status != http.StatusOK || res.cookie == nil {
		a.t.Fatalf("log-in: status %d, cookie %v, errors %v", res.status, res.cookie, a.errs)
	}
	return res.cookie.Value
}

// rejections returns the reasons of the "cookie rejected" security events
// in logs.
func rejections(logs []map[string]any) []string {
	var out []string
	for _, l := range logs {
		if l["msg"] == "session: cookie rejected" && l["level"] == "WARN" {
			out = append(out, fmt.Sprint(l["reason"]))
		}
	}
	return out
}

// testEveryBitFlipAndTruncationIsRejectedAlike flips every bit of every
// byte of a valid session cookie, one at a time, and cuts it at every
// length. Each damaged cookie gets the response a visitor without a session
// gets (same status, headers and body: nothing tells which byte was hit),
// an empty new session, and one security event of the same kind, whose
// reason never depends on a time read before authentication. A flip that
// makes a byte no cookie can hold (which net/http would drop) is refused
// and logged alike, by the format's decoding or the session ID check.
func testEveryBitFlipAndTruncationIsRejectedAlike(t *testing.T, s suite) {
	for _, tg := range s.targets() {
		t.Run(tg.name, func(t *testing.T) {
			a := newSite(t, tg, advOptions{})
			v := a.issue("alice")
			if res := a.serve("/", "session="+v, nil); res.body != "alice" {
				t.Fatalf("the valid cookie was not accepted: %q", res.body)
			}
			base := a.serve("/", "", nil)
			reasons := map[string]int{}
			netHTTPDrops := 0
			check := func(what, bad string) {
				t.Helper()
				res := a.serve("/", "session="+bad, nil)
				if res.status != base.status || !maps.EqualFunc(res.header, base.header, slices.Equal) || res.body != base.body {
					t.Fatalf("%s: response %d %v %q differs from the one without a cookie: %d %v %q",
						what, res.status, res.header, res.body, base.status, base.header, base.body)
				}
				if !res.isNew || res.n != 0 {
					t.Fatalf("%s: session IsNew=%v Len=%d, want an empty new session", what, res.isNew, res.n)
				}
				req := &http.Request{Header: http.Header{"Cookie": {"session=" + bad}}}
				if len(req.CookiesNamed("session")) == 0 {
					netHTTPDrops++
				}
				got := rejections(res.logs)
				if len(got) != 1 || len(res.logs) != 1 {
					t.Fatalf("%s: logged %v, want one cookie-rejected event", what, res.logs)
				}
				for _, w := range []string{"expire", "future", "age", "Lifetime", "Timeout"} {
					if tg.format != nil && strings.Contains(got[0], w) {
						t.Fatalf("%s: rejected for %q, a reason read before the cookie was authenticated", what, got[0])
					}
				}
				reasons[got[0]]++
			}
			flips := 0
			for i := range len(v) {
				for bit := range 8 {
					bad := v[:i] + string([]byte{v[i] ^ 1<<bit}) + v[i+1:]
					check(fmt.Sprintf("bit %d of byte %d flipped", bit, i), bad)
					flips++
				}
			}
			for n := 1; n < len(v); n++ { // an empty value is what a deletion leaves: absent, not damaged
				check(fmt.Sprintf("cut to %d bytes", n), v[:n])
			}
			if netHTTPDrops == 0 {
				t.Fatal("no flip made a byte net/http drops: the test no longer covers them")
			}
			t.Logf("%d bit flips and %d truncations rejected alike, %d of them values net/http drops; reasons logged: %v", flips, len(v)-1, netHTTPDrops, reasons)
		})
	}
}

// mint seals a session holding user=NAME for a format, cookie name and
// issue time, with primarySecret, as another Manager would.
func mint(t *testing.T, f session.Format, cookieName, user string, issued time.Time) string {
	t.Helper()
	sealer, err := f.Bind(state.Params{Secret: primarySecret, CookieName: cookieName, Lifetime: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	v, err := sealer.Seal(&state.State{Values: map[string][]byte{"user": []byte(`"` + user + `"`)}, Issued: issued, Created: issued})
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// testCookieForAnotherNameOrPurposeIsRejected presents, to a Manager of
// each format, cookies made with the same secret for another cookie name,
// in another format, and for other purposes (itsdangerous tokens such as
// password-reset links, a server-side ID), and a server-side Manager every
// cookie format's value. Only a cookie of the Manager's own format and
// name is accepted; Flask's format, like Flask, does not bind the name.
func testCookieForAnotherNameOrPurposeIsRejected(t *testing.T, s suite) {
	var id string
	server := newSite(t, memstoreTarget, advOptions{})
	id = server.issue("alice")

	for _, dst := range s.formatTargets() {
		t.Run(dst.name, func(t *testing.T) {
			a := newSite(t, dst, advOptions{})
			now := a.Clock.Now()
			for _, src := range advFormats {
				for _, name := range []string{"session", "admin"} {
					v := mint(t, src.format, name, "alice", now)
					res := a.serve("/", "session="+v, nil)
					switch {
					case src.name == dst.name && name == "session":
						if res.body != "alice" {
							t.Errorf("%s cookie for %q not accepted by its own Manager: %q", src.name, name, res.body)
						}
					case src.name == dst.name && !dst.format.bindsName:
						t.Logf("%s: a value made for cookie %q is accepted as %q: the format does not bind the cookie name, as Flask's does not", dst.name, name, "session")
					default:
						if res.body != "" || !res.isNew || len(rejections(res.logs)) != 1 {
							t.Errorf("%s cookie made for %q accepted, or not logged: body %q, log %v", src.name, name, res.body, res.logs)
						}
					}
				}
			}
			others := map[string]string{"server-side session ID": id}
			for purpose, salt := range map[string]string{"itsdangerous default": "", "password reset": "password-reset", "Flask's salt, other key derivation": flask.Salt} {
				opts := itsdangerous.SerializerOptions{Salt: salt, Now: a.Clock.Now}
				if salt == flask.Salt {
					opts.KeyDerivation, opts.Digest = itsdangerous.DjangoConcat, sha1.New
				}
				ser, err := itsdangerous.NewURLSafeTimedSerializer([][]byte{primarySecret}, opts)
				if err != nil {
					t.Fatal(err)
				}
				tok, err := ser.Dumps(map[string]any{"user": "alice"})
				if err != nil {
					t.Fatal(err)
				}
				others[purpose+" token"] = tok
			}
			for purpose, v := range others {
				if res := a.serve("/", "session="+v, nil); res.body != "" || !res.isNew || len(rejections(res.logs)) != 1 {
					t.Errorf("%s accepted, or not logged: body %q, log %v", purpose, res.body, res.logs)
				}
			}
		})
	}
	t.Run("server-side", func(t *testing.T) {
		for _, src := range advFormats {
			v := mint(t, src.format, "session", "alice", server.Clock.Now())
			server.Spy.Take()
			if res := server.serve("/", "session="+v, nil); res.body != "" || !res.isNew || len(rejections(res.logs)) != 1 {
				t.Errorf("%s cookie accepted as a session ID, or not logged: body %q, log %v", src.name, res.body, res.logs)
			}
			if keys := server.Spy.Take(); len(keys) != 0 {
				t.Errorf("%s cookie reached the store as %d lookups", src.name, len(keys))
			}
		}
	})
}

// testExpiredAndFutureDatedCookiesAreRejected presents validly sealed
// cookies issued before Lifetime ran out and after now, beyond the minute
// of clock skew allowed between servers.
func testExpiredAndFutureDatedCookiesAreRejected(t *testing.T, s suite) {
	for _, tg := range s.formatTargets() {
		t.Run(tg.name, func(t *testing.T) {
			a := newSite(t, tg, advOptions{cfg: func(c *session.Config) { c.Lifetime = time.Hour }})
			now := a.Clock.Now()
			for _, tc := range []struct {
				name   string
				issued time.Time
				ok     bool
			}{
				{"issued within Lifetime", now.Add(-59 * time.Minute), true},
				{"issued just past Lifetime", now.Add(-time.Hour - time.Second), false},
				{"issued a year ago", now.AddDate(-1, 0, 0), false},
				{"issued two minutes ahead", now.Add(2 * time.Minute), false},
				{"issued a year ahead", now.AddDate(1, 0, 0), false},
			} {
				res := a.serve("/", "session="+mint(t, tg.format.format, "session", "alice", tc.issued), nil)
				if tc.ok {
					if res.body != "alice" {
						t.Errorf("%s: refused (%v)", tc.name, rejections(res.logs))
					}
					continue
				}
				if res.body != "" || !res.isNew || res.cookie != nil || len(rejections(res.logs)) != 1 {
					t.Errorf("%s: accepted, or not logged: body %q, log %v", tc.name, res.body, res.logs)
				}
			}
		})
	}
}

// testIdleAndAbsoluteLimitsHoldUnderARequestEveryMinute keeps a session
// busy with a request every minute: AbsoluteTimeout (2 h) still ends it at
// the first request after two hours, while IdleTimeout (30 min) never
// does; a pause under 30 minutes keeps it, a longer one ends it. Server
// stores run on the test clock through clockedStore.
func testIdleAndAbsoluteLimitsHoldUnderARequestEveryMinute(t *testing.T, s suite) {
	for _, tg := range s.targets() {
		t.Run(tg.name, func(t *testing.T) {
			a := newSite(t, tg, advOptions{
				cfg:     func(c *session.Config) { c.IdleTimeout, c.AbsoluteTimeout = 30*time.Minute, 2*time.Hour },
				clocked: true,
			})
			v := a.Browser()
			a.visit(v, "/?set=alice")
			for minute := 1; minute < 120; minute++ {
				a.Clock.Advance(time.Minute)
				if res := a.visit(v, "/"); res.body != "alice" {
					t.Fatalf("minute %d of a busy session: lost (%v)", minute, rejections(res.logs))
				}
			}
			// At minute 120 exactly, cookies are still accepted and records
			// have just expired (a store's Expires is exclusive); either is
			// right.
			a.Clock.Advance(2 * time.Minute)
			res := a.visit(v, "/")
			switch {
			case tg.format != nil && !tg.format.created:
				t.Logf("%s: the cookie carries no creation time, so AbsoluteTimeout cannot apply (documented); after 121 minutes the body is %q", tg.name, res.body)
			case res.body != "" || !res.isNew:
				t.Fatalf("minute 121: the session outlived AbsoluteTimeout (body %q)", res.body)
			}

			v = a.Browser()
			a.visit(v, "/?set=bob")
			for _, step := range []struct {
				pause time.Duration
				ok    bool
			}{{time.Minute, true}, {time.Minute, true}, {29 * time.Minute, true}, {time.Minute, true}, {31 * time.Minute, false}} {
				a.Clock.Advance(step.pause)
				res := a.visit(v, "/")
				if got := res.body == "bob"; got != step.ok {
					t.Fatalf("after a pause of %v: session kept=%v, want %v (%v)", step.pause, got, step.ok, rejections(res.logs))
				}
			}
		})
	}
}

// testWeakOrReusedKeysAreRefusedAtNew configures each format and a store
// with secrets that are missing, short or plainly not random, and with an
// old secret equal to the current one: New refuses each, saying what to
// change without showing the secret.
func testWeakOrReusedKeysAreRefusedAtNew(t *testing.T, s suite) {
	random := func(n int) []byte {
		b := make([]byte, n)
		rand.Read(b)
		return b
	}
	good := random(32)
	cases := []struct {
		name   string
		secret []byte
		old    [][]byte
	}{
		{"no secret", nil, nil},
		{"empty secret", []byte{}, nil},
		{"31 random bytes", random(31), nil},
		{"32 zero bytes", make([]byte, 32), nil},
		{"one byte repeated", bytes.Repeat([]byte{'k'}, 64), nil},
		{"a word repeated", []byte(strings.Repeat("secret", 8)), nil},
		{"old secret reused as the current one", good, [][]byte{random(32), good}},
		{"short old secret", good, [][]byte{random(16)}},
		{"weak old secret", good, [][]byte{bytes.Repeat([]byte("ab"), 32)}},
	}
	for _, tg := range append(s.formatTargets(), memstoreTarget) {
		t.Run(tg.name, func(t *testing.T) {
			cfg := session.Config{Logger: discardLogger()}
			if tg.format != nil {
				cfg.Format = tg.format.format
			} else {
				cfg.Store = tg.store(t)
			}
			cfg.Secret, cfg.OldSecrets = good, [][]byte{random(32)}
			if _, err := session.New(cfg); err != nil {
				t.Fatalf("a good secret and old secret refused: %v", err)
			}
			for _, tc := range cases {
				if tg.format == nil && len(tc.secret) == 0 {
					continue // a store needs no secret; one that is set is checked
				}
				cfg.Secret, cfg.OldSecrets = tc.secret, tc.old
				m, err := session.New(cfg)
				if err == nil || m != nil {
					t.Errorf("%s: accepted", tc.name)
					continue
				}
				msg := err.Error()
				if !strings.HasPrefix(msg, "session: ") || !strings.Contains(msg, "Config.") {
					t.Errorf("%s: error %q does not name the setting to change", tc.name, msg)
				}
				for _, s := range append([][]byte{tc.secret}, tc.old...) {
					if leaks(msg, s) {
						t.Errorf("%s: error %q shows a secret", tc.name, msg)
					}
				}
			}
		})
	}
}

// leaks reports whether text shows secret, raw or in hex or base64.
func leaks(text string, secret []byte) bool {
	if len(secret) < 8 {
		return false
	}
	for _, form := range []string{
		string(secret), hex.EncodeToString(secret), base64.StdEncoding.EncodeToString(secret),
		base64.RawURLEncoding.EncodeToString(secret), base64.RawStdEncoding.EncodeToString(secret),
	} {
		if strings.Contains(text, form[:min(len(form), 16)]) {
			return true
		}
	}
	return false
}

// testNoNonceRepeatsIn100000Encryptions seals the same session 100000
// times and reads each cookie's nonce where the Encrypted wire format puts
// it: version (1) | key id (4) | nonce (12) | ciphertext | tag. No nonce
// is ever used twice under the key. (Signed and Flask cookies use no
// nonce.)
func testNoNonceRepeatsIn100000Encryptions(t *testing.T, s suite) {
	sealer, err := session.Encrypted.Bind(state.Params{Secret: primarySecret, CookieName: "session", Lifetime: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	now := time.Unix(1_700_000_000, 0)
	st := &state.State{Values: map[string][]byte{"user": []byte(`"alice"`)}, Issued: now, Created: now}
	const n = 100_000
	seen := make(map[[12]byte]int, n)
	var keyID []byte
	for i := range n {
		v, err := sealer.Seal(st)
		if err != nil {
			t.Fatal(err)
		}
		raw, err := base64.RawURLEncoding.DecodeString(v)
		if err != nil || len(raw) < 1+4+12+16 {
			t.Fatalf("cookie %d is not in the Encrypted wire format (%d bytes, %v)", i, len(raw), err)
		}
		if keyID == nil {
			keyID = raw[1:5]
		} else if !bytes.Equal(raw[1:5], keyID) {
			t.Fatalf("cookie %d names another key", i)
		}
		nonce := [12]byte(raw[5:17])
		if j, ok := seen[nonce]; ok {
			t.Fatalf("cookies %d and %d share the nonce %x", j, i, nonce)
		}
		seen[nonce] = i
	}
}

// failingReader is a random source that gives n bytes, then fails.
type failingReader struct{ n int }

func (r *failingReader) Read(p []byte) (int, error) {
	if r.n <= 0 {
		return 0, errors.New("entropy source unavailable")
	}
	k := copy(p, bytes.Repeat([]byte{0}, min(len(p), r.n)))
	r.n -= k
	return k, nil
}

// testFailingRandomSourceGivesAnErrorNotAWeakID replaces crypto/rand's
// Reader with one that fails, at once or after a few bytes. A new
// server-side session, a renewal and a new Encrypted cookie then go to the
// ErrorHandler (500) with an error that says so: no Set-Cookie, nothing
// saved to the store, the previous session untouched. (Signed and Flask
// cookies need no randomness.)
func testFailingRandomSourceGivesAnErrorNotAWeakID(t *testing.T, s suite) {
	targets := s.storeTargets()
	if s.formats {
		targets = append([]advTarget{{name: "Encrypted", format: &advFormats[0]}}, targets...)
	}
	for _, tg := range targets {
		t.Run(tg.name, func(t *testing.T) {
			a := newSite(t, tg, advOptions{})
			old := a.issue("alice") // while the random source works, so connections are open
			for _, fails := range []int{0, 5} {
				rand.Reader = &failingReader{n: fails}
				t.Cleanup(func() { rand.Reader = cryptoReader })
				for _, req := range []struct{ target, cookie string }{{"/?set=bob", ""}, {"/?renew", "session=" + old}} {
					a.errs = nil
					if a.Spy != nil {
						a.Spy.Take()
					}
					res := a.serve(req.target, req.cookie, nil)
					if res.status != http.StatusInternalServerError || res.cookie != nil || len(res.header.Values("Set-Cookie")) != 0 {
						t.Fatalf("%s with the random source failing after %d bytes: status %d, Set-Cookie %q; want 500 and none",
							req.target, fails, res.status, res.header.Values("Set-Cookie"))
					}
					if len(a.errs) != 1 || !strings.Contains(a.errs[0].Error(), "random") {
						t.Fatalf("%s: ErrorHandler got %v, want one error about the random source", req.target, a.errs)
					}
					if a.Spy != nil {
						for _, k := range a.Spy.Take() {
							if k != state.StoreKey(old) {
								t.Fatalf("%s: the store was reached with a new key while no random ID could be made", req.target)
							}
						}
					}
				}
				rand.Reader = cryptoReader
			}
			if res := a.serve("/", "session="+old, nil); res.body != "alice" {
				t.Fatalf("the session from before the failures was lost: %q", res.body)
			}
			if res := a.serve("/?set=carol", "", nil); res.status != http.StatusOK || res.cookie == nil {
				t.Fatalf("with the random source back: status %d, cookie %v", res.status, res.cookie)
			}
		})
	}
}

// cryptoReader is crypto/rand's Reader as the program started with it.
var cryptoReader = rand.Reader

// countingFormat wraps a Format to record the length of every value its
// Sealer is asked to open.
type countingFormat struct {
	session.Format
	opens *openLog
}

type openLog struct {
	mu      sync.Mutex
	lengths []int
}

func (l *openLog) take() []int {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := l.lengths
	l.lengths = nil
	return out
}

func (f countingFormat) Bind(p state.Params) (state.Sealer, error) {
	s, err := f.Format.Bind(p)
	return countingSealer{Sealer: s, opens: f.opens}, err
}

type countingSealer struct {
	state.Sealer
	opens *openLog
}

func (s countingSealer) Open(v string, now time.Time) (*state.State, error) {
	s.opens.mu.Lock()
	s.opens.lengths = append(s.opens.lengths, len(v))
	s.opens.mu.Unlock()
	return s.Sealer.Open(v, now)
}

// allocated returns the bytes f allocates.
func allocated(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// testOversizedCookiesCostBoundedWork sends session cookies longer than
// MaxCookieSize, up to 1 MiB, alone and 200 at a time: none reaches a
// Sealer or a store, and a request with a 1 MiB cookie allocates about
// what one with a short forged cookie does.
func testOversizedCookiesCostBoundedWork(t *testing.T, s suite) {
	for _, tg := range s.targets() {
		t.Run(tg.name, func(t *testing.T) {
			opens := &openLog{}
			a := newSite(t, tg, advOptions{cfg: func(c *session.Config) {
				if c.Format != nil {
					c.Format = countingFormat{Format: c.Format, opens: opens}
				}
			}})
			big := func(n int) string { return strings.Repeat("A", n) }
			for _, h := range []string{
				"session=" + big(state.DefaultMaxCookieSize+1),
				"session=" + big(64<<10),
				"session=" + big(1<<20),
				strings.Repeat("session="+big(5000)+"; ", 200),
			} {
				if a.Spy != nil {
					a.Spy.Take()
				}
				res := a.serve("/", h, nil)
				if res.status != http.StatusOK || !res.isNew || len(rejections(res.logs)) == 0 {
					t.Errorf("a %d-byte Cookie header: status %d, IsNew %v, log %v", len(h), res.status, res.isNew, res.logs)
				}
				if n := opens.take(); len(n) != 0 {
					t.Errorf("a %d-byte Cookie header: the Sealer opened values of %v bytes", len(h), n)
				}
				if a.Spy != nil {
					if keys := a.Spy.Take(); len(keys) != 0 {
						t.Errorf("a %d-byte Cookie header reached the store %d times", len(h), len(keys))
					}
				}
			}
			h := a.M.Handler(a)
			cost := func(cookie string) uint64 {
				req := httptest.NewRequest("GET", "/", nil)
				req.Header["Cookie"] = []string{cookie}
				return allocated(func() { h.ServeHTTP(httptest.NewRecorder(), req) })
			}
			small, huge := cost("session="+big(100)), cost("session="+big(1<<20))
			t.Logf("bytes allocated by a request with a 100-byte forged cookie: %d; with a 1 MiB one: %d", small, huge)
			if huge > small+64<<10 {
				t.Errorf("a 1 MiB cookie costs %d bytes of allocation against %d for a short one: the work grows with the cookie", huge, small)
			}
		})
	}
}

// deepArray returns a JSON array nested depth levels deep.
func deepArray(depth int) string { return strings.Repeat("[", depth) + strings.Repeat("]", depth) }

// testZlibBombAndDeepJSONInValidCookieAreRefusedWithinBounds authenticates
// hostile payloads properly, so they pass the MAC or AEAD check and reach
// the decoders: a 10^5-deep JSON array in every format (with MaxCookieSize
// raised so the size check does not stop it first), a zlib bomb in the
// Flask format (the only one that decompresses), and a 10^5-deep record in
// every store. Each is refused with an empty session, without a panic, and
// costs far less memory than the payload would take decoded.
func testZlibBombAndDeepJSONInValidCookieAreRefusedWithinBounds(t *testing.T, s suite) {
	const depth = 100_000
	for _, tg := range s.formatTargets() {
		t.Run(tg.name, func(t *testing.T) {
			a := newSite(t, tg, advOptions{cfg: func(c *session.Config) { c.MaxCookieSize = 1 << 20 }})
			now := a.Clock.Now()
			payloads := map[string]string{}
			if tg.format.name == "Flask" {
				signer, err := itsdangerous.NewTimestampSigner([][]byte{primarySecret},
					itsdangerous.SignerOptions{Salt: flask.Salt, KeyDerivation: itsdangerous.HMAC, Digest: sha1.New})
				if err != nil {
					t.Fatal(err)
				}
				sign := func(json string) string {
					p := itsdangerous.EncodePayload([]byte(json))
					if p[0] != '.' {
						t.Fatal("test bug: the payload was not compressed")
					}
					return string(signer.SignAt(p, now))
				}
				payloads["zlib bomb (4 MiB)"] = sign(`{"user":"` + strings.Repeat("a", 4<<20) + `"}`)
				payloads["10^5-deep array"] = sign(`{"deep":` + deepArray(depth) + `}`)
				payloads["6*10^4-deep array, within the size limit"] = sign(`{"deep":` + deepArray(60_000) + `}`)
				if n := len(payloads["zlib bomb (4 MiB)"]); n > flask.MaxValueSize {
					t.Fatalf("test bug: the bomb's cookie is %d bytes, over flask.MaxValueSize", n)
				}
			} else {
				sealer, err := tg.format.format.Bind(state.Params{Secret: primarySecret, CookieName: "session", Lifetime: time.Hour})
				if err != nil {
					t.Fatal(err)
				}
				v, err := sealer.Seal(&state.State{Values: map[string][]byte{"deep": []byte(deepArray(depth))}, Issued: now, Created: now})
				if err != nil {
					t.Fatal(err)
				}
				payloads["10^5-deep array"] = v
			}
			for name, v := range payloads {
				var res advResult
				cost := allocated(func() { res = a.serve("/", "session="+v, nil) })
				if res.status != http.StatusOK || !res.isNew || res.n != 0 || len(rejections(res.logs)) != 1 {
					t.Errorf("%s: status %d, IsNew %v, Len %d, log %v; want an empty new session and one security event", name, res.status, res.isNew, res.n, res.logs)
				}
				t.Logf("%s: %d-byte cookie refused (%v), %d bytes allocated", name, len(v), rejections(res.logs), cost)
				if cost > 4*uint64(len(v))+1<<20 {
					t.Errorf("%s: refusing a %d-byte cookie allocated %d bytes", name, len(v), cost)
				}
			}
		})
	}
	for _, tg := range s.storeTargets() {
		t.Run(tg.name, func(t *testing.T) {
			a := newSite(t, tg, advOptions{})
			var raw [32]byte
			rand.Read(raw[:])
			id := base64.RawURLEncoding.EncodeToString(raw[:])
			now := a.Clock.Now().Unix()
			body := fmt.Sprintf(`{"c":%d,"i":%d,"v":{"deep":%s}}`, now, now, deepArray(depth))
			if err := a.Store.Store.Save(context.Background(), state.StoreKey(id), session.Record{Data: []byte(body), Expires: time.Now().Add(time.Hour)}); err != nil {
				t.Fatal(err)
			}
			res := a.serve("/", "session="+id, nil)
			if res.status != http.StatusOK || !res.isNew || res.n != 0 {
				t.Fatalf("a 10^5-deep stored record: status %d, IsNew %v, Len %d; want an empty new session", res.status, res.isNew, res.n)
			}
			if !strings.Contains(a.Log.String(), "cannot be decoded") {
				t.Errorf("the undecodable record was not logged: %v", res.logs)
			}
		})
	}
}

// testMalformedCookieHeadersNeverPanicNorPickTheAttackersCookie sends
// Cookie headers no browser would: empty pairs, quotes, NUL, CR/LF,
// non-ASCII, thousands of cookies. Each gets an empty session and a 200,
// and costs a bounded number of store lookups. With two session cookies,
// the valid one wins over a forged one whichever comes first, and when
// both are valid (an attacker's own session planted next to the visitor's)
// the choice is logged, never silent.
func testMalformedCookieHeadersNeverPanicNorPickTheAttackersCookie(t *testing.T, s suite) {
	randomIDs := func(n int) string {
		var b strings.Builder
		for range n {
			var raw [32]byte
			rand.Read(raw[:])
			b.WriteString("session=" + base64.RawURLEncoding.EncodeToString(raw[:]) + "; ")
		}
		return b.String()
	}
	malformed := []string{
		";", " ; ; ", ";;;;;;;;", "session", "session=", "=", "==;==", "=session", `session=""`, `session="`,
		`session="x`, `session=x"`, "session=\x00", "session=a\x00b", "session=\x00\x00\x00; session=\x7f",
		"session=x\r\nSet-Cookie: evil=1", "session=\r\n", "\r\nsession=x", "session=\tx\t", "session=é", "séssion=x",
		"\xff\xfe=\xff", "session=" + strings.Repeat("é", 100), "session=a;session=b;session=c", "session=a=b=c",
		strings.Repeat("a=b; ", 5000), strings.Repeat("session=x; ", 5000), strings.Repeat(";", 10000),
		strings.Repeat("session; ", 5000), randomIDs(5000),
	}
	for _, tg := range s.targets() {
		t.Run(tg.name, func(t *testing.T) {
			a := newSite(t, tg, advOptions{})
			for _, h := range malformed {
				if a.Spy != nil {
					a.Spy.Take()
				}
				res := a.serve("/", h, nil)
				if res.status != http.StatusOK || !res.isNew || res.n != 0 || res.body != "" || res.cookie != nil {
					t.Errorf("Cookie %.40q (%d bytes): status %d, IsNew %v, Len %d, cookie %v", h, len(h), res.status, res.isNew, res.n, res.cookie)
				}
				if a.Spy != nil {
					if n := len(a.Spy.Take()); n > 10 {
						t.Errorf("Cookie %.40q (%d bytes): %d store lookups for one request", h, len(h), n)
					}
				}
				if len(res.logs) > 10 {
					t.Errorf("Cookie %.40q (%d bytes): %d log lines for one request", h, len(h), len(res.logs))
				}
			}

			valid := a.issue("alice")
			attacker := a.issue("mallory")
			forged := valid[:len(valid)/2] + string(valid[len(valid)/2]^1) + valid[len(valid)/2+1:]
			for _, tc := range []struct {
				name   string
				header []string
			}{
				{"forged, then valid", []string{"session=" + forged + "; session=" + valid}},
				{"valid, then forged", []string{"session=" + valid + "; session=" + forged}},
				{"three forged, then valid", []string{strings.Repeat("session="+forged+"; ", 3) + "session=" + valid}},
				{"garbage, then valid", []string{"session=x; session=; session=" + valid}},
				{"forged and valid in two headers", []string{"session=" + forged, "session=" + valid}},
			} {
				res := a.serve("/", "", func(r *http.Request) { r.Header["Cookie"] = tc.header })
				if res.body != "alice" {
					t.Errorf("%s: the visitor's valid cookie lost (body %q)", tc.name, res.body)
				}
				if len(rejections(res.logs)) == 0 {
					t.Errorf("%s: the forged cookie was not logged", tc.name)
				}
			}
			for _, order := range [][]string{{attacker, valid}, {valid, attacker}} {
				res := a.serve("/", "session="+order[0]+"; session="+order[1], nil)
				if res.body != "alice" && res.body != "mallory" {
					t.Errorf("two valid cookies: neither used (body %q)", res.body)
				}
				silent := true
				for _, r := range rejections(res.logs) {
					if strings.Contains(r, "more than one") {
						silent = false
					}
				}
				if silent {
					t.Errorf("two valid session cookies, %q's session used without a word in the log: %v", res.body, res.logs)
				}
			}
		})
	}
}

// testSessionIDIsTakenFromTheCookieOnly offers a valid session cookie's
// value everywhere but the Cookie header: the URL's query and path, a form
// field, and headers. None of it is ever used, nor sent to a store.
func testSessionIDIsTakenFromTheCookieOnly(t *testing.T, s suite) {
	for _, tg := range s.targets() {
		t.Run(tg.name, func(t *testing.T) {
			a := newSite(t, tg, advOptions{})
			v := a.issue("alice")
			if a.Spy != nil {
				a.Spy.Take()
			}
			q := url.QueryEscape(v)
			for _, tc := range []struct {
				name   string
				target string
				edit   func(*http.Request)
			}{
				{"query session=", "/?session=" + q, nil},
				{"query sid=", "/?sid=" + q + "&id=" + q + "&PHPSESSID=" + q, nil},
				{"path parameter", "/;session=" + q, nil},
				{"path", "/" + q, nil},
				{"form field", "/", func(r *http.Request) {
					r.Method = "POST"
					r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
					body := "session=" + q + "&sid=" + q
					r.Body = io.NopCloser(strings.NewReader(body))
					r.ContentLength = int64(len(body))
				}},
				{"headers", "/", func(r *http.Request) {
					for _, h := range []string{"Session", "X-Session", "X-Session-Id", "Session-Id", "X-Auth-Token", "Cookie2", "Set-Cookie", "X-Forwarded-Cookie"} {
						r.Header.Set(h, v)
					}
					r.Header.Set("Authorization", "Bearer "+v)
					r.Header.Set("Cookie2", "session="+v)
					r.Header.Set("Set-Cookie", "session="+v)
				}},
				{"other cookie names", "/", func(r *http.Request) {
					r.Header.Set("Cookie", "Session="+v+"; sessionid="+v+"; session_id="+v+"; __Host-session="+v+"; session.="+v)
				}},
			} {
				res := a.serve(tc.target, "", tc.edit)
				if res.body != "" || !res.isNew {
					t.Errorf("%s: the session was taken from it (body %q)", tc.name, res.body)
				}
				if a.Spy != nil {
					if keys := a.Spy.Take(); len(keys) != 0 {
						t.Errorf("%s: %d store lookups", tc.name, len(keys))
					}
				}
			}
		})
	}
}

// testHostileIDsNeverReachAStore sends session cookies whose value is not
// an ID the Manager issues, to every store: path traversal, NUL, SQL, a
// megabyte, near misses of the ID's form, and a store key itself (what a
// reader of the store sees). None reaches the store; a real ID does, as
// its store key only.
func testHostileIDsNeverReachAStore(t *testing.T, s suite) {
	for _, tg := range s.storeTargets() {
		t.Run(tg.name, func(t *testing.T) {
			a := newSite(t, tg, advOptions{})
			id := a.issue("alice")
			valid43 := strings.Repeat("A", 43)
			hostile := []string{
				"../../../../etc/passwd", "..%2F..%2F..%2Fetc%2Fpasswd", "../" + valid43[3:], "..\\" + valid43[3:], "/" + valid43[1:],
				valid43[:20] + "/" + valid43[21:], valid43[:42] + ".", valid43[:42] + "=", valid43[:41] + "==",
				strings.Repeat("\x00", 43), valid43[:42] + "\x00", "%00" + valid43[3:],
				"' OR '1'='1' --", `'; DROP TABLE sessions; --`, ("x' OR 1=1 OR 'x'='" + valid43)[:43], "1 UNION SELECT data FROM sessions",
				"*", "?", valid43[:40] + "*[]", "KEYS *", "\r\nFLUSHALL\r\n",
				strings.Repeat("A", 1<<20), valid43[:42], valid43 + "A", valid43[:42] + "B", strings.Repeat("é", 22),
				state.StoreKey(id), strings.ToUpper(state.StoreKey(id)), id[:42], id + id,
			}
			a.Spy.Take()
			for _, h := range hostile {
				res := a.serve("/", "", func(r *http.Request) { r.Header["Cookie"] = []string{"session=" + h} })
				if res.status != http.StatusOK || !res.isNew {
					t.Errorf("ID %.40q: status %d, IsNew %v", h, res.status, res.isNew)
				}
				if keys := a.Spy.Take(); len(keys) != 0 {
					t.Errorf("ID %.40q reached the store as %q", h, keys)
				}
			}
			a.serve("/", "session="+id, nil)
			if keys := a.Spy.Take(); len(keys) == 0 || keys[0] != state.StoreKey(id) {
				t.Errorf("a real ID reached the store as %q, want its store key %q first", keys, state.StoreKey(id))
			}
		})
	}
}

// testNoSecretInLogsOrErrors runs valid, damaged, expired, oversized and
// foreign cookies, renewals, log-outs and store failures through a
// Manager whose log is captured at debug level, and checks that no log
// line, no ErrorHandler error and no error a session method returned shows
// a secret, a cookie value or a session ID, raw or in hex or base64, or any
// 16-character piece of one.
func testNoSecretInLogsOrErrors(t *testing.T, s suite) {
	for _, tg := range s.targets() {
		t.Run(tg.name, func(t *testing.T) {
			a := newSite(t, tg, advOptions{cfg: func(c *session.Config) {
				c.OldSecrets = [][]byte{rotatedSecret}
				c.IdleTimeout = time.Hour
			}})
			var transcript strings.Builder
			var secrets []string
			send := func(target, cookie string) advResult {
				res := a.serve(target, cookie, nil)
				transcript.WriteString(a.Log.String())
				transcript.WriteString(res.body)
				if c := res.cookie; c != nil && c.Value != "" {
					secrets = append(secrets, c.Value)
				}
				if cookie != "" {
					secrets = append(secrets, strings.TrimPrefix(cookie, "session="))
				}
				return res
			}

			v := send("/?set=alice&perm", "")
			v2 := send("/?renew", "session="+v.cookie.Value)
			send("/", "session="+v2.cookie.Value)
			c := v2.cookie.Value
			send("/", "session="+c[:len(c)-3]+"xyz")
			send("/", "session="+c[:len(c)/2])
			send("/", "session="+c+c)
			send("/", "session="+strings.Repeat(c, 200))
			if tg.format != nil {
				send("/", "session="+mint(t, tg.format.format, "session", "alice", a.Clock.Now().Add(-48*time.Hour)))
				send("/", "session="+mint(t, tg.format.format, "admin", "alice", a.Clock.Now()))
				send("/?set="+strings.Repeat("x", 5000), "session="+c) // too large for a cookie: ErrorHandler
			} else {
				send("/", "session="+strings.Repeat("A", 43))
				a.Store.Fail.Store(true)
				send("/", "session="+c)
				send("/?set=bob", "session="+c)
				send("/?set=bob", "")
				a.Store.Fail.Store(false)
			}
			a.Clock.Advance(2 * time.Hour)
			send("/", "session="+c) // idle too long
			send("/?destroy", "session="+c)
			send("/", "session="+c)

			for _, err := range a.errs {
				transcript.WriteString(err.Error() + "\n")
			}
			text := transcript.String()
			if !strings.Contains(text, "cookie rejected") || (tg.format == nil && !strings.Contains(text, "store")) {
				t.Fatalf("the scenario did not produce the expected log and errors:\n%s", text)
			}
			for _, s := range [][]byte{primarySecret, rotatedSecret} {
				if leaks(text, s) {
					t.Errorf("a secret appears in the log or errors:\n%s", text)
				}
			}
			for _, s := range secrets {
				for i := 0; i+16 <= len(s); i += 4 {
					if piece := s[i : i+16]; strings.Contains(text, piece) {
						t.Fatalf("a piece of a cookie value or ID (%q) appears in the log or errors:\n%s", piece, text)
					}
				}
			}
			t.Logf("%d log and error lines checked against %d cookie values and IDs", strings.Count(text, "\n"), len(secrets))
		})
	}
}
