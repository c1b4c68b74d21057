package readme

import (
	"context"

	"github.com/redis/go-redis/v9"
	"github.com/websession/session"
	"github.com/websession/session/store/redisstore"
)

// newRedisManager keeps sessions in Redis, e.g. addr = "127.0.0.1:6379".
// For Sentinel or Cluster pass a redis.NewFailoverClient or
// redis.NewClusterClient instead.
func newRedisManager(ctx context.Context, secret []byte, addr string) (*session.Manager, *redis.Client, error) {
	client := redis.NewClient(&redis.Options{Addr: addr, ContextTimeoutEnabled: true}) // deadlines end hung calls
	if err := client.Ping(ctx).Err(); err != nil {
		client.Close()
		return nil, nil, err
	}
	st, err := redisstore.New(client)
	if err != nil {
		client.Close()
		return nil, nil, err
	}
	m, err := session.New(session.Config{Secret: secret, Store: st})
	if err != nil {
		client.Close()
		return nil, nil, err
	}
	return m, client, nil
}
