package main

import (
	"bytes"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"

	"golang.org/x/crypto/bcrypt"
)

func TestMain(m *testing.M) {
	bcryptCost = bcrypt.MinCost // every start hashes the demo passwords
	code := m.Run()
	stopBrowser()
	os.Exit(code)
}

// shop is a running shop and a browser-like client with a cookie jar.
// restart replaces the server with one running a fresh handler (a new
// session Manager) while the client keeps its cookies, as a browser does
// when the server restarts.
type shop struct {
	t      *testing.T
	build  func(addr string) http.Handler
	srv    *httptest.Server
	client *http.Client
	jar    http.CookieJar
}

// startShop starts a shop whose handler build makes; build gets the
// server's address (127.0.0.1:port).
func startShop(t *testing.T, build func(addr string) http.Handler) *shop {
	t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	s := &shop{t: t, build: build, jar: jar}
	s.client = &http.Client{
		Jar: jar,
		// Redirects are checked by hand: the status and Location are part
		// of what the tests assert (Post/Redirect/Get).
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	s.start()
	t.Cleanup(func() { s.srv.Close() })
	return s
}

func (s *shop) start() {
	srv := httptest.NewUnstartedServer(nil)
	srv.Config.Handler = s.build(srv.Listener.Addr().String())
	srv.Start()
	s.srv = srv
}

// another returns a second browser on the same server, with a cookie jar
// of its own. It follows the server of s as it is now: do not restart s
// while using it.
func (s *shop) another() *shop {
	jar, err := cookiejar.New(nil)
	if err != nil {
		s.t.Fatal(err)
	}
	client := *s.client
	client.Jar = jar
	return &shop{t: s.t, build: s.build, srv: s.srv, client: &client, jar: jar}
}

// restart stops the server and starts a new one with a new handler. The
// cookie jar ignores ports, as browsers do, so the client's cookies go to
// the new server.
func (s *shop) restart() {
	s.t.Helper()
	s.srv.Close()
	s.start()
}

// get fetches path, asserts 200 and returns the body.
func (s *shop) get(path string) string {
	s.t.Helper()
	resp, err := s.client.Get(s.srv.URL + path)
	if err != nil {
		s.t.Fatalf("GET %s: %v", path, err)
	}
	body := readBody(s.t, resp)
	if resp.StatusCode != http.StatusOK {
		s.t.Fatalf("GET %s: status %d, want 200; body:\n%s", path, resp.StatusCode, body)
	}
	return body
}

// post sends a form as a browser on the shop's own pages does (same-origin
// Fetch metadata and Origin), asserts a 303 redirect to wantLocation and
// returns the response.
func (s *shop) post(path string, form url.Values, wantLocation string) *http.Response {
	s.t.Helper()
	resp := s.postWith(path, form, http.Header{
		"Sec-Fetch-Site": {"same-origin"},
		"Origin":         {s.srv.URL},
	})
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != wantLocation {
		s.t.Fatalf("POST %s: status %d to %q, want 303 to %q", path, resp.StatusCode, resp.Header.Get("Location"), wantLocation)
	}
	return resp
}

// postWith sends a form with the given extra headers and returns the
// response, whose body has been read and closed.
func (s *shop) postWith(path string, form url.Values, h http.Header) *http.Response {
	s.t.Helper()
	req, err := http.NewRequest(http.MethodPost, s.srv.URL+path, strings.NewReader(form.Encode()))
	if err != nil {
		s.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for k, v := range h {
		req.Header[k] = v
	}
	resp, err := s.client.Do(req)
	if err != nil {
		s.t.Fatalf("POST %s: %v", path, err)
	}
	readBody(s.t, resp)
	return resp
}

// login logs in through the form and checks the redirect home.
func (s *shop) login(name, password string) {
	s.t.Helper()
	s.post("/login", url.Values{"username": {name}, "password": {password}}, "/")
}

// addToCart adds one of product, from the shop page.
func (s *shop) addToCart(product string) {
	s.t.Helper()
	s.post("/cart/add", url.Values{"product": {product}, "back": {"/shop"}}, "/shop")
}

// cookie returns the session cookie's value in the client's jar.
func (s *shop) cookie() string {
	u, _ := url.Parse(s.srv.URL)
	for _, c := range s.jar.Cookies(u) {
		if c.Name == cookieName {
			return c.Value
		}
	}
	return ""
}

// setCookie puts value in the jar as the session cookie, as an attacker
// replaying a captured cookie would.
func (s *shop) setCookie(value string) {
	u, _ := url.Parse(s.srv.URL)
	s.jar.SetCookies(u, []*http.Cookie{{Name: cookieName, Value: value, Path: "/"}})
}

func readBody(t *testing.T, resp *http.Response) string {
	t.Helper()
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("reading the body: %v", err)
	}
	return string(b)
}

// What the tests read from pages.
var (
	visitsRe   = regexp.MustCompile(`class="visits">(\d+)<`)
	loggedInRe = regexp.MustCompile(`Logged in as <strong>(\w+)</strong>`)
	cartLineRe = regexp.MustCompile(`<td>([^<]+)</td>\s*<td class="num">(\d+)</td>`)
	flashRe    = regexp.MustCompile(`<p class="flash (\w+)" role="status">([^<]*)</p>`)
)

// visits is the home page's visit counter.
func visits(t *testing.T, body string) int {
	t.Helper()
	m := visitsRe.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no visit counter on the page:\n%s", body)
	}
	n, _ := strconv.Atoi(m[1])
	return n
}

// loggedIn is the user the page header names, or "".
func loggedIn(body string) string {
	if m := loggedInRe.FindStringSubmatch(body); m != nil {
		return m[1]
	}
	return ""
}

// cartOf is the cart table: product name to quantity.
func cartOf(body string) map[string]int {
	c := map[string]int{}
	for _, m := range cartLineRe.FindAllStringSubmatch(body, -1) {
		n, _ := strconv.Atoi(m[2])
		c[m[1]] = n
	}
	return c
}

// flashes lists the flash messages shown, as "category: message".
func flashes(body string) []string {
	var out []string
	for _, m := range flashRe.FindAllStringSubmatch(body, -1) {
		out = append(out, m[1]+": "+m[2])
	}
	return out
}

// syncBuffer is a log destination safe for the server's goroutines.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// testLogger logs into buf, and to the test's output when it fails.
func testLogger(t *testing.T, buf *syncBuffer) *slog.Logger {
	return slog.New(slog.NewTextHandler(io.MultiWriter(buf, t.Output()), nil))
}
