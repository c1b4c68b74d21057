package memstore

// DefaultMaxRecords is the number of records a Store holds when
// WithMaxRecords is not given.
const DefaultMaxRecords = 100000

// An Option configures a Store in New.
type Option func(*Store)

// WithMaxRecords caps the number of records the store holds, live or
// expired but not yet dropped. The default is DefaultMaxRecords (100000);
// n < 1 also selects the default. When the store is full, Save of a new key
// first drops expired records, then fails with ErrFull.
func WithMaxRecords(n int) Option {
	return func(s *Store) {
		if n >= 1 {
			s.max = n
		}
	}
}
