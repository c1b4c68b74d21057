package main

import (
	"bytes"
	"context"
	"html"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
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

// TestHomeShowsSessionctlDecodeForCookies: with cookie sessions the home
// page gives a sessionctl decode command, and that command, run by a real
// sessionctl on the cookie the shop issued, prints the visitor's session,
// whichever secret source and cookie format the shop was started with.
func TestHomeShowsSessionctlDecodeForCookies(t *testing.T) {
	sessionctl := buildSessionctl(t)
	const envSecret = "a SESSION_SECRET of 32 bytes or more, for tests only"
	for _, tt := range []struct {
		name, format, env string
		want              string // the command; FILE is the secret file
	}{
		{"secret file", "", "", "sessionctl decode --secret-file 'FILE' 'shop_session=…'"},
		{"SESSION_SECRET, signed", "signed", envSecret, "sessionctl decode --format signed --secret-env SESSION_SECRET 'shop_session=…'"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			// The space makes the hint quote the path.
			secretFile := filepath.Join(t.TempDir(), "shop secret")
			args := []string{"-addr", "127.0.0.1:0", "-secret-file", secretFile, "-revocations", ""}
			if tt.format != "" {
				args = append(args, "-format", tt.format)
			}
			getenv := func(k string) string { return map[string]string{"SESSION_SECRET": tt.env}[k] }
			srv, err := start(t.Context(), args, getenv, &bytes.Buffer{}, testLogger(t, &syncBuffer{}))
			if err != nil {
				t.Fatal(err)
			}
			srv.ln.Close() // startShop serves the handler itself
			t.Cleanup(func() { srv.closeStore() })
			s := startShop(t, func(string) http.Handler { return srv.http.Handler })
			s.login("alice", "wonderland")

			m := sessionctlCodeRe.FindStringSubmatch(s.get("/"))
			if m == nil {
				t.Fatal("the home page of a cookie shop shows no sessionctl command")
			}
			hint := html.UnescapeString(m[1])
			if want := strings.Replace(tt.want, "FILE", secretFile, 1); hint != want {
				t.Fatalf("the home page shows %q, want %q", hint, want)
			}

			line := strings.Replace(strings.Replace(hint, "…", s.cookie(), 1), "sessionctl", shellQuote(sessionctl), 1)
			cmd := exec.Command("sh", "-c", line)
			cmd.Env = append(os.Environ(), "SESSION_SECRET="+tt.env)
			out, err := cmd.CombinedOutput()
			if err != nil {
				t.Fatalf("the home page's command %s failed: %v\n%s", hint, err, out)
			}
			if !strings.Contains(string(out), `"user": "alice"`) {
				t.Errorf("the home page's command %s does not show alice's session:\n%s", hint, out)
			}
		})
	}
}

// sessionctlCodeRe finds the sessionctl command on the home page.
var sessionctlCodeRe = regexp.MustCompile(`<code class="sessionctl">([^<]*)</code>`)

// buildSessionctl builds cmd/sessionctl, the workspace's copy, into a
// temporary directory and returns the binary's path.
func buildSessionctl(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "sessionctl")
	cmd := exec.Command("go", "build", "-o", bin, ".")
	cmd.Dir = filepath.Join("..", "..", "cmd", "sessionctl")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("building sessionctl: %v\n%s", err, out)
	}
	return bin
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
