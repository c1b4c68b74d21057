package memstore

import (
	"context"
	"fmt"

	session "github.com/websession/session"
)

// Iterate calls fn with a copy of every live record, in no particular
// order, until fn returns an error, which Iterate returns. It works on a
// snapshot taken when it starts, so fn may call the store's methods.
func (s *Store) Iterate(ctx context.Context, fn func(key string, rec session.Record) error) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("memstore: %w", err)
	}
	type item struct {
		key string
		rec session.Record
	}
	now := s.now()
	s.mu.Lock()
	snapshot := make([]item, 0, len(s.records))
	for key, e := range s.records {
		if now.Before(e.expires) {
			snapshot = append(snapshot, item{key, e.record()})
		}
	}
	s.mu.Unlock()

	for _, it := range snapshot {
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("memstore: %w", err)
		}
		if err := fn(it.key, it.rec); err != nil {
			return err
		}
	}
	return nil
}
