package sweep

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"
)

// TestRunSweepsUntilCancelled: the loop sweeps on every tick, with the
// default interval for an interval <= 0, reports the errors of sweeps and
// goes on, and returns the context's error once it is cancelled.
func TestRunSweepsUntilCancelled(t *testing.T) {
	for _, interval := range []time.Duration{time.Millisecond, 0, -time.Second} {
		ctx, cancel := context.WithCancel(t.Context())
		var sweeps, failures atomic.Int32
		errSweep := errors.New("sweep failed")
		done := make(chan error, 1)
		go func() {
			done <- Run(ctx, interval, time.Millisecond, func(context.Context) (int, error) {
				if sweeps.Add(1)%2 == 0 {
					return 0, errSweep
				}
				return 1, nil
			}, func(err error) {
				if !errors.Is(err, errSweep) {
					t.Errorf("failed got %v, want the sweep's error", err)
				}
				failures.Add(1)
			})
		}()
		for deadline := time.Now().Add(10 * time.Second); sweeps.Load() < 4; time.Sleep(time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatalf("interval %v: %d sweeps in 10s, want 4 or more", interval, sweeps.Load())
			}
		}
		cancel()
		if err := <-done; !errors.Is(err, context.Canceled) {
			t.Fatalf("interval %v: Run returned %v after its context was cancelled, want context.Canceled", interval, err)
		}
		if n := failures.Load(); n < 2 {
			t.Errorf("interval %v: %d failed sweeps reported after %d sweeps, want every second one", interval, n, sweeps.Load())
		}
	}
}

// TestRunIgnoresErrorsOfCancelledSweeps: a sweep that fails because the
// context ended is not reported; the loop returns the context's error.
func TestRunIgnoresErrorsOfCancelledSweeps(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	err := Run(ctx, time.Millisecond, time.Hour, func(ctx context.Context) (int, error) {
		cancel()
		return 0, ctx.Err()
	}, func(err error) {
		t.Errorf("failed called with %v, the error of a sweep cut short by the end of the context", err)
	})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Run returned %v, want context.Canceled", err)
	}
}

// TestRunNilFailed: errors are dropped when failed is nil.
func TestRunNilFailed(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	var sweeps atomic.Int32
	err := Run(ctx, time.Millisecond, time.Hour, func(context.Context) (int, error) {
		if sweeps.Add(1) == 3 {
			cancel()
		}
		return 0, errors.New("sweep failed")
	}, nil)
	if !errors.Is(err, context.Canceled) || sweeps.Load() != 3 {
		t.Fatalf("Run = %v after %d sweeps, want context.Canceled after 3", err, sweeps.Load())
	}
}
