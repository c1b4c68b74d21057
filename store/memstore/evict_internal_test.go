package memstore

import (
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	session "github.com/websession/session"
)

// TestEvictionOrderMatchesAModel runs random Loads, Saves, Touches, Deletes
// and DeleteUsers on a small full store and on a plain model of it (a list
// of keys, most recently used first), and checks after each step that both
// hold the same sessions, that the list of anonymous entries is exactly the
// model's anonymous keys in the model's order, and that the user index
// holds exactly the bound ones.
func TestEvictionOrderMatchesAModel(t *testing.T) {
	ctx := t.Context()
	const max = 8
	st := New(WithMaxRecords(max), WithLogger(slog.New(slog.DiscardHandler)))
	hour := time.Now().Add(time.Hour)
	rng := rand.New(rand.NewPCG(1, 2))

	type mrec struct {
		user    string
		version uint64
	}
	model := map[string]*mrec{}
	var recency []string // most recently used first
	use := func(key string) {
		recency = slices.DeleteFunc(recency, func(k string) bool { return k == key })
		recency = slices.Insert(recency, 0, key)
	}
	drop := func(key string) {
		delete(model, key)
		recency = slices.DeleteFunc(recency, func(k string) bool { return k == key })
	}
	users := []string{"", "", "alice", "bob", "carol", "dave"}
	keys := make([]string, 40)
	for i := range keys {
		keys[i] = fmt.Sprintf("%064x", i)
	}

	for step := range 5000 {
		key := keys[rng.IntN(len(keys))]
		m := model[key]
		var op string
		switch rng.IntN(5) {
		case 0:
			op = "Load"
			_, err := st.Load(ctx, key)
			if (err == nil) != (m != nil) {
				t.Fatalf("step %d: Load: %v, model has it: %v", step, err, m != nil)
			}
			if m != nil {
				use(key)
			}
		case 1:
			op = "Touch"
			err := st.Touch(ctx, key, hour)
			if (err == nil) != (m != nil) {
				t.Fatalf("step %d: Touch: %v, model has it: %v", step, err, m != nil)
			}
			if m != nil {
				use(key)
			}
		case 2:
			op = "Delete"
			if err := st.Delete(ctx, key); err != nil {
				t.Fatal(err)
			}
			drop(key)
		case 3:
			op = "DeleteUser"
			user := users[2+rng.IntN(4)]
			if _, err := st.DeleteUser(ctx, user, ""); err != nil {
				t.Fatal(err)
			}
			for k, r := range model {
				if r.user == user {
					drop(k)
				}
			}
		default:
			user := users[rng.IntN(len(users))]
			op = "Save as " + user
			var version uint64
			if m != nil {
				version = m.version
			}
			err := st.Save(ctx, key, session.Record{Data: []byte("x"), Expires: hour, Version: version, User: user})
			if m == nil && len(model) == max {
				victim := ""
				for _, k := range slices.Backward(recency) {
					if model[k].user == "" {
						victim = k
						break
					}
				}
				if victim == "" {
					if !errors.Is(err, ErrFull) {
						t.Fatalf("step %d: Save of a new key in a store full of signed-in sessions: %v, want ErrFull", step, err)
					}
					break
				}
				drop(victim)
			}
			if err != nil {
				t.Fatalf("step %d: Save: %v", step, err)
			}
			model[key] = &mrec{user: user, version: version + 1}
			use(key)
		}
		checkAgainstModel(t, st, step, op, func(key string) (string, bool) {
			r := model[key]
			if r == nil {
				return "", false
			}
			return r.user, true
		}, len(model), recency)
	}
}

// checkAgainstModel checks st's internal structures against the model.
func checkAgainstModel(t *testing.T, st *Store, step int, op string, model func(key string) (user string, ok bool), n int, recency []string) {
	t.Helper()
	st.mu.Lock()
	defer st.mu.Unlock()
	if len(st.records) != n || len(st.byExpiry) != n {
		t.Fatalf("step %d (%s): the store holds %d records (%d in the expiry heap), the model %d", step, op, len(st.records), len(st.byExpiry), n)
	}
	var wantAnon []string
	for _, k := range recency {
		if user, _ := model(k); user == "" {
			wantAnon = append(wantAnon, k)
		}
	}
	var gotAnon []string
	for e := st.anon.root.next; e != &st.anon.root; e = e.next {
		gotAnon = append(gotAnon, e.key)
		if e.next.prev != e {
			t.Fatalf("step %d (%s): the anonymous list is broken", step, op)
		}
	}
	if !slices.Equal(gotAnon, wantAnon) {
		t.Fatalf("step %d (%s): anonymous entries, most recent first:\n got %q\nwant %q", step, op, gotAnon, wantAnon)
	}
	bound := 0
	for user, keys := range st.users {
		for k := range keys {
			if u, ok := model(k); !ok || u != user {
				t.Fatalf("step %d (%s): the user index has a record under %q that the model has under %q", step, op, user, u)
			}
			bound++
		}
	}
	if bound+len(gotAnon) != n {
		t.Fatalf("step %d (%s): %d bound + %d anonymous entries, want %d in all", step, op, bound, len(gotAnon), n)
	}
}
