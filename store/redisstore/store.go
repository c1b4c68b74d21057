package redisstore

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/websession/session"
)

// Store is a session.Store backed by Redis. It also implements
// session.Toucher and session.Iterator, but not session.Sweeper: Redis
// deletes expired sessions by itself, so there is nothing to sweep. It is
// safe for concurrent use. Create one with New.
type Store struct {
	client redis.UniversalClient
	prefix string
	save   *redis.Script
	touch  *redis.Script
}

var (
	_ session.Store    = (*Store)(nil)
	_ session.Toucher  = (*Store)(nil)
	_ session.Iterator = (*Store)(nil)
)

// New returns a Store that keeps sessions through client: a *redis.Client
// (single node, or Sentinel via redis.NewFailoverClient), a
// *redis.ClusterClient or a *redis.Ring. Keys are DefaultPrefix followed
// by the session key unless WithPrefix says otherwise.
//
// New sends nothing to Redis. The Store does not own client: close it
// yourself when you are done.
func New(client redis.UniversalClient, opts ...Option) (*Store, error) {
	if client == nil {
		return nil, errors.New("redisstore: nil client; pass a client from redis.NewClient, redis.NewClusterClient or redis.NewUniversalClient")
	}
	o, err := buildOptions(opts)
	if err != nil {
		return nil, err
	}
	return &Store{
		client: client,
		prefix: o.prefix,
		save:   redis.NewScript(saveLua),
		touch:  redis.NewScript(touchLua),
	}, nil
}

// Load returns the record stored under key, or session.ErrNotFound when
// there is none or its expiry has passed. It sends one HGETALL.
func (s *Store) Load(ctx context.Context, key string) (session.Record, error) {
	if !session.ValidKey(key) {
		return session.Record{}, fmt.Errorf("redisstore: load: %w", session.ErrInvalidKey)
	}
	fields, err := s.client.HGetAll(ctx, s.prefix+key).Result()
	if err != nil {
		return session.Record{}, fmt.Errorf("redisstore: load: %w", err)
	}
	if len(fields) == 0 {
		return session.Record{}, session.ErrNotFound
	}
	rec, err := decode(fields)
	if err != nil {
		return session.Record{}, fmt.Errorf("redisstore: load: %w", err)
	}
	if !live(rec.Expires, time.Now()) {
		return session.Record{}, session.ErrNotFound
	}
	return rec, nil
}

// Save stores rec under key if the stored version still equals
// rec.Version (0: no live record may exist), and sets the key to expire
// at rec.Expires. Otherwise it returns session.ErrConflict and changes
// nothing. The check and the write are one Lua script, atomic on the
// server. A record whose expiry has already passed is deleted instead of
// stored.
func (s *Store) Save(ctx context.Context, key string, rec session.Record) error {
	if !session.ValidKey(key) {
		return fmt.Errorf("redisstore: save: %w", session.ErrInvalidKey)
	}
	if rec.Version == math.MaxUint64 {
		return errors.New("redisstore: save: version counter is at its maximum and cannot be incremented; delete the record")
	}
	saved, err := s.save.Run(ctx, s.client, []string{s.prefix + key},
		strconv.FormatUint(rec.Version, 10),
		strconv.FormatUint(rec.Version+1, 10),
		rec.Data,
		rec.Expires.UnixMilli(),
		time.Now().UnixMilli(),
	).Int64()
	if err != nil {
		return fmt.Errorf("redisstore: save: %w", err)
	}
	if saved == 0 {
		return session.ErrConflict
	}
	return nil
}

// Delete removes the record stored under key with one DEL. Deleting a
// missing record is not an error.
func (s *Store) Delete(ctx context.Context, key string) error {
	if !session.ValidKey(key) {
		return fmt.Errorf("redisstore: delete: %w", session.ErrInvalidKey)
	}
	if err := s.client.Del(ctx, s.prefix+key).Err(); err != nil {
		return fmt.Errorf("redisstore: delete: %w", err)
	}
	return nil
}
