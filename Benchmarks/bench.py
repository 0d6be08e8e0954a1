#!/usr/bin/env python3
"""Measures Klaxon against DuckDB on the reference workload (docs/behaviour.md "Performance"), as
whole processes, side by side in one session.

    bash Benchmarks/run.sh            # installs duckdb, builds, generates, measures
    python3 Benchmarks/bench.py [--repeat 5] [--skip-build | --binary PATH]

(a) a first `klaxon run` over the whole day's file (fresh state) against
    DuckDB computing the same per-company 1h and 24h metrics from it;
(c) the hourly incremental run — the 24th hour's file on top of a state
    holding the first 23 — against DuckDB recomputing from all 24 files.

Each measurement is one child process; wall time from the parent, CPU time
(user + sys) and peak RSS from the child's rusage (wait4). Runs alternate
Klaxon/DuckDB so that a noisy neighbour hurts both; medians are reported.
Messages go to a scratch folder (`--deliver-to`), so nothing is sent.
"""
import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
DATA = os.path.join(HERE, "data")
KLAXON = os.path.join(ROOT, ".build", "release", "klaxon")
NOW = "2026-11-27T00:00:00Z"
NOW_23 = "2026-11-26T23:00:00Z"
FULL = os.path.join(DATA, "cdrs-full", "cdrs-2026-11-26.csv")


def measure(argv, cwd=None):
    """Runs argv; returns wall s, cpu s, peak RSS MB, and the exit code."""
    start = time.perf_counter()
    proc = subprocess.Popen(argv, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    err = proc.stderr.read().decode(errors="replace")
    proc.stderr.close()
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode not in (0, 2):
        sys.exit(f"{' '.join(argv)} failed ({proc.returncode}):\n{err}")
    return {"wall": wall, "cpu": usage.ru_utime + usage.ru_stime, "rss": usage.ru_maxrss / 1024.0}


def klaxon_run(scratch, job, state, now, start_from=None):
    """One measured `klaxon run` of `job` on a fresh copy of `start_from` (or an
    empty state); the run report is added to the measurement."""
    state = os.path.join(DATA, "state", state)
    shutil.rmtree(state, ignore_errors=True)
    if start_from:
        shutil.copytree(os.path.join(DATA, "state", start_from), state)
    os.sync()  # so that earlier writeback does not land inside the measured run
    out = tempfile.mkdtemp(dir=scratch)
    report = os.path.join(scratch, "report.json")
    m = measure([KLAXON, "run", os.path.join(DATA, "jobs", job), "--now", now,
                 "--deliver-to", out, "--report", report, "--quiet"])
    m["report"] = json.load(open(report))
    return m


def klaxon_full(scratch):
    return klaxon_run(scratch, "full.json5", "full", NOW)


def prepare_hourly_base(scratch):
    """The state after the runs of the first 23 hours (not timed)."""
    klaxon_run(scratch, "hourly-23.json5", "hourly-base", NOW_23)


def klaxon_hourly(scratch):
    return klaxon_run(scratch, "hourly-24.json5", "hourly", NOW, start_from="hourly-base")


def duckdb(files):
    return measure([sys.executable, os.path.join(HERE, "duckdb_metrics.py"), "--now", NOW, *files])


def median(runs, key):
    return statistics.median(r[key] for r in runs)


def summarize(name, ours, theirs, size_mb):
    rows = []
    for key, unit in (("wall", "s"), ("cpu", "s"), ("rss", "MB")):
        a, b = median(ours, key), median(theirs, key)
        rows.append(f"| {name} | {key} | {a:.3f} {unit} | {b:.3f} {unit} | {a / b:.2f}× |")
    rows.append(f"| {name} | throughput | {size_mb / median(ours, 'wall'):.0f} MB/s | "
                f"{size_mb / median(theirs, 'wall'):.0f} MB/s | |")
    return rows


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--skip-build", action="store_true")
    ap.add_argument("--binary", help="the klaxon binary to measure (then nothing is built)")
    args = ap.parse_args()
    global KLAXON
    if args.binary:
        KLAXON = os.path.abspath(args.binary)
    elif not args.skip_build:
        subprocess.run(["swift", "build", "-c", "release", "--product", "klaxon"], cwd=ROOT, check=True)
    if not os.path.exists(FULL):
        subprocess.run([sys.executable, os.path.join(HERE, "generate.py")], check=True)
    hourly = sorted(os.path.join(DATA, "drop-24", f) for f in os.listdir(os.path.join(DATA, "drop-24")))
    full_mb = os.path.getsize(FULL) / 1e6
    last_mb = os.path.getsize(hourly[-1]) / 1e6
    # Messages are written into a scratch folder in memory where there is one:
    # the delivery files are not what is measured (the state still goes to disk).
    scratch = tempfile.mkdtemp(prefix="klaxon-bench-", dir="/dev/shm" if os.path.isdir("/dev/shm") else None)
    try:
        prepare_hourly_base(scratch)
        # Warm the page cache for both sides.
        for f in [FULL, *hourly]:
            with open(f, "rb") as fh:
                while fh.read(1 << 24):
                    pass
        a_k, a_d, c_k, c_d = [], [], [], []
        for i in range(args.repeat):
            a_k.append(klaxon_full(scratch))
            a_d.append(duckdb([FULL]))
            c_k.append(klaxon_hourly(scratch))
            c_d.append(duckdb(hourly))
            print(f"round {i + 1}: (a) klaxon {a_k[-1]['wall']:.2f}s duckdb {a_d[-1]['wall']:.2f}s; "
                  f"(c) klaxon {c_k[-1]['wall']:.2f}s duckdb {c_d[-1]['wall']:.2f}s", file=sys.stderr)
        print(f"machine: {platform.node()}, {os.cpu_count()} cores, {platform.machine()}, "
              f"{platform.platform()}; {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; "
              f"median of {args.repeat}; load average before: {os.getloadavg()}")
        print("| run | measure | klaxon | duckdb | klaxon ÷ duckdb |")
        print("|---|---|---|---|---|")
        for line in summarize("(a) first run, 5M rows", a_k, a_d, full_mb) + \
                summarize("(c) hourly, 24th hour", c_k, c_d, full_mb):
            print(line)
        print(f"klaxon (a) parse throughput (ingest step only): "
              f"{full_mb / (statistics.median(r['report']['timings']['ingestMilliseconds'] for r in a_k) / 1000):.0f} MB/s; "
              f"(c) reads {last_mb:.1f} MB")
        for label, runs in (("(a)", a_k), ("(c)", c_k)):
            keys = runs[0]["report"]["timings"].keys()
            timings = {k: statistics.median(r["report"]["timings"][k] for r in runs) for k in keys}
            print(f"klaxon {label} timings (median ms): {json.dumps(timings)}")
        state = os.path.join(DATA, "state", "hourly", "state")
        print(f"state file for the reference workload: {os.path.getsize(state) / 1e6:.1f} MB")
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
