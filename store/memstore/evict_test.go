package memstore_test

import (
	"bytes"
	"errors"
	"log/slog"
	"strings"
	"testing"
	"time"

	session "github.com/websession/session"
	"github.com/websession/session/sessiontest"
	"github.com/websession/session/store/memstore"
)

// present reports which of keys the store still returns.
func present(t *testing.T, st *memstore.Store, keys map[string]string) map[string]bool {
	t.Helper()
	got := make(map[string]bool)
	for name, k := range keys {
		_, err := st.Load(t.Context(), k)
		switch {
		case err == nil:
			got[name] = true
		case !errors.Is(err, session.ErrNotFound):
			t.Fatalf("Load %s: %v", name, err)
		}
	}
	return got
}

// TestFullStoreEvictsTheLeastRecentlyUsedAnonymousSession: a store full of
// anonymous sessions still lets a new visitor in, and the one session that
// makes room is the one used longest ago, where a Load, a Save or a Touch
// counts as use.
func TestFullStoreEvictsTheLeastRecentlyUsedAnonymousSession(t *testing.T) {
	ctx := t.Context()
	st := memstore.New(memstore.WithMaxRecords(3), memstore.WithLogger(slog.New(slog.DiscardHandler)))
	hour := time.Now().Add(time.Hour)
	k := map[string]string{}
	save := func(name string) {
		t.Helper()
		if _, ok := k[name]; !ok {
			k[name] = sessiontest.Key(t)
		}
		r, err := st.Load(ctx, k[name])
		if err != nil && !errors.Is(err, session.ErrNotFound) {
			t.Fatal(err)
		}
		if err := st.Save(ctx, k[name], rec(name, r.Version, hour)); err != nil {
			t.Fatalf("Save %s: %v", name, err)
		}
	}
	check := func(when string, want ...string) {
		t.Helper()
		// Check with a fresh map lookup per key, then look at Len, so the
		// Loads of this check do not decide the next eviction.
		got := present(t, st, k)
		for _, name := range want {
			if !got[name] {
				t.Errorf("%s: session %s was evicted; the store holds %v", when, name, got)
			}
		}
		if len(got) != len(want) || st.Len() != len(want) {
			t.Errorf("%s: the store holds %v (Len %d), want exactly %v", when, got, st.Len(), want)
		}
	}

	save("a")
	save("b")
	save("c")
	if _, err := st.Load(ctx, k["a"]); err != nil { // a is now more recent than b and c
		t.Fatal(err)
	}
	save("d") // evicts b, the least recently used
	if got := present(t, st, map[string]string{"a": k["a"], "b": k["b"], "c": k["c"], "d": k["d"]}); got["b"] || !got["a"] || !got["c"] || !got["d"] {
		t.Fatalf("after a Load of a and a new d in a full store: the store holds %v, want a, c and d (b evicted)", got)
	}
	// present's Loads used a, c and d in map order: make the order known again.
	for _, name := range []string{"a", "c", "d"} {
		if _, err := st.Load(ctx, k[name]); err != nil {
			t.Fatal(err)
		}
	}
	if err := st.Touch(ctx, k["a"], hour); err != nil { // a is now the most recent
		t.Fatal(err)
	}
	delete(k, "b")
	save("e") // evicts c
	delete(k, "c")
	check("after a Touch of a and a new e", "a", "d", "e")
}

// TestFullStoreNeverEvictsSignedInSessions: sessions bound to a user stay,
// however long ago they were used, while anonymous ones make room; once
// every session is signed in, a new one is refused with ErrFull.
func TestFullStoreNeverEvictsSignedInSessions(t *testing.T) {
	ctx := t.Context()
	st := memstore.New(memstore.WithMaxRecords(3), memstore.WithLogger(slog.New(slog.DiscardHandler)))
	hour := time.Now().Add(time.Hour)
	alice, bob := sessiontest.Key(t), sessiontest.Key(t)
	if err := st.Save(ctx, alice, userRec("alice", 0, hour)); err != nil {
		t.Fatal(err)
	}
	if err := st.Save(ctx, bob, userRec("bob", 0, hour)); err != nil {
		t.Fatal(err)
	}
	var anon string
	for i := range 5 { // each new anonymous session evicts the one before
		prev := anon
		anon = sessiontest.Key(t)
		if err := st.Save(ctx, anon, rec("cart", 0, hour)); err != nil {
			t.Fatalf("anonymous Save %d in a full store: %v", i, err)
		}
		if prev == "" {
			continue
		}
		if _, err := st.Load(ctx, prev); !errors.Is(err, session.ErrNotFound) {
			t.Fatalf("anonymous Save %d: the previous anonymous session is still there (%v); a signed-in one was evicted instead", i, err)
		}
	}
	for user, key := range map[string]string{"alice": alice, "bob": bob} {
		recs, err := st.UserRecords(ctx, user)
		if err != nil || len(recs) != 1 || recs[key].User != user {
			t.Fatalf("UserRecords(%s) after evictions: %v, %v; want its one session", user, recs, err)
		}
	}

	// The anonymous session signs in: now nothing may be evicted.
	if err := st.Save(ctx, anon, userRec("carol", 1, hour)); err != nil {
		t.Fatal(err)
	}
	if err := st.Save(ctx, sessiontest.Key(t), rec("cart", 0, hour)); !errors.Is(err, memstore.ErrFull) {
		t.Fatalf("new Save in a store full of signed-in sessions: %v, want memstore.ErrFull", err)
	}
	// carol signs out (the record is unbound): it is anonymous again, so evictable.
	if err := st.Save(ctx, anon, rec("signed out", 2, hour)); err != nil {
		t.Fatal(err)
	}
	if err := st.Save(ctx, sessiontest.Key(t), rec("cart", 0, hour)); err != nil {
		t.Fatalf("new Save after a session signed out: %v", err)
	}
	if _, err := st.Load(ctx, anon); !errors.Is(err, session.ErrNotFound) {
		t.Fatalf("the signed-out session was not the one evicted: %v", err)
	}
	if st.Len() != 3 {
		t.Fatalf("Len = %d, want the cap, 3", st.Len())
	}
}

// TestIterateAndUserRecordsAfterEvictions: after many evictions, listing
// the store shows exactly the sessions Load finds, the user index shows
// every signed-in one, and the count stays at the cap.
func TestIterateAndUserRecordsAfterEvictions(t *testing.T) {
	ctx := t.Context()
	const max = 10
	st := memstore.New(memstore.WithMaxRecords(max), memstore.WithLogger(slog.New(slog.DiscardHandler)))
	hour := time.Now().Add(time.Hour)
	bound := map[string]string{} // key -> user
	for i := range 100 {
		key := sessiontest.Key(t)
		r := rec("cart", 0, hour)
		if i%7 == 0 && len(bound) < max-1 {
			r.User = []string{"alice", "bob"}[i%2]
			bound[key] = r.User
		}
		if err := st.Save(ctx, key, r); err != nil {
			t.Fatalf("Save %d: %v", i, err)
		}
	}
	if st.Len() != max {
		t.Fatalf("Len = %d after 100 saves, want the cap, %d", st.Len(), max)
	}
	listed := map[string]session.Record{}
	err := st.Iterate(ctx, func(key string, r session.Record) error {
		listed[key] = r
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(listed) != max {
		t.Errorf("Iterate listed %d sessions, want %d", len(listed), max)
	}
	for key, r := range listed {
		got, err := st.Load(ctx, key)
		if err != nil || got.User != r.User {
			t.Errorf("Iterate listed a session Load does not return as listed: %v, %v", got, err)
		}
	}
	byUser := map[string]int{}
	for key, user := range bound {
		if _, ok := listed[key]; !ok {
			t.Errorf("the signed-in session of %s was evicted", user)
		}
		byUser[user]++
	}
	for user, n := range byUser {
		recs, err := st.UserRecords(ctx, user)
		if err != nil || len(recs) != n {
			t.Errorf("UserRecords(%s) = %d records, %v; want %d", user, len(recs), err, n)
		}
	}
}

// TestEvictionsAreLoggedOnceNotPerSave: a flood that evicts on every save
// writes one warning, with the count, not a line per visitor, and the line
// holds no store key.
func TestEvictionsAreLoggedOnceNotPerSave(t *testing.T) {
	ctx := t.Context()
	var logs bytes.Buffer
	st := memstore.New(memstore.WithMaxRecords(2), memstore.WithLogger(slog.New(slog.NewTextHandler(&logs, nil))))
	hour := time.Now().Add(time.Hour)
	var keys []string
	for range 50 {
		key := sessiontest.Key(t)
		keys = append(keys, key)
		if err := st.Save(ctx, key, rec("flood", 0, hour)); err != nil {
			t.Fatal(err)
		}
	}
	lines := strings.Split(strings.TrimSpace(logs.String()), "\n")
	if len(lines) != 1 || !strings.Contains(lines[0], "level=WARN") || !strings.Contains(lines[0], "evicted=1 ") ||
		!strings.Contains(lines[0], "max_records=2") {
		t.Fatalf("48 evictions logged\n%s\nwant one WARN line counting the first eviction, with max_records=2", logs.String())
	}
	for _, key := range keys {
		if strings.Contains(logs.String(), key) {
			t.Fatal("the log shows a store key")
		}
	}
}
