package sessiontest

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/websession/session/internal/state"

	"github.com/websession/session"
)

// RunUserSessions checks, over real HTTP, what a Manager on the store made
// by newStore does with one user's sessions ("your devices", "log out
// everywhere"). The store must implement session.UserIndex; the test is
// skipped for stores that do not.
//
//   - List: Manager.Sessions lists exactly the user's live sessions, the
//     most recently used first, with a browser summary and the current
//     session's Handle, and never a session ID.
//   - DestroySession ends one session of the user and refuses a handle of
//     another user's session.
//   - DestroyOthers ends every other session of the user and keeps the
//     current one; other users keep theirs.
//   - DestroyUser ends all of them.
func RunUserSessions(t *testing.T, newStore func(t *testing.T) session.Store) {
	st := newStore(t)
	if _, ok := st.(session.UserIndex); !ok {
		t.Skipf("the store does not implement session.UserIndex")
	}
	u := newUsersApp(t, st)
	laptop := u.device("Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0")
	phone := u.device("Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/604.1")
	tablet := u.device("Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36")
	bob := u.device("curl/8.5.0")
	for _, d := range []*device{laptop, phone, tablet} {
		d.get("/login?u=alice")
	}
	bob.get("/login?u=bob")
	phone.get("/set") // the phone is the most recently used

	infos, err := u.m.Sessions(t.Context(), "alice")
	if err != nil {
		t.Fatalf("Sessions: %v", err)
	}
	if len(infos) != 3 {
		t.Fatalf("Sessions(alice) lists %d sessions, want 3", len(infos))
	}
	handles := map[string]*device{}
	for _, d := range []*device{laptop, phone, tablet, bob} {
		handles[d.get("/handle")] = d
	}
	agents := map[string]string{}
	for _, in := range infos {
		d, ok := handles[in.Handle]
		if !ok || d == bob {
			t.Fatalf("Sessions(alice) lists a session that is not one of alice's: %+v", in)
		}
		if in.User != "alice" || in.Created.IsZero() || in.LastSeen.IsZero() || in.Expires.IsZero() || in.Size == 0 {
			t.Errorf("incomplete session info: %+v", in)
		}
		if strings.Contains(fmt.Sprintf("%+v", in), d.id()) {
			t.Fatal("Sessions exposes a session ID")
		}
		agents[in.Handle] = in.Agent
	}
	for i := 1; i < len(infos); i++ {
		if infos[i].LastSeen.After(infos[i-1].LastSeen) {
			t.Errorf("Sessions lists a session last seen %v after one last seen %v: not the most recently used first", infos[i].LastSeen, infos[i-1].LastSeen)
		}
	}
	if got := agents[laptop.get("/handle")]; got != "Firefox on Linux" {
		t.Errorf("the laptop's session is described as %q, want \"Firefox on Linux\"", got)
	}

	// One session, by handle: only the user's own.
	if err := u.m.DestroySession(t.Context(), "alice", bob.get("/handle")); !errors.Is(err, session.ErrNotFound) {
		t.Fatalf("DestroySession of another user's handle: %v, want ErrNotFound", err)
	}
	if bob.get("/user") != "bob" {
		t.Fatal("DestroySession with alice's name ended bob's session")
	}
	if err := u.m.DestroySession(t.Context(), "alice", tablet.get("/handle")); err != nil {
		t.Fatalf("DestroySession: %v", err)
	}
	if tablet.get("/user") != "" {
		t.Fatal("the session ended by DestroySession still works")
	}

	// All others, from the phone.
	tablet.get("/login?u=alice")
	if got := phone.get("/others"); got != "2" {
		t.Fatalf("DestroyOthers reports %s ended sessions, want 2", got)
	}
	if phone.get("/user") != "alice" {
		t.Fatal("DestroyOthers ended the session that called it")
	}
	for _, d := range []*device{laptop, tablet} {
		if d.get("/user") != "" {
			t.Fatal("a session survived DestroyOthers")
		}
	}
	if bob.get("/user") != "bob" {
		t.Fatal("DestroyOthers of alice ended bob's session")
	}

	// Everything.
	laptop.get("/login?u=alice")
	if n, err := u.m.DestroyUser(t.Context(), "alice"); err != nil || n != 2 {
		t.Fatalf("DestroyUser = %d, %v; want 2 sessions ended", n, err)
	}
	for _, d := range []*device{laptop, phone} {
		if d.get("/user") != "" {
			t.Fatal("a session survived DestroyUser")
		}
	}
	if infos, err := u.m.Sessions(t.Context(), "alice"); err != nil || len(infos) != 0 {
		t.Fatalf("after DestroyUser Sessions lists %d sessions (%v), want none", len(infos), err)
	}
}

// usersApp is a Manager behind a real HTTP server for RunUserSessions.
type usersApp struct {
	t   *testing.T
	m   *session.Manager
	srv *httptest.Server
}

func newUsersApp(t *testing.T, st session.Store) *usersApp {
	m, err := session.New(session.Config{
		Secret:     []byte("sessiontest users secret 0123456789abcdef"),
		Store:      st,
		Cookie:     session.CookieOptions{Insecure: true},
		Logger:     slog.New(slog.NewTextHandler(io.Discard, nil)),
		RenewGrace: -1,
	})
	if err != nil {
		t.Fatal(err)
	}
	h := m.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s := session.From(r)
		switch r.URL.Path {
		case "/login":
			s.SetUser(r.URL.Query().Get("u"))
		case "/set":
			s.Set("seen", true)
		case "/user":
			fmt.Fprint(w, s.User())
		case "/handle":
			fmt.Fprint(w, s.Handle())
		case "/others":
			n, err := s.DestroyOthers()
			if err != nil {
				http.Error(w, err.Error(), http.StatusInternalServerError)
				return
			}
			fmt.Fprint(w, n)
		}
	}))
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return &usersApp{t: t, m: m, srv: srv}
}

func (u *usersApp) url() *url.URL {
	parsed, err := url.Parse(u.srv.URL)
	if err != nil {
		u.t.Fatal(err)
	}
	return parsed
}

// device is one browser: a cookie jar and a User-Agent.
type device struct {
	u      *usersApp
	agent  string
	client *http.Client
}

func (u *usersApp) device(agent string) *device {
	jar, _ := cookiejar.New(nil)
	return &device{u: u, agent: agent, client: &http.Client{Jar: jar}}
}

func (d *device) get(path string) string {
	t := d.u.t
	t.Helper()
	req, _ := http.NewRequest("GET", d.u.srv.URL+path, nil)
	req.Header.Set("User-Agent", d.agent)
	resp, err := d.client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %s: %s", path, resp.Status, body)
	}
	return string(body)
}

// id returns the device's session ID, as its cookie holds it.
func (d *device) id() string {
	for _, c := range d.client.Jar.Cookies(d.u.url()) {
		if c.Name == state.DefaultCookieName {
			return c.Value
		}
	}
	return "\x00no session cookie"
}
