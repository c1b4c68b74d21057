package sqlstore_test

import (
	"database/sql"
	"testing"
	"time"

	session "github.com/websession/session"
	"github.com/websession/session/sessiontest"
)

// TestIterateAcrossPagesWhileDeleting lists more records than fit one
// page, deleting each from inside the callback over a pool of a single
// connection: a query left open during the callback would deadlock.
func TestIterateAcrossPagesWhileDeleting(t *testing.T) {
	forEachBackend(t, func(t *testing.T, db *sql.DB) {
		db.SetMaxOpenConns(1)
		st := newStore(t, db)
		ctx := t.Context()
		const records = 230
		want := make(map[string]bool, records)
		for range records {
			key := sessiontest.Key(t)
			want[key] = true
			if err := st.Save(ctx, key, session.Record{Data: []byte(key[:8]), Expires: time.Now().Add(time.Hour)}); err != nil {
				t.Fatalf("Save: %v", err)
			}
		}
		seen := 0
		err := st.Iterate(ctx, func(key string, rec session.Record) error {
			if !want[key] {
				t.Errorf("Iterate returned an unknown or repeated key")
			}
			if string(rec.Data) != key[:8] || rec.Version != 1 {
				t.Errorf("Iterate returned data %q version %d for a record saved with %q version 1", rec.Data, rec.Version, key[:8])
			}
			delete(want, key)
			seen++
			return st.Delete(ctx, key)
		})
		if err != nil {
			t.Fatalf("Iterate: %v", err)
		}
		if seen != records {
			t.Errorf("Iterate saw %d records, want %d", seen, records)
		}
		if n := countRows(t, db, st); n != 0 {
			t.Errorf("%d rows left after deleting each record during Iterate, want 0", n)
		}
	})
}
