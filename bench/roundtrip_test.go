package bench

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/websession/session"
	"github.com/websession/session/sessiontest"
	"github.com/websession/session/store/redisstore"
)

// TestRedisRoundTrips counts the commands one request costs with our Redis
// store, twice: with a go-redis hook on the store's client, and with the
// server's own INFO commandstats (which also counts, by name, the commands
// a Lua script runs inside the server). The server is a private redis-server on
// a free loopback port, so no other test's traffic is counted. A read-only
// request of a permanent session is one HMGET (the expiry refresh is
// throttled), a writing request is HMGET and one EVALSHA (the
// lean script for a loaded record), one more EVALSHA (the apply script)
// when another request wrote the session between its load and its write,
// and a read after the throttle window adds the one EVALSHA of a touch.
func TestRedisRoundTrips(t *testing.T) {
	addr := privateRedis(t)
	log := &commandLog{}
	client := redis.NewClient(&redis.Options{Addr: addr})
	client.AddHook(log)
	t.Cleanup(func() { client.Close() })
	admin := redis.NewClient(&redis.Options{Addr: addr})
	t.Cleanup(func() { admin.Close() })

	st, err := redisstore.New(client)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now() // the store checks expiry against the real clock
	cfg := oursConfig(st)
	cfg.Now = func() time.Time { return now }
	m, err := session.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	var h http.Handler
	h = m.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s := session.From(r)
		switch r.URL.Path {
		case "/write-raced":
			// Another request of the visitor writes the session after
			// this one loaded it and before this one writes.
			if _, ok := session.Get[int](s, "user_id"); !ok {
				http.Error(w, "no user_id", http.StatusInternalServerError)
				return
			}
			other := httptest.NewRequest(http.MethodGet, "/write", nil)
			other.Header.Set("Cookie", r.Header.Get("Cookie"))
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, other)
			if rec.Code != http.StatusOK {
				http.Error(w, "the other request failed", http.StatusInternalServerError)
				return
			}
			s.Set("raced", true)
		case "/login":
			s.Set("user_id", UserID)
			s.Set("cart", Cart)
			s.Set("name", Name)
			s.SetPermanent(true)
		case "/read":
			if _, ok := session.Get[int](s, "user_id"); !ok {
				http.Error(w, "no user_id", http.StatusInternalServerError)
				return
			}
		case "/write":
			name, ok := session.Get[string](s, "name")
			if !ok {
				http.Error(w, "no name", http.StatusInternalServerError)
				return
			}
			s.Set("name", otherName(name))
		}
		w.Write(bodyOK)
	}))

	var cookie string
	// The server's INFO commandstats also counts the commands a script runs
	// inside Redis; those are listed apart, as "inside": they cost no round
	// trip.
	saveInside := []string{"hmget", "hset", "pexpireat"}
	// The other request's lean script; then this one's, which finds the
	// record moved on (its HMGET only); then the apply script, which reads
	// the record (HMGET of the version, then of the data) and merges into it.
	racedInside := append(slices.Clone(saveInside), "hmget", "hmget", "hmget", "hset", "pexpireat")
	touchInside := []string{"hmget", "hset", "pexpireat"}
	steps := []struct {
		name    string
		advance time.Duration // the clock moves this much first
		path    string
		want    []string // commands the client sent; nil: warm-up, not checked
		inside  []string // commands the scripts ran inside the server
	}{
		// The first save and the first touch may find the script not
		// cached yet: EVALSHA fails and one EVAL follows.
		{"log in (warms the save script)", 0, "/login", nil, nil},
		{"read after 2 min (warms the touch script)", 2 * time.Minute, "/read", nil, nil},
		{"read-only request", time.Second, "/read", []string{"hmget"}, nil},
		{"writing request", time.Second, "/write", []string{"hmget", "evalsha"}, saveInside},
		{"read-only request again", time.Second, "/read", []string{"hmget"}, nil},
		{"writing request after another request's write", time.Second, "/write-raced",
			[]string{"hmget", "hmget", "evalsha", "evalsha", "evalsha"}, racedInside},
		{"read past the throttle window touches once", 2 * time.Minute, "/read", []string{"hmget", "evalsha"}, touchInside},
		{"read right after the touch", time.Second, "/read", []string{"hmget"}, nil},
	}
	for _, step := range steps {
		now = now.Add(step.advance)
		before := commandStats(t, admin)
		log.reset()
		req := httptest.NewRequest(http.MethodGet, step.path, nil)
		if cookie != "" {
			req.Header.Set("Cookie", cookie)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			t.Fatalf("%s: status %d: %s", step.name, rec.Code, rec.Body)
		}
		for _, sc := range rec.Result().Cookies() {
			if sc.Name == CookieName {
				cookie = sc.Name + "=" + sc.Value
			}
		}
		sent := log.names()
		delta := statsDelta(before, commandStats(t, admin))
		t.Logf("%-45s client hook: %-20s INFO commandstats: %v", step.name, strings.Join(sent, " "), delta)
		if step.want == nil {
			continue
		}
		if !slices.Equal(sent, step.want) {
			t.Errorf("%s: the client sent %v, want %v", step.name, sent, step.want)
		}
		if want := countNames(append(step.want, step.inside...)); !mapsEqual(delta, want) {
			t.Errorf("%s: the server counted %v, want %v", step.name, delta, want)
		}
	}
}

// privateRedis starts a redis-server of its own on a free loopback port,
// stopped when the test ends, and returns its address.
func privateRedis(t *testing.T) string {
	t.Helper()
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		sessiontest.Unavailable(t, "redis-server binary (install redis-server): %v", err)
	}
	for range 3 { // a free port can be taken before the server binds it
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		addr := l.Addr().String()
		l.Close()
		_, port, _ := net.SplitHostPort(addr)
		cmd := exec.Command(bin, "--bind", "127.0.0.1", "--port", port, "--save", "", "--appendonly", "no", "--dir", t.TempDir())
		if err := cmd.Start(); err != nil {
			t.Fatalf("starting redis-server: %v", err)
		}
		exited := make(chan struct{})
		go func() { cmd.Wait(); close(exited) }()
		stop := func() { cmd.Process.Kill(); <-exited }
		if waitForRedis(addr, exited) {
			t.Cleanup(stop)
			return addr
		}
		stop()
	}
	t.Fatal("redis-server did not come up on a free loopback port in 3 attempts")
	return ""
}

// waitForRedis pings addr for up to 10 s; false when the server exited or
// never answered.
func waitForRedis(addr string, exited <-chan struct{}) bool {
	c := redis.NewClient(&redis.Options{Addr: addr, MaxRetries: -1})
	defer c.Close()
	for range 100 {
		select {
		case <-exited:
			return false
		case <-time.After(100 * time.Millisecond):
		}
		if c.Ping(context.Background()).Err() == nil {
			return true
		}
	}
	return false
}

// commandStats returns the calls per command from INFO commandstats,
// leaving out INFO itself.
func commandStats(t *testing.T, admin *redis.Client) map[string]int {
	t.Helper()
	info, err := admin.Info(t.Context(), "commandstats").Result()
	if err != nil {
		t.Fatalf("INFO commandstats: %v", err)
	}
	stats := map[string]int{}
	for line := range strings.Lines(info) {
		// cmdstat_hmget:calls=3,usec=21,usec_per_call=7.00,...
		name, rest, ok := strings.Cut(strings.TrimPrefix(strings.TrimSpace(line), "cmdstat_"), ":calls=")
		if !ok || name == "info" {
			continue
		}
		calls, _, _ := strings.Cut(rest, ",")
		n, err := strconv.Atoi(calls)
		if err != nil {
			t.Fatalf("INFO commandstats line %q: %v", line, err)
		}
		stats[name] = n
	}
	return stats
}

// statsDelta returns the commands whose call count grew, and by how much.
func statsDelta(before, after map[string]int) map[string]int {
	d := map[string]int{}
	for name, n := range after {
		if n > before[name] {
			d[name] = n - before[name]
		}
	}
	return d
}

func countNames(names []string) map[string]int {
	m := map[string]int{}
	for _, n := range names {
		m[n]++
	}
	return m
}

func mapsEqual(a, b map[string]int) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

// commandLog is a go-redis hook that records the name of every command
// the client sends, pipelined or not.
type commandLog struct {
	mu   sync.Mutex
	sent []string
}

func (l *commandLog) add(cmds ...redis.Cmder) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, c := range cmds {
		l.sent = append(l.sent, c.Name())
	}
}

func (l *commandLog) reset() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.sent = nil
}

func (l *commandLog) names() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return slices.Clone(l.sent)
}

func (l *commandLog) DialHook(next redis.DialHook) redis.DialHook { return next }

func (l *commandLog) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		l.add(cmd)
		return next(ctx, cmd)
	}
}

func (l *commandLog) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error {
		l.add(cmds...)
		return next(ctx, cmds)
	}
}
