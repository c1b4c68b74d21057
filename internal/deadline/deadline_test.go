package deadline

import (
	"context"
	"errors"
	"testing"
	"time"
)

// A Context starts no timer until someone asks
// for Done, yet ends at its deadline either way.

func TestContextEndsAtItsDeadlineWithoutDone(t *testing.T) {
	c := new(Context).Start(context.Background(), time.Now().Add(-time.Millisecond), false)
	if err := c.Err(); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Err past the deadline, Done never called: %v, want context.DeadlineExceeded", err)
	}
	c = new(Context).Start(context.Background(), time.Now().Add(time.Hour), false)
	if err := c.Err(); err != nil {
		t.Fatalf("Err before the deadline: %v, want nil", err)
	}
	if d, ok := c.Deadline(); !ok || !d.Equal(c.deadline) {
		t.Fatalf("Deadline() = %v, %v; want %v, true", d, ok, c.deadline)
	}
}

func TestContextDoneClosesAtTheDeadline(t *testing.T) {
	c := new(Context).Start(context.Background(), time.Now().Add(20*time.Millisecond), false)
	defer c.Stop()
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
