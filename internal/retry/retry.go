// Package retry runs a compare-and-set that lost to another request again,
// on what that request saved, until it wins or its time runs out, and lines
// up the losers of one session within a process.
package retry

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/websession/session/internal/state"
)

// Conflicts runs try until it returns anything but state.ErrConflict,
// calling wait before each further try with the number of tries so far. It
// gives up when wait fails, which it does when ctx ends (a Manager's
// StoreTimeout bounds it), never after a number of tries.
func Conflicts(ctx context.Context, try func() error, wait func(ctx context.Context, tries int) error) error {
	for n := 1; ; n++ {
		if err := try(); !errors.Is(err, state.ErrConflict) {
			return err
		}
		if err := wait(ctx, n); err != nil {
			return timedOut(err)
		}
	}
}

// timedOut is the error of a commit that lost races until err ended its
// wait. Apart from Conflicts, so that Conflicts is small enough to inline,
// and the functions it is given need no allocation.
func timedOut(err error) error {
	return fmt.Errorf("%w: still losing to other requests when the time ran out (%w)", state.ErrConflict, err)
}

// Pause waits a random pause that grows with tries, up to 10 ms, so a burst
// of one visitor's requests spreads out instead of colliding again. It
// returns ctx's error when ctx ends first.
func Pause(ctx context.Context, tries int) error {
	return Wait(ctx, time.Duration(rand.Int64N(int64(min(tries, 10))*int64(time.Millisecond))))
}

// Wait waits d, or until ctx ends, and then returns ctx's error.
func Wait(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// NoConflict keeps err from reading as a lost race to Conflicts: a save
// that can only conflict through a bug must fail, not loop.
func NoConflict(err error) error {
	if errors.Is(err, state.ErrConflict) {
		return fmt.Errorf("unexpected version conflict: %s", err.Error())
	}
	return err
}
