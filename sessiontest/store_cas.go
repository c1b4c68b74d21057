package sessiontest

import (
	"fmt"
	"testing"
	"time"

	session "github.com/websession/session"
)

// The subtests in this file check Load, Save and Delete on one key: the
// compare-and-set rules of session.Store.

func testLoadMissing(t *testing.T, st session.Store) {
	wantNotFound(t, st, Key(t), "of a key never saved")
}

func testSaveNewThenLoad(t *testing.T, st session.Store) {
	key := Key(t)
	rec := record("hello", 0)
	// A fraction of a second far from zero, so a store that keeps whole
	// seconds is off by more than expiryPrecision whenever the test runs.
	rec.Expires = time.Now().Add(time.Hour).Round(0).Truncate(time.Second).Add(123456789 * time.Nanosecond)
	mustSave(t, st, key, rec)
	wantRecord(t, mustLoad(t, st, key), rec, 1)
}

func testSaveLoadedVersion(t *testing.T, st session.Store) {
	key := Key(t)
	mustSave(t, st, key, record("one", 0))
	for want := uint64(2); want <= 4; want++ {
		rec := mustLoad(t, st, key)
		next := record(fmt.Sprintf("value %d", want), rec.Version)
		mustSave(t, st, key, next)
		wantRecord(t, mustLoad(t, st, key), next, want)
	}
}

func testSaveStaleVersion(t *testing.T, st session.Store) {
	key := Key(t)
	mustSave(t, st, key, record("one", 0))
	two := record("two", 1)
	mustSave(t, st, key, two)

	stale := record("stale", 1)
	stale.Expires = two.Expires.Add(time.Hour)
	wantConflict(t, st, key, stale, "with the version loaded before another save")
	ahead := record("ahead", 7)
	wantConflict(t, st, key, ahead, "with a version the store never had")
	wantRecord(t, mustLoad(t, st, key), two, 2)
}

func testSaveNewOverLive(t *testing.T, st session.Store) {
	key := Key(t)
	first := record("first", 0)
	mustSave(t, st, key, first)
	wantConflict(t, st, key, record("second", 0), "of a new record (version 0) over a live one")
	wantRecord(t, mustLoad(t, st, key), first, 1)
}

func testSaveVersionOnMissing(t *testing.T, st session.Store) {
	key := Key(t)
	wantConflict(t, st, key, record("ghost", 1), "with version 1 where no record exists")
	wantNotFound(t, st, key, "after a conflicting save")
}

func testSaveAlreadyExpired(t *testing.T, st session.Store) {
	past := time.Now().Add(-time.Minute)
	t.Run("New", func(t *testing.T) {
		key := Key(t)
		rec := record("dead on arrival", 0)
		rec.Expires = past
		mustSave(t, st, key, rec)
		wantNotFound(t, st, key, "of a record saved with Expires in the past")
		mustSave(t, st, key, record("alive", 0))
		if got := mustLoad(t, st, key); got.Version != 1 {
			t.Errorf("version after saving over an already-expired record = %d, want 1", got.Version)
		}
	})
	t.Run("OverLive", func(t *testing.T) {
		key := Key(t)
		mustSave(t, st, key, record("alive", 0))
		rec := record("expire now", 1)
		rec.Expires = past
		mustSave(t, st, key, rec)
		wantNotFound(t, st, key, "after saving the record with Expires in the past")
	})
}

func testDelete(t *testing.T, st session.Store) {
	key := Key(t)
	mustSave(t, st, key, record("doomed", 0))
	if err := st.Delete(t.Context(), key); err != nil {
		t.Fatalf("Delete of a live record: %v", err)
	}
	wantNotFound(t, st, key, "after Delete")
	wantConflict(t, st, key, record("resurrected", 1), "with the deleted record's version")
	again := record("again", 0)
	mustSave(t, st, key, again)
	wantRecord(t, mustLoad(t, st, key), again, 1)
}

func testDeleteMissing(t *testing.T, st session.Store) {
	key := Key(t)
	if err := st.Delete(t.Context(), key); err != nil {
		t.Fatalf("Delete of a key never saved: %v, want nil", err)
	}
	mustSave(t, st, key, record("x", 0))
	if err := st.Delete(t.Context(), key); err != nil {
		t.Fatalf("Delete: %v", err)
	}
	if err := st.Delete(t.Context(), key); err != nil {
		t.Fatalf("second Delete of the same key: %v, want nil", err)
	}
}
