package session

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/websession/session/internal/state"
)

// serverState is what a server-side session adds to a Session.
type serverState struct {
	id      string // from the cookie, or newly issued; "" when none or unknown
	key     string // state.StoreKey(id), or the record an old ID forwards to
	version uint64 // version loaded; 0 when there is no record
	expires time.Time
	loaded  []byte // the record's data as loaded, kept for renewal
	user    string // the user bound when loaded
	// tokens are the loaded record's save tokens, carried into the next
	// save so a duplicate of a recent save is still recognised.
	tokens state.Tokens

	// alias marks a session reached through an ID renewed moments ago by
	// another request of the same user (Config.RenewGrace): it works on the
	// new record but cannot send its ID, which it does not know.
	alias bool
	// readOnly marks the old ID of a session renewed at a change of user:
	// the request sees the data as it was, and its changes are dropped.
	readOnly bool
}

// maxForwards bounds how many renewed IDs a load follows: a session renewed
// several times within RenewGrace.
const maxForwards = 4

// loadServer reads the record named by the request's session cookie. Only
// IDs of the right form reach the store, at most maxSessionCookies of them,
// and an ID the store does not have is never adopted: the session starts
// empty and gets a new ID if written. Session cookies after the one used
// are not looked up, but logged.
func (s *Session) loadServer() {
	cfg := s.m.cfg
	ctx, cancel := s.m.storeContext(s.req.Context())
	defer cancel()
	now := cfg.Now()
	n, found := 0, false
	for value := range cookieValues(s.req, cfg.Cookie.Name) {
		s.hadCookie = true
		if found {
			if value != "" {
				// Not looked up: an attacker's own session planted next to
				// the visitor's must not go unnoticed, nor cost lookups.
				s.securityEvent("more than one session cookie; the first with a live session is used")
				break
			}
			continue
		}
		if n++; n > maxSessionCookies {
			s.securityEvent(tooManyCookies)
			break
		}
		if !state.ValidID(value) {
			s.securityEvent("malformed session ID")
			continue
		}
		srv, st, err := s.m.loadRecord(ctx, state.StoreKey(value))
		if errors.Is(err, ErrNotFound) {
			s.securityEvent("unknown or expired session ID")
			continue
		}
		if errors.Is(err, state.ErrBody) {
			s.m.cfg.Logger.ErrorContext(ctx, "session: stored record cannot be decoded; starting a new session", "err", err)
			continue
		}
		if err != nil {
			s.loadErr = fmt.Errorf("session: loading from the store: %w", err)
			s.isNew = true
			return
		}
		if cfg.AbsoluteTimeout > 0 && !st.Created.IsZero() && now.Sub(st.Created) > cfg.AbsoluteTimeout {
			s.securityEvent("expired (older than AbsoluteTimeout)")
			continue
		}
		if !srv.alias {
			srv.id = value
		}
		s.server = srv
		s.adopt(st)
		found = true
	}
	s.isNew = !found
}

// loadRecord loads the record under key, following the forward a renewed
// ID leaves for Config.RenewGrace. It returns ErrNotFound when there is no
// live record and errBody when the record cannot be decoded.
func (m *Manager) loadRecord(ctx context.Context, key string) (serverState, *state.State, error) {
	return m.loadRecordFrom(ctx, key, nil)
}

// loadRecordFrom is loadRecord starting from first, the record under key
// as read a moment ago, when it is not nil.
func (m *Manager) loadRecordFrom(ctx context.Context, key string, first *Record) (serverState, *state.State, error) {
	alias := false
	for range maxForwards {
		var rec Record
		if first != nil {
			rec, first = *first, nil
		} else {
			var err error
			if rec, err = m.load(ctx, m.cfg.Store, key); err != nil {
				return serverState{}, nil, err
			}
		}
		st, err := state.ParseBody(rec.Data)
		if err != nil {
			return serverState{}, nil, fmt.Errorf("%w: %w", state.ErrBody, err)
		}
		srv := serverState{key: key, version: rec.Version, expires: rec.Expires, loaded: rec.Data, user: st.User, alias: alias, tokens: st.Tokens}
		if st.MovedTo == "" {
			return srv, st, nil
		}
		if !st.Forward {
			srv.readOnly = true
			return srv, st, nil
		}
		key, alias = st.MovedTo, true
	}
	return serverState{}, nil, ErrNotFound
}

// commitServer saves a server-side session: a new record, a compare-and-set
// update, a renewal to a new ID, a deletion, or only a longer expiry.
func (s *Session) commitServer() error {
	cfg := s.m.cfg
	ctx, cancel := s.m.commitContext(s.req.Context())
	defer cancel()
	if s.server.readOnly {
		if s.modified {
			cfg.Logger.InfoContext(ctx, "session: the session ID of this request was renewed at a change of user while it ran; its changes are not saved")
		}
		return nil
	}
	store := cfg.Store
	now := cfg.Now()
	had := s.server.key != ""
	empty := len(s.values) == 0 && len(s.flashes) == 0 && s.user == ""

	if empty || s.destroyed {
		if had && s.modified {
			if err := s.m.delete(ctx, store, s.server.key); err != nil {
				return fmt.Errorf("session: deleting from the store: %w", err)
			}
			s.server = serverState{}
			had = false
		}
		if empty {
			if s.hadCookie && s.modified {
				return s.setCookie("", time.Time{}, true)
			}
			return nil
		}
	}

	expires := s.m.recordExpiry(s.created, now)
	if !s.modified {
		if !had || !s.needsRefresh(now, expires) {
			return nil
		}
		if t, ok := store.(Toucher); ok {
			err := s.m.touch(ctx, t, s.server.key, expires)
			if errors.Is(err, ErrNotFound) {
				return nil // ended by another request meanwhile; nothing to extend
			}
			if err != nil {
				return fmt.Errorf("session: extending expiry in the store: %w", err)
			}
			return s.sendID(now)
		}
	}

	if a, ok := store.(Applier); ok && had && s.modified && !s.renewed && s.log.user == nil {
		return s.applyServer(ctx, a, expires, now)
	}
	st := s.state(now)
	st.Tokens = s.server.tokens
	if had && s.renewed {
		return s.renewServer(ctx, st, expires, now)
	}
	version := s.server.version
	if !had {
		id, err := newID()
		if err != nil {
			return err
		}
		s.server = serverState{id: id, key: state.StoreKey(id)}
		version = 0
	}
	v, latest, err := s.m.saveOnce(ctx, s.server.key, st, version, expires, now)
	if err != nil {
		if !errors.Is(err, ErrConflict) || !had {
			return fmt.Errorf("session: saving to the store: %w", err)
		}
		// Another request of this visitor saved first: apply this
		// request's changes to what it saved.
		s.m.emit(s.req.Context(), Event{Kind: kindConflictRetried})
		gone, err := s.replay(ctx, latest, now)
		if err != nil || gone {
			return err
		}
		if s.permanent || s.permChanged {
			return s.sendID(now)
		}
		return nil
	}
	s.server.version = v
	s.server.expires = expires
	if !had || s.permanent || s.permChanged {
		return s.sendID(now)
	}
	return nil
}

// saveOnce stores st under key if the stored version is still version,
// as one attempt with a save token of its own, and returns the version the
// record has afterwards. A client library may send a save twice (it timed
// out waiting for the reply and sent it again) or lose the reply: the
// first copy is applied, and the second finds the record changed and
// reports a conflict. So on a conflict saveOnce reads the record back, and
// when it carries this attempt's token the save was applied, whatever
// other saves landed after it. Otherwise it returns ErrConflict with the
// record it read, for the caller to replay its changes on.
func (m *Manager) saveOnce(ctx context.Context, key string, st *state.State, version uint64, expires, now time.Time) (uint64, *Record, error) {
	tok, err := newToken()
	if err != nil {
		return 0, nil, err
	}
	st.Tokens = stampToken(st.Tokens, tok, now, m.tokenAge())
	rec := Record{Data: state.AppendBody(nil, st), Expires: expires, Version: version, User: st.User}
	err = m.save(ctx, m.cfg.Store, key, rec)
	if err == nil {
		return version + 1, nil, nil
	}
	if !errors.Is(err, ErrConflict) {
		return 0, nil, err
	}
	latest, lerr := m.load(ctx, m.cfg.Store, key)
	if errors.Is(lerr, ErrNotFound) {
		return 0, nil, err
	}
	if lerr != nil {
		return 0, nil, fmt.Errorf("%w; reading the record back: %w", err, lerr)
	}
	if applied, _ := hasToken(latest.Data, tok); applied {
		return latest.Version, nil, nil
	}
	return 0, &latest, err
}

// sendID sets the session cookie to the session's ID, unless the request
// reached the session through a renewed ID and so does not know it: the
// browser already holds the new cookie.
func (s *Session) sendID(now time.Time) error {
	if s.server.id == "" {
		return nil
	}
	return s.setCookie(s.server.id, now, false)
}

// renewServer moves the session to a new ID. The new record is saved first;
// then the old record is replaced, compare-and-set, by one that marks the old
// ID renewed for Config.RenewGrace (see loadRecord). If another request
// changed the old record meanwhile, this request's changes are applied to
// it and the new record saved again; if another request ended the session
// or renewed it first, the new record is deleted: that end wins.
func (s *Session) renewServer(ctx context.Context, st *state.State, expires, now time.Time) error {
	cfg := s.m.cfg
	store := cfg.Store
	id, err := newID()
	if err != nil {
		return err
	}
	newKey := state.StoreKey(id)
	oldKey, old := s.server.key, s.server
	st.Tokens = nil // a new record: no save of it can be a duplicate yet
	newVersion, _, err := s.m.saveOnce(ctx, newKey, st, 0, expires, now)
	if err != nil {
		return fmt.Errorf("session: saving the renewed session: %w", err)
	}
	abandoned := false
	err = retryConflicts(ctx, func() error {
		oldState, err := state.ParseBody(old.loaded)
		if err != nil {
			return fmt.Errorf("session: renewing: %w", err)
		}
		oldState.MovedTo = newKey
		oldState.Forward = old.user != "" && old.user == st.User
		_, latest, err := s.m.saveOnce(ctx, oldKey, oldState, old.version, now.Add(cfg.renewGrace), now)
		if !errors.Is(err, ErrConflict) {
			if err != nil {
				return fmt.Errorf("session: retiring the renewed session's old ID: %w", err)
			}
			return nil
		}
		// Someone wrote the old record after this request loaded it.
		s.m.emit(s.req.Context(), Event{Kind: kindConflictRetried})
		var cur *state.State
		if latest != nil {
			cur, err = state.ParseBody(latest.Data)
		}
		if latest == nil || (err == nil && cur.MovedTo != "") {
			abandoned = true // ended or renewed meanwhile: that end wins
			return nil
		}
		if err != nil {
			return fmt.Errorf("session: reloading after a conflict: %w", err)
		}
		old = serverState{key: oldKey, version: latest.Version, loaded: latest.Data, user: cur.User}
		if err := s.log.replay(cur, s.permanent, s.permChanged); err != nil {
			return err
		}
		cur.Issued = now
		cur.MovedTo, cur.Forward = "", false
		cur.Tokens = st.Tokens // the new record's, not the old one's
		expires = s.m.recordExpiry(cur.Created, now)
		v, _, err := s.m.saveOnce(ctx, newKey, cur, newVersion, expires, now)
		if err != nil {
			return fmt.Errorf("session: saving the renewed session: %w", noConflict(err))
		}
		newVersion, st = v, cur
		s.adoptReplayed(cur)
		return ErrConflict // the old ID is still to be retired
	})
	if err != nil {
		return fmt.Errorf("session: renewing: %w", err)
	}
	if abandoned {
		cfg.Logger.InfoContext(ctx, "session: ended or renewed by another request while this one renewed it; its changes are not saved")
		if err := s.m.delete(ctx, store, newKey); err != nil {
			return fmt.Errorf("session: deleting an abandoned renewal: %w", err)
		}
		return nil
	}
	if cfg.renewGrace <= 0 {
		if err := s.m.delete(ctx, store, oldKey); err != nil {
			return fmt.Errorf("session: deleting the renewed session's old record: %w", err)
		}
	}
	s.server = serverState{id: id, key: newKey, version: newVersion, expires: expires, user: st.User}
	return s.sendID(now)
}

// adoptReplayed takes the content of a record this request's changes were
// replayed on and saved.
func (s *Session) adoptReplayed(st *state.State) {
	s.values, s.flashes, s.permanent = st.Values, st.Flashes, st.Permanent
	s.user, s.signedIn, s.agent = st.User, st.SignedIn, st.Agent
	clear(s.decoded)
}

// replay saves this request's changes on top of the newest stored version,
// trying again while other requests keep saving first, until the commit's
// time runs out (Config.StoreTimeout). When the record is gone, another
// request destroyed or renewed the session: its end wins, nothing is
// written back, and replay reports gone.
//
// latest, when not nil, is the record under the session's key as read
// right after the conflict; replay starts from it instead of reading it
// again.
func (s *Session) replay(ctx context.Context, latest *Record, now time.Time) (gone bool, err error) {
	err = retryConflicts(ctx, func() error {
		srv, st, err := s.m.loadRecordFrom(ctx, s.server.key, latest)
		latest = nil
		if errors.Is(err, ErrNotFound) || (err == nil && srv.readOnly) {
			s.m.cfg.Logger.InfoContext(ctx, "session: ended by another request (log-out or renewal) while this one ran; its changes are not saved")
			gone = true
			return nil
		}
		if err != nil {
			return fmt.Errorf("session: reloading after a conflict: %w", err)
		}
		if srv.alias {
			// Renewed by another request of the same user: its changes
			// go to the new record, whose ID this request cannot send.
			s.server.id, s.server.key, s.server.alias = "", srv.key, true
		}
		if err := s.log.replay(st, s.permanent, s.permChanged); err != nil {
			return err
		}
		st.Issued = now
		expires := s.m.recordExpiry(st.Created, now)
		v, conflict, err := s.m.saveOnce(ctx, s.server.key, st, srv.version, expires, now)
		if err != nil {
			latest = conflict
			if errors.Is(err, ErrConflict) {
				return err
			}
			return fmt.Errorf("session: saving to the store: %w", err)
		}
		s.adoptReplayed(st)
		s.server.version, s.server.expires = v, expires
		return nil
	})
	if errors.Is(err, ErrConflict) {
		return false, fmt.Errorf("session: saving to the store: %w", err)
	}
	return gone, err
}

// recordExpiry is when a record saved at now expires: after Lifetime, or
// sooner when an idle or absolute limit ends the session first.
func (m *Manager) recordExpiry(created, now time.Time) time.Time {
	cfg := m.cfg
	exp := now.Add(cfg.Lifetime)
	if cfg.IdleTimeout > 0 && now.Add(cfg.IdleTimeout).Before(exp) {
		exp = now.Add(cfg.IdleTimeout)
	}
	if cfg.AbsoluteTimeout > 0 && !created.IsZero() && created.Add(cfg.AbsoluteTimeout).Before(exp) {
		exp = created.Add(cfg.AbsoluteTimeout)
	}
	return exp
}

// needsRefresh reports whether a read-only request should extend the
// record's expiry to exp. Refreshes are throttled: only when it moves the
// expiry by more than a tenth of the window, at most a minute, so a busy
// session costs one store read per request and a write now and then.
func (s *Session) needsRefresh(now, exp time.Time) bool {
	cfg := s.m.cfg
	if !(s.permanent && cfg.refresh) && cfg.IdleTimeout == 0 {
		return false
	}
	window := exp.Sub(now)
	step := min(window/10, time.Minute)
	return exp.Sub(s.server.expires) > step
}
