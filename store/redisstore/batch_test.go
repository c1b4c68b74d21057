package redisstore

import (
	"context"
	"errors"
	"fmt"
	"net"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/websession/session"
	"github.com/websession/session/sessiontest"
)

// gate is a client hook that holds the first HMGET (a Load) sent alone until
// released, and records the size of every pipeline the store sends. Armed
// for pipelines too, it holds the first pipeline of loads the same way.
type gate struct {
	armed       atomic.Bool
	held        chan struct{}
	release     chan struct{}
	pipeArmed   atomic.Bool
	pipeHeld    chan struct{}
	pipeRelease chan struct{}
	mu          sync.Mutex
	pipelines   []int
}

func newGate() *gate {
	return &gate{
		held: make(chan struct{}), release: make(chan struct{}),
		pipeHeld: make(chan struct{}), pipeRelease: make(chan struct{}),
	}
}

func (g *gate) DialHook(next redis.DialHook) redis.DialHook {
	return func(ctx context.Context, network, addr string) (net.Conn, error) { return next(ctx, network, addr) }
}

func (g *gate) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		if cmd.Name() == "hmget" && g.armed.CompareAndSwap(true, false) {
			close(g.held)
			<-g.release
		}
		return next(ctx, cmd)
	}
}

func (g *gate) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error {
		if len(cmds) > 0 && cmds[0].Name() == "hmget" { // not a new connection's handshake
			g.mu.Lock()
			g.pipelines = append(g.pipelines, len(cmds))
			g.mu.Unlock()
			if g.pipeArmed.CompareAndSwap(true, false) {
				close(g.pipeHeld)
				<-g.pipeRelease
			}
		}
		return next(ctx, cmds)
	}
}

// queued returns how many commands wait in the store's batcher.
func queuedCommands(st *Store) int {
	st.batch.mu.Lock()
	defer st.batch.mu.Unlock()
	return len(st.batch.queue)
}

func TestBusyStorePipelinesQueuedCommands(t *testing.T) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			client := b.client(t)
			g := newGate()
			client.AddHook(g)
			st, err := New(client, WithPrefix(randomPrefix(t)), WithMaxInFlight(1))
			if err != nil {
				t.Fatal(err)
			}
			const n = 20
			keys := make([]string, n)
			for i := range keys {
				keys[i] = sessiontest.Key(t)
				rec := session.Record{Data: fmt.Appendf(nil, "record %d", i), Expires: time.Now().Add(time.Hour), User: "u"}
				if err := st.Save(t.Context(), keys[i], rec); err != nil {
					t.Fatal(err)
				}
			}
			g.mu.Lock()
			g.pipelines = nil
			g.mu.Unlock()

			g.armed.Store(true)
			results := make([]string, n)
			var wg sync.WaitGroup
			load := func(i int, ctx context.Context) {
				rec, err := st.Load(ctx, keys[i])
				if err != nil {
					results[i] = err.Error()
					return
				}
				results[i] = string(rec.Data)
			}
			wg.Go(func() { load(0, t.Context()) })
			<-g.held // the first load is on the wire, alone
			gaveUp, cancel := context.WithCancel(t.Context())
			for i := 1; i < n; i++ {
				ctx := t.Context()
				if i == 1 {
					ctx = gaveUp // the first in the queue: its visitor leaves
				}
				wg.Go(func() { load(i, ctx) })
				for queuedCommands(st) < i { // queue in a known order
					time.Sleep(time.Millisecond)
				}
			}
			cancel()
			for queuedCommands(st) != n-2 { // it leaves the queue at once
				time.Sleep(time.Millisecond)
			}
			close(g.release)
			wg.Wait()

			for i, got := range results {
				want := fmt.Sprintf("record %d", i)
				if i == 1 {
					want = "redisstore: load: " + context.Canceled.Error()
				}
				if got != want {
					t.Errorf("load %d got %q, want %q", i, got, want)
				}
			}
			g.mu.Lock()
			defer g.mu.Unlock()
			total := 0
			for _, size := range g.pipelines {
				total += size
			}
			if len(g.pipelines) != 1 || total != n-2 {
				t.Fatalf("the %d loads still queued behind a busy one went out as pipelines of %v, want one of %d", n-2, g.pipelines, n-2)
			}
		})
	}
}

// gatedStore returns a Store on a single node that keeps one command on
// the wire (WithMaxInFlight(1)), the gate on its client, and the key of a
// record it saved.
func gatedStore(t *testing.T) (*Store, *gate, string) {
	t.Helper()
	client := singleClient(t)
	g := newGate()
	client.AddHook(g)
	st, err := New(client, WithPrefix(randomPrefix(t)), WithMaxInFlight(1))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { deletePrefix(client, st.prefix) })
	key := sessiontest.Key(t)
	if err := st.Save(t.Context(), key, session.Record{Data: []byte("x"), Expires: time.Now().Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	return st, g, key
}

// loadAsync loads key in a goroutine, within timeout when it is not 0, and
// returns where its error arrives.
func loadAsync(t *testing.T, st *Store, key string, timeout time.Duration) <-chan error {
	done := make(chan error, 1)
	go func() {
		ctx, cancel := t.Context(), context.CancelFunc(func() {})
		if timeout > 0 {
			ctx, cancel = context.WithTimeout(ctx, timeout)
		}
		defer cancel()
		_, err := st.Load(ctx, key)
		done <- err
	}()
	return done
}

// expectDeadline fails t unless bounded delivers context.DeadlineExceeded
// within 30 s; what names the load in the failure.
func expectDeadline(t *testing.T, bounded <-chan error, what string) {
	t.Helper()
	select {
	case err := <-bounded:
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("%s, past its deadline, returned %v; want context.DeadlineExceeded", what, err)
		}
	case <-time.After(30 * time.Second):
		t.Fatalf("%s still waits 30 s after its deadline", what)
	}
}

// TestQueuedCallerStopsAtItsDeadline holds the one command on the wire, as
// a hung server would: a call queued behind it returns when its deadline
// passes, not when the held command returns, and a call queued after it
// is sent as soon as the wire is free.
func TestQueuedCallerStopsAtItsDeadline(t *testing.T) {
	st, g, key := gatedStore(t)
	g.armed.Store(true)
	var wg sync.WaitGroup
	defer wg.Wait()
	released := false
	release := func() {
		if !released {
			released = true
			close(g.release)
		}
	}
	defer release()
	wg.Go(func() { st.Load(t.Context(), key) })
	<-g.held

	bounded := loadAsync(t, st, key, 200*time.Millisecond)
	for queuedCommands(st) < 1 {
		time.Sleep(time.Millisecond)
	}
	later := loadAsync(t, st, key, 0)
	for queuedCommands(st) < 2 {
		time.Sleep(time.Millisecond)
	}
	expectDeadline(t, bounded, "a queued load with a 200 ms deadline, behind a command held on the wire,")
	release()
	if err := <-later; err != nil {
		t.Fatalf("the load queued after the one that gave up: %v", err)
	}
}

func TestQuietStoreSendsCommandsAlone(t *testing.T) {
	client := singleClient(t)
	g := newGate()
	client.AddHook(g)
	st := newTestStore(t, client)
	key := sessiontest.Key(t)
	for v := range uint64(5) {
		if err := st.Save(t.Context(), key, session.Record{Data: []byte("x"), Expires: time.Now().Add(time.Hour), Version: v}); err != nil {
			t.Fatal(err)
		}
		if _, err := st.Load(t.Context(), key); err != nil {
			t.Fatal(err)
		}
	}
	if len(g.pipelines) != 0 {
		t.Fatalf("one caller at a time sent pipelines %v; a quiet store must send each command alone", g.pipelines)
	}
}

func TestPipelinedSavesKeepCompareAndSetAfterScriptFlush(t *testing.T) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			client := b.client(t)
			st, err := New(client, WithPrefix(randomPrefix(t)), WithMaxInFlight(1))
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { deletePrefix(client, st.prefix) })
			flushScripts(t, client)
			key := sessiontest.Key(t)
			const writers = 16
			var wins atomic.Int64
			var wg sync.WaitGroup
			for i := range writers {
				wg.Go(func() {
					err := st.Save(t.Context(), key, session.Record{Data: fmt.Appendf(nil, "w%d", i), Expires: time.Now().Add(time.Hour)})
					switch {
					case err == nil:
						wins.Add(1)
					case err != session.ErrConflict:
						t.Errorf("save %d: %v", i, err)
					}
				})
			}
			wg.Wait()
			if wins.Load() != 1 {
				t.Fatalf("%d of %d concurrent first saves won; compare-and-set allows exactly one", wins.Load(), writers)
			}
			rec, err := st.Load(t.Context(), key)
			if err != nil || rec.Version != 1 {
				t.Fatalf("after the race: version %d, %v; want 1", rec.Version, err)
			}
		})
	}
}

// flushScripts empties the script cache of every node of client.
func flushScripts(t *testing.T, client redis.UniversalClient) {
	t.Helper()
	nodes, err := nodesOf(t.Context(), client)
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range nodes {
		if err := n.ScriptFlush(t.Context()).Err(); err != nil {
			t.Fatal(err)
		}
	}
}

// TestPipelinedCallerStopsAtItsDeadline holds a pipeline on the wire, as a
// hung server would: a caller whose command is in it, sent by another
// caller with no deadline, returns when its own deadline passes, and the
// one that sent it gets its reply once the server answers.
func TestPipelinedCallerStopsAtItsDeadline(t *testing.T) {
	st, g, key := gatedStore(t)
	g.armed.Store(true)
	g.pipeArmed.Store(true)
	var wg sync.WaitGroup
	defer wg.Wait()
	wg.Go(func() { st.Load(t.Context(), key) })
	<-g.held // a lone load on the wire

	sender := loadAsync(t, st, key, 0) // first in the queue: it will send the pipeline
	for queuedCommands(st) < 1 {
		time.Sleep(time.Millisecond)
	}
	bounded := loadAsync(t, st, key, 300*time.Millisecond)
	for queuedCommands(st) < 2 {
		time.Sleep(time.Millisecond)
	}
	close(g.release) // the lone load returns; the queue goes out as one pipeline
	<-g.pipeHeld
	expectDeadline(t, bounded, "a load with a 300 ms deadline, in a pipeline held on the wire,")
	close(g.pipeRelease)
	if err := <-sender; err != nil {
		t.Fatalf("the load that sent the pipeline: %v", err)
	}
}
