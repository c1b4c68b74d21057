package redisstore

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/websession/session"
)

// userPrefix starts the names of the user sets: prefix + "user:" + user.
// Session keys are 64 hex characters, so no set name is a session key.
func (s *Store) userPrefix() string { return s.prefix + "user:" }

// userKey is the name of the set that holds the session keys of user.
func (s *Store) userKey(user string) string { return s.userPrefix() + user }

// addToSet queues the commands that add key to user's set and make the
// set live at least until expires: PEXPIREAT NX gives a new set its
// expiry, PEXPIREAT GT only ever extends an existing one.
func (s *Store) addToSet(ctx context.Context, pipe redis.Pipeliner, user, key string, expires time.Time) {
	set, ms := s.userKey(user), expires.UnixMilli()
	pipe.SAdd(ctx, set, key)
	pipe.Do(ctx, "pexpireat", set, ms, "nx")
	pipe.Do(ctx, "pexpireat", set, ms, "gt")
}

// index adds key to user's set, for the client-side index of a cluster,
// in one round trip to the set's node.
func (s *Store) index(ctx context.Context, user string, expires time.Time, key string) error {
	pipe := s.client.Pipeline()
	s.addToSet(ctx, pipe, user, key, expires)
	_, err := pipe.Exec(ctx)
	return err
}

// members returns the session keys in user's set, and removes members that
// are not session keys at all.
func (s *Store) members(ctx context.Context, user string) ([]string, error) {
	names, err := s.client.SMembers(ctx, s.userKey(user)).Result()
	if err != nil {
		return nil, err
	}
	keys := names[:0]
	var junk []any
	for _, name := range names {
		if session.ValidKey(name) {
			keys = append(keys, name)
		} else {
			junk = append(junk, name)
		}
	}
	if len(junk) > 0 {
		if err := s.client.SRem(ctx, s.userKey(user), junk...).Err(); err != nil {
			return nil, err
		}
	}
	return keys, nil
}

// UserRecords returns the live records whose User is user, by key: one
// SMEMBERS of the user's set, then one pipeline of HMGET for its members
// (on a cluster, one per node, in parallel). Members whose record was
// deleted, expired or moved to another user are left out and removed from
// the set, which costs two more round trips when there are any. An empty
// user has no set: the result is empty.
func (s *Store) UserRecords(ctx context.Context, user string) (map[string]session.Record, error) {
	recs := make(map[string]session.Record)
	if user == "" {
		return recs, nil
	}
	keys, err := s.members(ctx, user)
	if err != nil {
		return nil, fmt.Errorf("redisstore: user records: %w", err)
	}
	if len(keys) == 0 {
		return recs, nil
	}
	pipe := s.client.Pipeline()
	cmds := make([]*redis.SliceCmd, len(keys))
	for i, key := range keys {
		cmds[i] = loadCmd(ctx, s.prefix+key)
		pipe.Process(ctx, cmds[i])
	}
	if _, err := pipe.Exec(ctx); err != nil {
		return nil, fmt.Errorf("redisstore: user records: %w", err)
	}
	now := time.Now()
	var stale []string
	for i, key := range keys {
		rec, found, err := decodeLoaded(cmds[i])
		if !found {
			stale = append(stale, key)
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("redisstore: user records: %w", err)
		}
		if !live(rec.Expires, now) || rec.User != user {
			stale = append(stale, key)
			continue
		}
		recs[key] = rec
	}
	if err := s.prune(ctx, user, stale); err != nil {
		return nil, fmt.Errorf("redisstore: user records: %w", err)
	}
	return recs, nil
}

// DeleteUser deletes every record whose User is user, except the one under
// keep ("" keeps none), and reports how many live records it deleted. It
// reads the user's set, then deletes each member with a script that checks,
// atomically on the record's node, that the record is still bound to user
// (one pipeline; a record moved to another user meanwhile stays), then
// removes the members from the set.
func (s *Store) DeleteUser(ctx context.Context, user, keep string) (int, error) {
	if user == "" {
		return 0, nil
	}
	members, err := s.members(ctx, user)
	if err != nil {
		return 0, fmt.Errorf("redisstore: delete user: %w", err)
	}
	keys := members[:0]
	for _, key := range members {
		if key != keep {
			keys = append(keys, key)
		}
	}
	if len(keys) == 0 {
		return 0, nil
	}
	cmds, err := s.runEach(ctx, s.deleteUser, keys, user, time.Now().UnixMilli())
	if err != nil {
		return 0, fmt.Errorf("redisstore: delete user: %w", err)
	}
	deleted := 0
	for _, cmd := range cmds {
		if n, _ := cmd.Int64(); n == 1 {
			deleted++
		}
	}
	if err := s.prune(ctx, user, keys); err != nil {
		return deleted, fmt.Errorf("redisstore: delete user: %w", err)
	}
	return deleted, nil
}

// runEach runs script once per key, with the same arguments, in one
// pipeline. A node that has not cached the script (NOSCRIPT) gets the
// script's source in a second pipeline, as Script.Run does for one call.
func (s *Store) runEach(ctx context.Context, script *redis.Script, keys []string, args ...any) ([]*redis.Cmd, error) {
	cmds := make([]*redis.Cmd, len(keys))
	run := func(idx []int, eval bool) {
		pipe := s.client.Pipeline()
		for _, i := range idx {
			k := []string{s.prefix + keys[i]}
			if eval {
				cmds[i] = script.Eval(ctx, pipe, k, args...)
			} else {
				cmds[i] = script.EvalSha(ctx, pipe, k, args...)
			}
		}
		pipe.Exec(ctx) // each command's error is examined below
	}
	all := make([]int, len(keys))
	for i := range all {
		all[i] = i
	}
	run(all, false)
	var retry []int
	for i, cmd := range cmds {
		if redis.HasErrorPrefix(cmd.Err(), "NOSCRIPT") {
			retry = append(retry, i)
		}
	}
	if len(retry) > 0 {
		run(retry, true)
	}
	for _, cmd := range cmds {
		if err := cmd.Err(); err != nil {
			return nil, err
		}
	}
	return cmds, nil
}

// prune removes keys, read as no longer live records of user, from user's
// set. The set and the records may live on different nodes, so this is
// not atomic: a save that bound one of them to user after it was read
// would lose its entry. prune therefore reads the records again after the
// removal and adds back any that is now a live record of user. A save
// writes the record before it adds it to the set, so one of the two always
// sees the other.
func (s *Store) prune(ctx context.Context, user string, keys []string) error {
	if len(keys) == 0 {
		return nil
	}
	members := make([]any, len(keys))
	for i, key := range keys {
		members[i] = key
	}
	if err := s.client.SRem(ctx, s.userKey(user), members...).Err(); err != nil {
		return err
	}
	pipe := s.client.Pipeline()
	cmds := make([]*redis.SliceCmd, len(keys))
	for i, key := range keys {
		cmds[i] = pipe.HMGet(ctx, s.prefix+key, fieldUser, fieldExpires)
	}
	if _, err := pipe.Exec(ctx); err != nil {
		return err
	}
	now := time.Now()
	readd := s.client.Pipeline()
	for i, key := range keys {
		vals := cmds[i].Val()
		if len(vals) != 2 || vals[0] != user {
			continue
		}
		ms, _ := vals[1].(string)
		exp, err := strconv.ParseInt(ms, 10, 64)
		if err != nil {
			continue
		}
		if expires := time.UnixMilli(exp); live(expires, now) {
			s.addToSet(ctx, readd, user, key, expires)
		}
	}
	if readd.Len() == 0 {
		return nil
	}
	_, err := readd.Exec(ctx)
	return err
}
