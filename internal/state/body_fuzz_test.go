package state

import (
	"bytes"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// FuzzParseBody feeds any bytes to the reader of the session body that
// Encrypted and Signed cookies and server-side records carry. It only ever
// sees authenticated input, so this is defence in depth: it never panics,
// and what it accepts is written back by AppendBody to a body that reads
// as the same session.
func FuzzParseBody(f *testing.F) {
	now := time.Unix(1_700_000_000, 0)
	for _, st := range []*State{
		{Values: map[string][]byte{}, Issued: now},
		{Values: map[string][]byte{"user_id": []byte("42"), "a\"b": []byte(`{"x":[1,2.5,null]}`)}, Issued: now, Created: now.Add(-time.Hour), Permanent: true,
			Flashes: []Flash{{Category: "message", Message: "héllo \"world\""}}},
	} {
		f.Add(AppendBody(nil, st))
	}
	for _, s := range []string{
		``, `{}`, `{"c":1}`, `{"c":-1,"i":9223372036854775807,"v":{}}`, `{"v":{"k":[[[[1]]]]}}`, `{"f":null,"v":{}}`,
		`{"f":[["a"]],"v":{}}`, `{"p":true,"z":{"new":"field"},"v":{"k":"\u00e9"}}`, `{"v":{"k":1}} `, `{"v":{"k":1}}x`,
		`{"v":{"\ud800":1}}`, `{"i":1e3}`, strings.Repeat("[", 100),
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		st, err := ParseBody(data)
		checkRawAgrees(t, data, st, err)
		if err != nil {
			return
		}
		for k := range st.Values {
			if !utf8.ValidString(k) {
				// JSON cannot carry such a key: AppendBody writes U+FFFD
				// for its bad bytes, as encoding/json does. Only a writer
				// holding the key could make such a body.
				return
			}
		}
		again, err := ParseBody(AppendBody(nil, st))
		if err != nil {
			t.Fatalf("ParseBody accepted %q, but not what AppendBody wrote back for it: %v", data, err)
		}
		if !sameState(st, again) {
			t.Fatalf("%q reads as\n%+v\nbut its rewrite as\n%+v", data, st, again)
		}
	})
}

// sameState compares what a body carries: values, flashes, flags and times.
func sameState(a, b *State) bool {
	if len(a.Values) != len(b.Values) || a.Permanent != b.Permanent ||
		!a.Created.Equal(b.Created) || !a.Issued.Equal(b.Issued) || !slices.Equal(a.Flashes, b.Flashes) {
		return false
	}
	for k, v := range a.Values {
		if w, ok := b.Values[k]; !ok || string(v) != string(w) {
			return false
		}
	}
	return true
}

// checkRawAgrees checks that ParseBodyRaw reads data as ParseBody does
// (st, err): the same error or none, every key found by Get with its
// value, no other, and the same body written back.
func checkRawAgrees(t *testing.T, data []byte, st *State, err error) {
	t.Helper()
	lazy, lerr := ParseBodyRaw(data)
	if (err == nil) != (lerr == nil) {
		t.Fatalf("%q: ParseBody gives error %v, ParseBodyRaw %v", data, err, lerr)
	}
	if err != nil {
		return
	}
	if lazy.Values == nil {
		if lazy.Raw.Len() != len(st.Values) {
			t.Fatalf("%q: %d values read in place, %d by ParseBody", data, lazy.Raw.Len(), len(st.Values))
		}
		for k, v := range st.Values {
			if got, ok := lazy.Raw.Get(k); !ok || !bytes.Equal(got, v) {
				t.Fatalf("%q: Get(%q) = %q, %v; want %q", data, k, got, ok, v)
			}
			if _, ok := lazy.Raw.Get(k + "\x00"); ok && st.Values[k+"\x00"] == nil {
				t.Fatalf("%q: Get finds %q, which the body does not hold", data, k+"\x00")
			}
		}
		if keys := lazy.Raw.Keys(); !slices.IsSorted(keys) || len(keys) != len(st.Values) {
			t.Fatalf("%q: Keys() = %q, want the %d keys sorted", data, keys, len(st.Values))
		}
		if a, b := AppendBody(nil, st), AppendBody(nil, lazy); !bytes.Equal(a, b) {
			t.Fatalf("%q: written back from the map as\n%s\nand from the values in place as\n%s", data, a, b)
		}
	}
	if m := lazy.ValueMap(); !maps.EqualFunc(m, st.Values, bytes.Equal) {
		t.Fatalf("%q: ParseBodyRaw's values %q, ParseBody's %q", data, m, st.Values)
	}
}
