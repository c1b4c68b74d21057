package redisstore

import (
	"testing"

	"github.com/redis/go-redis/v9"
	"github.com/websession/session/internal/tcpproxy"
	"github.com/websession/session/sessiontest"
)

// TestOutageFailsClosed cuts the connection to the real Redis mid-life:
// requests get 500 and no cookie while it is down, nothing stored is lost,
// and service is normal once it is back.
func TestOutageFailsClosed(t *testing.T) {
	singleClient(t) // skips, or fails in CI, without a Redis
	proxy, err := tcpproxy.Start(redisAddr())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(proxy.Close)
	client := redis.NewClient(&redis.Options{Addr: proxy.Addr(), MaxRetries: 1})
	t.Cleanup(func() { client.Close() })
	sessiontest.RunOutage(t, newTestStore(t, client), proxy.Cut, proxy.Restore)
}

// TestHungServerCostsABoundedTime freezes the connection to the real Redis
// (a proxy that stops forwarding without closing anything): requests fail
// closed within Config.StoreTimeout, also when they queue behind others in
// the store's pipeline, and nothing stored changes. The client is made
// with ContextTimeoutEnabled, which the package documentation asks for.
func TestHungServerCostsABoundedTime(t *testing.T) {
	singleClient(t) // skips, or fails in CI, without a Redis
	proxy, err := tcpproxy.Start(redisAddr())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(proxy.Close)
	client := redis.NewClient(&redis.Options{Addr: proxy.Addr(), ContextTimeoutEnabled: true})
	t.Cleanup(func() { client.Close() })
	sessiontest.RunHang(t, newTestStore(t, client), proxy.Freeze, proxy.Thaw)
}
