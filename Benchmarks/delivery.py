#!/usr/bin/env python3
"""Delivery speed: a first run that decides 1,476 low-balance e-mails, written
with --deliver-to into a folder on disk, or sent to the loopback aiosmtpd
(Tests/Support/smtp_server.py), alternating the binaries given, medians.

    python3 Benchmarks/delivery.py --binary OLD --binary NEW [--rounds 5] [--smtp]

Prints each run's delivery time (the report's deliverMilliseconds), its
whole-process wall, user and sys time, the load average, and for --smtp the
connections the server accepted during the run.
"""

import argparse, json, os, resource, shutil, statistics, subprocess, sys, tempfile, time

HERE = os.path.dirname(os.path.abspath(__file__))
MESSAGES = 1476


def write_job(folder, url):
    os.makedirs(os.path.join(folder, "drop/balances"), exist_ok=True)
    os.makedirs(os.path.join(folder, "drop/cdrs"), exist_ok=True)
    snapshot = os.path.join(folder, "drop/balances/b-1.csv")
    with open(snapshot, "w") as f:
        f.write("id,name,type,credit\n")
        for i in range(MESSAGES):
            f.write(f"C{i},Customer {i},customer,5\n")
        f.write("P1,Carrier,carrier,0\n")
    os.utime(snapshot, (1e9, 1e9))
    with open(os.path.join(folder, "job.json5"), "w") as f:
        f.write('{ name: "delivery-bench", state: "state",\n'
                '  inputs: { balances: { path: "drop/balances", settle: "0s" }, cdrs: { path: "drop/cdrs", settle: "0s" } },\n'
                f'  email: {{ url: "{url}", starttls: "off", from: "Klaxon <alerts@klaxon.test>" }},\n'
                '  alerts: [ { title: "Low Balance", scope: { type: "customer" }, to: ["noc@example.test"],'
                ' area: "balance", operator: "<", threshold: 10 } ] }\n')


def run(binary, folder, deliver_to):
    shutil.rmtree(os.path.join(folder, "state"), ignore_errors=True)
    if deliver_to:
        shutil.rmtree(deliver_to, ignore_errors=True)
    report = os.path.join(folder, "report.json")
    args = [binary, "run", "job.json5", "--now", "2026-11-27T01:00:00Z", "--report", report, "--quiet"]
    if deliver_to:
        args += ["--deliver-to", deliver_to]
    started = time.monotonic()
    child = subprocess.Popen(args, cwd=folder)
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.monotonic() - started
    if status != 0:
        sys.exit(f"{binary} exited with status {status}")
    deliver = json.load(open(report))["timings"]["deliverMilliseconds"]
    return deliver, wall, usage.ru_utime, usage.ru_stime


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--binary", action="append", required=True)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--smtp", action="store_true", help="send to aiosmtpd instead of --deliver-to")
    args = parser.parse_args()
    scratch = tempfile.mkdtemp(prefix="klaxon-delivery-bench-", dir=os.getcwd())
    server = None
    url = "smtp://127.0.0.1:25"
    if args.smtp:
        server = subprocess.Popen([sys.executable, os.path.join(HERE, "../Tests/Support/smtp_server.py"),
                                   "--out", os.path.join(scratch, "smtp/out"), "--lifetime", "3600"],
                                  stdout=subprocess.PIPE, text=True)
        url = f"smtp://127.0.0.1:{server.stdout.readline().split()[1]}"
    write_job(scratch, url)
    results = {b: [] for b in args.binary}
    try:
        for _ in range(args.rounds):
            for binary in args.binary:
                log = os.path.join(scratch, "smtp/connections")
                before = sum(1 for _ in open(log)) if os.path.exists(log) else 0
                deliver, wall, user, sys_ = run(binary, scratch, None if args.smtp else os.path.join(scratch, "out"))
                after = sum(1 for _ in open(log)) if os.path.exists(log) else 0
                load = os.getloadavg()[0]
                extra = f" connections {after - before}" if args.smtp else ""
                print(f"{binary}: deliver {deliver} ms, wall {wall:.2f} s, user {user:.2f} s, sys {sys_:.2f} s, load {load:.1f}{extra}", flush=True)
                results[binary].append((deliver, wall))
        for binary, rows in results.items():
            deliver = statistics.median(r[0] for r in rows)
            print(f"median {binary}: deliver {deliver} ms ({MESSAGES / deliver * 1000:.0f} messages/s), wall {statistics.median(r[1] for r in rows):.2f} s")
    finally:
        if server:
            server.terminate()
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
