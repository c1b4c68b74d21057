package session

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/websession/session/internal/retry"
	"github.com/websession/session/internal/state"
)

// Applier is implemented by stores that can apply a request's changes to
// the stored record themselves, atomically, in one step: the record is
// read, changed and written under the store's lock, in one transaction or
// in one server-side script. Requests of one visitor that set or delete
// keys then never conflict, however many run at once; only a change that
// read keys (Update) can find them changed, and runs again.
//
// A store without Applier is written with compare-and-set (Store.Save),
// and a request that loses a race loads the record again and retries.
type Applier interface {
	// Apply applies ch to the live record under key and returns the
	// record's new version (in Record.Version; the other fields may be
	// empty). When the record already carries ch.Token, the change was
	// applied before (a duplicated or retried call): Apply changes nothing
	// and succeeds with the current version.
	//
	// Apply returns ErrNotFound when no live record exists, and
	// ErrConflict together with the live record (Data, Expires, Version,
	// User) when ch cannot be applied to it: a key in ch.Expect no longer
	// holds the expected value, or the record was renewed or ended. It
	// changes nothing then.
	//
	// Stores keep ch.Expires as the record's new expiry and leave
	// Record.User as it is: a change never binds a user.
	Apply(ctx context.Context, key string, ch *Change) (Record, error)
}

// Change is one request's changes to a stored session, key by key, as an
// Applier applies them: the save token, the new expiry, the values set and
// deleted, the keys an Update read (Expect, or Recompute for stores that
// run Go under their lock), the flashes taken and added, and the
// permanence. Stores that run Go code under their lock call its Merge;
// others (a script in the database) follow the rules Merge documents.
type Change = state.Change

// KeyValue is one value a Change sets: the key and its encoding by the
// Manager's codec.
type KeyValue = state.KeyValue

// apply commits a loaded session's changes through the store's
// Applier: one call whatever other requests do meanwhile, except when an
// Update read a key that another request changed first; then the update
// runs again on the newer value, until the commit's time runs out.
func (s *Session) apply(ctx context.Context, a Applier, expires, now time.Time) error {
	var base map[string][]byte // the values Update functions start from
	if s.log.HasUpdates() && !s.log.Cleared {
		st, err := state.ParseBody(s.server.loaded)
		if err != nil {
			return fmt.Errorf("session: reading the loaded record: %w", err)
		}
		base = st.Values
	}
	// The record as this request last read it, for stores that write the
	// change merged into it while it is still the stored one.
	loaded, loadedVersion, parsed := s.server.loaded, s.server.version, s.server.parsed
	gone := false
	var release func() // leaves the session's commit queue
	defer func() {
		if release != nil {
			release()
		}
	}()
	try := func() error {
		ch, err := s.change1(base, expires, now)
		if err != nil {
			return err
		}
		ch.SetLoaded(loaded, loadedVersion, parsed)
		key := s.server.key
		var rec Record
		if s.m.join && ch.Joinable() {
			// Joined with the changes other requests of this session make
			// meanwhile, while one is being applied.
			applyOne := func(ctx context.Context, ch *Change) (Record, error) { return s.m.apply(ctx, a, key, ch) }
			rec, err = s.m.combiner.Do(ctx, key, ch, applyOne, s.m.background)
		} else {
			rec, err = s.m.apply(ctx, a, key, ch)
		}
		if err == nil {
			s.server.version, s.server.expires = rec.Version, expires
			return nil
		}
		if errors.Is(err, ErrNotFound) {
			gone = true
			return nil
		}
		if !errors.Is(err, ErrConflict) {
			return fmt.Errorf("session: saving to the store: %w", err)
		}
		// A key an Update read changed, or the session was renewed or
		// ended meanwhile: start again from the record as it is.
		st, _, ended, err := s.reload(ctx, &rec)
		if ended || err != nil {
			gone = ended
			return err
		}
		base = st.Values
		loaded, loadedVersion, parsed = nil, 0, nil
		if s.server.key == key { // rec, not a record a renewal forwarded to
			loaded, loadedVersion = rec.Data, rec.Version
		}
		return ErrConflict
	}
	// Lost to another commit: wait for this session's turn, then try again
	// at once; only conflicts with other processes, or with requests that
	// have not queued yet, pause before the next try.
	wait := func(ctx context.Context, tries int) (err error) {
		s.m.emit(s.req.Context(), Event{Kind: kindConflictRetried})
		if release == nil {
			release, err = s.m.queues.Acquire(ctx, s.server.key)
		} else if tries > 4 {
			err = retry.Pause(ctx, tries-4)
		}
		return err
	}
	if err := retry.Conflicts(ctx, try, wait); err != nil {
		return err
	}
	if gone {
		s.m.cfg.Logger.InfoContext(ctx, "session: ended by another request (log-out or renewal) while this one ran; its changes are not saved")
		return nil
	}
	if s.permanent || s.permChanged {
		return s.sendID(now)
	}
	return nil
}

// change1 builds one attempt's Change from the request's change log, with
// Update functions run on base.
func (s *Session) change1(base map[string][]byte, expires, now time.Time) (*Change, error) {
	tok, err := state.NewToken()
	if err != nil {
		return nil, err
	}
	ch := &Change{Token: tok, Now: now, Expires: expires, TokenAge: s.m.tokenAge(), TokensKept: state.MaxTokens}
	if s.permChanged {
		p := s.permanent
		ch.Permanent = &p
	}
	return s.log.Change(ch, base)
}
