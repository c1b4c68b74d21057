package main

import (
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/websession/session/bench"
)

// scaleResults are the runs of BenchmarkScale, BenchmarkPrimitive and
// BenchmarkStoredSession, read from one file.
type scaleResults struct {
	scale, primitive, stored *results
}

// parseScale reads the file run.sh writes with the three benchmarks'
// output appended.
func parseScale(name string) (*scaleResults, error) {
	var sr scaleResults
	for _, x := range []struct {
		dst    **results
		prefix string
	}{{&sr.scale, "BenchmarkScale/"}, {&sr.primitive, "BenchmarkPrimitive/"}, {&sr.stored, "BenchmarkStoredSession/"}} {
		f, err := os.Open(name)
		if err != nil {
			return nil, err
		}
		*x.dst, err = parsePrefix(f, x.prefix)
		f.Close()
		if err != nil {
			return nil, err
		}
	}
	return &sr, nil
}

// overheadIn returns the median ns/op of shape/kind/name minus that of
// shape/kind/floor.
func (res *results) overheadIn(prefix, name string) (float64, bool) {
	floor, ok1 := res.find(prefix + "floor").median(ns)
	v, ok2 := res.find(prefix + name).median(ns)
	return v - floor, ok1 && ok2
}

const scaleMethod = `Each row is one request cycle as above, with a session of the given size: ` + "`user_id`" + ` plus
small values (an int, a short string or a three-int list in turn) under k01, k02, ..., and for the last
size a 2,048-byte string under ` + "`note`" + `. A read request gets ` + "`user_id`" + `; a write request also sets it to
another value, so it changes one key. Overhead is ns/op minus the ` + "`floor`" + ` of the same size and kind, in the
same run; the ratio divides ours by gorilla's CookieStore with AES-256 (its cookie limit raised to 8,192
bytes for the 2 KB session) and by scs with its memstore. A read request of gorilla calls no Save, and scs
writes nothing for an unmodified session.`

// writeScale renders the scale section and returns its verdicts.
func writeScale(w io.Writer, sr *scaleResults) {
	fmt.Fprintf(w, "\n## Scale: cost as the session grows\n\n%s\n\n", scaleMethod)
	fmt.Fprintf(w, "| session | request | ours encrypted | gorilla encrypted | ratio | ours memstore | scs memstore | ratio | allocs over floor, ours enc / mem | cookie B, ours / gorilla |\n")
	fmt.Fprintf(w, "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n")
	res := sr.scale
	var vs []verdict
	for _, sh := range bench.Shapes() {
		for _, kind := range []string{"read", "write"} {
			p := sh.Name + "/" + kind + "/"
			ours, ok1 := res.overheadIn(p, "ours-encrypted")
			gor, ok2 := res.overheadIn(p, "gorilla-cookie-encrypted")
			mem, ok3 := res.overheadIn(p, "ours-memstore")
			scs, ok4 := res.overheadIn(p, "scs-memstore")
			if !(ok1 && ok2 && ok3 && ok4) {
				fmt.Fprintf(w, "| %s | %s | not run | | | | | | | |\n", sh.Name, kind)
				continue
			}
			floorAllocs, _ := res.find(p + "floor").median(allocs)
			ea, _ := res.find(p + "ours-encrypted").median(allocs)
			ma, _ := res.find(p + "ours-memstore").median(allocs)
			oc, _ := res.find(p + "ours-encrypted").median(cookie)
			gc, _ := res.find(p + "gorilla-cookie-encrypted").median(cookie)
			fmt.Fprintf(w, "| %s | %s | %s | %s | %.2f | %s | %s | %.2f | %s / %s | %s / %s |\n", sh.Name, kind,
				grouped(ours), grouped(gor), ours/gor, grouped(mem), grouped(scs), mem/scs,
				grouped(ea-floorAllocs), grouped(ma-floorAllocs), grouped(oc), grouped(gc))
			vs = append(vs,
				verdict{fmt.Sprintf("%s %s: `ours-encrypted` overhead ≤ 1/5 of gorilla's", sh.Name, kind),
					fmt.Sprintf("%s ns vs %s ns = %.2f", grouped(ours), grouped(gor), ours/gor), pass(ours <= gor/5)},
				verdict{fmt.Sprintf("%s %s: `ours-memstore` overhead ≤ 1/5 of scs's", sh.Name, kind),
					fmt.Sprintf("%s ns vs %s ns = %.2f", grouped(mem), grouped(scs), mem/scs), pass(mem <= scs/5)})
		}
	}

	fmt.Fprintf(w, "\nThe primitives a read request with the 2 KB session cannot avoid, as their own benchmarks in the same\n")
	fmt.Fprintf(w, "run: base64url-decoding its cookie, opening it with AES-256-GCM, and one bare pass over JSON of its size\n")
	fmt.Fprintf(w, "(strings and nesting tracked; `json-valid`, encoding/json's validator, is shown for comparison only).\n\n")
	fmt.Fprintf(w, "| primitive | ns/op |\n| --- | ---: |\n")
	sum := 0.0
	for _, r := range sr.primitive.rows {
		v, ok := r.median(ns)
		if !ok {
			continue
		}
		fmt.Fprintf(w, "| %s | %s |\n", r.name, grouped(v))
		if !strings.HasPrefix(r.name, "json-valid") {
			sum += v
		}
	}
	if read, ok := res.overheadIn("10keys+2KB/read/", "ours-encrypted"); ok && sum > 0 {
		fmt.Fprintf(w, "| sum (without json-valid) | %s |\n", grouped(sum))
		vs = append(vs, verdict{"10keys+2KB read: `ours-encrypted` overhead ≤ 2× the sum of its primitives",
			fmt.Sprintf("%s ns vs %s ns = %.2f×", grouped(read), grouped(sum), read/sum), pass(read <= 2*sum)})
	}

	fmt.Fprintf(w, "\n| target | this run | |\n| --- | --- | --- |\n")
	for _, v := range vs {
		fmt.Fprintf(w, "| %s | %s | **%s** |\n", v.target, v.have, v.status)
	}

	fmt.Fprintf(w, "\nHeap one stored session costs (`BenchmarkStoredSession`: the live heap's growth, after garbage\n")
	fmt.Fprintf(w, "collection, over %d sessions stored in one app, per session, record and index included):\n\n", 2000)
	fmt.Fprintf(w, "| session | ours memstore B/session | scs memstore B/session |\n| --- | ---: | ---: |\n")
	for _, sh := range bench.Shapes() {
		o, ok1 := sr.stored.find(sh.Name + "/ours-memstore").median(perSession)
		s, ok2 := sr.stored.find(sh.Name + "/scs-memstore").median(perSession)
		if !ok1 || !ok2 {
			fmt.Fprintf(w, "| %s | not run | |\n", sh.Name)
			continue
		}
		fmt.Fprintf(w, "| %s | %s | %s |\n", sh.Name, grouped(o), grouped(s))
	}
}
