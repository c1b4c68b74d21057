package sessiontest

import (
	"errors"
	"testing"
	"time"

	session "github.com/websession/session"
)

// testExpiry checks what happens when records expire. It waits once (see
// clock), so it sets up every case in one store, waits, then checks each
// case in a subtest of its own.
func testExpiry(t *testing.T, st session.Store, c clock) {
	tt, canTouch := st.(session.Toucher)
	it, canIterate := st.(session.Iterator)
	sw, canSweep := st.(session.Sweeper)

	expires := c.now().Add(c.life(t, st)).Round(0)
	expired := 0 // records that will be expired and not saved again
	short := func(data string) (string, session.Record) {
		expired++
		key := Key(t)
		rec := record(data, 0)
		rec.Expires = expires
		mustSave(t, st, key, rec)
		wantRecord(t, mustLoad(t, st, key), rec, 1)
		return key, rec
	}
	loaded, _ := short("expires, then loaded")
	sentinel, _ := short("expires, then loaded until it is gone")
	resaved, _ := short("expires, then saved again")
	swept1, _ := short("expires, then swept")
	swept2, _ := short("expires, then swept too")
	live := Key(t)
	liveRec := record("long-lived", 0)
	mustSave(t, st, live, liveRec)

	var touched, touchedLater string
	later := c.now().Add(time.Hour).Round(0)
	if canTouch {
		touched, _ = short("expires, then touched")
		touchedLater, _ = short("touched before it expires")
		switch err := tt.Touch(t.Context(), touchedLater, later); {
		case errors.Is(err, session.ErrNotSupported):
			canTouch = false
		case err != nil:
			t.Fatalf("Touch of a live record: %v", err)
		default:
			expired--
		}
	}
	expired-- // resaved

	c.waitPast(t, st, expires, sentinel)

	t.Run("LoadExpired", func(t *testing.T) {
		wantNotFound(t, st, loaded, "of an expired record")
	})
	t.Run("IterateSkipsExpired", func(t *testing.T) {
		if !canIterate {
			t.Skip("the store does not implement session.Iterator")
		}
		want := map[string]session.Record{live: liveRec}
		if canTouch {
			rec := mustLoad(t, st, touchedLater)
			want[touchedLater] = rec
		}
		wantIterated(t, iterate(t, it), want, 1)
	})
	t.Run("TouchExpired", func(t *testing.T) {
		if !canTouch {
			t.Skip("the store does not implement session.Toucher")
		}
		err := tt.Touch(t.Context(), touched, later)
		skipUnsupported(t, err, "Touch")
		if !errors.Is(err, session.ErrNotFound) {
			t.Errorf("Touch of an expired record: %v, want session.ErrNotFound", err)
		}
		wantNotFound(t, st, touched, "of an expired record after Touch")
	})
	t.Run("TouchKeepsAlive", func(t *testing.T) {
		if !canTouch {
			t.Skip("the store does not implement session.Toucher")
		}
		got := mustLoad(t, st, touchedLater)
		wantExpires(t, got.Expires, later)
	})
	t.Run("SaveOverExpired", func(t *testing.T) {
		wantConflict(t, st, resaved, record("resurrected", 1), "with the version of an expired record")
		wantNotFound(t, st, resaved, "after a conflicting save over an expired record")
		fresh := record("fresh", 0)
		mustSave(t, st, resaved, fresh)
		wantRecord(t, mustLoad(t, st, resaved), fresh, 1)
	})
	t.Run("DeleteExpired", func(t *testing.T) {
		if !canSweep {
			t.Skip("the store does not implement session.Sweeper")
		}
		n, err := sw.DeleteExpired(t.Context())
		skipUnsupported(t, err, "DeleteExpired")
		if err != nil {
			t.Fatalf("DeleteExpired: %v", err)
		}
		// swept1 and swept2 were never used after they expired; loaded and
		// touched were, and a store may have dropped them then.
		if n < 2 || n > expired {
			t.Errorf("DeleteExpired reported %d records deleted, want 2 to %d", n, expired)
		}
		wantNotFound(t, st, swept1, "of a swept record")
		wantRecord(t, mustLoad(t, st, live), liveRec, 1)
		mustLoad(t, st, resaved)
		if canTouch {
			mustLoad(t, st, touchedLater)
		}
		if n, err := sw.DeleteExpired(t.Context()); err != nil || n != 0 {
			t.Errorf("second DeleteExpired = %d, %v; want 0, nil", n, err)
		}
		fresh := record("fresh", 0)
		mustSave(t, st, swept2, fresh)
		wantRecord(t, mustLoad(t, st, swept2), fresh, 1)
	})
}
