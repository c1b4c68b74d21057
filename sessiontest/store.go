package sessiontest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	session "github.com/websession/session"
)

// expiryPrecision is how far the Expires returned by Load may be from the
// one given to Save: stores may keep expiry to the millisecond.
const expiryPrecision = time.Millisecond

// RunStore runs the Store conformance suite as subtests of t. newStore
// returns a fresh, empty store (or one isolated from every other call by a
// key prefix) for each subtest; it is called once per subtest, with that
// subtest's t, so it can register cleanup with t.Cleanup. Subtests run one
// after another.
//
// What the suite requires of a store:
//   - Load of a missing, deleted or expired record returns an error
//     wrapping session.ErrNotFound; an expired record is never returned by
//     Load or Iterate, even before it is swept.
//   - Save is compare-and-set on Record.Version as documented on
//     session.Store, atomic under concurrent writers (50 goroutines doing
//     load/modify/save on one key must all apply exactly once). An expired
//     record counts as absent: Version 0 replaces it, its old version
//     conflicts.
//   - Save of a record whose Expires is already past returns nil and stores
//     nothing that Load would return.
//   - Expires round-trips within 1 millisecond (a store may round or
//     truncate to the millisecond); the time zone need not be kept.
//   - Data is opaque bytes: every byte value, empty data and 64 KiB of data
//     round-trip exactly (empty data may come back as nil), and the store
//     keeps its own copy.
//   - Hostile keys (path traversal, empty, NUL, 1 MiB, SQL, uppercase hex)
//     either return an error (preferably session.ErrInvalidKey) or work as
//     ordinary distinct keys; they never panic or touch another record.
//   - A cancelled context makes Load, Save and Delete return an error (not
//     ErrNotFound, not a hang).
//   - The optional session.Toucher, session.Iterator and session.Sweeper,
//     when implemented, keep their documented contracts. DeleteExpired
//     reports how many expired records it removed: every record that
//     expired untouched, and at most every expired record (a store may drop
//     an expired record on its own when it is loaded or touched). Subtests
//     for a capability the store lacks, or for which it returns
//     session.ErrNotSupported, are skipped.
//   - A session.Applier, when implemented, on a record a Manager wrote:
//     Apply of a missing key returns session.ErrNotFound; a change applied
//     again (same token) changes nothing and succeeds; 32 goroutines
//     applying distinct keys at once all succeed, and every key is kept;
//     a change whose Expect fails returns session.ErrConflict with the
//     live record, so 32 writers incrementing a counter with Expect reach
//     exactly 32.
//   - A session.UserIndex, when implemented: Load returns Record.User;
//     UserRecords reports exactly the live records whose User is the user
//     named (byte for byte: no prefix or case folding), as they are now,
//     for any UTF-8 name up to 200 bytes; a save under another User or
//     none, Delete, a save with Expires past, and expiry take a record out
//     of its user's list, while Save and Touch keep it listed for as long
//     as it lives. DeleteUser deletes the user's live records but keep
//     and reports how many.
//
// The Expiry and UserExpiry subtests each sleep once, about 2.8 seconds;
// records they wait out live 2.5 seconds.
func RunStore(t *testing.T, newStore func(t *testing.T) session.Store) {
	t.Helper()
	tests := []struct {
		name string
		run  func(t *testing.T, st session.Store)
	}{
		{"LoadMissing", testLoadMissing},
		{"SaveNewThenLoad", testSaveNewThenLoad},
		{"SaveLoadedVersion", testSaveLoadedVersion},
		{"SaveStaleVersion", testSaveStaleVersion},
		{"SaveNewOverLive", testSaveNewOverLive},
		{"SaveVersionOnMissing", testSaveVersionOnMissing},
		{"SaveAlreadyExpired", testSaveAlreadyExpired},
		{"Delete", testDelete},
		{"DeleteMissing", testDeleteMissing},
		{"OpaqueData", testOpaqueData},
		{"DataIsCopied", testDataIsCopied},
		{"KeysIsolated", testKeysIsolated},
		{"ApplyMissing", testApplyMissing},
		{"ApplyDuplicate", testApplyDuplicate},
		{"ApplyConcurrentKeys", testApplyConcurrentKeys},
		{"ApplyExpect", testApplyExpect},
		{"HostileKeys", testHostileKeys},
		{"ConcurrentCAS", testConcurrentCAS},
		{"ConcurrentKeys", testConcurrentKeys},
		{"CancelledContext", testCancelledContext},
		{"Touch", testTouch},
		{"Iterate", testIterate},
		{"IterateStops", testIterateStops},
		{"DeleteExpiredKeepsLive", testDeleteExpiredKeepsLive},
		{"UserLoad", testUserLoad},
		{"UserRecords", testUserRecords},
		{"UserMove", testUserMove},
		{"UserDelete", testUserDelete},
		{"DeleteUserKeep", testDeleteUserKeep},
		{"DeleteUserAll", testDeleteUserAll},
		{"UserNames", testUserNames},
		{"UserConcurrentSaves", testUserConcurrentSaves},
		{"UserExpiry", testUserExpiry},
		{"Expiry", testExpiry},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tc.run(t, newStore(t))
		})
	}
}

// record returns a record with the given data that expires in an hour.
func record(data string, version uint64) session.Record {
	return session.Record{
		Data:    []byte(data),
		Expires: time.Now().Add(time.Hour).Round(0),
		Version: version,
	}
}

func mustSave(t *testing.T, st session.Store, key string, rec session.Record) {
	t.Helper()
	if err := st.Save(t.Context(), key, rec); err != nil {
		t.Fatalf("Save(version %d): %v", rec.Version, err)
	}
}

func mustLoad(t *testing.T, st session.Store, key string) session.Record {
	t.Helper()
	rec, err := st.Load(t.Context(), key)
	if err != nil {
		t.Fatalf("Load of a live record: %v", err)
	}
	return rec
}

// wantNotFound checks that Load reports no record under key.
func wantNotFound(t *testing.T, st session.Store, key, why string) {
	t.Helper()
	rec, err := st.Load(t.Context(), key)
	if !errors.Is(err, session.ErrNotFound) {
		t.Fatalf("Load %s: got (%d bytes, version %d, err %v), want session.ErrNotFound",
			why, len(rec.Data), rec.Version, err)
	}
}

// wantConflict checks that Save fails with ErrConflict.
func wantConflict(t *testing.T, st session.Store, key string, rec session.Record, why string) {
	t.Helper()
	err := st.Save(t.Context(), key, rec)
	if !errors.Is(err, session.ErrConflict) {
		t.Fatalf("Save %s (version %d): got %v, want session.ErrConflict", why, rec.Version, err)
	}
}

// wantRecord checks that got has want's data, expiry and the given version.
func wantRecord(t *testing.T, got, want session.Record, version uint64) {
	t.Helper()
	if !bytes.Equal(got.Data, want.Data) {
		t.Errorf("Load returned data %s, want %s", preview(got.Data), preview(want.Data))
	}
	wantExpires(t, got.Expires, want.Expires)
	if got.Version != version {
		t.Errorf("Load returned version %d, want %d", got.Version, version)
	}
}

func wantExpires(t *testing.T, got, want time.Time) {
	t.Helper()
	if d := got.Sub(want); d < -expiryPrecision || d > expiryPrecision {
		t.Errorf("Load returned Expires %v, want %v (within %v; off by %v)",
			got, want, expiryPrecision, d)
	}
}

// preview shows at most 32 bytes of data in failure messages.
func preview(b []byte) string {
	if len(b) <= 32 {
		return fmt.Sprintf("(%d bytes) %q", len(b), b)
	}
	return fmt.Sprintf("(%d bytes) %q...", len(b), b[:32])
}

// cancelled returns a context that is already cancelled.
func cancelled() context.Context {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	return ctx
}
