package flask_test

import (
	"bufio"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/websession/session/internal/state"

	"github.com/websession/session"
	"github.com/websession/session/flask"
)

// TestLiveWithFlask runs a real Flask app and a Go server on loopback that
// share one session cookie through one cookie jar. Flask logs a user in and
// flashes a message; Go reads both and adds a cart holding a tuple, bytes, a
// datetime, a UUID and Markup; Flask reads every type back unchanged. Then
// the keys rotate (the old key moves to SECRET_KEY_FALLBACKS and OldSecrets)
// and the same holds, starting from the cookie signed with the old key.
func TestLiveWithFlask(t *testing.T) {
	oldKey := []byte("the first shared SECRET_KEY, 32 bytes or more")
	newKey := []byte("the rotated shared SECRET_KEY, 32 bytes or more")
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	client := &http.Client{Jar: jar, Timeout: 10 * time.Second}

	t.Run("one key", func(t *testing.T) {
		liveScenario(t, client, startFlaskApp(t, oldKey), startGoApp(t, oldKey), false)
	})
	t.Run("rotated key", func(t *testing.T) {
		liveScenario(t, client, startFlaskApp(t, newKey, oldKey), startGoApp(t, newKey, oldKey), true)
		// What the jar holds now is signed with the new key alone.
		u, _ := url.Parse("http://127.0.0.1/")
		var value string
		for _, c := range jar.Cookies(u) {
			if c.Name == "session" {
				value = c.Value
			}
		}
		sealer, err := flask.Format().Bind(state.Params{Secret: newKey, CookieName: "session", Lifetime: time.Hour})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := sealer.Open(value, time.Now()); err != nil {
			t.Fatalf("after rotation the cookie does not verify under the new key alone: %v", err)
		}
	})
}

var liveCart = []any{
	flask.Tuple{"tea", 2},
	[]byte{0, 1, 0xff},
	time.Date(2026, 11, 26, 8, 0, 0, 0, time.UTC),
	flask.UUID{0x12, 0x34, 0x56, 0x78, 0x12, 0x34, 0x56, 0x78, 0x12, 0x34, 0x56, 0x78, 0x12, 0x34, 0x56, 0x78},
	flask.Markup("<b>green tea</b>"),
}

const liveCartRepr = "[('tea', 2), b'\\x00\\x01\\xff', datetime.datetime(2026, 11, 26, 8, 0, tzinfo=datetime.timezone.utc), " +
	"UUID('12345678-1234-5678-1234-567812345678'), Markup('<b>green tea</b>')]"

// flaskView is what the Flask app reports of the session it sees.
type flaskView struct {
	Session   map[string]string
	Types     map[string]string
	Flashes   [][2]string
	Permanent bool
}

func liveScenario(t *testing.T, client *http.Client, flaskURL, goURL string, rotated bool) {
	if rotated {
		// The cookie from before the rotation, signed with the old key,
		// still opens on both sides: in Go through OldSecrets, in Flask
		// through SECRET_KEY_FALLBACKS.
		u, _ := url.Parse(goURL)
		oldCookies := client.Jar.Cookies(u)
		var g struct{ UserID int }
		getJSON(t, client, goURL+"/go/cart", &g)
		if g.UserID != 42 {
			t.Fatalf("after rotation Go lost the user signed with the old key: %+v", g)
		}
		client.Jar.SetCookies(u, oldCookies)
		var v flaskView
		getJSON(t, client, flaskURL+"/flask/get", &v)
		if v.Session["cart"] != liveCartRepr {
			t.Fatalf("after rotation Flask lost the cart signed with the old key: %v", v.Session)
		}
	}
	getJSON(t, client, flaskURL+"/flask/login", nil)

	var read struct {
		UserID    int
		Flashes   []session.Flash
		Permanent bool
	}
	getJSON(t, client, goURL+"/go/cart", &read)
	if read.UserID != 42 || !read.Permanent || !slices.Equal(read.Flashes, []session.Flash{{Category: "message", Message: "Welcome back, alice"}}) {
		t.Fatalf("Go read Flask's log-in as %+v", read)
	}

	var v flaskView
	getJSON(t, client, flaskURL+"/flask/get", &v)
	want := map[string]string{"user_id": "42", "cart": liveCartRepr, "_permanent": "True"}
	for k, w := range want {
		if v.Session[k] != w {
			t.Errorf("Flask sees session[%q] = %s, want %s", k, v.Session[k], w)
		}
	}
	if len(v.Session) != len(want) || v.Types["cart"] != "list" || v.Types["user_id"] != "int" {
		t.Errorf("Flask sees %v with types %v", v.Session, v.Types)
	}
	if len(v.Flashes) != 0 || !v.Permanent {
		t.Errorf("Flask sees flashes %q (Go showed them already), permanent %v", v.Flashes, v.Permanent)
	}
}

// startGoApp serves the Go half of the live test: /go/cart reads the user
// and the flashes Flask left and adds the cart.
func startGoApp(t *testing.T, secret []byte, old ...[]byte) string {
	t.Helper()
	m, err := session.New(session.Config{
		Secret:     secret,
		OldSecrets: old,
		Format:     flask.Format(),
		Cookie:     session.CookieOptions{Insecure: true}, // plain-HTTP loopback
	})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(m.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s := session.From(r)
		id, _ := session.Get[int](s, "user_id")
		flashes := s.Flashes()
		if err := s.Set("cart", liveCart); err != nil {
			t.Error(err)
		}
		json.NewEncoder(w).Encode(map[string]any{"UserID": id, "Flashes": flashes, "Permanent": s.Permanent()})
	})))
	t.Cleanup(srv.Close)
	return srv.URL
}

// TestLiveUserBindingIsFlaskLogins checks that Session.SetUser and
// Flask-Login agree on the signed-in user: Go keeps it under "_user_id",
// the key Flask-Login's login_user() writes.
func TestLiveUserBindingIsFlaskLogins(t *testing.T) {
	key := []byte("the shared SECRET_KEY of the user test, 32+ bytes")
	flaskURL := startFlaskApp(t, key)
	m, err := session.New(session.Config{Secret: key, Format: flask.Format(), Cookie: session.CookieOptions{Insecure: true}})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(m.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s := session.From(r)
		if u := r.URL.Query().Get("set"); u != "" {
			s.SetUser(u)
		}
		json.NewEncoder(w).Encode(map[string]string{"User": s.User()})
	})))
	t.Cleanup(srv.Close)
	jar, _ := cookiejar.New(nil)
	client := &http.Client{Jar: jar, Timeout: 10 * time.Second}

	getJSON(t, client, flaskURL+"/flask/login-user", nil)
	var g struct{ User string }
	getJSON(t, client, srv.URL+"/go/user", &g)
	if g.User != "alice" {
		t.Fatalf("Go sees user %q in the cookie Flask-Login wrote, want alice", g.User)
	}
	getJSON(t, client, srv.URL+"/go/user?set=bob", &g)
	var f flaskView
	getJSON(t, client, flaskURL+"/flask/get", &f)
	if got := f.Session["_user_id"]; got != "'bob'" {
		t.Fatalf("Flask sees _user_id %s after Go's SetUser(\"bob\"), want 'bob'", got)
	}
	if got := f.Types["_signed_in"]; got != "int" {
		t.Fatalf("Flask sees _signed_in of type %q, want int", got)
	}
}

func getJSON(t *testing.T, client *http.Client, url string, into any) {
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

// startFlaskApp runs testdata/app.py with SECRET_KEY secret and the given
// SECRET_KEY_FALLBACKS, and returns its base URL.
func startFlaskApp(t *testing.T, secret []byte, fallbacks ...[]byte) string {
	t.Helper()
	python, err := exec.LookPath("python3")
	if err != nil {
		skip(t, "python3 not found; the live test needs python3 with Flask 3.1")
	}
	args := []string{"testdata/app.py", hex.EncodeToString(secret)}
	for _, k := range fallbacks {
		args = append(args, hex.EncodeToString(k))
	}
	cmd := exec.Command(python, args...)
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
