package storeurl_test

import (
	"testing"

	"github.com/websession/session/internal/tcpproxy"
	"github.com/websession/session/internal/testservers"
	"github.com/websession/session/sessiontest"
	"github.com/websession/session/store/storeurl"
	"github.com/websession/session/store/storeurl/storeurltest"
)

// TestHungRedisCostsABoundedTime opens Redis through a URL, as sessionctl
// and the shop do, behind a proxy that freezes the connection: requests
// fail closed within Config.StoreTimeout. The URL turns the client's own
// read and write timeouts off, so only the request's deadline can end a
// hung call: a client made without ContextTimeoutEnabled would wait until
// the proxy thaws.
func TestHungRedisCostsABoundedTime(t *testing.T) {
	storeurltest.URL(t, storeurl.Redis) // skips, or fails in CI, without a Redis
	proxy, err := tcpproxy.Start(testservers.RedisAddr())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(proxy.Close)
	v := "redis://" + proxy.Addr() + "/0?read_timeout=0&write_timeout=0&prefix=sessiontest:" + testservers.RandomName() + ":"
	st, closeStore, err := storeurl.Open(t.Context(), v)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { closeStore() })
	storeurltest.Cleanup(t, v)
	sessiontest.RunHang(t, st, proxy.Freeze, proxy.Thaw)
}
