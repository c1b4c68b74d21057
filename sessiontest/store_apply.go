package sessiontest

import (
	"encoding/json"
	"errors"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/websession/session/internal/state"

	session "github.com/websession/session"
)

// The subtests in this file check the optional session.Applier on records
// a Manager wrote: a duplicated change is applied once, changes of
// distinct keys from many writers at once are all kept, and a change that
// expects a value applies only while the key holds it.

// applyWriters is how many goroutines change one record at once.
const applyWriters = 32

// applyApp is a Manager on a store, with a handler that starts a session
// (/new) and one that lists its values (/dump: key=value;...).
type applyApp struct {
	t *testing.T
	h http.Handler
}

func newApplyApp(t *testing.T, st session.Store) *applyApp {
	m, err := session.New(session.Config{Secret: []byte("sessiontest apply secret 0123456789abcdef"), Store: st})
	if err != nil {
		t.Fatal(err)
	}
	return &applyApp{t: t, h: m.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s := session.From(r)
		if r.URL.Path == "/new" {
			s.Set("a", 1)
			return
		}
		var out []string
		for _, k := range s.Keys() {
			v, _ := session.Get[json.RawMessage](s, k)
			out = append(out, k+"="+string(v))
		}
		slices.Sort(out)
		w.Write([]byte(strings.Join(out, ";")))
	}))}
}

// start creates a session and returns its ID and store key.
func (a *applyApp) start() (id, key string) {
	res := Request(a.h, "/new", nil)
	for _, c := range res.Cookies() {
		if c.Value != "" {
			return c.Value, state.StoreKey(c.Value)
		}
	}
	a.t.Fatalf("the Manager sent no session cookie for a new session (status %d)", res.StatusCode)
	return "", ""
}

// dump returns the session's values as the Manager reads them.
func (a *applyApp) dump(id string) string {
	res := Request(a.h, "/dump", []*http.Cookie{{Name: "session", Value: id}})
	defer res.Body.Close()
	var b strings.Builder
	buf := make([]byte, 4096)
	for {
		n, err := res.Body.Read(buf)
		b.Write(buf[:n])
		if err != nil {
			break
		}
	}
	return b.String()
}

// newChange returns a Change with a fresh token that sets the given
// key=value pairs.
func newChange(t *testing.T, token string, kv ...string) *session.Change {
	t.Helper()
	now := time.Now()
	ch := &session.Change{Token: token, Now: now, Expires: now.Add(time.Hour), TokenAge: time.Minute, TokensKept: 64}
	for i := 0; i+1 < len(kv); i += 2 {
		ch.Set = append(ch.Set, session.KeyValue{Key: kv[i], Value: []byte(kv[i+1])})
	}
	return ch
}

func testApplyMissing(t *testing.T, st session.Store) {
	ap := capability[session.Applier](t, st, "Applier")
	_, err := ap.Apply(t.Context(), Key(t), newChange(t, "tok-missing", "x", "1"))
	if !errors.Is(err, session.ErrNotFound) {
		t.Fatalf("Apply to a key never saved: %v, want session.ErrNotFound", err)
	}
}

func testApplyDuplicate(t *testing.T, st session.Store) {
	ap := capability[session.Applier](t, st, "Applier")
	app := newApplyApp(t, st)
	id, key := app.start()
	v0 := mustLoad(t, st, key).Version

	first, err := ap.Apply(t.Context(), key, newChange(t, "tok-dup", "n", "1"))
	if err != nil {
		t.Fatalf("Apply: %v", err)
	}
	if first.Version != v0+1 {
		t.Fatalf("Apply returned version %d, want %d", first.Version, v0+1)
	}
	// The same change delivered again, and a change that reuses its token
	// (a retried call must never apply twice): both change nothing.
	for _, ch := range []*session.Change{newChange(t, "tok-dup", "n", "1"), newChange(t, "tok-dup", "n", "2", "m", "3")} {
		again, err := ap.Apply(t.Context(), key, ch)
		if err != nil {
			t.Fatalf("Apply of a change already applied: %v, want success that changes nothing", err)
		}
		if again.Version != v0+1 {
			t.Fatalf("Apply of a change already applied returned version %d, want %d", again.Version, v0+1)
		}
	}
	if got := mustLoad(t, st, key).Version; got != v0+1 {
		t.Fatalf("after a change applied once and delivered three times the version is %d, want %d", got, v0+1)
	}
	if got, want := app.dump(id), "a=1;n=1"; got != want {
		t.Fatalf("after a duplicated Apply the session holds %q, want %q", got, want)
	}
}

// testApplySetInAnyOrder applies a change whose Set is not sorted and
// repeats a key, as a Change made by hand may be: each key gets the last
// value Set gives it, among the record's other keys.
func testApplySetInAnyOrder(t *testing.T, st session.Store) {
	ap := capability[session.Applier](t, st, "Applier")
	app := newApplyApp(t, st)
	id, key := app.start()
	ch := newChange(t, "tok-order", "z", "1", "b", "2", "z", "3", "0", "4", "b", "5")
	if _, err := ap.Apply(t.Context(), key, ch); err != nil {
		t.Fatalf("Apply of a Set out of order with a repeated key: %v", err)
	}
	if got, want := app.dump(id), "0=4;a=1;b=5;z=3"; got != want {
		t.Fatalf("after Apply of Set z=1, b=2, z=3, 0=4, b=5 the session holds %q, want %q (each key's last value)", got, want)
	}
}

func testApplyConcurrentKeys(t *testing.T, st session.Store) {
	ap := capability[session.Applier](t, st, "Applier")
	app := newApplyApp(t, st)
	id, key := app.start()
	v0 := mustLoad(t, st, key).Version
	var wg sync.WaitGroup
	errs := make(chan error, applyWriters)
	for i := range applyWriters {
		wg.Go(func() {
			k := "k" + strconv.Itoa(i)
			if _, err := ap.Apply(t.Context(), key, newChange(t, "tok-"+k, k, strconv.Itoa(i))); err != nil {
				errs <- err
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Errorf("Apply of a distinct key with %d writers at once: %v", applyWriters, err)
	}
	if got := mustLoad(t, st, key).Version; got != v0+applyWriters {
		t.Errorf("after %d concurrent changes the version is %d, want %d", applyWriters, got, v0+applyWriters)
	}
	want := []string{"a=1"}
	for i := range applyWriters {
		want = append(want, "k"+strconv.Itoa(i)+"="+strconv.Itoa(i))
	}
	slices.Sort(want)
	if got := app.dump(id); got != strings.Join(want, ";") {
		t.Fatalf("after %d concurrent changes of distinct keys the session holds\n%s\nwant\n%s", applyWriters, got, strings.Join(want, ";"))
	}
}

// testApplyExpect increments a counter from many writers with Expect: each
// writer guesses the counter's value, starting at 0, and guesses one more
// after each conflict. The counter only grows, so every writer's guess
// stays at most the stored value, and each writer applies exactly one
// increment.
func testApplyExpect(t *testing.T, st session.Store) {
	ap := capability[session.Applier](t, st, "Applier")
	app := newApplyApp(t, st)
	id, key := app.start()

	// A missing key is expected with nil.
	ch := newChange(t, "tok-zero", "n", "0")
	ch.Expect = map[string][]byte{"n": nil}
	if _, err := ap.Apply(t.Context(), key, ch); err != nil {
		t.Fatalf("Apply expecting a missing key that is missing: %v", err)
	}
	ch = newChange(t, "tok-zero-again", "n", "0")
	ch.Expect = map[string][]byte{"n": nil}
	before := mustLoad(t, st, key)
	rec, err := ap.Apply(t.Context(), key, ch)
	if !errors.Is(err, session.ErrConflict) {
		t.Fatalf("Apply expecting a missing key that holds a value: %v, want session.ErrConflict", err)
	}
	if rec.Version != before.Version || string(rec.Data) != string(before.Data) {
		t.Fatalf("Apply with a failed expectation returned version %d and %d bytes, want the live record (version %d, %d bytes)", rec.Version, len(rec.Data), before.Version, len(before.Data))
	}

	var wg sync.WaitGroup
	errs := make(chan error, applyWriters)
	for w := range applyWriters {
		wg.Go(func() {
			for guess, try := 0, 0; ; try++ {
				ch := newChange(t, "tok-"+strconv.Itoa(w)+"-"+strconv.Itoa(try), "n", strconv.Itoa(guess+1))
				ch.Expect = map[string][]byte{"n": []byte(strconv.Itoa(guess))}
				_, err := ap.Apply(t.Context(), key, ch)
				if err == nil {
					return
				}
				if !errors.Is(err, session.ErrConflict) {
					errs <- err
					return
				}
				guess++
				if guess > applyWriters {
					errs <- errors.New("guessed past the number of writers: an increment was applied although its expectation failed")
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if got, want := app.dump(id), "a=1;n="+strconv.Itoa(applyWriters); got != want {
		t.Fatalf("after %d writers each incremented once with Expect the session holds %q, want %q", applyWriters, got, want)
	}
}
