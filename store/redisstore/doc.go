// Package redisstore keeps server-side sessions in Redis with go-redis v9.
//
// One Store serves a single Redis node, a Sentinel-managed primary
// (redis.NewFailoverClient) or a Redis Cluster (redis.NewClusterClient):
// New accepts any redis.UniversalClient.
//
//	client := redis.NewUniversalClient(&redis.UniversalOptions{
//		Addrs: []string{"127.0.0.1:6379"},
//	})
//	defer client.Close()
//	st, err := redisstore.New(client) // keys "session:<key>"
//	if err != nil {
//		return err
//	}
//	m, err := session.New(session.Config{Secret: secret, Store: st})
//
// # Layout
//
// Each session is one Redis hash under prefix+key, so it lives in one
// cluster slot:
//
//	HGETALL session:9f86d081...  ->  data     <the encoded session, opaque bytes>
//	                                 expires  <unix milliseconds>
//	                                 version  <decimal, starts at 1>
//
// The key also carries a native expiry (PEXPIREAT) at the same instant, so
// Redis itself drops expired sessions; Load additionally treats a record
// whose stored expiry has passed by this process's clock as missing, so a
// skew between the clocks never revives an expired session.
//
// # Cost
//
// Load is one HGETALL; Save, Touch and Delete are one command each (Save
// and Touch are Lua scripts run with EVALSHA; on a node that has not
// cached the script yet, after a restart for instance, EVALSHA fails and
// one EVAL follows, which caches it). Save and Touch compare and
// set on the server, atomically: there is no WATCH/MULTI round trip.
//
// Iterate walks the whole keyspace of every primary with SCAN (on a
// cluster, each primary in turn), so its cost grows with the total number
// of keys in the database, not with the number of sessions: keep it for
// operator tools, never for a request path.
//
// The Store has no DeleteExpired (it is not a session.Sweeper): Redis
// deletes each session when its key's expiry passes, so there is never
// anything to sweep.
//
// The Store does not own the client: close the client when you are done.
package redisstore
