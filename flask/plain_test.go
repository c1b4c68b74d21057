package flask

import (
	"maps"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/websession/session/internal/state"

	"github.com/websession/session"
)

func TestIsPlain(t *testing.T) {
	deep := func(n int) string { return strings.Repeat("[", n) + strings.Repeat("]", n) }
	plain := []string{`0`, `-1`, `42`, `123456789012345678`, `-123456789012345678`, `""`, `"a b~!#"`, `true`, `false`, `null`,
		`[]`, `{}`, `[1,[2,[]],"x"]`, `{"":0,"a":1,"b":[true,false,null]}`, `{"a":{"b":{}}}`, deep(state.MaxDepth)}
	notPlain := []string{``, `-0`, `01`, `-01`, `-`, `1.0`, `1e5`, `1E5`, `2.5`, `1234567890123456789`, `"a\"b"`, `"a\\b"`, `"\n"`,
		"\"\x7f\"", "\"\x1f\"", `"é"`, `"\u00e9"`, `{"b":1,"a":2}`, `{"a":1,"a":2}`, `{" t":[1]}`, `{" x":1}`, `[1, 2]`, ` 1`, `1 `,
		`NaN`, `Infinity`, `-Infinity`, `[1,]`, `{"a":}`, `{"a"}`, `{"a":1,}`, `tru`, `nul`, `[`, `"abc`, `{"a":1`, `[1]]`, `truex`,
		deep(state.MaxDepth + 1)}
	for _, s := range plain {
		if !isPlain([]byte(s)) {
			t.Errorf("%s: not plain", s)
		}
	}
	for _, s := range notPlain {
		if isPlain([]byte(s)) {
			t.Errorf("%s: plain", s)
		}
	}
}

// plainishJSON writes random JSON that is often plain and often just not:
// escapes, floats, -0, long integers, unsorted or repeated keys, tag keys.
func plainishJSON(rng *rand.Rand, depth int) string {
	str := func() string {
		const alphabet = `ab z~_-"\` + "\x7f\x01é "
		var b strings.Builder
		for range rng.IntN(4) {
			b.WriteByte(alphabet[rng.IntN(len(alphabet))])
		}
		return strconv.Quote(b.String())
	}
	switch r := rng.IntN(12); {
	case r < 2:
		return strconv.Itoa(rng.IntN(2000) - 1000)
	case r == 2:
		return []string{"-0", "1.5", "1e3", "1234567890123456789", "123456789012345678", "NaN", "0"}[rng.IntN(7)]
	case r < 5:
		return str()
	case r == 5:
		return []string{"true", "false", "null"}[rng.IntN(3)]
	case r < 8 && depth < 4:
		items := make([]string, rng.IntN(4))
		for i := range items {
			items[i] = plainishJSON(rng, depth+1)
		}
		return "[" + strings.Join(items, ",") + "]"
	case depth < 4:
		keys := make([]string, rng.IntN(4))
		for i := range keys {
			keys[i] = []string{"a", "b", "c", "", " t", "_x", "é"}[rng.IntN(7)]
		}
		if rng.IntN(3) > 0 {
			slices.Sort(keys)
		}
		members := make([]string, len(keys))
		for i, k := range keys {
			members[i] = strconv.Quote(k) + ":" + plainishJSON(rng, depth+1)
		}
		return "{" + strings.Join(members, ",") + "}"
	}
	return "7"
}

// TestPlainValueIsWhatDumpWrites: a plain value reads as tagged JSON and
// writes back unchanged, so it can be copied as it is.
func TestPlainValueIsWhatDumpWrites(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	plain := 0
	for range 20000 {
		s := plainishJSON(rng, 0)
		if !isPlain([]byte(s)) {
			continue
		}
		plain++
		tree, err := parse([]byte(s), state.MaxDepth)
		if err != nil {
			t.Fatalf("%s: plain but parse fails: %v", s, err)
		}
		if _, err := untag(tree, 0); err != nil {
			t.Fatalf("%s: plain but untag fails: %v", s, err)
		}
		if out, err := dump(tree); err != nil || string(out) != s {
			t.Fatalf("%s: plain but written back as %s (%v)", s, out, err)
		}
	}
	if plain < 2000 {
		t.Fatalf("only %d plain values generated", plain)
	}
}

// checkSameState fails unless the fast and the general decoding agree.
func checkSameState(t *testing.T, data string, got, want *state.State) {
	t.Helper()
	if got.Permanent != want.Permanent || got.User != want.User || !got.SignedIn.Equal(want.SignedIn) ||
		!slices.Equal(got.Flashes, want.Flashes) || !maps.EqualFunc(got.Values, want.Values, func(a, b []byte) bool { return string(a) == string(b) }) {
		t.Fatalf("%s: plain decoding %+v, general decoding %+v", data, got, want)
	}
}

// TestPlainSessionAgreesWithTree: whenever the session dict is read or
// written without trees, the result is the general path's.
func TestPlainSessionAgreesWithTree(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	dicts := []string{
		`{}`, `{"a":1}`, `{"_permanent":true,"a":[1,2]}`, `{"_permanent":false}`, `{"_permanent":1}`, `{"_permanent":null}`,
		`{"_signed_in":1764144000,"_user_id":"42","cart":[]}`, `{"_user_id":42}`, `{"_signed_in":"x"}`, `{"_signed_in":-5}`,
		`{"_signed_in":1.5}`, `{"_flashes":[{" t":["message","hi"]}]}`, `{" di":{" t__":[1]}}`, `{"b":1,"a":2}`, `{"a":1,"a":2}`,
		`{"a":1} `, `{"a":1}x`, `{"a":1`, `[]`, `"x"`, `{ "a":1}`, `{"a":{" t":[1]}}`, `{"a":{" b":"AA=="}}`, `{"é":1}`,
		`{"_signed_in":`, `{"_user_id":`, `{"_permanent":`, `{"a":`, `{"_signed_in":-`, `{"_signed_in":-0}`,
	}
	for range 5000 {
		keys := []string{"_permanent", "_user_id", "_signed_in", "a", "b", "cart", " t"}
		rng.Shuffle(len(keys), func(i, j int) { keys[i], keys[j] = keys[j], keys[i] })
		keys = keys[:rng.IntN(4)]
		if rng.IntN(4) > 0 {
			slices.Sort(keys)
		}
		members := make([]string, len(keys))
		for i, k := range keys {
			v := plainishJSON(rng, 1)
			switch {
			case k == "_permanent" && rng.IntN(2) == 0:
				v = []string{"true", "false"}[rng.IntN(2)]
			case k == "_user_id" && rng.IntN(2) == 0:
				v = `"u` + strconv.Itoa(rng.IntN(100)) + `"`
			case k == "_signed_in" && rng.IntN(2) == 0:
				v = strconv.Itoa(rng.IntN(2000000000))
			}
			members[i] = strconv.Quote(k) + ":" + v
		}
		dicts = append(dicts, "{"+strings.Join(members, ",")+"}")
	}
	fast := 0
	for _, d := range dicts {
		st, ok := decodePlainSession([]byte(d))
		if !ok {
			continue
		}
		fast++
		want, err := decodeSessionTree([]byte(d))
		if err != nil {
			t.Fatalf("%s: read without trees, refused with them: %v", d, err)
		}
		checkSameState(t, d, st, want)

		// Written back, with or without trees, it is the same text.
		got, ok := encodePlainSession(st)
		wantText, err := encodeSessionTree(st)
		if err != nil {
			t.Fatalf("%s: encodeSessionTree: %v", d, err)
		}
		if ok && string(got) != string(wantText) {
			t.Fatalf("%s: written without trees as %s, with trees as %s", d, got, wantText)
		}
	}
	if fast < 1000 {
		t.Fatalf("only %d of %d dicts read without trees", fast, len(dicts))
	}
}

func TestEncodePlainSessionAgreesWithTree(t *testing.T) {
	signedIn := time.Unix(1764144000, 0)
	states := []*state.State{
		{Values: map[string][]byte{}},
		{Values: map[string][]byte{"a": []byte(`1`), "b": []byte(`[1,"x"]`)}, Permanent: true},
		{Values: map[string][]byte{"cart": []byte(`[]`)}, User: "42", SignedIn: signedIn},
		{Values: map[string][]byte{}, User: "é \"x\"", SignedIn: signedIn},
		{Values: map[string][]byte{"é": []byte(`1`), "\x00": []byte(`2`), "a\"b": []byte(`3`)}},
		{Values: map[string][]byte{" t": []byte(`[1]`)}},                   // one tag key: wrapped in " di"
		{Values: map[string][]byte{" t": []byte(`[1]`), "a": []byte(`1`)}}, // not wrapped
		{Values: map[string][]byte{"a": []byte(`1.5`)}},
		{Values: map[string][]byte{"a": []byte(` 1`)}},
		{Values: map[string][]byte{"a": []byte(`{"b":1,"a":2}`)}},
		{Values: map[string][]byte{"\xff": []byte(`1`), "\ufffd": []byte(`2`)}}, // the same key once canonical
		{Values: map[string][]byte{"a": []byte(`1`)}, Flashes: []session.Flash{{Category: "message", Message: "hi"}}},
		{Values: map[string][]byte{}, Permanent: true},
	}
	for _, st := range states {
		got, ok := encodePlainSession(st)
		want, err := encodeSessionTree(st)
		if !ok {
			continue
		}
		if err != nil || string(got) != string(want) {
			t.Errorf("%+v: written without trees as %s, with trees as %s (%v)", st, got, want, err)
		}
	}
}

// TestTypicalSessionsSkipTrees: the sessions of a typical app, and the
// benchmark's, are read and written without trees.
func TestTypicalSessionsSkipTrees(t *testing.T) {
	for _, d := range []string{
		`{"cart":[1,2,3],"name":"Alice","user_id":42}`,
		`{"_permanent":true,"_signed_in":1764144000,"_user_id":"42","csrf_token":"4b2d0c8e6f1a3b5d","theme":"dark"}`,
	} {
		st, ok := decodePlainSession([]byte(d))
		if !ok {
			t.Fatalf("%s: not read without trees", d)
		}
		out, ok := encodePlainSession(st)
		if !ok || string(out) != d {
			t.Fatalf("%s: written without trees as %s (%v)", d, out, ok)
		}
	}
}

// FuzzPlain: text read without trees, as a value or as a session dict, is
// read the same with them.
func FuzzPlain(f *testing.F) {
	for _, s := range []string{`{}`, `{"a":1}`, `{"_permanent":true,"_signed_in":5,"_user_id":"x","b":[1,{"c":null}]}`,
		`{"a":-0}`, `{"b":1,"a":2}`, `[1,"x",true]`, `123456789012345678`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if isPlain(data) {
			tree, err := parse(data, state.MaxDepth)
			if err != nil {
				t.Fatalf("plain but parse fails: %v", err)
			}
			if out, err := dump(tree); err != nil || string(out) != string(data) {
				t.Fatalf("plain but written back as %s (%v)", out, err)
			}
		}
		st, ok := decodePlainSession(data)
		if !ok {
			return
		}
		want, err := decodeSessionTree(data)
		if err != nil {
			t.Fatalf("read without trees, refused with them: %v", err)
		}
		checkSameState(t, string(data), st, want)
	})
}
