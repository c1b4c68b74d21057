package bench

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"
)

// LoadStats is what a load run measured. Stats of several runs of the
// same app add up with Add.
type LoadStats struct {
	Requests  int           // completed requests, each checked
	Errors    int           // failed requests: transport errors, wrong status or body
	Elapsed   time.Duration // wall time of the run, summed over added runs
	FirstErr  error         // the first failure, if any
	latencies []time.Duration
}

// Add adds the requests, errors, time and latencies of o to s.
func (s *LoadStats) Add(o *LoadStats) {
	s.Requests += o.Requests
	s.Errors += o.Errors
	s.Elapsed += o.Elapsed
	if s.FirstErr == nil {
		s.FirstErr = o.FirstErr
	}
	s.latencies = append(s.latencies, o.latencies...)
}

// RPS returns the completed requests per second.
func (s *LoadStats) RPS() float64 {
	if s.Elapsed <= 0 {
		return 0
	}
	return float64(s.Requests) / s.Elapsed.Seconds()
}

// Percentile returns the latency below which a fraction p (0 < p <= 1) of
// the requests completed, or 0 when there were none.
func (s *LoadStats) Percentile(p float64) time.Duration {
	if len(s.latencies) == 0 {
		return 0
	}
	slices.Sort(s.latencies)
	i := int(p*float64(len(s.latencies))+0.5) - 1
	return s.latencies[max(0, min(i, len(s.latencies)-1))]
}

// Load drives the benchmark's handler at url with clients concurrent
// visitors, each with its own session and connection, for about d, and
// returns what it measured. Each visitor's first request creates its
// session and is not counted. Load stops at d or when ctx ends, and a
// request still in flight then gets at most 10 s more. Point it only at a
// server on this machine's loopback.
func Load(ctx context.Context, url string, clients int, d time.Duration) (*LoadStats, error) {
	if clients < 1 {
		return nil, fmt.Errorf("bench: Load needs at least one client, got %d", clients)
	}
	tr := &http.Transport{MaxIdleConnsPerHost: clients, DisableCompression: true}
	defer tr.CloseIdleConnections()
	hc := &http.Client{Transport: tr, Timeout: 10 * time.Second}

	// Every visitor gets its session before the clock starts.
	cookies := make([]string, clients)
	for i := range cookies {
		cookie, _, err := get(ctx, hc, url, "")
		if err != nil {
			return nil, fmt.Errorf("bench: creating session %d: %w", i, err)
		}
		cookies[i] = cookie
	}

	runCtx, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	per := make([]LoadStats, clients)
	var wg sync.WaitGroup
	start := time.Now()
	for i := range clients {
		wg.Go(func() { visit(runCtx, hc, url, cookies[i], &per[i]) })
	}
	wg.Wait()
	total := &LoadStats{}
	for i := range per {
		total.Add(&per[i])
	}
	total.Elapsed = time.Since(start)
	return total, nil
}

// visit sends one visitor's requests, one after the other, until ctx ends.
func visit(ctx context.Context, hc *http.Client, url, cookie string, st *LoadStats) {
	for ctx.Err() == nil {
		t0 := time.Now()
		next, created, err := get(context.WithoutCancel(ctx), hc, url, cookie)
		lat := time.Since(t0)
		if err == nil && created {
			err = errors.New("bench: the session was lost: the handler created a new one")
		}
		if err != nil {
			st.Errors++
			if st.FirstErr == nil {
				st.FirstErr = err
			}
			if st.Errors >= 100 {
				return // the app is broken; more requests say nothing more
			}
			continue
		}
		st.Requests++
		st.latencies = append(st.latencies, lat)
		if next != "" {
			cookie = next
		}
	}
}

// get sends one request carrying cookie and returns the session cookie the
// response set ("" if none) and whether the handler created the session.
func get(ctx context.Context, hc *http.Client, url, cookie string) (next string, created bool, err error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return "", false, err
	}
	if cookie != "" {
		req.Header.Set("Cookie", cookie)
	}
	resp, err := hc.Do(req)
	if err != nil {
		return "", false, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<10))
	if err != nil {
		return "", false, err
	}
	for _, sc := range resp.Header.Values("Set-Cookie") {
		if strings.HasPrefix(sc, CookieName+"=") {
			next, _, _ = strings.Cut(sc, ";")
		}
	}
	created, err = check(resp.StatusCode, body)
	return next, created, err
}

// LoadSummary is one case's line of cmd/load's JSON output, which
// cmd/report reads back.
type LoadSummary struct {
	Case     string  `json:"case"`
	Clients  int     `json:"clients"`
	Seconds  float64 `json:"seconds"`
	Requests int     `json:"requests"`
	Errors   int     `json:"errors"`
	RPS      float64 `json:"rps"`
	P50us    float64 `json:"p50_us"`
	P99us    float64 `json:"p99_us"`
	// RoundRPS is the requests per second of each round, in order: the
	// cases alternate round by round, so round i of two cases ran at
	// about the same time.
	RoundRPS []float64 `json:"round_rps,omitempty"`
}
