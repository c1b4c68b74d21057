package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/websession/session"
	"github.com/websession/session/store/memstore"
)

// TestMetricsAreScraped drives a visitor through the example app and
// scrapes /metrics as Prometheus would.
func TestMetricsAreScraped(t *testing.T) {
	h, err := newApp([]byte("prometheus example test key 0123456789"))
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	defer srv.Close()
	jar, _ := cookiejar.New(nil)
	visitor := &http.Client{Jar: jar}
	get := func(c *http.Client, path string, header ...string) string {
		t.Helper()
		req, _ := http.NewRequest("GET", srv.URL+path, nil)
		if len(header) == 2 {
			req.Header.Set(header[0], header[1])
		}
		resp, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return string(b)
	}
	for range 3 {
		get(visitor, "/visit")
	}
	get(visitor, "/logout")
	get(http.DefaultClient, "/visit", "Cookie", "session=forged")

	metrics := get(http.DefaultClient, "/metrics")
	for _, want := range []string{
		"# TYPE session_created_total counter",
		"session_created_total 2\n", // the visitor, and the forged cookie's new session
		"session_destroyed_total 1\n",
		"session_renewed_total 0\n",
		`session_cookies_rejected_total{reason="malformed"} 1` + "\n",
		"# TYPE session_store_call_duration_seconds histogram",
		`session_store_call_duration_seconds_count{op="save"} 2` + "\n",  // the two new sessions
		`session_store_call_duration_seconds_count{op="apply"} 2` + "\n", // the visits after the first
		`session_store_call_duration_seconds_count{op="load"} 3` + "\n",
		`session_store_call_duration_seconds_count{op="delete"} 1` + "\n",
		`session_store_call_duration_seconds_bucket{op="load",le="+Inf"} 3` + "\n",
	} {
		if !strings.Contains(metrics, want) {
			t.Errorf("/metrics lacks %q", want)
		}
	}
	if t.Failed() {
		t.Logf("/metrics:\n%s", grepSession(metrics))
	}
}

func grepSession(s string) string {
	var b strings.Builder
	for line := range strings.Lines(s) {
		if strings.Contains(line, "session_") && !strings.Contains(line, "_bucket") {
			b.WriteString(line)
		}
	}
	return b.String()
}

// TestFailureMetricsAreScraped drives the four failures a dashboard alerts
// on through real Managers observed by one Metrics: a store call that
// fails, a commit that loses a race with another writer, a session too
// large for its cookie and a change made after the response started. Each
// is scraped as its counter, once.
func TestFailureMetricsAreScraped(t *testing.T) {
	reg := prometheus.NewRegistry()
	metrics := NewMetrics(reg)
	secret := []byte("prometheus example test key 0123456789")
	quiet := slog.New(slog.DiscardHandler) // the failures are on purpose
	st := &flakyStore{mem: memstore.New()}
	server, err := session.New(session.Config{Secret: secret, Store: st, Cookie: session.CookieOptions{Insecure: true}, OnEvent: metrics.Observe, Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	cookies, err := session.New(session.Config{Secret: secret, Cookie: session.CookieOptions{Insecure: true}, OnEvent: metrics.Observe, Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle("/visit", server.Handler(http.HandlerFunc(visit)))
	mux.Handle("/late", server.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintln(w, "hello") // the response starts: the session is committed
		if err := session.From(r).Set("greeted", true); !errors.Is(err, session.ErrCommitted) {
			t.Errorf("Set after the response started: %v, want ErrCommitted", err)
		}
	})))
	mux.Handle("/big", cookies.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		session.From(r).Set("note", strings.Repeat("x", 5000)) // more than a cookie holds
	})))
	mux.Handle("/metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{}))
	srv := httptest.NewServer(mux)
	defer srv.Close()
	jar, _ := cookiejar.New(nil)
	visitor := &http.Client{Jar: jar}
	get := func(c *http.Client, path string, wantStatus int) string {
		t.Helper()
		resp, err := c.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != wantStatus {
			t.Fatalf("GET %s: status %d, want %d:\n%s", path, resp.StatusCode, wantStatus, b)
		}
		return string(b)
	}

	get(visitor, "/visit", http.StatusOK)
	st.raceNextSave.Store(true)
	if got := get(visitor, "/visit", http.StatusOK); got != "visit 2\n" {
		t.Errorf("the visit that lost a race answered %q, want \"visit 2\\n\"", got)
	}
	st.failNextLoad.Store(true)
	get(visitor, "/visit", http.StatusInternalServerError)
	get(http.DefaultClient, "/late", http.StatusOK)
	get(http.DefaultClient, "/big", http.StatusInternalServerError)

	scraped := get(http.DefaultClient, "/metrics", http.StatusOK)
	for _, want := range []string{
		`session_store_errors_total{op="load"} 1` + "\n",
		"session_commit_conflicts_retried_total 1\n",
		"session_cookie_too_large_total 1\n",
		"session_changes_lost_total 1\n",
	} {
		if !strings.Contains(scraped, want) {
			t.Errorf("/metrics lacks %q", want)
		}
	}
	if t.Failed() {
		t.Logf("/metrics:\n%s", grepSession(scraped))
	}
}

// flakyStore is a memstore with only the three Store methods (every
// commit is a compare-and-set Save) that fails on request: the next Load
// with an error, the next Save of an existing record with ErrConflict,
// because another writer saves the record first.
type flakyStore struct {
	mem                        *memstore.Store
	failNextLoad, raceNextSave atomic.Bool
}

func (f *flakyStore) Load(ctx context.Context, key string) (session.Record, error) {
	if f.failNextLoad.CompareAndSwap(true, false) {
		return session.Record{}, errors.New("store unavailable")
	}
	return f.mem.Load(ctx, key)
}

func (f *flakyStore) Save(ctx context.Context, key string, rec session.Record) error {
	if rec.Version > 0 && f.raceNextSave.CompareAndSwap(true, false) {
		// Another request of the visitor saves the record first.
		other, err := f.mem.Load(ctx, key)
		if err != nil {
			return err
		}
		if err := f.mem.Save(ctx, key, other); err != nil {
			return err
		}
	}
	return f.mem.Save(ctx, key, rec)
}

func (f *flakyStore) Delete(ctx context.Context, key string) error {
	return f.mem.Delete(ctx, key)
}
