package session

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"time"
)

// Revocation of cookie sessions. A cookie cannot be deleted from the
// server, so Manager.DestroyUser records a per-user "not valid before" time
// in Config.Revocations, and a cookie of that user signed in earlier gives
// an empty session. The record's key is derived from the user name, so any
// Store can keep it; its data is the time in Unix seconds.

// revocationKey is the store key of user's "not valid before" record: a
// hash, so user names never become store keys and cannot collide with
// session keys (which hash 32 random bytes).
func revocationKey(user string) string {
	sum := sha256.Sum256([]byte("session: not valid before\x00" + user))
	return hex.EncodeToString(sum[:])
}

// revoke sets user's "not valid before" time to at, unless it is later
// already. The record outlives every cookie it can reject.
func (m *Manager) revoke(ctx context.Context, user string, at time.Time) error {
	store := m.cfg.Revocations
	key := revocationKey(user)
	expires := at.Add(m.cfg.Lifetime + maxClockSkew)
	for range maxReplays {
		var version uint64
		rec, err := store.Load(ctx, key)
		switch {
		case err == nil:
			version = rec.Version
			if prev, ok := parseNotBefore(rec.Data); ok && !prev.Before(at) {
				return nil
			}
		case !errors.Is(err, ErrNotFound):
			return fmt.Errorf("session: reading a revocation: %w", err)
		}
		data := strconv.AppendInt(nil, at.Unix(), 10)
		err = store.Save(ctx, key, Record{Data: data, Expires: expires, Version: version})
		if err == nil {
			return nil
		}
		if !errors.Is(err, ErrConflict) {
			return fmt.Errorf("session: saving a revocation: %w", err)
		}
	}
	return fmt.Errorf("session: saving a revocation: %w", ErrConflict)
}

// notBefore returns the time before which user's cookie sessions are no
// longer valid, or the zero time when there is none.
func (m *Manager) notBefore(ctx context.Context, user string) (time.Time, error) {
	rec, err := m.cfg.Revocations.Load(ctx, revocationKey(user))
	if errors.Is(err, ErrNotFound) {
		return time.Time{}, nil
	}
	if err != nil {
		return time.Time{}, fmt.Errorf("session: reading the user's revocation: %w", err)
	}
	t, ok := parseNotBefore(rec.Data)
	if !ok {
		return time.Time{}, errors.New("session: a revocation record in Config.Revocations cannot be decoded; delete it or the store's other data")
	}
	return t, nil
}

func parseNotBefore(data []byte) (time.Time, bool) {
	n, err := strconv.ParseInt(string(data), 10, 64)
	if err != nil || n <= 0 {
		return time.Time{}, false
	}
	return time.Unix(n, 0), true
}

// revoked reports whether a cookie session of user signed in at signedIn
// has been revoked. A store failure is returned, and the request fails
// closed: a revoked session must not slip through an outage.
func (s *Session) revoked(st *State) (bool, error) {
	if st.User == "" || s.m.cfg.Revocations == nil {
		return false, nil
	}
	nb, err := s.m.notBefore(s.req.Context(), st.User)
	if err != nil || nb.IsZero() {
		return false, err
	}
	return st.SignedIn.Unix() < nb.Unix(), nil
}
