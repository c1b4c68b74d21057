package memstore_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	session "github.com/websession/session"
	"github.com/websession/session/internal/testkit"
	"github.com/websession/session/sessiontest"
	"github.com/websession/session/store/memstore"
)

func TestConformance(t *testing.T) {
	sessiontest.RunStoreWithClock(t, func(t *testing.T, now func() time.Time) session.Store {
		return memstore.New(memstore.WithNow(now))
	})
}

func rec(data string, version uint64, expires time.Time) session.Record {
	return session.Record{Data: []byte(data), Expires: expires, Version: version}
}

// userRec is a record bound to user, as SetUser makes one.
func userRec(user string, version uint64, expires time.Time) session.Record {
	return session.Record{Data: []byte("signed in"), Expires: expires, Version: version, User: user}
}

func TestMaxRecordsRefusesNewSessionsWhenFullOfSignedInOnes(t *testing.T) {
	ctx := t.Context()
	st := memstore.New(memstore.WithMaxRecords(3))
	hour := time.Now().Add(time.Hour)
	keys := []string{sessiontest.Key(t), sessiontest.Key(t), sessiontest.Key(t)}
	for i, k := range keys {
		if err := st.Save(ctx, k, userRec(fmt.Sprint("user", i), 0, hour)); err != nil {
			t.Fatalf("Save below the cap: %v", err)
		}
	}

	extra := sessiontest.Key(t)
	for _, r := range []session.Record{rec("anonymous newcomer", 0, hour), userRec("newcomer", 0, hour)} {
		if err := st.Save(ctx, extra, r); !errors.Is(err, memstore.ErrFull) {
			t.Fatalf("Save of a new key (user %q) in a store full of signed-in sessions: %v, want memstore.ErrFull", r.User, err)
		}
	}
	if _, err := st.Load(ctx, extra); !errors.Is(err, session.ErrNotFound) {
		t.Fatalf("Load of the refused key: %v, want session.ErrNotFound", err)
	}
	for _, k := range keys {
		if _, err := st.Load(ctx, k); err != nil {
			t.Fatalf("a signed-in session was lost when the store was full: %v", err)
		}
	}
	if err := st.Save(ctx, keys[0], userRec("user0", 1, hour)); err != nil {
		t.Fatalf("Save of an existing session in a full store: %v", err)
	}

	if err := st.Delete(ctx, keys[1]); err != nil {
		t.Fatal(err)
	}
	if err := st.Save(ctx, extra, rec("room again", 0, hour)); err != nil {
		t.Fatalf("Save after a Delete made room: %v", err)
	}
}

func TestMaxRecordsDropsExpiredWhenFull(t *testing.T) {
	ctx := t.Context()
	clock := testkit.NewClock()
	st := memstore.New(memstore.WithMaxRecords(2), memstore.WithNow(clock.Now))
	soon := clock.Now().Add(300 * time.Millisecond)
	hour := clock.Now().Add(time.Hour)
	expiring, live := sessiontest.Key(t), sessiontest.Key(t)
	if err := st.Save(ctx, expiring, rec("short", 0, soon)); err != nil {
		t.Fatal(err)
	}
	if err := st.Save(ctx, live, rec("long", 0, hour)); err != nil {
		t.Fatal(err)
	}
	if n := st.Len(); n != 2 {
		t.Fatalf("Len = %d after two saves, want 2", n)
	}
	clock.Advance(300 * time.Millisecond) // expiry is exclusive: at Expires the record is gone

	newcomer := sessiontest.Key(t)
	if err := st.Save(ctx, newcomer, rec("new", 0, hour)); err != nil {
		t.Fatalf("Save in a store full only because of an expired record: %v", err)
	}
	if n := st.Len(); n != 2 {
		t.Errorf("Len after the expired record made room = %d, want 2", n)
	}
	for _, k := range []string{live, newcomer} {
		if _, err := st.Load(ctx, k); err != nil {
			t.Errorf("Load of a live record: %v", err)
		}
	}
}

func TestDefaultCap(t *testing.T) {
	if testing.Short() {
		t.Skip("fills a store with 100000 records")
	}
	ctx := t.Context()
	st := memstore.New(memstore.WithMaxRecords(0)) // 0 selects the default
	hour := time.Now().Add(time.Hour)
	for i := range memstore.DefaultMaxRecords {
		if err := st.Save(ctx, fmt.Sprintf("%064x", i), userRec("u", 0, hour)); err != nil {
			t.Fatalf("Save %d of %d: %v", i+1, memstore.DefaultMaxRecords, err)
		}
	}
	if err := st.Save(ctx, sessiontest.Key(t), rec("", 0, hour)); !errors.Is(err, memstore.ErrFull) {
		t.Fatalf("Save beyond DefaultMaxRecords signed-in sessions: %v, want memstore.ErrFull", err)
	}
}

func TestRunSweepsUntilCancelled(t *testing.T) {
	st := memstore.New()
	soon := time.Now().Add(10 * time.Millisecond)
	if err := st.Save(t.Context(), sessiontest.Key(t), rec("short", 0, soon)); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- st.Run(ctx, 5*time.Millisecond) }()

	for deadline := time.Now().Add(10 * time.Second); st.Len() != 0; time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("Run did not drop the expired record")
		}
	}
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Fatalf("Run returned %v after its context was cancelled, want context.Canceled", err)
	}
}

func TestConcurrentRequests(t *testing.T) {
	sessiontest.RunConcurrentRequestsWithClock(t, func(t *testing.T, now func() time.Time) session.Store {
		return memstore.New(memstore.WithNow(now))
	})
}

func TestUserSessions(t *testing.T) {
	sessiontest.RunUserSessions(t, func(t *testing.T) session.Store { return memstore.New() })
}
