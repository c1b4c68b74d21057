package memstore

import (
	"context"
	"fmt"

	session "github.com/websession/session"
)

// UserRecords returns a copy of every live record whose User is user, by
// key, or an empty map. It reads the store's index of users, so its cost
// grows with the user's records only.
func (s *Store) UserRecords(ctx context.Context, user string) (map[string]session.Record, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("memstore: %w", err)
	}
	now := s.now()
	s.mu.Lock()
	defer s.mu.Unlock()
	recs := make(map[string]session.Record, len(s.users[user]))
	for key, e := range s.users[user] {
		if now.Before(e.expires) {
			recs[key] = e.record()
		}
	}
	return recs, nil
}

// DeleteUser deletes every record whose User is user, except the one under
// keep ("" keeps none), and reports how many live records it deleted.
// Expired records of the user are dropped too, without being counted.
func (s *Store) DeleteUser(ctx context.Context, user, keep string) (int, error) {
	if err := ctx.Err(); err != nil {
		return 0, fmt.Errorf("memstore: %w", err)
	}
	now := s.now()
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for key, e := range s.users[user] {
		if key == keep {
			continue
		}
		if now.Before(e.expires) {
			n++
		}
		s.remove(e) // deleting from the map being ranged over is allowed
	}
	return n, nil
}
