// Package sweep holds the loop behind the Run methods of memstore and
// filestore: a store's DeleteExpired called on a timer, in a goroutine the
// caller owns, until the caller's context ends.
package sweep

import (
	"context"
	"time"
)

// Run calls sweep every interval until ctx is done, then returns ctx's
// error. An interval <= 0 selects def. The first sweep runs one interval
// after Run starts.
//
// An error of a sweep does not stop the loop: it is passed to failed,
// unless ctx is done by then (the loop then returns, as it would at the
// next tick). failed may be nil, to ignore errors.
func Run(ctx context.Context, interval, def time.Duration, sweep func(context.Context) (int, error), failed func(error)) error {
	if interval <= 0 {
		interval = def
	}
	tick := time.NewTicker(interval)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-tick.C:
			if _, err := sweep(ctx); err != nil && ctx.Err() == nil && failed != nil {
				failed(err)
			}
		}
	}
}
