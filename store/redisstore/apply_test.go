package redisstore

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/websession/session"
	"github.com/websession/session/sessiontest"
)

// TestApplyScriptMatchesMerge checks that the apply script, which edits a
// record body as text, gives the same session as session.Change.Merge
// for bodies with every field and values that look like JSON's syntax
// inside strings.
func TestApplyScriptMatchesMerge(t *testing.T) {
	st := newTestStore(t, singleClient(t))
	now := time.Now()
	old := now.Add(-2 * time.Hour).Unix()
	body := `{"c":1700000000,"i":1700000300,"p":true,"u":"bob","l":1700000000,"n":5,"a":"Firefox on Linux",` +
		`"t":{"AAAAAAAAAAAA":` + itoa(old) + `,"BBBBBBBBBBBB":` + itoa(now.Unix()) + `},` +
		`"f":[["message","hi \"there\" ]}"],["x","y"],["z","w"]],` +
		`"v":{"cart":[1,{"a":"]}\\\""},[]],"ké":"v","n":1,"q\"k":"x\"y","r":"\\","s":"a,b}","z":{},"t":true}}`
	perm := false
	for _, tc := range []struct {
		name string
		ch   session.Change
	}{
		{"set and delete", session.Change{Set: map[string][]byte{"n": []byte("2"), "new": []byte(`{"x":[1,2]}`), "k\u00e9": []byte(`"w"`), `q"k`: []byte("3")}, Delete: []string{"cart", "missing", "r"}}},
		{"flashes", session.Change{FlashesTaken: 2, Flashes: []session.Flash{{Category: "c<", Message: "m\"\n"}, {Category: "d", Message: "e"}}}},
		{"all flashes taken", session.Change{FlashesTaken: 9}},
		{"not permanent", session.Change{Permanent: &perm, Set: map[string][]byte{"a": []byte("1")}}},
		{"clear", session.Change{Clear: true, Set: map[string][]byte{"only": []byte("true")}, Flashes: []session.Flash{{Category: "a", Message: "b"}}}},
		{"expect met", session.Change{Expect: map[string][]byte{"n": []byte("1"), "none": nil}, Set: map[string][]byte{"n": []byte("2")}}},
		{"one token kept", session.Change{TokensKept: 1}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ch := tc.ch
			ch.Token, ch.Now, ch.Expires, ch.TokenAge = "CCCCCCCCCCCC", now, now.Add(time.Hour), time.Hour
			if ch.TokensKept == 0 {
				ch.TokensKept = 64
			}
			want, _, err := ch.Merge([]byte(body))
			if err != nil {
				t.Fatalf("Merge: %v", err)
			}
			key := sessiontest.Key(t)
			if err := st.Save(t.Context(), key, session.Record{Data: []byte(body), Expires: now.Add(time.Minute), User: "bob"}); err != nil {
				t.Fatal(err)
			}
			if _, err := st.Apply(t.Context(), key, &ch); err != nil {
				t.Fatalf("Apply: %v", err)
			}
			rec, err := st.Load(t.Context(), key)
			if err != nil {
				t.Fatal(err)
			}
			if rec.Version != 2 || rec.User != "bob" || rec.Expires.UnixMilli() != ch.Expires.UnixMilli() {
				t.Errorf("after Apply: version %d, user %q, expires %v; want 2, bob, %v", rec.Version, rec.User, rec.Expires, ch.Expires)
			}
			var got, exp any
			if err := json.Unmarshal(rec.Data, &got); err != nil {
				t.Fatalf("the script wrote a body that is not JSON: %v\n%s", err, rec.Data)
			}
			json.Unmarshal(want, &exp)
			if !reflect.DeepEqual(got, exp) {
				t.Fatalf("the script wrote\n%s\nMerge writes\n%s", rec.Data, want)
			}
		})
	}
}

// TestApplyScriptExpectFails checks that a failed expectation changes
// nothing and returns the live record.
func TestApplyScriptExpectFails(t *testing.T) {
	st := newTestStore(t, singleClient(t))
	key := sessiontest.Key(t)
	body := `{"c":1,"i":2,"v":{"n":1}}`
	if err := st.Save(t.Context(), key, session.Record{Data: []byte(body), Expires: time.Now().Add(time.Minute)}); err != nil {
		t.Fatal(err)
	}
	for _, expect := range []map[string][]byte{{"n": []byte("2")}, {"n": nil}, {"m": []byte("1")}} {
		ch := &session.Change{Token: "T", Now: time.Now(), Expires: time.Now().Add(time.Hour), TokensKept: 64, Expect: expect, Set: map[string][]byte{"n": []byte("9")}}
		rec, err := st.Apply(t.Context(), key, ch)
		if err == nil || !strings.Contains(err.Error(), "conflict") || string(rec.Data) != body || rec.Version != 1 {
			t.Fatalf("Apply expecting %q: %v, record %q version %d; want a conflict with the unchanged record", expect, err, rec.Data, rec.Version)
		}
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// TestApplyKeepsTheNewestTokens: however many changes are applied, and
// after a Save that writes tokens of its own, the record keeps at most
// TokensKept tokens, the newest, and still knows each of them.
func TestApplyKeepsTheNewestTokens(t *testing.T) {
	st := newTestStore(t, singleClient(t))
	ctx := t.Context()
	key := sessiontest.Key(t)
	now := time.Now()
	if err := st.Save(ctx, key, session.Record{Data: []byte(`{"c":1,"i":2,"v":{}}`), Expires: now.Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	apply := func(i int) string {
		tok := fmt.Sprintf("T%011d", i)
		ch := &session.Change{Token: tok, Now: now, Expires: now.Add(time.Hour), TokenAge: time.Hour, TokensKept: 8,
			Set: map[string][]byte{"n": []byte(strconv.Itoa(i))}}
		if _, err := st.Apply(ctx, key, ch); err != nil {
			t.Fatal(err)
		}
		return tok
	}
	tokensOf := func() int {
		rec, err := st.Load(ctx, key)
		if err != nil {
			t.Fatal(err)
		}
		return bytes.Count(rec.Data, []byte(`"T`))
	}
	for i := range 20 {
		apply(i)
	}
	if n := tokensOf(); n != 8 {
		t.Fatalf("after 20 changes the record holds %d tokens, want 8", n)
	}
	rec, _ := st.Load(ctx, key)
	if !bytes.Contains(rec.Data, []byte(`"T00000000019"`)) || bytes.Contains(rec.Data, []byte(`"T00000000011"`)) {
		t.Fatalf("the record kept the wrong tokens: %s", rec.Data)
	}
	body := `{"c":1,"i":2,"t":{"T00000000100":` + itoa(now.Unix()) + `,"T00000000101":` + itoa(now.Unix()) + `},"v":{}}`
	if err := st.Save(ctx, key, session.Record{Data: []byte(body), Expires: now.Add(time.Hour), Version: rec.Version}); err != nil {
		t.Fatal(err)
	}
	for i := 200; i < 205; i++ {
		apply(i)
	}
	if n := tokensOf(); n != 7 {
		t.Fatalf("after a Save with 2 tokens and 5 changes the record holds %d tokens, want 7", n)
	}
	for i := 205; i < 215; i++ {
		apply(i)
	}
	if n := tokensOf(); n != 8 {
		t.Fatalf("after 10 more changes the record holds %d tokens, want 8", n)
	}
}
