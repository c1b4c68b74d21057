package main

import (
	"bytes"
	"context"
	"log"
	"log/slog"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/go-sql-driver/mysql"
	"github.com/redis/go-redis/v9"
)

// leakyURLs is store/storeurl's table of URLs with distinctive passwords:
// the password, the URL and what the error must say ("" when the store
// opens), tab-separated.
const leakyURLs = "../../store/storeurl/testdata/leaky_urls.txt"

// syncBuffer is a bytes.Buffer safe for the drivers' goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

type redisLog struct{ w *syncBuffer }

func (l redisLog) Printf(_ context.Context, format string, v ...any) {
	log.New(l.w, "redis: ", 0).Printf(format, v...)
}

// TestStoreCommandsShowNoPassword runs a store command on each URL of the
// table, given with --store and with SESSIONCTL_STORE, and checks that
// neither its output nor any log line shows the password or a piece of
// it, and that the error says what is wrong.
func TestStoreCommandsShowNoPassword(t *testing.T) {
	b, err := os.ReadFile(leakyURLs)
	if err != nil {
		t.Fatal(err)
	}
	logs := new(syncBuffer)
	old := slog.Default()
	slog.SetDefault(slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug})))
	mysql.SetLogger(log.New(logs, "[mysql] ", 0))
	redis.SetLogger(redisLog{logs})
	t.Cleanup(func() {
		slog.SetDefault(old)
		mysql.SetLogger(log.New(os.Stderr, "[mysql] ", log.Ldate|log.Ltime))
		quietRedis()
	})

	for line := range strings.SplitSeq(string(b), "\n") {
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Split(line, "\t")
		if len(f) != 3 {
			t.Fatalf("%s: %q has %d tab-separated fields, want 3", leakyURLs, line, len(f))
		}
		password, url, want := f[0], f[1], f[2]
		for _, how := range []string{"--store", storeEnv} {
			args := []string{"ls", "--timeout", "10s"}
			if how == "--store" {
				args = append(args, "--store", url)
				t.Setenv(storeEnv, "")
			} else {
				t.Setenv(storeEnv, url)
			}
			code, stdout, stderr := ctl(t, args...)
			for what, text := range map[string]string{"stdout": stdout, "stderr": stderr, "the log": logs.String()} {
				if piece := leakedPiece(text, password); piece != "" {
					t.Errorf("ls with %s %q: %s shows %q of the password:\n%s", how, url, what, piece, text)
				}
			}
			switch {
			case want == "" && code != exitOK:
				t.Errorf("ls with %s %q: exit %d, want 0: %s", how, url, code, stderr)
			case want != "" && (code == exitOK || !strings.Contains(stderr, want)):
				t.Errorf("ls with %s %q: exit %d, stderr %q; want an error saying %q", how, url, code, stderr, want)
			}
		}
	}
}

// leakedPiece returns the first piece of password, 4 or more characters
// long, that text contains in any case, or "".
func leakedPiece(text, password string) string {
	const piece = 4
	text, password = strings.ToLower(text), strings.ToLower(password)
	for i := 0; i+piece <= len(password); i++ {
		if strings.Contains(text, password[i:i+piece]) {
			return password[i : i+piece]
		}
	}
	return ""
}
