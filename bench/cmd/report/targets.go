package main

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/websession/session/bench"
)

// verdict is one target and whether this run meets it.
type verdict struct {
	target string
	have   string
	status string // PASS, FAIL or NOT RUN
}

func pass(ok bool) string {
	if ok {
		return "PASS"
	}
	return "FAIL"
}

// overhead returns a case's median ns/op minus the floor's.
func (res *results) overhead(name string) (float64, bool) {
	floor, ok1 := res.find("floor").median(ns)
	v, ok2 := res.find(name).median(ns)
	return v - floor, ok1 && ok2
}

// allocsOver returns a case's median allocs/op minus the floor's.
func (res *results) allocsOver(name string) (float64, bool) {
	floor, ok1 := res.find("floor").median(allocs)
	v, ok2 := res.find(name).median(allocs)
	return v - floor, ok1 && ok2
}

// ratioTarget: name's overhead is at most frac of ref's.
func (res *results) ratioTarget(name, ref string, denom float64) verdict {
	v := verdict{target: fmt.Sprintf("`%s` overhead ≤ 1/%g of `%s`'s", name, denom, ref), status: "NOT RUN"}
	o, ok1 := res.overhead(name)
	r, ok2 := res.overhead(ref)
	if !ok1 || !ok2 || r <= 0 {
		v.have = "missing rows"
		return v
	}
	v.have = fmt.Sprintf("%s ns vs %s ns = %s", grouped(o), grouped(r), fraction(o/r))
	v.have += res.spread(name, ref, denom)
	v.status = pass(o*denom <= r)
	return v
}

// spread describes how the ratio of name's overhead to ref's moved from
// pass to pass, and in how many passes it met 1/denom: the medians decide
// the verdict, and this says whether another run could decide otherwise.
// Pass i is the i-th sample of each row, as run.sh interleaves them; ""
// when the rows do not have the same two or more passes.
func (res *results) spread(name, ref string, denom float64) string {
	floor, a, b := res.find("floor"), res.find(name), res.find(ref)
	if floor == nil || a == nil || b == nil {
		return ""
	}
	n := len(floor.samples)
	if len(a.samples) != n || len(b.samples) != n {
		return ""
	}
	ratios := make([]float64, n)
	for i := range n {
		o, r := a.samples[i].ns-floor.samples[i].ns, b.samples[i].ns-floor.samples[i].ns
		if r <= 0 {
			return ""
		}
		ratios[i] = o / r
	}
	lo, hi, met, ok := bounds(ratios, func(r float64) bool { return r*denom <= 1 })
	if !ok {
		return ""
	}
	return fmt.Sprintf("; per pass %s to %s, met in %d of %d", fraction(hi), fraction(lo), met, n)
}

// bounds returns the least and greatest of two or more ratios and how many
// of them meet; ok is false for fewer than two.
func bounds(ratios []float64, meets func(float64) bool) (lo, hi float64, met int, ok bool) {
	if len(ratios) < 2 {
		return 0, 0, 0, false
	}
	lo, hi = slices.Min(ratios), slices.Max(ratios)
	for _, r := range ratios {
		if meets(r) {
			met++
		}
	}
	return lo, hi, met, true
}

// allocTarget: name allocates at most limit times per request more than the floor.
func (res *results) allocTarget(name string, limit float64) verdict {
	v := verdict{target: fmt.Sprintf("`%s` ≤ %g allocs/op over the floor", name, limit), status: "NOT RUN"}
	a, ok := res.allocsOver(name)
	if !ok {
		v.have = "missing rows"
		return v
	}
	v.have = fmt.Sprintf("%g", a)
	v.status = pass(a <= limit)
	return v
}

// roundTripTarget reads the verbose output of TestRedisRoundTrips.
func roundTripTarget(out string) verdict {
	v := verdict{target: "Redis: read-only request = 1 command (HMGET, refresh throttled), writing request = 2 (HMGET + EVALSHA), counted by a client hook and by INFO commandstats", status: "NOT RUN"}
	switch {
	case strings.Contains(out, "--- PASS: TestRedisRoundTrips"):
		v.status, v.have = "PASS", "TestRedisRoundTrips passed (log below)"
	case strings.Contains(out, "--- FAIL: TestRedisRoundTrips"):
		v.status, v.have = "FAIL", "TestRedisRoundTrips failed (log below)"
	case strings.Contains(out, "--- SKIP: TestRedisRoundTrips"):
		v.have = "skipped (log below)"
	default:
		v.have = "no test output"
	}
	return v
}

func parseLoad(data []byte) ([]bench.LoadSummary, error) {
	var sums []bench.LoadSummary
	if len(data) == 0 {
		return nil, nil
	}
	if err := json.Unmarshal(data, &sums); err != nil {
		return nil, fmt.Errorf("report: load results: %w", err)
	}
	return sums, nil
}

// loadFactor is how many times scs-goredisstore's requests per second
// ours-redis serves at least under load.
const loadFactor = 1.3

// loadTargets: ours-redis serves at least loadFactor times the requests per
// second of scs-goredisstore, with a lower p99.
func loadTargets(sums []bench.LoadSummary) []verdict {
	rps := verdict{target: fmt.Sprintf("Redis under concurrent load: `ours-redis` ≥ %gx the requests/s of `scs-goredisstore`", loadFactor), status: "NOT RUN", have: "no load results"}
	p99 := verdict{target: "Redis under concurrent load: `ours-redis` p99 latency lower than `scs-goredisstore`'s", status: "NOT RUN", have: "no load results"}
	var ours, scs *bench.LoadSummary
	for i := range sums {
		switch sums[i].Case {
		case "ours-redis":
			ours = &sums[i]
		case "scs-goredisstore":
			scs = &sums[i]
		}
	}
	if ours == nil || scs == nil || scs.RPS == 0 {
		return []verdict{rps, p99}
	}
	clean := ours.Errors == 0 && scs.Errors == 0
	rps.have = fmt.Sprintf("%s vs %s req/s = %.2fx", grouped(ours.RPS), grouped(scs.RPS), ours.RPS/scs.RPS)
	rps.have += roundSpread(ours.RoundRPS, scs.RoundRPS, loadFactor)
	rps.status = pass(clean && ours.RPS >= loadFactor*scs.RPS)
	p99.have = fmt.Sprintf("%s µs vs %s µs", grouped(ours.P99us), grouped(scs.P99us))
	p99.status = pass(clean && ours.P99us < scs.P99us)
	return []verdict{rps, p99}
}

// fraction shows a ratio clearly below 1 as "1/N" and others as "N×".
func fraction(r float64) string {
	switch {
	case r <= 0:
		return fmt.Sprintf("%.2f", r)
	case r < 0.95:
		return fmt.Sprintf("1/%.1f", 1/r)
	}
	return fmt.Sprintf("%.1f×", r)
}

// grouped formats v rounded to an integer with thousands separators.
func grouped(v float64) string {
	neg := v < 0
	if neg {
		v = -v
	}
	s := fmt.Sprintf("%.0f", v)
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

// roundSpread describes how ours/scs moved from round to round of the
// load test, and in how many rounds it reached least; "" when the rounds
// are missing or do not pair up.
func roundSpread(ours, scs []float64, least float64) string {
	if len(ours) != len(scs) {
		return ""
	}
	ratios := make([]float64, len(ours))
	for i := range ours {
		if scs[i] <= 0 {
			return ""
		}
		ratios[i] = ours[i] / scs[i]
	}
	lo, hi, met, ok := bounds(ratios, func(r float64) bool { return r >= least })
	if !ok {
		return ""
	}
	return fmt.Sprintf("; per round %.2fx to %.2fx, met in %d of %d", lo, hi, met, len(ratios))
}
