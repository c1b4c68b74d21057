package session

import (
	"context"
	"errors"
	"time"

	"github.com/websession/session/internal/state"
)

// Store keeps server-side session records. Set Config.Store to one to keep
// session data on the server; the cookie then carries only a random ID.
//
// Keys are chosen by the Manager: a record's key is its session's handle
// (Session.Handle), the lowercase hex SHA-256 of the session ID (64
// characters), never the raw ID and never a value from the request. A
// Store may refuse any other key with ErrInvalidKey.
//
// Implementations must be safe for concurrent use. Extra powers are optional
// interfaces found by type assertion: Toucher, Iterator, Sweeper,
// UserIndex and Applier.
// The sessiontest package checks that a Store keeps this contract.
type Store interface {
	// Load returns the record stored under key. It returns ErrNotFound when
	// there is none or when it has expired: an expired record is never
	// returned, even before it is swept.
	Load(ctx context.Context, key string) (Record, error)

	// Save stores rec under key if the stored version still equals
	// rec.Version (0 means "no live record exists"). On success the stored
	// version becomes rec.Version+1. When another writer got there first, or
	// a record exists where none was expected, Save returns ErrConflict and
	// changes nothing.
	Save(ctx context.Context, key string, rec Record) error

	// Delete removes the record stored under key. Deleting a missing record
	// is not an error.
	Delete(ctx context.Context, key string) error
}

// Record is one server-side session as a Store keeps it.
type Record struct {
	// Data is the encoded session. Stores treat it as opaque bytes.
	Data []byte
	// Expires is when the record stops being returned by Load.
	Expires time.Time
	// Version counts successful saves. Load returns the stored version;
	// Save compares it (compare-and-set). A record that does not exist yet
	// has version 0.
	Version uint64
	// User is the user the session is bound to (Session.SetUser), or ""
	// for none. The same user is recorded inside Data; this copy is for
	// stores that implement UserIndex, which must index it and return it
	// from Load. Other stores may ignore it.
	User string
}

// Toucher is implemented by stores that can extend a record's expiry
// without rewriting its data, so a read-only request that refreshes a
// session costs no data write.
type Toucher interface {
	// Touch sets the expiry of the live record under key. It returns
	// ErrNotFound when there is none. The version is not changed.
	Touch(ctx context.Context, key string, expires time.Time) error
}

// Iterator is implemented by stores that can list their live records.
type Iterator interface {
	// Iterate calls fn for every live record, in no particular order, until
	// fn returns a non-nil error, which Iterate then returns.
	Iterate(ctx context.Context, fn func(key string, rec Record) error) error
}

// Sweeper is implemented by stores that can delete expired records in bulk.
// Stores never start a goroutine to sweep on their own: call DeleteExpired
// from a job, or start a loop with a context you control.
type Sweeper interface {
	// DeleteExpired deletes every expired record and reports how many.
	DeleteExpired(ctx context.Context) (int, error)
}

// UserIndex is implemented by stores that index records by Record.User, so
// the Manager can list one user's sessions and end them ("log out
// everywhere") without scanning every record. Save keeps the index current:
// saving a record under a different User, or with none, moves or removes
// its entry; Delete and expiry remove it.
type UserIndex interface {
	// UserRecords returns the live records whose User is user, by key.
	// It returns an empty map, not an error, for a user with none.
	UserRecords(ctx context.Context, user string) (map[string]Record, error)

	// DeleteUser deletes every record whose User is user, except the one
	// under keep ("" keeps none), and reports how many it deleted.
	DeleteUser(ctx context.Context, user, keep string) (int, error)
}

var (
	// ErrNotFound is returned by Store.Load when no live record exists.
	ErrNotFound = errors.New("session: record not found")
	// ErrConflict is returned by Store.Save when the stored version is not
	// the one the caller loaded: another request saved first.
	ErrConflict = state.ErrConflict
	// ErrInvalidKey is returned by a Store given a key the Manager would
	// never produce (not 64 lowercase hex characters).
	ErrInvalidKey = errors.New("session: invalid store key; a key is a session handle, the hex SHA-256 of a session ID")
	// ErrNotSupported is returned when a store lacks an optional capability.
	ErrNotSupported = errors.New("session: the store does not support this operation")
)

// ValidKey reports whether key has the form the Manager uses for store
// keys: 64 lowercase hex characters. Stores that map keys onto file names
// or similar must check it.
func ValidKey(key string) bool { return state.ValidKey(key) }
