package redisstore

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/websession/session/internal/golden"
)

// TestGoldenRecords opens the server-side sessions an earlier version
// wrote, from the hashes and user sets it left in Redis, on a single node
// and on a cluster (the same keys): an upgrade logs no one out.
func TestGoldenRecords(t *testing.T) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) { testGoldenRecords(t, b.client(t)) })
	}
}

func testGoldenRecords(t *testing.T, client redis.UniversalClient) {
	for _, v := range golden.Versions(t) {
		t.Run(v.Name, func(t *testing.T) {
			st := newTestStore(t, client)
			ctx := t.Context()
			rename := func(key string) string { return st.prefix + strings.TrimPrefix(key, DefaultPrefix) }
			for key, fields := range v.Records.RedisHashes {
				if err := client.HSet(ctx, rename(key), fields).Err(); err != nil {
					t.Fatal(err)
				}
				ms, err := strconv.ParseInt(fields["expires"], 10, 64)
				if err != nil {
					t.Fatal(err)
				}
				if err := client.PExpireAt(ctx, rename(key), time.UnixMilli(ms)).Err(); err != nil {
					t.Fatal(err)
				}
			}
			for set, members := range v.Records.RedisSets {
				for _, m := range members {
					if err := client.SAdd(ctx, rename(set), m).Err(); err != nil {
						t.Fatal(err)
					}
				}
			}
			golden.CheckRecords(t, st, v.Records)
			recs, err := st.UserRecords(ctx, "alice")
			if err != nil || len(recs) == 0 {
				t.Errorf("the golden user sets list %d records of alice (%v), want some", len(recs), err)
			}
		})
	}
}
