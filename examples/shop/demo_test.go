package main

import (
	"bytes"
	"context"
	"html"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"testing"

	"github.com/websession/session/store/storeurl"
)

func TestSessionctlStoreURL(t *testing.T) {
	for _, tt := range []struct{ store, want string }{
		{"cookie", ""},
		{"memory", ""},
		{"file:/var/lib/shop/sessions", "file:/var/lib/shop/sessions"},
		{"sqlite:shop.db", "sqlite:shop.db?table=shop_sessions"},
		{"sqlite:shop.db?table=mine", "sqlite:shop.db?table=mine"},
		{"redis://127.0.0.1:6379/0", "redis://127.0.0.1:6379/0?prefix=shop:session:"},
		{"redis://:s3cret@127.0.0.1:6379/0", "redis://:xxxxx@127.0.0.1:6379/0?prefix=shop:session:"},
		{"postgres://shop:s3cret@db:5432/shop?sslmode=disable", "postgres://shop:xxxxx@db:5432/shop?sslmode=disable&table=shop_sessions"},
		{"mysql://root@127.0.0.1:3306/test", "mysql://root@127.0.0.1:3306/test?table=shop_sessions"},
	} {
		spec, err := parseStore(tt.store)
		if err != nil {
			t.Fatalf("%s: %v", tt.store, err)
		}
		got := sessionctlStoreURL(tt.store, spec)
		if got != tt.want {
			t.Errorf("%s: sessionctl URL %q, want %q", tt.store, got, tt.want)
		}
		if got == "" || strings.Contains(got, "xxxxx") {
			continue
		}
		// sessionctl reads the URL as the shop opened the store.
		back, err := storeurl.Parse(got)
		if err != nil {
			t.Errorf("%s: the printed URL does not parse: %v", tt.store, err)
			continue
		}
		opened := spec.Table + spec.Prefix
		if opened == "" && spec.Kind != storeurl.File {
			opened = map[bool]string{true: defaultPrefix, false: defaultTable}[spec.Kind == storeurl.Redis]
		}
		if back.Table+back.Prefix != opened {
			t.Errorf("%s: sessionctl would read %q, the shop writes %q", tt.store, back.Table+back.Prefix, opened)
		}
	}
}

// TestHomeSaysItIsADemo starts the shop as main does, with -store, and
// checks what a newcomer needs: that it is this library's demo, what to
// try, the log-in credentials, and the sessionctl command for its store,
// both on the home page and in the log.
func TestHomeSaysItIsADemo(t *testing.T) {
	dir := t.TempDir()
	var logs syncBuffer
	db := filepath.Join(dir, "shop.db")
	args := []string{"-addr", "127.0.0.1:0", "-secret-file", filepath.Join(dir, "secret"), "-store", "sqlite:" + db}
	ctx, cancel := context.WithCancel(t.Context())
	srv, err := start(ctx, args, func(string) string { return "" }, &bytes.Buffer{}, testLogger(t, &logs))
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- srv.serve(ctx) }()
	defer func() { cancel(); <-done }()

	resp, err := http.Get("http://" + srv.ln.Addr().String() + "/")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	body := html.UnescapeString(string(b))
	command := "sessionctl ls --store 'sqlite:" + db + "?table=shop_sessions'"
	for _, want := range []string{
		"A demo of the session library",
		"github.com/websession/session",
		"alice (password wonderland)", "bob (password builder)",
		"stop the server", "second browser", "Your devices", "-store sqlite:shop.db",
		command,
	} {
		if !strings.Contains(stripTags(body), want) {
			t.Errorf("the home page does not say %q", want)
		}
	}
	if !strings.Contains(logs.String(), command) {
		t.Errorf("the log does not give %q:\n%s", command, logs.String())
	}
}

// TestHomeShowsSessionctlDecodeForCookies: with cookie sessions the
// command decodes a cookie with the shop's secret file.
func TestHomeShowsSessionctlDecodeForCookies(t *testing.T) {
	h, err := newApp(appConfig{Secret: []byte("home page test secret 0123456789abc"), Sessionctl: sessionctlHint("cookie", storeSpec{Kind: cookieKind}, "file", ".shop-secret")})
	if err != nil {
		t.Fatal(err)
	}
	rec := httpGet(h, "/")
	if got := stripTags(html.UnescapeString(rec)); !strings.Contains(got, "sessionctl decode --secret-file .shop-secret 'session=…'") {
		t.Errorf("the home page of a cookie shop does not show sessionctl decode:\n%s", got)
	}
}

// TestLoggedOutDevicesPanelAgrees: a logged-out visitor sent from Your
// devices to the log-in page is told either that no cookie is needed or
// that the response deletes it, not both.
func TestLoggedOutDevicesPanelAgrees(t *testing.T) {
	var logs syncBuffer
	s, _ := cookieShop(t, &logs)
	s.login("alice", "wonderland")
	s.post("/logout", nil, "/")
	resp, err := s.client.Get(s.srv.URL + "/devices")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if loc := resp.Header.Get("Location"); resp.StatusCode != http.StatusSeeOther || loc != "/login" {
		t.Fatalf("logged out, /devices answered %d to %q, want 303 to /login", resp.StatusCode, loc)
	}
	body := stripTags(s.get("/login"))
	if !strings.Contains(body, "Log in to see the devices") {
		t.Fatalf("logged out, /devices did not lead to the log-in page:\n%s", body)
	}
	if strings.Contains(body, "no cookie is needed") && strings.Contains(body, "deletes the") {
		t.Errorf("the panel says both that no cookie is needed and that the response deletes it:\n%s", body)
	}
	if !strings.Contains(body, "This response deletes the") {
		t.Errorf("the panel does not say the response deletes the cookie:\n%s", body)
	}
}

func httpGet(h http.Handler, path string) string {
	req, _ := http.NewRequest("GET", "http://127.0.0.1"+path, nil)
	rec := &recorder{header: http.Header{}}
	h.ServeHTTP(rec, req)
	return rec.body.String()
}

type recorder struct {
	header http.Header
	body   bytes.Buffer
}

func (r *recorder) Header() http.Header         { return r.header }
func (r *recorder) Write(p []byte) (int, error) { return r.body.Write(p) }
func (r *recorder) WriteHeader(int)             {}

// stripTags removes HTML tags and collapses white space, leaving the text
// a reader sees.
func stripTags(s string) string {
	var b strings.Builder
	in := false
	for _, r := range s {
		switch {
		case r == '<':
			in = true
		case r == '>':
			in = false
		case !in:
			b.WriteRune(r)
		}
	}
	return strings.Join(strings.Fields(b.String()), " ")
}
