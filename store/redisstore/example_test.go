package redisstore_test

import (
	"log"

	"github.com/redis/go-redis/v9"
	"github.com/websession/session"
	"github.com/websession/session/store/redisstore"
)

// The store serves a single node, Sentinel or a cluster alike: pass
// several addresses to NewUniversalClient for a cluster, or a MasterName
// for Sentinel.
func Example() {
	client := redis.NewUniversalClient(&redis.UniversalOptions{
		Addrs: []string{"127.0.0.1:6379"},
	})
	defer client.Close()

	st, err := redisstore.New(client, redisstore.WithPrefix("myapp:session:"))
	if err != nil {
		log.Fatal(err)
	}
	m, err := session.New(session.Config{
		Secret: []byte("a 32-byte or longer secret from your secret store"),
		Store:  st,
	})
	if err != nil {
		log.Fatal(err)
	}
	_ = m // m.Handler(mux) serves the application
}
