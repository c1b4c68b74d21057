package session

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/websession/session/internal/state"
)

// Revocation of cookie sessions. A cookie cannot be deleted from the
// server, so ending a cookie session is recorded in Config.Revocations, in
// one record per user, read once on every request whose cookie belongs to
// a signed-in user:
//
//   - a "not valid before" time, written by Manager.DestroyUser and
//     Session.DestroyOthers: every cookie of the user signed in before it
//     gives an empty session;
//   - the sessions that ended one by one (log-out, renewal, a change of
//     user), by the random identifier each cookie session carries in its
//     authenticated body (State.ID): a cookie holding the identifier gives
//     an empty session from the time it ended, and until then (the
//     Config.RenewGrace of a renewal) works read-only.
//
// An ended session is remembered until the last cookie holding it could
// have expired, and the record is pruned each time it is written, so it
// stays small. Times are kept in nanoseconds and compared exactly.

// revocationKey is the store key of user's revocation record: a hash, so
// user names never become store keys and cannot collide with session keys
// (which hash 32 random bytes).
func revocationKey(user string) string {
	sum := sha256.Sum256([]byte("session: not valid before\x00" + user))
	return hex.EncodeToString(sum[:])
}

// maxEnded bounds how many ended sessions a user's record lists. Past it,
// the oldest are folded into the "not valid before" time: a user who ended
// that many sessions within Lifetime may be signed out once on a device
// signed in before the oldest of them.
const maxEnded = 1024

// revocations is a user's revocation record. Its data is this struct in
// JSON; a record holding only decimal digits is the format of versions
// before the first release: a "not valid before" time in Unix seconds.
type revocations struct {
	// NotBefore is the "not valid before" time in Unix nanoseconds.
	NotBefore int64 `json:"nb,omitempty"`
	// Ended maps the identifier of a cookie session that ended to when
	// it stops working, until when it must be remembered and when it was
	// signed in, all in Unix nanoseconds.
	Ended map[string]endedSession `json:"ended,omitempty"`
}

// endedSession is one entry of revocations.Ended: [from, until, signed in].
type endedSession [3]int64

func parseRevocations(data []byte) (revocations, error) {
	var r revocations
	if n, err := strconv.ParseInt(string(data), 10, 64); err == nil && n > 0 {
		r.NotBefore = time.Unix(n, 0).UnixNano()
		return r, nil
	}
	if err := json.Unmarshal(data, &r); err != nil || r.NotBefore < 0 {
		return revocations{}, errors.New("session: a revocation record in Config.Revocations cannot be decoded; delete it or the store's other data")
	}
	return r, nil
}

// revocationStatus is what the user's revocation record says of a cookie
// session.
type revocationStatus int

const (
	notRevoked revocationStatus = iota
	revoked                     // ended: the cookie gives an empty session
	retiring                    // renewed moments ago: works read-only until it ends
)

// revocationOf reads the user's revocation record and says whether the
// cookie session st, opened at now, is still valid. A store failure is
// returned, and the request fails closed: a revoked session must not slip
// through an outage.
func (m *Manager) revocationOf(ctx context.Context, st *state.State, now time.Time) (revocationStatus, error) {
	if st.User == "" || m.cfg.Revocations == nil {
		return notRevoked, nil
	}
	rec, err := m.load(ctx, m.cfg.Revocations, revocationKey(st.User))
	if errors.Is(err, ErrNotFound) {
		return notRevoked, nil
	}
	if err != nil {
		return notRevoked, fmt.Errorf("session: reading the user's revocations: %w", err)
	}
	r, err := parseRevocations(rec.Data)
	if err != nil {
		return notRevoked, err
	}
	if st.SignedIn.UnixNano() < r.NotBefore {
		return revoked, nil
	}
	if e, ok := r.Ended[st.ID]; ok && st.ID != "" {
		if now.UnixNano() >= e[0] {
			return revoked, nil
		}
		return retiring, nil
	}
	return notRevoked, nil
}

// revokeBefore records that user's cookie sessions signed in before at
// are no longer valid, unless a later time is recorded already.
func (m *Manager) revokeBefore(ctx context.Context, user string, at time.Time) error {
	return m.updateRevocations(ctx, user, at, func(r *revocations) bool {
		if r.NotBefore >= at.UnixNano() {
			return false
		}
		r.NotBefore = at.UnixNano()
		return true
	})
}

// retire records that the cookie session with identifier id, bound to
// user and signed in at signedIn, stops working at from (now for a
// log-out, after RenewGrace for a renewal).
func (m *Manager) retire(ctx context.Context, user, id string, signedIn, from, now time.Time) error {
	until := now.Add(m.cfg.Lifetime + maxClockSkew) // when its last cookie expires
	return m.updateRevocations(ctx, user, now, func(r *revocations) bool {
		if e, ok := r.Ended[id]; ok && e[0] <= from.UnixNano() {
			return false
		}
		if r.Ended == nil {
			r.Ended = make(map[string]endedSession)
		}
		r.Ended[id] = endedSession{from.UnixNano(), until.UnixNano(), signedIn.UnixNano()}
		return true
	})
}

// updateRevocations applies change to user's revocation record with
// compare-and-set, pruning entries no cookie can use any more. change
// reports whether it changed anything; if not, nothing is written.
func (m *Manager) updateRevocations(ctx context.Context, user string, now time.Time, change func(*revocations) bool) error {
	store := m.cfg.Revocations
	key := revocationKey(user)
	return retryConflicts(ctx, func() error {
		var r revocations
		var version uint64
		rec, err := m.load(ctx, store, key)
		switch {
		case err == nil:
			version = rec.Version
			if r, err = parseRevocations(rec.Data); err != nil {
				return err
			}
		case !errors.Is(err, ErrNotFound):
			return fmt.Errorf("session: reading a revocation: %w", err)
		}
		if !change(&r) {
			return nil
		}
		expires := m.pruneRevocations(&r, now)
		data, err := json.Marshal(r)
		if err != nil {
			return fmt.Errorf("session: encoding a revocation: %w", err)
		}
		err = m.save(ctx, store, key, Record{Data: data, Expires: expires, Version: version})
		if err != nil && !errors.Is(err, ErrConflict) {
			return fmt.Errorf("session: saving a revocation: %w", err)
		}
		return err
	})
}

// pruneRevocations drops ended sessions no cookie can use any more, folds
// the oldest into NotBefore past maxEnded, and returns when the record can
// go: when the last cookie it rejects expires.
func (m *Manager) pruneRevocations(r *revocations, now time.Time) time.Time {
	for id, e := range r.Ended {
		if e[1] <= now.UnixNano() || e[2] < r.NotBefore { // expired, or ended by NotBefore anyway
			delete(r.Ended, id)
		}
	}
	for len(r.Ended) > maxEnded {
		var oldest string
		for id, e := range r.Ended {
			if oldest == "" || e[2] < r.Ended[oldest][2] || (e[2] == r.Ended[oldest][2] && id < oldest) {
				oldest = id
			}
		}
		r.NotBefore = max(r.NotBefore, r.Ended[oldest][2]+1)
		delete(r.Ended, oldest)
	}
	expires := time.Unix(0, r.NotBefore).Add(m.cfg.Lifetime + maxClockSkew)
	for _, e := range r.Ended {
		if t := time.Unix(0, e[1]); t.After(expires) {
			expires = t
		}
	}
	return expires
}
