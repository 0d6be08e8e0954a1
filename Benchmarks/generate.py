#!/usr/bin/env python3
"""Writes the reference workload of docs/behaviour.md "Performance" into Benchmarks/data/ (git-ignored).

    python3 Benchmarks/generate.py [--rows 5000000] [--customers 10000] [--carriers 300]

Deterministic for a given seed and size. It writes:

- cdrs-full/cdrs-2026-11-26.csv: one connexcs CDR export of the whole day
  (2026-11-26 00:00 to 24:00 UTC, in dt order, ~430 MB for 5 million rows);
- cdrs-hourly/cdrs-2026-11-26THH00.csv: the same rows cut into 24 hourly
  exports (each with its header), for the incremental run;
- balances/balances-2026-11-26T2300.csv: a snapshot of every customer and
  carrier, with tags that put customers in the alerts' scopes;
- jobs/full.json5, jobs/hourly-23.json5, jobs/hourly-24.json5: the job over
  the whole file, and the hourly job over the first 23 files / all 24.

Traffic is skewed as in real wholesale VoIP: a few customers and carriers
carry most of the calls (Zipf-like weights), there is a day/night cycle,
answer ratios differ by customer and carrier (some are bad), talk times are
log-normal with some short-call customers, 3% of PDDs are unknown, and only
answered calls are charged.
"""
import argparse
import datetime as dt
import json
import os

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
DAY = dt.datetime(2026, 11, 26, tzinfo=dt.timezone.utc)
HEADER = "dt,callid,customer_id,provider_id,dest_number,duration,sip_code,pdd,customer_charge,provider_charge\n"

FAIL_CODES = np.array([487, 486, 480, 503, 404, 408, 403, 603, 500, 502, 302, 488, 484])
FAIL_WEIGHTS = np.array([30, 15, 15, 10, 8, 5, 5, 4, 3, 2, 1, 1, 1], dtype=float)


def customer_id(i):
    return str(100001 + i)


def carrier_id(j):
    return str(900001 + j)


def zipf_weights(n, s, rng, offset):
    w = 1.0 / (np.arange(n) + offset) ** s
    rng.shuffle(w)
    return w / w.sum()


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rows", type=int, default=5_000_000)
    ap.add_argument("--customers", type=int, default=10_000)
    ap.add_argument("--carriers", type=int, default=300)
    ap.add_argument("--seed", type=int, default=20261126)
    ap.add_argument("--out", default=os.path.join(HERE, "data"))
    args = ap.parse_args()
    rng = np.random.default_rng(args.seed)
    n, nc, np_ = args.rows, args.customers, args.carriers
    for sub in ("cdrs-full", "cdrs-hourly", "balances", "jobs"):
        os.makedirs(os.path.join(args.out, sub), exist_ok=True)

    # Per-company character.
    cust_w = zipf_weights(nc, 0.9, rng, 8)
    carr_w = zipf_weights(np_, 1.0, rng, 3)
    cust_asr = np.clip(rng.normal(0.50, 0.08, nc), 0.05, 0.9)
    bad = rng.random(nc) < 0.04
    cust_asr[bad] *= 0.35                      # a few customers with a bad ASR
    short = rng.random(nc) < 0.03              # and a few sending short calls
    cust_rate = rng.uniform(0.004, 0.12, nc)   # what a minute costs the customer
    carr_q = np.clip(rng.normal(1.0, 0.12, np_), 0.2, 1.3)
    carr_q[rng.random(np_) < 0.05] *= 0.4      # a few bad routes
    carr_margin = rng.uniform(0.6, 0.9, np_)

    # When: a day/night cycle, peak in the afternoon.
    minutes = np.arange(1440)
    shape = 0.25 + np.clip(np.sin((minutes / 60.0 - 7.0) / 14.0 * np.pi), 0, None)
    t = rng.choice(1440, size=n, p=shape / shape.sum()) * 60 + rng.integers(0, 60, n)
    t.sort()

    cust = rng.choice(nc, size=n, p=cust_w)
    carr = rng.choice(np_, size=n, p=carr_w)
    answered = rng.random(n) < cust_asr[cust] * carr_q[carr]
    code = np.where(answered, 200, rng.choice(FAIL_CODES, size=n, p=FAIL_WEIGHTS / FAIL_WEIGHTS.sum()))
    talk = np.exp(rng.normal(4.2, 1.0, n))
    talk = np.where(short[cust], talk * 0.15, talk)
    dur = np.where(answered, np.clip(talk, 1, 7200).astype(np.int64), 0)
    pdd = np.clip(np.exp(rng.normal(7.2, 0.45, n)), 80, 30000).astype(np.int64)
    pdd_known = rng.random(n) >= 0.03
    charge = dur / 60.0 * cust_rate[cust]
    cost = charge * carr_margin[carr]
    callid = rng.integers(0, 2**63, n)
    dest = rng.integers(10**11, 10**12, n)

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
            if dur[k]:
                money = f"{charge[k]:.6f},{cost[k]:.6f}"
            else:
                money = "0,0"
            lines.append(f"{stamps[t[k]]},{callid[k]:016x},{cust_ids[cust[k]]},{carr_ids[carr[k]]},"
                         f"{dest[k]},{dur[k]},{code[k]},{pk},{money}\n")
        text = "".join(lines)
        full.write(text)
        with open(os.path.join(args.out, "cdrs-hourly", f"cdrs-2026-11-26T{hour:02d}00.csv"), "w") as f:
            f.write(HEADER)
            f.write(text)
        start = end
    full.close()

    with open(os.path.join(args.out, "balances", "balances-2026-11-26T2300.csv"), "w") as f:
        f.write("id,name,type,status,credit,debit_limit,currency,email,phone,tags\n")
        credit = np.round(np.exp(rng.normal(5.5, 1.6, nc)) - 30, 2)
        for i in range(nc):
            tags = ["prepaid" if i % 2 == 0 else "postpaid"]
            if i % 4 == 1:
                tags.append("wholesale")
            f.write(f"{cust_ids[i]},Customer {i},customer,active,{credit[i]:.2f},0,USD,"
                    f"billing{i}@customer.example,,{';'.join(tags)}\n")
        for j in range(np_):
            f.write(f"{carr_ids[j]},Carrier {j},carrier,active,0,0,USD,noc{j}@carrier.example,,\n")

    write_jobs(args.out)
    size = os.path.getsize(os.path.join(args.out, "cdrs-full", "cdrs-2026-11-26.csv"))
    print(f"wrote {n} rows ({size / 1e6:.0f} MB), {nc} customers, {np_} carriers into {args.out}")


def alerts():
    """About 10,000 instances: 5,000 prepaid + 2,500 wholesale x 2 + 300 carriers x 2."""
    to = ["noc@example-telecom.example"]
    return [
        {"title": "Low Balance", "scope": {"type": "customer", "tag": "prepaid"}, "to": to,
         "area": "balance", "operator": "<", "threshold": 10, "reset_threshold": 20},
        {"title": "Low ASR", "scope": {"type": "customer", "tag": "wholesale"}, "to": to,
         "area": "asr", "operator": "<=", "threshold": 30, "reset_threshold": 31,
         "sample_period": "1h", "min_calls": 20},
        {"title": "Spend 24h", "scope": {"type": "customer", "tag": "wholesale"}, "to": to,
         "area": "spend", "operator": ">", "threshold": 500, "sample_period": "24h"},
        {"title": "Carrier ASR", "scope": {"type": "carrier"}, "to": to,
         "area": "asr", "operator": "<", "threshold": 25, "reset_threshold": 30,
         "sample_period": "1h", "min_calls": 20},
        {"title": "Carrier ACD", "scope": {"type": "carrier"}, "to": to,
         "area": "acd", "operator": "<", "threshold": 30, "sample_period": "24h"},
    ]


def write_jobs(out):
    def job(name, cdrs, state):
        return {
            "name": name, "interval": "1h", "state": state,
            "inputs": {
                "balances": {"path": "../balances", "pattern": "*.csv", "settle": "0s"},
                "cdrs": {"path": cdrs, "pattern": "*.csv", "settle": "0s"},
            },
            "email": {"url": "smtp://127.0.0.1:2525", "from": "noc@example-telecom.example"},
            "alerts": alerts(),
        }
    jobs = {
        "full.json5": job("bench-full", "../cdrs-full", "../state/full"),
        "hourly-23.json5": job("bench-hourly", "../drop-23", "../state/hourly-base"),
        "hourly-24.json5": job("bench-hourly", "../drop-24", "../state/hourly"),
    }
    for name, body in jobs.items():
        with open(os.path.join(out, "jobs", name), "w") as f:
            json.dump(body, f, indent=2)
    link_hourly_drops(out)


def link_hourly_drops(out):
    """The hourly drop folders of the (c) run: drop-23 holds the first 23 hourly
    files, drop-24 all 24, as hard links, so that size and mtime match what the
    23-hour state's ledger recorded."""
    for folder, hours in (("drop-23", range(23)), ("drop-24", range(24))):
        path = os.path.join(out, folder)
        os.makedirs(path, exist_ok=True)
        for h in hours:
            name = f"cdrs-2026-11-26T{h:02d}00.csv"
            link = os.path.join(path, name)
            if os.path.exists(link):
                os.remove(link)
            os.link(os.path.join(out, "cdrs-hourly", name), link)


if __name__ == "__main__":
    main()
