package session_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/websession/session"
	"github.com/websession/session/store/memstore"
)

// TestEveryChangeOfAKeyInOneRequestCounts makes several changes to one key
// in each request, on a store that applies changes itself (memstore) and on
// one written with compare-and-set (the same store without Applier): what
// is saved is what the handler saw at its end, so two increments in one
// request add two.
func TestEveryChangeOfAKeyInOneRequestCounts(t *testing.T) {
	inc := func(n int, _ bool) int { return n + 1 }
	steps := []struct {
		name string
		do   func(s *session.Session) error
		want int // n after the request
	}{
		{"set", func(s *session.Session) error { return s.Set("n", 10) }, 10},
		{"two updates", func(s *session.Session) error {
			if err := session.Update(s, "n", inc); err != nil {
				return err
			}
			return session.Update(s, "n", inc)
		}, 12},
		{"three updates", func(s *session.Session) error {
			for range 3 {
				if err := session.Update(s, "n", inc); err != nil {
					return err
				}
			}
			return nil
		}, 15},
		{"set, then update", func(s *session.Session) error {
			if err := s.Set("n", 100); err != nil {
				return err
			}
			return session.Update(s, "n", inc)
		}, 101},
		{"delete, then update", func(s *session.Session) error {
			if err := s.Delete("n"); err != nil {
				return err
			}
			return session.Update(s, "n", inc)
		}, 1},
		{"update, then set", func(s *session.Session) error {
			if err := session.Update(s, "n", inc); err != nil {
				return err
			}
			return s.Set("n", 7)
		}, 7},
	}
	stores := map[string]func() session.Store{
		"Applier":         func() session.Store { return memstore.New() },
		"compare-and-set": func() session.Store { return struct{ session.Store }{memstore.New()} },
	}
	for name, newStore := range stores {
		t.Run(name, func(t *testing.T) {
			m, err := session.New(session.Config{Store: newStore()})
			if err != nil {
				t.Fatal(err)
			}
			var step func(s *session.Session) error
			h := m.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				s := session.From(r)
				if step != nil {
					if err := step(s); err != nil {
						t.Error(err)
					}
				}
				n, _ := session.Get[int](s, "n")
				fmt.Fprint(w, n)
			}))
			var cookie *http.Cookie
			get := func() string {
				req := httptest.NewRequest("GET", "/", nil)
				if cookie != nil {
					req.AddCookie(cookie)
				}
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, req)
				if cs := rec.Result().Cookies(); len(cs) > 0 {
					cookie = cs[0]
				}
				return rec.Body.String()
			}
			for _, st := range steps {
				step = st.do
				if got := get(); got != fmt.Sprint(st.want) {
					t.Fatalf("%s: the handler ends with n = %s, want %d", st.name, got, st.want)
				}
				step = nil
				if got := get(); got != fmt.Sprint(st.want) {
					t.Fatalf("%s: the next request reads n = %s, want %d: the store did not get what the handler saw", st.name, got, st.want)
				}
			}
		})
	}
}
