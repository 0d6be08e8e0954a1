#!/usr/bin/env python3
"""The scaling curve: what a whole `klaxon run` costs as the work grows.

    python3 Benchmarks/scaling.py                  # every size (20M rows needs ~4 GB of disk, minutes)
    python3 Benchmarks/scaling.py --sizes quick    # the sizes that finish in a few minutes
    python3 Benchmarks/scaling.py --only clickhouse

Builds the release binary (`swift build -c release --product klaxon`), then
measures whole processes, as cron runs them:

- raw CSV: a first run over a day's export (Benchmarks/generate.py) at 1M, 5M
  and 20M rows with 10,000 customers, and at 1M rows with 100,000 and 300,000
  customers; then a second run over the same state (nothing new) for the
  state's load and save;
- the ClickHouse path at a simulated 100M, 500M and 1B CDRs a day: Debian's
  clickhouse-server on loopback holds ONE synthetic CDR per active customer
  per minute (10,000 / 50,000 / 100,000 customers, 300 carriers, every
  customer active every minute), so the pull's answer has as many rows
  (company-minutes, both roles) as the real volume would give; ClickHouse's
  own scan of the real CDRs is the database's work, not measured here. The
  job's alerts have 1h windows, so the first run pulls 60 minutes and the
  next (an hour later, the next hour inserted) 75 (60 + `late` 15m).

Reports wall time and peak memory of each process, the run report's steps
(load, ingest or pull, evaluate, commit = save), and the state file's size;
writes Benchmarks/scaling-results.md and Benchmarks/scaling.png (matplotlib).
Data goes to Benchmarks/data/scaling/ (git-ignored) and /dev/shm.
"""
import argparse
import datetime as dt
import json
import os
import random
import shutil
import subprocess
import sys
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
DATA = os.path.join(HERE, "data", "scaling")
KLAXON = os.path.join(ROOT, ".build", "release", "klaxon")
PEAK = os.path.join(ROOT, "Tests", "Support", "peak_rss.py")
NOW = "2026-11-27T00:00:00Z"


def sh(argv, **kw):
    return subprocess.run(argv, check=True, **kw)


def measure(argv, log):
    """Runs argv through peak_rss.py: (exit status, wall seconds, peak RSS MiB)."""
    start = time.monotonic()
    out = subprocess.run([sys.executable, PEAK, log] + argv, check=True, capture_output=True, text=True).stdout.split()
    return int(out[0]), time.monotonic() - start, int(out[1]) / 1024


def run_klaxon(job, now, tag, report):
    shm = f"/dev/shm/klaxon-scaling-{os.getpid()}"
    shutil.rmtree(shm, ignore_errors=True)
    status, wall, rss = measure([KLAXON, "run", job, "--now", now, "--quiet", "--deliver-to", shm, "--report", report],
                                os.path.join(DATA, f"{tag}.log"))
    shutil.rmtree(shm, ignore_errors=True)
    r = json.load(open(report))
    t = r.get("timings", {})
    return {"status": status, "wall": wall, "rss": rss, "load": t.get("loadMilliseconds", 0),
            "ingest": t.get("ingestMilliseconds", 0), "evaluate": t.get("evaluateMilliseconds", 0),
            "commit": t.get("commitMilliseconds", 0), "rows": r.get("rows", {}).get("folded", 0)}


def state_size(folder):
    path = os.path.join(folder, "state")
    return os.path.getsize(path) / 1e6 if os.path.exists(path) else 0.0


def raw_csv(rows, customers):
    out = os.path.join(DATA, f"csv-{rows}-{customers}")
    if not os.path.exists(os.path.join(out, "jobs", "full.json5")):
        sh([sys.executable, os.path.join(HERE, "generate.py"), "--rows", str(rows), "--customers", str(customers), "--out", out],
           stdout=subprocess.DEVNULL)
    shutil.rmtree(os.path.join(out, "state"), ignore_errors=True)
    job = os.path.join(out, "jobs", "full.json5")
    first = run_klaxon(job, NOW, f"csv-{rows}-{customers}-1", os.path.join(out, "report-1.json"))
    again = run_klaxon(job, NOW, f"csv-{rows}-{customers}-2", os.path.join(out, "report-2.json"))
    # Only the hourly files are needed by the other benchmark; keep the disk small.
    shutil.rmtree(os.path.join(out, "cdrs-hourly"), ignore_errors=True)
    return {"path": "raw CSV", "size": f"{rows / 1e6:g}M rows, {customers // 1000}k customers", "x": rows,
            "first": first, "again": again, "state_mb": state_size(os.path.join(out, "state", "full"))}


class Server:
    """Debian's clickhouse-server on free loopback ports, data in a temporary folder."""

    def __init__(self, folder):
        import socket
        self.folder = folder
        shutil.rmtree(folder, ignore_errors=True)
        os.makedirs(folder)
        ports = []
        for _ in range(2):
            s = socket.socket()
            s.bind(("127.0.0.1", 0))
            ports.append(s.getsockname()[1])
            s.close()
        self.url = f"http://127.0.0.1:{ports[0]}"
        with open(os.path.join(folder, "config.xml"), "w") as f:
            f.write(f"""<?xml version="1.0"?><yandex>
<logger><level>warning</level><log>{folder}/server.log</log><errorlog>{folder}/error.log</errorlog><console>0</console></logger>
<listen_host>127.0.0.1</listen_host><http_port>{ports[0]}</http_port><tcp_port>{ports[1]}</tcp_port>
<path>{folder}/data/</path><tmp_path>{folder}/tmp/</tmp_path><user_files_path>{folder}/user_files/</user_files_path>
<format_schema_path>{folder}/format_schemas/</format_schema_path><mark_cache_size>5368709</mark_cache_size>
<users><default><password></password><networks><ip>127.0.0.1</ip></networks><profile>default</profile><quota>default</quota></default></users>
<profiles><default><max_threads>2</max_threads></default></profiles><quotas><default></default></quotas>
<default_profile>default</default_profile><default_database>default</default_database><timezone>UTC</timezone></yandex>""")
        self.process = subprocess.Popen(["/usr/sbin/clickhouse-server", f"--config-file={folder}/config.xml"],
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        sh([sys.executable, os.path.join(ROOT, "Tests", "Support", "clickhouse.py"), "ping", self.url, "60"])
        self.post("CREATE DATABASE cdr")
        self.post("""CREATE TABLE cdr.cdr (dt DateTime, callid String, customer_id String, provider_id String,
            dest_number String, duration UInt32, sip_code UInt16, pdd Nullable(UInt32), customer_charge Float64,
            provider_charge Float64) ENGINE = MergeTree() PARTITION BY toYYYYMMDD(dt) ORDER BY (dt, customer_id)""")

    def post(self, sql, body=None):
        url = self.url + "/" + ("?query=" + urllib.parse.quote(sql) if body is not None else "")
        req = urllib.request.Request(url, data=body if body is not None else sql.encode(), method="POST")
        with urllib.request.urlopen(req, timeout=600) as r:
            return r.read()

    def insert_minutes(self, customers, carriers, start, minutes, rng):
        """One CDR per customer per minute of [start, start + minutes)."""
        def chunks():
            for m in range(minutes):
                t = start + dt.timedelta(minutes=m)
                lines = []
                for c in range(customers):
                    answered = rng.random() < 0.6
                    lines.append(f"{(t + dt.timedelta(seconds=rng.randrange(60))):%Y-%m-%d %H:%M:%S}\tx\t{100001 + c}\t"
                                 f"{900001 + rng.randrange(carriers)}\t44\t{rng.randrange(1, 300) if answered else 0}\t"
                                 f"{200 if answered else 486}\t{rng.randrange(500, 3000)}\t"
                                 f"{'0.0100' if answered else '0'}\t{'0.0050' if answered else '0'}\n")
                yield "".join(lines).encode()
        self.post("INSERT INTO cdr.cdr FORMAT TabSeparated", b"".join(chunks()))

    def stop(self):
        self.process.kill()
        self.process.wait()
        shutil.rmtree(self.folder, ignore_errors=True)


def clickhouse(per_day, customers, carriers=300):
    out = os.path.join(DATA, f"ch-{per_day}")
    shutil.rmtree(out, ignore_errors=True)
    os.makedirs(os.path.join(out, "balances"))
    with open(os.path.join(out, "balances", "balances.csv"), "w") as f:
        f.write("id,name,type,credit\n")
        f.writelines(f"{100001 + c},Customer {c},customer,{(c * 37) % 500}\n" for c in range(customers))
        f.writelines(f"{900001 + p},Carrier {p},carrier,0\n" for p in range(carriers))
    server = Server(f"/dev/shm/klaxon-scaling-ch-{os.getpid()}")
    try:
        rng = random.Random(per_day)
        now = dt.datetime(2026, 11, 27, tzinfo=dt.timezone.utc)
        server.insert_minutes(customers, carriers, now - dt.timedelta(minutes=60), 60, rng)
        to = ["noc@example-telecom.example"]
        job = {"name": "bench-ch", "interval": "1h", "state": "state",
               "inputs": {"balances": {"path": "balances", "settle": "0s"},
                          "cdrs": {"clickhouse": {"url": server.url, "timeout": "10m", "max_answer_mb": 4096}, "late": "15m"}},
               "email": {"url": "smtp://127.0.0.1:2525", "from": "noc@example-telecom.example"},
               "alerts": [
                   {"title": "Low Balance", "scope": {"type": "customer"}, "to": to, "area": "balance", "operator": "<", "threshold": 10},
                   {"title": "Low ASR", "scope": {"type": "customer"}, "to": to, "area": "asr", "operator": "<", "threshold": 30,
                    "sample_period": "1h", "min_calls": 20},
                   {"title": "Spend", "scope": {"type": "customer"}, "to": to, "area": "spend", "operator": ">", "threshold": 500, "sample_period": "1h"},
                   {"title": "Carrier ASR", "scope": {"type": "carrier"}, "to": to, "area": "asr", "operator": "<", "threshold": 25,
                    "sample_period": "1h", "min_calls": 20}]}
        path = os.path.join(out, "job.json5")
        json.dump(job, open(path, "w"), indent=1)
        first = run_klaxon(path, NOW, f"ch-{per_day}-1", os.path.join(out, "report-1.json"))
        server.insert_minutes(customers, carriers, now, 60, rng)
        again = run_klaxon(path, "2026-11-27T01:00:00Z", f"ch-{per_day}-2", os.path.join(out, "report-2.json"))
    finally:
        server.stop()
    return {"path": "ClickHouse pull", "size": f"{per_day / 1e6:g}M CDRs/day, {customers // 1000}k customers", "x": per_day,
            "first": first, "again": again, "state_mb": state_size(os.path.join(out, "state"))}


def table(results, load):
    lines = [f"Machine load average before the session: {load}", "",
             "| path | size | first run wall | peak RSS | rows folded | pull/ingest | evaluate | save (commit) | state | next run wall | load | next pull/ingest | save |",
             "|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in results:
        a, b = r["first"], r["again"]
        lines.append(f"| {r['path']} | {r['size']} | {a['wall']:.2f} s | {a['rss']:.0f} MB | {a['rows']:,} | {a['ingest']} ms | "
                     f"{a['evaluate']} ms | {a['commit']} ms | {r['state_mb']:.1f} MB | {b['wall']:.2f} s | {b['load']} ms | "
                     f"{b['ingest']} ms | {b['commit']} ms |")
    return "\n".join(lines) + "\n"


def plot(results, path):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, axes = plt.subplots(1, 2, figsize=(12, 4.5))
    groups = [("raw CSV, 10k customers", [r for r in results if r["path"] == "raw CSV" and "10k customers" in r["size"]], "rows in the day's export"),
              ("ClickHouse pull", [r for r in results if r["path"] == "ClickHouse pull"], "simulated CDRs a day")]
    for ax, (title, rs, xlabel) in zip(axes, groups):
        if not rs:
            ax.set_title(title + " (not run)")
            continue
        xs = [r["x"] for r in rs]
        for key, label in (("wall", "first run, wall s"),):
            ax.plot(xs, [r["first"][key] for r in rs], "o-", label=label)
        ax.plot(xs, [r["first"]["ingest"] / 1000 for r in rs], "s--", label="ingest / pull s")
        ax.plot(xs, [r["first"]["evaluate"] / 1000 for r in rs], "^--", label="evaluate s")
        ax.plot(xs, [(r["again"]["load"] + r["again"]["commit"]) / 1000 for r in rs], "d:", label="state load + save s")
        ax.set_xscale("log")
        ax.set_xlabel(xlabel)
        ax.set_ylabel("seconds")
        ax.set_title(title)
        ax.grid(True, alpha=0.3)
        ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=100)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", choices=["quick", "all"], default="all")
    ap.add_argument("--only", choices=["csv", "clickhouse"])
    args = ap.parse_args()
    os.makedirs(DATA, exist_ok=True)
    sh(["swift", "build", "-c", "release", "--product", "klaxon"], cwd=ROOT)
    load = open("/proc/loadavg").read().split()[:3]
    csv_sizes = [(1_000_000, 10_000), (5_000_000, 10_000), (20_000_000, 10_000), (1_000_000, 100_000), (1_000_000, 300_000)]
    ch_sizes = [(100_000_000, 10_000), (500_000_000, 50_000), (1_000_000_000, 100_000)]
    if args.sizes == "quick":
        csv_sizes = [(1_000_000, 10_000), (5_000_000, 10_000), (1_000_000, 100_000)]
        ch_sizes = [(100_000_000, 10_000), (500_000_000, 50_000)]
    results = []
    plan = ([("csv", size) for size in csv_sizes] if args.only != "clickhouse" else []) \
        + ([("clickhouse", size) for size in ch_sizes] if args.only != "csv" else [])
    # Cheapest first, so that a session cut short has measured the most sizes.
    plan.sort(key=lambda p: p[1][0] * (1 + p[1][1] / 50_000) if p[0] == "csv" else p[1][1] * 150)
    for kind, size in plan:
        results.append(raw_csv(*size) if kind == "csv" else clickhouse(*size))
        # Written after every size, so that a session cut short still leaves its table and plot.
        text = table(results, " ".join(load))
        with open(os.path.join(HERE, "scaling-results.md"), "w") as f:
            f.write(text)
        plot(results, os.path.join(HERE, "scaling.png"))
        print(text.splitlines()[-1], flush=True)
    print(text)


if __name__ == "__main__":
    import urllib.parse
    main()
