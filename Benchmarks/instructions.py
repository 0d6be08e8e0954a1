#!/usr/bin/env python3
"""Instruction counts of whole `klaxon run`s under callgrind: a measure that does not
depend on what else the machine is doing, for comparing two binaries on a busy machine.

    python3 Benchmarks/instructions.py [--binary .build/release/klaxon] [--baseline OLD_BINARY] [--quick]

Each run is one process under `valgrind --tool=callgrind` (instructions
executed, all threads, "Collected" in callgrind's summary); two runs of the
same binary on the same input differ by ~0.2% (the threads' scheduling), so
one run each is enough for changes larger than that:

- uniform (a) / (c): the uniform workload (uniform_generate.py) at 300,000 rows
  in Benchmarks/data/uniform-300k/, the job with its fraud alerts: the first
  run over the day's file, and the hourly run of the 24th hour on the state
  of the first 23 (made natively, untimed);
- companies next: the hourly run with no new data on the state of a first
  run at 100,000 companies (companies.py's data, 2M rows; made natively) —
  the state's load, evaluation of 300,000 instances and save. Left out with --quick.

With --baseline, both binaries run on each input and the table gives new ÷ old.
"""
import argparse
import os
import re
import shutil
import subprocess
import sys

import benchlib
import companies

HERE = benchlib.HERE
NOW, NOW_23, NEXT = "2026-11-27T00:00:00Z", "2026-11-26T23:00:00Z", "2026-11-27T01:00:00Z"
ROWS = 300_000


def callgrind(binary, job, now, state, start_from, scratch):
    shutil.rmtree(state, ignore_errors=True)
    if start_from:
        shutil.copytree(start_from, state)
    out = os.path.join(scratch, "out")
    shutil.rmtree(out, ignore_errors=True)
    proc = subprocess.run(["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null",
                           binary, "run", job, "--now", now, "--deliver-to", out, "--quiet"],
                          capture_output=True, text=True)
    found = re.search(r"Collected\s*:\s*(\d+)", proc.stderr)
    if proc.returncode not in (0, 2) or not found:
        sys.exit(f"callgrind of {binary} {job} failed ({proc.returncode}):\n{proc.stderr[-2000:]}")
    return int(found.group(1))


def native(binary, job, now, state, scratch, start_from=None):
    """A run not measured: the state another run starts from."""
    benchlib.klaxon_run(binary, job, now, state, os.path.join(scratch, "out"), os.path.join(scratch, "r.json"),
                        start_from=start_from)


def cases(binary, quick, only, scratch):
    """(name, job, now, state folder, state to start from) per measured run, after making the start states."""
    found = uniform_cases(binary, scratch) if only in (None, "uniform") else []
    if not quick and only in (None, "companies"):
        folder, job = companies.prepare(os.path.join(HERE, "data", "companies"), 100_000)
        base = os.path.join(folder, "state.callgrind-base")
        native(binary, job, NOW, os.path.join(folder, "state"), scratch)
        shutil.rmtree(base, ignore_errors=True)
        shutil.copytree(os.path.join(folder, "state"), base)
        # companies.json5 names ../state; the measured run works on a copy of the first run's state there.
        found.append(("companies next run, 100k companies", job, NEXT, os.path.join(folder, "state"), base))
    return found


def uniform_cases(binary, scratch):
    data = os.path.join(HERE, "data", "uniform-300k")
    if not os.path.exists(os.path.join(data, "jobs", "hourly-24.json5")):
        subprocess.run([sys.executable, os.path.join(HERE, "uniform_generate.py"), "--rows", str(ROWS), "--out", data],
                       check=True, stdout=subprocess.DEVNULL)
    jobs, states = os.path.join(data, "jobs"), os.path.join(data, "state")
    native(binary, os.path.join(jobs, "hourly-23.json5"), NOW_23, os.path.join(states, "hourly-base"), scratch)
    return [("uniform (a) first run, 300k rows", os.path.join(jobs, "full.json5"), NOW, os.path.join(states, "full"), None),
            ("uniform (c) hourly, 24th hour", os.path.join(jobs, "hourly-24.json5"), NOW, os.path.join(states, "hourly"),
             os.path.join(states, "hourly-base"))]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    benchlib.binary_arg(ap)
    ap.add_argument("--baseline", help="an older klaxon binary to compare with")
    ap.add_argument("--quick", action="store_true", help="the uniform runs only")
    ap.add_argument("--only", choices=["uniform", "companies"], help="one of the two inputs")
    ap.add_argument("--repeat", type=int, default=1, help="ignored: instruction counts do not need repeating")
    args = ap.parse_args()
    if not shutil.which("valgrind"):
        sys.exit("valgrind is not installed (Debian: apt-get install valgrind)")
    binary = benchlib.check_binary(args.binary)
    baseline = benchlib.check_binary(args.baseline) if args.baseline else None
    scratch = benchlib.scratch("klaxon-callgrind-")
    head = f"instructions (callgrind) — {benchlib.machine()}; binary {binary}" + (f"; baseline {baseline}" if baseline else "")
    counts = {}
    try:
        # Each binary makes its own start states: a state it wrote is what it reads in production.
        for which in [binary] + ([baseline] if baseline else []):
            for name, job, now, state, start in cases(which, args.quick, args.only, scratch):
                counts[(which, name)] = callgrind(which, job, now, state, start, scratch)
                print(f"{which}: {name}: {counts[(which, name)]:,}", file=sys.stderr, flush=True)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    rows = [(name, n, counts.get((baseline, name))) for (which, name), n in counts.items() if which == binary]
    lines = [head, "", "| run | instructions | baseline | new ÷ baseline |", "|---|---|---|---|"]
    for name, new, old in rows:
        lines.append(f"| {name} | {new / 1e9:.3f} G | " + (f"{old / 1e9:.3f} G | **{new / old:.2f}×** |" if old else "– | – |"))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
