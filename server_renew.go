package session

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/websession/session/internal/retry"
	"github.com/websession/session/internal/state"
)

// renew moves the session to a new ID. The new record is saved first;
// then the old record is replaced, compare-and-set, by one that marks the old
// ID renewed for Config.RenewGrace (see loadRecord). If another request
// changed the old record meanwhile, this request's changes are applied to
// it and the new record saved again; if another request ended the session
// or renewed it first, the new record is deleted: that end wins.
func (s *Session) renew(ctx context.Context, st *state.State, expires, now time.Time) error {
	cfg := s.m.cfg
	store := cfg.Store
	id, err := state.NewID()
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
	err = retry.Conflicts(ctx, func() error {
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
		if err := s.log.Replay(cur, s.permanent, s.permChanged); err != nil {
			return err
		}
		cur.Issued = now
		cur.MovedTo, cur.Forward = "", false
		cur.Tokens = st.Tokens // the new record's, not the old one's
		expires = s.m.cfg.lifetime.Expiry(cur.Created, now)
		v, _, err := s.m.saveOnce(ctx, newKey, cur, newVersion, expires, now)
		if err != nil {
			return fmt.Errorf("session: saving the renewed session: %w", retry.NoConflict(err))
		}
		newVersion, st = v, cur
		s.adoptReplayed(cur)
		return ErrConflict // the old ID is still to be retired
	}, retry.Pause)
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
	s.values = st.ValueSet()
	s.flashes, s.permanent = st.Flashes, st.Permanent
	s.user, s.userRaw, s.signedIn, s.agent = st.User, st.UserRaw, st.SignedIn, st.Agent
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
	err = retry.Conflicts(ctx, func() error {
		st, version, ended, err := s.reload(ctx, latest)
		latest = nil
		if ended {
			s.m.cfg.Logger.InfoContext(ctx, "session: ended by another request (log-out or renewal) while this one ran; its changes are not saved")
			gone = true
			return nil
		}
		if err != nil {
			return err
		}
		if err := s.log.Replay(st, s.permanent, s.permChanged); err != nil {
			return err
		}
		st.Issued = now
		expires := s.m.cfg.lifetime.Expiry(st.Created, now)
		v, conflict, err := s.m.saveOnce(ctx, s.server.key, st, version, expires, now)
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
	}, retry.Pause)
	if errors.Is(err, ErrConflict) {
		return false, fmt.Errorf("session: saving to the store: %w", err)
	}
	return gone, err
}
