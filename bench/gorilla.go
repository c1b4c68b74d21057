package bench

import (
	"context"
	"net/http"
	"os"
	"path/filepath"

	"github.com/gorilla/sessions"
)

// gorillaOptions match ours: Path=/, HttpOnly, SameSite=Lax, and no Secure
// because the benchmarks speak plain HTTP. MaxAge is gorilla's default.
func gorillaOptions() *sessions.Options {
	return &sessions.Options{Path: "/", MaxAge: 86400 * 30, HttpOnly: true, SameSite: http.SameSiteLaxMode}
}

// The keys are fixed: HMAC-SHA256 with a 32-byte hash key and AES-256 with a
// 32-byte block key, gorilla's recommended sizes.
var (
	gorillaHashKey  = []byte("bench-hash-key-0123456789abcdef!")
	gorillaBlockKey = []byte("bench-block-key-0123456789abcde!")
)

func newGorillaCookie(encrypted bool) func(context.Context, Env) (*App, error) {
	return func(context.Context, Env) (*App, error) {
		var st *sessions.CookieStore
		if encrypted {
			st = sessions.NewCookieStore(gorillaHashKey, gorillaBlockKey)
		} else {
			st = sessions.NewCookieStore(gorillaHashKey)
		}
		st.Options = gorillaOptions()
		return &App{Handler: gorillaHandler(st), Close: func() error { return nil }}, nil
	}
}

func newGorillaFilesystem(_ context.Context, env Env) (*App, error) {
	dir := filepath.Join(env.Dir, "gorilla-sessions")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	st := sessions.NewFilesystemStore(dir, gorillaHashKey)
	st.Options = gorillaOptions()
	return &App{Handler: gorillaHandler(st), Close: func() error { return os.RemoveAll(dir) }}, nil
}

// gorillaHandler is the benchmark's handler on gorilla/sessions: Get, the
// Values map, then an explicit Save before the body.
func gorillaHandler(st sessions.Store) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s, err := st.Get(r, CookieName)
		if err != nil && s == nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		body := bodyOK
		if _, ok := s.Values["user_id"].(int); ok {
			name, _ := s.Values["name"].(string)
			s.Values["name"] = otherName(name)
		} else {
			s.Values["user_id"] = UserID
			s.Values["cart"] = Cart
			s.Values["name"] = Name
			body = bodyNew
		}
		if err := s.Save(r, w); err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		w.Write(body)
	})
}
