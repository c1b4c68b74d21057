package storeurl_test

import (
	"bytes"
	"context"
	"log"
	"log/slog"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-sql-driver/mysql"
	"github.com/redis/go-redis/v9"

	"github.com/websession/session/sessiontest"
	"github.com/websession/session/store/storeurl"
)

// leakyURL is one line of testdata/leaky_urls.txt.
type leakyURL struct {
	password, url, want string
}

// readLeakyURLs reads testdata/leaky_urls.txt, plus cases a text file
// cannot hold.
func readLeakyURLs(t *testing.T) []leakyURL {
	t.Helper()
	b, err := os.ReadFile("testdata/leaky_urls.txt")
	if err != nil {
		t.Fatal(err)
	}
	cases := []leakyURL{
		{"Ab\x01cd9Efg", "postgres://u:Ab\x01cd9Efg@127.0.0.1:1/db", "percent-encoded"},
		{"Yh\ncd9Efg", "mysql://u:Yh\ncd9Efg@127.0.0.1:1/db", "percent-encoded"},
	}
	for line := range strings.SplitSeq(string(b), "\n") {
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Split(line, "\t")
		if len(f) != 3 {
			t.Fatalf("testdata/leaky_urls.txt: %q has %d tab-separated fields, want 3", line, len(f))
		}
		cases = append(cases, leakyURL{f[0], f[1], f[2]})
	}
	return cases
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

// captureLogs sends every log line the test can reach to the buffer it
// returns: slog's and log's defaults, and the MySQL and Redis drivers'
// loggers, until the test ends.
func captureLogs(t *testing.T) (*syncBuffer, *slog.Logger) {
	buf := new(syncBuffer)
	logger := slog.New(slog.NewTextHandler(buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	old := slog.Default()
	slog.SetDefault(logger)
	mysql.SetLogger(log.New(buf, "[mysql] ", 0))
	redis.SetLogger(redisLog{buf})
	t.Cleanup(func() {
		slog.SetDefault(old)
		mysql.SetLogger(log.New(os.Stderr, "[mysql] ", log.Ldate|log.Ltime))
		redis.SetLogger(redisLog{new(syncBuffer)})
	})
	return buf, logger
}

// TestNoPasswordInMessages feeds URLs with distinctive passwords, well
// formed and malformed, through Parse and Open and checks that no error,
// no printed Spec field and no log line shows the password or any piece of
// it, while each error still says what is wrong.
func TestNoPasswordInMessages(t *testing.T) {
	logs, logger := captureLogs(t)
	for _, c := range readLeakyURLs(t) {
		ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
		shown := map[string]string{}
		spec, err := storeurl.Parse(c.url)
		first := err
		if err != nil {
			shown["Parse's error"] = err.Error()
		}
		shown["Spec.Name"], shown["Spec.Kind"], shown["Spec.Table"], shown["Spec.Prefix"] = spec.Name, spec.Kind, spec.Table, spec.Prefix
		if err == nil {
			_, closeStore, err := storeurl.Open(ctx, c.url, storeurl.WithLogger(logger))
			first = err
			if err != nil {
				shown["Open's error"] = err.Error()
			}
			closeStore()
		}
		cancel()
		t.Logf("%q: %v", c.url, first)
		shown["the log"] = logs.String()
		for what, text := range shown {
			if piece := leakedPiece(text, c.password); piece != "" {
				t.Errorf("%q: %s shows %q of the password: %s", c.url, what, piece, text)
			}
		}
		switch {
		case c.want == "" && first != nil:
			sessiontest.Unavailable(t, "%q: %v", c.url, first)
		case c.want != "" && (first == nil || !strings.Contains(first.Error(), c.want)):
			t.Errorf("%q: error %v, want one saying %q", c.url, first, c.want)
		}
	}
}
