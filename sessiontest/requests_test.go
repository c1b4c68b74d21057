package sessiontest_test

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	session "github.com/websession/session"
	"github.com/websession/session/sessiontest"
)

// failingEnv names the store that TestConcurrentRequestsOnFailingStore runs
// RunConcurrentRequests against, in the child processes
// TestConcurrentRequestsFailPromptly starts.
const failingEnv = "SESSIONTEST_FAILING_STORE"

var errBroken = errors.New("broken store")

// failingStore is a correct store whose calls fail as its fields say.
type failingStore struct {
	session.Store
	loads, saves, updates bool // Load, Save, or Save of an existing record fails
}

func (f *failingStore) Load(ctx context.Context, key string) (session.Record, error) {
	if f.loads {
		return session.Record{}, errBroken
	}
	return f.Store.Load(ctx, key)
}

func (f *failingStore) Save(ctx context.Context, key string, rec session.Record) error {
	if f.saves || (f.updates && rec.Version > 0) {
		return errBroken
	}
	return f.Store.Save(ctx, key, rec)
}

// failingStores are the stores RunConcurrentRequests must fail, by name;
// "correct" is one it must pass.
var failingStores = map[string]failingStore{
	"correct":     {},
	"loadFails":   {loads: true},
	"saveFails":   {saves: true},
	"updateFails": {updates: true},
}

// concurrentSubtests are the subtests of RunConcurrentRequests that each
// failing store must fail.
var concurrentSubtests = []string{
	"DistinctKeys",
	"Update",
	"NoResurrectionAfter_destroy_",
	"NoResurrectionAfter_renew_",
	"NoResurrectionAfter_destroy_renew",
	"RenewGrace",
}

// TestConcurrentRequestsOnFailingStore runs RunConcurrentRequests against
// the store named in the environment. It is a helper process of
// TestConcurrentRequestsFailPromptly.
func TestConcurrentRequestsOnFailingStore(t *testing.T) {
	name := os.Getenv(failingEnv)
	if name == "" {
		t.Skip("helper process of TestConcurrentRequestsFailPromptly")
	}
	sessiontest.RunConcurrentRequests(t, func(t *testing.T) session.Store {
		f := failingStores[name]
		f.Store = newMutant(bugs{}, time.Now)
		return &f
	})
}

// TestConcurrentRequestsFailPromptly checks that RunConcurrentRequests
// reports a store whose calls fail as failures of its subtests, rather than
// waiting for a request that never comes back until the test binary's
// timeout, and that it passes a correct store. Each store runs in a child
// process with a one-minute timeout.
func TestConcurrentRequestsFailPromptly(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a test process per store")
	}
	const parent = "TestConcurrentRequestsOnFailingStore"
	type result struct {
		out string
		err error
	}
	results := make(map[string]result)
	var mu sync.Mutex
	var wg sync.WaitGroup
	for name := range failingStores {
		cmd := exec.CommandContext(t.Context(), os.Args[0], "-test.run=^"+parent+"$", "-test.count=1", "-test.v", "-test.timeout=60s")
		cmd.Env = append(os.Environ(), failingEnv+"="+name)
		wg.Go(func() {
			out, err := cmd.CombinedOutput()
			mu.Lock()
			results[name] = result{string(out), err}
			mu.Unlock()
		})
	}
	wg.Wait()

	for name := range failingStores {
		t.Run(name, func(t *testing.T) {
			out, err := results[name].out, results[name].err
			if strings.Contains(out, "panic: test timed out") {
				t.Fatalf("the suite hung until the test timeout instead of failing:\n%s", out)
			}
			if name == "correct" {
				if err != nil || !strings.Contains(out, "--- PASS: "+parent+" ") {
					t.Fatalf("the suite does not pass a correct store: %v\n%s", err, out)
				}
				return
			}
			if err == nil {
				t.Fatalf("the suite passes a store whose calls fail:\n%s", out)
			}
			for _, sub := range concurrentSubtests {
				if !strings.Contains(out, "--- FAIL: "+parent+"/"+sub+" ") {
					t.Errorf("subtest %s did not fail", sub)
				}
			}
			if t.Failed() {
				t.Logf("output:\n%s", out)
			}
		})
	}
}

// TestConcurrentRequestsWithClock runs the clocked suite on a correct
// store that reads the suite's clock.
func TestConcurrentRequestsWithClock(t *testing.T) {
	sessiontest.RunConcurrentRequestsWithClock(t, func(t *testing.T, now func() time.Time) session.Store {
		return newMutant(bugs{}, now)
	})
}
