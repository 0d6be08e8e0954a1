#!/usr/bin/env python3
"""Does a new binary decide, send and keep exactly what an old one did? Runs both on the
uniform workload and compares what they leave, byte for byte.

    python3 Benchmarks/same_results.py --binary .build/release/klaxon --baseline /tmp/klaxon-old [--data DIR]

For the uniform workload's (a) first run and (c) hourly run, each with the
eight-alert job and the six-alert one (`-six`), both binaries run on the
same input (each (c) on a 23-hour state made by that binary); then:

- every message written by `--deliver-to`: the same file names, the same bytes;
- the state file (`STATE/state`), byte for byte;
- the run report without its timings: files, rows, per-alert counts, every
  decision with its value, every notification.

Exits 1 on any difference and names the first ones. The data is the
uniform workload (Benchmarks/data/uniform/, written by uniform_generate.py
if missing); `--data Benchmarks/data/uniform-300k` is the smaller one of
instructions.py.
"""
import argparse
import filecmp
import json
import os
import shutil
import subprocess
import sys

import benchlib

HERE = benchlib.HERE
NOW, NOW_23 = "2026-11-27T00:00:00Z", "2026-11-26T23:00:00Z"


def leave(binary, data, job, now, state, start_from, keep):
    """One run of `job`; copies what it left (messages, state file, report) into `keep`."""
    out, report = os.path.join(keep, "out"), os.path.join(keep, "report.json")
    os.makedirs(keep, exist_ok=True)
    benchlib.klaxon_run(binary, os.path.join(data, "jobs", job), now, state, out, report, start_from=start_from)
    shutil.copyfile(os.path.join(state, "state"), os.path.join(keep, "state"))


def differences(old, new):
    found = []
    a, b = sorted(os.listdir(os.path.join(old, "out"))), sorted(os.listdir(os.path.join(new, "out")))
    if a != b:
        found.append(f"messages: {len(a)} files before, {len(b)} after; "
                     f"only before: {sorted(set(a) - set(b))[:3]}, only after: {sorted(set(b) - set(a))[:3]}")
    for name in sorted(set(a) & set(b)):
        if not filecmp.cmp(os.path.join(old, "out", name), os.path.join(new, "out", name), shallow=False):
            found.append(f"message {name} differs")
    if not filecmp.cmp(os.path.join(old, "state"), os.path.join(new, "state"), shallow=False):
        found.append(f"state file differs ({os.path.getsize(os.path.join(old, 'state')):,} bytes before, "
                     f"{os.path.getsize(os.path.join(new, 'state')):,} after)")
    ra, rb = (json.load(open(os.path.join(d, "report.json"))) for d in (old, new))
    for r in (ra, rb):
        r.pop("timings", None)
    for key in sorted(set(ra) | set(rb)):
        if ra.get(key) != rb.get(key):
            found.append(f"run report `{key}` differs")
    return found


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    benchlib.binary_arg(ap)
    ap.add_argument("--baseline", required=True, help="the old klaxon binary")
    ap.add_argument("--data", default=os.path.join(HERE, "data", "uniform"))
    ap.add_argument("--quick", action="store_true", help="ignored: the comparison is one run each")
    ap.add_argument("--repeat", type=int, default=1, help="ignored")
    args = ap.parse_args()
    binaries = {"before": benchlib.check_binary(args.baseline), "after": benchlib.check_binary(args.binary)}
    data = args.data
    if not os.path.exists(os.path.join(data, "jobs", "hourly-24-six.json5")):
        subprocess.run([sys.executable, os.path.join(HERE, "uniform_generate.py"), "--out", data], check=True)
    scratch = benchlib.scratch("klaxon-same-")
    states = os.path.join(data, "state")
    lines = [f"same results — {benchlib.machine()}; {binaries['after']} against {binaries['before']}; {data}", "",
             "| run | messages | state | differences |", "|---|---|---|---|"]
    failed = False
    try:
        for v in ("", "-six"):
            for side, binary in binaries.items():
                base = os.path.join(scratch, side, f"base{v}")
                leave(binary, data, f"hourly-23{v}.json5", NOW_23, os.path.join(states, f"hourly-base{v}"), None,
                      os.path.join(scratch, side, f"make-base{v}"))
                shutil.copytree(os.path.join(states, f"hourly-base{v}"), base)
                leave(binary, data, f"full{v}.json5", NOW, os.path.join(states, f"full{v}"), None,
                      os.path.join(scratch, side, f"a{v}"))
                leave(binary, data, f"hourly-24{v}.json5", NOW, os.path.join(states, f"hourly{v}"), base,
                      os.path.join(scratch, side, f"c{v}"))
            for run in (f"base{v}", f"a{v}", f"c{v}"):
                name = run.replace("base", "make-base")
                old, new = os.path.join(scratch, "before", name), os.path.join(scratch, "after", name)
                found = differences(old, new)
                failed |= bool(found)
                label = {"make-base": "23 hourly files (the (c) base)", "a": "(a) first run", "c": "(c) hourly run"}[
                    name.replace(v, "") if v else name]
                lines.append(f"| {label}{' — six alerts' if v else ''} | {len(os.listdir(os.path.join(new, 'out'))):,} | "
                             f"{os.path.getsize(os.path.join(new, 'state')) / 1e6:.1f} MB | "
                             + ("none" if not found else "; ".join(found[:5]) + (f" (+{len(found) - 5} more)" if len(found) > 5 else ""))
                             + " |")
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    lines += ["", "The same messages, state and decisions." if not failed else "DIFFERENCES: see the table."]
    print("\n".join(lines))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
