// Command report turns the output of bench/run.sh into RESULTS.md: the
// request-cycle table (medians of ns/op, overhead over the floor, ratios
// to gorilla/sessions and scs, B/op, allocs/op, cookie bytes), the
// targets with PASS or FAIL, the Redis round-trip test's log,
// the load test's results, the scale comparison (with
// -scale) and benchstat's table.
//
//	go run ./cmd/report -bench bench.txt -benchstat benchstat.txt \
//		-roundtrip roundtrip.txt -load load.json -scale scale.txt -o RESULTS.md
//
// Only -bench is required; a missing input shows as "not run".
package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"os"
	"runtime"
	"strings"
	"time"

	"github.com/websession/session/bench"
)

func main() {
	benchFile := flag.String("bench", "", "`go test -bench` output of BenchmarkRequest, several runs appended (required)")
	benchstatFile := flag.String("benchstat", "", "benchstat's output for the same runs")
	roundTripFile := flag.String("roundtrip", "", "`go test -v -run TestRedisRoundTrips` output")
	loadFile := flag.String("load", "", "JSON written by cmd/load -json")
	scaleFile := flag.String("scale", "", "`go test -bench` output of BenchmarkScale, BenchmarkPrimitive and BenchmarkStoredSession")
	benchtime := flag.String("benchtime", "?", "the -benchtime of the runs, for the text")
	out := flag.String("o", "RESULTS.md", "the Markdown file to write")
	flag.Parse()
	if err := run(*benchFile, *benchstatFile, *roundTripFile, *loadFile, *scaleFile, *benchtime, *out); err != nil {
		fmt.Fprintln(os.Stderr, "report:", err)
		os.Exit(1)
	}
}

func run(benchFile, benchstatFile, roundTripFile, loadFile, scaleFile, benchtime, out string) error {
	if benchFile == "" {
		return errors.New("-bench is required")
	}
	f, err := os.Open(benchFile)
	if err != nil {
		return err
	}
	defer f.Close()
	res, err := parseBench(f)
	if err != nil {
		return err
	}
	if res.find("floor") == nil {
		return errors.New(benchFile + " has no BenchmarkRequest/floor results")
	}
	loadJSON := readOptional(loadFile)
	sums, err := parseLoad([]byte(loadJSON))
	if err != nil {
		return err
	}
	rp := &report{
		machine: machine{
			date:      time.Now().UTC().Format("2006-01-02 15:04 UTC"),
			cpu:       res.header["cpu"],
			platform:  res.header["goos"] + "/" + res.header["goarch"],
			goVersion: runtime.Version(),
			kernel:    strings.TrimSpace(readOptional("/proc/sys/kernel/osrelease")),
			cpus:      runtime.NumCPU(),
			runs:      len(res.find("floor").samples),
			benchtime: benchtime,
		},
		res:       res,
		verdicts:  verdicts(res, readOptional(roundTripFile), sums),
		roundTrip: readOptional(roundTripFile),
		load:      sums,
		benchstat: readOptional(benchstatFile),
	}
	if scaleFile != "" {
		if rp.scale, err = parseScale(scaleFile); err != nil {
			return err
		}
	}
	var buf bytes.Buffer
	rp.write(&buf)
	if err := os.WriteFile(out, buf.Bytes(), 0o644); err != nil {
		return err
	}
	for _, v := range rp.verdicts {
		fmt.Printf("%-8s %s: %s\n", v.status, v.target, v.have)
	}
	return nil
}

// verdicts checks every target against this run.
func verdicts(res *results, roundTrip string, load []bench.LoadSummary) []verdict {
	vs := []verdict{
		res.ratioTarget("ours-encrypted", "gorilla-cookie-encrypted", 6),
		res.ratioTarget("ours-signed", "gorilla-cookie-signed", 6),
		res.allocTarget("ours-encrypted", 25),
		res.allocTarget("ours-signed", 25),
		res.ratioTarget("ours-flask", "gorilla-cookie-signed", 4),
		res.ratioTarget("ours-memstore", "scs-memstore", 6),
		roundTripTarget(roundTrip),
	}
	return append(vs, loadTargets(load)...)
}

// readOptional returns the file's text, or "" when name is empty or the
// file cannot be read.
func readOptional(name string) string {
	if name == "" {
		return ""
	}
	b, err := os.ReadFile(name)
	if err != nil {
		return ""
	}
	return string(b)
}
