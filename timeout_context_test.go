package session

import (
	"context"
	"errors"
	"testing"
	"time"
)

// The bounded context of store calls starts no timer until a store asks
// for Done, yet ends at its deadline either way.

func TestBoundedContextEndsAtItsDeadlineWithoutDone(t *testing.T) {
	c := &boundedContext{parent: context.Background(), deadline: time.Now().Add(-time.Millisecond)}
	if err := c.Err(); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Err past the deadline, Done never called: %v, want context.DeadlineExceeded", err)
	}
	c = &boundedContext{parent: context.Background(), deadline: time.Now().Add(time.Hour)}
	if err := c.Err(); err != nil {
		t.Fatalf("Err before the deadline: %v, want nil", err)
	}
	if d, ok := c.Deadline(); !ok || !d.Equal(c.deadline) {
		t.Fatalf("Deadline() = %v, %v; want %v, true", d, ok, c.deadline)
	}
}

func TestBoundedContextDoneClosesAtTheDeadline(t *testing.T) {
	c := &boundedContext{parent: context.Background(), deadline: time.Now().Add(20 * time.Millisecond)}
	defer c.stop()
	select {
	case <-c.Done():
	case <-time.After(10 * time.Second):
		t.Fatal("Done not closed 10 s after a deadline 20 ms away")
	}
	if err := c.Err(); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Err after Done closed at the deadline: %v, want context.DeadlineExceeded", err)
	}
	if context.Cause(c) == nil {
		t.Fatal("context.Cause is nil after the deadline")
	}
}

func TestStoreContextFollowsTheRequestAndCommitContextOutlivesIt(t *testing.T) {
	m, err := New(Config{Secret: []byte("timeout test secret 0123456789abcdef")})
	if err != nil {
		t.Fatal(err)
	}
	type key struct{}
	for _, early := range []bool{false, true} { // Done asked for before the request ends, or after
		req, cancel := context.WithCancel(context.WithValue(context.Background(), key{}, "v"))
		load, commit := m.storeContext(req), m.bound(new(boundedContext), req, true)
		if early {
			load.Done()
			commit.Done()
		}
		cancel()
		if err := load.Err(); !errors.Is(err, context.Canceled) {
			t.Errorf("Done asked early %v: a load's Err after the visitor went away: %v, want context.Canceled", early, err)
		}
		select {
		case <-load.Done():
		case <-time.After(10 * time.Second):
			t.Errorf("Done asked early %v: a load's Done not closed after the visitor went away", early)
		}
		if err := commit.Err(); err != nil {
			t.Errorf("Done asked early %v: a commit's Err after the visitor went away: %v, want nil (a commit once started is finished)", early, err)
		}
		select {
		case <-commit.Done():
			t.Errorf("Done asked early %v: a commit's Done closed when the visitor went away", early)
		default:
		}
		if d, _ := commit.Deadline(); time.Until(d) <= 0 || time.Until(d) > m.cfg.StoreTimeout {
			t.Errorf("a commit's deadline is %v away, want within Config.StoreTimeout (%v)", time.Until(d), m.cfg.StoreTimeout)
		}
		if commit.Value(key{}) != "v" || load.Value(key{}) != "v" {
			t.Errorf("Done asked early %v: the request's values are lost", early)
		}
		for _, c := range []*boundedContext{load, commit} {
			c.stop()
			if err := c.Err(); err == nil {
				t.Errorf("Done asked early %v: Err after stop is nil", early)
			}
			select {
			case <-c.Done():
			case <-time.After(10 * time.Second):
				t.Errorf("Done asked early %v: Done not closed after stop", early)
			}
		}
	}
}
