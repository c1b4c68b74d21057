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
		{Set: map[string][]byte{"d": []byte(`"w"`)}},
		{Set: map[string][]byte{"0": []byte("0"), "c": []byte("3"), "zz": []byte(`{"q":1}`), "kë": []byte("1")}},
		{Delete: []string{"b", "missing", "h"}},
		{Set: map[string][]byte{"f": []byte("2"), "g": []byte("[]")}, Delete: []string{"f", "g", "d"}},
		{FlashesTaken: 1, Flashes: []Flash{{Category: "c", Message: "m\"<"}}, Permanent: &off},
		{Set: map[string][]byte{"a": []byte("9"), "a\"q": []byte("8")}, FlashesTaken: 5},
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
		ch := Change{Token: "CCCCCCCCCCCC", Now: now, Set: map[string][]byte{"a": []byte("5")}, TokensKept: 4, TokenAge: time.Minute}
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
			Set: map[string][]byte{key: []byte(value)}, Delete: []string{del}}
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
