// Package revocation keeps the record of a user's ended cookie sessions. A
// cookie cannot be deleted from the server, so ending a cookie session is
// recorded in Config.Revocations, in one record per user, read once on
// every request whose cookie belongs to a signed-in user:
//
//   - a "not valid before" time, written by Manager.DestroyUser and
//     Session.DestroyOthers: every cookie of the user signed in before it
//     gives an empty session;
//   - the sessions that ended one by one (log-out, renewal, a change of
//     user), by the random identifier each cookie session carries in its
//     authenticated body (state.State.ID): a cookie holding the identifier
//     gives an empty session from the time it ended, and until then (the
//     Config.RenewGrace of a renewal) works read-only.
//
// An ended session is remembered until the last cookie holding it could
// have expired, and the record is pruned each time it is written, so it
// stays small. Times are kept in nanoseconds and compared exactly.
package revocation

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"strconv"
	"time"
)

// Key is the store key of user's revocation record: a hash, so user names
// never become store keys and cannot collide with session keys (which hash
// 32 random bytes).
func Key(user string) string {
	sum := sha256.Sum256([]byte("session: not valid before\x00" + user))
	return hex.EncodeToString(sum[:])
}

// maxEnded bounds how many ended sessions a user's record lists. Past it,
// the oldest are folded into the "not valid before" time: a user who ended
// that many sessions within Lifetime may be signed out once on a device
// signed in before the oldest of them.
const maxEnded = 1024

// Record is a user's revocation record. Its data is this struct in JSON; a
// record holding only decimal digits is the format of versions before the
// first release: a "not valid before" time in Unix seconds.
type Record struct {
	// NotBefore is the "not valid before" time in Unix nanoseconds.
	NotBefore int64 `json:"nb,omitempty"`
	// Ended maps the identifier of a cookie session that ended to when
	// it stops working, until when it must be remembered and when it was
	// signed in, all in Unix nanoseconds.
	Ended map[string]ended `json:"ended,omitempty"`
}

// ended is one entry of Record.Ended: [from, until, signed in].
type ended [3]int64

// Parse decodes a stored revocation record.
func Parse(data []byte) (Record, error) {
	var r Record
	if n, err := strconv.ParseInt(string(data), 10, 64); err == nil && n > 0 {
		r.NotBefore = time.Unix(n, 0).UnixNano()
		return r, nil
	}
	if err := json.Unmarshal(data, &r); err != nil || r.NotBefore < 0 {
		return Record{}, errors.New("session: a revocation record in Config.Revocations cannot be decoded; delete it or the store's other data")
	}
	return r, nil
}

// Status is what a user's revocation record says of a cookie session.
type Status int

// What Record.Of says of a cookie session.
const (
	Valid    Status = iota // not ended: the cookie opens the session
	Revoked                // ended: the cookie gives an empty session
	Retiring               // renewed moments ago: works read-only until it ends
)

// Of says whether the cookie session with identifier id, signed in at
// signedIn, is still valid at now.
func (r *Record) Of(id string, signedIn, now time.Time) Status {
	if signedIn.UnixNano() < r.NotBefore {
		return Revoked
	}
	if e, ok := r.Ended[id]; ok && id != "" {
		if now.UnixNano() >= e[0] {
			return Revoked
		}
		return Retiring
	}
	return Valid
}

// RevokeBefore records that the user's cookie sessions signed in before at
// are no longer valid, unless a later time is recorded already. It reports
// whether the record changed.
func (r *Record) RevokeBefore(at time.Time) bool {
	if r.NotBefore >= at.UnixNano() {
		return false
	}
	r.NotBefore = at.UnixNano()
	return true
}

// Retire records that the cookie session with identifier id, signed in at
// signedIn, stops working at from and must be remembered until until. It
// reports whether the record changed.
func (r *Record) Retire(id string, signedIn, from, until time.Time) bool {
	if e, ok := r.Ended[id]; ok && e[0] <= from.UnixNano() {
		return false
	}
	if r.Ended == nil {
		r.Ended = make(map[string]ended)
	}
	r.Ended[id] = ended{from.UnixNano(), until.UnixNano(), signedIn.UnixNano()}
	return true
}

// Prune drops ended sessions no cookie can use any more at now, folds the
// oldest into NotBefore past maxEnded, and returns when the record can go:
// when the last cookie it rejects expires, cookies being accepted for
// lifetime after they are issued.
func (r *Record) Prune(now time.Time, lifetime time.Duration) time.Time {
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
	expires := time.Unix(0, r.NotBefore).Add(lifetime)
	for _, e := range r.Ended {
		if t := time.Unix(0, e[1]); t.After(expires) {
			expires = t
		}
	}
	return expires
}
