package session

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"
)

// retryConflicts runs try until it returns anything but ErrConflict: a
// compare-and-set that lost to another request is tried again on what that
// request saved, after a random pause that grows with each try, so a burst
// of one visitor's requests spreads out instead of colliding again. It
// gives up with ctx's error when ctx ends (Config.StoreTimeout bounds it),
// never after a number of tries.
func retryConflicts(ctx context.Context, try func() error) error {
	for n := 0; ; n++ {
		if n > 0 {
			if err := conflictPause(ctx, n); err != nil {
				return fmt.Errorf("%w: still losing to other requests when the time ran out (%w)", ErrConflict, err)
			}
		}
		if err := try(); !errors.Is(err, ErrConflict) {
			return err
		}
	}
}

// conflictPause waits a random pause that grows with try, up to 10 ms.
func conflictPause(ctx context.Context, try int) error {
	pause := time.Duration(rand.Int64N(int64(min(try, 10)) * int64(time.Millisecond)))
	t := time.NewTimer(pause)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// noConflict keeps err from reading as a lost race to retryConflicts: a
// save that can only conflict through a bug must fail, not loop.
func noConflict(err error) error {
	if errors.Is(err, ErrConflict) {
		return fmt.Errorf("unexpected version conflict: %s", err.Error())
	}
	return err
}
