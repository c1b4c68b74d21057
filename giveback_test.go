package session_test

import (
	"fmt"
	"net/http"
	"runtime"
	"strings"
	"sync"
	"testing"

	session "github.com/websession/session"
	"github.com/websession/session/internal/testkit"
)

// A cookie is opened in a pooled buffer that goes back to the pool when
// the handler returns, and the next request's cookie is opened in it. A
// goroutine of a request that reads its session after that must still see
// its own values, never another visitor's, in every format that lends.
func TestSessionReadAfterTheHandlerReturnsIsItsOwn(t *testing.T) {
	for name, format := range map[string]session.Format{"encrypted": session.Encrypted, "signed": session.Signed} {
		t.Run(name, func(t *testing.T) {
			app := testkit.NewApp(t, func(c *session.Config) { c.Format = format })
			const visitors = 8
			cookies := make([]*http.Cookie, visitors)
			for i := range cookies {
				cookies[i] = app.Issue(func(s *session.Session) {
					s.Set("who", fmt.Sprintf("visitor %d", i))
					s.Set("pad", strings.Repeat(fmt.Sprint(i), 1500))
				})
			}
			var late sync.WaitGroup
			var mu sync.Mutex
			var wrong []string
			for round := range 20 {
				for i, c := range cookies {
					var s *session.Session
					keys := 2
					resp := app.Serve(func(w http.ResponseWriter, r *http.Request) {
						s = session.From(r)
						switch round % 3 {
						case 0:
							s.Get("who") // read in the request too
						case 1:
							// So many changes that the values move to a map,
							// which holds the loaded ones where they were read.
							for k := range 40 {
								s.Set(fmt.Sprint("k", k), k)
							}
							keys += 40
						}
					}, c)
					resp.Body.Close()
					// The handler has returned: its buffer is back in the pool,
					// and the other visitors' requests run while this reads.
					late.Go(func() {
						want := fmt.Sprintf("visitor %d", i)
						who, _ := session.Get[string](s, "who")
						pad, _ := session.Get[string](s, "pad")
						if who != want || pad != strings.Repeat(fmt.Sprint(i), 1500) || s.Len() != keys {
							mu.Lock()
							wrong = append(wrong, fmt.Sprintf("%s read %q (%d keys) after its request", want, who, s.Len()))
							mu.Unlock()
						}
					})
				}
			}
			late.Wait()
			if len(wrong) > 0 {
				t.Fatalf("%d late reads were wrong, first: %s", len(wrong), wrong[0])
			}
		})
	}
}

// A read-only request allocates nothing the size of its cookie: the buffer
// it opened the cookie in goes back to the pool when the handler returns.
// A request with a 3.4 KB cookie allocates about what one with a small
// cookie does.
func TestReadOnlyRequestAllocatesLessThanItsCookie(t *testing.T) {
	if raceEnabled {
		t.Skip("with -race, sync.Pool drops a share of the buffers it is given")
	}
	app := testkit.NewApp(t, nil)
	read := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { session.Get[int](session.From(r), "user_id") })
	perRequest := func(c *http.Cookie) uint64 {
		req := testkit.Request("/", c.String())
		serve := func() { app.M.Handler(read).ServeHTTP(discard{}, req) }
		serve()
		var before, after runtime.MemStats
		const n = 200
		runtime.ReadMemStats(&before)
		for range n {
			serve()
		}
		runtime.ReadMemStats(&after)
		return (after.TotalAlloc - before.TotalAlloc) / n
	}
	small := app.Issue(func(s *session.Session) { s.Set("user_id", 7) })
	large := app.Issue(func(s *session.Session) { s.Set("user_id", 7); s.Set("pad", strings.Repeat("x", 2500)) })
	bigger := len(large.Value) - len(small.Value)
	grown := int(perRequest(large)) - int(perRequest(small))
	if grown > bigger/4 {
		t.Errorf("a read-only request allocates %d bytes more with a cookie %d bytes longer: its cookie's buffer is not reused", grown, bigger)
	}
}

// discard is a ResponseWriter that keeps nothing.
type discard struct{}

func (discard) Header() http.Header         { return http.Header{} }
func (discard) Write(b []byte) (int, error) { return len(b), nil }
func (discard) WriteHeader(int)             {}

// keeper keeps the text it is decoded from, which encoding/json asks an
// UnmarshalJSON not to do.
type keeper struct{ text []byte }

func (k *keeper) UnmarshalJSON(b []byte) error { k.text = b; return nil }

// A value decoded by Get into a type that keeps its text keeps its own,
// after the buffer its cookie was opened in serves another visitor.
func TestGetIntoATypeThatKeepsItsText(t *testing.T) {
	app := testkit.NewApp(t, nil)
	alice := app.Issue(func(s *session.Session) { s.Set("v", strings.Repeat("a", 1000)) })
	bob := app.Issue(func(s *session.Session) { s.Set("v", strings.Repeat("b", 1000)) })
	var k keeper
	app.Serve(func(w http.ResponseWriter, r *http.Request) { k, _ = session.Get[keeper](session.From(r), "v") }, alice)
	app.Serve(func(w http.ResponseWriter, r *http.Request) { session.Get[keeper](session.From(r), "v") }, bob)
	if want := `"` + strings.Repeat("a", 1000) + `"`; string(k.text) != want {
		t.Errorf("alice's value, kept by its UnmarshalJSON, became %.20q... after bob's request", k.text)
	}
}
