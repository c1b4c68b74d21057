package session_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/websession/session"
	"github.com/websession/session/flask"
	"github.com/websession/session/internal/golden"
	"github.com/websession/session/internal/testkit"
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
				a := testkit.NewApp(t, func(cfg *session.Config) {
					cfg.Secret, cfg.OldSecrets, cfg.Format = []byte(c.OpenWith[0]), old, formats[c.Format]
					cfg.Cookie.Name = c.CookieName
				})
				a.Clock.Set(time.Unix(c.WrittenAt, 0).Add(time.Minute))
				a.Serve(func(_ http.ResponseWriter, r *http.Request) {
					s := session.From(r)
					if s.IsNew() {
						t.Fatal("the cookie did not open: the visitor would be logged out")
					}
					golden.Check(t, s, c.Want)
				}, &http.Cookie{Name: c.CookieName, Value: c.Cookie})
			})
		}
	}
}
