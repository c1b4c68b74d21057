package session

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/websession/session/internal/deadline"
)

func TestStoreContextFollowsTheRequestAndCommitContextOutlivesIt(t *testing.T) {
	m, err := New(Config{Secret: []byte("timeout test secret 0123456789abcdef")})
	if err != nil {
		t.Fatal(err)
	}
	type key struct{}
	for _, early := range []bool{false, true} { // Done asked for before the request ends, or after
		req, cancel := context.WithCancel(context.WithValue(context.Background(), key{}, "v"))
		load, commit := m.storeContext(req), m.bound(new(deadline.Context), req, true, time.Time{})
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
		for _, c := range []*deadline.Context{load, commit} {
			c.Stop()
			if err := c.Err(); err == nil {
				t.Errorf("Done asked early %v: Err after Stop is nil", early)
			}
			select {
			case <-c.Done():
			case <-time.After(10 * time.Second):
				t.Errorf("Done asked early %v: Done not closed after Stop", early)
			}
		}
	}
}
