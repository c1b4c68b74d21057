package redisstore

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/websession/session"
	"github.com/websession/session/sessiontest"
)

// The tests share one real Redis Cluster of three masters on loopback,
// started by the first test that asks for it and stopped by TestMain.

const (
	clusterMasters = 3
	clusterSetup   = 20 * time.Second // bound on the whole setup
)

func TestMain(m *testing.M) {
	code := m.Run()
	testCluster.stop()
	os.Exit(code)
}

var testCluster cluster

type cluster struct {
	mu          sync.Mutex
	tried       bool
	unavailable string // why the cluster cannot run here (binary missing)
	err         error  // why the setup failed
	addrs       []string
	dir         string
	nodes       []*node
}

type node struct {
	cmd    *exec.Cmd
	exited chan struct{} // closed when the process has ended
}

// clusterClient returns a client for the shared test cluster, starting it
// on first use. A missing redis-server or redis-cli binary skips the test
// (fails in CI); any other setup failure fails it.
func clusterClient(t testing.TB) *redis.ClusterClient {
	t.Helper()
	addrs, unavailable, err := testCluster.start()
	switch {
	case unavailable != "":
		sessiontest.Unavailable(t, "%s", unavailable)
	case err != nil:
		t.Fatalf("starting the test Redis Cluster: %v", err)
	}
	client := redis.NewClusterClient(&redis.ClusterOptions{Addrs: addrs})
	t.Cleanup(func() { client.Close() })
	return client
}

// start starts the cluster once and reports its addresses, or why it
// cannot run.
func (c *cluster) start() (addrs []string, unavailable string, err error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.tried {
		return c.addrs, c.unavailable, c.err
	}
	c.tried = true
	for _, bin := range []string{"redis-server", "redis-cli"} {
		if _, err := exec.LookPath(bin); err != nil {
			c.unavailable = bin + " not found in PATH; install Redis to run the cluster tests"
			return nil, c.unavailable, nil
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), clusterSetup)
	defer cancel()
	if c.err = c.setup(ctx); c.err != nil {
		c.stopLocked()
	}
	return c.addrs, c.unavailable, c.err
}

func (c *cluster) setup(ctx context.Context) error {
	dir, err := os.MkdirTemp("", "redisstore-cluster-")
	if err != nil {
		return err
	}
	c.dir = dir
	ports, err := freeClusterPorts(clusterMasters)
	if err != nil {
		return err
	}
	for _, p := range ports {
		addr := "127.0.0.1:" + strconv.Itoa(p)
		n, err := startNode(dir, p)
		if err != nil {
			return err
		}
		c.nodes = append(c.nodes, n)
		if err := waitPing(ctx, addr, n); err != nil {
			return fmt.Errorf("node %s did not answer PING: %w\n%s", addr, err, readLog(dir, p))
		}
		c.addrs = append(c.addrs, addr)
	}
	args := append([]string{"--cluster", "create"}, c.addrs...)
	args = append(args, "--cluster-replicas", "0", "--cluster-yes")
	if out, err := exec.CommandContext(ctx, "redis-cli", args...).CombinedOutput(); err != nil {
		return fmt.Errorf("redis-cli --cluster create: %w\n%s", err, out)
	}
	for i, addr := range c.addrs {
		if err := waitClusterOK(ctx, addr, c.nodes[i]); err != nil {
			return fmt.Errorf("node %s: %w", addr, err)
		}
	}
	return nil
}

// freeClusterPorts picks n ports P that are free together with P+10000,
// the cluster bus port Redis derives from P.
func freeClusterPorts(n int) ([]int, error) {
	var ports []int
	for try := 0; try < 200 && len(ports) < n; try++ {
		p := 20000 + rand.IntN(10000)
		if portFree(p) && portFree(p+10000) {
			ports = append(ports, p)
		}
	}
	if len(ports) < n {
		return nil, errors.New("no free loopback ports in 20000-39999 for the cluster")
	}
	return ports, nil
}

func portFree(p int) bool {
	l, err := net.Listen("tcp", "127.0.0.1:"+strconv.Itoa(p))
	if err != nil {
		return false
	}
	l.Close()
	return true
}

func startNode(dir string, port int) (*node, error) {
	p := strconv.Itoa(port)
	logFile, err := os.Create(filepath.Join(dir, "redis-"+p+".log"))
	if err != nil {
		return nil, err
	}
	defer logFile.Close() // the child keeps its own descriptor
	cmd := exec.Command("redis-server",
		"--port", p,
		"--cluster-enabled", "yes",
		"--cluster-config-file", filepath.Join(dir, "nodes-"+p+".conf"),
		"--dir", dir,
		"--save", "",
		"--appendonly", "no",
		"--bind", "127.0.0.1",
		"--daemonize", "no",
	)
	cmd.Stdout = logFile
	cmd.Stderr = logFile
	cmd.SysProcAttr = childProcAttr()
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("starting redis-server: %w", err)
	}
	n := &node{cmd: cmd, exited: make(chan struct{})}
	go func() {
		cmd.Wait()
		close(n.exited)
	}()
	return n, nil
}

func readLog(dir string, port int) string {
	b, _ := os.ReadFile(filepath.Join(dir, "redis-"+strconv.Itoa(port)+".log"))
	return string(b)
}

// poll calls check every 50ms until it returns nil, the process ends or
// ctx is done.
func poll(ctx context.Context, n *node, check func(ctx context.Context) error) error {
	for {
		err := check(ctx)
		if err == nil {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("gave up after %v: %w", clusterSetup, err)
		case <-n.exited:
			return fmt.Errorf("redis-server exited: %w", err)
		case <-time.After(50 * time.Millisecond):
		}
	}
}

func waitPing(ctx context.Context, addr string, n *node) error {
	c := redis.NewClient(&redis.Options{Addr: addr, MaxRetries: -1})
	defer c.Close()
	return poll(ctx, n, func(ctx context.Context) error { return c.Ping(ctx).Err() })
}

func waitClusterOK(ctx context.Context, addr string, n *node) error {
	c := redis.NewClient(&redis.Options{Addr: addr, MaxRetries: -1})
	defer c.Close()
	return poll(ctx, n, func(ctx context.Context) error {
		info, err := c.ClusterInfo(ctx).Result()
		if err != nil {
			return err
		}
		if !strings.Contains(info, "cluster_state:ok") {
			return errors.New("CLUSTER INFO does not say cluster_state:ok yet")
		}
		return nil
	})
}

func (c *cluster) stop() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.stopLocked()
}

func (c *cluster) stopLocked() {
	for _, n := range c.nodes {
		n.cmd.Process.Kill()
		<-n.exited
	}
	c.nodes = nil
	if c.dir != "" {
		os.RemoveAll(c.dir)
		c.dir = ""
	}
}

// TestClusterSpreadsKeys checks that the cluster tests really use the
// cluster: keys of one store land on several masters, and Iterate finds
// all of them.
func TestClusterSpreadsKeys(t *testing.T) {
	client := clusterClient(t)
	st := newTestStore(t, client)
	ctx := context.Background()
	want := make(map[string][]byte)
	for i := range 30 {
		key := sessiontest.Key(t)
		data := []byte("record " + strconv.Itoa(i))
		if err := st.Save(ctx, key, recordFor(data, time.Hour)); err != nil {
			t.Fatalf("Save: %v", err)
		}
		want[key] = data
	}
	perNode, err := keysPerNode(ctx, client, st.prefix)
	if err != nil {
		t.Fatalf("counting keys per master: %v", err)
	}
	if len(perNode) < 2 {
		t.Errorf("30 keys landed on %d master(s), want them spread over several: %v", len(perNode), perNode)
	}
	got := make(map[string][]byte)
	err = st.Iterate(ctx, func(key string, rec session.Record) error {
		got[key] = rec.Data
		return nil
	})
	if err != nil {
		t.Fatalf("Iterate: %v", err)
	}
	if len(got) != len(want) {
		t.Errorf("Iterate reported %d records, want %d", len(got), len(want))
	}
	for key, data := range want {
		if !bytes.Equal(got[key], data) {
			t.Errorf("Iterate: record data = %q, want %q", got[key], data)
		}
	}
}
