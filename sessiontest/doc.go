// Package sessiontest holds test helpers for session stores and for code
// that uses sessions. Its main export is RunStore, the conformance suite
// every session.Store must pass.
//
// A store's own test runs the suite with a function that returns a fresh,
// empty store (or one isolated from other tests by a key prefix):
//
//	func TestConformance(t *testing.T) {
//		sessiontest.RunStore(t, func(t *testing.T) session.Store {
//			return memstore.New()
//		})
//	}
//
// A store that decides expiry by a clock its test can set (as
// memstore.WithNow does) runs RunStoreWithClock and
// RunConcurrentRequestsWithClock instead: the suite moves the clock past
// an expiry rather than sleeping until it.
//
//	func TestConformance(t *testing.T) {
//		sessiontest.RunStoreWithClock(t, func(t *testing.T, now func() time.Time) session.Store {
//			return memstore.New(memstore.WithNow(now))
//		})
//	}
//
// Stores backed by a service (a database, Redis) call Unavailable when the
// service cannot be reached: the test is skipped on a developer machine
// without the service and fails in CI, where env CI=true.
package sessiontest
