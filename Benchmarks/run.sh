#!/usr/bin/env bash
# The benchmarks in one command: installs DuckDB, chdb and numpy if missing,
# builds the release binary (unless --binary is given), writes the workloads
# (once) and measures.
#   bash Benchmarks/run.sh [--repeat N] [--binary PATH]   the reference workload (bench.py)
#   bash Benchmarks/run.sh --suite uniform|companies|delivery|all [--binary PATH] [--quick] [--repeat N]
#   bash Benchmarks/run.sh --suite instructions [--binary PATH] [--baseline OLD] [--quick]   (callgrind; not in all)
#   bash Benchmarks/run.sh --suite same_results --baseline OLD [--binary PATH]   (byte-for-byte results; not in all)
# A suite prints its tables and writes them, with the load average, into
# Benchmarks/data/results-<suite>-<UTC time>.md.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -c 'import duckdb, numpy, chdb, aiosmtpd' >/dev/null 2>&1 ||
  python3 -m pip install --quiet --disable-pip-version-check duckdb numpy chdb aiosmtpd

suite="" binary="" rest=()
while (($#)); do
  case "$1" in
    --suite) suite="$2"; shift 2 ;;
    --binary) binary="$2"; shift 2 ;;
    *) rest+=("$1"); shift ;;
  esac
done
if [[ -z "$suite" ]]; then
  exec python3 Benchmarks/bench.py ${binary:+--binary "$binary"} "${rest[@]}"
fi
if [[ -z "$binary" ]]; then
  swift build -c release --product klaxon
  binary=.build/release/klaxon
fi
case "$suite" in
  all) suites=(uniform companies delivery) ;;
  uniform|companies|delivery|instructions|same_results) suites=("$suite") ;;
  *) echo "run.sh: --suite must be uniform, companies, delivery, instructions, same_results or all, not '$suite'" >&2; exit 1 ;;
esac
if [[ "$suite" == instructions ]] && ! command -v valgrind >/dev/null; then
  apt-get install -y -qq valgrind >&2 || { echo "run.sh: the instructions suite needs valgrind (Debian: apt-get install valgrind)" >&2; exit 1; }
fi
mkdir -p Benchmarks/data
results="Benchmarks/data/results-$suite-$(date -u +%Y%m%dT%H%M).md"
status=0
for s in "${suites[@]}"; do
  echo "== $s ($(date -u +%H:%M:%S) UTC, load $(cut -d' ' -f1-3 /proc/loadavg))" >&2
  python3 "Benchmarks/$s.py" --binary "$binary" "${rest[@]}" | tee -a "$results" || status=1
  echo >>"$results"
done
echo "tables written to $results" >&2
exit "$status"
