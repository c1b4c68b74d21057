package session

import (
	"context"
	"sync"
	"time"

	"github.com/websession/session/internal/state"
)

// storeContext returns the context of a store call made while the request
// runs (checking a revocation, ending a user's sessions): see bound. Call
// stop when the calls are done.
func (m *Manager) storeContext(req context.Context) *boundedContext {
	return m.bound(new(boundedContext), req, false)
}

// bound makes c the context of store calls made for req and returns it:
// the request's own, bounded by its deadline, or Config.StoreTimeout from
// now when it has none, so a hung store costs the request a known time.
// A detached context (a commit's) is not cancelled when the visitor goes
// away, so a save once started is finished. c is a boundedContext never
// used before, perhaps a field of the request's Session; call its stop
// when the calls are done.
func (m *Manager) bound(c *boundedContext, req context.Context, detached bool) *boundedContext {
	deadline, ok := req.Deadline()
	if !ok {
		deadline = time.Now().Add(m.cfg.StoreTimeout)
	}
	c.parent, c.deadline, c.detached = req, deadline, detached
	return c
}

// boundedContext is a request's context with a deadline. It behaves as
// context.WithDeadline's context does, but starts the timer that closes
// Done only when a store first asks for Done: a store that waits on the
// network asks at once, an in-process store never does, and to it the
// timer and the contexts that context.WithDeadline allocates would cost as
// much as the store call itself. Until then, Err compares the clock with
// the deadline.
type boundedContext struct {
	parent   context.Context
	deadline time.Time
	detached bool // from the parent's cancellation (a commit)

	mu      sync.Mutex
	timed   context.Context // context.WithDeadline's, made by the first Done
	cancel  context.CancelFunc
	stopped bool
}

// closed is the Done channel of a context stopped before anyone asked.
var closed = func() chan struct{} { c := make(chan struct{}); close(c); return c }()

var _ context.Context = (*boundedContext)(nil)

// Deadline returns the deadline.
func (c *boundedContext) Deadline() (time.Time, bool) { return c.deadline, true }

// Done returns a channel closed at the deadline, when the parent is done,
// or at stop.
func (c *boundedContext) Done() <-chan struct{} {
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
// context.Canceled after stop; nil before.
func (c *boundedContext) Err() error {
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
	if !time.Now().Before(c.deadline) {
		return context.DeadlineExceeded
	}
	return nil
}

// Value returns the parent's value for key, or once Done was asked for,
// that of the context with the deadline, so context.Cause finds its cause.
func (c *boundedContext) Value(key any) any {
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
func (c *boundedContext) detach() context.Context {
	if c.detached {
		return context.WithoutCancel(c.parent)
	}
	return c.parent
}

// stop ends c, as a context.CancelFunc does, and releases the timer if
// Done started one.
func (c *boundedContext) stop() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.stopped = true
	if c.cancel != nil {
		c.cancel()
	}
}

// tokenAge is how long a record keeps the token of a save: longer than
// any commit of this Manager may take to learn whether its save landed.
func (m *Manager) tokenAge() time.Duration {
	return max(state.MinTokenAge, 2*m.cfg.StoreTimeout)
}
