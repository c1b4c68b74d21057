package session

import (
	"fmt"
	"net/http"
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
			if l, ok := s.loginKeys(); ok {
				for _, k := range l.SignOutKeys() {
					s.setValue(k, nil)
				}
			}
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
		s.agent = state.SummarizeAgent(s.req.UserAgent())
	}
	if l, ok := s.loginKeys(); ok {
		for k, v := range l.SignInValues(s.req) {
			s.setValue(k, v)
		}
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

// SignedInAt returns when SetUser bound the session to its user, or the zero
// time for an anonymous session.
func (s *Session) SignedInAt() time.Time {
	s.lock()
	defer s.mu.Unlock()
	return s.signedIn
}

// Fresh reports whether the session's user signed in with credentials in
// this session, as Flask-Login's login_fresh() tells a fresh log-in from
// one restored by a remember-me cookie. With flask.Format it is Flask-Login's
// own flag, as Flask-Login's default "basic" session protection leaves it
// for this request: true after SetUser or Flask-Login's login_user(), false
// once Flask-Login marked the log-in not fresh or when the request comes
// from another address or browser than the log-in did. With other formats,
// every session bound by SetUser is fresh. An anonymous session is not.
func (s *Session) Fresh() bool {
	s.lock()
	defer s.mu.Unlock()
	if s.user == "" {
		return false
	}
	if l, ok := s.loginKeys(); ok {
		return l.Fresh(s.values, s.req)
	}
	return true
}

// loginKeys is implemented by a Sealer whose format keeps facts of the
// log-in in session values of its own, as Flask's does for Flask-Login.
type loginKeys interface {
	// SignInValues returns the values SetUser stores for a log-in by
	// request r, encoded by the codec.
	SignInValues(r *http.Request) map[string][]byte
	// SignOutKeys returns the keys SetUser("") removes.
	SignOutKeys() []string
	// Fresh reports whether values show a fresh log-in for request r.
	Fresh(values map[string][]byte, r *http.Request) bool
}

// loginKeys returns the cookie format's loginKeys, if it has them. It
// runs with s.mu held.
func (s *Session) loginKeys() (loginKeys, bool) {
	if s.m.cfg.Store != nil {
		return nil, false
	}
	l, ok := s.m.sealer.(loginKeys)
	return l, ok
}

// setValue stores raw under key, or deletes key when raw is nil, as Set
// and Delete do. It runs with s.mu held.
func (s *Session) setValue(key string, raw []byte) {
	if raw == nil {
		if _, ok := s.values[key]; ok {
			delete(s.values, key)
			delete(s.decoded, key)
			s.record(key, valueChange{deleted: true})
		}
		return
	}
	if s.values == nil {
		s.values = make(map[string][]byte)
	}
	s.values[key] = raw
	delete(s.decoded, key)
	s.record(key, valueChange{raw: raw})
}

// userChange is a SetUser, Clear or Destroy in the change log: the binding
// to apply when the commit is replayed on a newer record.
type userChange struct {
	user     string
	signedIn time.Time
	agent    string
}
