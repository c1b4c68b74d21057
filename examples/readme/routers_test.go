package readme

import (
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"
	"github.com/websession/session"
)

var testSecret = []byte("readme examples test secret 0123456789")

// TestRouters signs in through each router's example and checks that the
// next request is signed in: the session change reached the browser.
func TestRouters(t *testing.T) {
	gin.SetMode(gin.TestMode)
	apps := map[string]func(*session.Manager) http.Handler{
		"ServeMux": serveMuxApp,
		"chi":      chiApp,
		"echo":     echoApp,
		"gin":      ginApp,
	}
	for name, app := range apps {
		t.Run(name, func(t *testing.T) {
			m, err := session.New(session.Config{Secret: testSecret})
			if err != nil {
				t.Fatal(err)
			}
			srv := httptest.NewTLSServer(app(m)) // Secure cookies need https
			defer srv.Close()
			c := srv.Client()
			c.Jar, _ = cookiejar.New(nil)
			if got := fetch(t, c, "GET", srv.URL+"/me"); got != "user \"\"\n" {
				t.Errorf("before signing in: %q", got)
			}
			if got := fetch(t, c, "POST", srv.URL+"/login"); got != "user \"42\"\n" {
				t.Errorf("after POST /login (redirected to /me): %q, want user \"42\"", got)
			}
			if got := fetch(t, c, "GET", srv.URL+"/me"); got != "user \"42\"\n" {
				t.Errorf("next request: %q, want user \"42\"", got)
			}
		})
	}
}

func fetch(t *testing.T, c *http.Client, method, url string) string {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(""))
	if err != nil {
		t.Fatal(err)
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("%s %s: status %d %q", method, url, resp.StatusCode, b)
	}
	return string(b)
}
