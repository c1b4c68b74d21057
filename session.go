package session

import (
	"bytes"
	"fmt"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/websession/session/internal/commitwriter"
	"github.com/websession/session/internal/deadline"
	"github.com/websession/session/internal/state"
)

// Session is one visitor's session during one request: a dictionary of
// JSON-shaped values plus flash messages and a permanent flag, as Flask's
// session. Get one with From or Manager.From. It is loaded on first use and
// committed by the Manager before the response starts; changes after that
// are refused with ErrCommitted.
//
// A Session is safe for use by several goroutines of its request. Values are
// stored as their encoding at the moment of Set: changing a map or slice
// after storing it does not change the session; Set it again.
type Session struct {
	m      *Manager
	req    *http.Request
	parent *Session       // session of an outer Manager, if any
	ctx    sessionContext // req's context
	w      commitwriter.Writer

	mu        sync.Mutex
	loaded    bool
	committed bool
	permanent bool           // here, in the padding after the flags above, so a Session fits the 1,280-byte size class
	values    state.ValueSet // each key's encoding by the codec
	decoded   map[string]any // values decoded so far in this request
	flashes   []Flash
	// loadedFlashes counts the flashes that came with the session.
	loadedFlashes int
	created       time.Time
	stampCreated  bool // no creation time came for AbsoluteTimeout (Flask's cookie): commit writes created
	issued        time.Time
	user          string    // bound by SetUser; "" when anonymous
	userRaw       string    // the user as the cookie carried it (state.State.UserRaw)
	signedIn      time.Time // when SetUser bound it
	agent         string    // browser summary at sign-in (server-side)

	isNew       bool // no valid session came with the request
	hadCookie   bool // the request carried a cookie of this name
	oldKey      bool // the cookie verified under an old secret
	modified    bool
	renewed     bool
	destroyed   bool
	permChanged bool
	userChanged bool // SetUser changed the bound user in this request

	loadErr error       // a store failure on load: the commit fails closed
	server  serverState // server-side mode only
	log     state.Log   // this request's changes, replayed after a conflict

	// Cookie sessions with Config.Revocations.
	id       string // state.State.ID: the session's random identifier
	holder   loadedIdentity
	ending   ending // what this request's Destroy, Clear, Renew or SetUser end
	retiring bool   // the cookie's session was renewed moments ago: read-only

	// The contexts of the store calls that load and commit the session
	// (Manager.bound): fields, so a request allocates none.
	loadCtx, commitCtx deadline.Context
	lent               state.Loan // the buffer values is read in place from
	// opened is the State the request's cookie, or the store record it
	// names, was read into (server.parsed for a record): a field, so a
	// load allocates none.
	opened state.State
}

// loadedIdentity is who the session belonged to when it was loaded: what
// its cookie, held by whoever copied it, would still open.
type loadedIdentity struct {
	user     string
	id       string
	signedIn time.Time
}

// ending is how a request ends the identity its session was loaded with.
type ending uint8

const (
	endsNot        ending = iota
	endsAfterGrace        // Renew, SetUser: after Config.RenewGrace
	endsNow               // Destroy, or Clear of a signed-in session
)

// end notes that this request ends the loaded identity, at once or after
// the grace of a renewal, whichever is sooner.
func (s *Session) end(e ending) { s.ending = max(s.ending, e) }

// superseded reports whether the request reached the session through an
// ID or cookie that a renewal replaced moments ago (Config.RenewGrace).
// Such a request may use the session but never renew it, re-bind it, or
// receive a cookie of its own.
func (s *Session) superseded() bool {
	return s.server.alias || s.server.readOnly || s.retiring
}

// lock loads the session if needed and locks it. Every public method goes
// through it, so a session is read from its cookie or store only when used.
func (s *Session) lock() {
	s.mu.Lock()
	if !s.loaded {
		s.load()
	} else if s.values.Detached() {
		s.lent.Reopen(&s.values, s.m.codec.(state.Sealer), s.m.cfg.Now())
	}
}

// change is called with the lock held before a mutation (op, of key if
// any). It refuses changes after the commit, reporting them loudly.
func (s *Session) change(op, key string) error {
	if !s.committed {
		return nil
	}
	if key != "" {
		key = strconv.Quote(key)
	}
	err := fmt.Errorf("%w: %s(%s)", ErrCommitted, op, key)
	s.m.cfg.Logger.ErrorContext(s.req.Context(), err.Error())
	s.m.emit(s.req.Context(), Event{Kind: kindChangeLost, Detail: err.Error()})
	return err
}

// Get returns the value stored under key and whether there is one. Numbers
// that are integers come back as int, others as float64; objects as
// map[string]any and arrays as []any (or the Flask format's types). Use the
// generic Get function to read into a type of your own.
func (s *Session) Get(key string) (any, bool) {
	s.lock()
	defer s.mu.Unlock()
	return s.get(key)
}

func (s *Session) get(key string) (any, bool) {
	if v, ok := s.decoded[key]; ok {
		return v, true
	}
	raw, ok := s.values.Get(key)
	if !ok {
		return nil, false
	}
	v, err := s.m.codec.Unmarshal(raw)
	if err != nil {
		s.m.cfg.Logger.WarnContext(s.req.Context(), "session: stored value cannot be decoded", "key", key, "err", err)
		return nil, false
	}
	switch v.(type) {
	case map[string]any, []any:
		// Keep containers, so every Get in this request returns the same
		// one; scalars are cheaper to decode again than to keep.
		if s.decoded == nil {
			s.decoded = make(map[string]any)
		}
		s.decoded[key] = v
	}
	return v, true
}

// Set stores value under key. The value must be encodable by the format's
// codec (JSON for Encrypted, Signed and server-side stores), and the key
// must not be one the format manages itself (Flask's "_permanent",
// "_flashes", "_user_id"...); otherwise Set returns the error and changes
// nothing. Setting a key to the value it already holds changes nothing.
func (s *Session) Set(key string, value any) error {
	raw, err := s.m.codec.Marshal(value)
	if err == nil {
		err = s.m.checkKey(key)
	}
	if err != nil {
		return fmt.Errorf("session: Set(%q): %w", key, err)
	}
	s.lock()
	defer s.mu.Unlock()
	if err := s.change("Set", key); err != nil {
		return err
	}
	if old, ok := s.values.Get(key); ok && bytes.Equal(old, raw) {
		return nil
	}
	s.setValue(key, raw)
	return nil
}

// record notes a change of key in the change log, if the backend replays.
func (s *Session) record(key string, ch state.ValueChange) {
	if s.m.backend.replays() {
		s.log.Set(key, ch)
	}
}

// checkKey refuses, for Set and Update, a key the format keeps for itself.
func (m *Manager) checkKey(key string) error {
	if k, ok := m.codec.(state.KeyChecker); ok {
		return k.CheckKey(key)
	}
	return nil
}

// Delete removes key. Deleting a missing key changes nothing.
func (s *Session) Delete(key string) error {
	s.lock()
	defer s.mu.Unlock()
	if err := s.change("Delete", key); err != nil {
		return err
	}
	s.setValue(key, nil)
	return nil
}

// Clear removes every value and flash message and unbinds the user set by
// SetUser, as Flask's session.clear() is used to log out. The session
// keeps its identity and permanence; use Destroy to end it.
func (s *Session) Clear() error {
	s.lock()
	defer s.mu.Unlock()
	if err := s.change("Clear", ""); err != nil {
		return err
	}
	if s.values.Len() > 0 || len(s.flashes) > 0 || s.user != "" {
		if s.user != "" {
			s.end(endsNow) // a log-out: copies of the cookie must not stay signed in
		}
		s.values.Clear()
		clear(s.decoded)
		s.flashes = nil
		s.log.Clear()
		s.unbind()
		s.modified = true
	}
	return nil
}

// Has reports whether key holds a value.
func (s *Session) Has(key string) bool {
	s.lock()
	defer s.mu.Unlock()
	_, ok := s.values.Get(key)
	return ok
}

// Len returns the number of keys.
func (s *Session) Len() int {
	s.lock()
	defer s.mu.Unlock()
	return s.values.Len()
}

// Keys returns the keys in sorted order.
func (s *Session) Keys() []string {
	s.lock()
	defer s.mu.Unlock()
	return s.values.Keys()
}

// Permanent reports whether the session is permanent: its cookie outlives
// the browser session and lasts Config.Lifetime. Sessions start
// non-permanent, as in Flask.
func (s *Session) Permanent() bool {
	s.lock()
	defer s.mu.Unlock()
	return s.permanent
}

// SetPermanent makes the session permanent or not.
func (s *Session) SetPermanent(permanent bool) error {
	s.lock()
	defer s.mu.Unlock()
	if err := s.change("SetPermanent", ""); err != nil {
		return err
	}
	if s.permanent != permanent {
		s.permanent = permanent
		s.permChanged = true
		s.modified = true
	}
	return nil
}

// Modified reports whether this request changed the session.
func (s *Session) Modified() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.modified
}

// Accessed reports whether this request used the session at all. The
// response of such a request carries Vary: Cookie.
func (s *Session) Accessed() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.loaded
}

// IsNew reports whether the request came without a valid session, so this
// one started empty.
func (s *Session) IsNew() bool {
	s.lock()
	defer s.mu.Unlock()
	return s.isNew
}

// Renew gives the session a new identity, keeping its data: a new ID in a
// server-side store and a freshly issued cookie. Call it when privileges
// change, at log-in above all, so an identifier an attacker planted before
// log-in is worthless after it. The old ID (or, with Config.Revocations,
// the old cookie) keeps working for Config.RenewGrace, for requests already
// in flight, and then stops.
//
// A request that carries an ID or cookie renewed away moments ago cannot
// renew it again: Renew returns ErrSuperseded and changes nothing.
func (s *Session) Renew() error {
	s.lock()
	defer s.mu.Unlock()
	if err := s.change("Renew", ""); err != nil {
		return err
	}
	if s.superseded() {
		return fmt.Errorf("%w: Renew", ErrSuperseded)
	}
	s.renewed = true
	s.end(endsAfterGrace)
	s.modified = true
	return nil
}

// Destroy ends the session: its data is removed (from the store too) and
// the response deletes the cookie. Values set afterwards in the same request
// start a new session.
func (s *Session) Destroy() error {
	s.lock()
	defer s.mu.Unlock()
	if err := s.change("Destroy", ""); err != nil {
		return err
	}
	s.values.Clear()
	clear(s.decoded)
	s.flashes = nil
	s.log.Clear()
	s.permanent = false
	s.created = time.Time{} // values set afterwards start a new session
	s.unbind()
	s.end(endsNow)
	s.destroyed = true
	s.modified = true
	return nil
}
