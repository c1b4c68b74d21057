package session_test

import (
	"context"
	"fmt"
	"io"
	"log"
	"net/http"

	"github.com/websession/session"
	"github.com/websession/session/sessiontest"
	"github.com/websession/session/store/memstore"
)

// A secret for the examples. Use 32 or more random bytes of your own, from
// an environment variable or a secrets manager (sessionctl keygen prints one).
var exampleSecret = []byte("example-secret-use-32-random-bytes!")

func ExampleNew() {
	m, err := session.New(session.Config{
		Secret: exampleSecret,
		Cookie: session.CookieOptions{Name: "__Host-session"},
	})
	if err != nil {
		log.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintln(w, "hello")
	})
	handler := m.Handler(mux) // pass this to http.ListenAndServe
	_ = handler

	_, err = session.New(session.Config{Secret: []byte("too short")})
	fmt.Println(err)
	// Output:
	// session: Config.Secret is 9 bytes; use at least 32 random bytes (sessionctl keygen prints one)
}

func ExampleManager_Handler() {
	m, err := session.New(session.Config{Secret: exampleSecret})
	if err != nil {
		log.Fatal(err)
	}
	counter := m.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s := session.From(r)
		n, _ := session.Get[int](s, "visits")
		s.Set("visits", n+1)
		fmt.Fprintf(w, "visit %d", n+1)
	}))

	first := sessiontest.Request(counter, "/", nil)
	second := sessiontest.Request(counter, "/", first.Cookies())
	c := second.Cookies()[0]
	fmt.Println(c.Name, c.HttpOnly, c.Secure, c.SameSite == http.SameSiteLaxMode)
	fmt.Println(second.Header.Get("Vary"), second.Header.Get("Cache-Control"))
	b := make([]byte, 16)
	n, _ := second.Body.Read(b)
	fmt.Println(string(b[:n]))
	// Output:
	// session true true true
	// Cookie no-store
	// visit 2
}

func ExampleFrom() {
	m, _ := session.New(session.Config{Secret: exampleSecret})
	h := m.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s := session.From(r)
		if r.URL.Path == "/login" {
			s.Renew() // new identity at log-in
			s.Set("user_id", 42)
			return
		}
		id, ok := session.Get[int](s, "user_id")
		fmt.Println("user", id, ok)
	}))
	login := sessiontest.Request(h, "/login", nil)
	sessiontest.Request(h, "/", login.Cookies())
	sessiontest.Request(h, "/", nil)
	// Output:
	// user 42 true
	// user 0 false
}

func ExampleGet() {
	type Item struct {
		SKU string
		Qty int
	}
	m, _ := session.New(session.Config{Secret: exampleSecret})
	h := m.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s := session.From(r)
		if r.URL.Path == "/add" {
			s.Set("cart", []Item{{"tea", 2}, {"cup", 1}})
			return
		}
		cart, _ := session.Get[[]Item](s, "cart")
		fmt.Printf("%+v\n", cart)
		raw, _ := s.Get("cart") // without a type: JSON-shaped values
		fmt.Printf("%v\n", raw)
	}))
	add := sessiontest.Request(h, "/add", nil)
	sessiontest.Request(h, "/", add.Cookies())
	// Output:
	// [{SKU:tea Qty:2} {SKU:cup Qty:1}]
	// [map[Qty:2 SKU:tea] map[Qty:1 SKU:cup]]
}

func ExampleSession_Flash() {
	m, _ := session.New(session.Config{Secret: exampleSecret})
	h := m.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s := session.From(r)
		if r.URL.Path == "/save" {
			s.Flash("info", "Saved.")
			return
		}
		for _, f := range s.Flashes() {
			fmt.Println(f.Category, f.Message)
		}
		fmt.Println("shown")
	}))
	save := sessiontest.Request(h, "/save", nil)
	next := sessiontest.Request(h, "/", save.Cookies()) // shows the message, removes it
	sessiontest.Request(h, "/", next.Cookies())         // nothing left to show
	// Output:
	// info Saved.
	// shown
	// shown
}

func ExampleUpdate() {
	m, _ := session.New(session.Config{Secret: exampleSecret})
	h := m.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s := session.From(r)
		// With a server-side store, fn runs again on the newer value when
		// another request of this visitor saved first: no lost increments.
		session.Update(s, "visits", func(n int, _ bool) int { return n + 1 })
		n, _ := session.Get[int](s, "visits")
		fmt.Println("visits", n)
	}))
	first := sessiontest.Request(h, "/", nil)
	sessiontest.Request(h, "/", first.Cookies())
	// Output:
	// visits 1
	// visits 2
}

// A password change ends every other session of the user. Cookie sessions
// need Config.Revocations for that: a store keeping one revocation record
// per user. Revocation is exact: a cookie signed in a moment before is
// ended, one signed in after is not.
func ExampleManager_DestroyUser() {
	m, err := session.New(session.Config{Secret: exampleSecret, Revocations: memstore.New()})
	if err != nil {
		log.Fatal(err)
	}
	app := m.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s := session.From(r)
		if r.URL.Path == "/login" {
			s.SetUser("alice") // binds the account and renews the session's identity
		}
		fmt.Fprintf(w, "user %q", s.User())
	}))
	login := sessiontest.Request(app, "/login", nil)
	fmt.Println(body(sessiontest.Request(app, "/", login.Cookies())))

	if _, err := m.DestroyUser(context.Background(), "alice"); err != nil {
		log.Fatal(err)
	}
	fmt.Println(body(sessiontest.Request(app, "/", login.Cookies())))
	// Output:
	// user "alice"
	// user ""
}

func body(resp *http.Response) string {
	b, _ := io.ReadAll(resp.Body)
	return string(b)
}
