package session

import (
	"context"
	"net/http"

	"github.com/websession/session/internal/combine"
	"github.com/websession/session/internal/commitwriter"
	"github.com/websession/session/internal/retry"
	"github.com/websession/session/internal/state"
)

// Manager loads and commits sessions for the requests that pass through its
// Handler. Create one with New and share it; it is safe for concurrent use.
type Manager struct {
	cfg     *settings
	backend backend     // where sessions live: New's one choice
	codec   state.Codec // how values are encoded: the cookie format's, or JSON

	// cacheControl is the Cache-Control header value, shared like
	// varyCookie.
	cacheControl []string

	// queues line up a session's conflicting commits.
	queues retry.Queues
	// combiner joins the changes to one session that its requests commit
	// at once, when join (not for a store in this process's memory, whose
	// Apply costs less); background bounds the store calls it makes.
	combiner   combine.Combiner[Record]
	background func() (context.Context, context.CancelFunc)
	join       bool
}

// New checks cfg and returns a Manager. Configuration that cannot work (a
// missing or short Secret, a __Host- cookie with a Domain, SameSite=None
// without Secure, an invalid cookie name) fails here, with a message that
// says what to change, rather than at the first request.
func New(cfg Config) (*Manager, error) {
	s, err := cfg.settings()
	if err != nil {
		return nil, err
	}
	m := &Manager{cfg: s, codec: state.JSON, cacheControl: []string{s.CacheControl}}
	m.background = func() (context.Context, context.CancelFunc) {
		return context.WithTimeout(context.Background(), s.StoreTimeout)
	}
	if cfg.Store != nil {
		m.backend, err = newStoreSessions(m)
	} else {
		m.backend, err = newCookieSessions(m)
	}
	if err != nil {
		return nil, err
	}
	return m, nil
}

// sessionKey is the context key under which Handler stores the request's
// innermost *Session. Sessions of outer managers hang off its parent chain.
type sessionKey struct{}

// sessionContext is the request's context with its session under
// sessionKey, as context.WithValue would make it; a field of the Session,
// so a request allocates no context of its own.
type sessionContext struct {
	context.Context
	s *Session
}

// Value returns the session for sessionKey, and the parent's value for
// any other key.
func (c *sessionContext) Value(key any) any {
	if key == (sessionKey{}) {
		return c.s
	}
	return c.Context.Value(key)
}

// Handler returns middleware that gives every request a session, loaded
// lazily on first use and committed once, just before the first byte of the
// response (or when next returns, if it writes nothing).
func (m *Manager) Handler(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s := &Session{m: m}
		s.parent, _ = r.Context().Value(sessionKey{}).(*Session)
		s.ctx = sessionContext{r.Context(), s}
		r = r.WithContext(&s.ctx)
		s.req = r
		s.w = commitwriter.Writer{ResponseWriter: w, Session: (*committer)(s)}
		next.ServeHTTP(&s.w, r)
		s.w.Finish()
		s.mu.Lock()
		s.lent.GiveBack(&s.values) // the handler has returned
		s.mu.Unlock()
	})
}

// From returns the session this Manager keeps for r. Use it when an app has
// more than one Manager; From is enough otherwise. It panics when r did not
// pass through m.Handler, which is a wiring mistake to fix in code.
func (m *Manager) From(r *http.Request) *Session {
	for s, _ := r.Context().Value(sessionKey{}).(*Session); s != nil; s = s.parent {
		if s.m == m {
			return s
		}
	}
	panic("session: Manager.From called for a request that did not pass through this Manager's Handler; wrap the handler: http.ListenAndServe(addr, m.Handler(mux))")
}

// From returns the session of r, as loaded by the innermost Manager.Handler
// r passed through. It panics when there is none, which is a wiring mistake:
// wrap the handler with Manager.Handler.
func From(r *http.Request) *Session {
	s, _ := r.Context().Value(sessionKey{}).(*Session)
	if s == nil {
		panic("session: From called for a request that did not pass through a session Manager's Handler; wrap the handler: http.ListenAndServe(addr, m.Handler(mux))")
	}
	return s
}
