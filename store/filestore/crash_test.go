//go:build unix

package filestore_test

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	session "github.com/websession/session"
	"github.com/websession/session/sessiontest"
	"github.com/websession/session/store/filestore"
)

// Environment of the writer processes TestKilledWriterLeavesOldOrNewRecord
// starts by running this test binary again.
const (
	writerDirEnv = "FILESTORE_TEST_WRITER_DIR"
	writerKeyEnv = "FILESTORE_TEST_WRITER_KEY"
)

// kills is how many writer processes the test kills.
const kills = 40

// payload is the record data saved at version n: a header naming n, then
// a large body whose size and bytes change with n, so a file mixing two
// writes, or cut short, cannot pass for either.
func payload(n uint64) []byte {
	head := fmt.Appendf(nil, "version=%d;", n)
	size := 256<<10 + int(n%5)*(64<<10)
	return append(head, bytes.Repeat([]byte{byte('a' + n%26)}, size-len(head))...)
}

// TestKilledWriterLeavesOldOrNewRecord kills a process with SIGKILL while
// it saves large records to one session as fast as it can, many times, at
// random moments. After every kill the record loads in full, as the last
// save that finished or the one that was under way: never torn, never
// lost, never older than a save the writer had reported done.
func TestKilledWriterLeavesOldOrNewRecord(t *testing.T) {
	if dir := os.Getenv(writerDirEnv); dir != "" {
		runWriter(t, dir, os.Getenv(writerKeyEnv))
		return
	}
	st, dir := newStore(t)
	key := sessiontest.Key(t)
	if err := st.Save(t.Context(), key, session.Record{Data: payload(1), Expires: time.Now().Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}

	midWrite := 0 // kills that left a temporary file behind: they hit a save
	var last uint64 = 1
	for i := range kills {
		done := killWriter(t, dir, key, time.Duration(rand.IntN(30_000))*time.Microsecond)

		rec, err := st.Load(t.Context(), key)
		if err != nil {
			t.Fatalf("kill %d: the record is gone (%v); a killed save must leave the old record or the new one", i, err)
		}
		if !bytes.Equal(rec.Data, payload(rec.Version)) {
			t.Fatalf("kill %d: the record at version %d is torn (%d bytes, starting %q)", i, rec.Version, len(rec.Data), rec.Data[:min(len(rec.Data), 20)])
		}
		if rec.Version < max(last, done) {
			t.Fatalf("kill %d: the record went back to version %d; saves up to version %d had finished", i, rec.Version, max(last, done))
		}
		last = rec.Version
		tmp, _ := filepath.Glob(filepath.Join(dir, ".tmp-*"))
		if len(tmp) > 0 {
			midWrite++
		}
		for _, f := range tmp {
			os.Remove(f)
		}
	}
	t.Logf("%d kills, %d of them during a save (a temporary file left behind); the record reached version %d", kills, midWrite, last)
}

// killWriter starts a writer on dir and key, waits until it has saved
// once, lets it run for d, kills it with SIGKILL and returns the highest
// version it reported saved.
func killWriter(t *testing.T, dir, key string, d time.Duration) uint64 {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestKilledWriterLeavesOldOrNewRecord$", "-test.count=1")
	cmd.Env = append(os.Environ(), writerDirEnv+"="+dir, writerKeyEnv+"="+key)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	lines := make(chan uint64, 1024)
	go func() {
		defer close(lines)
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if v, ok := strings.CutPrefix(sc.Text(), "saved "); ok {
				if n, err := strconv.ParseUint(v, 10, 64); err == nil {
					lines <- n
				}
			}
		}
	}()
	var done uint64
	select {
	case n, ok := <-lines:
		if !ok {
			cmd.Wait()
			t.Fatalf("the writer stopped before its first save: %s", stderr.String())
		}
		done = n
	case <-time.After(time.Minute):
		cmd.Process.Kill()
		cmd.Wait()
		t.Fatalf("the writer made no save in a minute: %s", stderr.String())
	}
	time.Sleep(d)
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	err = cmd.Wait()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.Sys().(syscall.WaitStatus).Signal() != syscall.SIGKILL {
		t.Fatalf("the writer ended by itself (%v) before it was killed: %s", err, stderr.String())
	}
	for n := range lines {
		done = max(done, n)
	}
	return done
}

// runWriter is the body of a writer process: save the next version of the
// record, in a loop, until killed, reporting each finished save.
func runWriter(t *testing.T, dir, key string) {
	st, err := filestore.New(dir)
	if err != nil {
		t.Fatal(err)
	}
	for {
		cur, err := st.Load(t.Context(), key)
		if err != nil {
			t.Fatalf("writer: %v", err)
		}
		next := session.Record{Data: payload(cur.Version + 1), Expires: time.Now().Add(time.Hour), Version: cur.Version}
		if err := st.Save(t.Context(), key, next); err != nil {
			t.Fatalf("writer: %v", err)
		}
		fmt.Printf("saved %d\n", cur.Version+1)
	}
}
