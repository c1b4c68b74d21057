// Package sqlstore keeps server-side sessions in an SQL database through
// database/sql: PostgreSQL, MySQL/MariaDB or SQLite.
//
// The package imports no driver. Open the *sql.DB with the driver you use
// and hand it to New:
//
//	import _ "modernc.org/sqlite" // pure Go, no cgo
//
//	db, err := sql.Open("sqlite", "file:sessions.db?_pragma=busy_timeout(5000)&_pragma=journal_mode(WAL)")
//	...
//	st, err := sqlstore.New(db) // dialect detected from the driver
//	...
//	if err := st.CreateTable(ctx); err != nil { ... } // once, or use your migrations
//	m, err := session.New(session.Config{Secret: key, Store: st})
//
// # Dialects
//
// New detects the dialect from the type of db.Driver() for
// github.com/jackc/pgx (driver name "pgx"), github.com/lib/pq,
// github.com/go-sql-driver/mysql, modernc.org/sqlite, mattn/go-sqlite3 and
// ncruces/go-sqlite3. For any other driver, or a wrapper around one, say
// which with WithDialect(Postgres), WithDialect(MySQL) or
// WithDialect(SQLite); an explicit dialect always wins.
//
// # Schema
//
// CreateTable creates the table below (named "sessions" unless WithTable
// says otherwise) if it does not exist. Nothing creates it implicitly. The
// key is the hex SHA-256 of the session ID, never the ID itself; expires
// is in Unix milliseconds (UTC), the same integer in every dialect;
// user_id is Record.User, NULL for a session bound to no user.
//
//	-- PostgreSQL
//	CREATE TABLE IF NOT EXISTS "sessions" (
//		"key"   TEXT PRIMARY KEY,
//		data    BYTEA NOT NULL,
//		expires BIGINT NOT NULL,   -- Unix milliseconds
//		version BIGINT NOT NULL,
//		user_id TEXT);
//	CREATE INDEX IF NOT EXISTS "sessions_expires_idx" ON "sessions" (expires);
//	CREATE INDEX IF NOT EXISTS "sessions_user_idx" ON "sessions" (user_id);
//
//	-- MySQL / MariaDB
//	CREATE TABLE IF NOT EXISTS `sessions` (
//		`key`   CHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL PRIMARY KEY,
//		data    LONGBLOB NOT NULL,
//		expires BIGINT NOT NULL,
//		version BIGINT NOT NULL,
//		user_id VARBINARY(512) NULL,
//		INDEX `sessions_expires_idx` (expires),
//		INDEX `sessions_user_idx` (user_id)) ENGINE=InnoDB;
//
//	-- SQLite
//	CREATE TABLE IF NOT EXISTS "sessions" (
//		"key"   TEXT NOT NULL PRIMARY KEY,
//		data    BLOB NOT NULL,
//		expires INTEGER NOT NULL,
//		version INTEGER NOT NULL,
//		user_id TEXT) WITHOUT ROWID;
//	CREATE INDEX IF NOT EXISTS "sessions_expires_idx" ON "sessions" (expires);
//	CREATE INDEX IF NOT EXISTS "sessions_user_idx" ON "sessions" (user_id);
//
// A table made by an earlier version, without user_id, is upgraded by
// CreateTable: it looks the column up in the catalog and, when it is
// missing, runs ALTER TABLE "sessions" ADD COLUMN user_id (type as above)
// and creates the index. Existing rows keep working, with no user. With
// your own migrations, add the column and index the same way.
//
// # Users
//
// The Store is a session.UserIndex: UserRecords and DeleteUser ("log out
// everywhere") are one query each on the user_id index, and skip expired
// rows. User names are compared byte for byte (VARBINARY on MySQL, so no
// case folding). Save refuses a user name longer than MaxUserLen (256)
// bytes, the limit of session.Session.SetUser, not UTF-8, or holding a NUL
// byte, in every dialect. The column on MySQL is wider, VARBINARY(512), as
// it always was.
//
// The table name is the only text put into SQL: it must be a lowercase
// identifier (see WithTable) and is always quoted. Everything else is a
// query parameter. Keys that are not 64 lowercase hex characters are
// refused with session.ErrInvalidKey before any query runs.
//
// # Expiry and compare-and-set
//
// The current time comes from Go (WithNow), never from the database
// server. Every read (Load, Iterate, Touch, UserRecords) skips expired rows, so an
// expired record is never returned even before DeleteExpired sweeps it.
// Save is compare-and-set on the version column with conditional
// statements, no transaction and no lock held between statements: a new
// record (version 0) is inserted, or replaces an expired row, in one
// INSERT ... ON CONFLICT DO UPDATE ... WHERE statement on PostgreSQL and
// SQLite; MySQL uses INSERT IGNORE and, only when an expired row is in the
// way, deletes it and inserts again. An update matches only the live row
// with the loaded version. The outcome on MySQL does not depend on the
// clientFoundRows DSN setting.
//
// # SQLite
//
// Open SQLite with a busy timeout and write-ahead logging so concurrent
// saves wait for each other instead of failing with "database is locked":
// with modernc.org/sqlite, add
// _pragma=busy_timeout(5000)&_pragma=journal_mode(WAL) to the DSN as
// above (pragmas in the DSN apply to every pooled connection; an Exec of
// PRAGMA would reach only one). Use a file, not ":memory:", which gives
// each pooled connection its own empty database.
//
// # Connections
//
// Every request loads its session, so a busy site has as many queries in
// flight as requests. database/sql keeps only two idle connections by
// default and closes the others after use: on PostgreSQL and MySQL each
// request past the second may then open a new connection, which costs far
// more than the query. Set db.SetMaxIdleConns to about the concurrency
// you serve (and SetMaxOpenConns to what the server allows).
//
// # Errors
//
// Errors start with "sqlstore:" and the operation, wrap the driver's error
// (for errors.As) or session.ErrNotFound, ErrConflict or ErrInvalidKey
// (for errors.Is), and never contain session data or keys.
package sqlstore
