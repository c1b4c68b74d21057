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
// session.Toucher, session.Iterator and session.UserIndex, but not
// session.Sweeper: Redis deletes expired sessions by itself, so there is
// nothing to sweep. It is safe for concurrent use. Create one with New.
type Store struct {
	client redis.UniversalClient
	prefix string
	// sets is the prefix of the user sets when the scripts keep them
	// (a single node), or "" when the client does (a cluster or ring,
	// where a user's set and records live on different nodes).
	sets       string
	save       *redis.Script
	touch      *redis.Script
	deleteUser *redis.Script
	apply      *redis.Script
	// applyLoaded stores a change the client merged into the record
	// it loaded; apply merges one into the record stored.
	applyLoaded *redis.Script
	// batch sends Load, Save and Touch, pipelining them when several
	// requests are on the wire at once.
	batch *batcher
}

var (
	_ session.Store     = (*Store)(nil)
	_ session.Toucher   = (*Store)(nil)
	_ session.Iterator  = (*Store)(nil)
	_ session.UserIndex = (*Store)(nil)
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
	st := &Store{
		client:      client,
		prefix:      o.prefix,
		save:        redis.NewScript(saveLua),
		touch:       redis.NewScript(touchLua),
		deleteUser:  redis.NewScript(deleteUserLua),
		apply:       redis.NewScript(applyLua),
		applyLoaded: redis.NewScript(applyLoadedLua),
		batch:       &batcher{client: client, max: o.maxInFlight},
	}
	if _, ok := client.(*redis.Client); ok {
		// One node holds every key: the scripts keep the user sets, atomically.
		st.sets = st.userPrefix()
	}
	return st, nil
}

// Load returns the record stored under key, or session.ErrNotFound when
// there is none or its expiry has passed. It sends one HMGET.
func (s *Store) Load(ctx context.Context, key string) (session.Record, error) {
	if !session.ValidKey(key) {
		return session.Record{}, fmt.Errorf("redisstore: load: %w", session.ErrInvalidKey)
	}
	cmd := loadCmd(ctx, s.prefix+key)
	if err := s.batch.process(ctx, cmd); err != nil {
		return session.Record{}, fmt.Errorf("redisstore: load: %w", err)
	}
	rec, found, err := decodeLoaded(cmd)
	if err != nil {
		return session.Record{}, fmt.Errorf("redisstore: load: %w", err)
	}
	if !found || !live(rec.Expires, time.Now()) {
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
//
// The script also keeps the user index: on a single node it moves the
// record between user sets itself; on a cluster, when rec.User is set and
// the user changed or the record now lives longer, one more round trip
// adds the record to the user's set, on the set's node. A record without a
// user costs the one script call in every case.
func (s *Store) Save(ctx context.Context, key string, rec session.Record) error {
	if !session.ValidKey(key) {
		return fmt.Errorf("redisstore: save: %w", session.ErrInvalidKey)
	}
	if rec.Version == math.MaxUint64 {
		return errors.New("redisstore: save: version counter is at its maximum and cannot be incremented; delete the record")
	}
	keys := []string{s.prefix + key}
	if rec.User != "" && s.sets != "" {
		keys = append(keys, s.userKey(rec.User))
	}
	saved, err := s.run(ctx, s.save, keys,
		strconv.FormatUint(rec.Version, 10),
		strconv.FormatUint(rec.Version+1, 10),
		rec.Data,
		rec.Expires.UnixMilli(),
		time.Now().UnixMilli(),
		rec.User,
		s.sets,
		key,
	).Int64()
	if err != nil {
		return fmt.Errorf("redisstore: save: %w", err)
	}
	switch saved {
	case 0:
		return session.ErrConflict
	case 2:
		if err := s.index(ctx, rec.User, rec.Expires, key); err != nil {
			return fmt.Errorf("redisstore: save: the record is saved, but adding it to its user's set failed, so listing the user's sessions may miss it: %w", err)
		}
	}
	return nil
}

// run runs script through the batcher: EVALSHA, and EVAL when the
// server does not have the script (after a restart or SCRIPT FLUSH),
// loading the store's other scripts then as well.
func (s *Store) run(ctx context.Context, script *redis.Script, keys []string, args ...any) *redis.Cmd {
	cmdArgs := make([]any, 0, 3+len(keys)+len(args))
	cmdArgs = append(cmdArgs, "evalsha", script.Hash(), len(keys))
	for _, k := range keys {
		cmdArgs = append(cmdArgs, k)
	}
	cmdArgs = append(cmdArgs, args...)
	cmd := redis.NewCmd(ctx, cmdArgs...)
	err := s.batch.process(ctx, cmd)
	if err != nil && !redis.HasErrorPrefix(err, "NOSCRIPT") {
		// A caller that stopped waiting leaves cmd to the pipeline that
		// may still fill it in: its error goes in a command of its own.
		failed := redis.NewCmd(ctx)
		failed.SetErr(err)
		return failed
	}
	if err != nil {
		// The server lost its scripts (a restart, SCRIPT FLUSH) or never
		// had them: load the others too, so the next calls of each cost
		// one round trip again.
		for _, other := range []*redis.Script{s.save, s.apply, s.applyLoaded, s.touch} {
			if other != script {
				other.Load(ctx, s.client) // best effort: EVALSHA falls back to EVAL
			}
		}
		return script.Eval(ctx, s.client, keys, args...)
	}
	return cmd
}

// Delete removes the record stored under key with one DEL. Deleting a
// missing record is not an error. The record's entry in its user's set,
// if any, is dropped by the next UserRecords or DeleteUser of that user,
// or expires with the set.
func (s *Store) Delete(ctx context.Context, key string) error {
	if !session.ValidKey(key) {
		return fmt.Errorf("redisstore: delete: %w", session.ErrInvalidKey)
	}
	if err := s.client.Del(ctx, s.prefix+key).Err(); err != nil {
		return fmt.Errorf("redisstore: delete: %w", err)
	}
	return nil
}
