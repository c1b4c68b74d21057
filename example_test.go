package session_test

import (
	"context"
	"fmt"
	"io"
	"log"
	"log/slog"
	"net/http"
	"os"
	"sync"
	"time"

	"github.com/websession/session"
	"github.com/websession/session/flask"
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

// devices is a "your devices" page: it lists the signed-in user's
// sessions and ends the ones asked for.
func devices(m *session.Manager) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		ctx, s := r.Context(), session.From(r)
		var err error
		switch end := r.FormValue("end"); end {
		case "":
		case "others":
			_, err = s.DestroyOthers() // end all but the current one
		case "all":
			_, err = m.DestroyUser(ctx, s.User()) // end all, after a password change
		default:
			err = m.DestroySession(ctx, s.User(), end) // end one (only one of this user's: ErrNotFound otherwise)
		}
		if err != nil {
			http.Error(w, "could not end the session", http.StatusInternalServerError)
			return
		}
		infos, err := m.Sessions(ctx, s.User()) // created, last seen, expiry, "Firefox on Linux", Handle: never the ID
		if err != nil {
			http.Error(w, "could not list the sessions", http.StatusInternalServerError)
			return
		}
		fmt.Fprintf(w, "%d sessions\n", len(infos))
	}
}

// ExampleManager_Sessions shows a "your devices" page: a user signed in
// from two browsers ends the other one.
func ExampleManager_Sessions() {
	m, err := session.New(session.Config{Secret: exampleSecret, Store: memstore.New()})
	if err != nil {
		log.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/login", func(w http.ResponseWriter, r *http.Request) { session.From(r).SetUser("42") })
	mux.HandleFunc("/devices", devices(m))
	app := m.Handler(mux)
	laptop := sessiontest.Request(app, "/login", nil).Cookies()
	phone := sessiontest.Request(app, "/login", nil).Cookies()
	fmt.Print(body(sessiontest.Request(app, "/devices", laptop)))
	fmt.Print(body(sessiontest.Request(app, "/devices?end=others", laptop)))
	fmt.Print(body(sessiontest.Request(app, "/devices", phone)))
	// Output:
	// 2 sessions
	// 1 sessions
	// 0 sessions
}

// flaskManager reads and writes the cookie of a Flask app that has the
// same SECRET_KEY.
func flaskManager() (*session.Manager, error) {
	return session.New(session.Config{
		Secret: []byte(os.Getenv("SESSION_SECRET")),                                   // the same text as Flask's SECRET_KEY
		Format: flask.Format(),                                                        // cookie name "session", as Flask's default
		Cookie: session.CookieOptions{Insecure: true, SameSite: http.SameSiteLaxMode}, // match Flask's cookie settings
	})
}

// fromFlask reads what a Flask view stored, and writes for Flask to read.
func fromFlask(w http.ResponseWriter, r *http.Request) {
	s := session.From(r)
	id, _ := session.Get[int](s, "user_id")
	cart, _ := session.Get[flask.Tuple](s, "cart") // flask.Tuple{"tea", 2}
	for _, f := range s.Flashes() {                // Flask's flash() messages, read once
		fmt.Fprintln(w, f.Category, f.Message)
	}
	if err := s.Set("seen_by_go", time.Now()); err != nil { // Flask reads a datetime
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	fmt.Fprintln(w, id, cart)
}

// Example_flask sets up a Manager that shares its cookie with Flask.
func Example_flask() {
	os.Setenv("SESSION_SECRET", string(exampleSecret))
	m, err := flaskManager()
	if err != nil {
		log.Fatal(err)
	}
	resp := sessiontest.Request(m.Handler(http.HandlerFunc(fromFlask)), "/", nil)
	fmt.Print(body(resp))
	// Output:
	// 0 []
}

// ExampleEvent counts a Manager's events by kind, as a metrics exporter
// does (examples/prometheus exports them to Prometheus).
func ExampleEvent() {
	counts := map[string]int{}
	var mu sync.Mutex
	m, err := session.New(session.Config{
		Secret: exampleSecret,
		Logger: slog.New(slog.DiscardHandler),
		OnEvent: func(e session.Event) {
			mu.Lock()
			defer mu.Unlock()
			counts[e.Kind]++
		},
	})
	if err != nil {
		log.Fatal(err)
	}
	app := m.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s := session.From(r)
		if r.URL.Path == "/logout" {
			s.Destroy()
			return
		}
		s.SetUser("42")
	}))
	login := sessiontest.Request(app, "/login", nil)
	sessiontest.Request(app, "/logout", login.Cookies())
	sessiontest.Request(app, "/", []*http.Cookie{{Name: "session", Value: "forged"}})
	mu.Lock()
	defer mu.Unlock()
	fmt.Println(counts["created"], counts["destroyed"], counts["cookie_rejected"])
	// Output:
	// 2 1 1
}
