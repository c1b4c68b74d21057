package filestore_test

import (
	"bytes"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	session "github.com/websession/session"
	"github.com/websession/session/sessiontest"
	"github.com/websession/session/store/filestore"
)

// newStore returns a Store in a fresh directory that New creates.
func newStore(t *testing.T, opts ...filestore.Option) (*filestore.Store, string) {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "sessions")
	st, err := filestore.New(dir, opts...)
	if err != nil {
		t.Fatal(err)
	}
	return st, dir
}

func TestConformance(t *testing.T) {
	sessiontest.RunStoreWithClock(t, func(t *testing.T, now func() time.Time) session.Store {
		st, _ := newStore(t, filestore.WithNow(now))
		return st
	})
}

func rec(data string, version uint64) session.Record {
	return session.Record{Data: []byte(data), Expires: time.Now().Add(time.Hour), Version: version}
}

func TestFilesArePrivate(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "a", "b", "sessions")
	st, err := filestore.New(dir)
	if err != nil {
		t.Fatalf("New with a missing directory: %v", err)
	}
	fi, err := os.Stat(dir)
	if err != nil {
		t.Fatal(err)
	}
	if got := fi.Mode().Perm(); got != 0o700 {
		t.Errorf("New created the directory with mode %#o, want 0700", got)
	}
	key := sessiontest.Key(t)
	if err := st.Save(t.Context(), key, rec("secret", 0)); err != nil {
		t.Fatal(err)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		info, err := e.Info()
		if err != nil {
			t.Fatal(err)
		}
		if got := info.Mode().Perm(); got != 0o600 {
			t.Errorf("file %.12s has mode %#o, want 0600", e.Name(), got)
		}
		if strings.HasPrefix(e.Name(), ".tmp-") {
			t.Errorf("temporary file %s left behind after Save", e.Name())
		}
	}
	if _, err := os.Stat(filepath.Join(dir, key)); err != nil {
		t.Errorf("no file named by the key after Save: %v", err)
	}
}

func TestNewRefusesUnsafeDirectories(t *testing.T) {
	for _, tc := range []struct {
		name string
		mode os.FileMode
		ok   bool
	}{
		{"Private", 0o700, true},
		{"WorldReadable", 0o755, false},
		{"GroupReadable", 0o750, false},
		{"WorldSearchable", 0o701, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			if err := os.Chmod(dir, tc.mode); err != nil {
				t.Fatal(err)
			}
			_, err := filestore.New(dir)
			if tc.ok && err != nil {
				t.Fatalf("New on a directory with mode %#o: %v", tc.mode, err)
			}
			if !tc.ok && (err == nil || !strings.Contains(err.Error(), "chmod 700")) {
				t.Fatalf("New on a directory with mode %#o: %v, want an error telling to chmod 700", tc.mode, err)
			}
		})
	}
	t.Run("RegularFile", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "file")
		if err := os.WriteFile(path, nil, 0o600); err != nil {
			t.Fatal(err)
		}
		if _, err := filestore.New(path); err == nil {
			t.Fatal("New on a regular file succeeded")
		}
	})
	t.Run("Empty", func(t *testing.T) {
		if _, err := filestore.New(""); err == nil {
			t.Fatal(`New("") succeeded`)
		}
	})
}

func TestKeysNeverBecomePaths(t *testing.T) {
	root := t.TempDir()
	dir := filepath.Join(root, "sessions")
	st, err := filestore.New(dir)
	if err != nil {
		t.Fatal(err)
	}
	valid := sessiontest.Key(t)
	for _, key := range []string{"../escape", "../" + valid, strings.ToUpper(valid), valid[:63], valid + "0", "", ".lock-00", "/tmp/x"} {
		err := st.Save(t.Context(), key, rec("x", 0))
		if !errors.Is(err, session.ErrInvalidKey) {
			t.Errorf("Save(%.20q): %v, want session.ErrInvalidKey", key, err)
		}
		if _, err := st.Load(t.Context(), key); !errors.Is(err, session.ErrInvalidKey) {
			t.Errorf("Load(%.20q): %v, want session.ErrInvalidKey", key, err)
		}
	}
	for _, d := range []string{root, dir} {
		entries, _ := os.ReadDir(d)
		for _, e := range entries {
			if e.Name() != "sessions" && !strings.HasPrefix(e.Name(), ".lock-") {
				t.Errorf("an invalid key created %s in %s", e.Name(), d)
			}
		}
	}
}

func TestCorruptFilesReadAsMissing(t *testing.T) {
	for _, tc := range []struct {
		name   string
		damage func(b []byte) []byte
	}{
		{"Empty", func([]byte) []byte { return nil }},
		{"TruncatedHeader", func(b []byte) []byte { return b[:20] }},
		{"TruncatedData", func(b []byte) []byte { return b[:len(b)-3] }},
		{"ExtraData", func(b []byte) []byte { return append(b, 'x') }},
		{"BadMagic", func(b []byte) []byte { b[0] = 'X'; return b }},
		{"FutureFormatVersion", func(b []byte) []byte { b[4] = 3; return b }},
		{"FlippedDataBit", func(b []byte) []byte { b[len(b)-1] ^= 1; return b }},
		{"FlippedVersionBit", func(b []byte) []byte { b[27] ^= 1; return b }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var logs bytes.Buffer
			st, dir := newStore(t, filestore.WithLogger(slog.New(slog.NewTextHandler(&logs, nil))))
			key := sessiontest.Key(t)
			if err := st.Save(t.Context(), key, rec("some session data", 0)); err != nil {
				t.Fatal(err)
			}
			path := filepath.Join(dir, key)
			b, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(path, tc.damage(b), 0o600); err != nil {
				t.Fatal(err)
			}

			if _, err := st.Load(t.Context(), key); !errors.Is(err, session.ErrNotFound) {
				t.Fatalf("Load of a damaged file: %v, want session.ErrNotFound", err)
			}
			out := logs.String()
			if !strings.Contains(out, "corrupt") || !strings.Contains(out, key[:8]) {
				t.Errorf("damaged file not logged with the key's prefix; log: %s", out)
			}
			if strings.Contains(out, key) {
				t.Errorf("log contains the full key: %s", out)
			}
			err = st.Iterate(t.Context(), func(string, session.Record) error {
				return errors.New("Iterate yielded a damaged file")
			})
			if err != nil {
				t.Error(err)
			}
			if n, err := st.DeleteExpired(t.Context()); err != nil || n != 1 {
				t.Errorf("DeleteExpired = %d, %v; want the damaged file removed (1, nil)", n, err)
			}
			if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("damaged file still there after DeleteExpired: %v", err)
			}
			if err := st.Save(t.Context(), key, rec("fresh", 0)); err != nil {
				t.Fatalf("Save of a new record after the damaged one: %v", err)
			}
		})
	}
}

func TestSaveReplacesCorruptFile(t *testing.T) {
	st, dir := newStore(t, filestore.WithLogger(slog.New(slog.DiscardHandler)))
	key := sessiontest.Key(t)
	if err := os.WriteFile(filepath.Join(dir, key), []byte("garbage"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := st.Save(t.Context(), key, rec("fresh", 0)); err != nil {
		t.Fatalf("Save (version 0) over a corrupt file: %v", err)
	}
	got, err := st.Load(t.Context(), key)
	if err != nil || string(got.Data) != "fresh" || got.Version != 1 {
		t.Fatalf("Load = %q version %d, %v; want \"fresh\" version 1", got.Data, got.Version, err)
	}
}

func TestDeleteExpiredRemovesStaleTempFiles(t *testing.T) {
	st, dir := newStore(t)
	stale := filepath.Join(dir, ".tmp-123")
	fresh := filepath.Join(dir, ".tmp-456")
	other := filepath.Join(dir, "README")
	for _, p := range []string{stale, fresh, other} {
		if err := os.WriteFile(p, []byte("partial"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	old := time.Now().Add(-filestore.StaleTempAge - time.Minute)
	for _, p := range []string{stale, other} {
		if err := os.Chtimes(p, old, old); err != nil {
			t.Fatal(err)
		}
	}
	n, err := st.DeleteExpired(t.Context())
	if err != nil || n != 0 {
		t.Errorf("DeleteExpired = %d, %v; want 0 records, nil", n, err)
	}
	if _, err := os.Stat(stale); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("stale temporary file survived DeleteExpired: %v", err)
	}
	for _, p := range []string{fresh, other} {
		if _, err := os.Stat(p); err != nil {
			t.Errorf("DeleteExpired removed %s, which it must keep: %v", filepath.Base(p), err)
		}
	}
}

func TestErrorsHideTheKey(t *testing.T) {
	st, dir := newStore(t)
	key := sessiontest.Key(t)
	// A directory where the session file should be makes reading fail.
	if err := os.Mkdir(filepath.Join(dir, key), 0o700); err != nil {
		t.Fatal(err)
	}
	_, err := st.Load(t.Context(), key)
	if err == nil || errors.Is(err, session.ErrNotFound) {
		t.Fatalf("Load of an unreadable session file: %v, want an I/O error", err)
	}
	if strings.Contains(err.Error(), key) || !strings.Contains(err.Error(), key[:8]) {
		t.Errorf("error should name the key by its first 8 characters only: %v", err)
	}
	if err := st.Save(t.Context(), key, rec("x", 0)); err == nil || strings.Contains(err.Error(), key) {
		t.Errorf("Save over an unreadable session file: %v, want an error without the full key", err)
	}
}

func TestStoresShareADirectory(t *testing.T) {
	a, dir := newStore(t)
	b, err := filestore.New(dir)
	if err != nil {
		t.Fatal(err)
	}
	key := sessiontest.Key(t)
	if err := a.Save(t.Context(), key, rec("from a", 0)); err != nil {
		t.Fatal(err)
	}
	got, err := b.Load(t.Context(), key)
	if err != nil || string(got.Data) != "from a" {
		t.Fatalf("second store Load = %q, %v; want the first store's record", got.Data, err)
	}
	if err := b.Save(t.Context(), key, rec("stale", 0)); !errors.Is(err, session.ErrConflict) {
		t.Fatalf("second store Save (version 0) over a live record: %v, want session.ErrConflict", err)
	}
}

func TestConcurrentRequests(t *testing.T) {
	sessiontest.RunConcurrentRequestsWithClock(t, func(t *testing.T, now func() time.Time) session.Store {
		st, _ := newStore(t, filestore.WithNow(now))
		return st
	})
}

func TestUserSessions(t *testing.T) {
	sessiontest.RunUserSessions(t, func(t *testing.T) session.Store {
		st, _ := newStore(t)
		return st
	})
}
