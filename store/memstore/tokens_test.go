package memstore_test

import (
	"fmt"
	"testing"
	"time"

	session "github.com/websession/session"
	"github.com/websession/session/internal/state"
	"github.com/websession/session/sessiontest"
	"github.com/websession/session/store/memstore"
)

// A hot session's record does not grow with its saves: Apply keeps the
// tokens of its latest changes beside the record, and still knows each of
// them when the change comes again.
func TestApplyKeepsTokensBesideTheRecord(t *testing.T) {
	ctx := t.Context()
	st := memstore.New()
	key := sessiontest.Key(t)
	now := time.Now()
	body := state.AppendBody(nil, &state.State{Issued: now, Values: map[string][]byte{"n": []byte("0")}})
	if err := st.Save(ctx, key, session.Record{Data: body, Expires: now.Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	const saves, kept = 200, 64
	change := func(i int) *session.Change {
		return &session.Change{Token: fmt.Sprintf("tok%03d", i), Now: now, Expires: now.Add(time.Hour),
			TokenAge: time.Minute, TokensKept: kept, Set: []state.KeyValue{{Key: "n", Value: fmt.Appendf(nil, "%d", i)}}}
	}
	var first int
	for i := 1; i <= saves; i++ {
		if _, err := st.Apply(ctx, key, change(i)); err != nil {
			t.Fatalf("Apply %d: %v", i, err)
		}
		if i == 1 {
			rec, _ := st.Load(ctx, key)
			first = len(rec.Data)
		}
	}
	rec, err := st.Load(ctx, key)
	if err != nil {
		t.Fatal(err)
	}
	if len(rec.Data) > first+2 { // "n" grew from 1 to 3 digits
		t.Fatalf("after %d changes the record is %d bytes, %d after the first: it grows with its saves", saves, len(rec.Data), first)
	}
	// The latest kept changes, delivered again, change nothing.
	for i := saves - kept + 1; i <= saves; i += 9 {
		got, err := st.Apply(ctx, key, change(i))
		if err != nil || got.Version != rec.Version {
			t.Fatalf("change %d delivered again: version %d, %v; want %d, nil (applied once)", i, got.Version, err, rec.Version)
		}
	}
	after, _ := st.Load(ctx, key)
	if st, _ := state.ParseBody(after.Data); string(st.Values["n"]) != fmt.Sprint(saves) {
		t.Fatalf("after duplicates of the latest changes n = %s, want %d", st.Values["n"], saves)
	}
	// One older than the kept ones is no longer known: the window is
	// TokensKept changes, as the other stores keep it.
	if got, _ := st.Apply(ctx, key, change(saves-kept)); got.Version != rec.Version+1 {
		t.Fatalf("a change older than the %d kept ones: version %d, want %d (applied as new)", kept, got.Version, rec.Version+1)
	}
}
