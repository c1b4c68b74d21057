package sessiontest

import (
	"errors"
	"testing"
	"time"

	session "github.com/websession/session"
	"github.com/websession/session/internal/testkit"
)

// The records the expiry subtests wait out live shortLife on a test clock.
// In real time they live as long as the store needs to set them up and check
// them while they are live: probeFactor times one Save, Load and Delete of
// the store, at least minLife and at most shortLife. expiryMargin is how
// long past Expires the subtests give a store whose clock runs slightly
// behind this process's: in real time they wait until Load no longer
// returns a record that expired, for at most expiryMargin; on a test clock
// they move the clock expiryMargin past Expires.
const (
	shortLife    = 2500 * time.Millisecond
	minLife      = 500 * time.Millisecond
	probeFactor  = 40
	expiryMargin = 300 * time.Millisecond
	pollEvery    = 10 * time.Millisecond
)

// clock is the time the expiry subtests read and wait on: real time, or,
// under RunStoreWithClock, a test clock the store under test reads too,
// which the suite moves instead of sleeping.
type clock struct {
	fake *testkit.Clock // nil: real time
}

// now returns the clock's time.
func (c clock) now() time.Time {
	if c.fake != nil {
		return c.fake.Now()
	}
	return time.Now()
}

// life returns how long the records an expiry subtest waits out live. A
// test clock stands still while the subtest sets them up, so it is
// shortLife. In real time it is probeFactor times the slowest of two
// rounds of Save, Load and Delete on st (the first may open a
// connection), within minLife and shortLife.
func (c clock) life(t *testing.T, st session.Store) time.Duration {
	t.Helper()
	if c.fake != nil {
		return shortLife
	}
	var slowest time.Duration
	for range 2 {
		start := time.Now()
		key := Key(t)
		mustSave(t, st, key, record("probe", 0))
		mustLoad(t, st, key)
		if err := st.Delete(t.Context(), key); err != nil {
			t.Fatalf("Delete: %v", err)
		}
		slowest = max(slowest, time.Since(start))
	}
	return min(max(probeFactor*slowest, minLife), shortLife)
}

// sleep lets d pass on the clock: it moves a test clock by d, or sleeps.
func (c clock) sleep(d time.Duration) {
	if c.fake != nil {
		c.fake.Advance(d)
		return
	}
	time.Sleep(d)
}

// waitPast returns once the records that expire at expires have expired
// for st. sentinel is the key of one of them that the caller uses no
// more. On a test clock it moves the clock expiryMargin past expires. In
// real time it sleeps until expires, then loads sentinel until st reports
// it missing, for at most expiryMargin more; a store that still returns
// it then is caught by the subtests that follow.
func (c clock) waitPast(t *testing.T, st session.Store, expires time.Time, sentinel string) {
	t.Helper()
	if c.fake != nil {
		c.fake.Advance(expires.Add(expiryMargin).Sub(c.fake.Now()))
		return
	}
	time.Sleep(time.Until(expires))
	for deadline := expires.Add(expiryMargin); ; time.Sleep(pollEvery) {
		_, err := st.Load(t.Context(), sentinel)
		if errors.Is(err, session.ErrNotFound) || time.Now().After(deadline) {
			return
		}
	}
}
