// Package combine joins the changes that requests of one session commit
// at the same time, in one process, into one store call: while a change
// to a session is being applied, the changes to it that arrive wait, and
// go together, merged into one, as soon as it is done. Thirty-two
// requests writing one session at once then cost the store a few calls,
// not thirty-two that each read and rewrite the record.
package combine

import (
	"context"
	"slices"
	"sync"

	"github.com/websession/session/internal/state"
)

// Combiner joins changes by store key. The zero value is ready to use.
type Combiner[R any] struct {
	mu   sync.Mutex
	busy map[string]*batch[R] // keys being applied, each with the batch that waits for it (nil: none yet)
}

// batch is the changes to one key that wait for the call in flight.
type batch[R any] struct {
	changes []*state.Change
	started bool
	done    chan struct{} // closed when the batch's call returned
	res     R
	err     error
}

// ApplyFunc applies one change to the record of a key and returns the
// store's result.
type ApplyFunc[R any] func(ctx context.Context, ch *state.Change) (R, error)

// Do applies ch with apply: at once when no change to key is being applied
// by this Combiner, otherwise as soon as it is done, joined with the other
// changes that arrived meanwhile (see state.Join) in one call of apply,
// made with a context from background. It returns the result of the call
// that carried ch. When ctx ends before that call starts, ch is dropped
// and Do returns ctx's error; when it ends after, Do returns ctx's error
// at once, and ch may be applied, as with a store call that timed out.
// Only changes that state.Change.Joinable accepts may be given.
func (c *Combiner[R]) Do(ctx context.Context, key string, ch *state.Change, apply ApplyFunc[R], background func() (context.Context, context.CancelFunc)) (R, error) {
	c.mu.Lock()
	if c.busy == nil {
		c.busy = make(map[string]*batch[R])
	}
	next, busy := c.busy[key]
	if !busy {
		c.busy[key] = nil
		c.mu.Unlock()
		res, err := apply(ctx, ch)
		c.finish(key, apply, background)
		return res, err
	}
	if next == nil {
		next = &batch[R]{done: make(chan struct{})}
		c.busy[key] = next
	}
	next.changes = append(next.changes, ch)
	c.mu.Unlock()

	select {
	case <-next.done:
		return next.res, next.err
	case <-ctx.Done():
		c.mu.Lock()
		if !next.started {
			next.changes = slices.DeleteFunc(next.changes, func(x *state.Change) bool { return x == ch })
		}
		c.mu.Unlock()
		var zero R
		return zero, ctx.Err()
	}
}

// finish ends the call in flight for key: it starts the batch waiting
// for it, in a goroutine of its own, or marks key idle.
func (c *Combiner[R]) finish(key string, apply ApplyFunc[R], background func() (context.Context, context.CancelFunc)) {
	c.mu.Lock()
	b := c.busy[key]
	if b == nil {
		delete(c.busy, key)
		c.mu.Unlock()
		return
	}
	c.busy[key] = nil // still busy: b's call is in flight
	b.started = true
	c.mu.Unlock()
	go func() {
		if len(b.changes) > 0 {
			b.res, b.err = callJoined(b.changes, apply, background)
		}
		close(b.done)
		c.finish(key, apply, background)
	}()
}

// callJoined applies changes joined into one.
func callJoined[R any](changes []*state.Change, apply ApplyFunc[R], background func() (context.Context, context.CancelFunc)) (R, error) {
	joined, err := state.Join(changes)
	if err != nil {
		var zero R
		return zero, err
	}
	ctx, cancel := background()
	defer cancel()
	return apply(ctx, joined)
}
