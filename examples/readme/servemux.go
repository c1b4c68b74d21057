package readme

import (
	"fmt"
	"net/http"

	"github.com/websession/session"
)

// serveMuxApp: net/http's ServeMux, wrapped whole by m.Handler.
func serveMuxApp(m *session.Manager) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /login", func(w http.ResponseWriter, r *http.Request) {
		if err := session.From(r).SetUser("42"); err != nil {
			http.Error(w, "could not sign in", http.StatusInternalServerError)
			return
		}
		http.Redirect(w, r, "/me", http.StatusSeeOther)
	})
	mux.HandleFunc("GET /me", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "user %q\n", session.From(r).User())
	})
	return m.Handler(mux)
}
