package session

import (
	"fmt"
	"time"

	"github.com/websession/session/internal/state"
)

// maxClockSkew is how far in the future an issue time may lie before the
// cookie is refused, to allow for clocks of several servers that disagree.
const maxClockSkew = time.Minute

// maxSessionCookies is how many cookies of the session's name one request
// may bring before the rest are ignored with one security event. A browser
// sends one, or a few when the name was set for several paths or domains; a
// header with thousands then costs no more than this many decryptions or
// store lookups, and log lines.
const maxSessionCookies = 8

// tooManyCookies is the security event for the cookies past
// maxSessionCookies.
var tooManyCookies = fmt.Sprintf("more than %d session cookies in one request; the others are ignored", maxSessionCookies)

// load reads the session from the request, once. It runs with s.mu held.
func (s *Session) load() {
	s.loaded = true
	if s.committed {
		s.m.cfg.Logger.WarnContext(s.req.Context(), "session: first used after the response started, so the response lacks Vary: Cookie; use the session before writing the response")
	}
	if s.m.cfg.Store != nil {
		s.loadServer()
		return
	}
	s.loadCookie()
}

// loadCookie opens the request's session cookies. The cookies with the
// session's name are tried in order, up to maxSessionCookies, and the first
// valid one wins; the others are logged. A cookie that cannot be opened
// gives an empty session and a security event, never an error for the
// visitor.
func (s *Session) loadCookie() {
	cfg := s.m.cfg
	now := cfg.Now()
	var st *state.State
	var status revocationStatus
	n := 0
	for value := range cookieValues(s.req, cfg.Cookie.Name) {
		s.hadCookie = true
		if value == "" {
			continue // what a deletion cookie leaves behind in some clients
		}
		if n++; n > maxSessionCookies {
			s.securityEvent(tooManyCookies)
			break
		}
		if len(value) > cfg.MaxCookieSize {
			s.securityEvent("cookie longer than MaxCookieSize")
			continue
		}
		opened, err := s.m.sealer.Open(value, now)
		if err != nil {
			s.securityEvent(err.Error())
			continue
		}
		if reason := s.m.expired(opened.Issued, opened.Created, now); reason != "" {
			s.securityEvent(reason)
			continue
		}
		if st != nil {
			s.securityEvent("more than one valid session cookie; the first is used")
			continue
		}
		if cfg.Revocations != nil && opened.User != "" { // else nothing to look up
			ctx, cancel := s.m.storeContext(s.req.Context())
			status, err = s.m.revocationOf(ctx, opened, now)
			cancel()
		}
		if err != nil {
			s.loadErr = err
			s.isNew = true
			return
		}
		if status == revoked {
			s.securityEvent("revoked: the session was ended (log-out, renewal, or all of the user's sessions)")
			continue
		}
		st = opened
	}
	if st == nil {
		s.isNew = true
		return
	}
	s.adopt(st)
	s.retiring = status == retiring
}

// adopt takes the content of an opened cookie or record.
func (s *Session) adopt(st *state.State) {
	s.values = st.Values
	s.flashes = st.Flashes
	s.loadedFlashes = len(st.Flashes)
	s.permanent = st.Permanent
	s.created = st.Created
	s.issued = st.Issued
	s.oldKey = st.OldKey
	s.user = st.User
	s.signedIn = st.SignedIn
	s.agent = st.Agent
	s.id = st.ID
	s.holder = loadedIdentity{user: st.User, id: st.ID, signedIn: st.SignedIn}
}

// expired returns why a session issued and created at the given times may
// not be used at now, or "" when it may.
func (m *Manager) expired(issued, created, now time.Time) string {
	cfg := m.cfg
	switch {
	case issued.IsZero():
		return "no issue time"
	case issued.After(now.Add(maxClockSkew)):
		return "issued in the future"
	case now.Sub(issued) > cfg.Lifetime:
		return "expired (older than Lifetime)"
	case cfg.IdleTimeout > 0 && now.Sub(issued) > cfg.IdleTimeout:
		return "expired (idle longer than IdleTimeout)"
	case cfg.AbsoluteTimeout > 0 && !created.IsZero() && now.Sub(created) > cfg.AbsoluteTimeout:
		return "expired (older than AbsoluteTimeout)"
	}
	return ""
}

// securityEvent logs a rejected cookie or ID. reason never contains the
// cookie's value.
func (s *Session) securityEvent(reason string) {
	format := "server-side ID"
	if s.m.sealer != nil {
		format = s.m.sealer.Name()
	}
	s.m.rejected(s.req.Context(), reason)
	s.m.cfg.Logger.WarnContext(s.req.Context(), "session: cookie rejected",
		"reason", reason, "format", format, "cookie", s.m.cfg.Cookie.Name)
}
