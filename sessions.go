package session

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/websession/session/internal/state"
)

// SessionInfo describes one session for a "your devices" page or an
// operator's listing: its Handle (the store key, to pass to
// Manager.DestroySession), User, Created, SignedIn, LastSeen, Expires,
// Agent, Size and Renewed. It never holds the session ID.
type SessionInfo = state.Info

// Handle returns the name of a server-side session for Manager.Sessions and
// Manager.DestroySession: the hex SHA-256 of its ID. It is "" for cookie
// sessions and for a session not saved yet.
func (s *Session) Handle() string {
	s.lock()
	defer s.mu.Unlock()
	return s.server.key
}

// userIndex returns the store's UserIndex, or an error saying why the
// Manager cannot act on a user's server-side sessions.
func (m *Manager) userIndex() (UserIndex, error) {
	if m.cfg.Store == nil {
		return nil, fmt.Errorf("%w: cookie sessions cannot be listed or deleted from the server; set Config.Revocations to end them with DestroyUser", ErrNotSupported)
	}
	ix, ok := m.cfg.Store.(UserIndex)
	if !ok {
		return nil, fmt.Errorf("%w: the store %T keeps no user index (session.UserIndex); use one of the stores in store/", ErrNotSupported, m.cfg.Store)
	}
	return ix, nil
}

// Sessions lists the live server-side sessions bound to user, the most
// recently used first. It needs a Store that implements UserIndex; for
// cookie sessions it returns ErrNotSupported.
func (m *Manager) Sessions(ctx context.Context, user string) ([]SessionInfo, error) {
	ix, err := m.userIndex()
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
		info.LastSeen = m.lastSeen(info)
		infos = append(infos, info)
	}
	slices.SortFunc(infos, func(a, b SessionInfo) int {
		return cmp.Or(b.LastSeen.Compare(a.LastSeen), cmp.Compare(a.Handle, b.Handle))
	})
	return infos, nil
}

// lastSeen refines the last write time with the expiry: a read-only
// request that refreshed the session moved its expiry without rewriting it.
func (m *Manager) lastSeen(info SessionInfo) time.Time {
	cfg := m.cfg
	window := cfg.Lifetime
	if cfg.IdleTimeout > 0 {
		window = min(window, cfg.IdleTimeout)
	}
	touched := info.Expires.Add(-window)
	if touched.After(info.LastSeen) && !touched.After(cfg.Now()) {
		return touched
	}
	return info.LastSeen
}

// DestroySession ends one server-side session of user, named by its
// Handle (from Sessions). It returns ErrNotFound when handle is not a live
// session of user, so a page can let a user end only their own sessions.
func (m *Manager) DestroySession(ctx context.Context, user, handle string) error {
	ix, err := m.userIndex()
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
	if m.cfg.Store == nil {
		if m.cfg.Revocations == nil {
			return 0, fmt.Errorf("%w: cookie sessions can be revoked only when Config.Revocations is set", ErrNotSupported)
		}
		return 0, m.revokeBefore(ctx, user, m.cfg.Now())
	}
	ix, err := m.userIndex()
	if err != nil {
		return 0, err
	}
	n, err := ix.DeleteUser(ctx, user, "")
	if err != nil {
		return n, fmt.Errorf("session: deleting the sessions of a user: %w", err)
	}
	return n, nil
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
	m := s.m
	ctx, cancel := m.storeContext(s.req.Context())
	defer cancel()
	if m.cfg.Store == nil {
		if m.cfg.Revocations == nil {
			return 0, fmt.Errorf("%w: cookie sessions can be revoked only when Config.Revocations is set", ErrNotSupported)
		}
		now := m.cfg.Now()
		if err := m.revokeBefore(ctx, s.user, now); err != nil {
			return 0, err
		}
		// This session stays valid: it counts as signed in at the
		// revocation's exact time, which is not before it.
		s.signedIn = now
		s.modified = true
		return 0, nil
	}
	ix, err := m.userIndex()
	if err != nil {
		return 0, err
	}
	n, err := ix.DeleteUser(ctx, s.user, s.server.key)
	if err != nil {
		return n, fmt.Errorf("session: deleting the other sessions of a user: %w", err)
	}
	return n, nil
}
