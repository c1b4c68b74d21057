package session

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"
	"unicode/utf8"

	"github.com/websession/session/internal/retry"
	"github.com/websession/session/internal/revocation"
	"github.com/websession/session/internal/state"
)

// Per-user management: SetUser binds a session to an account; Sessions,
// DestroySession, DestroyUser and DestroyOthers list and end a user's
// sessions, through the store's UserIndex for server-side sessions, and
// through Config.Revocations for cookie sessions, whose copies cannot be
// deleted from the server.

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
			if l, ok := s.m.codec.(state.LoginKeys); ok {
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
	s.user, s.userRaw = user, ""
	s.signedIn = s.m.cfg.Now()
	s.agent = state.SummarizeAgent(s.req.UserAgent())
	if l, ok := s.m.codec.(state.LoginKeys); ok {
		for k, v := range l.SignInValues(s.req) {
			s.setValue(k, v)
		}
	}
	s.log.User = &state.UserChange{User: s.user, SignedIn: s.signedIn, Agent: s.agent}
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
	s.user, s.userRaw, s.signedIn, s.agent = "", "", time.Time{}, ""
	s.log.User = &state.UserChange{}
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
	if l, ok := s.m.codec.(state.LoginKeys); ok {
		return l.Fresh(s.values.Map(), s.req)
	}
	return true
}

// setValue stores raw under key, or deletes key when raw is nil, marking
// the session modified if that changes it. It runs with s.mu held.
func (s *Session) setValue(key string, raw []byte) {
	if raw == nil {
		if s.values.Delete(key) {
			delete(s.decoded, key)
			s.record(key, state.ValueChange{Deleted: true})
			s.modified = true
		}
		return
	}
	s.values.Set(key, raw)
	delete(s.decoded, key)
	s.record(key, state.ValueChange{Raw: raw})
	s.modified = true
}

// SessionInfo describes one session for a "your devices" page or an
// operator's listing: its Handle (to pass to Manager.DestroySession; also
// the key of its record in the store), User, Created, SignedIn, LastSeen, Expires,
// Agent, Size and Renewed. It never holds the session ID.
type SessionInfo = state.Info

// Handle returns the handle of a server-side session, the name
// Manager.Sessions lists it under and Manager.DestroySession takes: the hex
// SHA-256 of its ID, which is also the key of its record in the store. It
// can be shown and logged, as the ID must not be. It is "" for cookie
// sessions and for a session not saved yet.
func (s *Session) Handle() string {
	s.lock()
	defer s.mu.Unlock()
	return s.server.key
}

// userIndex returns the store's UserIndex, or an error saying why the
// Manager cannot list or delete a user's server-side sessions.
func (b *storeSessions) userIndex() (UserIndex, error) {
	ix, ok := b.m.cfg.Store.(UserIndex)
	if !ok {
		return nil, fmt.Errorf("%w: the store %T keeps no user index (session.UserIndex); use one of the stores in store/", ErrNotSupported, b.m.cfg.Store)
	}
	return ix, nil
}

// endUser deletes the user's records but keep's, and reports how many.
func (b *storeSessions) endUser(ctx context.Context, user string, keep *Session) (int, error) {
	ix, err := b.userIndex()
	if err != nil {
		return 0, err
	}
	var kept string
	if keep != nil {
		kept = keep.server.key
	}
	n, err := ix.DeleteUser(ctx, user, kept)
	if err != nil {
		return n, fmt.Errorf("session: deleting sessions of a user: %w", err)
	}
	return n, nil
}

// Sessions lists the live server-side sessions bound to user, the most
// recently used first. It needs a Store that implements UserIndex; for
// cookie sessions it returns ErrNotSupported.
func (m *Manager) Sessions(ctx context.Context, user string) ([]SessionInfo, error) {
	ix, err := m.backend.userIndex()
	if err != nil {
		return nil, err
	}
	recs, err := ix.UserRecords(ctx, user)
	if err != nil {
		return nil, fmt.Errorf("session: listing the sessions of a user: %w", err)
	}
	infos := make([]SessionInfo, 0, len(recs))
	for key, rec := range recs {
		info, err := state.Describe(key, rec.Data, rec.Expires)
		if err != nil {
			m.cfg.Logger.ErrorContext(ctx, "session: skipping a stored record that cannot be decoded", "err", err)
			continue
		}
		if info.Renewed || info.User != user {
			continue
		}
		info.LastSeen = m.cfg.lifetime.LastSeen(info.LastSeen, info.Expires, m.cfg.Now())
		infos = append(infos, info)
	}
	slices.SortFunc(infos, func(a, b SessionInfo) int {
		return cmp.Or(b.LastSeen.Compare(a.LastSeen), cmp.Compare(a.Handle, b.Handle))
	})
	return infos, nil
}

// DestroySession ends one server-side session of user, named by its
// Handle (from Sessions). It returns ErrNotFound when handle is not a live
// session of user, so a page can let a user end only their own sessions.
func (m *Manager) DestroySession(ctx context.Context, user, handle string) error {
	ix, err := m.backend.userIndex()
	if err != nil {
		return err
	}
	if !ValidKey(handle) {
		return fmt.Errorf("%w: not a session handle", ErrNotFound)
	}
	recs, err := ix.UserRecords(ctx, user)
	if err != nil {
		return fmt.Errorf("session: listing the sessions of a user: %w", err)
	}
	if _, ok := recs[handle]; !ok {
		return fmt.Errorf("%w: no such session of this user", ErrNotFound)
	}
	if err := m.delete(ctx, m.cfg.Store, handle); err != nil {
		return fmt.Errorf("session: deleting from the store: %w", err)
	}
	return nil
}

// DestroyUser ends every session of user: after a password change, or
// when an account is stolen or closed. With a Store it deletes the user's
// records and reports how many. For cookie sessions it records in
// Config.Revocations that the user's cookies signed in before now are no
// longer valid, and reports 0: cookies cannot be counted. Without a user
// index or Revocations it returns ErrNotSupported.
func (m *Manager) DestroyUser(ctx context.Context, user string) (int, error) {
	if user == "" {
		return 0, errors.New("session: DestroyUser needs a user name; anonymous sessions are not bound to anyone")
	}
	return m.backend.endUser(ctx, user, nil)
}

// DestroyOthers ends every other session of the user this session is bound
// to ("log out all other devices"), at once, and keeps this one. It reports
// how many server-side sessions it ended (0 for cookie sessions, which are
// revoked through Config.Revocations and cannot be counted). It returns an
// error when the session is not bound to a user.
func (s *Session) DestroyOthers() (int, error) {
	s.lock()
	defer s.mu.Unlock()
	if err := s.change("DestroyOthers", ""); err != nil {
		return 0, err
	}
	if s.user == "" {
		return 0, errors.New("session: DestroyOthers on a session not bound to a user; call SetUser at log-in")
	}
	ctx := s.m.storeContext(s.req.Context())
	defer ctx.Stop()
	return s.m.backend.endUser(ctx, s.user, s)
}

func (c *cookieSessions) userIndex() (UserIndex, error) {
	return nil, fmt.Errorf("%w: cookie sessions cannot be listed or deleted from the server; set Config.Revocations to end them with DestroyUser", ErrNotSupported)
}

// endUser records that the user's cookies signed in before now are no
// longer valid, and counts keep, if any, as signed in now, so it stays
// valid. Cookies cannot be counted: it reports 0.
func (c *cookieSessions) endUser(ctx context.Context, user string, keep *Session) (int, error) {
	if c.m.cfg.Revocations == nil {
		return 0, fmt.Errorf("%w: cookie sessions can be revoked only when Config.Revocations is set", ErrNotSupported)
	}
	now := c.m.cfg.Now()
	if err := c.m.revokeBefore(ctx, user, now); err != nil {
		return 0, err
	}
	if keep != nil {
		keep.signedIn = now // the revocation's exact time, which is not before it
		keep.modified = true
	}
	return 0, nil
}

// Revocation of cookie sessions, in Config.Revocations: one record per
// user, whose rules package revocation keeps.

// revocationOf reads the user's revocation record and says whether the
// cookie session st, opened at now, is still valid. A store failure is
// returned, and the request fails closed: a revoked session must not slip
// through an outage.
func (m *Manager) revocationOf(ctx context.Context, st *state.State, now time.Time) (revocation.Status, error) {
	rec, err := m.load(ctx, m.cfg.Revocations, revocation.Key(st.User))
	if errors.Is(err, ErrNotFound) {
		return revocation.Valid, nil
	}
	if err != nil {
		return revocation.Valid, fmt.Errorf("session: reading the user's revocations: %w", err)
	}
	r, err := revocation.Parse(rec.Data)
	if err != nil {
		return revocation.Valid, err
	}
	return r.Of(st.ID, st.SignedIn, now), nil
}

// revokeBefore records that user's cookie sessions signed in before at
// are no longer valid, unless a later time is recorded already.
func (m *Manager) revokeBefore(ctx context.Context, user string, at time.Time) error {
	return m.updateRevocations(ctx, user, at, func(r *revocation.Record) bool { return r.RevokeBefore(at) })
}

// retire records that the cookie session with identifier id, bound to
// user and signed in at signedIn, stops working at from (now for a
// log-out, after RenewGrace for a renewal).
func (m *Manager) retire(ctx context.Context, user, id string, signedIn, from, now time.Time) error {
	until := now.Add(m.cfg.Lifetime + state.MaxClockSkew) // when its last cookie expires
	return m.updateRevocations(ctx, user, now, func(r *revocation.Record) bool { return r.Retire(id, signedIn, from, until) })
}

// updateRevocations applies change to user's revocation record with
// compare-and-set, pruning entries no cookie can use any more. change
// reports whether it changed anything; if not, nothing is written.
func (m *Manager) updateRevocations(ctx context.Context, user string, now time.Time, change func(*revocation.Record) bool) error {
	store := m.cfg.Revocations
	key := revocation.Key(user)
	return retry.Conflicts(ctx, func() error {
		var r revocation.Record
		var version uint64
		rec, err := m.load(ctx, store, key)
		switch {
		case err == nil:
			version = rec.Version
			if r, err = revocation.Parse(rec.Data); err != nil {
				return err
			}
		case !errors.Is(err, ErrNotFound):
			return fmt.Errorf("session: reading a revocation: %w", err)
		}
		if !change(&r) {
			return nil
		}
		expires := r.Prune(now, m.cfg.Lifetime+state.MaxClockSkew)
		data, err := json.Marshal(r)
		if err != nil {
			return fmt.Errorf("session: encoding a revocation: %w", err)
		}
		err = m.save(ctx, store, key, Record{Data: data, Expires: expires, Version: version})
		if err != nil && !errors.Is(err, ErrConflict) {
			return fmt.Errorf("session: saving a revocation: %w", err)
		}
		return err
	}, retry.Pause)
}
