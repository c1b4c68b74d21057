package sessiontest

import (
	"context"
	"errors"
	"testing"
	"time"

	session "github.com/websession/session"
)

// hangLimit is how long a call with a cancelled context may take before
// the suite calls it a hang. It only catches deadlocks; it is not a
// performance assertion.
const hangLimit = 10 * time.Second

// storeCall is one store method called with a given context.
type storeCall struct {
	name string
	call func(ctx context.Context) error
}

func testCancelledContext(t *testing.T, st session.Store) {
	key, fresh := Key(t), Key(t)
	mustSave(t, st, key, record("live", 0))

	calls := []storeCall{
		{"Load", func(ctx context.Context) error { _, err := st.Load(ctx, key); return err }},
		{"Save", func(ctx context.Context) error { return st.Save(ctx, fresh, record("new", 0)) }},
		{"Delete", func(ctx context.Context) error { return st.Delete(ctx, key) }},
	}
	if tt, ok := st.(session.Toucher); ok {
		calls = append(calls, storeCall{"Touch", func(ctx context.Context) error {
			return tt.Touch(ctx, key, time.Now().Add(2*time.Hour))
		}})
	}
	if it, ok := st.(session.Iterator); ok {
		calls = append(calls, storeCall{"Iterate", func(ctx context.Context) error {
			return it.Iterate(ctx, func(string, session.Record) error { return nil })
		}})
	}
	if sw, ok := st.(session.Sweeper); ok {
		calls = append(calls, storeCall{"DeleteExpired", func(ctx context.Context) error {
			_, err := sw.DeleteExpired(ctx)
			return err
		}})
	}

	for _, c := range calls {
		t.Run(c.name, func(t *testing.T) {
			done := make(chan error, 1)
			go func() { done <- c.call(cancelled()) }()
			select {
			case err := <-done:
				if err == nil {
					t.Errorf("%s with a cancelled context returned nil, want an error", c.name)
				}
				if errors.Is(err, session.ErrNotFound) {
					t.Errorf("%s with a cancelled context returned %v: a failed call must not look like a missing session", c.name, err)
				}
			case <-time.After(hangLimit):
				t.Fatalf("%s with a cancelled context did not return within %v", c.name, hangLimit)
			}
		})
	}
}
