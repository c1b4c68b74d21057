package session_test

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/websession/session"
	"github.com/websession/session/flask"
	"github.com/websession/session/internal/golden"
)

// TestGoldenCookies opens every cookie an earlier version wrote (every
// format, permanent and not, with a user and flashes, sealed with the
// current secret and with one rotated out) and checks that it holds what it
// held: an upgrade logs no one out.
func TestGoldenCookies(t *testing.T) {
	for _, v := range golden.Versions(t) {
		for _, c := range v.Cookies {
			t.Run(v.Name+"/"+c.Name, func(t *testing.T) {
				formats := map[string]session.Format{"encrypted": session.Encrypted, "signed": session.Signed, "flask": flask.Format()}
				var old [][]byte
				for _, s := range c.OpenWith[1:] {
					old = append(old, []byte(s))
				}
				m, err := session.New(session.Config{
					Secret:     []byte(c.OpenWith[0]),
					OldSecrets: old,
					Format:     formats[c.Format],
					Cookie:     session.CookieOptions{Name: c.CookieName},
					Now:        func() time.Time { return time.Unix(c.WrittenAt, 0).Add(time.Minute) },
					Logger:     slog.New(slog.NewTextHandler(io.Discard, nil)),
				})
				if err != nil {
					t.Fatal(err)
				}
				h := m.Handler(http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) {
					s := session.From(r)
					if s.IsNew() {
						t.Fatal("the cookie did not open: the visitor would be logged out")
					}
					golden.Check(t, s, c.Want)
				}))
				req := httptest.NewRequest("GET", "https://example.com/", nil)
				req.AddCookie(&http.Cookie{Name: c.CookieName, Value: c.Cookie})
				h.ServeHTTP(httptest.NewRecorder(), req)
			})
		}
	}
}
