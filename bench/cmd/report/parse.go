package main

import (
	"bufio"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
)

// row is one benchmark case: its samples, one per -count run, or the
// reason it was skipped.
type row struct {
	name    string
	samples []sample
	skipped string
}

// sample is one benchmark result line.
type sample struct {
	ns, bytes, allocs, cookie float64
	perSession                float64 // B/session of BenchmarkStoredSession
}

// results is a parsed `go test -bench` output.
type results struct {
	rows   []*row            // in order of first appearance
	header map[string]string // goos, goarch, pkg, cpu
}

// parseBench reads `go test -bench` output of BenchmarkRequest, several
// runs appended, and keeps every sample of every case.
func parseBench(r io.Reader) (*results, error) {
	return parsePrefix(r, "BenchmarkRequest/")
}

// parsePrefix reads the results of the benchmark whose sub-benchmark
// lines start with prefix, such as "BenchmarkScale/"; rows are named
// without it.
func parsePrefix(r io.Reader, prefix string) (*results, error) {
	res := &results{header: map[string]string{}}
	byName := map[string]*row{}
	get := func(name string) *row {
		if byName[name] == nil {
			byName[name] = &row{name: name}
			res.rows = append(res.rows, byName[name])
		}
		return byName[name]
	}
	sc := bufio.NewScanner(r)
	pendingSkip := ""
	for sc.Scan() {
		line := sc.Text()
		if pendingSkip != "" {
			// The reason is the indented line after "--- SKIP".
			reason := strings.TrimSpace(line)
			if _, after, ok := strings.Cut(reason, ": "); ok && strings.HasPrefix(reason, "bench_test.go") {
				reason = after
			}
			get(pendingSkip).skipped = reason
			pendingSkip = ""
			continue
		}
		for _, key := range []string{"goos", "goarch", "pkg", "cpu"} {
			if v, ok := strings.CutPrefix(line, key+": "); ok {
				res.header[key] = v
			}
		}
		if name, ok := strings.CutPrefix(line, "--- SKIP: "+prefix); ok {
			pendingSkip = strings.TrimSpace(name)
			continue
		}
		if !strings.HasPrefix(line, prefix) {
			continue
		}
		fields := strings.Fields(line)
		if len(fields) < 4 {
			continue
		}
		name := trimProcs(strings.TrimPrefix(fields[0], prefix))
		var s sample
		for i := 2; i+1 < len(fields); i += 2 {
			v, err := strconv.ParseFloat(fields[i], 64)
			if err != nil {
				return nil, fmt.Errorf("report: %q: %v", line, err)
			}
			switch fields[i+1] {
			case "ns/op":
				s.ns = v
			case "B/op":
				s.bytes = v
			case "allocs/op":
				s.allocs = v
			case "cookie-B":
				s.cookie = v
			case "B/session":
				s.perSession = v
			}
		}
		get(name).samples = append(get(name).samples, s)
	}
	return res, sc.Err()
}

// trimProcs removes the -GOMAXPROCS suffix go test adds to a name.
func trimProcs(name string) string {
	i := strings.LastIndexByte(name, '-')
	if i < 0 {
		return name
	}
	if _, err := strconv.Atoi(name[i+1:]); err != nil {
		return name
	}
	return name[:i]
}

// find returns the row named name, or nil.
func (res *results) find(name string) *row {
	for _, r := range res.rows {
		if r.name == name {
			return r
		}
	}
	return nil
}

// median returns the median of f over the row's samples; ok is false when
// the row has none.
func (r *row) median(f func(sample) float64) (float64, bool) {
	if r == nil || len(r.samples) == 0 {
		return 0, false
	}
	vs := make([]float64, len(r.samples))
	for i, s := range r.samples {
		vs[i] = f(s)
	}
	slices.Sort(vs)
	n := len(vs)
	if n%2 == 1 {
		return vs[n/2], true
	}
	return (vs[n/2-1] + vs[n/2]) / 2, true
}

func ns(s sample) float64      { return s.ns }
func bytesOp(s sample) float64 { return s.bytes }
func allocs(s sample) float64  { return s.allocs }
func cookie(s sample) float64  { return s.cookie }

func perSession(s sample) float64 { return s.perSession }
