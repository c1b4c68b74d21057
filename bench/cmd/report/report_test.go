package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/websession/session/bench"
)

// sampleOutput is two appended runs of `go test -bench`, one case skipped.
const sampleOutput = `goos: linux
goarch: amd64
pkg: github.com/websession/session/bench
cpu: AMD EPYC
BenchmarkRequest/floor-2         	  629108	      2000 ns/op	        13.00 cookie-B	    1360 B/op	      11 allocs/op
BenchmarkRequest/gorilla-cookie-signed-2         	   21934	     50000 ns/op	       280.0 cookie-B	   16891 B/op	     286 allocs/op
BenchmarkRequest/gorilla-cookie-encrypted-2         	   21934	     62000 ns/op	       308.0 cookie-B	   18331 B/op	     290 allocs/op
BenchmarkRequest/scs-memstore-2                     	   18106	     56000 ns/op	        51.00 cookie-B	   14084 B/op	     283 allocs/op
BenchmarkRequest/ours-encrypted-2                   	  132412	     12000 ns/op	       159.0 cookie-B	    3920 B/op	      30 allocs/op
BenchmarkRequest/ours-signed-2                   	  132412	     10000 ns/op	       166.0 cookie-B	    3784 B/op	      40 allocs/op
--- SKIP: BenchmarkRequest/ours-mysql
    bench_test.go:17: bench: service unavailable: mysql server (set SESSION_TEST_MYSQL to its DSN): refused
PASS
goos: linux
BenchmarkRequest/floor-2         	  629108	      2200 ns/op	        13.00 cookie-B	    1360 B/op	      11 allocs/op
BenchmarkRequest/floor-2         	  629108	      1800 ns/op	        13.00 cookie-B	    1360 B/op	      11 allocs/op
`

func TestParseBench(t *testing.T) {
	res, err := parseBench(strings.NewReader(sampleOutput))
	if err != nil {
		t.Fatal(err)
	}
	if res.header["cpu"] != "AMD EPYC" {
		t.Errorf("cpu = %q", res.header["cpu"])
	}
	var names []string
	for _, r := range res.rows {
		names = append(names, r.name)
	}
	want := "floor gorilla-cookie-signed gorilla-cookie-encrypted scs-memstore ours-encrypted ours-signed ours-mysql"
	if got := strings.Join(names, " "); got != want {
		t.Errorf("rows %q, want %q", got, want)
	}
	if m, _ := res.find("floor").median(ns); m != 2000 {
		t.Errorf("floor median %v, want 2000 (of 1800, 2000, 2200)", m)
	}
	if c, _ := res.find("ours-encrypted").median(cookie); c != 159 {
		t.Errorf("cookie %v", c)
	}
	if r := res.find("ours-mysql"); len(r.samples) != 0 || !strings.Contains(r.skipped, "mysql server") {
		t.Errorf("skipped row: %+v", r)
	}
	if o, _ := res.overhead("ours-encrypted"); o != 10000 {
		t.Errorf("overhead %v, want 10000", o)
	}
}

func TestVerdicts(t *testing.T) {
	res, err := parseBench(strings.NewReader(sampleOutput))
	if err != nil {
		t.Fatal(err)
	}
	load := []bench.LoadSummary{
		{Case: "ours-redis", RPS: 1400, P99us: 900},
		{Case: "scs-goredisstore", RPS: 1000, P99us: 1000},
	}
	got := map[string]string{}
	for _, v := range verdicts(res, "--- PASS: TestRedisRoundTrips (0.1s)", load) {
		got[v.target] = v.status
	}
	for target, want := range map[string]string{
		// 10000 ns over the floor vs gorilla's 60000: 1/6 holds exactly.
		"`ours-encrypted` overhead ≤ 1/6 of `gorilla-cookie-encrypted`'s": "PASS",
		// 8000 vs 48000 / 6 = 8000: holds; allocs 29 over: fails.
		"`ours-signed` overhead ≤ 1/6 of `gorilla-cookie-signed`'s":                             "PASS",
		"`ours-encrypted` ≤ 25 allocs/op over the floor":                                        "PASS",
		"`ours-signed` ≤ 25 allocs/op over the floor":                                           "FAIL",
		"`ours-flask` overhead ≤ 1/4 of `gorilla-cookie-signed`'s":                              "NOT RUN",
		"`ours-memstore` overhead ≤ 1/6 of `scs-memstore`'s":                                    "NOT RUN",
		"Redis under concurrent load: `ours-redis` ≥ 1.3x the requests/s of `scs-goredisstore`": "PASS",
		"Redis under concurrent load: `ours-redis` p99 latency lower than `scs-goredisstore`'s": "PASS",
	} {
		if got[target] != want {
			t.Errorf("%s: %s, want %s", target, got[target], want)
		}
	}

	slow := []bench.LoadSummary{{Case: "ours-redis", RPS: 1200, P99us: 1100}, {Case: "scs-goredisstore", RPS: 1000, P99us: 1000}}
	for _, v := range loadTargets(slow) {
		if v.status != "FAIL" {
			t.Errorf("%s: %s with 1.2x and a higher p99, want FAIL", v.target, v.status)
		}
	}
	if v := roundTripTarget("--- FAIL: TestRedisRoundTrips (0.1s)"); v.status != "FAIL" {
		t.Errorf("failed round-trip test: %s", v.status)
	}
}

// threePasses is three interleaved passes in which ours-memstore's
// overhead is 1/8, 1/5 and 1/6.1 of scs's: the medians meet 1/6, one
// pass does not.
const threePasses = `BenchmarkRequest/floor-2 	1	1000 ns/op
BenchmarkRequest/scs-memstore-2 	1	49000 ns/op
BenchmarkRequest/ours-memstore-2 	1	7000 ns/op
BenchmarkRequest/floor-2 	1	1000 ns/op
BenchmarkRequest/scs-memstore-2 	1	51000 ns/op
BenchmarkRequest/ours-memstore-2 	1	11000 ns/op
BenchmarkRequest/floor-2 	1	1000 ns/op
BenchmarkRequest/scs-memstore-2 	1	50000 ns/op
BenchmarkRequest/ours-memstore-2 	1	9000 ns/op
`

func TestVerdictsSayHowOftenAPassMetTheTarget(t *testing.T) {
	res, err := parseBench(strings.NewReader(threePasses))
	if err != nil {
		t.Fatal(err)
	}
	v := res.ratioTarget("ours-memstore", "scs-memstore", 6)
	if v.status != "PASS" || !strings.HasSuffix(v.have, "; per pass 1/5.0 to 1/8.0, met in 2 of 3") {
		t.Errorf("%s: %s, want PASS with the spread of the three passes", v.status, v.have)
	}
	load := []bench.LoadSummary{
		{Case: "ours-redis", RPS: 1320, P99us: 900, RoundRPS: []float64{1250, 1400}},
		{Case: "scs-goredisstore", RPS: 1000, P99us: 1000, RoundRPS: []float64{1000, 1000}},
	}
	if v := loadTargets(load)[0]; v.status != "PASS" || !strings.HasSuffix(v.have, "; per round 1.25x to 1.40x, met in 1 of 2") {
		t.Errorf("%s: %s, want PASS with the spread of the two rounds", v.status, v.have)
	}
	load[1].RoundRPS = load[1].RoundRPS[:1] // rounds that do not pair up: no spread
	if v := loadTargets(load)[0]; strings.Contains(v.have, "per round") {
		t.Errorf("unpaired rounds: %s", v.have)
	}
}

func TestRunWritesResults(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "bench.txt")
	if err := os.WriteFile(in, []byte(sampleOutput), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "RESULTS.md")
	if err := run(in, "", "", "", "", "0.5s", out); err != nil {
		t.Fatal(err)
	}
	md, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"| ours-encrypted | 12,000 | 10,000 | 1/4.8 | 1/5.4 | 3,920 | 30 | 19 | 159 |",
		"| ours-mysql | skipped: bench: service unavailable",
		"3 runs of each benchmark",
		"**NOT RUN**",
	} {
		if !bytes.Contains(md, []byte(want)) {
			t.Errorf("RESULTS.md lacks %q:\n%s", want, md)
		}
	}
}

func TestFormatting(t *testing.T) {
	for v, want := range map[float64]string{0: "0", 999: "999", 1000: "1,000", 1234567: "1,234,567", -4200: "-4,200"} {
		if got := grouped(v); got != want {
			t.Errorf("grouped(%v) = %q, want %q", v, got, want)
		}
	}
	for r, want := range map[float64]string{0.125: "1/8.0", 1: "1.0×", 2.5: "2.5×", 0.97: "1.0×"} {
		if got := fraction(r); got != want {
			t.Errorf("fraction(%v) = %q, want %q", r, got, want)
		}
	}
}
