package sessiontest

import (
	"crypto/rand"
	"errors"
	"strings"
	"testing"
	"time"

	session "github.com/websession/session"
)

// The subtests in this file check that data is opaque and that keys never
// leak into one another.

func testOpaqueData(t *testing.T, st session.Store) {
	all := make([]byte, 256)
	for i := range all {
		all[i] = byte(i)
	}
	big := make([]byte, 64<<10)
	rand.Read(big)
	for _, tc := range []struct {
		name string
		data []byte
	}{
		{"AllByteValues", all},
		{"Empty", []byte{}},
		{"Nil", nil},
		{"64KiB", big},
		{"InvalidUTF8AndNUL", []byte("\xff\xfe\x00\x00'\"\\%_\r\n")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			key := Key(t)
			rec := record("", 0)
			rec.Data = tc.data
			mustSave(t, st, key, rec)
			got := mustLoad(t, st, key)
			wantRecord(t, got, rec, 1)
			// Save the data back unchanged: a store must accept what it returned.
			got.Expires = rec.Expires
			mustSave(t, st, key, got)
			wantRecord(t, mustLoad(t, st, key), rec, 2)
		})
	}
}

func testDataIsCopied(t *testing.T, st session.Store) {
	key := Key(t)
	data := []byte("original")
	rec := record("", 0)
	rec.Data = data
	mustSave(t, st, key, rec)
	copy(data, "MUTATED!")

	got := mustLoad(t, st, key)
	if string(got.Data) != "original" {
		t.Fatalf("after the caller changed the slice it saved, Load returned %q, want %q", got.Data, "original")
	}
	copy(got.Data, "MUTATED!")
	if again := mustLoad(t, st, key); string(again.Data) != "original" {
		t.Fatalf("after the caller changed the slice Load returned, Load returned %q, want %q", again.Data, "original")
	}
}

func testKeysIsolated(t *testing.T, st session.Store) {
	a, b := Key(t), Key(t)
	recA, recB := record("data of a", 0), record("data of b", 0)
	recB.Expires = recB.Expires.Add(time.Minute)
	mustSave(t, st, a, recA)
	mustSave(t, st, b, recB)
	wantRecord(t, mustLoad(t, st, a), recA, 1)
	wantRecord(t, mustLoad(t, st, b), recB, 1)

	updA := record("a again", 1)
	mustSave(t, st, a, updA)
	wantRecord(t, mustLoad(t, st, b), recB, 1)

	if err := st.Delete(t.Context(), a); err != nil {
		t.Fatalf("Delete: %v", err)
	}
	wantNotFound(t, st, a, "after Delete")
	wantRecord(t, mustLoad(t, st, b), recB, 1)
}

// testHostileKeys feeds keys the Manager never produces. The store may
// refuse them with an error or treat them as ordinary keys; it must never
// panic, and never read, change or delete the record under another key.
func testHostileKeys(t *testing.T, st session.Store) {
	victim := Key(t)
	victimRec := record("victim", 0)
	mustSave(t, st, victim, victimRec)

	for _, tc := range []struct{ name, key string }{
		{"PathTraversal", "../" + victim},
		{"PathTraversalShort", "../x"},
		{"AbsolutePath", "/etc/passwd"},
		{"Empty", ""},
		{"NUL", "a\x00b"},
		{"NULAfterVictim", victim + "\x00"},
		{"OneMiB", strings.Repeat("a", 1<<20)},
		{"SQL", "'; DROP TABLE x; --"},
		{"SQLWildcard", "%"},
		{"Glob", "*"},
		{"UppercaseHexOfVictim", strings.ToUpper(victim)},
		{"VictimWithSpace", victim + " "},
		{"Newline", "a\nb"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if rec, err := st.Load(t.Context(), tc.key); err == nil {
				t.Fatalf("Load of a hostile key never saved returned a record (%s)", preview(rec.Data))
			}
			mine := record("hostile", 0)
			saveErr := st.Save(t.Context(), tc.key, mine)
			got, loadErr := st.Load(t.Context(), tc.key)
			switch {
			case saveErr != nil && loadErr == nil:
				t.Errorf("Save refused the key (%v) but Load then returned a record (%s)", saveErr, preview(got.Data))
			case saveErr == nil && loadErr != nil:
				t.Errorf("Save accepted the key but Load failed: %v", loadErr)
			case saveErr == nil:
				wantRecord(t, got, mine, 1)
			}
			if saveErr != nil && !errors.Is(saveErr, session.ErrInvalidKey) {
				t.Logf("Save refused the key with %v (session.ErrInvalidKey is preferred)", saveErr)
			}
			if tt, ok := st.(session.Toucher); ok {
				_ = tt.Touch(t.Context(), tc.key, victimRec.Expires.Add(-30*time.Minute))
			}
			_ = st.Delete(t.Context(), tc.key)
			if saveErr == nil {
				wantNotFound(t, st, tc.key, "of a hostile key after Delete")
			}
			wantRecord(t, mustLoad(t, st, victim), victimRec, 1)
		})
	}
}
