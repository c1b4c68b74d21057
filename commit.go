package session

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/websession/session/internal/state"
)

// commit saves the session and sets the response headers, once. The
// responseWriter calls it before the first byte of the response.
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
	addVary(s.w.Header())
	if s.loadErr != nil {
		return s.loadErr
	}
	if s.m.cfg.Store != nil {
		return s.commitServer()
	}
	return s.commitCookie()
}

// commitCookie writes a cookie session following Flask's rules: write when
// modified, or when permanent unless RefreshOnlyWhenModified; delete the cookie of a
// session that became empty.
func (s *Session) commitCookie() error {
	cfg := s.m.cfg
	if s.retiring {
		if s.modified {
			cfg.Logger.InfoContext(s.req.Context(), "session: the session of this request's cookie was renewed moments ago by another request; its changes are not saved")
		}
		return nil // the browser holds the new cookie: keep it
	}
	if err := s.endCookieIdentity(); err != nil {
		return err
	}
	if len(s.values) == 0 && len(s.flashes) == 0 && s.user == "" {
		if s.hadCookie && s.modified {
			s.setCookie("", time.Time{}, true)
		}
		return nil
	}
	if !s.modified && !s.oldKey && !(s.permanent && cfg.refresh) && cfg.IdleTimeout == 0 {
		return nil
	}
	now := cfg.Now()
	value, err := s.m.sealer.Seal(s.state(now))
	if err != nil {
		return err
	}
	return s.setCookie(value, now, false)
}

// endCookieIdentity records in Config.Revocations that the identity the
// cookie session was loaded with has ended (Destroy, Clear, Renew,
// SetUser), so copies of the old cookie stop working, and gives the
// session a new identifier. A session bound to no user needs no record:
// its cookie is never checked. With Revocations, a session without an
// identifier gets one.
func (s *Session) endCookieIdentity() error {
	cfg := s.m.cfg
	if cfg.Revocations == nil {
		return nil
	}
	if s.ending != endsNot && s.holder.user != "" && s.holder.id != "" {
		now := cfg.Now()
		from := now
		if s.ending == endsAfterGrace && cfg.renewGrace > 0 {
			from = now.Add(cfg.renewGrace)
		}
		ctx, cancel := s.m.commitContext(s.req.Context())
		defer cancel()
		if err := s.m.retire(ctx, s.holder.user, s.holder.id, s.holder.signedIn, from, now); err != nil {
			return fmt.Errorf("session: ending the old session: %w", err)
		}
	}
	if s.ending != endsNot || s.id == "" {
		id, err := newToken()
		if err != nil {
			return err
		}
		s.id = id
	}
	return nil
}

// state is the session as a Format or a store record carries it, issued
// at now. A session saved for the first time is created now.
func (s *Session) state(now time.Time) *state.State {
	created := s.created
	if created.IsZero() {
		created = now
	}
	st := &state.State{Values: s.values, Flashes: s.flashes, Permanent: s.permanent, Created: created, Issued: now}
	if s.user != "" {
		st.User, st.SignedIn = s.user, s.signedIn
		if s.m.cfg.Store != nil {
			st.Agent = s.agent
		}
	}
	if s.m.cfg.Store == nil {
		st.ID = s.id
	}
	return st
}

// setCookie adds the session's Set-Cookie header (a deletion when del) and
// Cache-Control. It refuses a cookie over MaxCookieSize, leaving the
// visitor's previous cookie untouched.
func (s *Session) setCookie(value string, now time.Time, del bool) error {
	cfg := s.m.cfg
	var b strings.Builder
	b.Grow(len(cfg.Cookie.Name) + len(value) + 128)
	b.WriteString(cfg.Cookie.Name)
	b.WriteByte('=')
	b.WriteString(value)
	b.WriteString("; Path=")
	b.WriteString(cfg.Cookie.Path)
	if cfg.Cookie.Domain != "" {
		b.WriteString("; Domain=")
		b.WriteString(cfg.Cookie.Domain)
	}
	switch {
	case del:
		b.WriteString("; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0")
	case s.permanent:
		b.WriteString("; Expires=")
		b.WriteString(now.Add(cfg.Lifetime).UTC().Format(http.TimeFormat))
		b.WriteString("; Max-Age=")
		b.WriteString(strconv.FormatInt(int64(cfg.Lifetime/time.Second), 10))
	}
	if cfg.httpOnly {
		b.WriteString("; HttpOnly")
	}
	if cfg.secure {
		b.WriteString("; Secure")
	}
	switch cfg.sameSite {
	case http.SameSiteLaxMode:
		b.WriteString("; SameSite=Lax")
	case http.SameSiteStrictMode:
		b.WriteString("; SameSite=Strict")
	case http.SameSiteNoneMode:
		b.WriteString("; SameSite=None")
	}
	if cfg.Cookie.Partitioned {
		b.WriteString("; Partitioned")
	}
	if b.Len() > cfg.MaxCookieSize {
		return &CookieTooLargeError{Size: b.Len(), Limit: cfg.MaxCookieSize}
	}
	h := s.w.Header()
	h.Add("Set-Cookie", b.String())
	if cfg.CacheControl != keepCacheControl {
		h["Cache-Control"] = s.m.cacheControl
	}
	return nil
}

// addVary adds "Cookie" to the Vary header unless it is there already.
func addVary(h http.Header) {
	for _, v := range h.Values("Vary") {
		for _, f := range strings.Split(v, ",") {
			f = strings.TrimSpace(f)
			if f == "*" || strings.EqualFold(f, "Cookie") {
				return
			}
		}
	}
	if _, ok := h["Vary"]; !ok {
		h["Vary"] = varyCookie
		return
	}
	h.Add("Vary", "Cookie")
}

// varyCookie is the Vary header value shared by all responses that have no
// Vary of their own. Header values are read, not changed in place, by
// net/http; Add and Set replace the slice, so sharing it is safe.
var varyCookie = []string{"Cookie"}
