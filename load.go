package session

import (
	"fmt"

	"github.com/websession/session/internal/state"
)

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
	s.m.backend.load(s)
}

// adopt takes the content of an opened cookie or record.
func (s *Session) adopt(st *state.State) {
	s.values, s.lent = st.ValueSet(), st.Lent
	s.flashes = st.Flashes
	s.loadedFlashes = len(st.Flashes)
	s.permanent = st.Permanent
	s.created = st.Created
	s.issued = st.Issued
	s.oldKey = st.OldKey
	s.user, s.userRaw = st.User, st.UserRaw
	s.signedIn = st.SignedIn
	s.agent = st.Agent
	s.id = st.ID
	s.holder = loadedIdentity{user: st.User, id: st.ID, signedIn: st.SignedIn}
}

// securityEvent logs a rejected cookie or ID. reason never contains the
// cookie's value.
func (s *Session) securityEvent(reason string) {
	s.m.rejected(s.req.Context(), reason)
	s.m.cfg.Logger.WarnContext(s.req.Context(), "session: cookie rejected",
		"reason", reason, "format", s.m.backend.formatName(), "cookie", s.m.cfg.Cookie.Name)
}
