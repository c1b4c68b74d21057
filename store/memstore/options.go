package memstore

import (
	"log/slog"
	"time"
)

// DefaultMaxRecords is the number of records a Store holds when
// WithMaxRecords is not given.
const DefaultMaxRecords = 100000

// An Option configures a Store in New.
type Option func(*Store)

// WithMaxRecords caps the number of records the store holds, live or
// expired but not yet dropped. The default is DefaultMaxRecords (100000);
// n < 1 also selects the default. When the store is full, Save of a new key
// first drops expired records, then evicts the least recently used
// anonymous record (Record.User "", used = its last Load, Save or Touch),
// so a flood of anonymous visitors cannot lock new visitors out. Records
// bound to a user are never evicted: when every record is, Save of a new
// key fails with ErrFull.
func WithMaxRecords(n int) Option {
	return func(s *Store) {
		if n >= 1 {
			s.max = n
		}
	}
}

// WithLogger sets the logger the store warns to when it evicts anonymous
// records because it is full: one Warn line at the first eviction, then at
// most one a minute while evictions go on, with the number evicted since
// the previous line ("evicted"), since New ("evicted_total") and the cap
// ("max_records"). Nothing else is logged, and never a key or a record.
// The default is slog.Default(); nil also selects it.
func WithLogger(l *slog.Logger) Option {
	return func(s *Store) {
		if l != nil {
			s.logger = l
		}
	}
}

// WithNow sets the clock the store decides expiry by: a record is gone
// from the instant now returns its Expires or later, for Load, Save,
// Apply, Touch, Iterate, UserRecords, DeleteUser, DeleteExpired and
// Run. It also times the log lines of WithLogger. The default is
// time.Now; nil also selects it. Tests use this to move time forward
// instead of sleeping; Run's interval stays in real time.
func WithNow(now func() time.Time) Option {
	return func(s *Store) {
		if now != nil {
			s.now = now
		}
	}
}
