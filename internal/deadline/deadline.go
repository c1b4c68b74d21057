// Package deadline provides Context, a context with a deadline that starts
// its timer only when someone waits on it. The session Manager bounds every
// store call with one: a store that waits on the network asks for Done at
// once, an in-process store never does, and to it the timer and the
// contexts context.WithDeadline allocates would cost as much as the store
// call itself.
package deadline

import (
	"context"
	"sync"
	"time"
)

// Context is a context with a deadline. It behaves as
// context.WithDeadline's context does, but starts the timer that closes
// Done only when Done is first asked for; until then, Err compares the
// clock with the deadline. The zero value is not usable: call Start.
type Context struct {
	parent   context.Context
	deadline time.Time
	detached bool // from the parent's cancellation

	mu      sync.Mutex
	timed   context.Context // context.WithDeadline's, made by the first Done
	cancel  context.CancelFunc
	stopped bool
}

// closed is the Done channel of a context stopped before anyone asked.
var closed = func() chan struct{} { c := make(chan struct{}); close(c); return c }()

var _ context.Context = (*Context)(nil)

// Start makes c, a Context never used before, the context of parent ending
// at deadline, and returns it. A detached context is not cancelled with
// its parent, though it keeps the parent's values. Call Stop when done.
func (c *Context) Start(parent context.Context, deadline time.Time, detached bool) *Context {
	c.parent, c.deadline, c.detached = parent, deadline, detached
	return c
}

// Deadline returns the deadline.
func (c *Context) Deadline() (time.Time, bool) { return c.deadline, true }

// Done returns a channel closed at the deadline, when the parent is done
// (unless c is detached), or at Stop.
func (c *Context) Done() <-chan struct{} {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.timed == nil {
		if c.stopped {
			return closed
		}
		c.timed, c.cancel = context.WithDeadline(c.detach(), c.deadline)
	}
	return c.timed.Done()
}

// Err returns the parent's error once it is done (unless c is detached),
// context.DeadlineExceeded once the deadline has passed, or
// context.Canceled after Stop; nil before.
func (c *Context) Err() error {
	c.mu.Lock()
	timed, stopped := c.timed, c.stopped
	c.mu.Unlock()
	if timed != nil {
		return timed.Err()
	}
	if !c.detached {
		if err := c.parent.Err(); err != nil {
			return err
		}
	}
	if stopped {
		return context.Canceled
	}
	if time.Until(c.deadline) <= 0 { // one clock read when the deadline has a monotonic reading
		return context.DeadlineExceeded
	}
	return nil
}

// Value returns the parent's value for key, or once Done was asked for,
// that of the context with the deadline, so context.Cause finds its cause.
func (c *Context) Value(key any) any {
	c.mu.Lock()
	timed := c.timed
	c.mu.Unlock()
	if timed != nil {
		return timed.Value(key)
	}
	return c.detach().Value(key)
}

// detach returns the parent, or when c is detached, the parent without
// its cancellation.
func (c *Context) detach() context.Context {
	if c.detached {
		return context.WithoutCancel(c.parent)
	}
	return c.parent
}

// Stop ends c, as a context.CancelFunc does, and releases the timer if
// Done started one.
func (c *Context) Stop() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.stopped = true
	if c.cancel != nil {
		c.cancel()
	}
}
