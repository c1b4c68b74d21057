// Package redisstore keeps server-side sessions in Redis with go-redis v9.
//
// One Store serves a single Redis node, a Sentinel-managed primary
// (redis.NewFailoverClient) or a Redis Cluster (redis.NewClusterClient):
// New accepts any redis.UniversalClient.
//
//	client := redis.NewUniversalClient(&redis.UniversalOptions{
//		Addrs:                 []string{"127.0.0.1:6379"},
//		ContextTimeoutEnabled: true, // see Timeouts
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
//	HGETALL session:9f86d081...  ->  data          <the encoded session, opaque bytes>
//	                                 expires       <unix milliseconds>
//	                                 version       <decimal, starts at 1>
//	                                 user          <Record.User; only when bound to one>
//	                                 tokens        <save tokens of the newest changes Apply made>
//	                                 older_tokens  <and of the changes before those>
//
// The tokens let Apply know a change delivered twice (a client library
// that sent it again, a reply lost); only the apply script reads them, and
// Load reads the other four fields (HMGET), so a busy session's tokens
// (12 bytes each, 768 bytes for the 64 the Manager keeps) never travel.
//
// The key also carries a native expiry (PEXPIREAT) at the same instant, so
// Redis itself drops expired sessions; Load additionally treats a record
// whose stored expiry has passed by this process's clock as missing, so a
// skew between the clocks never revives an expired session.
//
// # Users
//
// The Store is a session.UserIndex. Each user with sessions has a set of
// their session keys, prefix + "user:" + the user's name:
//
//	SMEMBERS session:user:alice  ->  9f86d081..., 2c26b46b...
//
// The set expires (PEXPIREAT NX, then GT, which needs Redis 7.0 or newer)
// no sooner than the user's longest-lived session, so it goes away with
// them. On a single node or a Sentinel-managed primary, the Save and Touch
// scripts update the sets in the same atomic step. In a Redis Cluster (or
// a Ring) a user's set and sessions live on different nodes, which no
// script can span: there Save and Touch of a session bound to a user send
// one more round trip (SADD and PEXPIREAT to the set's node) after the
// script, when the user changed or the session now lives longer; a
// session without a user costs the same as without the index.
//
// Delete, expiry and moving a session to another user may leave its key in
// the old set: UserRecords and DeleteUser check each member's record and
// remove the members that are no longer a live record of that user (then
// read those records again, so a session bound to the user meanwhile is
// put back). UserRecords is SMEMBERS and one pipeline of HMGET;
// DeleteUser is SMEMBERS and one pipeline of a script that deletes each
// record only if it is still bound to the user, then the clean-up.
//
// # Cost
//
// Load is one HMGET; Save, Touch and Delete are one command each (Save
// and Touch are Lua scripts run with EVALSHA; on a node that has not
// cached the script yet, after a restart for instance, EVALSHA fails and
// one EVAL follows, which caches it). Save and Touch compare and set on
// the server, atomically: there is no WATCH/MULTI round trip. On a
// cluster, Save and Touch of a session bound to a user may add the round
// trip to the user's set described above. Apply is one EVALSHA too: when
// the record is still the one the request loaded, a lean script checks its
// version and stores the body the client merged; when another request
// wrote first, that script changes nothing and the apply script, one more
// EVALSHA, merges the change into the stored body as text.
//
// Under load, loads and saves are pipelined: when WithMaxInFlight (2)
// commands of the Store are already on the wire, the next ones wait and go
// out together as one pipeline as soon as one of those returns. Redis and
// the client then make a few large reads and writes instead of one pair of
// system calls per command, which is most of what a session request costs.
// A lone command is never delayed, and a call waiting in the queue, or for
// a pipeline another call sent, stops waiting at its context's deadline
// (one timer serves the whole queue), or when its context is done if it
// has no deadline.
//
// # Timeouts
//
// Make the client with ContextTimeoutEnabled, as storeurl does:
//
//	client := redis.NewClient(&redis.Options{Addr: addr, ContextTimeoutEnabled: true})
//
// Every call of the Manager carries a deadline (Config.StoreTimeout, or
// the request's own), and go-redis honours it only then; without it, a hung
// Redis holds each request for the client's ReadTimeout and its retries
// instead (TestHungServerCostsABoundedTime, and storeurl's
// TestHungRedisCostsABoundedTime).
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
