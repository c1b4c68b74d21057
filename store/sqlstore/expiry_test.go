package sqlstore_test

import (
	"database/sql"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	session "github.com/websession/session"
	"github.com/websession/session/sessiontest"
	"github.com/websession/session/store/sqlstore"
)

// clock is a test clock that moves only when told.
type clock struct{ ms atomic.Int64 }

func newClock() *clock {
	c := &clock{}
	c.ms.Store(time.Now().UnixMilli())
	return c
}

func (c *clock) Now() time.Time          { return time.UnixMilli(c.ms.Load()) }
func (c *clock) Advance(d time.Duration) { c.ms.Add(d.Milliseconds()) }

// countRows counts the rows of the store's table, live or not.
func countRows(t *testing.T, db *sql.DB, st *sqlstore.Store) int {
	t.Helper()
	var n int
	if err := db.QueryRowContext(t.Context(), "SELECT count(*) FROM "+quoteTable(st)).Scan(&n); err != nil {
		t.Fatalf("counting rows: %v", err)
	}
	return n
}

func TestExpiredRowNeverReturnedBeforeSweep(t *testing.T) {
	forEachBackend(t, func(t *testing.T, db *sql.DB) {
		clk := newClock()
		st := newStore(t, db, sqlstore.WithNow(clk.Now))
		ctx := t.Context()
		expired, reused, live := sessiontest.Key(t), sessiontest.Key(t), sessiontest.Key(t)
		for _, key := range []string{expired, reused} {
			if err := st.Save(ctx, key, session.Record{Data: []byte("short"), Expires: clk.Now().Add(time.Minute)}); err != nil {
				t.Fatalf("Save: %v", err)
			}
		}
		if err := st.Save(ctx, live, session.Record{Data: []byte("long"), Expires: clk.Now().Add(time.Hour)}); err != nil {
			t.Fatalf("Save: %v", err)
		}
		clk.Advance(time.Minute) // expiry is exclusive: at the instant of Expires the record is gone

		if _, err := st.Load(ctx, expired); !errors.Is(err, session.ErrNotFound) {
			t.Errorf("Load of an expired record: %v, want ErrNotFound", err)
		}
		if err := st.Touch(ctx, expired, clk.Now().Add(time.Hour)); !errors.Is(err, session.ErrNotFound) {
			t.Errorf("Touch of an expired record: %v, want ErrNotFound", err)
		}
		if err := st.Save(ctx, expired, session.Record{Data: []byte("revived"), Expires: clk.Now().Add(time.Hour), Version: 1}); !errors.Is(err, session.ErrConflict) {
			t.Errorf("Save with the version of an expired record: %v, want ErrConflict", err)
		}
		var seen []string
		err := st.Iterate(ctx, func(key string, rec session.Record) error {
			seen = append(seen, key)
			return nil
		})
		if err != nil || len(seen) != 1 || seen[0] != live {
			t.Errorf("Iterate saw %d records (err %v), want only the live one", len(seen), err)
		}
		if n := countRows(t, db, st); n != 3 {
			t.Fatalf("%d rows before the sweep, want 3: expired rows must be filtered, not deleted, by reads", n)
		}

		// A new record replaces an expired one, starting again at version 1.
		if err := st.Save(ctx, reused, session.Record{Data: []byte("new"), Expires: clk.Now().Add(time.Hour)}); err != nil {
			t.Fatalf("Save of a new record over an expired one: %v", err)
		}
		if rec, err := st.Load(ctx, reused); err != nil || string(rec.Data) != "new" || rec.Version != 1 {
			t.Errorf("Load after replacing an expired record: %q version %d, %v; want \"new\" version 1", rec.Data, rec.Version, err)
		}

		n, err := st.DeleteExpired(ctx)
		if err != nil || n != 1 {
			t.Errorf("DeleteExpired = %d, %v; want 1", n, err)
		}
		if n := countRows(t, db, st); n != 2 {
			t.Errorf("%d rows after the sweep, want the 2 live ones", n)
		}
	})
}

// TestTouchSameExpiry touches a record to the expiry it already has: MySQL
// then counts no changed row, which must not read as "not found".
func TestTouchSameExpiry(t *testing.T) {
	forEachBackend(t, func(t *testing.T, db *sql.DB) {
		st := newStore(t, db)
		key := sessiontest.Key(t)
		expires := time.Now().Add(time.Hour)
		if err := st.Save(t.Context(), key, session.Record{Data: []byte("x"), Expires: expires}); err != nil {
			t.Fatalf("Save: %v", err)
		}
		for i := range 2 {
			if err := st.Touch(t.Context(), key, expires); err != nil {
				t.Fatalf("Touch #%d with the current expiry: %v, want nil", i+1, err)
			}
		}
		rec, err := st.Load(t.Context(), key)
		if err != nil || rec.Version != 1 || string(rec.Data) != "x" {
			t.Errorf("Load after Touch: %q version %d, %v; want data and version unchanged", rec.Data, rec.Version, err)
		}
	})
}
