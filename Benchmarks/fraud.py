#!/usr/bin/env python3
"""The cost of docs/behaviour.md "Destinations, fraud rules and baselines" alerts on the reference workload: the same first run
(a) and hourly run (c) as bench.py, with and without per-destination alerts.

    python3 Benchmarks/generate.py [--rows N]       # once, as for bench.py
    swift build -c release --product klaxon
    python3 Benchmarks/fraud.py [--repeat 3] [--data Benchmarks/data] [--klaxon .build/release/klaxon]

It writes, next to the workload, a destination table of a few thousand
prefixes (the shipped E.164 excerpt, each country code with sub-ranges) with
a high-risk group of ~250 prefixes, and three variants of each job:

- plain: the benchmark's five alerts;
- destinations: plus three alerts over the high-risk group (calls per minute,
  concurrent calls with levels, spend against the previous 24 hours);
- per-call: plus sequential calls by customer, which logs every call.

It prints wall time, CPU, peak RSS and the state file's size, medians.
"""
import argparse
import csv
import json
import os
import shutil
import statistics
import subprocess
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
NOW = "2026-11-27T00:00:00Z"
NOW_23 = "2026-11-26T23:00:00Z"


def write_table(path):
    rows = list(csv.reader(open(os.path.join(ROOT, "fixtures/destinations/prefixes.csv"))))[1:]
    prefixes = {r[0] for r in rows}
    out = [["prefix", "name", "group"]]
    for prefix, name, group in rows:
        out.append([prefix, name, group])
        # High-risk destinations get four numbered sub-ranges, the others ten: ~2,600 prefixes.
        for d in range(4 if group else 10):
            sub = prefix + str(d)
            if sub not in prefixes:
                out.append([sub, f"{name} {d}", group])
    with open(path, "w", newline="") as f:
        csv.writer(f).writerows(out)
    return len(out) - 1, sum(1 for r in out[1:] if r[2])


FRAUD = [
    {"title": "High-risk calls per minute", "scope": {"type": "customer"}, "to": ["noc@example-telecom.example"],
     "by": "destination", "destinations": ["group:high_risk"],
     "area": "calls_per_minute", "operator": ">", "threshold": 30, "sample_period": "1h"},
    {"title": "High-risk concurrent calls", "scope": {"type": "customer"}, "to": ["noc@example-telecom.example"],
     "by": "destination", "destinations": ["group:high_risk"],
     "area": "concurrent_calls", "operator": ">=", "levels": {"warning": 10, "critical": 50}, "sample_period": "1h"},
    {"title": "High-risk spend against the last day", "scope": {"type": "customer"}, "to": ["noc@example-telecom.example"],
     "by": "destination", "destinations": ["group:high_risk"],
     "area": "spend", "operator": ">", "threshold": 10, "sample_period": "1h",
     "baseline": {"of": "hour", "weeks": 1, "stat": "mean"}, "min_baseline": 1},
]
PER_CALL = [
    {"title": "Sequential calls", "scope": {"type": "customer"}, "to": ["noc@example-telecom.example"],
     "area": "sequential_calls", "operator": ">=", "threshold": 20, "sample_period": "1h"},
]


def write_jobs(data):
    for name in ["full", "hourly-23", "hourly-24"]:
        job = json.load(open(os.path.join(data, "jobs", f"{name}.json5")))
        for variant, extra in [("destinations", FRAUD), ("per-call", FRAUD + PER_CALL)]:
            v = dict(job)
            v["name"] = f"{job['name']}-{variant}"
            v["state"] = f"{job['state']}-{variant}"
            v["destinations"] = {"file": "../destinations/prefixes-bench.csv"}
            v["alerts"] = job["alerts"] + extra
            json.dump(v, open(os.path.join(data, "jobs", f"{name}-{variant}.json5"), "w"), indent=2)


def measure(argv):
    start = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    err = proc.stderr.read().decode(errors="replace")
    code = os.waitstatus_to_exitcode(status)
    if code not in (0, 2):
        raise SystemExit(f"{' '.join(argv)} failed ({code}):\n{err}")
    return {"wall": wall, "cpu": usage.ru_utime + usage.ru_stime, "rss": usage.ru_maxrss / 1024.0}


def state_size(folder):
    return os.path.getsize(os.path.join(folder, "state")) / 1e6


def run(klaxon, data, scratch, job, now, start_from=None):
    spec = json.load(open(os.path.join(data, "jobs", job)))
    state = os.path.normpath(os.path.join(data, "jobs", spec["state"]))
    shutil.rmtree(state, ignore_errors=True)
    if start_from:
        shutil.copytree(start_from, state)
    os.sync()
    out = tempfile.mkdtemp(dir=scratch)
    m = measure([klaxon, "run", os.path.join(data, "jobs", job), "--now", now, "--deliver-to", out, "--quiet"])
    m["state"] = state_size(state)
    return m, state


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", default=os.path.join(HERE, "data"))
    ap.add_argument("--klaxon", default=os.path.join(ROOT, ".build", "release", "klaxon"))
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    os.makedirs(os.path.join(args.data, "destinations"), exist_ok=True)
    count, risky = write_table(os.path.join(args.data, "destinations", "prefixes-bench.csv"))
    write_jobs(args.data)
    print(f"destination table: {count} prefixes, {risky} in high_risk; load average {os.getloadavg()[0]:.1f}")
    scratch = tempfile.mkdtemp(prefix="klaxon-fraud-bench-", dir="/dev/shm" if os.path.isdir("/dev/shm") else None)
    results = {}
    for variant in ["", "-destinations", "-per-call"]:
        # The hourly base: the first 23 hours, untimed.
        _, base = run(args.klaxon, args.data, scratch, f"hourly-23{variant}.json5", NOW_23)
        kept = base + ".base"
        shutil.rmtree(kept, ignore_errors=True)
        shutil.copytree(base, kept)
        a, c = [], []
        for _ in range(args.repeat):
            a.append(run(args.klaxon, args.data, scratch, f"full{variant}.json5", NOW)[0])
            c.append(run(args.klaxon, args.data, scratch, f"hourly-24{variant}.json5", NOW, start_from=kept)[0])
        results[variant or "plain"] = {k: {f: statistics.median(r[f] for r in runs) for f in runs[0]} for k, runs in [("a", a), ("c", c)]}
    shutil.rmtree(scratch, ignore_errors=True)
    print(f"load average after: {os.getloadavg()[0]:.1f}")
    print("| job | (a) wall | (a) CPU | (a) peak RSS | (a) state | (c) wall | (c) CPU | (c) peak RSS | (c) state |")
    print("|---|---|---|---|---|---|---|---|---|")
    for name, r in results.items():
        a, c = r["a"], r["c"]
        print(f"| {name.lstrip('-')} | {a['wall']:.2f} s | {a['cpu']:.2f} s | {a['rss']:.0f} MB | {a['state']:.1f} MB "
              f"| {c['wall']:.2f} s | {c['cpu']:.2f} s | {c['rss']:.0f} MB | {c['state']:.1f} MB |")


if __name__ == "__main__":
    main()
