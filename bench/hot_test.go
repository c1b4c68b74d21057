package bench

import (
	"errors"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
)

// startHot serves a hot case on loopback and starts its session; it skips
// (fails under CI=true) when the case's service is unavailable.
func startHot(tb testing.TB, c Case) *HotClient {
	tb.Helper()
	app, err := c.New(tb.Context(), DefaultEnv(tb.TempDir()))
	if errors.Is(err, ErrUnavailable) {
		if os.Getenv("CI") == "true" {
			tb.Fatal(err)
		}
		tb.Skip(err)
	}
	if err != nil {
		tb.Fatal(err)
	}
	srv := httptest.NewServer(app.Handler)
	tb.Cleanup(func() {
		srv.Close()
		if err := app.Close(); err != nil {
			tb.Errorf("closing %s: %v", c.Name, err)
		}
	})
	hc, err := NewHotClient(tb.Context(), srv.URL+"/")
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(hc.Close)
	return hc
}

// TestHotSessionLosesNothing runs 32 concurrent writers on one session
// with each of our stores: every request answers 200, every writer's last
// value is in the session, and a counter incremented with session.Update
// by every request ends exactly at the number of requests answered.
func TestHotSessionLosesNothing(t *testing.T) {
	for _, c := range HotCases() {
		if !strings.HasPrefix(c.Name, "ours-") {
			continue
		}
		t.Run(c.Name, func(t *testing.T) {
			hc := startHot(t, c)
			for _, update := range []bool{false, true} {
				st, err := hc.RunN(t.Context(), 20*HotWriters, update)
				if err != nil {
					t.Fatal(err)
				}
				if st.Errors > 0 || st.Lost > 0 || st.Doubled > 0 {
					t.Fatalf("update=%v: %d requests failed (first: %v), %d updates lost, %d applied twice, of %d answered",
						update, st.Errors, st.FirstErr, st.Lost, st.Doubled, st.Requests)
				}
				if st.Requests != 20*HotWriters {
					t.Fatalf("update=%v: %d requests answered, want %d", update, st.Requests, 20*HotWriters)
				}
			}
		})
	}
}

// BenchmarkHot measures one hot session written by 32 concurrent writers
// over loopback HTTP, for every hot case: b.N requests in all. It reports
// requests per second and the updates each library lost; a case of ours
// that fails a request or loses an update fails the benchmark. With
// -benchtime=Nx the cases run the same number of requests.
func BenchmarkHot(b *testing.B) {
	for _, mode := range []string{"set", "update"} {
		for _, c := range HotCases() {
			b.Run(mode+"/"+c.Name, func(b *testing.B) {
				hc := startHot(b, c)
				b.ResetTimer()
				st, err := hc.RunN(b.Context(), b.N, mode == "update")
				b.StopTimer()
				if err != nil {
					b.Fatal(err)
				}
				b.ReportMetric(st.RPS(), "req/s")
				b.ReportMetric(float64(st.Errors), "non-2xx")
				b.ReportMetric(float64(st.Lost), "lost")
				b.ReportMetric(float64(st.Doubled), "doubled")
				b.ReportMetric(float64(st.Percentile(0.99).Microseconds()), "p99-µs")
				if strings.HasPrefix(c.Name, "ours-") && (st.Errors > 0 || st.Lost > 0 || st.Doubled > 0) {
					b.Fatalf("%d requests failed (first: %v), %d updates lost, %d applied twice", st.Errors, st.FirstErr, st.Lost, st.Doubled)
				}
			})
		}
	}
}
