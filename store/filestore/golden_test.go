package filestore_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/websession/session/internal/golden"
	"github.com/websession/session/store/filestore"
)

// TestGoldenRecords opens the server-side sessions an earlier version
// wrote, from the files its filestore left, user index included: an
// upgrade logs no one out.
func TestGoldenRecords(t *testing.T) {
	for _, v := range golden.Versions(t) {
		t.Run(v.Name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "sessions")
			for name, data := range v.Records.Files {
				path := filepath.Join(dir, filepath.FromSlash(name))
				if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, data, 0o600); err != nil {
					t.Fatal(err)
				}
			}
			st, err := filestore.New(dir)
			if err != nil {
				t.Fatal(err)
			}
			golden.CheckRecords(t, st, v.Records)
			infos, err := st.UserRecords(t.Context(), "alice")
			if err != nil || len(infos) == 0 {
				t.Errorf("the golden user index lists %d records of alice (%v), want some", len(infos), err)
			}
		})
	}
}
