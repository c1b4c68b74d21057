package session

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/websession/session/internal/state"
)

// commit saves a server-side session: a new record, a compare-and-set
// update, a renewal to a new ID, a deletion, or only a longer expiry.
func (b *storeSessions) commit(s *Session) error {
	cfg := b.m.cfg
	now := cfg.Now()
	ctx := s.m.bound(&s.commitCtx, s.req.Context(), true, now)
	defer ctx.Stop()
	if s.server.readOnly {
		if s.modified {
			cfg.Logger.InfoContext(ctx, "session: the session ID of this request was renewed at a change of user while it ran; its changes are not saved")
		}
		return nil
	}
	store := cfg.Store
	had := s.server.key != ""
	empty := s.empty()

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

	expires := s.m.cfg.lifetime.Expiry(s.created, now)
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

	if a, ok := store.(Applier); ok && had && s.modified && !s.renewed && s.log.User == nil {
		return s.apply(ctx, a, expires, now)
	}
	st := s.state(now)
	st.Tokens = s.server.tokens
	if had && s.renewed {
		return s.renew(ctx, st, expires, now)
	}
	version := s.server.version
	if !had {
		id, err := state.NewID()
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
	tok, err := state.NewToken()
	if err != nil {
		return 0, nil, err
	}
	st.Tokens = st.Tokens.Stamp(tok, now, m.tokenAge(), state.MaxTokens)
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
	if state.HasToken(latest.Data, tok) {
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

// needsRefresh reports whether a read-only request should extend the
// record's expiry to exp: when the session is refreshed at all
// (permanent, or with an IdleTimeout), and then only now and then.
func (s *Session) needsRefresh(now, exp time.Time) bool {
	cfg := s.m.cfg
	if !(s.permanent && cfg.refresh) && cfg.IdleTimeout == 0 {
		return false
	}
	return state.RefreshDue(s.server.expires, exp, now)
}
