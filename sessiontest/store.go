package sessiontest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	session "github.com/websession/session"
	"github.com/websession/session/internal/testkit"
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
//     again (same token) changes nothing and succeeds; a Change.Set in
//     any order, a key repeated, leaves each key its last value (read it
//     through Change.SortedSet, or let Change.Merge do it); 32 goroutines
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
// The Expiry and UserExpiry subtests each wait once for records to
// expire. RunStore waits in real time: the records live 40 times as long
// as a Save, Load and Delete take, at least 0.5 and at most 2.5 seconds,
// and the subtests then wait until Load no longer returns one of them, for
// at most 0.3 seconds past its Expires (for a store whose clock runs
// behind). A store that decides expiry with a clock its test can set
// should run RunStoreWithClock instead, which does not wait.
func RunStore(t *testing.T, newStore func(t *testing.T) session.Store) {
	t.Helper()
	runStore(t, func(t *testing.T) (session.Store, clock) { return newStore(t), clock{} })
}

// RunStoreWithClock is RunStore for a store that reads the time from a
// function its test sets, as memstore.WithNow, filestore.WithNow and
// sqlstore.WithNow do. newStore returns a fresh store, as for RunStore,
// that decides which records have expired by now alone. now starts at the
// current time, to the second, and stands still unless the suite moves
// it: the Expiry and UserExpiry subtests move it past the Expires of the
// records they wait out instead of sleeping. Every subtest has a clock of
// its own.
//
// Use it only for a store whose every expiry decision reads now: one that
// asks a database or Redis for the time must run RunStore.
func RunStoreWithClock(t *testing.T, newStore func(t *testing.T, now func() time.Time) session.Store) {
	t.Helper()
	runStore(t, func(t *testing.T) (session.Store, clock) {
		c := clock{fake: testkit.NewClock()}
		return newStore(t, c.fake.Now), c
	})
}

// runStore runs the suite on the stores newStore returns, each with the
// clock it reads.
func runStore(t *testing.T, newStore func(t *testing.T) (session.Store, clock)) {
	t.Helper()
	tests := []struct {
		name string
		run  func(t *testing.T, st session.Store, c clock)
	}{
		{"LoadMissing", anyClock(testLoadMissing)},
		{"SaveNewThenLoad", anyClock(testSaveNewThenLoad)},
		{"SaveLoadedVersion", anyClock(testSaveLoadedVersion)},
		{"SaveStaleVersion", anyClock(testSaveStaleVersion)},
		{"SaveNewOverLive", anyClock(testSaveNewOverLive)},
		{"SaveVersionOnMissing", anyClock(testSaveVersionOnMissing)},
		{"SaveAlreadyExpired", anyClock(testSaveAlreadyExpired)},
		{"Delete", anyClock(testDelete)},
		{"DeleteMissing", anyClock(testDeleteMissing)},
		{"OpaqueData", anyClock(testOpaqueData)},
		{"DataIsCopied", anyClock(testDataIsCopied)},
		{"KeysIsolated", anyClock(testKeysIsolated)},
		{"ApplyMissing", anyClock(testApplyMissing)},
		{"ApplyDuplicate", anyClock(testApplyDuplicate)},
		{"ApplySetInAnyOrder", anyClock(testApplySetInAnyOrder)},
		{"ApplyConcurrentKeys", anyClock(testApplyConcurrentKeys)},
		{"ApplyExpect", anyClock(testApplyExpect)},
		{"HostileKeys", anyClock(testHostileKeys)},
		{"ConcurrentCAS", anyClock(testConcurrentCAS)},
		{"ConcurrentKeys", anyClock(testConcurrentKeys)},
		{"CancelledContext", anyClock(testCancelledContext)},
		{"Touch", anyClock(testTouch)},
		{"Iterate", anyClock(testIterate)},
		{"IterateStops", anyClock(testIterateStops)},
		{"DeleteExpiredKeepsLive", anyClock(testDeleteExpiredKeepsLive)},
		{"UserLoad", anyClock(testUserLoad)},
		{"UserRecords", anyClock(testUserRecords)},
		{"UserMove", anyClock(testUserMove)},
		{"UserDelete", anyClock(testUserDelete)},
		{"DeleteUserKeep", anyClock(testDeleteUserKeep)},
		{"DeleteUserAll", anyClock(testDeleteUserAll)},
		{"UserNames", anyClock(testUserNames)},
		{"UserConcurrentSaves", anyClock(testUserConcurrentSaves)},
		{"UserExpiry", testUserExpiry},
		{"Expiry", testExpiry},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			st, c := newStore(t)
			tc.run(t, st, c)
		})
	}
}

// anyClock adapts a subtest that waits for nothing to the suite's table.
func anyClock(run func(t *testing.T, st session.Store)) func(t *testing.T, st session.Store, c clock) {
	return func(t *testing.T, st session.Store, _ clock) { run(t, st) }
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
