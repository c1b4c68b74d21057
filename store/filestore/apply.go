package filestore

import (
	"context"
	"errors"
	"fmt"

	session "github.com/websession/session"
)

var _ session.Applier = (*Store)(nil)

// Apply applies ch to the live record under key while holding the key's
// lock (in this process and, where supported, on the file), and writes the
// file atomically: concurrent changes to one session never conflict,
// unless ch expects a key to hold a value it no longer holds. See
// session.Applier.
func (s *Store) Apply(ctx context.Context, key string, ch *session.Change) (session.Record, error) {
	unlock, err := s.lock(ctx, key)
	if err != nil {
		return session.Record{}, err
	}
	defer unlock()

	cur, _, err := s.read(key)
	if err != nil {
		return session.Record{}, err
	}
	now := s.now()
	if !live(cur, now) {
		return session.Record{}, session.ErrNotFound
	}
	data, applied, err := ch.Merge(cur.Data)
	if err != nil {
		if errors.Is(err, session.ErrConflict) {
			return cur, err
		}
		return session.Record{}, fmt.Errorf("filestore: apply to %s…: %w", short(key), err)
	}
	if applied {
		return session.Record{Version: cur.Version}, nil
	}
	cur.Version++
	if !now.Before(ch.Expires) {
		if err := s.remove(key); err != nil {
			return session.Record{}, err
		}
		s.unindex(key, cur.User)
		return session.Record{Version: cur.Version}, nil
	}
	cur.Data, cur.Expires = data, ch.Expires
	if err := s.write(key, encode(cur)); err != nil {
		return session.Record{}, err
	}
	return session.Record{Version: cur.Version}, nil
}
