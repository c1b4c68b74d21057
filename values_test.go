package session_test

import (
	"fmt"
	"net/http"
	"slices"
	"testing"

	"github.com/websession/session/internal/testkit"

	session "github.com/websession/session"
	"github.com/websession/session/store/memstore"
)

// The values a request loads are read in place until it changes them;
// what a handler sees and what it saves must be the same as if they were
// a map from the start, on cookies and on stores.
func TestLoadedValuesReadAndChangedAsAMap(t *testing.T) {
	for name, app := range map[string]*testkit.App{
		"cookie":   testkit.NewApp(t, nil),
		"memstore": testkit.NewStoreApp(t, memstore.New(), nil),
	} {
		t.Run(name, func(t *testing.T) {
			b := app.Browser()
			b.Get(func(w http.ResponseWriter, r *http.Request) {
				s := session.From(r)
				for _, k := range []string{"a", "b", "c", "é", "z"} {
					s.Set(k, k+"1")
				}
			})
			// state reports what the handler sees, for comparison.
			state := func(s *session.Session) string {
				var out []string
				for _, k := range s.Keys() {
					v, _ := session.Get[string](s, k)
					out = append(out, k+"="+v)
				}
				return fmt.Sprintf("len %d has(b) %v has(x) %v %v", s.Len(), s.Has("b"), s.Has("x"), out)
			}
			steps := []struct {
				do   func(s *session.Session)
				want string
			}{
				{func(s *session.Session) {}, "len 5 has(b) true has(x) false [a=a1 b=b1 c=c1 z=z1 é=é1]"},
				{func(s *session.Session) { s.Delete("b") }, "len 4 has(b) false has(x) false [a=a1 c=c1 z=z1 é=é1]"},
				{func(s *session.Session) { s.Set("x", "x1") }, "len 5 has(b) false has(x) true [a=a1 c=c1 x=x1 z=z1 é=é1]"},
				{func(s *session.Session) { s.Set("b", "b2") }, "len 6 has(b) true has(x) true [a=a1 b=b2 c=c1 x=x1 z=z1 é=é1]"},
				{func(s *session.Session) { s.Delete("x"); s.Delete("missing") }, "len 5 has(b) true has(x) false [a=a1 b=b2 c=c1 z=z1 é=é1]"},
				{func(s *session.Session) { s.Delete("x"); s.Set("x", "x3"); s.Delete("a") }, "len 5 has(b) true has(x) true [b=b2 c=c1 x=x3 z=z1 é=é1]"},
			}
			for i, step := range steps {
				var during string
				b.Get(func(w http.ResponseWriter, r *http.Request) {
					s := session.From(r)
					step.do(s)
					during = state(s)
				})
				var after string
				b.Get(func(w http.ResponseWriter, r *http.Request) { after = state(session.From(r)) })
				if during != step.want || after != step.want {
					t.Fatalf("step %d: the handler sees %q, the next request %q; want %q", i, during, after, step.want)
				}
			}
			var cleared string
			b.Get(func(w http.ResponseWriter, r *http.Request) {
				s := session.From(r)
				s.Clear()
				s.Set("n", "1")
				cleared = state(s)
			})
			if want := "len 1 has(b) false has(x) false [n=1]"; cleared != want {
				t.Fatalf("after Clear and Set: %q, want %q", cleared, want)
			}
			if !slices.Equal(keysOf(b), []string{"n"}) {
				t.Fatalf("after Clear and Set the next request has keys %q, want [n]", keysOf(b))
			}
		})
	}
}

func keysOf(b *testkit.Browser) []string {
	var keys []string
	b.Get(func(w http.ResponseWriter, r *http.Request) { keys = session.From(r).Keys() })
	return keys
}
