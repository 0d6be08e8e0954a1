#!/usr/bin/env python3
"""ClickHouse's engine in process (chdb, PyPI `chdb`) computing what duckdb_metrics.py
computes: per customer and per carrier, the 1h and 24h window metrics of a
Klaxon run, from the same CSV exports, in one scan (GROUPING SETS), typed
columns, all cores (chdb's default).

    python3 Benchmarks/chdb_metrics.py --now 2026-11-27T00:00:00Z FILE... [--out metrics.csv]

The output has duckdb_metrics.py's columns, so the two can be compared.
"""
import argparse
import datetime as dt
import os
import sys

import chdb

STRUCTURE = ("dt DateTime, callid String, customer_id String, provider_id String, dest_number String, "
             "duration Int64, sip_code Int32, pdd Nullable(Int64), customer_charge Decimal(18, 6), "
             "provider_charge Decimal(18, 6)")


def window_aggregates(since, suffix):
    w = f"dt >= toDateTime('{since}', 'UTC')"
    ok = "sip_code BETWEEN 200 AND 299"
    return f"""
      countIf({w}) AS attempts_{suffix},
      countIf({w} AND {ok}) AS connected_{suffix},
      countIf({w} AND sip_code IN (200, 480, 486, 600, 603)) AS ner_ok_{suffix},
      countIf({w} AND sip_code BETWEEN 300 AND 399) AS redirects_{suffix},
      sumIf(duration, {w} AND {ok}) AS talk_{suffix},
      sumIf(assumeNotNull(pdd), {w} AND pdd IS NOT NULL) AS pdd_sum_{suffix},
      countIf({w} AND pdd IS NOT NULL) AS pdd_count_{suffix},
      sumIf(customer_charge, {w}) AS customer_charge_{suffix},
      sumIf(provider_charge, {w}) AS provider_charge_{suffix}"""


def source(files):
    folders = {os.path.dirname(os.path.abspath(f)) for f in files}
    if len(folders) == 1:
        names = ",".join(os.path.basename(f) for f in files)
        path = f"{folders.pop()}/{{{names}}}" if len(files) > 1 else os.path.abspath(files[0])
        return f"file('{path}', 'CSVWithNames', '{STRUCTURE}')"
    return " UNION ALL ".join(f"SELECT * FROM file('{os.path.abspath(f)}', 'CSVWithNames', '{STRUCTURE}')"
                              for f in files)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--now", required=True)
    ap.add_argument("--out")
    ap.add_argument("files", nargs="+")
    args = ap.parse_args()
    now = dt.datetime.fromisoformat(args.now.replace("Z", "+00:00")).replace(second=0, microsecond=0, tzinfo=None)
    since_24h = now - dt.timedelta(hours=24)
    since_1h = now - dt.timedelta(hours=1)
    src = source(args.files)
    if " UNION ALL " in src:
        src = f"({src})"
    query = f"""
    SELECT if(by_carrier = 1, 'carrier', 'customer') AS role,
      if(by_carrier = 1, provider_id, customer_id) AS company,
      attempts_1h, connected_1h, ner_ok_1h, redirects_1h, talk_1h, pdd_sum_1h, pdd_count_1h,
      customer_charge_1h, provider_charge_1h,
      attempts_24h, connected_24h, ner_ok_24h, redirects_24h, talk_24h, pdd_sum_24h, pdd_count_24h,
      customer_charge_24h, provider_charge_24h,
      100.0 * connected_1h / nullIf(attempts_1h, 0) AS asr_1h,
      talk_1h / nullIf(connected_1h, 0) AS acd_1h,
      100.0 * connected_24h / nullIf(attempts_24h, 0) AS asr_24h,
      talk_24h / nullIf(connected_24h, 0) AS acd_24h
    FROM (
      SELECT customer_id, provider_id, grouping(customer_id) AS by_carrier,
        {window_aggregates(since_1h, "1h")},
        {window_aggregates(since_24h, "24h")}
      FROM {src}
      WHERE dt >= toDateTime('{since_24h}', 'UTC') AND dt < toDateTime('{now}', 'UTC')
      GROUP BY GROUPING SETS ((customer_id), (provider_id))
    )
    WHERE company != ''
    ORDER BY role, company
    SETTINGS session_timezone = 'UTC'
    """
    result = chdb.query(query, "CSVWithNames")
    text = result.bytes().decode() if hasattr(result, "bytes") else str(result)
    lines = text.splitlines()
    if args.out:
        with open(args.out, "w") as f:
            f.write(lines[0].replace('"', "") + "\n")
            for line in lines[1:]:
                f.write(line.replace('"', "").replace("\\N", "") + "\n")
    print(f"chdb: {len(lines) - 1} companies", file=sys.stderr)


if __name__ == "__main__":
    main()
