package retry

import (
	"context"
	"hash/maphash"
	"sync"
)

// Queues line up, within one process, the commits of one session
// that lost a race: a commit whose Update found its key changed waits in
// its session's queue and then tries again at once, while requests that
// arrive meanwhile make one attempt before they join the queue. So with
// many concurrent writers of one session a commit waits its turn instead
// of losing round after round to the others until its time runs out.
// Sessions share queues by hash; a queue is a semaphore, so a wait ends
// with the commit's context.
type Queues struct {
	once sync.Once
	seed maphash.Seed
	sems [queueCount]chan struct{}
}

// queueCount is how many queues a Manager has.
const queueCount = 64

// Acquire waits for the queue of the session stored under key and returns
// the function that leaves it, or ctx's error when ctx ends first.
func (q *Queues) Acquire(ctx context.Context, key string) (release func(), err error) {
	q.once.Do(func() {
		q.seed = maphash.MakeSeed()
		for i := range q.sems {
			q.sems[i] = make(chan struct{}, 1)
		}
	})
	sem := q.sems[maphash.String(q.seed, key)%queueCount]
	select {
	case sem <- struct{}{}:
		return func() { <-sem }, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}
