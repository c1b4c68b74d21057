package session_test

import (
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/websession/session"
	"github.com/websession/session/flask"
	"github.com/websession/session/internal/testkit"
	"github.com/websession/session/store/memstore"
)

// getUser is a handler that only reads the session.
func getUser(dst *any) http.HandlerFunc {
	return func(w http.ResponseWriter, req *http.Request) { *dst, _ = session.From(req).Get("user") }
}

func TestSavesWhenModifiedAsBrowserSessionCookie(t *testing.T) {
	a := testkit.NewApp(t, nil)
	resp := a.Serve(func(w http.ResponseWriter, req *http.Request) { session.From(req).Set("user", "alice") })
	c := testkit.OneCookie(t, resp, "session")
	if c == nil {
		t.Fatal("a modified session got no cookie")
	}
	raw := resp.Header.Get("Set-Cookie")
	if strings.Contains(raw, "Expires=") || strings.Contains(raw, "Max-Age") {
		t.Errorf("non-permanent session cookie %q must be a browser-session cookie (no Expires, no Max-Age)", raw)
	}
}

func TestUnmodifiedSessionIsNotRewritten(t *testing.T) {
	for name, read := range map[string]func(s *session.Session){
		"Get":                   func(s *session.Session) { s.Get("user") },
		"Set of an equal value": func(s *session.Session) { s.Set("user", "alice") },
		"Delete of a missing":   func(s *session.Session) { s.Delete("nothing") },
		"SetPermanent(false)":   func(s *session.Session) { s.SetPermanent(false) },
		"Flashes, none":         func(s *session.Session) { s.Flashes() },
	} {
		t.Run(name, func(t *testing.T) {
			a := testkit.NewApp(t, nil)
			c := a.Issue(func(s *session.Session) { s.Set("user", "alice") })
			a.Clock.Advance(time.Minute)
			resp := a.Serve(func(w http.ResponseWriter, req *http.Request) { read(session.From(req)) }, c)
			if got := resp.Header.Values("Set-Cookie"); len(got) != 0 {
				t.Errorf("unmodified non-permanent session: Set-Cookie %q, want none", got)
			}
			if varyCookieCount(resp) != 1 {
				t.Error("a used session's response lacks Vary: Cookie")
			}
		})
	}
}

func TestPermanentSessionRefreshedOnEveryUse(t *testing.T) {
	for _, tc := range []struct {
		name     string
		lifetime time.Duration
		want     time.Duration
	}{
		{"default lifetime of 31 days", 0, 31 * 24 * time.Hour},
		{"configured lifetime", 2 * time.Hour, 2 * time.Hour},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := testkit.NewApp(t, func(c *session.Config) { c.Lifetime = tc.lifetime })
			checkExpiry := func(resp *http.Response) *http.Cookie {
				t.Helper()
				c := testkit.OneCookie(t, resp, "session")
				if c == nil {
					t.Fatal("permanent session used without a fresh cookie")
				}
				if want := a.Clock.Now().Add(tc.want); !c.Expires.Equal(want) {
					t.Errorf("Expires %v, want now+Lifetime = %v", c.Expires, want)
				}
				if c.MaxAge != int(tc.want/time.Second) {
					t.Errorf("Max-Age %d, want %d", c.MaxAge, int(tc.want/time.Second))
				}
				return c
			}
			c := checkExpiry(a.Serve(func(w http.ResponseWriter, req *http.Request) {
				s := session.From(req)
				s.Set("user", "alice")
				s.SetPermanent(true)
			}))
			for range 3 {
				a.Clock.Advance(tc.want / 3)
				var user any
				c = checkExpiry(a.Serve(getUser(&user), c))
				if user != "alice" {
					t.Fatalf("user %v, want alice", user)
				}
			}
			// Untouched requests send nothing, permanent or not.
			resp := a.Serve(func(w http.ResponseWriter, req *http.Request) {}, c)
			if got := resp.Header.Values("Set-Cookie"); len(got) != 0 {
				t.Errorf("untouched permanent session: Set-Cookie %q", got)
			}
		})
	}
}

func TestSetPermanentAloneRewritesCookie(t *testing.T) {
	a := testkit.NewApp(t, func(c *session.Config) { c.RefreshOnlyWhenModified = true })
	c := a.Issue(func(s *session.Session) { s.Set("user", "alice") })
	resp := a.Serve(func(w http.ResponseWriter, req *http.Request) { session.From(req).SetPermanent(true) }, c)
	perm := testkit.OneCookie(t, resp, "session")
	if perm == nil || perm.MaxAge <= 0 {
		t.Fatalf("SetPermanent(true) alone: cookie %v, want a persistent cookie", perm)
	}
	resp = a.Serve(func(w http.ResponseWriter, req *http.Request) { session.From(req).SetPermanent(false) }, perm)
	back := testkit.OneCookie(t, resp, "session")
	if back == nil || back.MaxAge != 0 || !back.Expires.IsZero() {
		t.Fatalf("SetPermanent(false) alone: cookie %v, want a browser-session cookie", back)
	}
	accepted(t, a, back)
}

func TestRefreshOnlyWhenModified(t *testing.T) {
	a := testkit.NewApp(t, func(c *session.Config) { c.RefreshOnlyWhenModified = true })
	c := a.Issue(func(s *session.Session) {
		s.Set("user", "alice")
		s.SetPermanent(true)
	})
	a.Clock.Advance(time.Hour)
	var user any
	resp := a.Serve(getUser(&user), c)
	if user != "alice" {
		t.Fatalf("user %v", user)
	}
	if got := resp.Header.Values("Set-Cookie"); len(got) != 0 {
		t.Errorf("RefreshOnlyWhenModified, unmodified: Set-Cookie %q, want none", got)
	}
	resp = a.Serve(func(w http.ResponseWriter, req *http.Request) { session.From(req).Set("n", 1) }, c)
	if c := testkit.OneCookie(t, resp, "session"); c == nil || c.MaxAge <= 0 {
		t.Errorf("RefreshOnlyWhenModified, modified: cookie %v, want a permanent cookie", c)
	}
}

func TestEmptiedSessionDeletesCookie(t *testing.T) {
	for name, empty := range map[string]func(s *session.Session){
		"Clear":           func(s *session.Session) { s.Clear() },
		"Destroy":         func(s *session.Session) { s.Destroy() },
		"Delete last key": func(s *session.Session) { s.Delete("user") },
	} {
		t.Run(name, func(t *testing.T) {
			a := testkit.NewApp(t, nil)
			c := a.Issue(func(s *session.Session) {
				s.Set("user", "alice")
				s.SetPermanent(true)
			})
			resp := a.Serve(func(w http.ResponseWriter, req *http.Request) { empty(session.From(req)) }, c)
			del := testkit.OneCookie(t, resp, "session")
			raw := resp.Header.Get("Set-Cookie")
			if del == nil || del.MaxAge >= 0 || !strings.Contains(raw, "Max-Age=0") || del.Value != "" {
				t.Fatalf("Set-Cookie %q, want an empty cookie with Max-Age=0", raw)
			}
			if del.Path != "/" || !del.Secure || !del.HttpOnly {
				t.Errorf("deletion cookie %q must carry the session cookie's attributes", raw)
			}
			if resp.Header.Get("Cache-Control") != "no-store" {
				t.Errorf("deletion without Cache-Control: no-store")
			}
		})
	}
	// A session that had no cookie has nothing to delete.
	a := testkit.NewApp(t, nil)
	resp := a.Serve(func(w http.ResponseWriter, req *http.Request) { session.From(req).Destroy() })
	if got := resp.Header.Values("Set-Cookie"); len(got) != 0 {
		t.Errorf("Destroy without a cookie: Set-Cookie %q", got)
	}
}

// rejected checks that a request carrying cookieHeader gets an empty new
// session, a warning in the log, and that neither the response nor the log
// shows the cookie's value.
func rejected(t *testing.T, a *testkit.App, cookieHeader, value string) {
	t.Helper()
	a.Log.Reset()
	var isNew bool
	var n int
	resp := a.Get(func(w http.ResponseWriter, req *http.Request) {
		s := session.From(req)
		isNew, n = s.IsNew(), s.Len()
	}, "/", cookieHeader)
	if !isNew || n != 0 {
		t.Errorf("IsNew=%v Len=%d, want an empty new session", isNew, n)
	}
	log := a.Log.String()
	if !strings.Contains(log, "level=WARN") {
		t.Errorf("no warning logged for a rejected cookie; log %q", log)
	}
	if len(value) >= 8 && strings.Contains(log, value) {
		t.Errorf("the log shows the cookie value: %q", log)
	}
	if len(value) >= 24 && strings.Contains(log, value[:24]) {
		t.Errorf("the log shows part of the cookie value: %q", log)
	}
	if got := resp.Header.Values("Set-Cookie"); len(got) != 0 {
		t.Errorf("rejected cookie, untouched data: Set-Cookie %q", got)
	}
}

// accepted checks that c opens to a session holding user=alice.
func accepted(t *testing.T, a *testkit.App, c *http.Cookie) {
	t.Helper()
	a.Log.Reset()
	var user any
	a.Serve(getUser(&user), c)
	if user != "alice" {
		t.Errorf("valid cookie not accepted (user=%v); log %q", user, a.Log.String())
	}
}

func TestServerEnforcesTimeouts(t *testing.T) {
	cases := []struct {
		name  string
		mod   func(c *session.Config)
		steps []time.Duration // clock moves; after each the session is read
		ok    bool            // valid after the last step
	}{
		{"within Lifetime", func(c *session.Config) { c.Lifetime = time.Hour }, []time.Duration{59 * time.Minute}, true},
		{"past Lifetime", func(c *session.Config) { c.Lifetime = time.Hour }, []time.Duration{time.Hour + time.Second}, false},
		{"past default Lifetime", nil, []time.Duration{31*24*time.Hour + time.Second}, false},
		{"within IdleTimeout", func(c *session.Config) { c.IdleTimeout = 30 * time.Minute }, []time.Duration{29 * time.Minute}, true},
		{"past IdleTimeout", func(c *session.Config) { c.IdleTimeout = 30 * time.Minute }, []time.Duration{31 * time.Minute}, false},
		{"active session kept alive past IdleTimeout", func(c *session.Config) { c.IdleTimeout = 30 * time.Minute },
			[]time.Duration{20 * time.Minute, 20 * time.Minute, 20 * time.Minute, 20 * time.Minute}, true},
		{"active session ended by AbsoluteTimeout", func(c *session.Config) { c.AbsoluteTimeout = 2 * time.Hour; c.IdleTimeout = time.Hour },
			[]time.Duration{50 * time.Minute, 50 * time.Minute, 21 * time.Minute}, false},
		{"active session within AbsoluteTimeout", func(c *session.Config) { c.AbsoluteTimeout = 2 * time.Hour; c.IdleTimeout = time.Hour },
			[]time.Duration{50 * time.Minute, 50 * time.Minute, 19 * time.Minute}, true},
		{"issued a moment in the future", nil, []time.Duration{-5 * time.Second}, true},
		{"issued in the future", nil, []time.Duration{-time.Hour}, false},
	}
	for _, tc := range cases {
		for _, f := range []session.Format{session.Encrypted, session.Signed} {
			t.Run(tc.name+"/"+formatName(f), func(t *testing.T) {
				a := testkit.NewApp(t, func(c *session.Config) {
					c.Format = f
					if tc.mod != nil {
						tc.mod(c)
					}
				})
				c := a.Issue(func(s *session.Session) { s.Set("user", "alice") })
				for i, d := range tc.steps {
					a.Clock.Advance(d)
					if i == len(tc.steps)-1 {
						break
					}
					var user any
					resp := a.Serve(getUser(&user), c)
					if user != "alice" {
						t.Fatalf("step %d: session lost early", i)
					}
					if fresh := testkit.OneCookie(t, resp, "session"); fresh != nil {
						c = fresh
					}
				}
				if tc.ok {
					accepted(t, a, c)
				} else {
					rejected(t, a, "session="+c.Value, c.Value)
				}
			})
		}
	}
}

// TestDestroyThenSetRestartsAbsoluteTimeout: values set after Destroy
// start a new session, so AbsoluteTimeout counts from then, not from when
// the destroyed session was created.
func TestDestroyThenSetRestartsAbsoluteTimeout(t *testing.T) {
	a := testkit.NewApp(t, func(c *session.Config) { c.AbsoluteTimeout = time.Hour })
	c := a.Issue(func(s *session.Session) { s.Set("user", "alice") })
	a.Clock.Advance(50 * time.Minute)
	resp := a.Serve(func(w http.ResponseWriter, req *http.Request) {
		s := session.From(req)
		s.Destroy()
		s.Set("user", "alice")
	}, c)
	if c = testkit.OneCookie(t, resp, "session"); c == nil {
		t.Fatal("Destroy then Set sent no cookie")
	}
	a.Clock.Advance(20 * time.Minute) // 70 minutes after the first session began, 20 after the new one
	accepted(t, a, c)
}

func TestOversizedSessionRefused(t *testing.T) {
	var got error
	a := testkit.NewApp(t, func(c *session.Config) {
		c.ErrorHandler = func(w http.ResponseWriter, req *http.Request, err error) {
			got = err
			w.WriteHeader(http.StatusTeapot)
		}
	})
	resp := a.Serve(func(w http.ResponseWriter, req *http.Request) {
		session.From(req).Set("big", strings.Repeat("x", 5000))
	})
	if !errors.Is(got, session.ErrCookieTooLarge) {
		t.Fatalf("ErrorHandler got %v, want ErrCookieTooLarge", got)
	}
	var tooLarge *session.CookieTooLargeError
	if !errors.As(got, &tooLarge) || tooLarge.Limit != 4093 || tooLarge.Size <= 5000 {
		t.Fatalf("error %#v, want size over 5000 and limit 4093", got)
	}
	msg := got.Error()
	if !strings.Contains(msg, strconv.Itoa(tooLarge.Size)) || !strings.Contains(msg, "4093") || !strings.HasPrefix(msg, "session: ") {
		t.Errorf("message %q must name the size and the limit", msg)
	}
	if resp.StatusCode != http.StatusTeapot || len(resp.Header.Values("Set-Cookie")) != 0 {
		t.Errorf("status %d, Set-Cookie %q: ErrorHandler's response must go out without a cookie", resp.StatusCode, resp.Header.Values("Set-Cookie"))
	}
}

func TestOversizedSessionDefaultHandlerKeepsPreviousCookie(t *testing.T) {
	a := testkit.NewApp(t, nil)
	do := a.Browser().Get
	do(func(w http.ResponseWriter, req *http.Request) { session.From(req).Set("user", "alice") })
	var writeErr error
	resp := do(func(w http.ResponseWriter, req *http.Request) {
		session.From(req).Set("big", strings.Repeat("y", 5000))
		w.WriteHeader(http.StatusOK)
		_, writeErr = io.WriteString(w, "handler output")
	})
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusInternalServerError || strings.Contains(string(body), "handler output") {
		t.Errorf("default ErrorHandler: status %d body %q, want 500 without the handler's output", resp.StatusCode, body)
	}
	if writeErr == nil {
		t.Error("the handler's Write after a failed commit reported no error")
	}
	if got := resp.Header.Values("Set-Cookie"); len(got) != 0 {
		t.Errorf("Set-Cookie %q on a failed commit", got)
	}
	if !strings.Contains(a.Log.String(), "level=ERROR") {
		t.Errorf("default ErrorHandler logged nothing at error level: %q", a.Log.String())
	}
	var user, big any
	do(func(w http.ResponseWriter, req *http.Request) {
		s := session.From(req)
		user, _ = s.Get("user")
		big, _ = s.Get("big")
	})
	if user != "alice" || big != nil {
		t.Errorf("next request: user=%v big set=%v; want the previous cookie untouched", user, big != nil)
	}
}

func TestMaxCookieSizeConfigurable(t *testing.T) {
	value := strings.Repeat("z", 400)
	for _, tc := range []struct {
		limit int
		ok    bool
	}{{0, true}, {300, false}, {800, true}} {
		t.Run(strconv.Itoa(tc.limit), func(t *testing.T) {
			var failed error
			a := testkit.NewApp(t, func(c *session.Config) {
				c.MaxCookieSize = tc.limit
				c.ErrorHandler = func(w http.ResponseWriter, req *http.Request, err error) { failed = err }
			})
			resp := a.Serve(func(w http.ResponseWriter, req *http.Request) { session.From(req).Set("v", value) })
			c := testkit.OneCookie(t, resp, "session")
			if tc.ok && (c == nil || failed != nil) {
				t.Errorf("limit %d: cookie %v, error %v; want it accepted", tc.limit, c != nil, failed)
			}
			if !tc.ok {
				var tooLarge *session.CookieTooLargeError
				if c != nil || !errors.As(failed, &tooLarge) || tooLarge.Limit != tc.limit {
					t.Errorf("limit %d: cookie %v, error %v; want ErrCookieTooLarge naming the limit", tc.limit, c != nil, failed)
				}
			}
			if c != nil && len(resp.Header.Get("Set-Cookie")) > max(tc.limit, 4093) {
				t.Errorf("Set-Cookie is %d bytes, over the limit", len(resp.Header.Get("Set-Cookie")))
			}
		})
	}
}

func TestIncomingCookieOverMaxCookieSizeIsRejected(t *testing.T) {
	a := testkit.NewApp(t, nil)
	huge := strings.Repeat("A", 5000)
	rejected(t, a, "session="+huge, huge)
}

func TestRotatedSecretAcceptedAndReissued(t *testing.T) {
	for _, f := range []session.Format{session.Encrypted, session.Signed} {
		t.Run(formatName(f), func(t *testing.T) {
			before := testkit.NewApp(t, func(c *session.Config) { c.Format = f; c.Secret = rotatedSecret })
			old := before.Issue(func(s *session.Session) { s.Set("user", "alice") })

			during := testkit.NewApp(t, func(c *session.Config) {
				c.Format = f
				c.OldSecrets = [][]byte{strangerSecret, rotatedSecret}
			})
			var user any
			resp := during.Serve(getUser(&user), old)
			if user != "alice" {
				t.Fatalf("cookie made with an OldSecrets key was refused; log %q", during.Log.String())
			}
			reissued := testkit.OneCookie(t, resp, "session")
			if reissued == nil {
				t.Fatal("a read-only request with an old-key cookie must re-issue it under Secret")
			}
			if reissued.MaxAge != 0 {
				t.Errorf("re-issued cookie became permanent: %v", reissued)
			}

			after := testkit.NewApp(t, func(c *session.Config) { c.Format = f })
			accepted(t, after, reissued)
			rejected(t, after, "session="+old.Value, old.Value)

			// A cookie already under Secret is not rewritten for nothing.
			resp = during.Serve(getUser(&user), reissued)
			if got := resp.Header.Values("Set-Cookie"); len(got) != 0 {
				t.Errorf("current-key cookie rewritten: %q", got)
			}
		})
	}
}

func TestAllCookiesWithTheNameAreTried(t *testing.T) {
	a := testkit.NewApp(t, nil)
	valid := a.Issue(func(s *session.Session) { s.Set("user", "alice") })
	stranger := testkit.NewApp(t, func(c *session.Config) { c.Secret = strangerSecret })
	foreign := stranger.Issue(func(s *session.Session) { s.Set("user", "mallory") })
	other := a.Issue(func(s *session.Session) { s.Set("user", "bob") })
	for name, header := range map[string]string{
		"valid first":           "session=" + valid.Value + "; session=garbage",
		"valid second":          "session=garbage; session=" + valid.Value,
		"after a foreign key":   "session=" + foreign.Value + "; session=" + valid.Value,
		"before a foreign key":  "session=" + valid.Value + "; session=" + foreign.Value,
		"among other cookies":   "theme=dark; session=; session=" + valid.Value + "; lang=en",
		"after an empty cookie": "session=; session=" + valid.Value,
		// Browsers send the cookie with the longest Path first.
		"first of two valid": "session=" + valid.Value + "; session=" + other.Value,
	} {
		t.Run(name, func(t *testing.T) {
			var user any
			var isNew bool
			a.Get(func(w http.ResponseWriter, req *http.Request) {
				s := session.From(req)
				user, _ = s.Get("user")
				isNew = s.IsNew()
			}, "/", header)
			if user != "alice" || isNew {
				t.Errorf("user=%v IsNew=%v, want the valid cookie's session", user, isNew)
			}
		})
	}
}

func TestCookieAttributes(t *testing.T) {
	cases := []struct {
		name  string
		opts  session.CookieOptions
		check func(t *testing.T, c *http.Cookie, raw string)
	}{
		{"defaults", session.CookieOptions{}, func(t *testing.T, c *http.Cookie, raw string) {
			if c.Name != "session" || c.Path != "/" || c.Domain != "" || !c.Secure || !c.HttpOnly || c.SameSite != http.SameSiteLaxMode || c.Partitioned {
				t.Errorf("default cookie %q, want session; Path=/; HttpOnly; Secure; SameSite=Lax", raw)
			}
		}},
		{"__Host- prefix", session.CookieOptions{Name: "__Host-sid"}, func(t *testing.T, c *http.Cookie, raw string) {
			if c.Name != "__Host-sid" || c.Path != "/" || c.Domain != "" || !c.Secure {
				t.Errorf("cookie %q breaks the __Host- rules", raw)
			}
		}},
		{"options", session.CookieOptions{Name: "sid", Path: "/app", Domain: "example.test", ScriptReadable: true, SameSite: http.SameSiteStrictMode},
			func(t *testing.T, c *http.Cookie, raw string) {
				if c.Name != "sid" || c.Path != "/app" || c.Domain != "example.test" || c.HttpOnly || c.SameSite != http.SameSiteStrictMode {
					t.Errorf("cookie %q does not follow the options", raw)
				}
			}},
		{"plain-HTTP development", session.CookieOptions{Insecure: true}, func(t *testing.T, c *http.Cookie, raw string) {
			if c.Secure {
				t.Errorf("cookie %q is Secure with Secure Off", raw)
			}
		}},
		{"third-party iframe", session.CookieOptions{SameSite: http.SameSiteNoneMode, Partitioned: true}, func(t *testing.T, c *http.Cookie, raw string) {
			if c.SameSite != http.SameSiteNoneMode || !c.Partitioned || !c.Secure {
				t.Errorf("cookie %q, want SameSite=None; Secure; Partitioned", raw)
			}
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			a := testkit.NewApp(t, func(c *session.Config) { c.Cookie = tc.opts })
			req := httptest.NewRequest("GET", "https://example.test/app/x", nil)
			resp := a.ServeRequest(func(w http.ResponseWriter, req *http.Request) { session.From(req).Set("k", 1) }, req)
			raw := resp.Header.Get("Set-Cookie")
			c, err := http.ParseSetCookie(raw)
			if err != nil {
				t.Fatalf("Set-Cookie %q: %v", raw, err)
			}
			tc.check(t, c, raw)
		})
	}
}

// A cookie value holding a byte no cookie value may (a control, non-ASCII,
// '"', '\\') never opens a session, wherever the byte is, in any format or
// store. net/http drops such a value; the cookie reader passes it on (see
// cookie.Values), and each format's decoding and the session ID check
// refuse it.
func TestValuesNetHTTPDropsOpenNoSession(t *testing.T) {
	apps := map[string]*testkit.App{
		"encrypted": testkit.NewApp(t, nil),
		"signed":    testkit.NewApp(t, func(c *session.Config) { c.Format = session.Signed }),
		"flask":     testkit.NewApp(t, func(c *session.Config) { c.Format = flask.Format() }),
		"memstore":  testkit.NewStoreApp(t, memstore.New(), nil),
	}
	for name, app := range apps {
		t.Run(name, func(t *testing.T) {
			value := app.Issue(func(s *session.Session) { s.Set("user_id", 7) }).Value
			for _, b := range []byte{0x00, '\t', '\r', '\n', 0x1f, '"', '\\', 0x7f, 0x80, 0xff} {
				for _, at := range []int{0, 1, len(value) / 2, len(value) - 1, len(value)} {
					bad := value[:at] + string(b) + value[at:]
					for _, replace := range []bool{false, true} {
						if replace && at < len(value) {
							bad = value[:at] + string(b) + value[at+1:]
						}
						req := testkit.Request("/", "session="+bad)
						if len(req.CookiesNamed("session")) > 0 {
							continue // net/http keeps it: a tab at the end is trimmed
						}
						var isNew bool
						var n int
						app.ServeRequest(func(w http.ResponseWriter, r *http.Request) {
							s := session.From(r)
							isNew, n = s.IsNew(), s.Len()
						}, req)
						if !isNew || n != 0 {
							t.Fatalf("cookie with byte %#x at %d (replacing: %v) opened a session of %d keys", b, at, replace, n)
						}
					}
				}
			}
		})
	}
}
