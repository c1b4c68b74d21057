package upgrade

import (
	"bufio"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/websession/session/sessiontest"
)

// Baseline is the version the checkout must interoperate with: the last
// release once one is tagged; until then the code as it stood before the
// changes of the first release (module split, new exports).
const Baseline = "ef6445ce6782cc6fb97fb59268bd9dad9556a768"

// server is the program both versions run: ?set=K=V stores V under K,
// ?user=U signs U in, and every response is the session as JSON (its keys
// and "@user"). It uses only API both versions have; its cookie is Secure,
// and the test's client carries it over plain HTTP all the same.
const server = `package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"net"
	"net/http"
	"strings"

	"github.com/websession/session"
	"github.com/websession/session/store/filestore"
)

func main() {
	dir := flag.String("store", "", "a filestore directory; empty for cookie sessions")
	flag.Parse()
	cfg := session.Config{Secret: []byte("upgrade-test-secret-0123456789ab")}
	if *dir != "" {
		st, err := filestore.New(*dir)
		if err != nil {
			log.Fatal(err)
		}
		cfg.Store = st
	}
	m, err := session.New(cfg)
	if err != nil {
		log.Fatal(err)
	}
	h := m.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s := session.From(r)
		if kv := r.URL.Query().Get("set"); kv != "" {
			k, v, _ := strings.Cut(kv, "=")
			if err := s.Set(k, v); err != nil {
				http.Error(w, err.Error(), 500)
				return
			}
		}
		if u := r.URL.Query().Get("user"); u != "" {
			if err := s.SetUser(u); err != nil {
				http.Error(w, err.Error(), 500)
				return
			}
		}
		out := map[string]any{"@user": s.User()}
		for _, k := range s.Keys() {
			out[k], _ = s.Get(k)
		}
		json.NewEncoder(w).Encode(out)
	}))
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(ln.Addr())
	log.Fatal(http.Serve(ln, h))
}
`

// TestRollingDeploy has one visitor alternate between the baseline and the
// checkout, on cookie sessions and on a filestore both share, writing a key
// on each request and signing in half-way; every answer must hold every
// key written so far and, once signed in, the user.
func TestRollingDeploy(t *testing.T) {
	if testing.Short() {
		t.Skip("builds two servers")
	}
	repo := repoRoot(t)
	trees := map[string]string{"baseline": filepath.Join(t.TempDir(), "baseline"), "checkout": repo}
	archive(t, repo, Baseline, trees["baseline"])
	bins := map[string]string{}
	for name, tree := range trees {
		bins[name] = build(t, name, tree)
	}
	for _, storage := range []string{"cookie", "filestore"} {
		t.Run(storage, func(t *testing.T) {
			var args []string
			if storage == "filestore" {
				args = []string{"-store", filepath.Join(t.TempDir(), "sessions")}
			}
			servers := []string{start(t, bins["baseline"], args), start(t, bins["checkout"], args)}
			v := &visitor{client: &http.Client{Timeout: 10 * time.Second}, cookies: map[string]string{}}
			want := map[string]any{"@user": ""}
			for i := range 8 {
				name := []string{"baseline", "checkout"}[i%2]
				q := url.Values{"set": {fmt.Sprintf("k%d=written by %s", i, name)}}
				want[fmt.Sprintf("k%d", i)] = "written by " + name
				if i == 3 {
					q.Set("user", "alice")
					want["@user"] = "alice"
				}
				got := v.get(t, servers[i%2]+"/?"+q.Encode())
				if fmt.Sprint(got) != fmt.Sprint(want) {
					t.Fatalf("request %d, to the %s: the session holds %v, want %v", i, name, got, want)
				}
			}
		})
	}
}

// visitor is a browser's cookie jar for one site, which sends its cookies
// to both servers, Secure ones too: the servers listen on plain HTTP.
type visitor struct {
	client  *http.Client
	cookies map[string]string
}

func (v *visitor) get(t *testing.T, u string) map[string]any {
	t.Helper()
	req, err := http.NewRequest("GET", u, nil)
	if err != nil {
		t.Fatal(err)
	}
	for name, value := range v.cookies {
		req.AddCookie(&http.Cookie{Name: name, Value: value})
	}
	resp, err := v.client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	for _, c := range resp.Cookies() {
		if c.MaxAge < 0 {
			delete(v.cookies, c.Name)
		} else {
			v.cookies[c.Name] = c.Value
		}
	}
	var out map[string]any
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %s", u, resp.Status)
	}
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		t.Fatalf("GET %s: %v", u, err)
	}
	return out
}

func repoRoot(t *testing.T) string {
	out, err := exec.Command("git", "rev-parse", "--show-toplevel").Output()
	if err != nil {
		sessiontest.Unavailable(t, "git and a clone of the repository: %v", err)
	}
	root := strings.TrimSpace(string(out))
	if err := exec.Command("git", "-C", root, "cat-file", "-e", Baseline+"^{commit}").Run(); err != nil {
		sessiontest.Unavailable(t, "the baseline commit %s in the clone's history (a shallow clone lacks it)", Baseline)
	}
	return root
}

func archive(t *testing.T, repo, rev, dir string) {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("sh", "-c", `git -C "$1" archive "$2" | tar -x -C "$3"`, "archive", repo, rev, dir)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("git archive %s: %v\n%s", rev, err, out)
	}
}

// build compiles the server program against the tree's root module, in a
// module of its own outside any workspace.
func build(t *testing.T, name, tree string) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), name)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	gomod := "module upgradetest\n\ngo 1.26.0\n\nrequire github.com/websession/session v0.1.0\n\nreplace github.com/websession/session => " + tree + "\n"
	sum, _ := os.ReadFile(filepath.Join(tree, "go.sum")) // the tree's own checksums, if it has requirements
	for file, data := range map[string][]byte{"go.mod": []byte(gomod), "go.sum": sum, "main.go": []byte(server)} {
		if err := os.WriteFile(filepath.Join(dir, file), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	bin := filepath.Join(dir, "server")
	cmd := exec.Command("go", "build", "-o", bin, ".")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOWORK=off", "GOFLAGS=-mod=mod")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("building the %s server: %v\n%s", name, err, out)
	}
	return bin
}

// start runs a server and returns its base URL; it is stopped when the
// test ends.
func start(t *testing.T, bin string, args []string) string {
	t.Helper()
	cmd := exec.Command(bin, args...)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		t.Fatalf("%s did not say where it listens: %v", bin, err)
	}
	return "http://" + strings.TrimSpace(line)
}
