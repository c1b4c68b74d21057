#!/usr/bin/env bash
# run.sh: the side-by-side comparison. Runs BenchmarkRequest
# COUNT times (interleaved: every case once per pass, so drift hits all rows
# alike), benchstat, the Redis round-trip test and the load test, then the
# scale comparison (BenchmarkScale and BenchmarkPrimitive, COUNT
# interleaved passes, and BenchmarkStoredSession), and writes RESULTS.md
# with cmd/report. Bounded: about 5-6 minutes.
#
#   ./run.sh                       # COUNT=6 BENCHTIME=0.5s SCALE_BENCHTIME=0.2s
#   COUNT=3 BENCHTIME=0.2s ./run.sh
#   PROFILE=1 ./run.sh             # also CPU/allocation profiles of ours in profiles/
#   LOAD_FLAGS="-clients 32 -duration 3s" ./run.sh   # see go run ./cmd/load -help
#
# Needs Redis, PostgreSQL and MariaDB where the root module's tests find
# them; a case whose service is missing shows as skipped.
set -euo pipefail
cd "$(dirname "$0")"

COUNT="${COUNT:-6}"
BENCHTIME="${BENCHTIME:-0.5s}"
SCALE_BENCHTIME="${SCALE_BENCHTIME:-0.2s}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

benchstat="$(command -v benchstat || true)"
if [[ -z "$benchstat" ]]; then
	bindir="$(go env GOBIN)"
	benchstat="${bindir:-$(go env GOPATH)/bin}/benchstat"
	[[ -x "$benchstat" ]] || go install golang.org/x/perf/cmd/benchstat@latest
fi

echo "== building the benchmarks"
go test -c -o "$work/bench.test" .

for i in $(seq "$COUNT"); do
	echo "== BenchmarkRequest, pass $i of $COUNT"
	"$work/bench.test" -test.run '^$' -test.bench '^BenchmarkRequest$' -test.benchmem \
		-test.benchtime "$BENCHTIME" -test.count 1 | tee -a "$work/bench.txt"
done
(cd "$work" && "$benchstat" bench.txt >benchstat.txt) # the column is named after the file

echo "== Redis round trips"
"$work/bench.test" -test.run '^TestRedisRoundTrips$' -test.v -test.count 1 >"$work/roundtrip.txt" 2>&1 || true
cat "$work/roundtrip.txt"

echo "== load test"
# shellcheck disable=SC2086 # LOAD_FLAGS is a list of flags
go run ./cmd/load ${LOAD_FLAGS:-} -json "$work/load.json" || echo "run.sh: the load test failed; see above"

for i in $(seq "$COUNT"); do
	echo "== BenchmarkScale and BenchmarkPrimitive, pass $i of $COUNT"
	"$work/bench.test" -test.run '^$' -test.bench '^(BenchmarkScale|BenchmarkPrimitive)$' -test.benchmem \
		-test.benchtime "$SCALE_BENCHTIME" -test.count 1 | tee -a "$work/scale.txt"
done
echo "== BenchmarkStoredSession"
"$work/bench.test" -test.run '^$' -test.bench '^BenchmarkStoredSession$' -test.benchtime 3x -test.count 1 | tee -a "$work/scale.txt"
(cd "$work" && "$benchstat" scale.txt >>benchstat.txt)

if [[ -n "${PROFILE:-}" ]]; then
	echo "== profiles (profiles/)"
	mkdir -p profiles
	for c in ours-encrypted ours-memstore; do
		"$work/bench.test" -test.run '^$' -test.bench "^BenchmarkRequest/$c\$" -test.benchmem -test.benchtime 2s \
			-test.cpuprofile "profiles/$c.cpu" -test.memprofile "profiles/$c.mem" >/dev/null
		go tool pprof -top -nodecount 25 "$work/bench.test" "profiles/$c.cpu" >"profiles/$c.cpu.txt" 2>/dev/null
		go tool pprof -top -nodecount 25 -sample_index alloc_objects "$work/bench.test" "profiles/$c.mem" >"profiles/$c.allocs.txt" 2>/dev/null
	done
fi

go run ./cmd/report -bench "$work/bench.txt" -benchstat "$work/benchstat.txt" \
	-roundtrip "$work/roundtrip.txt" -load "$work/load.json" -scale "$work/scale.txt" -benchtime "$BENCHTIME" -o RESULTS.md
echo "== wrote RESULTS.md"

# The hot session: 32 writers on one session, every store of ours and the
# peers, in one run; its table goes at the end of RESULTS.md as printed.
echo "== hot session (go run ./cmd/load -hot)"
hot_flags="${HOT_FLAGS:--duration 3s -rounds 2}"
# shellcheck disable=SC2086 # HOT_FLAGS is a list of flags
go run ./cmd/load -hot $hot_flags >"$work/hot.txt"
{
	printf '\n## Hot session: 32 writers, one session\n\n'
	printf 'Each of 32 clients sets its own key in one shared session as fast as it can, over loopback HTTP (`go run ./cmd/load -hot %s`). lost: keys missing at the end; doubled: Update counts above the requests that made them; non-2xx: failed requests.\n\n```\n' "$hot_flags"
	cat "$work/hot.txt"
	printf '```\n'
} >>RESULTS.md
echo "== appended the hot session to RESULTS.md"
