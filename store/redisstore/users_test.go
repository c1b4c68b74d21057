package redisstore

import (
	"context"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/websession/session"
	"github.com/websession/session/sessiontest"
)

// TestUserIndexCommands lists the commands the user index costs, on a
// single node and on a cluster, once the scripts are cached. A record
// without a user costs what it did before the index existed (see
// TestOneCommandPerCall); on a single node the index costs no extra round
// trip for Save and Touch.
func TestUserIndexCommands(t *testing.T) {
	type step struct {
		name string
		call func(st *Store, key string) error
		want map[string][]string // by backend
	}
	ctx := context.Background()
	both := func(cmds ...string) map[string][]string {
		return map[string][]string{"single": cmds, "cluster": cmds}
	}
	steps := []step{
		{"Save with a user", func(st *Store, key string) error {
			return st.Save(ctx, key, session.Record{Data: []byte("v1"), Expires: time.Now().Add(time.Hour), User: "alice"})
		}, map[string][]string{
			"single":  {"evalsha"},
			"cluster": {"evalsha", "sadd", "pexpireat", "pexpireat"},
		}},
		{"Save with a user, same expiry", func(st *Store, key string) error {
			rec, err := st.Load(ctx, key)
			if err != nil {
				return err
			}
			rec.Data = []byte("v2")
			return st.Save(ctx, key, rec)
		}, map[string][]string{
			"single":  {"hmget", "evalsha"},
			"cluster": {"hmget", "evalsha"},
		}},
		{"Touch with a user", func(st *Store, key string) error {
			return st.Touch(ctx, key, time.Now().Add(2*time.Hour))
		}, map[string][]string{
			"single":  {"evalsha"},
			"cluster": {"evalsha", "sadd", "pexpireat", "pexpireat"},
		}},
		{"UserRecords", func(st *Store, key string) error {
			_, err := st.UserRecords(ctx, "alice")
			return err
		}, both("smembers", "hmget")},
		{"DeleteUser", func(st *Store, key string) error {
			_, err := st.DeleteUser(ctx, "alice", "")
			return err
		}, both("smembers", "evalsha", "srem", "hmget")},
		{"UserRecords of nobody", func(st *Store, key string) error {
			_, err := st.UserRecords(ctx, "alice")
			return err
		}, both("smembers")},
	}
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			client := b.client(t)
			st := newTestStore(t, client)
			for _, src := range []string{saveLua, touchLua, deleteUserLua} {
				if err := client.ScriptLoad(ctx, src).Err(); err != nil {
					t.Fatalf("SCRIPT LOAD: %v", err)
				}
			}
			rec := &recorder{}
			client.AddHook(rec)
			key := sessiontest.Key(t)
			for _, s := range steps {
				rec.take()
				if err := s.call(st, key); err != nil {
					t.Fatalf("%s: %v", s.name, err)
				}
				got := slices.DeleteFunc(rec.take(), func(name string) bool {
					return name == "hello" || name == "client" // a new pooled connection says hello
				})
				if !slices.Equal(got, s.want[b.name]) {
					t.Errorf("%s sent %v, want %v", s.name, got, s.want[b.name])
				}
			}
		})
	}
}

// TestUserLayout checks what an operator sees with redis-cli: the user in
// the session's hash, and a set per user of session keys that lives as
// long as the user's longest-lived session.
func TestUserLayout(t *testing.T) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			client := b.client(t)
			st := newTestStore(t, client)
			ctx := context.Background()
			long, short := sessiontest.Key(t), sessiontest.Key(t)
			hour := time.Now().Add(time.Hour)
			for key, exp := range map[string]time.Time{long: hour, short: time.Now().Add(time.Minute)} {
				if err := st.Save(ctx, key, session.Record{Data: []byte("x"), Expires: exp, User: "alice"}); err != nil {
					t.Fatalf("Save: %v", err)
				}
			}
			if got := client.HGet(ctx, st.prefix+long, "user").Val(); got != "alice" {
				t.Errorf("user field = %q, want alice", got)
			}
			set := st.prefix + "user:alice"
			members, err := client.SMembers(ctx, set).Result()
			slices.Sort(members)
			want := []string{long, short}
			slices.Sort(want)
			if err != nil || !slices.Equal(members, want) {
				t.Errorf("SMEMBERS %s = %d members, %v; want the two session keys", set, len(members), err)
			}
			if ttl := client.PTTL(ctx, set).Val(); ttl < 59*time.Minute || ttl > time.Hour {
				t.Errorf("PTTL of the user's set = %v, want that of its longest-lived session (1h)", ttl)
			}

			rec, err := st.Load(ctx, long)
			if err != nil {
				t.Fatal(err)
			}
			rec.User = ""
			if err := st.Save(ctx, long, rec); err != nil {
				t.Fatalf("Save without a user: %v", err)
			}
			fields := client.HGetAll(ctx, st.prefix+long).Val()
			if _, ok := fields["user"]; ok || len(fields) != 3 {
				t.Errorf("hash after the user was removed = fields %v, want data, expires and version only", slices.Sorted(mapKeys(fields)))
			}
			if _, err := st.UserRecords(ctx, "alice"); err != nil {
				t.Fatal(err)
			}
			if got := client.SMembers(ctx, set).Val(); !slices.Equal(got, []string{short}) {
				t.Errorf("SMEMBERS after the move and a listing = %d members, want only the session still bound", len(got))
			}
		})
	}
}

func mapKeys(m map[string]string) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

// bindBeforeSREM is a hook that, just before the first SREM its client
// sends, runs bind: a save on another client that lands between a listing
// that found a member stale and the removal of that member.
type bindBeforeSREM struct {
	once sync.Once
	bind func()
}

func (h *bindBeforeSREM) DialHook(next redis.DialHook) redis.DialHook { return next }

func (h *bindBeforeSREM) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		if cmd.Name() == "srem" {
			h.once.Do(h.bind)
		}
		return next(ctx, cmd)
	}
}

func (h *bindBeforeSREM) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return next
}

// TestPruneKeepsARecordBoundMeanwhile checks the race the set and the
// records being on different nodes allows: UserRecords reads a member
// whose record is not alice's, then, before it removes the member, another
// process binds that record to alice. The record must stay listed.
func TestPruneKeepsARecordBoundMeanwhile(t *testing.T) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			ctx := context.Background()
			lister := newTestStore(t, b.client(t))
			other, err := New(b.client(t), WithPrefix(lister.prefix)) // another process
			if err != nil {
				t.Fatal(err)
			}

			key := sessiontest.Key(t)
			rec := session.Record{Data: []byte("x"), Expires: time.Now().Add(time.Hour), User: "alice"}
			if err := other.Save(ctx, key, rec); err != nil {
				t.Fatal(err)
			}
			rec.User, rec.Version = "", 1
			if err := other.Save(ctx, key, rec); err != nil { // unbound: alice's entry is stale now
				t.Fatal(err)
			}
			if err := lister.client.SAdd(ctx, lister.userKey("alice"), key).Err(); err != nil {
				t.Fatal(err) // on a single node the save removed the entry: put it back, stale
			}
			lister.client.AddHook(&bindBeforeSREM{bind: func() {
				rec.User, rec.Version = "alice", 2
				if err := other.Save(ctx, key, rec); err != nil {
					t.Errorf("binding the record to alice during the listing: %v", err)
				}
			}})

			if got, err := lister.UserRecords(ctx, "alice"); err != nil || len(got) != 0 {
				t.Fatalf("first UserRecords = %d records, %v; want none (the record was not alice's when read)", len(got), err)
			}
			got, err := lister.UserRecords(ctx, "alice")
			if err != nil || len(got) != 1 {
				t.Fatalf("UserRecords after the record was bound to alice = %d records, %v; want it listed", len(got), err)
			}
		})
	}
}

// TestDeleteUserAfterScriptFlush checks the EVAL fallback of the pipelined
// script calls of DeleteUser: after SCRIPT FLUSH (or a restart) the nodes
// get the script's source and the records are deleted. It flushes the
// private test cluster, not the shared Redis.
func TestDeleteUserAfterScriptFlush(t *testing.T) {
	client := clusterClient(t)
	st := newTestStore(t, client)
	ctx := context.Background()
	for range 6 { // spread over the masters
		rec := session.Record{Data: []byte("x"), Expires: time.Now().Add(time.Hour), User: "alice"}
		if err := st.Save(ctx, sessiontest.Key(t), rec); err != nil {
			t.Fatal(err)
		}
	}
	nodes, err := nodesOf(ctx, client)
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range nodes {
		if err := n.ScriptFlush(ctx).Err(); err != nil {
			t.Fatalf("SCRIPT FLUSH: %v", err)
		}
	}
	rec := &recorder{}
	client.AddHook(rec)
	if n, err := st.DeleteUser(ctx, "alice", ""); err != nil || n != 6 {
		t.Fatalf("DeleteUser after SCRIPT FLUSH = %d, %v; want 6, nil", n, err)
	}
	if got := rec.take(); !slices.Contains(got, "eval") {
		t.Errorf("DeleteUser after SCRIPT FLUSH sent %v, want an EVAL fallback", got)
	}
	if got, err := st.UserRecords(ctx, "alice"); err != nil || len(got) != 0 {
		t.Errorf("UserRecords after DeleteUser = %d records, %v; want none", len(got), err)
	}
}
