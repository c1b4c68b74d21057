package sessiontest

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/websession/session"
)

// concurrentRequests is how many requests of one visitor the concurrency
// checks run at once.
const concurrentRequests = 50

// RunConcurrentRequests checks, over real HTTP, that a Manager on the store
// newStore returns loses no update when one visitor's requests overlap, and
// that a request running while the session ends cannot bring it back:
//
//   - DistinctKeys: 50 concurrent requests each set a key of their own;
//     afterwards all 50 keys are in the session.
//   - Update: 50 concurrent requests increment one counter with
//     session.Update; afterwards it is 50.
//   - NoResurrection: a request that loaded the session before another
//     request destroyed (or renewed) it commits a change afterwards; the
//     old cookie still gives an empty session and nothing is stored under it.
func RunConcurrentRequests(t *testing.T, newStore func(t *testing.T) session.Store) {
	t.Run("DistinctKeys", func(t *testing.T) {
		c := newClientApp(t, newStore(t), nil)
		c.get("/set?k=start")
		c.parallel(func(i int) string { return "/set?k=key" + strconv.Itoa(i) })
		n := c.get("/len")
		if want := strconv.Itoa(concurrentRequests + 1); n != want {
			t.Fatalf("after %d concurrent writes of distinct keys the session holds %s keys, want %s", concurrentRequests, n, want)
		}
	})
	t.Run("Update", func(t *testing.T) {
		c := newClientApp(t, newStore(t), nil)
		c.get("/incr")
		c.parallel(func(int) string { return "/incr" })
		if got, want := c.get("/count"), strconv.Itoa(concurrentRequests+1); got != want {
			t.Fatalf("after %d concurrent increments the counter is %s, want %s", concurrentRequests+1, got, want)
		}
	})
	for _, end := range []string{"destroy", "renew"} {
		t.Run("NoResurrectionAfter_"+end, func(t *testing.T) {
			loaded := make(chan struct{})
			ended := make(chan struct{})
			st := newStore(t)
			c := newClientApp(t, st, func(path string) {
				if path == "/slow" {
					close(loaded)
					<-ended
				}
			})
			c.get("/set?k=user")
			oldCookie := c.cookie()
			done := make(chan string)
			go func() { done <- c.getWithCookie("/slow", oldCookie) }()
			<-loaded
			c.getWithCookie("/"+end, oldCookie)
			close(ended)
			<-done
			if n := c.getWithCookie("/len", oldCookie); n != "0" {
				t.Fatalf("after %s, a request that loaded the session earlier brought it back: the old cookie gives %s keys", end, n)
			}
			if _, err := st.Load(context.Background(), session.StoreKey(oldCookie)); err == nil {
				t.Fatalf("after %s the store still holds a record under the old ID", end)
			}
		})
	}
}

// clientApp is a Manager on a store behind a real HTTP server, and one
// visitor's cookie jar.
type clientApp struct {
	t      *testing.T
	srv    *httptest.Server
	client *http.Client
}

// newClientApp serves: /set?k=K sets K, /len the number of keys, /incr
// increments "n" with Update, /count prints it, /destroy and /renew, and
// /slow, which loads the session, calls hook, then sets "late".
func newClientApp(t *testing.T, st session.Store, hook func(path string)) *clientApp {
	m, err := session.New(session.Config{
		Secret: []byte("sessiontest concurrency secret 0123456789"),
		Store:  st,
		Cookie: session.CookieOptions{Secure: session.Off},
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
	})
	if err != nil {
		t.Fatal(err)
	}
	h := m.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s := session.From(r)
		switch r.URL.Path {
		case "/set":
			s.Set(r.URL.Query().Get("k"), true)
		case "/len":
			fmt.Fprint(w, s.Len())
		case "/incr":
			session.Update(s, "n", func(n int, _ bool) int { return n + 1 })
		case "/count":
			n, _ := session.Get[int](s, "n")
			fmt.Fprint(w, n)
		case "/destroy":
			s.Destroy()
		case "/renew":
			s.Renew()
		case "/slow":
			s.Len()
			if hook != nil {
				hook(r.URL.Path)
			}
			s.Set("late", true)
		}
	}))
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	jar, _ := cookiejar.New(nil)
	return &clientApp{t: t, srv: srv, client: &http.Client{Jar: jar, Timeout: 30 * time.Second}}
}

func (c *clientApp) get(path string) string {
	c.t.Helper()
	resp, err := c.client.Get(c.srv.URL + path)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		c.t.Fatalf("GET %s: %s: %s", path, resp.Status, body)
	}
	return string(body)
}

// getWithCookie sends the given session ID, bypassing the jar.
func (c *clientApp) getWithCookie(path, id string) string {
	req, _ := http.NewRequest("GET", c.srv.URL+path, nil)
	req.AddCookie(&http.Cookie{Name: session.DefaultCookieName, Value: id})
	resp, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		c.t.Error(err)
		return ""
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		c.t.Errorf("GET %s: %s: %s", path, resp.Status, body)
	}
	return string(body)
}

func (c *clientApp) cookie() string {
	u, _ := url.Parse(c.srv.URL)
	for _, ck := range c.client.Jar.Cookies(u) {
		if ck.Name == session.DefaultCookieName {
			return ck.Value
		}
	}
	c.t.Fatal("no session cookie in the jar")
	return ""
}

// parallel runs concurrentRequests requests at once, path(i) each.
func (c *clientApp) parallel(path func(i int) string) {
	c.t.Helper()
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range concurrentRequests {
		wg.Go(func() {
			<-start
			resp, err := c.client.Get(c.srv.URL + path(i))
			if err != nil {
				c.t.Error(err)
				return
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				c.t.Errorf("GET %s: %s", path(i), resp.Status)
			}
		})
	}
	close(start)
	wg.Wait()
}
