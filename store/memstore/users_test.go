package memstore

import (
	"testing"
	"time"

	session "github.com/websession/session"
	"github.com/websession/session/internal/testkit"
	"github.com/websession/session/sessiontest"
)

// TestUserIndexHoldsNoDeadEntries checks that the index of users forgets
// records however they leave the store, so it cannot grow without bound.
func TestUserIndexHoldsNoDeadEntries(t *testing.T) {
	ctx := t.Context()
	clock := testkit.NewClock()
	st := New(WithMaxRecords(2), WithNow(clock.Now))
	soon := clock.Now().Add(50 * time.Millisecond)
	hour := clock.Now().Add(time.Hour)
	swept, evicted, deleted := sessiontest.Key(t), sessiontest.Key(t), sessiontest.Key(t)
	for _, key := range []string{swept, evicted} {
		if err := st.Save(ctx, key, session.Record{Data: []byte("x"), Expires: soon, User: "alice"}); err != nil {
			t.Fatal(err)
		}
	}
	clock.Advance(50 * time.Millisecond)
	if n, err := st.DeleteExpired(ctx); err != nil || n != 2 {
		t.Fatalf("DeleteExpired = %d, %v; want 2, nil", n, err)
	}
	if err := st.Save(ctx, deleted, session.Record{Data: []byte("x"), Expires: hour, User: "bob"}); err != nil {
		t.Fatal(err)
	}
	if err := st.Delete(ctx, deleted); err != nil {
		t.Fatal(err)
	}
	moved := sessiontest.Key(t)
	if err := st.Save(ctx, moved, session.Record{Data: []byte("x"), Expires: hour, User: "carol"}); err != nil {
		t.Fatal(err)
	}
	if err := st.Save(ctx, moved, session.Record{Data: []byte("x"), Expires: hour, Version: 1}); err != nil {
		t.Fatal(err)
	}
	st.mu.Lock()
	defer st.mu.Unlock()
	if len(st.users) != 0 {
		t.Errorf("the user index still holds %d users after every bound record was swept, deleted or unbound: %v", len(st.users), st.users)
	}
}
