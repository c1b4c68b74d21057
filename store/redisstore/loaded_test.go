package redisstore

import (
	"fmt"
	"maps"
	"strconv"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/websession/session"
	"github.com/websession/session/sessiontest"
)

// TestLoadedAndStoredPathsKeepTheSameRecord applies the same changes to
// two copies of a signed-in session: to one as a request that loaded it
// (the client's merged body, stored by applyLoadedLua), to the other with
// nothing loaded (applyLua edits the stored body). After every change the
// two records must be the same field for field (body, expiry, version,
// user, the tokens kept beside the body), expire at the same time, and
// be in the user's set until the same time: through the tokens' moves to
// older_tokens, tokens that age out, a change delivered again, and a
// change that ends the session. On a cluster the user's set is kept by
// the client, and an ended session leaves it at the next listing.
func TestLoadedAndStoredPathsKeepTheSameRecord(t *testing.T) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			client := b.client(t)
			st := newTestStore(t, client)
			ctx := t.Context()
			loadedKey, storedKey := sessiontest.Key(t), sessiontest.Key(t)
			now := time.Now().Truncate(time.Second)
			body := []byte(`{"c":1700000000,"i":1700000300,"v":{"a":1,"b":"x"}}`)
			for _, key := range []string{loadedKey, storedKey} {
				if err := st.Save(ctx, key, session.Record{Data: body, Expires: now.Add(time.Hour), User: "alice"}); err != nil {
					t.Fatal(err)
				}
			}
			apply := func(i int, at, expires time.Time) {
				t.Helper()
				rec, err := st.Load(ctx, loadedKey)
				if err != nil {
					t.Fatal(err)
				}
				change := func(loaded bool) *session.Change {
					ch := &session.Change{Token: fmt.Sprintf("SAME%08d", i), Now: at, Expires: expires, TokenAge: time.Hour, TokensKept: 12,
						Set: []session.KeyValue{{Key: "n", Value: []byte(strconv.Itoa(i))}}}
					if loaded {
						ch.Loaded, ch.LoadedVersion = rec.Data, rec.Version
					}
					return ch
				}
				loaded, err := st.Apply(ctx, loadedKey, change(true))
				if err != nil {
					t.Fatalf("change %d to the loaded record: %v", i, err)
				}
				stored, err := st.Apply(ctx, storedKey, change(false))
				if err != nil {
					t.Fatalf("change %d with nothing loaded: %v", i, err)
				}
				if loaded.Version != stored.Version {
					t.Fatalf("change %d: version %d with the record loaded, %d with nothing loaded", i, loaded.Version, stored.Version)
				}
			}
			same := func(step string) {
				t.Helper()
				a, b := client.HGetAll(ctx, st.prefix+loadedKey).Val(), client.HGetAll(ctx, st.prefix+storedKey).Val()
				if !maps.Equal(a, b) {
					t.Fatalf("%s: with the record loaded it holds\n%q\nwith nothing loaded\n%q", step, a, b)
				}
				ea, eb := client.PExpireTime(ctx, st.prefix+loadedKey).Val(), client.PExpireTime(ctx, st.prefix+storedKey).Val()
				if ea != eb {
					t.Fatalf("%s: the records expire at %v and %v", step, ea, eb)
				}
				set := st.userKey("alice")
				inA, inB := client.SIsMember(ctx, set, loadedKey).Val(), client.SIsMember(ctx, set, storedKey).Val()
				if inA != inB || (len(a) > 0 && !inA) {
					t.Fatalf("%s: in the user's set: %v with the record loaded, %v with nothing loaded, for a record of %d fields", step, inA, inB, len(a))
				}
				if _, single := client.(*redis.Client); single && len(a) == 0 && inA {
					t.Fatalf("%s: an ended session is still in its user's set", step)
				}
			}
			same("saved")
			expires := now.Add(time.Hour)
			for i := range 30 {
				at := now
				if i >= 25 {
					at = now.Add(2 * time.Hour) // every token kept before is older than TokenAge
				}
				expires = expires.Add(time.Minute) // the record, and its user's set, live longer
				if i == 10 {
					// The set lost them (it expired, say): the next change puts them back.
					client.SRem(ctx, st.userKey("alice"), loadedKey, storedKey)
				}
				apply(i, at, expires)
				same(fmt.Sprintf("after change %d", i))
				if got := client.PExpireTime(ctx, st.userKey("alice")).Val().Milliseconds(); got < expires.UnixMilli() {
					t.Fatalf("after change %d the user's set expires at %d ms, before the record (%d)", i, got, expires.UnixMilli())
				}
			}
			// Change 29 delivered again, as a retry after a lost reply: the
			// record has moved past the version it was merged into.
			rec, _ := st.Load(ctx, loadedKey)
			again := &session.Change{Token: "SAME00000029", Now: now.Add(2 * time.Hour), Expires: expires, TokenAge: time.Hour, TokensKept: 12,
				Set: []session.KeyValue{{Key: "n", Value: []byte("29")}}, Loaded: rec.Data, LoadedVersion: rec.Version - 1}
			if got, err := st.Apply(ctx, loadedKey, again); err != nil || got.Version != rec.Version {
				t.Fatalf("change 29 delivered again: version %d, %v; want %d (not applied again)", got.Version, err, rec.Version)
			}
			same("after change 29 delivered again")
			// A change whose expiry has passed ends the session.
			apply(30, now.Add(2*time.Hour), now.Add(-time.Minute))
			same("after a change that ends the session")
			if n := client.Exists(ctx, st.prefix+loadedKey).Val(); n != 0 {
				t.Fatalf("after a change that ends the session its record is still there")
			}
		})
	}
}
