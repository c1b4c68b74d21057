package redisstore

import (
	"context"
	"slices"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"
)

// batcher sends the commands of concurrent callers in pipelines when the
// connection is busy: up to max commands or pipelines are on the wire at
// once; a command that arrives while all of them are busy waits in a queue,
// and when one finishes, the first waiting caller sends everything queued so
// far as one pipeline. A busy server then sees a few large writes instead of
// one small write per command, which saves two system calls per command on
// each side, the main cost of a session request on Redis.
//
// A lone command is sent as it is, so a quiet store costs exactly what it
// did without batching. The callers do the work: a goroutine is started
// only to send a batch whose first caller's context ended.
//
// A waiting caller stops waiting at its deadline. One timer serves every
// waiting caller that has one, set for the earliest of their deadlines:
// waiting on each caller's ctx.Done would start a timer per command (a
// session's store context starts its timer only when asked for Done),
// which cost a busy store more than the pipelining saved. A caller whose
// context has no deadline stops waiting when ctx is done.
type batcher struct {
	client redis.UniversalClient
	max    int

	mu       sync.Mutex
	inflight int
	queue    []*queued
	waiting  []*queued   // callers with a deadline, until woken
	timer    *time.Timer // runs expire at timerAt
	timerAt  time.Time   // zero when the timer is not set
}

// queued is a command waiting for a turn. lead receives, exactly once, the
// batch its caller must send (its own command first), or nil once another
// caller has sent the command and the reply is in it, or nil when the
// caller's deadline has passed (late set).
type queued struct {
	ctx      context.Context
	cmd      redis.Cmder
	lead     chan []*queued
	deadline time.Time // zero: none, so the caller waits on ctx.Done
	leads    bool      // the batch goes to this caller to send (set under mu)
	woken    bool      // lead has been sent to (set under mu)
	late     bool      // woken at its deadline (set under mu)
}

// defaultMaxInFlight is how many commands or pipelines one Store keeps on
// the wire before it queues. Measured on loopback with 16 concurrent
// visitors: fewer leaves the connection idle between batches, more makes
// batches small again.
const defaultMaxInFlight = 2

// process sends cmd, alone or in a pipeline with other callers' commands,
// and returns its error. The reply is in cmd. A caller waiting in the
// queue, or for a pipeline another caller sent, stops waiting at its
// deadline, so a hung server costs it no more than that; a caller whose
// ctx has no deadline stops waiting when ctx is done.
func (b *batcher) process(ctx context.Context, cmd redis.Cmder) error {
	b.mu.Lock()
	if b.inflight < b.max {
		b.inflight++
		b.mu.Unlock()
		err := b.client.Process(ctx, cmd)
		b.next()
		return err
	}
	q := &queued{ctx: ctx, cmd: cmd, lead: make(chan []*queued, 1)}
	b.queue = append(b.queue, q)
	if deadline, ok := ctx.Deadline(); ok {
		q.deadline = deadline
		b.waiting = append(b.waiting, q)
		b.wakeBy(deadline)
	}
	b.mu.Unlock()
	var done <-chan struct{} // nil, never ready, for a caller the timer wakes
	if q.deadline.IsZero() {
		done = ctx.Done()
	}
	select {
	case batch := <-q.lead:
		if batch != nil {
			b.send(ctx, batch)
			b.next()
		} else if q.late { // read after the receive: set before the send
			return deadlineErr(ctx)
		}
		return cmd.Err()
	case <-done:
	}
	if b.leave(q) {
		return ctx.Err()
	}
	// Taken from the queue meanwhile: as a member of a batch another
	// caller sends, which needs nothing more of this one; or as the one
	// to send it, which the others wait for: sent then without this
	// caller waiting for the reply.
	b.mu.Lock()
	leads := q.leads
	b.mu.Unlock()
	if leads {
		batch := <-q.lead // handed over as soon as next unlocks
		go func() {
			b.send(ctx, batch)
			b.next()
		}()
	}
	return ctx.Err()
}

// deadlineErr is the error of a caller woken at its deadline: ctx's own,
// or context.DeadlineExceeded when ctx's timer has not fired yet.
func deadlineErr(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	return context.DeadlineExceeded
}

// leave takes q out of the queue and reports whether it was still there.
func (b *batcher) leave(q *queued) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.dequeue(q)
}

// dequeue is leave with b.mu held.
func (b *batcher) dequeue(q *queued) bool {
	i := slices.Index(b.queue, q)
	if i < 0 {
		return false
	}
	b.queue = slices.Delete(b.queue, i, i+1)
	return true
}

// wake sends v to q's caller, unless it was woken already, and stops
// watching its deadline. b.mu is held.
func (b *batcher) wake(q *queued, v []*queued) {
	if q.woken {
		return
	}
	q.woken = true
	if !q.deadline.IsZero() {
		if i := slices.Index(b.waiting, q); i >= 0 {
			b.waiting = slices.Delete(b.waiting, i, i+1)
		}
	}
	q.lead <- v // buffered, and sent to once
}

// wakeBy makes sure the timer runs expire no later than t. b.mu is held.
func (b *batcher) wakeBy(t time.Time) {
	if !b.timerAt.IsZero() && !t.Before(b.timerAt) {
		return
	}
	b.timerAt = t
	if b.timer == nil {
		b.timer = time.AfterFunc(time.Until(t), b.expire)
	} else {
		b.timer.Reset(time.Until(t))
	}
}

// expire wakes the waiting callers whose deadline has passed, taking those
// still queued out of the queue, and sets the timer for the earliest
// deadline left.
func (b *batcher) expire() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.timerAt = time.Time{}
	now := time.Now()
	var next time.Time
	for _, q := range slices.Clone(b.waiting) {
		if q.deadline.After(now) {
			if next.IsZero() || q.deadline.Before(next) {
				next = q.deadline
			}
			continue
		}
		b.dequeue(q)
		q.late = true
		b.wake(q, nil)
	}
	if !next.IsZero() {
		b.wakeBy(next)
	}
}

// send sends batch as one pipeline and wakes the callers whose commands it
// holds. Another caller's cancelled request must not fail the batch, so it
// runs without the cancellation of ctx, but with the latest deadline of
// its callers: none of them waits past its own.
func (b *batcher) send(ctx context.Context, batch []*queued) {
	pipe := b.client.Pipeline()
	for _, q := range batch {
		pipe.Process(ctx, q.cmd) // queues; errors come back from Exec in each command
	}
	sendCtx := context.WithoutCancel(ctx)
	if deadline, ok := latestDeadline(batch); ok {
		var cancel context.CancelFunc
		sendCtx, cancel = context.WithDeadline(sendCtx, deadline)
		defer cancel()
	}
	pipe.Exec(sendCtx)
	b.mu.Lock()
	for _, q := range batch[1:] {
		b.wake(q, nil)
	}
	b.mu.Unlock()
}

// latestDeadline returns the latest deadline of the batch's callers, or
// false when one of them has none.
func latestDeadline(batch []*queued) (time.Time, bool) {
	var latest time.Time
	for _, q := range batch {
		d, ok := q.ctx.Deadline()
		if !ok {
			return time.Time{}, false
		}
		if d.After(latest) {
			latest = d
		}
	}
	return latest, true
}

// next hands what queued up meanwhile to its first caller, or frees the
// slot when nothing did.
func (b *batcher) next() {
	b.mu.Lock()
	defer b.mu.Unlock()
	if len(b.queue) == 0 {
		b.inflight--
		return
	}
	batch := b.queue
	b.queue = nil
	batch[0].leads = true
	b.wake(batch[0], batch)
}
