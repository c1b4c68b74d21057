package session

import (
	"context"
	"time"

	"github.com/websession/session/internal/deadline"
	"github.com/websession/session/internal/state"
)

// storeContext returns the context of a store call made while the request
// runs (checking a revocation, ending a user's sessions): see bound. Call
// Stop when the calls are done.
func (m *Manager) storeContext(req context.Context) *deadline.Context {
	return m.bound(new(deadline.Context), req, false, time.Time{})
}

// bound makes c the context of store calls made for req and returns it:
// the request's own, bounded by its deadline, or else by Config.StoreTimeout
// from now (a reading of Config.Now if that is the real clock, or zero), so
// a hung store costs the request a known time. A detached context (a
// commit's) outlives the visitor: a save once started is finished. c is a
// deadline.Context never used before, perhaps a field of the request's
// Session, whose timer starts only when a store waits on it; call Stop.
func (m *Manager) bound(c *deadline.Context, req context.Context, detached bool, now time.Time) *deadline.Context {
	end, ok := req.Deadline()
	if !ok {
		if !m.cfg.realClock || now.IsZero() {
			now = time.Now()
		}
		end = now.Add(m.cfg.StoreTimeout)
	}
	return c.Start(req, end, detached)
}

// tokenAge is how long a record keeps the token of a save: longer than
// any commit of this Manager may take to learn whether its save landed.
func (m *Manager) tokenAge() time.Duration {
	return max(state.MinTokenAge, 2*m.cfg.StoreTimeout)
}
