package session

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"
)

// serverState is what a server-side session adds to a Session.
type serverState struct {
	id      string // from the cookie, or newly issued; "" when none or unknown
	key     string // StoreKey(id), or the record an old ID forwards to
	version uint64 // version loaded; 0 when there is no record
	expires time.Time
	loaded  []byte // the record's data as loaded, kept for renewal
	user    string // the user bound when loaded

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
	ctx := s.req.Context()
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
		if !ValidID(value) {
			s.securityEvent("malformed session ID")
			continue
		}
		srv, st, err := s.m.loadRecord(ctx, StoreKey(value))
		if errors.Is(err, ErrNotFound) {
			s.securityEvent("unknown or expired session ID")
			continue
		}
		if errors.Is(err, errBody) {
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
func (m *Manager) loadRecord(ctx context.Context, key string) (serverState, *State, error) {
	alias := false
	for range maxForwards {
		rec, err := m.cfg.Store.Load(ctx, key)
		if err != nil {
			return serverState{}, nil, err
		}
		st, err := parseBody(rec.Data)
		if err != nil {
			return serverState{}, nil, fmt.Errorf("%w: %w", errBody, err)
		}
		srv := serverState{key: key, version: rec.Version, expires: rec.Expires, loaded: rec.Data, user: st.User, alias: alias}
		if st.movedTo == "" {
			return srv, st, nil
		}
		if !st.forward {
			srv.readOnly = true
			return srv, st, nil
		}
		key, alias = st.movedTo, true
	}
	return serverState{}, nil, ErrNotFound
}

// commitServer saves a server-side session: a new record, a compare-and-set
// update, a renewal to a new ID, a deletion, or only a longer expiry.
func (s *Session) commitServer() error {
	cfg := s.m.cfg
	// The visitor may be gone; the save must still finish.
	ctx := context.WithoutCancel(s.req.Context())
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
			if err := store.Delete(ctx, s.server.key); err != nil {
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
			err := t.Touch(ctx, s.server.key, expires)
			if errors.Is(err, ErrNotFound) {
				return nil // ended by another request meanwhile; nothing to extend
			}
			if err != nil {
				return fmt.Errorf("session: extending expiry in the store: %w", err)
			}
			return s.sendID(now)
		}
	}

	st := s.state(now)
	rec := Record{Data: appendBody(nil, st), Expires: expires, Version: s.server.version, User: st.User}
	if had && s.renewed {
		return s.renewServer(ctx, rec, now)
	}
	if !had {
		id, err := newID()
		if err != nil {
			return err
		}
		s.server = serverState{id: id, key: StoreKey(id)}
		rec.Version = 0
	}
	if err := store.Save(ctx, s.server.key, rec); err != nil {
		if !errors.Is(err, ErrConflict) || !had {
			return fmt.Errorf("session: saving to the store: %w", err)
		}
		// Another request of this visitor saved first: apply this
		// request's changes to what it saved.
		gone, err := s.replay(ctx, now)
		if err != nil || gone {
			return err
		}
		if s.permanent || s.permChanged {
			return s.sendID(now)
		}
		return nil
	}
	s.server.version = rec.Version + 1
	s.server.expires = expires
	if !had || s.permanent || s.permChanged {
		return s.sendID(now)
	}
	return nil
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
func (s *Session) renewServer(ctx context.Context, rec Record, now time.Time) error {
	cfg := s.m.cfg
	store := cfg.Store
	id, err := newID()
	if err != nil {
		return err
	}
	newKey := StoreKey(id)
	oldKey, old := s.server.key, s.server
	rec.Version = 0
	if err := store.Save(ctx, newKey, rec); err != nil {
		return fmt.Errorf("session: saving the renewed session: %w", err)
	}
	newVersion := uint64(1)
	for try := range maxReplays {
		if try > 0 {
			if err := replayPause(ctx, try); err != nil {
				return err
			}
		}
		oldState, err := parseBody(old.loaded)
		if err != nil {
			return fmt.Errorf("session: renewing: %w", err)
		}
		oldState.movedTo = newKey
		oldState.forward = old.user != "" && old.user == rec.User
		expires := now.Add(cfg.renewGrace)
		err = store.Save(ctx, oldKey, Record{Data: appendBody(nil, oldState), Expires: expires, Version: old.version, User: old.user})
		if err == nil {
			break
		}
		if !errors.Is(err, ErrConflict) {
			return fmt.Errorf("session: retiring the renewed session's old ID: %w", err)
		}
		// Someone wrote the old record after this request loaded it.
		latest, err := store.Load(ctx, oldKey)
		var st *State
		if err == nil {
			st, err = parseBody(latest.Data)
		}
		if errors.Is(err, ErrNotFound) || (err == nil && st.movedTo != "") {
			cfg.Logger.InfoContext(ctx, "session: ended or renewed by another request while this one renewed it; its changes are not saved")
			if err := store.Delete(ctx, newKey); err != nil {
				return fmt.Errorf("session: deleting an abandoned renewal: %w", err)
			}
			return nil
		}
		if err != nil {
			return fmt.Errorf("session: reloading after a conflict: %w", err)
		}
		old = serverState{key: oldKey, version: latest.Version, loaded: latest.Data, user: st.User}
		if err := s.log.replay(st, s.permanent, s.permChanged); err != nil {
			return err
		}
		st.Issued = now
		rec = Record{Data: appendBody(nil, st), Expires: s.m.recordExpiry(st.Created, now), Version: newVersion, User: st.User}
		if err := store.Save(ctx, newKey, rec); err != nil {
			return fmt.Errorf("session: saving the renewed session: %w", err)
		}
		newVersion++
		s.values, s.flashes, s.permanent = st.Values, st.Flashes, st.Permanent
		s.user, s.signedIn, s.agent = st.User, st.SignedIn, st.Agent
		clear(s.decoded)
		if try == maxReplays-1 {
			return fmt.Errorf("session: renewing: %w (still losing to other requests after %d tries)", ErrConflict, maxReplays)
		}
	}
	if cfg.renewGrace <= 0 {
		if err := store.Delete(ctx, oldKey); err != nil {
			return fmt.Errorf("session: deleting the renewed session's old record: %w", err)
		}
	}
	s.server = serverState{id: id, key: newKey, version: newVersion, expires: rec.Expires, user: rec.User}
	return s.sendID(now)
}

// maxReplays bounds how often a commit reloads the session and applies its
// changes again after losing a compare-and-set race. Between tries it waits
// a random pause that grows with each try, so a burst of one visitor's
// requests (a page firing dozens of XHRs) spreads out instead of colliding
// again.
const maxReplays = 32

// replay saves this request's changes on top of the newest stored version,
// retrying while other requests keep saving first. When the record is gone,
// another request destroyed or renewed the session: its end wins, nothing is
// written back, and replay reports gone.
func (s *Session) replay(ctx context.Context, now time.Time) (gone bool, err error) {
	store := s.m.cfg.Store
	for try := range maxReplays {
		if try > 0 {
			if err := replayPause(ctx, try); err != nil {
				return false, err
			}
		}
		srv, st, err := s.m.loadRecord(ctx, s.server.key)
		if errors.Is(err, ErrNotFound) || (err == nil && srv.readOnly) {
			s.m.cfg.Logger.InfoContext(ctx, "session: ended by another request (log-out or renewal) while this one ran; its changes are not saved")
			return true, nil
		}
		if err != nil {
			return false, fmt.Errorf("session: reloading after a conflict: %w", err)
		}
		if srv.alias {
			// Renewed by another request of the same user: its changes
			// go to the new record, whose ID this request cannot send.
			s.server.id, s.server.key, s.server.alias = "", srv.key, true
		}
		if err := s.log.replay(st, s.permanent, s.permChanged); err != nil {
			return false, err
		}
		st.Issued = now
		expires := s.m.recordExpiry(st.Created, now)
		err = store.Save(ctx, s.server.key, Record{Data: appendBody(nil, st), Expires: expires, Version: srv.version, User: st.User})
		if err == nil {
			s.values, s.flashes, s.permanent = st.Values, st.Flashes, st.Permanent
			s.user, s.signedIn, s.agent = st.User, st.SignedIn, st.Agent
			clear(s.decoded)
			s.server.version, s.server.expires = srv.version+1, expires
			return false, nil
		}
		if !errors.Is(err, ErrConflict) {
			return false, fmt.Errorf("session: saving to the store: %w", err)
		}
	}
	return false, fmt.Errorf("session: saving to the store: %w (still losing to other requests after %d tries)", ErrConflict, maxReplays)
}

// replayPause waits a random pause that grows with try, so a burst of one
// visitor's requests spreads out instead of colliding again.
func replayPause(ctx context.Context, try int) error {
	pause := time.Duration(rand.Int64N(int64(min(try, 10)) * int64(time.Millisecond)))
	select {
	case <-time.After(pause):
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
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
