package redisstore

import (
	"context"
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
// only to send a batch whose first caller's time ran out.
type batcher struct {
	client redis.UniversalClient
	max    int

	mu       sync.Mutex
	inflight int
	queue    []*queued
}

// queued is a command waiting for a turn. lead receives the batch its
// caller must send (its own command first), or nil once another caller has
// sent the command and the reply is in it.
type queued struct {
	ctx   context.Context
	cmd   redis.Cmder
	lead  chan []*queued
	leads bool // the batch goes to this caller to send (set under mu)
}

// defaultMaxInFlight is how many commands or pipelines one Store keeps on
// the wire before it queues. Measured on loopback with 16 concurrent
// visitors: fewer leaves the connection idle between batches, more makes
// batches small again.
const defaultMaxInFlight = 2

// process sends cmd, alone or in a pipeline with other callers' commands,
// and returns its error. The reply is in cmd. A caller waiting in the
// queue, or for a pipeline another caller sent, stops waiting when ctx is
// done, so a hung server costs it no more than its own deadline.
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
	b.mu.Unlock()
	select {
	case batch := <-q.lead:
		if batch != nil {
			b.send(ctx, batch)
			b.next()
		}
		return cmd.Err()
	case <-ctx.Done():
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

// leave takes q out of the queue and reports whether it was still there.
func (b *batcher) leave(q *queued) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	for i, other := range b.queue {
		if other == q {
			b.queue = append(b.queue[:i:i], b.queue[i+1:]...)
			return true
		}
	}
	return false
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
	for _, q := range batch[1:] {
		q.lead <- nil
	}
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
	if len(b.queue) == 0 {
		b.inflight--
		b.mu.Unlock()
		return
	}
	batch := b.queue
	b.queue = nil
	batch[0].leads = true
	b.mu.Unlock()
	batch[0].lead <- batch
}
