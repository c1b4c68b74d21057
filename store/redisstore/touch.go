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
//
// The set of the record's user, if it has one, is made to live at least
// as long: in the script on a single node, with one more round trip on a
// cluster.
func (s *Store) Touch(ctx context.Context, key string, expires time.Time) error {
	if !session.ValidKey(key) {
		return fmt.Errorf("redisstore: touch: %w", session.ErrInvalidKey)
	}
	res, err := s.run(ctx, s.touch, []string{s.prefix + key},
		expires.UnixMilli(),
		time.Now().UnixMilli(),
		s.sets,
		key,
	).Result()
	if err != nil {
		return fmt.Errorf("redisstore: touch: %w", err)
	}
	switch res := res.(type) {
	case int64:
		if res == 0 {
			return session.ErrNotFound
		}
	case string: // the record's user, whose set must outlive it
		if err := s.index(ctx, res, expires, key); err != nil {
			return fmt.Errorf("redisstore: touch: the record is touched, but extending its user's set failed, so listing the user's sessions may miss it: %w", err)
		}
	default:
		return fmt.Errorf("redisstore: touch: unexpected reply %T from the script", res)
	}
	return nil
}
