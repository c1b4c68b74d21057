package main

import (
	"maps"
	"net/http"
	"net/url"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// cookieShop starts the shop with cookie sessions, a secret kept in a file
// of the test's temp dir and revocations in a directory next to it, as
// `go run ./examples/shop` does. Every start (and restart) reads the secret
// file and opens the revocations directory again.
func cookieShop(t *testing.T, logs *syncBuffer) (*shop, string) {
	t.Helper()
	return cookieShopWith(t, logs, cookieShopOptions{})
}

// cookieShopOptions change what cookieShopWith starts.
type cookieShopOptions struct {
	// now is the sessions' clock. Default: time.Now.
	now func() time.Time
	// noRevocations starts the shop as -revocations "" does.
	noRevocations bool
}

func cookieShopWith(t *testing.T, logs *syncBuffer, opt cookieShopOptions) (*shop, string) {
	t.Helper()
	secretFile := filepath.Join(t.TempDir(), ".shop-secret")
	log := testLogger(t, logs)
	s := startShop(t, func(addr string) http.Handler {
		secret, _, err := loadSecret("", secretFile, log)
		if err != nil {
			t.Fatal(err)
		}
		cfg := appConfig{Secret: secret, Insecure: cookieInsecure(addr, false), Logger: log, Now: opt.now}
		if !opt.noRevocations {
			if cfg.Revocations, err = openRevocations(secretFile+revocationsSuffix, log); err != nil {
				t.Fatal(err)
			}
		}
		h, err := newApp(cfg)
		if err != nil {
			t.Fatal(err)
		}
		return h
	})
	return s, secretFile
}

func TestShopJourney(t *testing.T) {
	t.Parallel()
	var logs syncBuffer
	s, secretFile := cookieShop(t, &logs)

	// An anonymous visitor gets a counter and a session cookie.
	body := s.get("/")
	if n := visits(t, body); n != 1 {
		t.Fatalf("first visit: counter %d, want 1", n)
	}
	if !strings.Contains(body, "<dt>IsNew</dt><dd><code>true</code>") {
		t.Error("first visit: the panel does not say the session is new")
	}
	if s.cookie() == "" {
		t.Fatal("first visit: no session cookie was stored (is Secure on over plain HTTP?)")
	}
	if n := visits(t, s.get("/")); n != 2 {
		t.Fatalf("second visit: counter %d, want 2", n)
	}

	// A wrong password is refused with a message on the log-in page.
	s.post("/login", url.Values{"username": {"alice"}, "password": {"nope"}}, "/login")
	body = s.get("/login")
	if got := loggedIn(body); got != "" {
		t.Fatalf("after a wrong password the page says logged in as %q", got)
	}
	if f := flashes(body); !slices.Equal(f, []string{"error: Unknown user name or wrong password."}) {
		t.Errorf("after a wrong password, flashes %q", f)
	}

	// Log in: welcome flash once, the counter survives Renew.
	s.login("alice", "wonderland")
	body = s.get("/")
	if got := loggedIn(body); got != "alice" {
		t.Fatalf("after log-in the page says logged in as %q, want alice", got)
	}
	if f := flashes(body); !slices.Equal(f, []string{"message: Welcome back, alice"}) {
		t.Errorf("after log-in, flashes %q, want the welcome message", f)
	}
	if n := visits(t, body); n != 3 {
		t.Errorf("after log-in the counter is %d, want 3: Renew must keep the data", n)
	}
	body = s.get("/")
	if f := flashes(body); len(f) != 0 {
		t.Errorf("a flash message showed twice: %q", f)
	}
	if n := visits(t, body); n != 4 {
		t.Errorf("counter %d, want 4", n)
	}

	// Fill the cart; a reload shows the same cart.
	s.addToCart("tea")
	s.addToCart("tea")
	s.addToCart("mug")
	want := map[string]int{"Green tea": 2, "Enamel mug": 1}
	if got := cartOf(s.get("/shop")); !maps.Equal(got, want) {
		t.Fatalf("cart %v, want %v", got, want)
	}
	if got := cartOf(s.get("/shop")); !maps.Equal(got, want) {
		t.Fatalf("after reload, cart %v, want %v", got, want)
	}

	// Restart: a new Manager reading the same secret file still knows alice
	// and her cart.
	s.restart()
	body = s.get("/")
	if got := loggedIn(body); got != "alice" {
		t.Fatalf("after a restart the page says logged in as %q, want alice", got)
	}
	if got := cartOf(body); !maps.Equal(got, want) {
		t.Fatalf("after a restart, cart %v, want %v", got, want)
	}

	// Remove a line, then log out: anonymous again, cart gone.
	s.post("/cart/remove", url.Values{"product": {"tea"}, "back": {"/"}}, "/")
	if got := cartOf(s.get("/")); !maps.Equal(got, map[string]int{"Enamel mug": 1}) {
		t.Fatalf("after removing tea, cart %v", got)
	}
	s.post("/logout", nil, "/")
	body = s.get("/")
	if got := loggedIn(body); got != "" {
		t.Fatalf("after log-out the page says logged in as %q", got)
	}
	if !strings.Contains(body, "Hello, visitor") || len(cartOf(body)) != 0 {
		t.Errorf("after log-out the home page is not the anonymous one:\n%s", body)
	}
	if f := flashes(body); !slices.Equal(f, []string{"message: You have been logged out."}) {
		t.Errorf("after log-out, flashes %q", f)
	}

	// Neither the secret nor a cookie value ever reaches the log.
	secret, _, err := loadSecret("", secretFile, testLogger(t, &logs))
	if err != nil {
		t.Fatal(err)
	}
	if s.cookie() == "" {
		t.Fatal("after log-out there is no cookie holding the goodbye message")
	}
	if l := logs.String(); strings.Contains(l, string(secret)) || strings.Contains(l, s.cookie()) {
		t.Errorf("the log holds the secret or the cookie:\n%s", l)
	}
}

func TestEmptyCart(t *testing.T) {
	t.Parallel()
	s, _ := cookieShop(t, &syncBuffer{})
	s.addToCart("beans")
	s.post("/cart/empty", url.Values{"back": {"/shop"}}, "/shop")
	body := s.get("/shop")
	if c := cartOf(body); len(c) != 0 {
		t.Errorf("after emptying, cart %v", c)
	}
	if strings.Contains(body, "<code>cart</code>") {
		t.Error("after emptying, the panel still shows a cart key")
	}
}

func TestThemeKeptInPermanentCookie(t *testing.T) {
	t.Parallel()
	s, _ := cookieShop(t, &syncBuffer{})
	s.login("bob", "builder")
	if c := sessionCookie(t, s.post("/cart/add", url.Values{"product": {"mug"}}, "/")); !c.Expires.IsZero() || c.MaxAge != 0 {
		t.Fatalf("before choosing a theme the cookie has Expires %v, Max-Age %d; want a browser-session cookie", c.Expires, c.MaxAge)
	}

	c := sessionCookie(t, s.post("/theme", url.Values{"theme": {"dark"}, "back": {"/shop"}}, "/shop"))
	if min := time.Now().Add(30 * 24 * time.Hour); c.Expires.Before(min) || c.MaxAge < 30*24*3600 {
		t.Errorf("after choosing a theme the cookie has Expires %v, Max-Age %d; want about 31 days", c.Expires, c.MaxAge)
	}
	body := s.get("/shop")
	if !strings.Contains(body, `<body class="dark">`) || !strings.Contains(body, "<dt>Permanent</dt><dd><code>true</code>") {
		t.Errorf("the dark theme or the permanent flag is not shown:\n%s", body)
	}

	// The theme is this browser's preference: it outlives log-out.
	s.post("/logout", nil, "/")
	if body := s.get("/"); !strings.Contains(body, `<body class="dark">`) || loggedIn(body) != "" {
		t.Error("after log-out the theme was lost or the user is still logged in")
	}
}

// sessionCookie returns the session cookie a response sets.
func sessionCookie(t *testing.T, resp *http.Response) *http.Cookie {
	t.Helper()
	for _, c := range resp.Cookies() {
		if c.Name == cookieName {
			return c
		}
	}
	t.Fatalf("the response sets no %s cookie", cookieName)
	return nil
}

func TestCrossOriginPostRefused(t *testing.T) {
	t.Parallel()
	// CrossOriginProtection trusts Sec-Fetch-Site when the browser sends
	// it, and otherwise compares Origin with Host. A request with neither
	// is not from a browser (curl, say) and passes: it cannot carry a
	// victim's cookies from another site.
	tests := []struct {
		name   string
		header http.Header
		want   int
	}{
		{"cross-site fetch metadata", http.Header{"Sec-Fetch-Site": {"cross-site"}}, http.StatusForbidden},
		{"same-site but other origin", http.Header{"Sec-Fetch-Site": {"same-site"}}, http.StatusForbidden},
		{"foreign Origin, old browser", http.Header{"Origin": {"http://evil.example"}}, http.StatusForbidden},
		{"same-origin fetch metadata", http.Header{"Sec-Fetch-Site": {"same-origin"}}, http.StatusSeeOther},
		{"typed by the user", http.Header{"Sec-Fetch-Site": {"none"}}, http.StatusSeeOther},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s, _ := cookieShop(t, &syncBuffer{})
			s.addToCart("kettle")
			resp := s.postWith("/cart/empty", url.Values{"back": {"/shop"}}, tt.header)
			if resp.StatusCode != tt.want {
				t.Fatalf("status %d, want %d", resp.StatusCode, tt.want)
			}
			emptied := len(cartOf(s.get("/shop"))) == 0
			if emptied != (tt.want == http.StatusSeeOther) {
				t.Errorf("cart emptied: %t, want %t", emptied, tt.want == http.StatusSeeOther)
			}
		})
	}
}

func TestBadForms(t *testing.T) {
	t.Parallel()
	s, _ := cookieShop(t, &syncBuffer{})
	same := http.Header{"Sec-Fetch-Site": {"same-origin"}}
	for _, tt := range []struct {
		path string
		form url.Values
		want int
	}{
		{"/cart/add", url.Values{"product": {"unicorn"}}, http.StatusBadRequest},
		{"/theme", url.Values{"theme": {"neon"}}, http.StatusBadRequest},
		{"/cart/add", url.Values{"product": {"tea"}, "back": {"https://evil.example/"}}, http.StatusSeeOther},
	} {
		resp := s.postWith(tt.path, tt.form, same)
		if resp.StatusCode != tt.want {
			t.Errorf("POST %s %v: status %d, want %d", tt.path, tt.form, resp.StatusCode, tt.want)
		}
		if loc := resp.Header.Get("Location"); loc != "" && loc != "/" {
			t.Errorf("POST %s %v redirects to %q; only the shop's own pages are allowed", tt.path, tt.form, loc)
		}
	}
}

func TestPanelShowsCookieSize(t *testing.T) {
	t.Parallel()
	s, _ := cookieShop(t, &syncBuffer{})
	body := s.get("/")
	c := s.cookie()
	// The Set-Cookie header: name=value; Path=/; HttpOnly; SameSite=Lax.
	size := len(cookieName + "=" + c + "; Path=/; HttpOnly; SameSite=Lax")
	want := "This response sets the <code>" + cookieName + "</code> cookie: <strong>" + strconv.Itoa(size) + " of 4093 bytes</strong>"
	if !strings.Contains(body, want) {
		t.Errorf("the panel does not say %q:\n%s", want, body)
	}
	if strings.Contains(body, c) {
		t.Error("the page shows the cookie's value")
	}
	if !strings.Contains(body, "<code>visits</code></td><td><code>1</code>") {
		t.Error("the panel does not show visits = 1")
	}
}

func TestCookieFormats(t *testing.T) {
	t.Parallel()
	secret := []byte("a demo secret of 32 bytes or more, for tests only")
	for _, tt := range []struct{ format, panel string }{
		{"", "encrypted (AES-256-GCM)"},
		{"encrypted", "encrypted (AES-256-GCM)"},
		{"signed", "signed (HMAC-SHA256)"},
	} {
		s := startShop(t, func(addr string) http.Handler {
			h, err := newApp(appConfig{Secret: secret, Format: tt.format, Insecure: cookieInsecure(addr, false), Logger: testLogger(t, &syncBuffer{})})
			if err != nil {
				t.Fatal(err)
			}
			return h
		})
		s.login("bob", "builder")
		body := s.get("/")
		if loggedIn(body) != "bob" || !strings.Contains(body, "<dt>Cookie format</dt><dd>"+tt.panel) {
			t.Errorf("format %q: not logged in, or the panel does not say %q", tt.format, tt.panel)
		}
	}
}

// endOthersFormRe finds the "Log out all other devices" form.
var endOthersFormRe = regexp.MustCompile(`<form method="post" action="/devices/end-others"[^>]*>\s*<button>Log out all other devices</button>`)

// TestDevicesWithCookieSessions: with cookie sessions the devices page
// explains why it lists nothing, and offers "log out all other devices"
// alone when revocations are kept (as `go run ./examples/shop` does) and
// nothing when they are not (-revocations "").
func TestDevicesWithCookieSessions(t *testing.T) {
	t.Parallel()
	const (
		cannotEndOne = "error: This shop keeps sessions in cookies, so it cannot end one of them from the server; it can only log out all other devices at once."
		cannotEnd    = "error: This shop keeps sessions in cookies, so it cannot end them from the server."
	)
	s, _ := cookieShop(t, &syncBuffer{})

	// Anonymous: sent to log in first.
	resp, err := s.client.Get(s.srv.URL + "/devices")
	if err != nil {
		t.Fatal(err)
	}
	readBody(t, resp)
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/login" {
		t.Fatalf("GET /devices, not logged in: %d to %q, want 303 to /login", resp.StatusCode, resp.Header.Get("Location"))
	}
	s.post("/devices/end-others", nil, "/login")
	if f := flashes(s.get("/login")); len(f) != 2 || !strings.HasPrefix(f[0], "error: Log in to") {
		t.Errorf("the log-in page after trying the devices page shows flashes %q; want two asking to log in", f)
	}

	// Logged in: the page explains why cookie sessions cannot be listed and
	// offers the one thing it can do: log out all other devices.
	s.login("alice", "wonderland")
	body := s.get("/devices")
	if !strings.Contains(body, "<strong>cookie sessions</strong>") || strings.Contains(body, `id="devices"`) || strings.Contains(body, `action="/devices/end"`) {
		t.Errorf("the devices page with cookie sessions does not explain them, or lists or ends sessions one by one:\n%s", body)
	}
	if n := len(endOthersFormRe.FindAllString(body, -1)); n != 1 {
		t.Errorf("the devices page with cookie sessions shows %d \"Log out all other devices\" forms, want 1:\n%s", n, body)
	}
	s.post("/devices/end", url.Values{"handle": {strings.Repeat("ab", 32)}}, "/devices")
	if f := flashes(s.get("/")); !slices.Equal(f, []string{cannotEndOne}) {
		t.Errorf("ending a session by handle with cookie sessions: flashes %q, want %q", f, cannotEndOne)
	}
	if loggedIn(s.get("/")) != "alice" {
		t.Error("ending a session by handle with cookie sessions logged out this browser")
	}

	// Without revocations the page offers nothing, and the button's
	// request, sent anyway, says why.
	s, _ = cookieShopWith(t, &syncBuffer{}, cookieShopOptions{noRevocations: true})
	s.login("alice", "wonderland")
	body = s.get("/devices")
	if !strings.Contains(body, "<strong>cookie sessions</strong>") || strings.Contains(body, `action="/devices/end`) {
		t.Errorf("the devices page with cookie sessions and no revocations does not explain them, or offers to end sessions:\n%s", body)
	}
	s.post("/devices/end-others", nil, "/devices")
	if f := flashes(s.get("/")); !slices.Equal(f, []string{cannotEnd}) {
		t.Errorf("log out everywhere with cookie sessions and no revocations: flashes %q, want %q", f, cannotEnd)
	}
	if loggedIn(s.get("/")) != "alice" {
		t.Error("log out everywhere with cookie sessions and no revocations logged out this browser")
	}
}

// TestEveryFormRefusesCrossOrigin posts every form the shop's pages show,
// as a cross-site page would, and expects each refused with nothing
// changed: with a server-side store, and with cookie sessions, whose
// devices page has a form of its own.
func TestEveryFormRefusesCrossOrigin(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name string
		// start returns the shop and a function run before the forged
		// posts. For cookie sessions it moves the clock on a second, so a
		// forged "log out all other devices" would log out the browser
		// signed in before (revocation times are whole seconds).
		start func(t *testing.T) (*shop, func())
		want  []string
	}{
		{"memory", func(t *testing.T) (*shop, func()) {
			s, _ := storeShop(t, "memory")
			return s, func() {}
		}, []string{"/cart/add", "/cart/empty", "/cart/remove", "/devices/end", "/devices/end-others", "/login", "/logout", "/theme"}},
		{"cookie", func(t *testing.T) (*shop, func()) {
			var clock testClock
			s, _ := cookieShopWith(t, &syncBuffer{}, cookieShopOptions{now: clock.now})
			return s, func() { clock.advance(time.Second) }
		}, []string{"/cart/add", "/cart/empty", "/cart/remove", "/devices/end-others", "/login", "/logout", "/theme"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s, beforePosts := tt.start(t)
			formRe := regexp.MustCompile(`<form method="post" action="([^"]+)"`)
			actions := map[string]bool{}
			forms := func(page string) {
				for _, m := range formRe.FindAllStringSubmatch(s.get(page), -1) {
					actions[m[1]] = true
				}
			}
			forms("/login") // before logging in: the log-in form
			other := s.another()
			other.login("alice", "wonderland")
			s.login("alice", "wonderland")
			s.addToCart("tea")
			forms("/")
			forms("/shop")
			forms("/devices")
			if got := slices.Sorted(maps.Keys(actions)); !slices.Equal(got, tt.want) {
				t.Fatalf("the pages show forms posting to %q, want %q", got, tt.want)
			}

			beforePosts()
			for action := range actions {
				resp := s.postWith(action, url.Values{"product": {"tea"}, "theme": {"dark"}, "username": {"bob"}, "password": {"builder"}},
					http.Header{"Sec-Fetch-Site": {"cross-site"}, "Origin": {"https://evil.example"}})
				if resp.StatusCode != http.StatusForbidden {
					t.Errorf("cross-site POST %s: status %d, want 403", action, resp.StatusCode)
				}
			}
			body := s.get("/")
			if loggedIn(body) != "alice" || !maps.Equal(cartOf(body), map[string]int{"Green tea": 1}) || strings.Contains(body, `class="dark"`) {
				t.Error("a refused cross-site POST changed the session")
			}
			if loggedIn(other.get("/")) != "alice" {
				t.Error("a refused cross-site POST ended another session")
			}
		})
	}
}

// TestLogOutEndsACopiedCookie logs in with cookie sessions, copies the
// cookie, logs out, and replays the copy: as the demo keeps revocations
// (as `go run ./examples/shop` does), the copy no longer signs anyone in.
func TestLogOutEndsACopiedCookie(t *testing.T) {
	t.Parallel()
	s, _ := cookieShop(t, &syncBuffer{})
	s.login("alice", "wonderland")
	copied := s.cookie()
	if loggedIn(s.get("/")) != "alice" {
		t.Fatal("not logged in after logging in")
	}
	s.post("/logout", nil, "/")
	s.setCookie(copied)
	if who := loggedIn(s.get("/")); who != "" {
		t.Fatalf("after Log out, a copy of the cookie taken before it still signs in %q", who)
	}
}
