package filestore_test

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"sync"
	"testing"
	"time"

	session "github.com/websession/session"
	"github.com/websession/session/sessiontest"
	"github.com/websession/session/store/filestore"
)

// Environment of the child processes TestCompareAndSetAcrossProcesses
// starts by running this test binary again.
const (
	childDirEnv = "FILESTORE_TEST_CHILD_DIR"
	childKeyEnv = "FILESTORE_TEST_CHILD_KEY"
)

const (
	processes            = 4
	incrementsPerProcess = 25
)

// TestCompareAndSetAcrossProcesses runs several processes that each add
// one to a counter, many times, through their own Store on one directory.
// Without a cross-process lock, two of them would save over each other
// and increments would be lost.
func TestCompareAndSetAcrossProcesses(t *testing.T) {
	if dir := os.Getenv(childDirEnv); dir != "" {
		runChild(t, dir, os.Getenv(childKeyEnv))
		return
	}
	_, dir := newStore(t)
	key := sessiontest.Key(t)

	var wg sync.WaitGroup
	for i := range processes {
		cmd := exec.CommandContext(t.Context(), os.Args[0], "-test.run=^TestCompareAndSetAcrossProcesses$", "-test.count=1")
		cmd.Env = append(os.Environ(), childDirEnv+"="+dir, childKeyEnv+"="+key)
		wg.Go(func() {
			if out, err := cmd.CombinedOutput(); err != nil {
				t.Errorf("child process %d: %v\n%s", i, err, out)
			}
		})
	}
	wg.Wait()

	st, err := filestore.New(dir)
	if err != nil {
		t.Fatal(err)
	}
	got, err := st.Load(t.Context(), key)
	if err != nil {
		t.Fatal(err)
	}
	const want = processes * incrementsPerProcess
	if string(got.Data) != strconv.Itoa(want) || got.Version != want {
		t.Fatalf("after %d processes x %d increments: counter %q at version %d, want %d at version %d",
			processes, incrementsPerProcess, got.Data, got.Version, want, want)
	}
}

// runChild is the body of one child process: incrementsPerProcess
// load/modify/save increments, each retried on session.ErrConflict.
func runChild(t *testing.T, dir, key string) {
	st, err := filestore.New(dir)
	if err != nil {
		t.Fatal(err)
	}
	for range incrementsPerProcess {
		if err := increment(t, st, key); err != nil {
			t.Fatal(err)
		}
	}
}

func increment(t *testing.T, st session.Store, key string) error {
	for range 10000 {
		cur, err := st.Load(t.Context(), key)
		if err != nil && !errors.Is(err, session.ErrNotFound) {
			return err
		}
		n := 0
		if err == nil {
			if n, err = strconv.Atoi(string(cur.Data)); err != nil {
				return fmt.Errorf("counter is not a number: %q", cur.Data)
			}
		}
		next := session.Record{Data: []byte(strconv.Itoa(n + 1)), Expires: time.Now().Add(time.Hour), Version: cur.Version}
		err = st.Save(t.Context(), key, next)
		if !errors.Is(err, session.ErrConflict) {
			return err
		}
	}
	return errors.New("too many conflicts")
}
