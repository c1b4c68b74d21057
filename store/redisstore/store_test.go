package redisstore

import (
	"context"
	"errors"
	"math"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/websession/session"
	"github.com/websession/session/sessiontest"
)

// recordFor returns a new record (version 0) that expires in ttl.
func recordFor(data []byte, ttl time.Duration) session.Record {
	return session.Record{Data: data, Expires: time.Now().Add(ttl)}
}

func TestNewRejectsBadConfiguration(t *testing.T) {
	client := redis.NewClient(&redis.Options{Addr: "127.0.0.1:1"})
	defer client.Close()
	tests := []struct {
		name   string
		client redis.UniversalClient
		opts   []Option
		want   string
	}{
		{"nil client", nil, nil, "nil client"},
		{"empty prefix", client, []Option{WithPrefix("")}, "empty key prefix"},
		{"nil option", client, []Option{nil}, "option 0 is nil"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			st, err := New(tc.client, tc.opts...)
			if err == nil || st != nil {
				t.Fatalf("New = %v, %v; want an error", st, err)
			}
			if !strings.HasPrefix(err.Error(), "redisstore: ") || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("New error = %q, want it to start with \"redisstore: \" and say %q", err, tc.want)
			}
		})
	}
}

// TestInvalidKeySendsNothing checks that a key the Manager would never
// produce is refused with ErrInvalidKey before any command is sent. The
// client points at a closed port, so no Redis is needed.
func TestInvalidKeySendsNothing(t *testing.T) {
	rec := &recorder{}
	client := redis.NewClient(&redis.Options{Addr: "127.0.0.1:1", MaxRetries: -1, DialerRetries: 1})
	defer client.Close()
	client.AddHook(rec)
	st, err := New(client)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	valid := sessiontest.Key(t)
	ops := map[string]func(key string) error{
		"Load":   func(key string) error { _, err := st.Load(ctx, key); return err },
		"Save":   func(key string) error { return st.Save(ctx, key, recordFor([]byte("x"), time.Hour)) },
		"Delete": func(key string) error { return st.Delete(ctx, key) },
		"Touch":  func(key string) error { return st.Touch(ctx, key, time.Now().Add(time.Hour)) },
	}
	badKeys := []string{"", "*", valid[:63], valid + "0", strings.ToUpper(valid), "../" + valid[3:], valid[:63] + "\n"}
	for name, op := range ops {
		for _, key := range badKeys {
			err := op(key)
			if !errors.Is(err, session.ErrInvalidKey) {
				t.Errorf("%s(%q) = %v, want session.ErrInvalidKey", name, key, err)
			}
		}
		if sent := rec.take(); len(sent) != 0 {
			t.Errorf("%s with invalid keys sent %v to Redis, want nothing", name, sent)
		}
		// Control: a valid key does reach the client (and fails to connect).
		if err := op(valid); err == nil || errors.Is(err, session.ErrInvalidKey) {
			t.Errorf("%s(valid key) against a closed port = %v, want a connection error", name, err)
		}
		if sent := rec.take(); len(sent) == 0 {
			t.Errorf("%s(valid key) sent nothing: the recorder does not see commands", name)
		}
	}
}

// TestOneCommandPerCall checks the round trips a later issue counts with
// INFO commandstats: each call is exactly one command once the scripts
// are cached on the server.
func TestOneCommandPerCall(t *testing.T) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			client := b.client(t)
			st := newTestStore(t, client)
			rec := &recorder{}
			client.AddHook(rec)
			ctx := context.Background()
			key := sessiontest.Key(t)

			// The first script call on a node that has not cached the
			// script costs EVALSHA + EVAL; SCRIPT LOAD caches both scripts
			// on every node (a ClusterClient sends it to all of them).
			for _, src := range []string{saveLua, touchLua} {
				if err := client.ScriptLoad(ctx, src).Err(); err != nil {
					t.Fatalf("SCRIPT LOAD: %v", err)
				}
			}
			rec.take()

			steps := []struct {
				name string
				call func() error
				want string
			}{
				{"Save", func() error { return st.Save(ctx, key, recordFor([]byte("v1"), time.Hour)) }, "evalsha"},
				{"Load", func() error { _, err := st.Load(ctx, key); return err }, "hmget"},
				{"Touch", func() error { return st.Touch(ctx, key, time.Now().Add(2*time.Hour)) }, "evalsha"},
				{"Delete", func() error { return st.Delete(ctx, key) }, "del"},
			}
			for _, s := range steps {
				if err := s.call(); err != nil {
					t.Fatalf("%s: %v", s.name, err)
				}
				if got := rec.take(); !slices.Equal(got, []string{s.want}) {
					t.Errorf("%s sent %v, want exactly [%s]", s.name, got, s.want)
				}
			}
		})
	}
}

// TestScriptCacheFlushed checks the EVAL fallback: after SCRIPT FLUSH (or
// a Redis restart) Save and Touch still work. It flushes the private test
// cluster, not the shared Redis other packages' tests may be using.
func TestScriptCacheFlushed(t *testing.T) {
	client := clusterClient(t)
	st := newTestStore(t, client)
	ctx := context.Background()
	key := sessiontest.Key(t)
	flush := func() {
		t.Helper()
		nodes, err := nodesOf(ctx, client)
		if err != nil {
			t.Fatalf("listing masters: %v", err)
		}
		for _, n := range nodes {
			if err := n.ScriptFlush(ctx).Err(); err != nil {
				t.Fatalf("SCRIPT FLUSH: %v", err)
			}
		}
	}
	rec := &recorder{}
	client.AddHook(rec)

	flush()
	if err := st.Save(ctx, key, recordFor([]byte("after flush"), time.Hour)); err != nil {
		t.Fatalf("Save after SCRIPT FLUSH: %v", err)
	}
	// EVALSHA fails; the store loads its other three scripts (the two
	// applies and touch) and runs this one with EVAL.
	if got := rec.take(); !slices.Equal(got, []string{"evalsha", "script", "script", "script", "eval"}) {
		t.Errorf("Save after SCRIPT FLUSH sent %v, want [evalsha script script script eval]", got)
	}
	if err := st.Save(ctx, key, session.Record{Data: []byte("after flush"), Expires: time.Now().Add(time.Hour), Version: 1}); err != nil {
		t.Fatalf("second Save after SCRIPT FLUSH: %v", err)
	}
	if got := rec.take(); !slices.Equal(got, []string{"evalsha"}) {
		t.Errorf("the next Save sent %v, want [evalsha]", got)
	}
	flush()
	if err := st.Touch(ctx, key, time.Now().Add(2*time.Hour)); err != nil {
		t.Fatalf("Touch after SCRIPT FLUSH: %v", err)
	}
	got, err := st.Load(ctx, key)
	if err != nil || string(got.Data) != "after flush" || got.Version != 2 {
		t.Errorf("Load = %q version %d, %v; want \"after flush\" version 2", got.Data, got.Version, err)
	}
}

// TestLayout checks what an operator sees with redis-cli: one hash per
// session with data, expires and version, and a native expiry at the
// record's expiry.
func TestLayout(t *testing.T) {
	client := singleClient(t)
	st := newTestStore(t, client)
	ctx := context.Background()
	key := sessiontest.Key(t)
	expires := time.Now().Add(time.Hour)
	if err := st.Save(ctx, key, session.Record{Data: []byte("payload"), Expires: expires}); err != nil {
		t.Fatalf("Save: %v", err)
	}
	fields, err := client.HGetAll(ctx, st.prefix+key).Result()
	if err != nil {
		t.Fatalf("HGETALL: %v", err)
	}
	want := map[string]string{
		"data":    "payload",
		"expires": strconv.FormatInt(expires.UnixMilli(), 10),
		"version": "1",
	}
	if len(fields) != len(want) {
		t.Errorf("hash fields = %v, want %v", fields, want)
	}
	for f, v := range want {
		if fields[f] != v {
			t.Errorf("field %s = %q, want %q", f, fields[f], v)
		}
	}
	ttl, err := client.PTTL(ctx, st.prefix+key).Result()
	if err != nil {
		t.Fatalf("PTTL: %v", err)
	}
	if ttl <= 0 || ttl > time.Hour {
		t.Errorf("PTTL = %v, want a native expiry within the hour", ttl)
	}

	later := expires.Add(time.Hour)
	if err := st.Touch(ctx, key, later); err != nil {
		t.Fatalf("Touch: %v", err)
	}
	if got := client.HGet(ctx, st.prefix+key, "expires").Val(); got != strconv.FormatInt(later.UnixMilli(), 10) {
		t.Errorf("expires after Touch = %s, want %d", got, later.UnixMilli())
	}
	if ttl := client.PTTL(ctx, st.prefix+key).Val(); ttl <= time.Hour {
		t.Errorf("PTTL after Touch = %v, want more than an hour", ttl)
	}
}

// TestStoredExpiryWins checks the belt and braces against clock skew: a
// record whose stored expiry has passed is missing even while Redis still
// keeps the key.
func TestStoredExpiryWins(t *testing.T) {
	client := singleClient(t)
	st := newTestStore(t, client)
	ctx := context.Background()
	key := sessiontest.Key(t)
	past := time.Now().Add(-time.Second).UnixMilli()
	if err := client.HSet(ctx, st.prefix+key, "data", "stale", "expires", past, "version", "3").Err(); err != nil {
		t.Fatalf("HSET: %v", err)
	}
	if err := client.Expire(ctx, st.prefix+key, time.Hour).Err(); err != nil {
		t.Fatalf("EXPIRE: %v", err)
	}

	if _, err := st.Load(ctx, key); !errors.Is(err, session.ErrNotFound) {
		t.Errorf("Load = %v, want session.ErrNotFound", err)
	}
	if err := st.Touch(ctx, key, time.Now().Add(time.Hour)); !errors.Is(err, session.ErrNotFound) {
		t.Errorf("Touch = %v, want session.ErrNotFound", err)
	}
	err := st.Iterate(ctx, func(string, session.Record) error {
		return errors.New("Iterate reported an expired record")
	})
	if err != nil {
		t.Error(err)
	}
	stale := recordFor([]byte("resurrected"), time.Hour)
	stale.Version = 3
	if err := st.Save(ctx, key, stale); !errors.Is(err, session.ErrConflict) {
		t.Errorf("Save with the expired record's version = %v, want session.ErrConflict", err)
	}
	if err := st.Save(ctx, key, recordFor([]byte("fresh"), time.Hour)); err != nil {
		t.Errorf("Save of a new record over an expired one = %v, want nil", err)
	}
	if got, err := st.Load(ctx, key); err != nil || string(got.Data) != "fresh" || got.Version != 1 {
		t.Errorf("Load = %q version %d, %v; want \"fresh\" version 1", got.Data, got.Version, err)
	}
}

// TestLargeVersions checks that versions are compared exactly, beyond
// the 2^53 where Lua's numbers lose precision.
func TestLargeVersions(t *testing.T) {
	client := singleClient(t)
	st := newTestStore(t, client)
	ctx := context.Background()
	key := sessiontest.Key(t)
	const stored = 1<<60 + 1 // 1<<60 as a float64
	exp := time.Now().Add(time.Hour).UnixMilli()
	if err := client.HSet(ctx, st.prefix+key, "data", "x", "expires", exp, "version", strconv.FormatUint(stored, 10)).Err(); err != nil {
		t.Fatalf("HSET: %v", err)
	}
	client.Expire(ctx, st.prefix+key, time.Hour)

	rec := recordFor([]byte("y"), time.Hour)
	rec.Version = stored - 1
	if err := st.Save(ctx, key, rec); !errors.Is(err, session.ErrConflict) {
		t.Errorf("Save with version %d over %d = %v, want session.ErrConflict", rec.Version, uint64(stored), err)
	}
	rec.Version = stored
	if err := st.Save(ctx, key, rec); err != nil {
		t.Fatalf("Save with the stored version: %v", err)
	}
	if got, err := st.Load(ctx, key); err != nil || got.Version != stored+1 {
		t.Errorf("Load version = %d, %v; want %d", got.Version, err, uint64(stored+1))
	}

	rec.Version = math.MaxUint64
	err := st.Save(ctx, key, rec)
	if err == nil || errors.Is(err, session.ErrConflict) || !strings.HasPrefix(err.Error(), "redisstore: save: ") {
		t.Errorf("Save with the largest version = %v, want a redisstore: save: error that is no conflict", err)
	}
}

// TestBadStoredRecords checks that a key under the prefix that the store
// did not write is an error, not a missing session, and that the error
// names neither the key nor the content.
func TestBadStoredRecords(t *testing.T) {
	client := singleClient(t)
	ctx := context.Background()
	exp := strconv.FormatInt(time.Now().Add(time.Hour).UnixMilli(), 10)
	tests := []struct {
		name  string
		write func(name string) error
	}{
		{"string", func(name string) error { return client.Set(ctx, name, "secret-content", time.Hour).Err() }},
		{"no data", func(name string) error { return client.HSet(ctx, name, "expires", exp, "version", "1").Err() }},
		{"bad version", func(name string) error {
			return client.HSet(ctx, name, "data", "secret-content", "expires", exp, "version", "one").Err()
		}},
		{"bad expires", func(name string) error {
			return client.HSet(ctx, name, "data", "secret-content", "expires", "soon", "version", "1").Err()
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			st := newTestStore(t, client)
			key := sessiontest.Key(t)
			if err := tc.write(st.prefix + key); err != nil {
				t.Fatalf("writing the foreign record: %v", err)
			}
			_, err := st.Load(ctx, key)
			checkBadRecordErr(t, "Load", "redisstore: load: ", err, key)
			err = st.Iterate(ctx, func(string, session.Record) error { return nil })
			checkBadRecordErr(t, "Iterate", "redisstore: iterate: ", err, key)
		})
	}
}

func checkBadRecordErr(t *testing.T, op, prefix string, err error, key string) {
	t.Helper()
	switch {
	case err == nil || errors.Is(err, session.ErrNotFound):
		t.Errorf("%s = %v, want an error that is not session.ErrNotFound", op, err)
	case !strings.HasPrefix(err.Error(), prefix):
		t.Errorf("%s error = %q, want it to start with %q", op, err, prefix)
	case strings.Contains(err.Error(), key[:16]) || strings.Contains(err.Error(), "secret-content"):
		t.Errorf("%s error = %q: it must not contain the key or the stored data", op, err)
	}
}

// TestIterateOnlyOwnKeys checks that Iterate lists only this store's
// sessions: a prefix with glob characters matches itself only, and
// other keys under the prefix are skipped.
func TestIterateOnlyOwnKeys(t *testing.T) {
	client := singleClient(t)
	ctx := context.Background()
	base := randomPrefix(t)
	mine, err := New(client, WithPrefix(base+"a*[b]?:"))
	if err != nil {
		t.Fatal(err)
	}
	other, err := New(client, WithPrefix(base+"aXb?:"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { deletePrefix(client, base) })

	own := sessiontest.Key(t)
	if err := mine.Save(ctx, own, recordFor([]byte("mine"), time.Hour)); err != nil {
		t.Fatalf("Save: %v", err)
	}
	if err := other.Save(ctx, sessiontest.Key(t), recordFor([]byte("other"), time.Hour)); err != nil {
		t.Fatalf("Save: %v", err)
	}
	if err := client.Set(ctx, mine.prefix+"counter", "7", time.Hour).Err(); err != nil {
		t.Fatalf("SET: %v", err)
	}

	var got []string
	err = mine.Iterate(ctx, func(key string, rec session.Record) error {
		got = append(got, key+"="+string(rec.Data))
		return nil
	})
	if err != nil {
		t.Fatalf("Iterate: %v", err)
	}
	if want := []string{own + "=mine"}; !slices.Equal(got, want) {
		t.Errorf("Iterate reported %v, want %v", got, want)
	}
}
