package session

import (
	"time"

	"github.com/websession/session/internal/cookie"
	"github.com/websession/session/internal/state"
)

// commit saves the session and sets the response headers, once. The
// commitwriter.Writer calls it before the first byte of the response.
func (s *Session) commit() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.committed {
		return nil
	}
	s.committed = true
	if !s.loaded {
		return nil // untouched: no decoding, no cookie, no Vary
	}
	cookie.AddVary(s.w.Header())
	if s.loadErr != nil {
		return s.loadErr
	}
	return s.m.backend.commit(s)
}

// empty reports whether the session holds nothing worth keeping.
func (s *Session) empty() bool {
	return s.values.Len() == 0 && len(s.flashes) == 0 && s.user == ""
}

// state is the session as a Format or a store record carries it, issued
// at now. A session saved for the first time is created now.
func (s *Session) state(now time.Time) *state.State {
	created := s.created
	if created.IsZero() {
		created = now
	}
	st := &state.State{Flashes: s.flashes, Permanent: s.permanent, Created: created, Issued: now, ID: s.id}
	st.SetValues(s.values)
	if s.user != "" {
		st.User, st.UserRaw, st.SignedIn, st.Agent = s.user, s.userRaw, s.signedIn, s.agent
	}
	return st
}

// setCookie adds the session's Set-Cookie header (a deletion when del) and
// Cache-Control. It refuses a cookie over MaxCookieSize, leaving the
// visitor's previous cookie untouched.
func (s *Session) setCookie(value string, now time.Time, del bool) error {
	cfg := s.m.cfg
	var lifetime time.Duration
	if s.permanent {
		lifetime = cfg.Lifetime
	}
	header := cfg.cookie.Header(value, now, lifetime, del)
	if len(header) > cfg.MaxCookieSize {
		return &CookieTooLargeError{Size: len(header), Limit: cfg.MaxCookieSize}
	}
	h := s.w.Header()
	h.Add("Set-Cookie", header)
	if cfg.CacheControl != keepCacheControl {
		h["Cache-Control"] = s.m.cacheControl
	}
	return nil
}
