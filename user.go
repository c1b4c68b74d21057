package session

import (
	"fmt"
	"time"
	"unicode/utf8"

	"github.com/websession/session/internal/state"
)

// SetUser binds the session to user at log-in, as the identity the
// Manager's "log out everywhere" functions act on, and records the sign-in
// time. Because the privilege of the session changes, it also renews the
// session's identity (see Renew), so an ID an attacker planted before log-in
// is worthless after it.
//
// user is any stable name of the account: a numeric ID as text, a UUID, a
// login name. It must be valid UTF-8 of at most 256 bytes.
// SetUser("") unbinds the session (log-out that keeps the cart); Clear and
// Destroy unbind it too.
//
// A request that carries an ID or cookie renewed away moments ago cannot
// bind it: SetUser returns ErrSuperseded and changes nothing.
func (s *Session) SetUser(user string) error {
	if len(user) > state.MaxUserSize || !utf8.ValidString(user) {
		return fmt.Errorf("session: SetUser: the user name must be valid UTF-8 of at most %d bytes; pass an account ID, not free text", state.MaxUserSize)
	}
	s.lock()
	defer s.mu.Unlock()
	if err := s.change("SetUser", ""); err != nil {
		return err
	}
	if s.superseded() && (user != "" || s.user != "") {
		return fmt.Errorf("%w: SetUser", ErrSuperseded)
	}
	if user == "" {
		if s.user != "" {
			s.unbind()
			s.renewed = true
			s.end(endsAfterGrace)
			s.modified = true
		}
		return nil
	}
	s.user = user
	s.signedIn = s.m.cfg.Now()
	s.agent = ""
	if s.m.cfg.Store != nil {
		s.agent = summarizeAgent(s.req.UserAgent())
	}
	s.log.user = &userChange{user: s.user, signedIn: s.signedIn, agent: s.agent}
	s.userChanged = true
	s.renewed = true
	s.end(endsAfterGrace)
	s.modified = true
	return nil
}

// unbind forgets the bound user. It runs with s.mu held.
func (s *Session) unbind() {
	if s.user != "" {
		s.userChanged = true
	}
	s.user, s.signedIn, s.agent = "", time.Time{}, ""
	s.log.user = &userChange{}
}

// User returns the user the session is bound to by SetUser, or "" for an
// anonymous session.
func (s *Session) User() string {
	s.lock()
	defer s.mu.Unlock()
	return s.user
}

// SignedIn returns when SetUser bound the session to its user, or the zero
// time for an anonymous session.
func (s *Session) SignedIn() time.Time {
	s.lock()
	defer s.mu.Unlock()
	return s.signedIn
}

// userChange is a SetUser, Clear or Destroy in the change log: the binding
// to apply when the commit is replayed on a newer record.
type userChange struct {
	user     string
	signedIn time.Time
	agent    string
}
