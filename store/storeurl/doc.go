// Package storeurl opens a session.Store named by one string, so a program
// can take its store from a flag or an environment variable:
//
//	st, closeStore, err := storeurl.Open(ctx, os.Getenv("SESSION_STORE"), storeurl.WithCreate())
//	if err != nil {
//		log.Fatal(err) // says what is wrong with the URL or which server is unreachable
//	}
//	defer closeStore()
//	m, err := session.New(session.Config{Secret: secret, Store: st})
//
// The forms, each with an example:
//
//	memory                       memory
//	    A memstore in this process, lost when it stops.
//	file:DIR                     file:/var/lib/myapp/sessions
//	    A filestore: one file per session in DIR (mode 0700).
//	sqlite:PATH[?table=NAME]     sqlite:/var/lib/myapp/sessions.db
//	    An sqlstore on an SQLite database file (pure Go, no cgo), in WAL
//	    mode with a 5 s busy timeout.
//	redis://[[USER]:PASS@]HOST[:PORT][/DB][?prefix=P&...]
//	                             redis://:s3cret@127.0.0.1:6379/0?prefix=myapp:session:
//	    A redisstore on one Redis server; rediss:// for TLS. The other
//	    query parameters are go-redis's (dial_timeout, pool_size...).
//	postgres://USER[:PASS]@HOST[:PORT]/DB[?table=NAME&...]
//	                             postgres://app:s3cret@db:5432/app?sslmode=disable
//	    An sqlstore on PostgreSQL through pgx; postgresql:// works too. The
//	    other query parameters are pgx's (sslmode, connect_timeout...).
//	mysql://USER[:PASS]@HOST[:PORT]/DB[?table=NAME&...]
//	                             mysql://app:s3cret@db:3306/app
//	    An sqlstore on MySQL or MariaDB through go-sql-driver/mysql; the
//	    port defaults to 3306 and the other query parameters are the
//	    driver's DSN parameters (timeout, tls...), except password=: the
//	    password goes before the host.
//
// table= names the SQL table (default sqlstore.DefaultTable, "sessions",
// or what WithTable says) and prefix= starts every Redis key (default
// redisstore.DefaultPrefix, "session:", or what WithPrefix says), so a tool
// such as sessionctl reaches the same records as the application.
// Passwords and other reserved characters in a URL are percent-encoded
// (p%40ss for p@ss, p%2Fss for p/ss). A URL with an '@' after the first
// '/', '?' or '#' past "//" is refused: it is what a password with an
// unencoded '/', '?' or '#' looks like, and parsed as it stands, the
// password's tail would become the host's port, the path or the query.
//
// By default Open creates nothing: a missing directory, SQLite file or SQL
// table is an error, so a mistyped URL does not quietly start an empty
// store. Applications that own their store pass WithCreate.
//
// Errors never repeat the URL, which may hold a password, and never any
// part of a URL that cannot be parsed (where the password ends is then
// unknown): they say what is wrong instead. Spec.Name is the URL without
// password and query, for logs and status pages.
package storeurl
