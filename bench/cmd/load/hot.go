package main

import (
	"context"
	"errors"
	"fmt"
	"net/http/httptest"
	"os"
	"time"

	"github.com/websession/session/bench"
)

// runHot is the hot-session comparison (-hot): bench.HotWriters writers
// on one session per case, the cases alternating round by round, each
// pair of ours and its peer compared as a ratio. With update, every
// request increments one counter instead of writing its own key.
func runHot(names []string, duration, warmup time.Duration, rounds int, update bool) error {
	if rounds < 1 || duration <= 0 {
		return errors.New("-rounds and -duration must be positive")
	}
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "bench-hot-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	clients := make([]*bench.HotClient, len(names))
	for i, name := range names {
		c, err := bench.FindHotCase(name)
		if err != nil {
			return err
		}
		app, err := c.New(ctx, bench.DefaultEnv(dir))
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		defer app.Close()
		srv := httptest.NewServer(app.Handler)
		defer srv.Close()
		hc, err := bench.NewHotClient(ctx, srv.URL+"/")
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		defer hc.Close()
		if _, err := hc.Run(ctx, warmup, update); err != nil {
			return fmt.Errorf("%s: warm-up: %w", name, err)
		}
		clients[i] = hc
	}
	stats := make([]bench.HotStats, len(names))
	for range rounds {
		for i, hc := range clients {
			st, err := hc.Run(ctx, duration, update)
			if err != nil {
				return fmt.Errorf("%s: %w", names[i], err)
			}
			stats[i].Add(&st.LoadStats)
			stats[i].Lost, stats[i].Doubled = st.Lost, st.Doubled // counted over the whole run
		}
	}
	mode := "each writer sets its own key"
	if update {
		mode = "every request increments one counter"
	}
	fmt.Printf("hot session: %d writers, one session, %s\n", bench.HotWriters, mode)
	fmt.Printf("%-18s %10s %10s %10s %8s %6s %8s\n", "case", "req/s", "p50", "p99", "non-2xx", "lost", "doubled")
	rps := map[string]float64{}
	var failed []string
	for i, st := range stats {
		rps[names[i]] = st.RPS()
		fmt.Printf("%-18s %10.0f %9.0fµs %9.0fµs %8d %6d %8d\n", names[i], st.RPS(),
			us(st.Percentile(0.5)), us(st.Percentile(0.99)), st.Errors, st.Lost, st.Doubled)
		if st.FirstErr != nil {
			fmt.Printf("  first error: %v\n", st.FirstErr)
		}
		if len(names[i]) > 5 && names[i][:5] == "ours-" && (st.Errors > 0 || st.Lost > 0 || st.Doubled > 0) {
			failed = append(failed, names[i])
		}
	}
	for _, p := range [][2]string{{"ours-memstore", "scs-memstore"}, {"ours-redis", "scs-goredisstore"}} {
		if rps[p[0]] > 0 && rps[p[1]] > 0 {
			fmt.Printf("%s / %s: %.2fx the requests per second\n", p[0], p[1], rps[p[0]]/rps[p[1]])
		}
	}
	if len(failed) > 0 {
		return fmt.Errorf("%v: failed requests or lost updates", failed)
	}
	return nil
}
