package combine

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/websession/session/internal/state"
)

// recorder applies changes by remembering them, each call waiting for
// release when hold is set.
type recorder struct {
	mu      sync.Mutex
	calls   []*state.Change
	hold    chan struct{} // the first call waits for it to close
	entered chan struct{} // closed when the first call has begun
}

func newRecorder() *recorder {
	return &recorder{hold: make(chan struct{}), entered: make(chan struct{})}
}

func (r *recorder) apply(_ context.Context, ch *state.Change) (int, error) {
	r.mu.Lock()
	r.calls = append(r.calls, ch)
	n := len(r.calls)
	r.mu.Unlock()
	if n == 1 {
		close(r.entered)
		<-r.hold
	}
	return n, nil
}

func background() (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.Background(), 10*time.Second)
}

func set(kv ...string) *state.Change {
	tok, _ := state.NewToken()
	ch := &state.Change{Token: tok, Now: time.Unix(1_700_000_000, 0), Expires: time.Unix(1_700_003_600, 0)}
	for i := 0; i+1 < len(kv); i += 2 {
		ch.Set = append(ch.Set, state.KeyValue{Key: kv[i], Value: []byte(kv[i+1])})
	}
	return ch
}

// waitJoined waits until n changes wait for key's call in flight.
func waitJoined(t *testing.T, c *Combiner[int], key string, n int) {
	t.Helper()
	for range 10000 {
		c.mu.Lock()
		b := c.busy[key]
		got := 0
		if b != nil {
			got = len(b.changes)
		}
		c.mu.Unlock()
		if got == n {
			return
		}
		time.Sleep(time.Millisecond)
	}
	t.Fatalf("%d changes never came to wait for %s", n, key)
}

func TestChangesArrivingDuringACallGoTogetherInTheNext(t *testing.T) {
	var c Combiner[int]
	r := newRecorder()
	results := make(chan int, 32)
	go func() {
		n, _ := c.Do(t.Context(), "k", set("first", "1"), r.apply, background)
		results <- n
	}()
	<-r.entered
	const writers = 31
	for i := range writers {
		go func() {
			n, err := c.Do(t.Context(), "k", set(fmt.Sprint("w", i), fmt.Sprint(i)), r.apply, background)
			if err != nil {
				t.Error(err)
			}
			results <- n
		}()
	}
	waitJoined(t, &c, "k", writers)
	close(r.hold)
	got := map[int]int{}
	for range writers + 1 {
		got[<-results]++
	}
	if len(r.calls) != 2 || got[1] != 1 || got[2] != writers {
		t.Fatalf("32 changes made %d calls, results %v; want 2 calls: the first alone, then the other 31 joined", len(r.calls), got)
	}
	joined := r.calls[1]
	if len(joined.Set) != writers || joined.Token == "" || slices.Contains(tokensOf(r.calls[:1]), joined.Token) {
		t.Fatalf("the joined change sets %d keys with token %q; want the %d writers' keys and a token of its own", len(joined.Set), joined.Token, writers)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.busy) != 0 {
		t.Fatalf("after every call returned, keys still marked busy: %v", slices.Collect(maps.Keys(c.busy)))
	}
}

func tokensOf(chs []*state.Change) []string {
	var out []string
	for _, ch := range chs {
		out = append(out, ch.Token)
	}
	return out
}

func TestAChangeWhoseRequestLeavesBeforeItsCallIsDropped(t *testing.T) {
	var c Combiner[int]
	r := newRecorder()
	done := make(chan struct{})
	go func() { c.Do(t.Context(), "k", set("first", "1"), r.apply, background); close(done) }()
	<-r.entered
	ctx, cancel := context.WithCancel(t.Context())
	left := make(chan error, 1)
	go func() { _, err := c.Do(ctx, "k", set("gone", "1"), r.apply, background); left <- err }()
	stays := make(chan int, 1)
	go func() { n, _ := c.Do(t.Context(), "k", set("stays", "1"), r.apply, background); stays <- n }()
	waitJoined(t, &c, "k", 2)
	cancel()
	if err := <-left; !errors.Is(err, context.Canceled) {
		t.Fatalf("a request that left while waiting: %v, want context.Canceled", err)
	}
	close(r.hold)
	<-done
	if n := <-stays; n != 2 {
		t.Fatalf("the change that stayed came back from call %d, want 2", n)
	}
	if slices.ContainsFunc(r.calls[1].Set, func(kv state.KeyValue) bool { return kv.Key == "gone" }) || len(r.calls) != 2 {
		t.Fatalf("the change of a request that left before its call was applied (%d calls)", len(r.calls))
	}
}

func TestKeysDoNotWaitForEachOther(t *testing.T) {
	var c Combiner[int]
	r := newRecorder()
	go c.Do(t.Context(), "a", set("x", "1"), r.apply, background)
	<-r.entered
	defer close(r.hold)
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	if _, err := c.Do(ctx, "b", set("y", "1"), r.apply, background); err != nil {
		t.Fatalf("a change to another key waited for a call in flight: %v", err)
	}
}

func TestJoinIsTheChangesInTurn(t *testing.T) {
	now := time.Unix(1_700_000_000, 0)
	a := &state.Change{Token: "A", Now: now, Expires: now.Add(time.Hour), TokenAge: time.Minute, TokensKept: 64,
		Set: []state.KeyValue{{Key: "x", Value: []byte("1")}, {Key: "y", Value: []byte("1")}}, Delete: []string{"z"}}
	b := &state.Change{Token: "B", Now: now.Add(time.Second), Expires: now.Add(2 * time.Hour),
		Set: []state.KeyValue{{Key: "z", Value: []byte("2")}, {Key: "w", Value: []byte("2")}}, Delete: []string{"y", "v"}}
	j, err := state.Join([]*state.Change{a, b})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"x": "1", "z": "2", "w": "2"}
	got := map[string]string{}
	for _, kv := range j.Set {
		got[kv.Key] = string(kv.Value)
	}
	if !slices.IsSortedFunc(j.Set, func(a, b state.KeyValue) int { return strings.Compare(a.Key, b.Key) }) {
		t.Fatalf("joined: Set %v is not sorted by key", j.Set)
	}
	if !maps.Equal(got, want) || !slices.Equal(j.Delete, []string{"v", "y"}) {
		t.Fatalf("joined: sets %v, deletes %v; want sets %v, deletes [v y]", got, j.Delete, want)
	}
	if !j.Now.Equal(b.Now) || !j.Expires.Equal(b.Expires) || j.TokenAge != time.Minute || j.TokensKept != 64 || j.Token == "A" || j.Token == "B" {
		t.Fatalf("joined: now %v, expires %v, token %q (%v, %d); want the latest times, a new token, the first's token rules", j.Now, j.Expires, j.Token, j.TokenAge, j.TokensKept)
	}
	if one, _ := state.Join([]*state.Change{a}); one != a {
		t.Fatal("a single change was not returned as it is")
	}
	for _, ch := range []*state.Change{
		{Expect: map[string][]byte{"n": nil}}, {Clear: true}, {FlashesTaken: 1}, {Flashes: []state.Flash{{Message: "m"}}}, {Permanent: new(bool)},
	} {
		if ch.Joinable() {
			t.Errorf("%+v is joinable; only plain sets and deletes may be", ch)
		}
	}
	if !a.Joinable() {
		t.Error("a change of sets and deletes is not joinable")
	}
}
