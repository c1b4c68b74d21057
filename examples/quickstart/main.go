package main

import (
	"cmp"
	"fmt"
	"log"
	"net/http"
	"os"

	"github.com/websession/session"
)

func main() {
	cfg := session.Config{Secret: []byte(os.Getenv("SESSION_SECRET"))} // 32+ bytes of text
	if os.Getenv("DEV_HTTP") == "1" {
		// Development over plain http://: the cookie is Secure by default,
		// and browsers refuse Secure cookies on http from any host but
		// localhost (Safari even there). Never in production: serve HTTPS.
		cfg.Cookie.Insecure = true
	}
	m, err := session.New(cfg)
	if err != nil {
		log.Fatal(err) // bad configuration fails here, with what to change
	}

	mux := http.NewServeMux()
	mux.HandleFunc("POST /login", func(w http.ResponseWriter, r *http.Request) {
		s := session.From(r)
		s.SetUser("42") // binds the account and renews the session's identity: an ID planted before log-in is worthless after
		s.Set("user_id", 42)
		s.SetPermanent(true) // keep the cookie for Config.Lifetime (31 days)
		s.Flash("message", "Welcome back")
		http.Redirect(w, r, "/", http.StatusSeeOther)
	})
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		s := session.From(r)
		for _, f := range s.Flashes() { // read once, then gone
			fmt.Fprintln(w, f.Message)
		}
		if id, ok := session.Get[int](s, "user_id"); ok {
			fmt.Fprintf(w, "user %d\n", id)
		}
	})
	addr := cmp.Or(os.Getenv("ADDR"), "127.0.0.1:8080")
	log.Fatal(http.ListenAndServe(addr, m.Handler(mux)))
}
