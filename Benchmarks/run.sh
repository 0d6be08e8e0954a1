#!/usr/bin/env bash
# The whole benchmark in one command: installs DuckDB and numpy if missing,
# builds the release binary, writes the reference workload (once) and measures.
#   bash Benchmarks/run.sh [--repeat N]
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -c 'import duckdb, numpy' >/dev/null 2>&1 || python3 -m pip install --quiet --disable-pip-version-check duckdb numpy
exec python3 Benchmarks/bench.py "$@"
