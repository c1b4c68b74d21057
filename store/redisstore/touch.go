package redisstore

import (
	"context"
	"fmt"
	"time"

	"github.com/websession/session"
)

// Touch moves the expiry of the live record under key to expires, both
// the stored expires field and the key's native expiry, without
// rewriting data or version. It returns session.ErrNotFound when no live
// record exists. It is one Lua script, atomic on the server. An expiry
// that has already passed deletes the record.
func (s *Store) Touch(ctx context.Context, key string, expires time.Time) error {
	if !session.ValidKey(key) {
		return fmt.Errorf("redisstore: touch: %w", session.ErrInvalidKey)
	}
	touched, err := s.touch.Run(ctx, s.client, []string{s.prefix + key},
		expires.UnixMilli(),
		time.Now().UnixMilli(),
	).Int64()
	if err != nil {
		return fmt.Errorf("redisstore: touch: %w", err)
	}
	if touched == 0 {
		return session.ErrNotFound
	}
	return nil
}
