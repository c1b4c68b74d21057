package session

import (
	"context"
	"time"

	"github.com/websession/session/internal/state"
)

// storeContext returns the context of a store call made while the request
// runs (loading the session, checking a revocation): the request's own,
// bounded by Config.StoreTimeout when it has no deadline.
func (m *Manager) storeContext(req context.Context) (context.Context, context.CancelFunc) {
	if _, ok := req.Deadline(); ok {
		return context.WithCancel(req)
	}
	return context.WithTimeout(req, m.cfg.StoreTimeout)
}

// commitContext returns the context of a commit: not cancelled when the
// visitor goes away, so a save once started is finished, but bounded by
// the request's deadline, or Config.StoreTimeout when it has none, so a
// hung store costs the request a known time.
func (m *Manager) commitContext(req context.Context) (context.Context, context.CancelFunc) {
	base := context.WithoutCancel(req)
	if deadline, ok := req.Deadline(); ok {
		return context.WithDeadline(base, deadline)
	}
	return context.WithTimeout(base, m.cfg.StoreTimeout)
}

// tokenAge is how long a record keeps the token of a save: longer than
// any commit of this Manager may take to learn whether its save landed.
func (m *Manager) tokenAge() time.Duration {
	return max(state.MinTokenAge, 2*m.cfg.StoreTimeout)
}
