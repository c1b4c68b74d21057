package session_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/websession/session"
)

// benchRequest measures one request cycle: the request carries the cookie
// of a previous response, the handler reads user_id and writes name.
func benchRequest(b *testing.B, cfg session.Config) {
	cfg.Secret = testSecret
	cfg.Logger = discardLogger()
	m, err := session.New(cfg)
	if err != nil {
		b.Fatal(err)
	}
	name := "Alice"
	h := m.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s := session.From(r)
		if _, ok := session.Get[int](s, "user_id"); !ok {
			s.Set("user_id", 42)
			s.Set("cart", []int{1, 2, 3})
		}
		s.Set("name", name)
	}))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/", nil))
	cookie := rec.Result().Cookies()[0]
	req := httptest.NewRequest("GET", "/", nil)
	req.AddCookie(cookie)
	name = "Alicia" // differs from the cookie's, so every request writes
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if len(rec.Header()["Set-Cookie"]) != 1 {
			b.Fatal("no cookie written")
		}
	}
}

func BenchmarkRequestEncrypted(b *testing.B) { benchRequest(b, session.Config{}) }
func BenchmarkRequestSigned(b *testing.B)    { benchRequest(b, session.Config{Format: session.Signed}) }

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
