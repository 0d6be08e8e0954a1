#!/usr/bin/env python3
"""Delivery throughput: one run's ~1,476 messages, to a folder on disk and over SMTP.

    python3 Benchmarks/delivery.py [--binary .build/release/klaxon] [--messages 1476] [--repeat 3] [--quick]

The workload is a balance snapshot of N customers, every one below the Low
Balance threshold, and a job with that one alert: a fresh state's run fires
N alerts, one e-mail each, so the run is mostly its delivery. Per run, the
wall time of the whole process and the run report's deliver step:

(a) `--deliver-to` a folder on disk (Benchmarks/data/delivery/out, the
    disk that holds the repository, not /dev/shm), and the same into /dev/shm
    for comparison (what the disk's syncs cost);
(b) the messages sent over SMTP to a local aiosmtpd (a child process of this
    script, on a free loopback port) that counts the connections it accepts
    and the messages it takes: messages per second over the deliver step and
    over the whole run, connections opened;
(c) the same alerts as SMS (`to` a phone number) to a local HTTP gateway
    (Python's threaded http.server, HTTP/1.1 keep-alive, answering 201), which
    counts connections and requests the same way.
"""
import argparse
import asyncio
import json
import os
import shutil
import socket
import subprocess
import sys
import time

import benchlib

HERE = benchlib.HERE
NOW = "2026-11-27T00:00:00Z"


def write_workload(folder, messages, port, http_port):
    os.makedirs(os.path.join(folder, "balances"), exist_ok=True)
    with open(os.path.join(folder, "balances", "balances.csv"), "w") as f:
        f.write("id,name,type,status,credit,debit_limit,currency,email,phone,tags\n")
        for i in range(messages):
            f.write(f"{300001 + i},Customer {i},customer,active,{(i % 900) / 100:.2f},0,USD,"
                    f"billing{i}@customer.example,,\n")
    def job(name, url, to="noc@example-telecom.example"):
        return {"name": name, "interval": "1h", "state": f"state-{name}",
                "inputs": {"balances": {"path": "balances", "pattern": "*.csv", "settle": "0s"}},
                # A trusted local relay: plain SMTP, as the loopback test server speaks it.
                "email": {"url": url, "from": "noc@example-telecom.example", "starttls": "off"},
                "sms": {"provider": "webhook", "url": f"http://127.0.0.1:{http_port}/sms"},
                "alerts": [{"title": "Low Balance", "scope": {"type": "customer"},
                            "to": [to], "area": "balance", "operator": "<",
                            "threshold": 10, "reset_threshold": 20}]}
    files = {}
    for name, url, to in (("files", "smtp://127.0.0.1:2525", "noc@example-telecom.example"),
                          ("smtp", f"smtp://127.0.0.1:{port}", "noc@example-telecom.example"),
                          ("sms", "smtp://127.0.0.1:2525", "+15550100")):
        files[name] = os.path.join(folder, f"{name}.json5")
        json.dump(job(name, url, to), open(files[name], "w"), indent=1)
    return files


def serve(port, counts):
    """The SMTP server: aiosmtpd, counting connections and messages into `counts` (JSON, rewritten on each)."""
    from aiosmtpd.smtp import SMTP
    tally = {"connections": 0, "messages": 0, "recipients": 0}

    def save():
        tmp = counts + ".tmp"
        with open(tmp, "w") as f:
            json.dump(tally, f)
        os.replace(tmp, counts)

    class Handler:
        async def handle_DATA(self, server, session, envelope):
            tally["messages"] += 1
            tally["recipients"] += len(envelope.rcpt_tos)
            save()
            return "250 2.0.0 OK: queued"

    class Counting(SMTP):
        def connection_made(self, transport):
            tally["connections"] += 1
            save()
            super().connection_made(transport)

    async def main():
        loop = asyncio.get_running_loop()
        server = await loop.create_server(lambda: Counting(Handler(), hostname="bench.local", decode_data=False),
                                          host="127.0.0.1", port=port, reuse_address=True)
        save()
        print("READY", flush=True)
        async with server:
            await server.serve_forever()
    asyncio.run(main())


def serve_http(port, counts):
    """The SMS gateway: http.server with HTTP/1.1 keep-alive, counting connections and requests into `counts`."""
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
    tally = {"connections": 0, "messages": 0}
    lock = threading.Lock()

    def save():
        tmp = counts + ".tmp"
        with open(tmp, "w") as f:
            json.dump(tally, f)
        os.replace(tmp, counts)

    class Gateway(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        # Headers and body go out in two writes: with Nagle's algorithm the second waits for the
        # client's delayed ACK (40 ms) on a kept connection. Gateways in front of SMS APIs send at once.
        disable_nagle_algorithm = True

        def setup(self):
            super().setup()
            with lock:
                tally["connections"] += 1
                save()

        def do_POST(self):
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            with lock:
                tally["messages"] += 1
                save()
            body = b'{"status":"queued"}'
            self.send_response(201)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", port), Gateway)
    server.daemon_threads = True
    save()
    print("READY", flush=True)
    server.serve_forever()


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def run(binary, job, folder, out, report, deliver_to=True):
    state = os.path.join(folder, "state-" + os.path.basename(job).split(".")[0])
    if deliver_to:
        return benchlib.klaxon_run(binary, job, NOW, state, out, report)
    shutil.rmtree(state, ignore_errors=True)
    os.sync()
    m = benchlib.measure([binary, "run", job, "--now", NOW, "--report", report, "--quiet"])
    m["report"] = json.load(open(report))
    return m


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    benchlib.binary_arg(ap)
    ap.add_argument("--messages", type=int, default=1476)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--quick", action="store_true", help="one round")
    ap.add_argument("--data", default=os.path.join(HERE, "data", "delivery"))
    ap.add_argument("--json", help="also write the medians here")
    ap.add_argument("--serve", nargs=2, metavar=("PORT", "COUNTS"), help=argparse.SUPPRESS)
    ap.add_argument("--serve-http", nargs=2, metavar=("PORT", "COUNTS"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.serve:
        serve(int(args.serve[0]), args.serve[1])
        return
    if args.serve_http:
        serve_http(int(args.serve_http[0]), args.serve_http[1])
        return
    binary = benchlib.check_binary(args.binary)
    repeat = 1 if args.quick else args.repeat
    folder = args.data
    shutil.rmtree(folder, ignore_errors=True)
    os.makedirs(folder)
    port, http_port = free_port(), free_port()
    jobs = write_workload(folder, args.messages, port, http_port)
    counts, http_counts = os.path.join(folder, "smtp-counts.json"), os.path.join(folder, "sms-counts.json")
    server = subprocess.Popen([sys.executable, os.path.abspath(__file__), "--serve", str(port), counts],
                              stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    gateway = subprocess.Popen([sys.executable, os.path.abspath(__file__), "--serve-http", str(http_port), http_counts],
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    shm = benchlib.scratch("klaxon-delivery-")
    load_before = benchlib.loadavg()
    disk, mem, smtp, conns, received = [], [], [], [], []
    sms, sms_conns, sms_received = [], [], []
    try:
        if server.stdout.readline().strip() != b"READY":
            sys.exit("the SMTP server did not start")
        if gateway.stdout.readline().strip() != b"READY":
            sys.exit("the SMS gateway did not start")
        disk_out, shm_out = os.path.join(folder, "out"), os.path.join(shm, "out")
        report = os.path.join(shm, "report.json")
        for i in range(repeat):
            disk.append(run(binary, jobs["files"], folder, disk_out, report))
            mem.append(run(binary, jobs["files"], folder, shm_out, report))
            before = json.load(open(counts))
            smtp.append(run(binary, jobs["smtp"], folder, None, report, deliver_to=False))
            after = json.load(open(counts))
            conns.append(after["connections"] - before["connections"])
            received.append(after["messages"] - before["messages"])
            sent = sum(1 for n in smtp[-1]["report"]["notifications"] if n.get("result") == "sent")
            before = json.load(open(http_counts))
            sms.append(run(binary, jobs["sms"], folder, None, report, deliver_to=False))
            after = json.load(open(http_counts))
            sms_conns.append(after["connections"] - before["connections"])
            sms_received.append(after["messages"] - before["messages"])
            print(f"round {i + 1}: disk {disk[-1]['wall']:.2f}s ({disk[-1]['messages']} files), memory "
                  f"{mem[-1]['wall']:.2f}s, smtp {smtp[-1]['wall']:.2f}s ({received[-1]} received, {sent} sent, "
                  f"{conns[-1]} connections), sms {sms[-1]['wall']:.2f}s ({sms_received[-1]} received, "
                  f"{sms_conns[-1]} connections); load {benchlib.loadavg()}", file=sys.stderr)
    finally:
        for child in (server, gateway):
            child.kill()
            child.wait()
        shutil.rmtree(shm, ignore_errors=True)
    text = summarize(disk, mem, smtp, conns, received, (sms, sms_conns, sms_received), repeat, binary, load_before, args.messages)
    print(text)
    if args.json:
        json.dump({"text": text}, open(args.json, "w"), indent=1)


def summarize(disk, mem, smtp, conns, received, sms_runs, repeat, binary, load_before, expected):
    m = benchlib.median
    sms, sms_conns, sms_received = sms_runs
    t_ms = benchlib.timing(sms, "deliverMilliseconds")
    d_ms, s_ms = benchlib.timing(disk, "deliverMilliseconds"), benchlib.timing(smtp, "deliverMilliseconds")
    m_ms = benchlib.timing(mem, "deliverMilliseconds")
    n = disk[-1]["messages"]
    ok = n == expected and all(r == expected for r in received)
    lines = [f"delivery — {benchlib.machine()}; binary {binary}; median of {repeat}; "
             f"load average (1/5/15 min) {load_before} before, {benchlib.loadavg()} after", "",
             "| run | messages | wall | deliver step | messages/s (deliver step) | connections | disk ÷ memory |",
             "|---|---|---|---|---|---|---|",
             f"| (a) `--deliver-to` disk folder | {n:,} | {m(disk, 'wall'):.2f} s | {d_ms:.0f} ms | "
             f"{n / max(d_ms, 1) * 1000:.0f} | – | {m(disk, 'wall') / m(mem, 'wall'):.2f}× wall, "
             f"{d_ms / max(m_ms, 1):.1f}× deliver |",
             f"| `--deliver-to` /dev/shm | {mem[-1]['messages']:,} | {m(mem, 'wall'):.2f} s | {m_ms:.0f} ms | "
             f"{mem[-1]['messages'] / max(m_ms, 1) * 1000:.0f} | – | 1 |",
             f"| (b) SMTP to local aiosmtpd | {received[-1]:,} received | {m(smtp, 'wall'):.2f} s | {s_ms:.0f} ms | "
             f"{received[-1] / max(s_ms, 1) * 1000:.0f} ({received[-1] / m(smtp, 'wall'):.0f} over the whole run) | "
             f"{sorted(conns)[len(conns) // 2]:,} | – |",
             f"| (c) SMS to a local HTTP gateway | {sms_received[-1]:,} received | {m(sms, 'wall'):.2f} s | {t_ms:.0f} ms | "
             f"{sms_received[-1] / max(t_ms, 1) * 1000:.0f} ({sms_received[-1] / m(sms, 'wall'):.0f} over the whole run) | "
             f"{sorted(sms_conns)[len(sms_conns) // 2]:,} | – |",
             "", "Every run delivered all its messages." if ok and all(r == expected for r in sms_received) else
             f"MISMATCH: expected {expected} messages; files {n}, received {received}, SMS received {sms_received}."]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
