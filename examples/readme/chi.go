package readme

import (
	"fmt"
	"net/http"

	"github.com/go-chi/chi/v5"
	"github.com/websession/session"
)

// chiApp: chi takes m.Handler as it is, as middleware.
func chiApp(m *session.Manager) http.Handler {
	r := chi.NewRouter()
	r.Use(m.Handler)
	r.Post("/login", func(w http.ResponseWriter, r *http.Request) {
		if err := session.From(r).SetUser("42"); err != nil {
			http.Error(w, "could not sign in", http.StatusInternalServerError)
			return
		}
		http.Redirect(w, r, "/me", http.StatusSeeOther)
	})
	r.Get("/me", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "user %q\n", session.From(r).User())
	})
	return r
}
