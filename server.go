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
	id      string // from the cookie, or newly issued; "" when none
	key     string // StoreKey(id)
	version uint64 // version loaded; 0 when there is no record
	expires time.Time
	loadErr error // a store failure on load: the commit fails closed
}

// loadServer reads the record named by the request's session cookie. Only
// IDs of the right form reach the store, and an ID the store does not have
// is never adopted: the session starts empty and gets a new ID if written.
func (s *Session) loadServer() {
	cfg := s.m.cfg
	ctx := s.req.Context()
	now := cfg.Now()
	for value := range cookieValues(s.req, cfg.Cookie.Name) {
		s.hadCookie = true
		if !ValidID(value) {
			s.securityEvent("malformed session ID")
			continue
		}
		key := StoreKey(value)
		rec, err := cfg.Store.Load(ctx, key)
		if errors.Is(err, ErrNotFound) {
			s.securityEvent("unknown or expired session ID")
			continue
		}
		if err != nil {
			s.server.loadErr = fmt.Errorf("session: loading from the store: %w", err)
			s.isNew = true
			return
		}
		st, err := parseBody(rec.Data)
		if err != nil {
			s.m.cfg.Logger.ErrorContext(ctx, "session: stored record cannot be decoded; starting a new session", "err", err)
			continue
		}
		if cfg.AbsoluteTimeout > 0 && !st.Created.IsZero() && now.Sub(st.Created) > cfg.AbsoluteTimeout {
			s.securityEvent("expired (older than AbsoluteTimeout)")
			continue
		}
		s.server = serverState{id: value, key: key, version: rec.Version, expires: rec.Expires}
		s.adopt(st)
		return
	}
	s.isNew = true
}

// commitServer saves a server-side session: a new record, a compare-and-set
// update, a renewal to a new ID, a deletion, or only a longer expiry.
func (s *Session) commitServer() error {
	if s.server.loadErr != nil {
		return s.server.loadErr
	}
	cfg := s.m.cfg
	store := cfg.Store
	// The visitor may be gone; the save must still finish.
	ctx := context.WithoutCancel(s.req.Context())
	now := cfg.Now()
	had := s.server.key != ""
	empty := len(s.values) == 0 && len(s.flashes) == 0

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
			return s.setCookie(s.server.id, now, false)
		}
	}

	rec := Record{Data: appendBody(nil, s.state(now)), Expires: expires, Version: s.server.version}

	oldKey := ""
	if !had || s.renewed {
		id, err := newID()
		if err != nil {
			return err
		}
		oldKey = s.server.key
		s.server.id, s.server.key, rec.Version = id, StoreKey(id), 0
	}
	if err := store.Save(ctx, s.server.key, rec); err != nil {
		if !errors.Is(err, ErrConflict) || oldKey != "" || !had {
			return fmt.Errorf("session: saving to the store: %w", err)
		}
		// Another request of this visitor saved first: apply this
		// request's changes to what it saved.
		gone, err := s.replay(ctx, now)
		if err != nil || gone {
			return err
		}
		if s.permanent || s.permChanged {
			return s.setCookie(s.server.id, now, false)
		}
		return nil
	}
	if oldKey != "" {
		if err := store.Delete(ctx, oldKey); err != nil {
			return fmt.Errorf("session: deleting the renewed session's old record: %w", err)
		}
	}
	s.server.version = rec.Version + 1
	s.server.expires = expires
	if oldKey != "" || !had || s.permanent || s.permChanged {
		return s.setCookie(s.server.id, now, false)
	}
	return nil
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
			pause := time.Duration(rand.Int64N(int64(min(try, 10)) * int64(time.Millisecond)))
			select {
			case <-time.After(pause):
			case <-ctx.Done():
				return false, ctx.Err()
			}
		}
		rec, err := store.Load(ctx, s.server.key)
		if errors.Is(err, ErrNotFound) {
			s.m.cfg.Logger.InfoContext(ctx, "session: ended by another request (log-out or renewal) while this one ran; its changes are not saved")
			return true, nil
		}
		if err != nil {
			return false, fmt.Errorf("session: reloading after a conflict: %w", err)
		}
		st, err := parseBody(rec.Data)
		if err != nil {
			return false, fmt.Errorf("session: reloading after a conflict: %w", err)
		}
		if err := s.log.replay(st, s.permanent, s.permChanged); err != nil {
			return false, err
		}
		st.Issued = now
		expires := s.m.recordExpiry(st.Created, now)
		err = store.Save(ctx, s.server.key, Record{Data: appendBody(nil, st), Expires: expires, Version: rec.Version})
		if err == nil {
			s.values, s.flashes, s.permanent = st.Values, st.Flashes, st.Permanent
			clear(s.decoded)
			s.server.version, s.server.expires = rec.Version+1, expires
			return false, nil
		}
		if !errors.Is(err, ErrConflict) {
			return false, fmt.Errorf("session: saving to the store: %w", err)
		}
	}
	return false, fmt.Errorf("session: saving to the store: %w (still losing to other requests after %d tries)", ErrConflict, maxReplays)
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
