package ginsession_test

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/gin-gonic/gin"
	"github.com/websession/session"
	"github.com/websession/session/ginsession"
	"github.com/websession/session/store/memstore"
)

var secret = []byte("ginsession tests secret 0123456789abcdef")

// logBuffer is a slog destination safe for the server's goroutines.
type logBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// modes are the two places session data can live.
var modes = []struct {
	name  string
	store func() session.Store
}{
	{"cookie", func() session.Store { return nil }},
	{"memstore", func() session.Store { return memstore.New() }},
}

func newManager(t *testing.T, st session.Store, logs io.Writer) *session.Manager {
	t.Helper()
	m, err := session.New(session.Config{
		Secret: secret,
		Store:  st,
		Cookie: session.CookieOptions{Insecure: true}, // the test server speaks plain HTTP
		Logger: slog.New(slog.NewTextHandler(logs, nil)),
	})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// routes registers handlers that each change the session and answer in
// one of gin's ways, and /read, which shows what the session holds.
func routes(r *gin.Engine) {
	set := func(c *gin.Context) {
		if err := ginsession.From(c).Set("via", c.FullPath()); err != nil {
			panic(err)
		}
	}
	r.GET("/json", func(c *gin.Context) { set(c); c.JSON(http.StatusOK, gin.H{"ok": true}) })
	r.GET("/string", func(c *gin.Context) { set(c); c.String(http.StatusCreated, "saved") })
	r.GET("/redirect", func(c *gin.Context) { set(c); c.Redirect(http.StatusFound, "/read") })
	r.POST("/redirect-post", func(c *gin.Context) { set(c); c.Redirect(http.StatusSeeOther, "/read") })
	r.GET("/abort", func(c *gin.Context) { set(c); c.AbortWithStatus(http.StatusNoContent) })
	r.GET("/abort-json", func(c *gin.Context) {
		set(c)
		c.AbortWithStatusJSON(http.StatusForbidden, gin.H{"error": "no"})
	})
	r.GET("/stream", func(c *gin.Context) {
		set(c)
		n := 0
		c.Stream(func(w io.Writer) bool {
			n++
			fmt.Fprintf(w, "chunk %d\n", n)
			return n < 3
		})
	})
	r.GET("/writer", func(c *gin.Context) { set(c); c.Writer.WriteString("direct") })
	r.GET("/nothing", func(c *gin.Context) { set(c) })
	r.GET("/read", func(c *gin.Context) {
		via, _ := session.Get[string](ginsession.From(c), "via")
		c.String(http.StatusOK, "via=%s", via)
	})
}

// client is a browser: it keeps cookies and follows redirects.
func client(t *testing.T) *http.Client {
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &http.Client{Jar: jar}
}

func body(t *testing.T, resp *http.Response, err error) (int, string) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(b)
}

// get fetches url with c and returns the status and body.
func get(t *testing.T, c *http.Client, url string) (int, string) {
	t.Helper()
	resp, err := c.Get(url)
	return body(t, resp, err)
}

func TestEveryWayOfAnsweringCommitsTheSession(t *testing.T) {
	gin.SetMode(gin.TestMode)
	cases := []struct {
		method, path string
		status       int
		body         string
	}{
		{"GET", "/json", 200, `{"ok":true}`},
		{"GET", "/string", 201, "saved"},
		{"GET", "/redirect", 200, "via=/redirect"}, // followed to /read
		{"POST", "/redirect-post", 200, "via=/redirect-post"},
		{"GET", "/abort", 204, ""},
		{"GET", "/abort-json", 403, `{"error":"no"}`},
		{"GET", "/stream", 200, "chunk 1\nchunk 2\nchunk 3\n"},
		{"GET", "/writer", 200, "direct"},
		{"GET", "/nothing", 200, ""},
	}
	for _, mode := range modes {
		for _, tc := range cases {
			t.Run(mode.name+tc.path, func(t *testing.T) {
				var logs logBuffer
				m := newManager(t, mode.store(), &logs)
				r := gin.New()
				r.Use(ginsession.Middleware(m))
				routes(r)
				srv := httptest.NewServer(r)
				defer srv.Close()
				c := client(t)

				req, _ := http.NewRequest(tc.method, srv.URL+tc.path, nil)
				resp, err := c.Do(req)
				status, got := body(t, resp, err)
				if status != tc.status || got != tc.body {
					t.Errorf("%s %s: %d %q, want %d %q", tc.method, tc.path, status, got, tc.status, tc.body)
				}
				_, got = get(t, c, srv.URL+"/read")
				if want := "via=" + tc.path; got != want {
					t.Errorf("next request reads %q, want %q: the session change was lost", got, want)
				}
				if strings.Contains(logs.String(), "level=ERROR") {
					t.Errorf("errors logged: %s", logs.String())
				}
			})
		}
	}
}

func TestChangeAfterTheResponseIsRefusedAndLogged(t *testing.T) {
	gin.SetMode(gin.TestMode)
	var logs logBuffer
	m := newManager(t, nil, &logs)
	r := gin.New()
	r.Use(ginsession.Middleware(m))
	routes(r)
	var setErr error
	r.GET("/late", func(c *gin.Context) {
		c.String(http.StatusOK, "answered")
		setErr = ginsession.From(c).Set("via", "/late")
	})
	srv := httptest.NewServer(r)
	defer srv.Close()
	c := client(t)
	get(t, c, srv.URL+"/late")
	if !errors.Is(setErr, session.ErrCommitted) {
		t.Errorf("Set after c.String returned %v, want ErrCommitted", setErr)
	}
	if !strings.Contains(logs.String(), "level=ERROR") || !strings.Contains(logs.String(), "changed after the response started") {
		t.Errorf("log %q, want an error line saying the change came after the response started", logs.String())
	}
	if _, got := get(t, c, srv.URL+"/read"); got != "via=" {
		t.Errorf("next request reads %q, want nothing: the late change must not be saved", got)
	}
}

// TestNaiveMiddlewareIsReported checks the pattern that loses session
// writes in gin: the request is replaced but c.Writer is not, so c.JSON
// writes before the session is committed. The loss cannot be prevented
// there, but it is logged as an error that names the fix.
func TestNaiveMiddlewareIsReported(t *testing.T) {
	gin.SetMode(gin.TestMode)
	for _, mode := range modes {
		t.Run(mode.name, func(t *testing.T) {
			var logs logBuffer
			m := newManager(t, mode.store(), &logs)
			r := gin.New()
			r.Use(func(c *gin.Context) {
				m.Handler(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
					c.Request = req
					c.Next()
				})).ServeHTTP(c.Writer, c.Request)
			})
			routes(r)
			srv := httptest.NewServer(r)
			defer srv.Close()
			c := client(t)
			get(t, c, srv.URL+"/json")
			if _, got := get(t, c, srv.URL+"/read"); got != "via=" {
				t.Fatalf("next request reads %q; the naive pattern was expected to lose the change", got)
			}
			log := logs.String()
			if !strings.Contains(log, "level=ERROR") || !strings.Contains(log, "ginsession") {
				t.Errorf("log %q, want an error line naming ginsession", log)
			}
		})
	}
}

// TestFailedCommitReplacesTheResponse checks that a session that cannot be
// saved turns c.JSON's answer into the ErrorHandler's 500, without the
// handler's body and without a cookie.
func TestFailedCommitReplacesTheResponse(t *testing.T) {
	gin.SetMode(gin.TestMode)
	var logs logBuffer
	m := newManager(t, nil, &logs)
	r := gin.New()
	r.Use(ginsession.Middleware(m))
	r.GET("/big", func(c *gin.Context) {
		ginsession.From(c).Set("big", strings.Repeat("x", 5000))
		c.JSON(http.StatusOK, gin.H{"ok": true})
	})
	srv := httptest.NewServer(r)
	defer srv.Close()
	resp, err := http.Get(srv.URL + "/big")
	status, got := body(t, resp, err)
	if status != http.StatusInternalServerError || strings.Contains(got, "ok") {
		t.Errorf("got %d %q, want 500 without the handler's body", status, got)
	}
	if cookies := resp.Header.Values("Set-Cookie"); len(cookies) != 0 {
		t.Errorf("Set-Cookie %q on a failed commit", cookies)
	}
}

func TestHijackCommitsFirst(t *testing.T) {
	gin.SetMode(gin.TestMode)
	m := newManager(t, nil, io.Discard)
	r := gin.New()
	r.Use(ginsession.Middleware(m))
	r.GET("/hijack", func(c *gin.Context) {
		ginsession.From(c).Set("via", "/hijack")
		conn, rw, err := c.Writer.Hijack()
		if err != nil {
			panic(err)
		}
		defer conn.Close()
		rw.WriteString("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n")
		for _, v := range c.Writer.Header().Values("Set-Cookie") {
			rw.WriteString("Set-Cookie: " + v + "\r\n")
		}
		rw.WriteString("\r\nok")
		rw.Flush()
	})
	srv := httptest.NewServer(r)
	defer srv.Close()
	resp, err := http.Get(srv.URL + "/hijack")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	bufio.NewReader(resp.Body).ReadString(0)
	if len(resp.Cookies()) != 1 || resp.Cookies()[0].Name != "session" {
		t.Errorf("cookies %v after Hijack, want the session cookie, set by the commit before the hand-over", resp.Cookies())
	}
}
