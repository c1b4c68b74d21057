package sessiontest_test

import (
	"os"
	"os/exec"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	session "github.com/websession/session"
	"github.com/websession/session/sessiontest"
)

// mutantEnv names the mutant that TestMutant runs the suite against, in the
// child processes TestSuiteCatchesBrokenStores starts.
const mutantEnv = "SESSIONTEST_MUTANT"

// clockEnv, when "true", makes TestMutant run RunStoreWithClock, with the
// mutant reading the suite's clock, instead of RunStore.
const clockEnv = "SESSIONTEST_CLOCK"

// mutants maps a mutant's name to its bugs and to the subtests of RunStore
// that must catch them.
var mutants = map[string]struct {
	bugs     bugs
	caughtBy []string
}{
	"correct":           {bugs{}, nil},
	"ignoreVersion":     {bugs{ignoreVersion: true}, []string{"SaveStaleVersion", "SaveNewOverLive", "SaveVersionOnMissing", "Delete"}},
	"racyCAS":           {bugs{racyCAS: true}, []string{"ConcurrentCAS"}},
	"noBump":            {bugs{noBump: true}, []string{"SaveNewThenLoad", "SaveLoadedVersion"}},
	"returnExpired":     {bugs{returnExpired: true}, []string{"Expiry/LoadExpired", "Expiry/IterateSkipsExpired", "Expiry/SaveOverExpired", "SaveAlreadyExpired/New"}},
	"aliasData":         {bugs{aliasData: true}, []string{"DataIsCopied"}},
	"foldCase":          {bugs{foldCase: true}, []string{"HostileKeys/UppercaseHexOfVictim"}},
	"secondsExpiry":     {bugs{secondsExpiry: true}, []string{"SaveNewThenLoad"}},
	"ignoreContext":     {bugs{ignoreContext: true}, []string{"CancelledContext/Load", "CancelledContext/Save", "CancelledContext/Iterate"}},
	"cancelNotFound":    {bugs{cancelNotFound: true}, []string{"CancelledContext/Load"}},
	"deleteMissingErrs": {bugs{deleteMissingErrs: true}, []string{"DeleteMissing"}},
	"touchBumps":        {bugs{touchBumps: true}, []string{"Touch"}},
	"touchIgnored":      {bugs{touchIgnored: true}, []string{"Touch", "Expiry/TouchKeepsAlive"}},
	"sweepCountsZero":   {bugs{sweepCountsZero: true}, []string{"Expiry/DeleteExpired"}},
	"sweepDeletesAll":   {bugs{sweepDeletesAll: true}, []string{"DeleteExpiredKeepsLive"}},
	"loseBigData":       {bugs{loseEmptyData: true}, []string{"OpaqueData/64KiB"}},
}

// TestMutant runs the suite against the mutant named in the environment.
// It is a helper process of TestSuiteCatchesBrokenStores.
func TestMutant(t *testing.T) {
	name := os.Getenv(mutantEnv)
	if name == "" {
		t.Skip("helper process of TestSuiteCatchesBrokenStores")
	}
	b := mutants[name].bugs
	if os.Getenv(clockEnv) == "true" {
		sessiontest.RunStoreWithClock(t, func(t *testing.T, now func() time.Time) session.Store { return newMutant(b, now) })
		return
	}
	sessiontest.RunStore(t, func(t *testing.T) session.Store { return newMutant(b, time.Now) })
}

// TestSuiteCatchesBrokenStores checks that RunStore and RunStoreWithClock
// pass a correct store and that, for each kind of broken store, the
// subtests meant to catch the bug fail. Each store runs in a child process
// per suite; they all run at once, as those of RunStore mostly sleep.
func TestSuiteCatchesBrokenStores(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a test process per broken store")
	}
	type result struct {
		out []byte
		err error
	}
	suites := map[string]string{"RunStore": "false", "RunStoreWithClock": "true"} // suite -> clockEnv
	results := make(map[string]result)                                            // by suite + "/" + mutant
	var mu sync.Mutex
	var wg sync.WaitGroup
	for suite, clocked := range suites {
		for name, m := range mutants {
			// Run only the subtests that must fail, so few children sleep
			// through the Expiry subtest.
			run := "^TestMutant$"
			if len(m.caughtBy) > 0 {
				var top []string
				for _, sub := range m.caughtBy {
					top = append(top, regexp.QuoteMeta(strings.Split(sub, "/")[0]))
				}
				run += "/^(" + strings.Join(top, "|") + ")$"
			}
			cmd := exec.CommandContext(t.Context(), os.Args[0], "-test.run="+run, "-test.count=1", "-test.v")
			cmd.Env = append(os.Environ(), mutantEnv+"="+name, clockEnv+"="+clocked)
			wg.Go(func() {
				out, err := cmd.CombinedOutput()
				mu.Lock()
				results[suite+"/"+name] = result{out, err}
				mu.Unlock()
			})
		}
	}
	wg.Wait()

	for suite := range suites {
		for name, m := range mutants {
			t.Run(suite+"/"+name, func(t *testing.T) {
				out, err := string(results[suite+"/"+name].out), results[suite+"/"+name].err
				if len(m.caughtBy) == 0 {
					if err != nil || !strings.Contains(out, "--- PASS: TestMutant ") {
						t.Fatalf("the suite does not pass a correct store: %v\n%s", err, out)
					}
					return
				}
				if err == nil {
					t.Fatalf("the suite passes a store with bug %s:\n%s", name, out)
				}
				for _, sub := range m.caughtBy {
					if !strings.Contains(out, "--- FAIL: TestMutant/"+sub+" ") {
						t.Errorf("subtest %s did not catch bug %s", sub, name)
					}
				}
				if t.Failed() {
					t.Logf("output:\n%s", out)
				}
			})
		}
	}
}
