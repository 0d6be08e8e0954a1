#!/usr/bin/env python3
"""Writes the second benchmark workload, "uniform", into Benchmarks/data/uniform/ (git-ignored).

    python3 Benchmarks/uniform_generate.py [--rows 5000000] [--customers 10000] [--carriers 300] [--out DIR]

Deterministic for a given seed and size. Unlike the reference workload
(generate.py, Zipf-like), every customer and every carrier carries the same
share of the traffic, spread evenly over 2026-11-26 UTC: 500 calls per
customer a day, ~21 an hour, so every customer's windows are busy and every
alert instance is evaluated on real numbers. Called numbers start with a
prefix of fixtures/destinations/prefixes.csv (1 call in 20 to its high_risk
group). It writes:

- cdrs-full/cdrs-2026-11-26.csv and cdrs-hourly/ (24 hourly exports), drop-23/
  and drop-24/ (hard links of the first 23 / all 24 hourly files);
- balances/balances-2026-11-26T2300.csv: every customer and carrier, a tenth
  of the customers tagged `watched`;
- destinations/prefixes.csv: the shipped numbering plan;
- jobs/full.json5, jobs/hourly-23.json5, jobs/hourly-24.json5: the job over
  the whole file and the hourly job over the first 23 / all 24 files; the
  same with "-six" (full-six.json5…): the six company alerts without the
  fraud alerts and the destination table.

The job has six alerts over customers and carriers (10,000 x 4 + 300 x 2 =
40,600 instances) and two fraud alerts: calls per minute by destination over
the high_risk group (every customer), and concurrent calls of the watched
customers. The thresholds are set so that the first run over the day fires
~1,450 alerts (one message each).
"""
import argparse
import datetime as dt
import json
import os
import shutil

import numpy as np

from generate import link_hourly_drops

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
DAY = dt.datetime(2026, 11, 26, tzinfo=dt.timezone.utc)
HEADER = "dt,callid,customer_id,provider_id,dest_number,duration,sip_code,pdd,customer_charge,provider_charge\n"
PREFIXES = os.path.join(ROOT, "fixtures", "destinations", "prefixes.csv")
FAIL_CODES = np.array([487, 486, 480, 503, 404, 408, 403, 603, 500, 502, 302, 488, 484])
FAIL_WEIGHTS = np.array([30, 15, 15, 10, 8, 5, 5, 4, 3, 2, 1, 1, 1], dtype=float)
# Customers that pump a high-risk destination in the last hour: bursts of calls in one minute.
PUMPERS = 40
BURST = 8


def customer_id(i):
    return str(200001 + i)


def carrier_id(j):
    return str(800001 + j)


def read_prefixes():
    rows = [line.rstrip("\n").split(",") for line in open(PREFIXES)][1:]
    normal = [r[0] for r in rows if len(r) < 3 or not r[2]]
    risky = [r[0] for r in rows if len(r) >= 3 and r[2]]
    return normal, risky


def numbers(prefixes, choice, rng):
    """A 12-digit number under each chosen prefix."""
    tails = rng.integers(10**10, 10**11, len(choice))
    return [(p + str(tail))[:12] for p, tail in zip((prefixes[c] for c in choice), tails)]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rows", type=int, default=5_000_000)
    ap.add_argument("--customers", type=int, default=10_000)
    ap.add_argument("--carriers", type=int, default=300)
    ap.add_argument("--seed", type=int, default=20261201)
    ap.add_argument("--out", default=os.path.join(HERE, "data", "uniform"))
    args = ap.parse_args()
    rng = np.random.default_rng(args.seed)
    n, nc, np_ = args.rows, args.customers, args.carriers
    for sub in ("cdrs-full", "cdrs-hourly", "balances", "jobs", "destinations"):
        os.makedirs(os.path.join(args.out, sub), exist_ok=True)
    shutil.copyfile(PREFIXES, os.path.join(args.out, "destinations", "prefixes.csv"))

    cust_asr = np.clip(rng.normal(0.55, 0.07, nc), 0.05, 0.95)
    bad = rng.random(nc) < 0.03
    cust_asr[bad] *= 0.4
    short = rng.random(nc) < 0.03
    cust_rate = rng.uniform(0.004, 0.12, nc)
    carr_q = np.clip(rng.normal(1.0, 0.06, np_), 0.2, 1.3)
    carr_q[rng.random(np_) < 0.06] *= 0.45
    carr_pdd = np.where(rng.random(np_) < 0.05, 0.6, 0.0)  # a few slow routes
    carr_margin = rng.uniform(0.6, 0.9, np_)

    t = np.sort(rng.integers(0, 86400, n))
    cust = rng.integers(0, nc, n)
    carr = rng.integers(0, np_, n)
    answered = rng.random(n) < cust_asr[cust] * carr_q[carr]
    code = np.where(answered, 200, rng.choice(FAIL_CODES, size=n, p=FAIL_WEIGHTS / FAIL_WEIGHTS.sum()))
    talk = np.exp(rng.normal(4.4, 0.9, n))
    talk = np.where(short[cust], talk * 0.15, talk)
    dur = np.where(answered, np.clip(talk, 1, 7200).astype(np.int64), 0)
    pdd = np.clip(np.exp(rng.normal(7.2 + carr_pdd[carr], 0.4, n)), 80, 30000).astype(np.int64)
    pdd_known = rng.random(n) >= 0.03
    charge = dur / 60.0 * cust_rate[cust]
    cost = charge * carr_margin[carr]
    callid = rng.integers(0, 2**63, n)

    normal, risky = read_prefixes()
    to_risky = rng.random(n) < 0.05
    dest = np.empty(n, dtype=object)
    dest[to_risky] = numbers(risky, rng.integers(0, len(risky), int(to_risky.sum())), rng)
    dest[~to_risky] = numbers(normal, rng.integers(0, len(normal), int((~to_risky).sum())), rng)

    # The pumpers: in the last hour, BURST calls in one minute to one high-risk number, twice.
    last_hour = np.nonzero(t >= 23 * 3600)[0]
    pick = rng.choice(last_hour, size=PUMPERS * BURST * 2, replace=False)
    pumpers = rng.choice(nc, size=PUMPERS, replace=False)
    for k, row in enumerate(sorted(pick)):
        who = k // (BURST * 2)
        cust[row] = pumpers[who]
        dest[row] = risky[who % len(risky)] + "700" + str(1000000 + who)
    # Pumped calls keep their time order: move each pumper's calls into two minutes of its own.
    for who in range(PUMPERS):
        rows = sorted(pick)[who * BURST * 2:(who + 1) * BURST * 2]
        minute = 23 * 60 + 5 + who
        for j, row in enumerate(rows):
            t[row] = minute * 60 + (j % BURST) * 5 + (0 if j < BURST else 60 * 10)
    order = np.argsort(t, kind="stable")
    t, cust, carr, code, dur, pdd, pdd_known, charge, cost, callid, dest = (
        a[order] for a in (t, cust, carr, code, dur, pdd, pdd_known, charge, cost, callid, dest))

    stamps = [(DAY + dt.timedelta(seconds=s)).strftime("%Y-%m-%d %H:%M:%S") for s in range(86400)]
    cust_ids = [customer_id(i) for i in range(nc)]
    carr_ids = [carrier_id(j) for j in range(np_)]
    full = open(os.path.join(args.out, "cdrs-full", "cdrs-2026-11-26.csv"), "w")
    full.write(HEADER)
    hour_ends = np.searchsorted(t, np.arange(1, 25) * 3600)
    start = 0
    for hour, end in enumerate(hour_ends):
        lines = []
        for k in range(start, end):
            pk = str(pdd[k]) if pdd_known[k] else ""
            money = f"{charge[k]:.6f},{cost[k]:.6f}" if dur[k] else "0,0"
            lines.append(f"{stamps[t[k]]},{callid[k]:016x},{cust_ids[cust[k]]},{carr_ids[carr[k]]},"
                         f"{dest[k]},{dur[k]},{code[k]},{pk},{money}\n")
        text = "".join(lines)
        full.write(text)
        with open(os.path.join(args.out, "cdrs-hourly", f"cdrs-2026-11-26T{hour:02d}00.csv"), "w") as f:
            f.write(HEADER + text)
        start = end
    full.close()

    with open(os.path.join(args.out, "balances", "balances-2026-11-26T2300.csv"), "w") as f:
        f.write("id,name,type,status,credit,debit_limit,currency,email,phone,tags\n")
        credit = np.round(np.exp(rng.normal(6.0, 1.4, nc)) - 25, 2)
        for i in range(nc):
            tags = "watched" if i % 10 == 3 else ""
            f.write(f"{cust_ids[i]},Customer {i},customer,active,{credit[i]:.2f},0,USD,"
                    f"billing{i}@customer.example,,{tags}\n")
        for j in range(np_):
            f.write(f"{carr_ids[j]},Carrier {j},carrier,active,0,0,USD,noc{j}@carrier.example,,\n")
    write_jobs(args.out)
    size = os.path.getsize(os.path.join(args.out, "cdrs-full", "cdrs-2026-11-26.csv"))
    print(f"wrote {n} rows ({size / 1e6:.0f} MB), {nc} customers, {np_} carriers into {args.out}")


def alerts():
    to = ["noc@example-telecom.example"]
    return [
        {"title": "Low Balance", "scope": {"type": "customer"}, "to": to,
         "area": "balance", "operator": "<", "threshold": 24, "reset_threshold": 40},
        {"title": "Low ASR", "scope": {"type": "customer"}, "to": to,
         "area": "asr", "operator": "<", "threshold": 25, "reset_threshold": 30,
         "sample_period": "1h", "min_calls": 10},
        {"title": "Spend 24h", "scope": {"type": "customer"}, "to": to,
         "area": "spend", "operator": ">", "threshold": 77, "sample_period": "24h"},
        {"title": "Short calls", "scope": {"type": "customer"}, "to": to,
         "area": "acd", "operator": "<", "threshold": 40, "sample_period": "24h", "min_calls": 50},
        {"title": "Carrier ASR", "scope": {"type": "carrier"}, "to": to,
         "area": "asr", "operator": "<", "threshold": 45, "reset_threshold": 48,
         "sample_period": "1h", "min_calls": 50},
        {"title": "Carrier PDD", "scope": {"type": "carrier"}, "to": to,
         "area": "pdd", "operator": ">", "threshold": 2000, "sample_period": "24h"},
        {"title": "High-risk calls per minute", "scope": {"type": "customer"}, "to": to,
         "by": "destination", "destinations": ["group:high_risk"],
         "area": "calls_per_minute", "operator": ">=", "threshold": 5, "sample_period": "1h"},
        {"title": "Concurrent calls", "scope": {"type": "customer", "tag": "watched"}, "to": to,
         "area": "concurrent_calls", "operator": ">=", "threshold": 4, "sample_period": "1h"},
    ]


def write_jobs(out):
    def job(name, cdrs, state, fraud):
        body = {
            "name": name, "interval": "1h", "state": state,
            "inputs": {
                "balances": {"path": "../balances", "pattern": "*.csv", "settle": "0s"},
                "cdrs": {"path": cdrs, "pattern": "*.csv", "settle": "0s"},
            },
            "email": {"url": "smtp://127.0.0.1:2525", "from": "noc@example-telecom.example"},
            "alerts": alerts() if fraud else alerts()[:6],
        }
        if fraud:
            body["destinations"] = {"file": "../destinations/prefixes.csv"}
        return body
    # Each job twice: with the fraud alerts (the workload) and with the six company alerts only ("-six").
    for suffix, fraud in (("", True), ("-six", False)):
        for name, body in (("full", job("uniform-full", "../cdrs-full", "../state/full", fraud)),
                           ("hourly-23", job("uniform-hourly", "../drop-23", "../state/hourly-base", fraud)),
                           ("hourly-24", job("uniform-hourly", "../drop-24", "../state/hourly", fraud))):
            body["name"] += suffix
            body["state"] += suffix
            with open(os.path.join(out, "jobs", f"{name}{suffix}.json5"), "w") as f:
                json.dump(body, f, indent=2)
    link_hourly_drops(out)


if __name__ == "__main__":
    main()
