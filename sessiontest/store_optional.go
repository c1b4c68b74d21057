package sessiontest

import (
	"errors"
	"fmt"
	"testing"
	"time"

	session "github.com/websession/session"
)

// The subtests in this file check the optional capabilities: Toucher,
// Iterator and Sweeper. Their expiry behaviour is checked in store_expiry.go.

// capability returns st as the optional interface C, or skips the test
// when the store does not implement it.
func capability[C any](t *testing.T, st session.Store, name string) C {
	t.Helper()
	c, ok := st.(C)
	if !ok {
		t.Skipf("the store does not implement session.%s", name)
	}
	return c
}

// skipUnsupported skips the test when err says the capability is missing.
func skipUnsupported(t *testing.T, err error, what string) {
	t.Helper()
	if errors.Is(err, session.ErrNotSupported) {
		t.Skipf("%s: %v", what, err)
	}
}

func testTouch(t *testing.T, st session.Store) {
	tt := capability[session.Toucher](t, st, "Toucher")
	key := Key(t)
	rec := record("touch me", 0)
	mustSave(t, st, key, rec)

	later := rec.Expires.Add(90 * time.Minute)
	err := tt.Touch(t.Context(), key, later)
	skipUnsupported(t, err, "Touch")
	if err != nil {
		t.Fatalf("Touch of a live record: %v", err)
	}
	want := rec
	want.Expires = later
	wantRecord(t, mustLoad(t, st, key), want, 1)

	// Touch does not bump the version: the loaded version still saves.
	next := record("after touch", 1)
	mustSave(t, st, key, next)
	wantRecord(t, mustLoad(t, st, key), next, 2)

	missing := Key(t)
	if err := tt.Touch(t.Context(), missing, later); !errors.Is(err, session.ErrNotFound) {
		t.Errorf("Touch of a key never saved: %v, want session.ErrNotFound", err)
	}
	wantNotFound(t, st, missing, "after Touch of a missing key")
}

// iterate collects every record Iterate yields, failing on duplicates.
func iterate(t *testing.T, it session.Iterator) map[string]session.Record {
	t.Helper()
	got := make(map[string]session.Record)
	err := it.Iterate(t.Context(), func(key string, rec session.Record) error {
		if _, dup := got[key]; dup {
			return fmt.Errorf("key %.8s… yielded twice", key)
		}
		got[key] = rec
		return nil
	})
	skipUnsupported(t, err, "Iterate")
	if err != nil {
		t.Fatalf("Iterate: %v", err)
	}
	return got
}

// wantIterated checks that Iterate yielded exactly the records in want,
// each at the given version.
func wantIterated(t *testing.T, got map[string]session.Record, want map[string]session.Record, version uint64) {
	t.Helper()
	for key, rec := range got {
		w, ok := want[key]
		if !ok {
			t.Errorf("Iterate yielded key %.8s… (%s) that is not a live record of this store", key, preview(rec.Data))
			continue
		}
		wantRecord(t, rec, w, version)
	}
	for key := range want {
		if _, ok := got[key]; !ok {
			t.Errorf("Iterate did not yield live record %.8s…", key)
		}
	}
}

func testIterate(t *testing.T, st session.Store) {
	it := capability[session.Iterator](t, st, "Iterator")
	if got := iterate(t, it); len(got) != 0 {
		t.Fatalf("Iterate on a fresh store yielded %d records, want none", len(got))
	}
	want := make(map[string]session.Record)
	for i := range 5 {
		key := Key(t)
		rec := record(fmt.Sprintf("record %d", i), 0)
		rec.Expires = rec.Expires.Add(time.Duration(i) * time.Minute)
		mustSave(t, st, key, rec)
		want[key] = rec
	}
	gone := Key(t)
	mustSave(t, st, gone, record("deleted", 0))
	if err := st.Delete(t.Context(), gone); err != nil {
		t.Fatalf("Delete: %v", err)
	}
	wantIterated(t, iterate(t, it), want, 1)
}

func testIterateStops(t *testing.T, st session.Store) {
	it := capability[session.Iterator](t, st, "Iterator")
	for i := range 3 {
		mustSave(t, st, Key(t), record(fmt.Sprint(i), 0))
	}
	stop := errors.New("stop here")
	calls := 0
	err := it.Iterate(t.Context(), func(string, session.Record) error {
		calls++
		return stop
	})
	skipUnsupported(t, err, "Iterate")
	if !errors.Is(err, stop) {
		t.Errorf("Iterate returned %v, want the error the callback returned", err)
	}
	if calls != 1 {
		t.Errorf("Iterate called the callback %d times after it returned an error, want 1", calls)
	}
}

func testDeleteExpiredKeepsLive(t *testing.T, st session.Store) {
	sw := capability[session.Sweeper](t, st, "Sweeper")
	keys := []string{Key(t), Key(t)}
	for _, key := range keys {
		mustSave(t, st, key, record("live", 0))
	}
	n, err := sw.DeleteExpired(t.Context())
	skipUnsupported(t, err, "DeleteExpired")
	if err != nil {
		t.Fatalf("DeleteExpired: %v", err)
	}
	if n != 0 {
		t.Errorf("DeleteExpired with only live records reported %d deleted, want 0", n)
	}
	for _, key := range keys {
		mustLoad(t, st, key)
	}
}
