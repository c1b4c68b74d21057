package redisstore

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/websession/session"
)

// scanCount is the COUNT hint given to SCAN: roughly how many keys Redis
// looks at per call, and so the usual size of a page of records fetched
// in one pipeline.
const scanCount = 256

// Iterate calls fn for every live record under the store's prefix, in no
// particular order, until fn returns an error, which Iterate returns.
// fn is called from the calling goroutine, one record at a time.
//
// Iterate runs SCAN MATCH prefix* on every primary in turn (on a cluster,
// all masters; on a Ring, all shards) and fetches each page of keys with
// one pipeline of HMGET. SCAN visits every key in the database, so the
// cost grows with the whole keyspace, not with the number of sessions.
// Records created or deleted during the walk may or may not be reported,
// and, as SCAN promises no more, a record may be reported twice when the
// server resizes its tables or a cluster slot migrates during the walk.
// Iterate keeps no list of the keys it saw, so its memory stays small.
func (s *Store) Iterate(ctx context.Context, fn func(key string, rec session.Record) error) error {
	nodes, err := s.primaries(ctx)
	if err != nil {
		return fmt.Errorf("redisstore: iterate: listing primaries: %w", err)
	}
	for _, node := range nodes {
		if err := s.iterateNode(ctx, node, fn); err != nil {
			return err
		}
	}
	return nil
}

// primaries returns a client for every node that holds a share of the
// keys. The cluster and ring helpers call their function concurrently,
// so it only collects the clients; the walk itself is sequential.
func (s *Store) primaries(ctx context.Context) ([]redis.Cmdable, error) {
	var (
		mu    sync.Mutex
		nodes []redis.Cmdable
	)
	collect := func(_ context.Context, c *redis.Client) error {
		mu.Lock()
		defer mu.Unlock()
		nodes = append(nodes, c)
		return nil
	}
	switch c := s.client.(type) {
	case *redis.ClusterClient:
		if err := c.ForEachMaster(ctx, collect); err != nil {
			return nil, err
		}
	case *redis.Ring:
		if err := c.ForEachShard(ctx, collect); err != nil {
			return nil, err
		}
	default:
		nodes = append(nodes, s.client)
	}
	return nodes, nil
}

// iterateNode walks the keys of one node.
func (s *Store) iterateNode(ctx context.Context, node redis.Cmdable, fn func(string, session.Record) error) error {
	match := escapeGlob(s.prefix) + "*"
	var cursor uint64
	for {
		names, next, err := node.Scan(ctx, cursor, match, scanCount).Result()
		if err != nil {
			return fmt.Errorf("redisstore: iterate: scan: %w", err)
		}
		if err := s.visit(ctx, names, fn); err != nil {
			return err
		}
		if next == 0 {
			return nil
		}
		cursor = next
	}
}

// visit fetches the records named by one SCAN page and reports the live
// ones. The pipeline goes through the store's client, which routes each
// key to the node that owns it now.
func (s *Store) visit(ctx context.Context, names []string, fn func(string, session.Record) error) error {
	keys := make([]string, 0, len(names))
	for _, name := range names {
		key := strings.TrimPrefix(name, s.prefix)
		if !session.ValidKey(key) {
			continue // another application's key under the same prefix
		}
		keys = append(keys, key)
	}
	if len(keys) == 0 {
		return nil
	}
	pipe := s.client.Pipeline()
	cmds := make([]*redis.SliceCmd, len(keys))
	for i, key := range keys {
		cmds[i] = loadCmd(ctx, s.prefix+key)
		pipe.Process(ctx, cmds[i])
	}
	if _, err := pipe.Exec(ctx); err != nil {
		return fmt.Errorf("redisstore: iterate: load: %w", err)
	}
	now := time.Now()
	for i, key := range keys {
		rec, found, err := decodeLoaded(cmds[i])
		if !found {
			continue // deleted or expired since the scan
		}
		if err != nil {
			return fmt.Errorf("redisstore: iterate: %w", err)
		}
		if !live(rec.Expires, now) {
			continue
		}
		if err := fn(key, rec); err != nil {
			return err
		}
	}
	return nil
}

// escapeGlob escapes the characters SCAN MATCH treats as a pattern, so
// the prefix matches only itself.
func escapeGlob(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch r {
		case '*', '?', '[', ']', '\\':
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}
