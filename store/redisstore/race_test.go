package redisstore

import (
	"context"
	"errors"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/websession/session"
	"github.com/websession/session/sessiontest"
)

// TestCASRace has 50 goroutines increment one counter with
// load/modify/save, retrying on ErrConflict. The Lua compare-and-set must
// apply every increment exactly once.
func TestCASRace(t *testing.T) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			st := newTestStore(t, b.client(t))
			key := sessiontest.Key(t)
			ctx, cancel := context.WithTimeout(t.Context(), 20*time.Second)
			defer cancel()

			const workers = 50
			var wg sync.WaitGroup
			errs := make(chan error, workers)
			for range workers {
				wg.Go(func() { errs <- increment(ctx, st, key) })
			}
			wg.Wait()
			close(errs)
			for err := range errs {
				if err != nil {
					t.Fatalf("increment: %v", err)
				}
			}

			rec, err := st.Load(ctx, key)
			if err != nil {
				t.Fatalf("Load: %v", err)
			}
			if got := string(rec.Data); got != strconv.Itoa(workers) {
				t.Errorf("counter = %s, want %d: increments were lost or applied twice", got, workers)
			}
			if rec.Version != workers {
				t.Errorf("version = %d, want %d (one per successful save)", rec.Version, workers)
			}
		})
	}
}

// increment adds one to the decimal counter stored under key.
func increment(ctx context.Context, st *Store, key string) error {
	for {
		rec, err := st.Load(ctx, key)
		switch {
		case errors.Is(err, session.ErrNotFound):
			rec = session.Record{Data: []byte("0")}
		case err != nil:
			return err
		}
		n, err := strconv.Atoi(string(rec.Data))
		if err != nil {
			return err
		}
		rec.Data = []byte(strconv.Itoa(n + 1))
		rec.Expires = time.Now().Add(time.Hour)
		err = st.Save(ctx, key, rec)
		if !errors.Is(err, session.ErrConflict) {
			return err
		}
	}
}
