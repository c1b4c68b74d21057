package sessiontest

import (
	"errors"
	"fmt"
	"strconv"
	"sync"
	"testing"

	session "github.com/websession/session"
)

// The subtests in this file check that compare-and-set holds under
// concurrent writers. Run them with -race.

// increment adds one to the decimal counter stored under key with a
// load/modify/save loop, retrying on session.ErrConflict. A missing record
// counts as 0. It gives up after maxTries attempts.
func increment(t testing.TB, st session.Store, key string, maxTries int) error {
	for range maxTries {
		rec, err := st.Load(t.Context(), key)
		switch {
		case errors.Is(err, session.ErrNotFound):
			rec = session.Record{Data: []byte("0")}
		case err != nil:
			return fmt.Errorf("store Load: %w", err)
		}
		n, err := strconv.Atoi(string(rec.Data))
		if err != nil {
			return fmt.Errorf("stored counter is not a number: %s", preview(rec.Data))
		}
		next := record(strconv.Itoa(n+1), rec.Version)
		err = st.Save(t.Context(), key, next)
		if errors.Is(err, session.ErrConflict) {
			continue
		}
		if err != nil {
			return fmt.Errorf("store Save: %w", err)
		}
		return nil
	}
	return fmt.Errorf("no increment applied after %d conflicting attempts", maxTries)
}

func testConcurrentCAS(t *testing.T, st session.Store) {
	const workers = 50
	key := Key(t)
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	for range workers {
		wg.Go(func() {
			if err := increment(t, st, key, 10*workers); err != nil {
				errs <- err
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	got := mustLoad(t, st, key)
	if string(got.Data) != strconv.Itoa(workers) || got.Version != workers {
		t.Fatalf("after %d concurrent increments: counter %s at version %d, want %d at version %d (lost or doubled updates)",
			workers, preview(got.Data), got.Version, workers, workers)
	}
}

func testConcurrentKeys(t *testing.T, st session.Store) {
	const workers, saves = 16, 10
	keys := make([]string, workers)
	for i := range keys {
		keys[i] = Key(t)
	}
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	for i, key := range keys {
		wg.Go(func() {
			for v := range uint64(saves) {
				rec := record(fmt.Sprintf("worker %d save %d", i, v+1), v)
				if err := st.Save(t.Context(), key, rec); err != nil {
					errs <- fmt.Errorf("worker %d: Save(version %d) on its own key: %w", i, v, err)
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	for i, key := range keys {
		got := mustLoad(t, st, key)
		want := fmt.Sprintf("worker %d save %d", i, saves)
		if string(got.Data) != want || got.Version != saves {
			t.Errorf("key of worker %d: %s at version %d, want %q at version %d",
				i, preview(got.Data), got.Version, want, saves)
		}
	}
}
