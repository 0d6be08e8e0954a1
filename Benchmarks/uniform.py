#!/usr/bin/env python3
"""The second workload ("uniform", uniform_generate.py) measured against DuckDB and chdb,
and Klaxon's windows checked against DuckDB's.

    python3 Benchmarks/uniform.py [--binary .build/release/klaxon] [--repeat 3] [--quick]

(a) a first `klaxon run` over the day's 5M-row file (fresh state), against
    DuckDB (duckdb_metrics.py) and ClickHouse's engine in process
    (chdb_metrics.py) computing every customer's and carrier's 1h and 24h
    windows from the same file;
(c) the hourly run: the 24th hour's file on top of a state of the first 23
    hours (made once, untimed), against both recomputing from the 24 files.

Whole processes, alternating Klaxon / DuckDB / chdb, medians; wall time from
here, CPU and peak RSS from wait4. Messages go to a folder in /dev/shm.
Then the differential check: every value a decision of the first run carries
(Low ASR, Spend 24h, Short calls, Carrier ASR, Carrier PDD), and every
company's 1h and 24h window in `klaxon report --format csv` of that run's
state, against DuckDB's numbers; and chdb's numbers against DuckDB's.
"""
import argparse
import json
import os
import shutil
import subprocess
import sys

import benchlib
import uniform_check

HERE = benchlib.HERE
NOW = "2026-11-27T00:00:00Z"
NOW_23 = "2026-11-26T23:00:00Z"
# The workload's job (eight alerts), and its six company alerts alone.
VARIANTS = ("", "-six")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    benchlib.binary_arg(ap)
    ap.add_argument("--data", default=os.path.join(HERE, "data", "uniform"))
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--quick", action="store_true", help="one round")
    ap.add_argument("--json", help="also write the medians here")
    args = ap.parse_args()
    binary = benchlib.check_binary(args.binary)
    repeat = 1 if args.quick else args.repeat
    data = args.data
    full = os.path.join(data, "cdrs-full", "cdrs-2026-11-26.csv")
    if not os.path.exists(os.path.join(data, "jobs", "hourly-24.json5")):
        subprocess.run([sys.executable, os.path.join(HERE, "uniform_generate.py"), "--out", data], check=True)
    hourly = sorted(os.path.join(data, "drop-24", f) for f in os.listdir(os.path.join(data, "drop-24")))
    jobs, states = os.path.join(data, "jobs"), os.path.join(data, "state")
    scratch = benchlib.scratch("klaxon-uniform-")
    out, report = os.path.join(scratch, "out"), os.path.join(scratch, "report.json")
    load_before = benchlib.loadavg()
    try:
        for v in VARIANTS:
            benchlib.klaxon_run(binary, os.path.join(jobs, f"hourly-23{v}.json5"), NOW_23,
                                os.path.join(states, f"hourly-base{v}"), out, report)
        benchlib.warm([full, *hourly])
        duck = [sys.executable, os.path.join(HERE, "duckdb_metrics.py"), "--now", NOW]
        ch = [sys.executable, os.path.join(HERE, "chdb_metrics.py"), "--now", NOW]
        runs = {f"{r}_{k}": [] for r in "ac" for k in ("k", "k-six", "d", "c")}
        for i in range(repeat):
            for v in VARIANTS:
                runs[f"a_k{v}"].append(benchlib.klaxon_run(binary, os.path.join(jobs, f"full{v}.json5"), NOW,
                                                           os.path.join(states, f"full{v}"), out, report))
            runs["a_d"].append(benchlib.measure(duck + [full]))
            runs["a_c"].append(benchlib.measure(ch + [full]))
            for v in VARIANTS:
                runs[f"c_k{v}"].append(benchlib.klaxon_run(binary, os.path.join(jobs, f"hourly-24{v}.json5"), NOW,
                                                           os.path.join(states, f"hourly{v}"), out, report,
                                                           start_from=os.path.join(states, f"hourly-base{v}")))
            runs["c_d"].append(benchlib.measure(duck + hourly))
            runs["c_c"].append(benchlib.measure(ch + hourly))
            print(f"round {i + 1}: " + "; ".join(f"{key} {rs[-1]['wall']:.2f}s" for key, rs in runs.items())
                  + f"; load {benchlib.loadavg()}", file=sys.stderr)
        load_after = benchlib.loadavg()
        # The state of the last first run is still in place: check its numbers.
        agreement = uniform_check.check(binary, data, full, runs["a_k"][-1]["report"], scratch)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    result = summarize(runs, os.path.getsize(full) / 1e6, load_before, load_after, repeat, binary, agreement,
                       {v: os.path.getsize(os.path.join(states, f"hourly{v}", "state")) / 1e6 for v in VARIANTS})
    print(result["text"])
    if args.json:
        json.dump(result, open(args.json, "w"), indent=1)
    return 0 if agreement["ok"] else 1


def summarize(runs, size_mb, load_before, load_after, repeat, binary, agreement, state_mb):
    m = benchlib.median
    lines = [f"uniform workload — {benchlib.machine()}; binary {binary}; median of {repeat}; "
             f"load average (1/5/15 min) {load_before} before, {load_after} after", "",
             "Klaxon runs the workload's job (eight alerts: six company alerts and two fraud alerts); "
             "Klaxon (six) the six company alerts alone, the job DuckDB's and chdb's query matches.", "",
             "| run | measure | Klaxon | Klaxon (six) | DuckDB | chdb | Klaxon ÷ DuckDB | Klaxon (six) ÷ DuckDB | Klaxon ÷ chdb |",
             "|---|---|---|---|---|---|---|---|---|"]
    medians = {}
    for run, label in (("a", "(a) first run, 5M rows"), ("c", "(c) hourly, 24th hour")):
        k, k6, d, c = runs[f"{run}_k"], runs[f"{run}_k-six"], runs[f"{run}_d"], runs[f"{run}_c"]
        for key, unit, fmt in (("wall", "s", "{:.2f}"), ("cpu", "s", "{:.2f}"), ("rss", "MB", "{:.0f}")):
            a, a6, b, e = m(k, key), m(k6, key), m(d, key), m(c, key)
            medians[f"{run}_{key}"] = {"klaxon": a, "klaxon_six": a6, "duckdb": b, "chdb": e}
            f = lambda x: f"{fmt.format(x)} {unit}"  # noqa: E731
            lines.append(f"| {label} | {key} | {f(a)} | {f(a6)} | {f(b)} | {f(e)} | **{a / b:.2f}×** | "
                         f"{a6 / b:.2f}× | {a / e:.2f}× |")
    lines.append(f"| (a) | throughput | {size_mb / m(runs['a_k'], 'wall'):.0f} MB/s | "
                 f"{size_mb / m(runs['a_k-six'], 'wall'):.0f} MB/s | {size_mb / m(runs['a_d'], 'wall'):.0f} MB/s | "
                 f"{size_mb / m(runs['a_c'], 'wall'):.0f} MB/s | | | |")
    lines.append("")
    for run in ("a", "c"):
        for v in VARIANTS:
            k = runs[f"{run}_k{v}"]
            steps = {s: benchlib.timing(k, f"{s}Milliseconds")
                     for s in ("load", "ingest", "evaluate", "commit", "deliver", "total")}
            medians[f"{run}{v}_steps"] = steps
            rep = k[-1]["report"]
            evaluated = sum(a["evaluated"] for a in rep["alerts"])
            fired = {a["alert"]: a["fired"] for a in rep["alerts"]}
            lines.append(f"- Klaxon{' (six)' if v else ''} ({run}) steps, median ms: "
                         + ", ".join(f"{s} {x:.0f}" for s, x in steps.items())
                         + (f" (ingest {size_mb / max(steps['ingest'], 1) * 1000:.0f} MB/s)" if run == "a" else "")
                         + f"; {evaluated:,} instances evaluated; {k[-1]['messages']:,} messages; fired: "
                         + ", ".join(f"{t} {n}" for t, n in fired.items()))
            medians[f"{run}{v}_messages"] = k[-1]["messages"]
            medians[f"{run}{v}_evaluated"] = evaluated
    lines.append(f"- State after (c): {state_mb['']:.1f} MB; six company alerts alone {state_mb['-six']:.1f} MB.")
    lines += ["", "Against the issue's targets (the workload's job, eight alerts; in brackets the six alone; "
              "measured ÷ target, ≤ 1 is met):", "", "| target | measured | ratio |", "|---|---|---|"]
    ingest = {v: size_mb / max(medians[f"a{v}_steps"]["ingest"], 1) * 1000 for v in VARIANTS}
    for name, key, target in (("(a) wall ≤ 0.4× DuckDB", "a_wall", 0.4), ("(a) peak RSS ≤ 0.6× DuckDB", "a_rss", 0.6),
                              ("(c) wall ≤ 0.15× DuckDB", "c_wall", 0.15)):
        got = {v: medians[key]["klaxon" + v.replace("-", "_")] / medians[key]["duckdb"] for v in VARIANTS}
        lines.append(f"| {name} | {got['']:.2f}× ({got['-six']:.2f}×) | {got[''] / target:.2f} ({got['-six'] / target:.2f}) |")
    lines.append(f"| ingest ≥ 700 MB/s | {ingest['']:.0f} MB/s ({ingest['-six']:.0f} MB/s) | "
                 f"{700 / max(ingest[''], 1):.2f} ({700 / max(ingest['-six'], 1):.2f}) |")
    lines.append("")
    lines.append("Differential check of (a)'s state and decisions against DuckDB:")
    lines.extend(agreement["lines"])
    return {"text": "\n".join(lines), "medians": medians, "agreement": agreement["ok"]}


if __name__ == "__main__":
    sys.exit(main())
