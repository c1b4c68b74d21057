package sessiontest

import (
	"context"
	"sync"
	"testing"

	"github.com/websession/session"
)

// testDuplicateSave checks that a save a client library delivered twice
// is applied once. A store client that timed out waiting for a reply sends
// the command again, and both copies reach the server: the first is
// applied, the second finds the record changed and reports a conflict,
// which the Manager must not take for another request's save and apply the
// change again. Two interleavings, each made certain by a store wrapper
// that sends one save twice:
//
//   - A, A: the copy arrives right after the first;
//   - A, B, A: another request's whole save lands between the two copies.
//
// Each request increments a counter with session.Update, so a change
// applied twice shows as a counter one too high.
func testDuplicateSave(t *testing.T, newStore func(t *testing.T) session.Store) {
	for _, tc := range []struct {
		name    string
		between bool // another request commits between the copies
		want    string
	}{
		{"A_A", false, "2"},
		{"A_B_A", true, "3"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dup := &duplicatingStore{Store: newStore(t)}
			c := newClientApp(t, dup, nil)
			if _, ok := dup.Store.(session.Applier); ok {
				c = newClientApp(t, &duplicatingApplier{dup}, nil)
			}
			c.get("/incr") // counter 1
			id := c.cookie()
			var between result
			dup.arm(func() {
				if tc.between {
					between = c.send("/incr", id) // B, while A's first copy is applied
				}
			})
			c.get("/incr") // A
			if between.err != nil {
				t.Fatalf("the request between the two copies of a save: %v", between.err)
			}
			if !dup.fired() {
				t.Fatal("test bug: the store wrapper sent no save twice")
			}
			if got := c.get("/count"); got != tc.want {
				t.Fatalf("after a save delivered twice the counter is %s, want %s: the change was applied twice", got, tc.want)
			}
		})
	}
}

// duplicatingApplier is a duplicatingStore of a session.Applier: it sends
// the first Apply after arm twice, the hook running between the copies.
type duplicatingApplier struct{ *duplicatingStore }

func (d *duplicatingApplier) Apply(ctx context.Context, key string, ch *session.Change) (session.Record, error) {
	a := d.Store.(session.Applier)
	if !d.take() {
		return a.Apply(ctx, key, ch)
	}
	if _, err := a.Apply(ctx, key, ch); err != nil {
		return session.Record{}, err
	}
	d.hook()
	d.mu.Lock()
	d.done = true
	d.mu.Unlock()
	return a.Apply(ctx, key, ch)
}

// take disarms d and reports whether it was armed.
func (d *duplicatingStore) take() bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	armed := d.armed
	d.armed = false
	return armed
}

// duplicatingStore sends the first Save after arm twice: the save, then
// the hook, then the same save again, whose result it returns, as a
// client library that retried a save would. Wrapped in a
// duplicatingApplier, it does the same to Apply, which a Manager then uses
// for every save of a loaded session.
type duplicatingStore struct {
	session.Store
	mu    sync.Mutex
	hook  func()
	armed bool
	done  bool
}

func (d *duplicatingStore) arm(hook func()) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.hook, d.armed = hook, true
}

func (d *duplicatingStore) fired() bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.done
}

func (d *duplicatingStore) Save(ctx context.Context, key string, rec session.Record) error {
	d.mu.Lock()
	armed := d.armed
	d.armed = false
	d.mu.Unlock()
	if !armed {
		return d.Store.Save(ctx, key, rec)
	}
	if err := d.Store.Save(ctx, key, rec); err != nil {
		return err
	}
	d.hook()
	d.mu.Lock()
	d.done = true
	d.mu.Unlock()
	return d.Store.Save(ctx, key, rec)
}
