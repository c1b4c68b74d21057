package flask_test

import (
	"bufio"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"os"
	"os/exec"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/websession/session"
	"github.com/websession/session/flask"
)

// TestLiveWithFlask runs a real Flask app and a Go server on loopback that
// share one session cookie through one cookie jar: each reads what the
// other wrote, with Python's types intact.
func TestLiveWithFlask(t *testing.T) {
	secret := []byte("a shared SECRET_KEY, 32 bytes or more")
	flaskURL := startFlaskApp(t, secret)

	m, err := session.New(session.Config{
		Secret: secret,
		Format: flask.Format(),
		Cookie: session.CookieOptions{Secure: session.Off}, // plain-HTTP loopback
	})
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/go/read", func(w http.ResponseWriter, r *http.Request) {
		s := session.From(r)
		tuple, _ := session.Get[flask.Tuple](s, "from_flask")
		when, _ := session.Get[time.Time](s, "when")
		json.NewEncoder(w).Encode(map[string]any{
			"tuple": tuple, "when": when, "permanent": s.Permanent(), "flashes": s.Flashes(),
		})
	})
	mux.HandleFunc("/go/write", func(w http.ResponseWriter, r *http.Request) {
		s := session.From(r)
		for _, err := range []error{
			s.Set("from_go", flask.Tuple{"x", 2}),
			s.Set("user_id", 7),
			s.Set("blob", []byte{0, 1}),
			s.Flash("message", "hello from go \u2713"),
		} {
			if err != nil {
				t.Error(err)
			}
		}
	})
	goServer := httptest.NewServer(m.Handler(mux))
	defer goServer.Close()

	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	client := &http.Client{Jar: jar, Timeout: 10 * time.Second}
	get := func(url string, into any) {
		t.Helper()
		resp, err := client.Get(url)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("GET %s: %s: %s", url, resp.Status, body)
		}
		if into != nil {
			if err := json.Unmarshal(body, into); err != nil {
				t.Fatalf("GET %s: %v: %s", url, err, body)
			}
		}
	}

	get(flaskURL+"/flask/set", nil)

	var read struct {
		Tuple     []any
		When      time.Time
		Permanent bool
		Flashes   []session.Flash
	}
	get(goServer.URL+"/go/read", &read)
	if !slices.Equal(read.Tuple, []any{"tuple", 1.0}) || !read.When.Equal(time.Date(2015, 10, 21, 7, 28, 0, 0, time.UTC)) ||
		!read.Permanent || !slices.Equal(read.Flashes, []session.Flash{{Category: "info", Message: "hello from flask"}}) {
		t.Errorf("Go read Flask's session as %+v", read)
	}

	get(goServer.URL+"/go/write", nil)

	var back struct {
		Session   map[string]string
		Flashes   [][2]string
		Permanent bool
	}
	get(flaskURL+"/flask/get", &back)
	want := map[string]string{
		"from_flask": "('tuple', 1)",
		"when":       "datetime.datetime(2015, 10, 21, 7, 28, tzinfo=datetime.timezone.utc)",
		"from_go":    "('x', 2)",
		"user_id":    "7",
		"blob":       `b'\x00\x01'`,
		"_permanent": "True",
		"_flashes":   `[('message', 'hello from go ✓')]`,
	}
	for k, v := range want {
		if back.Session[k] != v {
			t.Errorf("Flask sees session[%q] = %s, want %s", k, back.Session[k], v)
		}
	}
	if len(back.Session) != len(want) {
		t.Errorf("Flask sees %v", back.Session)
	}
	if !back.Permanent || len(back.Flashes) != 1 || back.Flashes[0] != [2]string{"message", "hello from go \u2713"} {
		t.Errorf("Flask sees flashes %q, permanent %v", back.Flashes, back.Permanent)
	}
}

// startFlaskApp runs testdata/app.py and returns its base URL.
func startFlaskApp(t *testing.T, secret []byte) string {
	t.Helper()
	python, err := exec.LookPath("python3")
	if err != nil {
		skip(t, "python3 not found; the live test needs python3 with Flask 3.1")
	}
	cmd := exec.Command(python, "testdata/app.py", hex.EncodeToString(secret))
	var stderr strings.Builder
	cmd.Stderr = &stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		stdin.Close() // the app shuts down when stdin closes
		cmd.Wait()
	})
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		stdin.Close()
		cmd.Wait()
		skip(t, "python3 cannot run the Flask app (pip install 'flask>=3.1,<3.2'): "+lastLine(stderr.String()))
	}
	return "http://127.0.0.1:" + strings.TrimSpace(line)
}

func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return lines[len(lines)-1]
}

func skip(t *testing.T, reason string) {
	t.Helper()
	if os.Getenv("CI") == "true" {
		t.Fatal(reason)
	}
	t.Skip(reason)
}
