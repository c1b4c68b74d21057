package memstore

import (
	"container/heap"
	"context"
	"fmt"
	"time"

	"github.com/websession/session/internal/sweep"
)

// DeleteExpired drops every expired record and reports how many it
// dropped. It costs O(k log n) for k expired records out of n.
func (s *Store) DeleteExpired(ctx context.Context) (int, error) {
	if err := ctx.Err(); err != nil {
		return 0, fmt.Errorf("memstore: %w", err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.dropExpired(s.now()), nil
}

// Run calls DeleteExpired every interval until ctx is done, then returns
// ctx's error. Start it in a goroutine you own; the store never starts one:
//
//	go st.Run(ctx, time.Minute)
//
// An interval <= 0 selects one minute.
func (s *Store) Run(ctx context.Context, interval time.Duration) error {
	// DeleteExpired fails only when ctx is done, which the loop sees next.
	return sweep.Run(ctx, interval, time.Minute, s.DeleteExpired, nil)
}

// Len reports how many records the store holds, counting expired records
// not yet dropped.
func (s *Store) Len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.records)
}

// dropExpired removes the records expired at now and reports how many.
// Call with s.mu held.
func (s *Store) dropExpired(now time.Time) int {
	n := 0
	for len(s.byExpiry) > 0 && !now.Before(s.byExpiry[0].expires) {
		s.remove(s.byExpiry[0])
		n++
	}
	return n
}

// expiryHeap orders entries by expiry, soonest first, so expired records
// are found without scanning the whole store. It implements heap.Interface.
type expiryHeap []*entry

func (h expiryHeap) Len() int           { return len(h) }
func (h expiryHeap) Less(i, j int) bool { return h[i].expires.Before(h[j].expires) }
func (h expiryHeap) Swap(i, j int) {
	h[i], h[j] = h[j], h[i]
	h[i].index = i
	h[j].index = j
}

func (h *expiryHeap) Push(x any) {
	e := x.(*entry)
	e.index = len(*h)
	*h = append(*h, e)
}

func (h *expiryHeap) Pop() any {
	old := *h
	e := old[len(old)-1]
	old[len(old)-1] = nil
	*h = old[:len(old)-1]
	return e
}

var _ heap.Interface = (*expiryHeap)(nil)
