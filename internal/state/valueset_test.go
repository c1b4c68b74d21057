package state

import (
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"testing"
	"time"
)

// TestValueSetAgreesWithAMap runs random sets and deletes, few and many,
// on values read in place from a body, and checks after each that the
// ValueSet holds what a plain map would, and that the body written from
// it reads back as that map.
func TestValueSetAgreesWithAMap(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, ops := range []int{3, manyChanges, 4 * manyChanges} {
		loaded := map[string][]byte{}
		for i := range 40 {
			loaded[fmt.Sprintf("k%02d", i)] = fmt.Appendf(nil, "%d", i)
		}
		body := AppendBody(nil, &State{Values: loaded, Issued: time.Unix(1_700_000_000, 0)})
		st, err := ParseBodyRaw(body)
		if err != nil {
			t.Fatal(err)
		}
		v := st.ValueSet()
		want := maps.Clone(loaded)
		for op := range ops {
			key := fmt.Sprintf("k%02d", rng.IntN(80)) // half of them new
			if rng.IntN(3) == 0 {
				_, had := want[key]
				delete(want, key)
				if got := v.Delete(key); got != had {
					t.Fatalf("%d ops, op %d: Delete(%s) = %v, want %v", ops, op, key, got, had)
				}
			} else {
				raw := fmt.Appendf(nil, `"set at %d"`, op)
				want[key] = raw
				v.Set(key, raw)
			}
			if got, ok := v.Get(key); string(got) != string(want[key]) || ok != (want[key] != nil) {
				t.Fatalf("%d ops, op %d: Get(%s) = %s, %v; want %s", ops, op, key, got, ok, want[key])
			}
			if v.Len() != len(want) {
				t.Fatalf("%d ops, op %d: Len() = %d, want %d", ops, op, v.Len(), len(want))
			}
		}
		if keys := slices.Sorted(maps.Keys(want)); !slices.Equal(v.Keys(), keys) {
			t.Fatalf("%d ops: Keys() = %v, want %v", ops, v.Keys(), keys)
		}
		out := &State{Issued: time.Unix(1_700_000_000, 0)}
		out.SetValues(v)
		back, err := ParseBody(AppendBody(nil, out))
		if err != nil {
			t.Fatalf("%d ops: the body written reads back with %v", ops, err)
		}
		if !maps.EqualFunc(back.Values, want, func(a, b []byte) bool { return string(a) == string(b) }) {
			t.Fatalf("%d ops: the body written reads back as %d values, want %d", ops, len(back.Values), len(want))
		}
	}
}

// TestLogKeepsEveryKeyAmongMany records a change of many keys, some twice,
// and finds the last change of each in the Change it makes.
func TestLogKeepsEveryKeyAmongMany(t *testing.T) {
	var l Log
	const n = 3 * manyChanges
	for round := range 2 {
		for i := range n {
			l.Set(fmt.Sprintf("k%03d", i), ValueChange{Raw: fmt.Appendf(nil, "%d", round*n+i)})
		}
	}
	l.Set("k000", ValueChange{Deleted: true})
	ch, err := l.Change(&Change{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(ch.Set) != n-1 || !slices.Equal(ch.Delete, []string{"k000"}) {
		t.Fatalf("Change sets %d keys and deletes %v; want %d and [k000]", len(ch.Set), ch.Delete, n-1)
	}
	for i := 1; i < n; i++ { // sorted by key: k001 first
		kv := ch.Set[i-1]
		if want := fmt.Sprintf("k%03d=%d", i, n+i); kv.Key+"="+string(kv.Value) != want {
			t.Fatalf("Set[%d] is %s=%s, want %s (in key order, each key's last change)", i-1, kv.Key, kv.Value, want)
		}
	}
}
