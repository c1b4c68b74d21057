package state

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"testing"
	"time"
)

// spliceBodies are record bodies as the Manager and the stores write them,
// with every field, and one the general path must take.
var spliceBodies = []string{
	`{"c":1700000000,"i":1700000300,"v":{}}`,
	`{"c":1700000000,"i":1700000300,"p":true,"u":"bob","l":1700000000,"n":5,"a":"Firefox on Linux",` +
		`"t":{"AAAAAAAAAAAA":1700000100,"BBBBBBBBBBBB":1700000200},"f":[["message","hi"],["x","y"]],` +
		`"v":{"b":[1,{"a":"]}\""}],"d":"v","f":1,"h":{"x":{"y":[]}},"ké":true}}`,
	`{"c":1,"i":2,"v":{"a":1,"a b":3,"a!":2,"z":"\\"}}`,
}

// spliceChanges are the changes splice takes: sets before, between, on
// and after the stored keys, deletes of present and missing keys, a key
// both set and deleted, flashes and permanence.
func spliceChanges() []Change {
	off := false
	return []Change{
		{},
		{Set: []KeyValue{{Key: "d", Value: []byte(`"w"`)}}},
		{Set: []KeyValue{{Key: "0", Value: []byte("0")}, {Key: "c", Value: []byte("3")}, {Key: "zz", Value: []byte(`{"q":1}`)}, {Key: "kë", Value: []byte("1")}}},
		{Delete: []string{"b", "missing", "h"}},
		{Set: []KeyValue{{Key: "f", Value: []byte("2")}, {Key: "g", Value: []byte("[]")}}, Delete: []string{"f", "g", "d"}},
		{FlashesTaken: 1, Flashes: []Flash{{Category: "c", Message: "m\"<"}}, Permanent: &off},
		{Set: []KeyValue{{Key: "a", Value: []byte("9")}, {Key: "a\"q", Value: []byte("8")}}, FlashesTaken: 5},
		{Set: []KeyValue{{Key: "d", Value: []byte("1")}, {Key: "a", Value: []byte("2")}, {Key: "d", Value: []byte("3")}}},
	}
}

// TestSetInAnyOrderLastValueWins: Merge and SortedSet take Set in any
// order, a repeated key's last value winning; the Manager's Set, sorted
// and each key once, is used as it is.
func TestSetInAnyOrderLastValueWins(t *testing.T) {
	ch := Change{Now: time.Unix(1_700_000_400, 0), Set: []KeyValue{
		{Key: "z", Value: []byte("1")}, {Key: "b", Value: []byte("2")}, {Key: "z", Value: []byte("3")}, {Key: "a", Value: []byte("4")}, {Key: "b", Value: []byte("5")}}}
	want := []KeyValue{{Key: "a", Value: []byte("4")}, {Key: "b", Value: []byte("5")}, {Key: "z", Value: []byte("3")}}
	if got := ch.SortedSet(); !reflect.DeepEqual(got, want) {
		t.Fatalf("SortedSet = %q, want %q", got, want)
	}
	if ch.Set[0].Key != "z" || string(ch.Set[2].Value) != "3" {
		t.Fatalf("SortedSet changed Set: %q", ch.Set)
	}
	for _, body := range spliceBodies {
		out, _, err := ch.Merge([]byte(body))
		if err != nil {
			t.Fatal(err)
		}
		st, err := ParseBody(out)
		if err != nil {
			t.Fatal(err)
		}
		for _, kv := range want {
			if got := string(st.Values[kv.Key]); got != string(kv.Value) {
				t.Errorf("merged into %s: %s = %s, want %s", body, kv.Key, got, kv.Value)
			}
		}
	}
	sorted := Change{Set: want}
	if got := sorted.SortedSet(); &got[0] != &want[0] {
		t.Error("SortedSet copied a Set already sorted")
	}
}

// TestLogChangeSetsInKeyOrder: the Change a Log makes lists its values
// sorted by key, whatever order the request set them in.
func TestLogChangeSetsInKeyOrder(t *testing.T) {
	var l Log
	for _, k := range []string{"m", "z", "a", "k"} {
		l.Set(k, ValueChange{Raw: []byte(`"` + k + `"`)})
	}
	l.Set("z", ValueChange{Deleted: true})
	ch, err := l.Change(&Change{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	for _, kv := range ch.Set {
		keys = append(keys, kv.Key+"="+string(kv.Value))
	}
	if got := fmt.Sprint(keys, ch.Delete); got != `[a="a" k="k" m="m"] [z]` {
		t.Fatalf("Change sets and deletes %s, want [a=\"a\" k=\"k\" m=\"m\"] [z]", got)
	}
}

// TestSpliceMatchesGeneralPath: for a change that reads no key, Merge's
// splice writes the very bytes its general path writes.
func TestSpliceMatchesGeneralPath(t *testing.T) {
	now := time.Unix(1_700_000_400, 0)
	for _, body := range spliceBodies {
		for i, ch := range spliceChanges() {
			ch.Token, ch.Now, ch.Expires, ch.TokenAge, ch.TokensKept = "CCCCCCCCCCCC", now, now.Add(time.Hour), time.Minute, 2
			want, _, err := ch.mergeAll([]byte(body))
			if err != nil {
				t.Fatal(err)
			}
			got, applied, ok, err := ch.splice([]byte(body))
			if !ok || err != nil || applied {
				t.Fatalf("change %d on %s: splice ok %v, applied %v, err %v; want it to apply", i, body, ok, applied, err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("change %d on %s:\nsplice  %s\ngeneral %s", i, body, got, want)
			}
			again, applied, ok, _ := ch.splice(got)
			if !ok || !applied || !bytes.Equal(again, got) {
				t.Errorf("change %d applied a second time changed the record: %s", i, again)
			}
			// Merged into the body as read at load time, without reading
			// it again: the same bytes, and what was read is left as it was.
			loaded := []byte(body)
			parsed, err := ParseBodyRaw(loaded)
			if err != nil {
				t.Fatal(err)
			}
			before := fmt.Sprintf("%+v", *parsed)
			ch.SetLoaded(loaded, 1, parsed)
			fromRead, ok := ch.MergeLoaded()
			if !ok || !bytes.Equal(fromRead, want) {
				t.Errorf("change %d on %s merged as read at load time (ok %v):\n%s\nwant\n%s", i, body, ok, fromRead, want)
			}
			if after := fmt.Sprintf("%+v", *parsed); after != before {
				t.Errorf("change %d on %s changed the State read at load time:\n%s\nwas\n%s", i, body, after, before)
			}
		}
	}
}

// TestSpliceLeavesWhatItCannotCopy: values whose keys were written with
// escapes, or out of order, go to the general path, and Merge still
// applies the change.
func TestSpliceLeavesWhatItCannotCopy(t *testing.T) {
	now := time.Unix(1_700_000_400, 0)
	for _, body := range []string{
		`{"c":1,"i":2,"v":{"a\u0020b":1,"c":2}}`,
		`{"c":1,"i":2,"v":{"b":1,"a":2}}`,
		`{"c":1,"i":2,"v":{"a":1,"a":2}}`,
	} {
		ch := Change{Token: "CCCCCCCCCCCC", Now: now, Set: []KeyValue{{Key: "a", Value: []byte("5")}}, TokensKept: 4, TokenAge: time.Minute}
		if _, _, ok, _ := ch.splice([]byte(body)); ok {
			t.Errorf("splice copied the values of %s", body)
		}
		got, _, err := ch.Merge([]byte(body))
		want, _, _ := ch.mergeAll([]byte(body))
		if err != nil || !bytes.Equal(got, want) {
			t.Errorf("Merge of %s: %s (%v), want %s", body, got, err, want)
		}
	}
}

// FuzzSpliceMatchesGeneralPath: on any body, splice either leaves it to
// the general path or writes the session the general path writes (the
// same bytes but for keys a body from elsewhere wrote in another JSON
// spelling, which splice copies as they stand); both refuse the same
// bodies.
func FuzzSpliceMatchesGeneralPath(f *testing.F) {
	for _, b := range spliceBodies {
		f.Add(b, "d", `"x"`, "b")
	}
	f.Add(`{"c":1,"i":2,"v":{"a":1}}`, "a", "2", "a")
	f.Fuzz(func(t *testing.T, body, key, value, del string) {
		now := time.Unix(1_700_000_400, 0)
		if !json.Valid([]byte(value)) {
			value = "1" // values come from the codec: JSON
		}
		ch := Change{Token: "CCCCCCCCCCCC", Now: now, TokensKept: 3, TokenAge: time.Minute,
			Set: []KeyValue{{Key: key, Value: []byte(value)}}, Delete: []string{del}}
		want, wantApplied, wantErr := ch.mergeAll([]byte(body))
		got, applied, ok, err := ch.splice([]byte(body))
		if !ok {
			return
		}
		if (err != nil) != (wantErr != nil) {
			t.Fatalf("on %q: splice err %v, general path err %v", body, err, wantErr)
		}
		if err != nil || (applied == wantApplied && bytes.Equal(got, want)) {
			return
		}
		gotSt, gerr := ParseBody(got)
		wantSt, werr := ParseBody(want)
		if applied != wantApplied || gerr != nil || werr != nil || !reflect.DeepEqual(gotSt, wantSt) {
			t.Fatalf("on %q:\nsplice  %s (applied %v)\ngeneral %s (applied %v)", body, got, applied, want, wantApplied)
		}
	})
}
