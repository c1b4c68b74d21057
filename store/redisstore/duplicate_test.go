package redisstore

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/websession/session"
	"github.com/websession/session/sessiontest"
)

// TestSaveAppliedOnceWhenRedisStalls freezes a real Redis server (SIGSTOP)
// just as a save is sent, for longer than the client's read timeout, then
// lets it go on (SIGCONT). go-redis times out and sends the script again,
// and again; when the server wakes it runs every copy: the first is
// applied, the others find the record moved on from the version the change
// was merged into, and the apply script the client then sends finds the
// change's token.
// The counter the request increments must go up by exactly one, and the
// request must succeed.
func TestSaveAppliedOnceWhenRedisStalls(t *testing.T) {
	srv := startRedis(t)
	client := redis.NewClient(&redis.Options{
		Addr:                  srv.addr,
		ReadTimeout:           300 * time.Millisecond,
		MaxRetries:            6,
		ContextTimeoutEnabled: true,
	})
	t.Cleanup(func() { client.Close() })
	// Connections ready in the pool, as on a busy server: a retry then goes
	// out at once on one of them, with no handshake for the stopped server
	// to leave unanswered (go-redis does not retry a failed handshake).
	warmPool(t, client, 6)
	var armed atomic.Bool
	client.AddHook(stallHook{armed: &armed, pid: srv.cmd.Process.Pid, stall: time.Second})
	st, err := New(client)
	if err != nil {
		t.Fatal(err)
	}
	m, err := session.New(session.Config{
		Secret: []byte("redisstore stall test secret 0123456789"),
		Store:  st,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
	})
	if err != nil {
		t.Fatal(err)
	}
	h := m.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s := session.From(r)
		if r.URL.Path == "/incr" {
			session.Update(s, "n", func(n int, _ bool) int { return n + 1 })
		}
		n, _ := session.Get[int](s, "n")
		fmt.Fprint(w, n)
	}))
	do := func(path string, c *http.Cookie) *httptest.ResponseRecorder {
		req := httptest.NewRequest("GET", path, nil)
		if c != nil {
			req.AddCookie(c)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec
	}
	first := do("/incr", nil)
	cookie := first.Result().Cookies()[0]
	before := evalshaCalls(t, client)

	armed.Store(true)
	stalled := do("/incr", cookie)
	if stalled.Code != http.StatusOK {
		t.Fatalf("the request whose save met a stalled Redis: status %d: %s", stalled.Code, stalled.Body)
	}
	if n := evalshaCalls(t, client) - before; n < 2 {
		t.Fatalf("test did not do what it means to: the stalled save ran %d time(s) on the server, want the client's retry to run it twice", n)
	}
	if got := do("/", cookie).Body.String(); got != "2" {
		t.Fatalf("after one increment whose save Redis ran twice the counter is %s, want 2", got)
	}
}

// stallHook stops the Redis server just before the first EVALSHA sent
// while armed, and lets it go on after stall.
type stallHook struct {
	armed *atomic.Bool
	pid   int
	stall time.Duration
}

func (h stallHook) DialHook(next redis.DialHook) redis.DialHook { return next }

func (h stallHook) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return next
}

func (h stallHook) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		if cmd.Name() == "evalsha" && h.armed.CompareAndSwap(true, false) {
			syscall.Kill(h.pid, syscall.SIGSTOP)
			time.AfterFunc(h.stall, func() { syscall.Kill(h.pid, syscall.SIGCONT) })
		}
		return next(ctx, cmd)
	}
}

// warmPool opens n connections in client's pool, each used once: n
// commands that each hold a connection for a moment, at the same time.
func warmPool(t *testing.T, client *redis.Client, n int) {
	t.Helper()
	errs := make(chan error, n)
	for range n {
		go func() { errs <- client.Do(t.Context(), "blpop", "redisstore-test:warm:"+strconv.Itoa(n), "0.1").Err() }()
	}
	for range n {
		if err := <-errs; err != nil && err != redis.Nil {
			t.Fatalf("warming the client's pool: %v", err)
		}
	}
}

// evalshaCalls reads how many EVALSHA the server has run.
func evalshaCalls(t *testing.T, client *redis.Client) int {
	t.Helper()
	info, err := client.Info(context.Background(), "commandstats").Result()
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`cmdstat_evalsha:calls=(\d+)`).FindStringSubmatch(info)
	if m == nil {
		return 0
	}
	n, _ := strconv.Atoi(m[1])
	return n
}

// redisServer is a redis-server process of a test's own, which the test
// may stop and continue without disturbing the shared test server.
type redisServer struct {
	cmd  *exec.Cmd
	addr string
}

// startRedis starts a redis-server on a free port for the test, stopped
// when the test ends. A missing redis-server skips the test (fails in CI).
func startRedis(t *testing.T) *redisServer {
	t.Helper()
	if _, err := exec.LookPath("redis-server"); err != nil {
		sessiontest.Unavailable(t, "redis-server not found in PATH; install Redis")
	}
	dir := t.TempDir()
	var port int
	for try := 0; try < 100 && port == 0; try++ {
		if p := 40000 + int(time.Now().UnixNano()%20000); portFree(p) {
			port = p
		}
	}
	if port == 0 {
		t.Fatal("no free loopback port for a test redis-server")
	}
	logFile, err := os.Create(filepath.Join(dir, "redis.log"))
	if err != nil {
		t.Fatal(err)
	}
	defer logFile.Close()
	cmd := exec.Command("redis-server", "--port", strconv.Itoa(port), "--bind", "127.0.0.1",
		"--save", "", "--appendonly", "no", "--dir", dir, "--daemonize", "no")
	cmd.Stdout, cmd.Stderr = logFile, logFile
	cmd.SysProcAttr = childProcAttr()
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting redis-server: %v", err)
	}
	t.Cleanup(func() {
		cmd.Process.Signal(syscall.SIGCONT)
		cmd.Process.Kill()
		cmd.Wait()
	})
	addr := "127.0.0.1:" + strconv.Itoa(port)
	c := redis.NewClient(&redis.Options{Addr: addr, MaxRetries: -1})
	defer c.Close()
	for start := time.Now(); c.Ping(context.Background()).Err() != nil; {
		if time.Since(start) > 10*time.Second {
			b, _ := os.ReadFile(filepath.Join(dir, "redis.log"))
			t.Fatalf("the test redis-server did not answer PING:\n%s", b)
		}
		time.Sleep(20 * time.Millisecond)
	}
	return &redisServer{cmd: cmd, addr: addr}
}
