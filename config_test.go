package session_test

import (
	"bytes"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/websession/session"
	"github.com/websession/session/internal/testkit"
	"github.com/websession/session/store/memstore"
)

// TestStoreNeedsNoSecret: with a Store the cookie holds only a random ID,
// so a Manager needs no secret, and its sessions work.
func TestStoreNeedsNoSecret(t *testing.T) {
	a := testkit.NewApp(t, func(c *session.Config) { c.Secret, c.Store, c.Cookie.Insecure = nil, memstore.New(), true })
	visit := a.Browser().Get
	for want := 1; want <= 2; want++ {
		resp := visit(func(w http.ResponseWriter, r *http.Request) {
			s := session.From(r)
			n, _ := session.Get[int](s, "n")
			s.Set("n", n+1)
			fmt.Fprint(w, n+1)
		})
		if got := testkit.Text(resp); got != fmt.Sprint(want) {
			t.Fatalf("request %d: counter %s, want %d", want, got, want)
		}
	}
}

func TestNewRefusesBadConfig(t *testing.T) {
	weak := bytes.Repeat([]byte("ab"), 32) // long, but only two distinct bytes
	cases := []struct {
		name string
		cfg  func(c *session.Config)
		want []string // the message names what to change
	}{
		{"missing secret", func(c *session.Config) { c.Secret = nil }, []string{"Config.Secret", "32"}},
		{"short secret", func(c *session.Config) { c.Secret = []byte("only-sixteen-byt") }, []string{"Config.Secret", "16 bytes", "32"}},
		{"short secret with a store", func(c *session.Config) { c.Secret = []byte("only-sixteen-byt"); c.Store = memstore.New() }, []string{"Config.Secret", "16 bytes"}},
		{"format with a store", func(c *session.Config) { c.Format = session.Signed; c.Store = memstore.New() }, []string{"Config.Format", "Config.Store"}},
		{"weak secret", func(c *session.Config) { c.Secret = weak }, []string{"Config.Secret", "random"}},
		{"short old secret", func(c *session.Config) { c.OldSecrets = [][]byte{[]byte("short")} }, []string{"Config.OldSecrets[0]", "32"}},
		{"old secret equal to Secret", func(c *session.Config) { c.OldSecrets = [][]byte{rotatedSecret, primarySecret} }, []string{"Config.OldSecrets[1]", "Config.Secret"}},
		{"__Host- with Domain", func(c *session.Config) { c.Cookie.Name = "__Host-sid"; c.Cookie.Domain = "example.com" }, []string{"__Host-", "Cookie.Domain"}},
		{"__Host- with Path", func(c *session.Config) { c.Cookie.Name = "__Host-sid"; c.Cookie.Path = "/app" }, []string{"__Host-", "Cookie.Path", `"/"`}},
		{"__Host- without Secure", func(c *session.Config) { c.Cookie.Name = "__Host-sid"; c.Cookie.Insecure = true }, []string{"__Host-", "Cookie.Insecure"}},
		{"__Secure- without Secure", func(c *session.Config) { c.Cookie.Name = "__Secure-sid"; c.Cookie.Insecure = true }, []string{"__Secure-", "Cookie.Insecure"}},
		{"SameSite=None without Secure", func(c *session.Config) {
			c.Cookie.SameSite = http.SameSiteNoneMode
			c.Cookie.Insecure = true
		}, []string{"SameSite=None", "Cookie.Insecure"}},
		{"Partitioned without Secure", func(c *session.Config) { c.Cookie.Partitioned = true; c.Cookie.Insecure = true }, []string{"Partitioned", "Cookie.Insecure"}},
		{"unknown SameSite", func(c *session.Config) { c.Cookie.SameSite = 9 }, []string{"Cookie.SameSite"}},
		{"name with a space", func(c *session.Config) { c.Cookie.Name = "my session" }, []string{`"my session"`, "cookie name"}},
		{"name with ;", func(c *session.Config) { c.Cookie.Name = "a;b" }, []string{`"a;b"`, "cookie name"}},
		{"name with =", func(c *session.Config) { c.Cookie.Name = "a=b" }, []string{`"a=b"`, "cookie name"}},
		{"name with a control character", func(c *session.Config) { c.Cookie.Name = "a\x01b" }, []string{"cookie name"}},
		{"non-ASCII name", func(c *session.Config) { c.Cookie.Name = "séance" }, []string{"cookie name"}},
		{"path without /", func(c *session.Config) { c.Cookie.Path = "app" }, []string{"path", "/"}},
		{"path with ;", func(c *session.Config) { c.Cookie.Path = "/a;Domain=evil.test" }, []string{"path"}},
		{"domain with ;", func(c *session.Config) { c.Cookie.Domain = "example.com; Secure" }, []string{"domain"}},
		{"negative Lifetime", func(c *session.Config) { c.Lifetime = -time.Hour }, []string{"Config.Lifetime", "negative"}},
		{"negative IdleTimeout", func(c *session.Config) { c.IdleTimeout = -time.Second }, []string{"Config.IdleTimeout", "negative"}},
		{"negative AbsoluteTimeout", func(c *session.Config) { c.AbsoluteTimeout = -time.Second }, []string{"Config.AbsoluteTimeout", "negative"}},
		{"negative MaxCookieSize", func(c *session.Config) { c.MaxCookieSize = -1 }, []string{"Config.MaxCookieSize", "negative"}},
		{"CacheControl with a line break", func(c *session.Config) { c.CacheControl = "no-store\r\nX-Evil: 1" }, []string{"Config.CacheControl"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cfg := session.Config{Secret: primarySecret}
			tc.cfg(&cfg)
			m, err := session.New(cfg)
			if err == nil {
				t.Fatalf("New accepted the configuration (manager %p)", m)
			}
			if m != nil {
				t.Error("New returned a Manager with its error")
			}
			msg := err.Error()
			if !strings.HasPrefix(msg, "session: ") {
				t.Errorf("error %q lacks the session: prefix", msg)
			}
			for _, w := range tc.want {
				if !strings.Contains(msg, w) {
					t.Errorf("error %q does not mention %q", msg, w)
				}
			}
			for _, secret := range append([][]byte{cfg.Secret}, cfg.OldSecrets...) {
				if len(secret) >= 4 && strings.Contains(msg, string(secret)) {
					t.Errorf("error %q shows a secret", msg)
				}
			}
		})
	}
}

func TestNewAcceptsGoodConfig(t *testing.T) {
	cases := map[string]func(c *session.Config){
		"secret only":                  func(c *session.Config) {},
		"empty name means the default": func(c *session.Config) { c.Cookie.Name = "" },
		"__Host- name":                 func(c *session.Config) { c.Cookie.Name = "__Host-session" },
		"__Secure- with Domain":        func(c *session.Config) { c.Cookie.Name = "__Secure-s"; c.Cookie.Domain = "example.com" },
		"SameSite=None with Secure":    func(c *session.Config) { c.Cookie.SameSite = http.SameSiteNoneMode },
		"plain HTTP":                   func(c *session.Config) { c.Cookie.Insecure = true },
		"token characters":             func(c *session.Config) { c.Cookie.Name = "a!#$%&'*+-.^_`|~9" },
		"rotation":                     func(c *session.Config) { c.OldSecrets = [][]byte{rotatedSecret, strangerSecret} },
		"Signed":                       func(c *session.Config) { c.Format = session.Signed },
		"all toggles":                  func(c *session.Config) { c.RefreshOnlyWhenModified = true; c.Cookie.ScriptReadable = false },
	}
	for name, mod := range cases {
		t.Run(name, func(t *testing.T) {
			cfg := session.Config{Secret: primarySecret}
			mod(&cfg)
			if _, err := session.New(cfg); err != nil {
				t.Errorf("New: %v", err)
			}
		})
	}
}

func TestEmptyCookieNameMeansSession(t *testing.T) {
	a := testkit.NewApp(t, func(c *session.Config) { c.Cookie.Name = "" })
	resp := a.Serve(func(w http.ResponseWriter, req *http.Request) { session.From(req).Set("k", 1) })
	if testkit.OneCookie(t, resp, "session") == nil {
		t.Errorf("Set-Cookie %q, want a cookie named session", resp.Header.Values("Set-Cookie"))
	}
}
