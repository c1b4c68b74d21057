// Command load compares session libraries under concurrent load: it serves
// each case of package bench on an httptest server on loopback and drives
// it with concurrent visitors (each its own session) for a few seconds,
// alternating between the cases round by round so that both see the same
// machine. It prints requests per second and p50/p99 latencies, and the
// ratios of the first case to the second.
//
//	go run ./cmd/load                                  # ours-redis vs scs-goredisstore
//	go run ./cmd/load -clients 32 -duration 3s -json load.json
//	go run ./cmd/load -hot                             # 32 writers on one session, every hot case
//
// The run is bounded: rounds × cases × (warm-up + duration).
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"net/http/httptest"
	"os"
	"runtime/pprof"
	"strings"
	"time"

	"github.com/websession/session/bench"
)

func main() {
	cases := flag.String("cases", "ours-redis,scs-goredisstore", "comma-separated case names (see bench.Cases); the ratios are first over second")
	clients := flag.Int("clients", 16, "concurrent visitors, each with its own session and connection")
	duration := flag.Duration("duration", 2*time.Second, "measured time per case per round")
	warmup := flag.Duration("warmup", 500*time.Millisecond, "unmeasured load per case before the first round")
	rounds := flag.Int("rounds", 2, "rounds; each round measures every case once, in turn")
	out := flag.String("json", "", "also write the summaries as JSON to this file")
	cpuprofile := flag.String("cpuprofile", "", "write a CPU profile of the whole run (servers and clients) to this file")
	hot := flag.Bool("hot", false, "the hot session instead: 32 writers on one session per case (cases from bench.HotCases; default every one)")
	hotUpdate := flag.Bool("hot-update", false, "with -hot, every request increments one counter with an atomic update")
	flag.Parse()
	if *cpuprofile != "" {
		f, err := os.Create(*cpuprofile)
		if err == nil {
			err = pprof.StartCPUProfile(f)
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, "load:", err)
			os.Exit(1)
		}
		defer f.Close()
		defer pprof.StopCPUProfile()
	}
	if *hot {
		names := strings.Split(*cases, ",")
		if !isSet("cases") {
			names = nil
			for _, c := range bench.HotCases() {
				names = append(names, c.Name)
			}
		}
		if err := runHot(names, *duration, *warmup, *rounds, *hotUpdate); err != nil {
			pprof.StopCPUProfile()
			fmt.Fprintln(os.Stderr, "load:", err)
			os.Exit(1)
		}
		return
	}
	if err := run(strings.Split(*cases, ","), *clients, *duration, *warmup, *rounds, *out); err != nil {
		pprof.StopCPUProfile()
		fmt.Fprintln(os.Stderr, "load:", err)
		os.Exit(1)
	}
}

func run(names []string, clients int, duration, warmup time.Duration, rounds int, out string) error {
	if rounds < 1 || duration <= 0 {
		return errors.New("-rounds and -duration must be positive")
	}
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "bench-load-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)

	urls := make([]string, len(names))
	for i, name := range names {
		c, err := bench.FindCase(name)
		if err != nil {
			return err
		}
		app, err := c.New(ctx, bench.DefaultEnv(dir))
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		defer app.Close()
		srv := httptest.NewServer(app.Handler) // 127.0.0.1, a free port
		defer srv.Close()
		urls[i] = srv.URL + "/"
		if _, err := bench.Load(ctx, urls[i], clients, warmup); err != nil {
			return fmt.Errorf("%s: warm-up: %w", name, err)
		}
	}

	stats := make([]bench.LoadStats, len(names))
	roundRPS := make([][]float64, len(names))
	for range rounds {
		for i := range names {
			st, err := bench.Load(ctx, urls[i], clients, duration)
			if err != nil {
				return fmt.Errorf("%s: %w", names[i], err)
			}
			stats[i].Add(st)
			roundRPS[i] = append(roundRPS[i], st.RPS())
		}
	}

	sums := make([]bench.LoadSummary, len(names))
	fmt.Printf("%-20s %8s %10s %10s %10s %7s\n", "case", "clients", "req/s", "p50", "p99", "errors")
	for i, st := range stats {
		sums[i] = bench.LoadSummary{
			Case: names[i], Clients: clients, Seconds: st.Elapsed.Seconds(),
			Requests: st.Requests, Errors: st.Errors, RPS: st.RPS(),
			P50us: us(st.Percentile(0.50)), P99us: us(st.Percentile(0.99)),
			RoundRPS: roundRPS[i],
		}
		s := sums[i]
		fmt.Printf("%-20s %8d %10.0f %9.0fµs %9.0fµs %7d\n", s.Case, s.Clients, s.RPS, s.P50us, s.P99us, s.Errors)
		if st.FirstErr != nil {
			fmt.Printf("  first error: %v\n", st.FirstErr)
		}
	}
	if len(sums) >= 2 && sums[1].RPS > 0 {
		fmt.Printf("%s / %s: %.2fx the requests per second, p99 %.0fµs vs %.0fµs\n",
			names[0], names[1], sums[0].RPS/sums[1].RPS, sums[0].P99us, sums[1].P99us)
		fmt.Print("  by round:")
		for r := range rounds {
			fmt.Printf(" %.2fx", roundRPS[0][r]/roundRPS[1][r])
		}
		fmt.Println()
	}
	if out != "" {
		b, err := json.MarshalIndent(sums, "", "  ")
		if err != nil {
			return err
		}
		if err := os.WriteFile(out, append(b, '\n'), 0o644); err != nil {
			return err
		}
	}
	for _, s := range sums {
		if s.Errors > 0 {
			return fmt.Errorf("%s: %d requests failed", s.Case, s.Errors)
		}
	}
	return nil
}

func us(d time.Duration) float64 { return float64(d) / float64(time.Microsecond) }

// isSet reports whether the flag name was given on the command line.
func isSet(name string) bool {
	set := false
	flag.Visit(func(f *flag.Flag) { set = set || f.Name == name })
	return set
}
