package redisstore

import (
	"sync"
	"testing"

	"github.com/websession/session"
	"github.com/websession/session/sessiontest"
)

func TestConformance(t *testing.T) {
	client := singleClient(t)
	sessiontest.RunStore(t, func(t *testing.T) session.Store {
		return newTestStore(t, client)
	})
}

// TestClusterConformance runs the suite on a real three-master cluster
// and checks that the suite's records landed on more than one master.
func TestClusterConformance(t *testing.T) {
	client := clusterClient(t)
	var (
		mu      sync.Mutex
		holders = make(map[string]int) // master address -> keys seen at cleanup
	)
	sessiontest.RunStore(t, func(t *testing.T) session.Store {
		prefix := randomPrefix(t)
		st, err := New(client, WithPrefix(prefix))
		if err != nil {
			t.Fatalf("New: %v", err)
		}
		t.Cleanup(func() {
			counts, err := deletePrefix(client, prefix)
			if err != nil {
				t.Errorf("cleaning up keys under %q: %v", prefix, err)
			}
			mu.Lock()
			defer mu.Unlock()
			for addr, n := range counts {
				holders[addr] += n
			}
		})
		return st
	})
	if len(holders) < 2 {
		t.Errorf("the suite's records landed on %d master(s) (%v), want several: the cluster was not really used", len(holders), holders)
	}
}

// TestConcurrentRequests runs overlapping requests of one visitor through
// a Manager on a single node and on the cluster.
func TestConcurrentRequests(t *testing.T) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			client := b.client(t)
			sessiontest.RunConcurrentRequests(t, func(t *testing.T) session.Store { return newTestStore(t, client) })
		})
	}
}

// TestUserSessions lists and ends one user's sessions through a Manager on
// a single node and on the cluster.
func TestUserSessions(t *testing.T) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			client := b.client(t)
			sessiontest.RunUserSessions(t, func(t *testing.T) session.Store { return newTestStore(t, client) })
		})
	}
}
