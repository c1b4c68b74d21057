// Package bench measures one request cycle through this module's session
// library and through the libraries a Go developer would pick instead:
// gorilla/sessions and scs. It is its own Go module, so the peers it
// requires never become dependencies of github.com/websession/session.
//
// Every library serves the same handler through its normal API and
// middleware, for one visitor whose session is
//
//	{"user_id": 42, "cart": [1, 2, 3], "name": "Alice"}
//
// The handler reads user_id and writes name. It writes the name the session
// does not hold ("Alice" becomes "Alicia", "Alicia" becomes "Alice"), so
// every request is a real write for every library: this library skips a
// write that stores an equal value, and scs and gorilla do not, so writing
// the same name each time would measure ours doing less work. For one
// visitor whose requests follow each other this is the same as alternating
// by iteration parity, and it stays a real write under concurrent load.
//
// The visitor (see Visitor) carries the session cookie of the previous
// response, as a browser does. A first request with no cookie creates the
// session; its body is "new", and every later body is "ok", which is how
// the benchmarks and the load generator check that the session survived.
//
// Run the side-by-side table with ./run.sh, which writes RESULTS.md:
//
//	cd bench && ./run.sh            # about two minutes
//	go test -bench . -benchmem      # the raw benchmarks
//
// Services a case needs (Redis, PostgreSQL, MariaDB) are found where the
// root module's tests find them: SESSION_TEST_REDIS (default
// 127.0.0.1:6379), SESSION_TEST_POSTGRES and SESSION_TEST_MYSQL. A case
// whose service is missing fails to build with ErrUnavailable and its
// benchmark is skipped.
package bench
