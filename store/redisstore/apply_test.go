package redisstore

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
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
		{"set and delete", session.Change{Set: []session.KeyValue{{Key: "n", Value: []byte("2")}, {Key: "new", Value: []byte(`{"x":[1,2]}`)}, {Key: "k\u00e9", Value: []byte(`"w"`)}, {Key: `q"k`, Value: []byte("3")}}, Delete: []string{"cart", "missing", "r"}}},
		{"flashes", session.Change{FlashesTaken: 2, Flashes: []session.Flash{{Category: "c<", Message: "m\"\n"}, {Category: "d", Message: "e"}}}},
		{"all flashes taken", session.Change{FlashesTaken: 9}},
		{"not permanent", session.Change{Permanent: &perm, Set: []session.KeyValue{{Key: "a", Value: []byte("1")}}}},
		{"clear", session.Change{Clear: true, Set: []session.KeyValue{{Key: "only", Value: []byte("true")}}, Flashes: []session.Flash{{Category: "a", Message: "b"}}}},
		{"expect met", session.Change{Expect: map[string][]byte{"n": []byte("1"), "none": nil}, Set: []session.KeyValue{{Key: "n", Value: []byte("2")}}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ch := tc.ch
			ch.Token, ch.Now, ch.Expires, ch.TokenAge = "CCCCCCCCCCCC", now, now.Add(time.Hour), time.Hour
			if ch.TokensKept == 0 {
				ch.TokensKept = 64
			}
			rec, want := scriptAndMerge(t, st, body, "bob", &ch)
			if rec.Version != 2 || rec.User != "bob" || rec.Expires.UnixMilli() != ch.Expires.UnixMilli() {
				t.Errorf("after Apply: version %d, user %q, expires %v; want 2, bob, %v", rec.Version, rec.User, rec.Expires, ch.Expires)
			}
			// The body's keys are out of order (as an older writer may
			// leave them), which Merge sorts and the script keeps: the
			// same session, not the same bytes.
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

// scriptAndMerge saves body for user under a new key, applies ch to it
// with the script, and returns the record as stored then and the body
// session.Change.Merge makes of body, the token left out.
func scriptAndMerge(t *testing.T, st *Store, body, user string, ch *session.Change) (session.Record, []byte) {
	t.Helper()
	want, err := mergeUntracked(ch, body)
	if err != nil {
		t.Fatalf("Merge: %v", err)
	}
	key := sessiontest.Key(t)
	if err := st.Save(t.Context(), key, session.Record{Data: []byte(body), Expires: time.Now().Add(time.Minute), User: user}); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Apply(t.Context(), key, ch); err != nil {
		t.Fatalf("Apply: %v", err)
	}
	rec, err := st.Load(t.Context(), key)
	if err != nil {
		t.Fatal(err)
	}
	return rec, want
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
		ch := &session.Change{Token: "T", Now: time.Now(), Expires: time.Now().Add(time.Hour), TokensKept: 64, Expect: expect, Set: []session.KeyValue{{Key: "n", Value: []byte("9")}}}
		rec, err := st.Apply(t.Context(), key, ch)
		if err == nil || !strings.Contains(err.Error(), "conflict") || string(rec.Data) != body || rec.Version != 1 {
			t.Fatalf("Apply expecting %q: %v, record %q version %d; want a conflict with the unchanged record", expect, err, rec.Data, rec.Version)
		}
	}
}

// mergeUntracked returns the body session.Change.Merge makes of body
// with ch's token left out, as the script keeps tokens beside the body.
func mergeUntracked(ch *session.Change, body string) ([]byte, error) {
	untracked := *ch
	untracked.Token = ""
	out, _, err := untracked.Merge([]byte(body))
	return out, err
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// TestApplyKeepsTheNewestTokens: however many changes are applied, the
// record keeps the tokens of the newest TokensKept of them and at most 7
// more, beside its body, and knows each of them, the older ones too;
// tokens older than TokenAge go; a Save in between keeps them, so a change
// delivered again after it is still known; and a load carries none of
// them.
func TestApplyKeepsTheNewestTokens(t *testing.T) {
	client, st, key, now := emptySession(t)
	ctx := t.Context()
	apply := func(i int, at time.Time) session.Record {
		ch := &session.Change{Token: fmt.Sprintf("T%011d", i), Now: at, Expires: now.Add(time.Hour), TokenAge: time.Hour, TokensKept: 8,
			Set: []session.KeyValue{{Key: "n", Value: []byte(strconv.Itoa(i))}}}
		rec, err := st.Apply(ctx, key, ch)
		if err != nil {
			t.Fatal(err)
		}
		return rec
	}
	// kept returns the digests of the tokens the record keeps, oldest
	// first, and checks that each was stamped with its change's time and
	// that the newest field holds at most 8.
	kept := func() []string {
		toks := keptTokens(t, client, st, key)
		var digests []string
		for i := 0; i < len(toks); i += 12 {
			digests = append(digests, toks[i:i+8])
			at := int64(binary.BigEndian.Uint32([]byte(toks[i+8 : i+12])))
			if at != now.Unix() && at != now.Add(2*time.Hour).Unix() {
				t.Fatalf("token %d was stamped %d, want %d or two hours later", i/12, at, now.Unix())
			}
		}
		return digests
	}
	want := func(from, to int) []string {
		var digests []string
		for i := from; i <= to; i++ {
			digests = append(digests, tokenEntry(fmt.Sprintf("T%011d", i), now)[:8])
		}
		return digests
	}
	var rec session.Record
	for i := range 40 {
		rec = apply(i, now)
		got := kept()
		n := len(got)
		if n < min(i+1, 8) || n > 15 || !slices.Equal(got, want(i+1-n, i)) {
			t.Fatalf("after %d changes the record keeps the tokens %x, want the newest 8 to 15 of them, in order", i+1, got)
		}
	}
	// The oldest token kept, delivered again, is known.
	oldest := 40 - len(kept())
	if again := apply(oldest, now); again.Version != rec.Version {
		t.Fatalf("the change of the oldest token kept, delivered again: version %d, want %d (not applied again)", again.Version, rec.Version)
	}
	rec, err := st.Load(ctx, key)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(rec.Data, []byte("T000")) || !strings.Contains(string(rec.Data), `"n":39`) {
		t.Fatalf("the loaded body is %s; want the last change's value and no token of a change", rec.Data)
	}
	before := kept()
	if err := st.Save(ctx, key, session.Record{Data: rec.Data, Expires: now.Add(time.Hour), Version: rec.Version}); err != nil {
		t.Fatal(err)
	}
	if again := apply(oldest, now); again.Version != rec.Version+1 {
		t.Fatalf("a change delivered again after a Save: version %d, want %d (not applied again)", again.Version, rec.Version+1)
	}
	if got := kept(); !slices.Equal(got, before) {
		t.Fatalf("after a Save the record keeps the tokens %x, want %x", got, before)
	}
	// Two hours on, every token kept is older than TokenAge.
	apply(100, now.Add(2*time.Hour))
	if got := kept(); !slices.Equal(got, want(100, 100)) {
		t.Fatalf("after a change two hours on the record keeps %x, want only its own token", got)
	}
}

// keptTokens returns the token entries the record under key keeps beside
// its body, oldest first, and checks that both fields hold whole 12-byte
// entries, the newest field at most 8.
func keptTokens(t *testing.T, client *redis.Client, st *Store, key string) string {
	t.Helper()
	fields := client.HMGet(t.Context(), st.prefix+key, "older_tokens", "tokens").Val()
	older, _ := fields[0].(string)
	newest, _ := fields[1].(string)
	if len(older)%12 != 0 || len(newest)%12 != 0 || len(newest) > 8*12 {
		t.Fatalf("the token fields are %d and %d bytes, want whole 12-byte entries and at most 8 of the newest", len(older), len(newest))
	}
	return older + newest
}

// TestApplyKeepsOneTokenWhenAskedForOne: with TokensKept 1 the record
// keeps the token of the last change only, and knows it.
func TestApplyKeepsOneTokenWhenAskedForOne(t *testing.T) {
	client, st, key, now := emptySession(t)
	ctx := t.Context()
	var rec session.Record
	for i := range 5 {
		ch := &session.Change{Token: fmt.Sprintf("ONE%09d", i), Now: now, Expires: now.Add(time.Hour), TokenAge: time.Hour, TokensKept: 1,
			Set: []session.KeyValue{{Key: "n", Value: []byte(strconv.Itoa(i))}}}
		var err error
		if rec, err = st.Apply(ctx, key, ch); err != nil {
			t.Fatal(err)
		}
		if toks := keptTokens(t, client, st, key); toks != tokenEntry(ch.Token, now) {
			t.Fatalf("after change %d the record keeps %x, want only that change's token %x", i, toks, tokenEntry(ch.Token, now))
		}
	}
	again := &session.Change{Token: "ONE000000004", Now: now, Expires: now.Add(time.Hour), TokenAge: time.Hour, TokensKept: 1,
		Set: []session.KeyValue{{Key: "n", Value: []byte("9")}}}
	if got, err := st.Apply(ctx, key, again); err != nil || got.Version != rec.Version {
		t.Fatalf("the last change delivered again: version %d, %v; want %d (not applied again)", got.Version, err, rec.Version)
	}
}

// TestApplyWritesTheBodyMergedByTheClient checks the fast path: a change
// to the record the request loaded stores the body Merge made of it,
// reading nothing else; a change to a record written since is merged into
// what is stored (the other write kept); a duplicate of the first change
// is recognised by its token.
func TestApplyWritesTheBodyMergedByTheClient(t *testing.T) {
	st := newTestStore(t, singleClient(t))
	ctx := t.Context()
	key := sessiontest.Key(t)
	now := time.Now()
	body := `{"c":1700000000,"i":1700000300,"t":{"AAAAAAAAAAAA":` + itoa(now.Unix()) + `},"v":{"a":1,"b":"x"}}`
	if err := st.Save(ctx, key, session.Record{Data: []byte(body), Expires: now.Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	change := func(tok string, set []session.KeyValue, loaded string, version uint64) *session.Change {
		return &session.Change{Token: tok, Now: now, Expires: now.Add(time.Hour), TokenAge: time.Hour, TokensKept: 64,
			Set: set, Loaded: []byte(loaded), LoadedVersion: version}
	}
	// The loaded copy differs from the stored body only in a key no
	// change touches, which only the client's merge carries: finding it
	// stored shows the script took the client's body without reading.
	loaded := strings.Replace(body, `"b":"x"`, `"b":"x","c":true`, 1)
	first := change("FIRSTTOKEN01", []session.KeyValue{{Key: "a", Value: []byte("2")}}, loaded, 1)
	want, _ := mergeUntracked(first, loaded)
	if rec, err := st.Apply(ctx, key, first); err != nil || rec.Version != 2 {
		t.Fatalf("Apply to the record as loaded: version %d, %v; want 2, nil", rec.Version, err)
	}
	if rec, _ := st.Load(ctx, key); string(rec.Data) != string(want) {
		t.Fatalf("Apply to the record as loaded stored\n%s\nwant the body the client merged\n%s", rec.Data, want)
	}

	// Another request loaded the first body too, and changes b: the
	// record moved on, so its change goes into what is stored now.
	second := change("SECONDTOKEN2", []session.KeyValue{{Key: "b", Value: []byte(`"y"`)}}, body, 1)
	if rec, err := st.Apply(ctx, key, second); err != nil || rec.Version != 3 {
		t.Fatalf("Apply to a record written since: version %d, %v; want 3, nil", rec.Version, err)
	}
	rec, _ := st.Load(ctx, key)
	if !strings.Contains(string(rec.Data), `"v":{"a":2,"b":"y","c":true}`) {
		t.Fatalf("after a change to a stale copy the record is\n%s\nwant both changes (a=2, b=\"y\") on the stored values", rec.Data)
	}

	// The first change delivered again: its token is in the record.
	if again, err := st.Apply(ctx, key, change("FIRSTTOKEN01", []session.KeyValue{{Key: "a", Value: []byte("2")}}, body, 1)); err != nil || again.Version != 3 {
		t.Fatalf("the first change delivered again: version %d, %v; want 3 (applied once), nil", again.Version, err)
	}
}

// TestApplyAtTheLargestVersionFails checks that a change merged into a
// record at the largest version fails instead of reporting the version
// after it, which does not fit in a uint64 (it would wrap to 0).
func TestApplyAtTheLargestVersionFails(t *testing.T) {
	client := singleClient(t)
	st := newTestStore(t, client)
	ctx := t.Context()
	key := sessiontest.Key(t)
	now := time.Now()
	body := `{"c":1700000000,"i":1700000300,"v":{"a":1}}`
	if err := client.HSet(ctx, st.prefix+key, "data", body, "expires", now.Add(time.Hour).UnixMilli(),
		"version", strconv.FormatUint(math.MaxUint64, 10)).Err(); err != nil {
		t.Fatalf("HSET: %v", err)
	}
	client.Expire(ctx, st.prefix+key, time.Hour)
	ch := &session.Change{Token: "LASTVERSION1", Now: now, Expires: now.Add(time.Hour), TokenAge: time.Hour, TokensKept: 8,
		Set: []session.KeyValue{{Key: "a", Value: []byte("2")}}, Loaded: []byte(body), LoadedVersion: math.MaxUint64}
	if rec, err := st.Apply(ctx, key, ch); err == nil {
		t.Fatalf("Apply to a record at version %d = version %d, nil; want an error", uint64(math.MaxUint64), rec.Version)
	}
}

// TestApplyScriptFindsKeysAmongScalarsAsMergeDoes checks the script's
// search for keys in a body whose values are all scalars (no object or
// array), against session.Change.Merge: first, middle and last members,
// adjacent deletions, a key whose quoted text is also a string value,
// string values that hold a key's text escaped, keys that must be walked
// to (not starting with a letter, digit or underscore), new keys, and
// expectations.
func TestApplyScriptFindsKeysAmongScalarsAsMergeDoes(t *testing.T) {
	st := newTestStore(t, singleClient(t))
	now := time.Now()
	body := `{"c":1700000000,"i":1700000300,"t":{"AAAAAAAAAAAA":` + itoa(now.Unix()) + `},` +
		`"v":{" sp":1,":c":2,"_f":"_f","a":1,"b":"x,\"c\":9","c":3,"d":"\"d\"","e":true,"w1":"w2","w2":null,"z":"}"}}`
	for _, tc := range []struct {
		name string
		ch   session.Change
	}{
		{"first", session.Change{Set: []session.KeyValue{{Key: "_f", Value: []byte("7")}}}},
		{"last", session.Change{Set: []session.KeyValue{{Key: "z", Value: []byte("7")}}}},
		{"middle and escaped look-alike", session.Change{Set: []session.KeyValue{{Key: "c", Value: []byte(`"new"`)}}}},
		{"delete first", session.Change{Delete: []string{" sp"}}},
		{"delete adjacent", session.Change{Delete: []string{"a", "b", "c"}}},
		{"delete last two", session.Change{Delete: []string{"w2", "z"}}},
		{"delete all but one", session.Change{Delete: []string{" sp", ":c", "_f", "a", "b", "c", "d", "e", "w1", "w2"}}},
		{"key also a string value", session.Change{Set: []session.KeyValue{{Key: "w2", Value: []byte("1")}, {Key: "d", Value: []byte("2")}}}},
		{"key to walk to", session.Change{Set: []session.KeyValue{{Key: ":c", Value: []byte("8")}}}},
		{"new key", session.Change{Set: []session.KeyValue{{Key: "b2", Value: []byte("8")}, {Key: "a", Value: []byte("0")}}}},
		{"missing key deleted", session.Change{Delete: []string{"nope"}, Set: []session.KeyValue{{Key: "e", Value: []byte("false")}}}},
		{"expect met", session.Change{Expect: map[string][]byte{"a": []byte("1"), "b": []byte(`"x,\"c\":9"`), "nope": nil}, Set: []session.KeyValue{{Key: "a", Value: []byte("2")}}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ch := tc.ch
			ch.Token, ch.Now, ch.Expires, ch.TokenAge, ch.TokensKept = "CCCCCCCCCCCC", now, now.Add(time.Hour), time.Hour, 64
			rec, want := scriptAndMerge(t, st, body, "", &ch)
			if !bytes.Equal(rec.Data, want) {
				t.Fatalf("the script wrote\n%s\nMerge writes\n%s", rec.Data, want)
			}
		})
	}
	for _, tc := range []struct {
		name   string
		expect map[string][]byte
	}{
		{"expected value changed", map[string][]byte{"a": []byte("5")}},
		{"expected missing key present", map[string][]byte{"e": nil}},
		{"expected key missing", map[string][]byte{"nope": []byte("1")}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			key := sessiontest.Key(t)
			if err := st.Save(t.Context(), key, session.Record{Data: []byte(body), Expires: now.Add(time.Minute)}); err != nil {
				t.Fatal(err)
			}
			ch := session.Change{Token: "CCCCCCCCCCCC", Now: now, Expires: now.Add(time.Hour), TokenAge: time.Hour, TokensKept: 64,
				Expect: tc.expect, Set: []session.KeyValue{{Key: "a", Value: []byte("9")}}}
			if _, err := st.Apply(t.Context(), key, &ch); !errors.Is(err, session.ErrConflict) {
				t.Fatalf("Apply with an expectation not met: %v, want session.ErrConflict", err)
			}
		})
	}
}
