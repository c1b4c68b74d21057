package main

import (
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"strings"
	"testing"
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
