package redisstore

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/websession/session"
	"github.com/websession/session/sessiontest"
)

// redisAddr is the single Redis node the tests use: SESSION_TEST_REDIS,
// default 127.0.0.1:6379.
func redisAddr() string {
	if addr := os.Getenv("SESSION_TEST_REDIS"); addr != "" {
		return addr
	}
	return "127.0.0.1:6379"
}

// singleClient connects to the single test node, or skips (fails in CI)
// when it cannot be reached.
func singleClient(t testing.TB) *redis.Client {
	t.Helper()
	client := redis.NewClient(&redis.Options{Addr: redisAddr()})
	t.Cleanup(func() { client.Close() })
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	if err := client.Ping(ctx).Err(); err != nil {
		sessiontest.Unavailable(t, "redis at %s (set SESSION_TEST_REDIS): %v", redisAddr(), err)
	}
	return client
}

// backend names a way to reach Redis, for tests that must hold on a
// single node and on a cluster alike.
type backend struct {
	name   string
	client func(t testing.TB) redis.UniversalClient
}

var backends = []backend{
	{"single", func(t testing.TB) redis.UniversalClient { return singleClient(t) }},
	{"cluster", func(t testing.TB) redis.UniversalClient { return clusterClient(t) }},
}

// randomPrefix returns a key prefix no other test uses.
func randomPrefix(t testing.TB) string {
	t.Helper()
	var b [8]byte
	rand.Read(b[:])
	return "redisstore-test:" + hex.EncodeToString(b[:]) + ":"
}

// newTestStore returns a Store on client under a fresh prefix whose keys
// are deleted when the test ends.
func newTestStore(t testing.TB, client redis.UniversalClient) *Store {
	t.Helper()
	prefix := randomPrefix(t)
	st, err := New(client, WithPrefix(prefix))
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	t.Cleanup(func() {
		if _, err := deletePrefix(client, prefix); err != nil {
			t.Errorf("cleaning up keys under %q: %v", prefix, err)
		}
	})
	return st
}

// nodesOf returns a client per primary: the masters of a cluster, or the
// client itself.
func nodesOf(ctx context.Context, client redis.UniversalClient) ([]*redis.Client, error) {
	switch c := client.(type) {
	case *redis.ClusterClient:
		var mu sync.Mutex
		var nodes []*redis.Client
		err := c.ForEachMaster(ctx, func(_ context.Context, n *redis.Client) error {
			mu.Lock()
			defer mu.Unlock()
			nodes = append(nodes, n)
			return nil
		})
		return nodes, err
	case *redis.Client:
		return []*redis.Client{c}, nil
	}
	return nil, fmt.Errorf("test helper: unexpected client type %T", client)
}

// keysPerNode counts the keys under prefix on each primary, by address.
func keysPerNode(ctx context.Context, client redis.UniversalClient, prefix string) (map[string][]string, error) {
	nodes, err := nodesOf(ctx, client)
	if err != nil {
		return nil, err
	}
	found := make(map[string][]string)
	for _, n := range nodes {
		iter := n.Scan(ctx, 0, escapeGlob(prefix)+"*", 1000).Iterator()
		for iter.Next(ctx) {
			found[n.Options().Addr] = append(found[n.Options().Addr], iter.Val())
		}
		if err := iter.Err(); err != nil {
			return nil, err
		}
	}
	return found, nil
}

// deletePrefix deletes every key under prefix and reports how many each
// primary held.
func deletePrefix(client redis.UniversalClient, prefix string) (map[string]int, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	found, err := keysPerNode(ctx, client, prefix)
	if err != nil {
		return nil, err
	}
	counts := make(map[string]int)
	for addr, keys := range found {
		counts[addr] = len(keys)
		for _, k := range keys {
			if err := client.Del(ctx, k).Err(); err != nil {
				return nil, err
			}
		}
	}
	return counts, nil
}

// recorder is a go-redis hook that lists the commands a client sends.
type recorder struct {
	mu   sync.Mutex
	cmds []string
}

func (r *recorder) DialHook(next redis.DialHook) redis.DialHook { return next }

func (r *recorder) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		r.add(cmd)
		return next(ctx, cmd)
	}
}

func (r *recorder) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error {
		for _, cmd := range cmds {
			r.add(cmd)
		}
		return next(ctx, cmds)
	}
}

func (r *recorder) add(cmd redis.Cmder) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.cmds = append(r.cmds, cmd.Name())
}

// take returns the commands recorded since the last call.
func (r *recorder) take() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	cmds := r.cmds
	r.cmds = nil
	return cmds
}

// emptySession saves an empty session body under a new key of a new store
// on a single node, expiring in an hour, and returns the client, the store,
// the key and the time it saved at.
func emptySession(t *testing.T) (*redis.Client, *Store, string, time.Time) {
	t.Helper()
	client := singleClient(t)
	st := newTestStore(t, client)
	key := sessiontest.Key(t)
	now := time.Now()
	if err := st.Save(t.Context(), key, session.Record{Data: []byte(`{"c":1,"i":2,"v":{}}`), Expires: now.Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	return client, st, key, now
}
