// Package filestore is a session.Store that keeps one file per session in
// a directory, so sessions survive restarts without a database. Several
// processes on one machine may share the directory: compare-and-set holds
// across them (see Locking).
//
//	st, err := filestore.New("/var/lib/myapp/sessions")
//	if err != nil {
//		log.Fatal(err)
//	}
//	m, err := session.New(session.Config{Secret: secret, Store: st})
//
// Expired sessions are never returned; their files stay until
// DeleteExpired removes them, with corrupt files and temporary files left
// by crashed writers. Call it from a job, or start Run in a
// goroutine you own; the store never starts one.
//
// # Directory and files
//
// New creates the directory with mode 0700 if it is missing, and refuses an
// existing directory that group or others may access: run chmod 700 on it
// or use a dedicated directory. Each session is a file named by its key
// (the 64-character hex SHA-256 of the session ID, never a value from the
// request: other keys are refused with session.ErrInvalidKey), mode 0600.
// A file is a 40-byte header (magic "WSES", format version 1, expiry,
// version, data length, CRC-32C) followed by the data; a session bound to a
// user has format version 2, whose 44-byte header adds the length of the
// user's name, which comes before the data (see Users). Files are replaced
// atomically: written to a temporary file ".tmp-*" in the same directory,
// synced, renamed over the old one, then the directory is synced. A
// corrupt, truncated or unknown-version file reads as missing and is logged
// (with the first 8 characters of its key only).
//
// # Users
//
// The Store is a session.UserIndex. A record bound to a user (see
// session.Record.User) is written in format version 2, which holds the
// user's name; records without one keep version 1, and both are read. The
// index is a directory per user, users/<hex SHA-256 of the user's name>,
// holding one empty file per session, named by its key: UserRecords and
// DeleteUser read only that user's directory and records. Save creates
// the entry, synced, before it writes the record, and removes the entry of
// the previous user after; Delete and DeleteExpired remove the entries of
// the records they remove, and a user's directory goes with its last
// entry. All of it happens under the record's lock. A crash can leave an
// entry whose record is missing, expired or bound to another user: it is
// ignored, and removed when that user's sessions are listed or deleted.
//
// # Locking
//
// Writers take an exclusive flock(2) on one of 256 lock files ".lock-00"
// to ".lock-ff", chosen by the key's first two characters, so Save, Touch
// and Delete are atomic across goroutines and processes. Striping keeps the
// number of lock files fixed: a lock file per key would have to be removed
// with its session, which races with a process about to lock it. Readers
// take no lock. flock is used on Linux, the BSDs and macOS; on other
// systems (Windows, Solaris, Plan 9) locks hold only within one process, so
// share a directory between processes only on a system with flock. flock
// is unreliable on some network file systems: keep the directory local.
package filestore
