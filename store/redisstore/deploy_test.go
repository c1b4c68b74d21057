package redisstore

import (
	"encoding/json"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/websession/session"
)

// TestDeployBesideTheVersionWithBodyTokens runs this version's Apply and
// the apply script of the version before it, which kept the tokens of
// applied changes in the record body, on one record, as a rolling deploy
// does: each recognises its own changes delivered again, neither loses
// the other's values, and the record still reads as that version's Load
// (HGETALL) read it.
func TestDeployBesideTheVersionWithBodyTokens(t *testing.T) {
	src, err := os.ReadFile("testdata/apply-with-body-tokens.lua")
	if err != nil {
		t.Fatal(err)
	}
	older := redis.NewScript(string(src))
	client, st, key, now := emptySession(t)
	ctx := t.Context()
	// applyOlder applies k=v with the older script, as that version's
	// Apply sent it when the record had moved on since its load.
	applyOlder := func(tok, k, v string) int64 {
		t.Helper()
		res, err := older.Run(ctx, client, []string{st.prefix + key},
			time.Now().UnixMilli(), now.Add(time.Hour).UnixMilli(), tok, now.Unix(), now.Add(-time.Hour).Unix(), 64,
			st.sets, key, "", "", 0, "", "", "", 0, 1, strconv.Quote(k), v, 0, 0).Slice()
		if err != nil {
			t.Fatalf("the older apply script: %v", err)
		}
		return res[0].(int64)
	}
	applyNew := func(tok, k, v string) session.Record {
		t.Helper()
		rec, err := st.Apply(ctx, key, &session.Change{Token: tok, Now: now, Expires: now.Add(time.Hour), TokenAge: time.Hour, TokensKept: 64,
			Set: []session.KeyValue{{Key: k, Value: []byte(v)}}})
		if err != nil {
			t.Fatal(err)
		}
		return rec
	}
	applyNew("NEWTOKEN0001", "a", "1")
	if code := applyOlder("OLDTOKEN0001", "b", "2"); code != 1 {
		t.Fatalf("the older script applying to a record this version wrote: code %d, want 1 (applied)", code)
	}
	rec := applyNew("NEWTOKEN0002", "c", "3")

	// Each version's change delivered again is recognised and changes nothing.
	if again := applyNew("NEWTOKEN0001", "a", "9"); again.Version != rec.Version {
		t.Errorf("this version's change delivered again after the older script wrote: version %d, want %d", again.Version, rec.Version)
	}
	if code := applyOlder("OLDTOKEN0001", "b", "9"); code != 3 {
		t.Errorf("the older script's change delivered again after this version wrote: code %d, want 3 (already applied)", code)
	}
	loaded, err := st.Load(ctx, key)
	if err != nil {
		t.Fatal(err)
	}
	var body struct{ V map[string]int }
	if err := json.Unmarshal(loaded.Data, &body); err != nil || body.V["a"] != 1 || body.V["b"] != 2 || body.V["c"] != 3 || loaded.Version != rec.Version {
		t.Fatalf("the record reads %s at version %d (%v); want a=1, b=2, c=3 at version %d", loaded.Data, loaded.Version, err, rec.Version)
	}
	// The older version's Load: HGETALL, reading data, expires and version.
	fields := client.HGetAll(ctx, st.prefix+key).Val()
	if fields["data"] != string(loaded.Data) || fields["version"] != strconv.FormatUint(loaded.Version, 10) ||
		fields["expires"] != strconv.FormatInt(now.Add(time.Hour).UnixMilli(), 10) || !strings.Contains(fields["tokens"], tokenEntry("NEWTOKEN0002", now)) {
		t.Fatalf("HGETALL gives %q; want the data, version and expiry Load gives, beside this version's tokens", fields)
	}
}
