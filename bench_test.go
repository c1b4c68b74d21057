package session_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/websession/session"
	"github.com/websession/session/internal/testkit"
)

// benchRequest measures one request cycle: the request carries the cookie
// of a previous response, the handler reads user_id and writes name. The
// Manager keeps real time and logs nothing.
func benchRequest(b *testing.B, format session.Format) {
	a := testkit.NewApp(b, func(c *session.Config) { c.Format, c.Now, c.Logger = format, nil, discardLogger() })
	name := "Alice"
	h := func(w http.ResponseWriter, r *http.Request) {
		s := session.From(r)
		if _, ok := session.Get[int](s, "user_id"); !ok {
			s.Set("user_id", 42)
			s.Set("cart", []int{1, 2, 3})
		}
		s.Set("name", name)
	}
	cookie := a.Serve(h).Cookies()[0]
	req := httptest.NewRequest("GET", "/", nil)
	req.AddCookie(cookie)
	name = "Alicia" // differs from the cookie's, so every request writes
	handler := a.M.Handler(http.HandlerFunc(h))
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		rec := httptest.NewRecorder()
		handler.ServeHTTP(rec, req)
		if len(rec.Header()["Set-Cookie"]) != 1 {
			b.Fatal("no cookie written")
		}
	}
}

func BenchmarkRequestEncrypted(b *testing.B) { benchRequest(b, nil) }
func BenchmarkRequestSigned(b *testing.B)    { benchRequest(b, session.Signed) }

// BenchmarkRequestFloor is the same cycle without the session middleware.
func BenchmarkRequestFloor(b *testing.B) {
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Header().Set("Set-Cookie", "x=y") })
	req := httptest.NewRequest("GET", "/", nil)
	req.AddCookie(&http.Cookie{Name: "session", Value: "abc"})
	b.ReportAllocs()
	for b.Loop() {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
	}
}
