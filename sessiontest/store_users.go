package sessiontest

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	session "github.com/websession/session"
)

// The subtests in this file check the optional session.UserIndex: Load
// returns Record.User, and UserRecords and DeleteUser see exactly the live
// records bound to a user, however they were saved, moved, deleted or
// left to expire.

// userRecord returns a record bound to user that expires in an hour.
func userRecord(data, user string, version uint64) session.Record {
	rec := record(data, version)
	rec.User = user
	return rec
}

// saveUser saves a new record bound to user under a fresh key and returns
// the key and the record as the store now holds it (version 1).
func saveUser(t *testing.T, st session.Store, user, data string) (string, session.Record) {
	t.Helper()
	key := Key(t)
	rec := userRecord(data, user, 0)
	mustSave(t, st, key, rec)
	rec.Version = 1
	return key, rec
}

// userRecords returns what UserRecords reports for user.
func userRecords(t *testing.T, ix session.UserIndex, user string) map[string]session.Record {
	t.Helper()
	got, err := ix.UserRecords(t.Context(), user)
	skipUnsupported(t, err, "UserRecords")
	if err != nil {
		t.Fatalf("UserRecords(%q): %v", user, err)
	}
	return got
}

// wantUserRecords checks that UserRecords(user) reports exactly the records
// in want, each with its data, expiry, User and the version in its Version
// field.
func wantUserRecords(t *testing.T, ix session.UserIndex, user string, want map[string]session.Record) {
	t.Helper()
	got := userRecords(t, ix, user)
	for key, rec := range got {
		w, ok := want[key]
		if !ok {
			t.Errorf("UserRecords(%q) reported key %.8s… (%s, User %q), which is not a live record of that user",
				user, key, preview(rec.Data), rec.User)
			continue
		}
		wantRecord(t, rec, w, w.Version)
		if rec.User != user {
			t.Errorf("UserRecords(%q) reported a record with User %q", user, rec.User)
		}
	}
	for key, w := range want {
		if _, ok := got[key]; !ok {
			t.Errorf("UserRecords(%q) did not report live record %.8s… (%s) bound to that user", user, key, preview(w.Data))
		}
	}
}

// deleteUser calls DeleteUser and checks the count it reports.
func deleteUser(t *testing.T, ix session.UserIndex, user, keep string, want int) {
	t.Helper()
	n, err := ix.DeleteUser(t.Context(), user, keep)
	skipUnsupported(t, err, "DeleteUser")
	if err != nil {
		t.Fatalf("DeleteUser(%q): %v", user, err)
	}
	if n != want {
		t.Errorf("DeleteUser(%q) reported %d records deleted, want %d", user, n, want)
	}
}

func testUserLoad(t *testing.T, st session.Store) {
	capability[session.UserIndex](t, st, "UserIndex")
	key, rec := saveUser(t, st, "alice", "bound")
	got := mustLoad(t, st, key)
	wantRecord(t, got, rec, 1)
	if got.User != "alice" {
		t.Errorf("Load returned User %q, want %q", got.User, "alice")
	}

	next := userRecord("still bound", "alice", 1)
	mustSave(t, st, key, next)
	if got := mustLoad(t, st, key); got.User != "alice" {
		t.Errorf("Load after a second save returned User %q, want %q", got.User, "alice")
	}

	anon := Key(t)
	mustSave(t, st, anon, record("anonymous", 0))
	if got := mustLoad(t, st, anon); got.User != "" {
		t.Errorf("Load of a record saved without a user returned User %q, want \"\"", got.User)
	}
}

func testUserRecords(t *testing.T, st session.Store) {
	ix := capability[session.UserIndex](t, st, "UserIndex")
	// Users whose names are prefixes of each other, or differ only in case.
	users := []string{"al", "alice", "alice", "Alice", "alicia", "al", "bob", "alice2"}
	want := make(map[string]map[string]session.Record)
	for i, user := range users {
		key, rec := saveUser(t, st, user, fmt.Sprintf("%s's session %d", user, i))
		if want[user] == nil {
			want[user] = make(map[string]session.Record)
		}
		want[user][key] = rec
	}
	for i := range 2 {
		mustSave(t, st, Key(t), record(fmt.Sprintf("anonymous %d", i), 0))
	}
	// A record saved again is reported as it is now, not as first indexed.
	for key, rec := range want["alice"] {
		next := userRecord("alice's session, saved again", "alice", 1)
		next.Expires = rec.Expires.Add(time.Minute)
		mustSave(t, st, key, next)
		next.Version = 2
		want["alice"][key] = next
		break
	}

	for user, recs := range want {
		wantUserRecords(t, ix, user, recs)
	}
	for _, user := range []string{"nobody", "a", "ali", "alice ", "ALICE", "alice2x"} {
		if got := userRecords(t, ix, user); len(got) != 0 {
			t.Errorf("UserRecords(%q) reported %d records of other users, want none", user, len(got))
		}
	}
}

func testUserMove(t *testing.T, st session.Store) {
	ix := capability[session.UserIndex](t, st, "UserIndex")
	key, rec := saveUser(t, st, "alice", "alice's")
	other, otherRec := saveUser(t, st, "alice", "alice's other")
	wantUserRecords(t, ix, "alice", map[string]session.Record{key: rec, other: otherRec})

	// A conflicting save changes nothing, the index included.
	wantConflict(t, st, key, userRecord("stolen", "mallory", 7), "with another user and a wrong version")
	wantUserRecords(t, ix, "mallory", nil)

	toBob := userRecord("now bob's", "bob", 1)
	mustSave(t, st, key, toBob)
	toBob.Version = 2
	wantUserRecords(t, ix, "alice", map[string]session.Record{other: otherRec})
	wantUserRecords(t, ix, "bob", map[string]session.Record{key: toBob})
	if got := mustLoad(t, st, key); got.User != "bob" {
		t.Errorf("Load after the record moved to bob returned User %q", got.User)
	}

	unbound := userRecord("anonymous again", "", 2)
	mustSave(t, st, key, unbound)
	wantUserRecords(t, ix, "bob", nil)
	wantUserRecords(t, ix, "alice", map[string]session.Record{other: otherRec})
	if got := mustLoad(t, st, key); got.User != "" {
		t.Errorf("Load after the record was saved with no user returned User %q, want \"\"", got.User)
	}

	back := userRecord("alice's again", "alice", 3)
	mustSave(t, st, key, back)
	back.Version = 4
	wantUserRecords(t, ix, "alice", map[string]session.Record{key: back, other: otherRec})
	wantUserRecords(t, ix, "bob", nil)
}

func testUserDelete(t *testing.T, st session.Store) {
	ix := capability[session.UserIndex](t, st, "UserIndex")
	deleted, _ := saveUser(t, st, "alice", "to be deleted")
	expired, expiredRec := saveUser(t, st, "alice", "to be saved expired")
	if err := st.Delete(t.Context(), deleted); err != nil {
		t.Fatalf("Delete: %v", err)
	}
	wantUserRecords(t, ix, "alice", map[string]session.Record{expired: expiredRec})

	past := userRecord("expired on save", "alice", 1)
	past.Expires = time.Now().Add(-time.Minute)
	mustSave(t, st, expired, past)
	wantUserRecords(t, ix, "alice", nil)

	// A key saved anew after its record was deleted is indexed again.
	again := userRecord("saved again", "alice", 0)
	mustSave(t, st, deleted, again)
	again.Version = 1
	wantUserRecords(t, ix, "alice", map[string]session.Record{deleted: again})
}

func testDeleteUserKeep(t *testing.T, st session.Store) {
	ix := capability[session.UserIndex](t, st, "UserIndex")
	keep, keepRec := saveUser(t, st, "alice", "this device")
	var others []string
	for i := range 3 {
		key, _ := saveUser(t, st, "alice", fmt.Sprintf("other device %d", i))
		others = append(others, key)
	}
	bob, bobRec := saveUser(t, st, "bob", "bob's")
	al, alRec := saveUser(t, st, "al", "al's")
	anon := Key(t)
	mustSave(t, st, anon, record("anonymous", 0))

	deleteUser(t, ix, "alice", keep, len(others))
	wantRecord(t, mustLoad(t, st, keep), keepRec, 1)
	for _, key := range others {
		wantNotFound(t, st, key, "of a record DeleteUser deleted")
	}
	wantUserRecords(t, ix, "alice", map[string]session.Record{keep: keepRec})
	wantRecord(t, mustLoad(t, st, bob), bobRec, 1)
	wantRecord(t, mustLoad(t, st, al), alRec, 1)
	mustLoad(t, st, anon)

	deleteUser(t, ix, "alice", keep, 0)
	wantRecord(t, mustLoad(t, st, keep), keepRec, 1)
	// keep names a record of another user: that record stays.
	deleteUser(t, ix, "bob", keep, 1)
	wantNotFound(t, st, bob, "of bob's record after DeleteUser(bob)")
	wantRecord(t, mustLoad(t, st, keep), keepRec, 1)
}

func testDeleteUserAll(t *testing.T, st session.Store) {
	ix := capability[session.UserIndex](t, st, "UserIndex")
	var alices []string
	for i := range 3 {
		key, _ := saveUser(t, st, "alice", fmt.Sprintf("device %d", i))
		alices = append(alices, key)
	}
	bystanders := make(map[string]map[string]session.Record)
	for _, user := range []string{"al", "alice2", "Alice"} {
		key, rec := saveUser(t, st, user, user+"'s")
		bystanders[user] = map[string]session.Record{key: rec}
	}
	anon := Key(t)
	mustSave(t, st, anon, record("anonymous", 0))

	deleteUser(t, ix, "alice", "", len(alices))
	for _, key := range alices {
		wantNotFound(t, st, key, "of a record after DeleteUser")
	}
	wantUserRecords(t, ix, "alice", nil)
	for user, recs := range bystanders {
		wantUserRecords(t, ix, user, recs)
	}
	mustLoad(t, st, anon)
	deleteUser(t, ix, "alice", "", 0)
	deleteUser(t, ix, "nobody", "", 0)

	key, rec := saveUser(t, st, "alice", "signed in again")
	wantUserRecords(t, ix, "alice", map[string]session.Record{key: rec})
}

// oddUsers are user names with bytes a store might treat specially: in
// paths, key patterns, hash tags, SQL or encodings.
var oddUsers = []string{
	"a b", " padded ", "a:b", "user:alice", "{alice}", "}{", "{", "a/b", "/", ".", "..", "../..",
	"*", "?", "[a]", "%", "_", "a'b", `a"b`, `a\b`, "a;b", "a\tb\nc",
	"ユーザー", "émile", "🙂", strings.Repeat("ü", 100), // the last one is 200 bytes
}

func testUserNames(t *testing.T, st session.Store) {
	ix := capability[session.UserIndex](t, st, "UserIndex")
	keys := make(map[string]string)
	for _, user := range oddUsers {
		key, rec := saveUser(t, st, user, "session of "+user)
		keys[user] = key
		if got := mustLoad(t, st, key); got.User != user {
			t.Errorf("Load returned User %q, want %q", got.User, user)
		}
		wantUserRecords(t, ix, user, map[string]session.Record{key: rec})
	}
	for _, user := range oddUsers {
		deleteUser(t, ix, user, "", 1)
		wantNotFound(t, st, keys[user], fmt.Sprintf("after DeleteUser(%q)", user))
	}
}

func testUserConcurrentSaves(t *testing.T, st session.Store) {
	ix := capability[session.UserIndex](t, st, "UserIndex")
	const workers = 16
	keys := make([]string, workers)
	for i := range keys {
		keys[i] = Key(t)
	}
	// Each worker saves its own key twice, bound to carol, then moves it
	// to dave, all at once with the others.
	run := func(t *testing.T, from, to uint64, user string) map[string]session.Record {
		t.Helper()
		var (
			wg   sync.WaitGroup
			mu   sync.Mutex
			want = make(map[string]session.Record)
		)
		errs := make(chan error, workers)
		for i, key := range keys {
			wg.Go(func() {
				for v := from; v < to; v++ {
					rec := userRecord(fmt.Sprintf("worker %d save %d", i, v+1), user, v)
					if err := st.Save(t.Context(), key, rec); err != nil {
						errs <- fmt.Errorf("worker %d: Save(version %d, User %q): %w", i, v, user, err)
						return
					}
					rec.Version = v + 1
					mu.Lock()
					want[key] = rec
					mu.Unlock()
				}
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Error(err)
		}
		return want
	}
	carol := run(t, 0, 2, "carol")
	wantUserRecords(t, ix, "carol", carol)
	dave := run(t, 2, 3, "dave")
	wantUserRecords(t, ix, "carol", nil)
	wantUserRecords(t, ix, "dave", dave)
}

// testUserExpiry checks that expired records leave the index while the
// records a user keeps alive stay in it. Like testExpiry it waits once,
// so it sets up every case, waits, then checks each in a subtest.
func testUserExpiry(t *testing.T, st session.Store, c clock) {
	ix := capability[session.UserIndex](t, st, "UserIndex")
	tt, canTouch := st.(session.Toucher)

	expires := c.now().Add(c.life(t, st)).Round(0)
	short := func(user, data string) string {
		key := Key(t)
		rec := userRecord(data, user, 0)
		rec.Expires = expires
		mustSave(t, st, key, rec)
		return key
	}
	// erin: a long-lived record, then a short one: the short one must not
	// shorten how long the long one stays listed.
	long, longRec := saveUser(t, st, "erin", "long-lived")
	short("erin", "expires")
	// fay: a short record saved again with a later expiry.
	resaved := short("fay", "expires unless saved again")
	resavedRec := userRecord("saved again", "fay", 1)
	mustSave(t, st, resaved, resavedRec)
	resavedRec.Version = 2
	// gus: only records that expire.
	gone := short("gus", "expires")
	short("gus", "expires too")
	// dora: a short record touched before it expires.
	var touched string
	var touchedRec session.Record
	if canTouch {
		touched = short("dora", "touched")
		touchedRec = mustLoad(t, st, touched)
		touchedRec.Expires = c.now().Add(time.Hour).Round(0)
		switch err := tt.Touch(t.Context(), touched, touchedRec.Expires); {
		case errors.Is(err, session.ErrNotSupported):
			canTouch = false
		case err != nil:
			t.Fatalf("Touch of a live record: %v", err)
		}
	}

	// An anonymous record, bound to no user the subtests list.
	sentinel := short("", "expires, then loaded until it is gone")

	c.waitPast(t, st, expires, sentinel)

	t.Run("UserRecordsSkipsExpired", func(t *testing.T) {
		wantUserRecords(t, ix, "erin", map[string]session.Record{long: longRec})
		wantUserRecords(t, ix, "gus", nil)
	})
	t.Run("SaveKeepsIndexed", func(t *testing.T) {
		wantUserRecords(t, ix, "fay", map[string]session.Record{resaved: resavedRec})
	})
	t.Run("TouchKeepsIndexed", func(t *testing.T) {
		if !canTouch {
			t.Skip("the store does not implement session.Toucher")
		}
		wantUserRecords(t, ix, "dora", map[string]session.Record{touched: touchedRec})
	})
	t.Run("DeleteUserCountsLive", func(t *testing.T) {
		deleteUser(t, ix, "gus", "", 0)
		deleteUser(t, ix, "erin", "", 1)
		wantNotFound(t, st, long, "after DeleteUser")
		wantUserRecords(t, ix, "erin", nil)
	})
	t.Run("SaveOverExpired", func(t *testing.T) {
		fresh := userRecord("fresh", "gus", 0)
		mustSave(t, st, gone, fresh)
		fresh.Version = 1
		wantUserRecords(t, ix, "gus", map[string]session.Record{gone: fresh})
	})
}
