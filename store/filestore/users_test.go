package filestore_test

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	session "github.com/websession/session"
	"github.com/websession/session/internal/testkit"
	"github.com/websession/session/sessiontest"
	"github.com/websession/session/store/filestore"
)

// userDir is where the store keeps the index entries of user.
func userDir(dir, user string) string {
	sum := sha256.Sum256([]byte(user))
	return filepath.Join(dir, "users", hex.EncodeToString(sum[:]))
}

func userRec(data, user string, version uint64) session.Record {
	r := rec(data, version)
	r.User = user
	return r
}

// TestUserIndexLayout checks what an operator finds on disk: one private
// empty file per record under the hash of its user, never the user's name,
// and nothing left once the user's last record is gone.
func TestUserIndexLayout(t *testing.T) {
	st, dir := newStore(t)
	key := sessiontest.Key(t)
	if err := st.Save(t.Context(), key, userRec("x", "alice@example.com", 0)); err != nil {
		t.Fatal(err)
	}
	entry := filepath.Join(userDir(dir, "alice@example.com"), key)
	fi, err := os.Stat(entry)
	if err != nil {
		t.Fatalf("no index entry for the saved record: %v", err)
	}
	if fi.Size() != 0 || fi.Mode().Perm() != 0o600 {
		t.Errorf("index entry: %d bytes, mode %#o; want an empty 0600 file", fi.Size(), fi.Mode().Perm())
	}
	for _, d := range []string{filepath.Join(dir, "users"), userDir(dir, "alice@example.com")} {
		if fi, err := os.Stat(d); err != nil || fi.Mode().Perm() != 0o700 {
			t.Errorf("index directory %s: %v, want mode 0700", filepath.Base(d), err)
		}
	}
	filepath.WalkDir(dir, func(path string, _ fs.DirEntry, err error) error {
		if strings.Contains(path, "alice") {
			t.Errorf("the user's name appears on disk: %s", path)
		}
		return err
	})
	if err := st.Delete(t.Context(), key); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(userDir(dir, "alice@example.com")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("the user's index directory is still there after its last record was deleted: %v", err)
	}
}

// TestUserIndexPrunesStaleEntries plants the index entries a crash can
// leave behind: one whose record was never written, one whose record was
// bound to another user since, one whose record expired. UserRecords must
// ignore and remove them, and DeleteUser must not delete the other user's
// record.
func TestUserIndexPrunesStaleEntries(t *testing.T) {
	clock := testkit.NewClock()
	st, dir := newStore(t, filestore.WithNow(clock.Now))
	ctx := t.Context()
	live, moved, expired, missing := sessiontest.Key(t), sessiontest.Key(t), sessiontest.Key(t), sessiontest.Key(t)
	if err := st.Save(ctx, live, userRec("alice's", "alice", 0)); err != nil {
		t.Fatal(err)
	}
	if err := st.Save(ctx, moved, userRec("bob's", "bob", 0)); err != nil {
		t.Fatal(err)
	}
	short := userRec("alice's, expiring", "alice", 0)
	short.Expires = clock.Now().Add(100 * time.Millisecond)
	if err := st.Save(ctx, expired, short); err != nil {
		t.Fatal(err)
	}
	alice := userDir(dir, "alice")
	for _, key := range []string{moved, missing} {
		if err := os.WriteFile(filepath.Join(alice, key), nil, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	clock.Advance(100 * time.Millisecond) // expiry is exclusive: at Expires the record is gone

	got, err := st.UserRecords(ctx, "alice")
	if err != nil {
		t.Fatalf("UserRecords: %v", err)
	}
	if len(got) != 1 || string(got[live].Data) != "alice's" {
		t.Errorf("UserRecords(alice) = %d records, want only alice's live one", len(got))
	}
	for _, key := range []string{moved, missing, expired} {
		if _, err := os.Stat(filepath.Join(alice, key)); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("stale index entry %.8s… not pruned by UserRecords: %v", key, err)
		}
	}
	if _, err := os.Stat(filepath.Join(alice, live)); err != nil {
		t.Errorf("UserRecords pruned the entry of a live record: %v", err)
	}

	if err := os.WriteFile(filepath.Join(alice, moved), nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if n, err := st.DeleteUser(ctx, "alice", ""); err != nil || n != 1 {
		t.Errorf("DeleteUser(alice) = %d, %v; want 1, nil", n, err)
	}
	if got, err := st.Load(ctx, moved); err != nil || got.User != "bob" {
		t.Errorf("bob's record after DeleteUser(alice) with a stale entry pointing at it: %v, User %q", err, got.User)
	}
	if got, _ := st.UserRecords(ctx, "bob"); len(got) != 1 {
		t.Errorf("UserRecords(bob) = %d records, want 1", len(got))
	}
}

// TestSweepRemovesIndexEntries checks that DeleteExpired takes the index
// entries of the records it removes with them.
func TestSweepRemovesIndexEntries(t *testing.T) {
	clock := testkit.NewClock()
	st, dir := newStore(t, filestore.WithNow(clock.Now))
	key := sessiontest.Key(t)
	short := userRec("expiring", "alice", 0)
	short.Expires = clock.Now().Add(50 * time.Millisecond)
	if err := st.Save(t.Context(), key, short); err != nil {
		t.Fatal(err)
	}
	clock.Advance(50 * time.Millisecond)
	if n, err := st.DeleteExpired(t.Context()); err != nil || n != 1 {
		t.Fatalf("DeleteExpired = %d, %v; want 1, nil", n, err)
	}
	if _, err := os.Stat(userDir(dir, "alice")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("the index entry of a swept record is still there: %v", err)
	}
}
