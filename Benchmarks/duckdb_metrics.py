#!/usr/bin/env python3
"""DuckDB's side of the benchmark: the per-company window metrics that a Klaxon
run computes, from the same CSV exports, in one process.

    python3 Benchmarks/duckdb_metrics.py --now 2026-11-27T00:00:00Z FILE... [--out metrics.csv]

For every customer (customer_id) and every carrier (provider_id), over the 1h
and the 24h window before `now` (whole minutes, [m - P, m) as in docs/behaviour.md "Metrics and windows"):
attempts, connected (2xx), NER successes, 3xx, talk seconds, PDD sum and count,
customer and carrier charges, and from them ASR and ACD. One scan of the files
(GROUPING SETS), explicit column types (no sniffing: DuckDB's best case), all
cores (DuckDB's default).
"""
import argparse
import datetime as dt
import sys

import duckdb

COLUMNS = {
    "dt": "TIMESTAMP", "callid": "VARCHAR", "customer_id": "VARCHAR", "provider_id": "VARCHAR",
    "dest_number": "VARCHAR", "duration": "BIGINT", "sip_code": "INTEGER", "pdd": "BIGINT",
    "customer_charge": "DECIMAL(18,6)", "provider_charge": "DECIMAL(18,6)",
}


def window_aggregates(since, suffix):
    w = f"dt >= TIMESTAMP '{since}'"
    return f"""
      count(*) FILTER (WHERE {w}) AS attempts_{suffix},
      count(*) FILTER (WHERE {w} AND sip_code BETWEEN 200 AND 299) AS connected_{suffix},
      count(*) FILTER (WHERE {w} AND sip_code IN (200, 480, 486, 600, 603)) AS ner_ok_{suffix},
      count(*) FILTER (WHERE {w} AND sip_code BETWEEN 300 AND 399) AS redirects_{suffix},
      coalesce(sum(duration) FILTER (WHERE {w} AND sip_code BETWEEN 200 AND 299), 0) AS talk_{suffix},
      coalesce(sum(pdd) FILTER (WHERE {w}), 0) AS pdd_sum_{suffix},
      count(pdd) FILTER (WHERE {w}) AS pdd_count_{suffix},
      coalesce(sum(customer_charge) FILTER (WHERE {w}), 0) AS customer_charge_{suffix},
      coalesce(sum(provider_charge) FILTER (WHERE {w}), 0) AS provider_charge_{suffix}"""


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--now", required=True)
    ap.add_argument("--out")
    ap.add_argument("files", nargs="+")
    args = ap.parse_args()
    now = dt.datetime.fromisoformat(args.now.replace("Z", "+00:00")).replace(second=0, microsecond=0, tzinfo=None)
    since_24h = now - dt.timedelta(hours=24)
    since_1h = now - dt.timedelta(hours=1)
    files = ", ".join(f"'{f}'" for f in args.files)
    columns = "{" + ", ".join(f"'{k}': '{v}'" for k, v in COLUMNS.items()) + "}"
    query = f"""
    WITH calls AS (
      SELECT * FROM read_csv([{files}], header = true, columns = {columns})
      WHERE dt >= TIMESTAMP '{since_24h}' AND dt < TIMESTAMP '{now}'
    ), per_company AS (
      SELECT customer_id, provider_id, GROUPING(customer_id) AS by_carrier,
        {window_aggregates(since_1h, "1h")},
        {window_aggregates(since_24h, "24h")}
      FROM calls
      GROUP BY GROUPING SETS ((customer_id), (provider_id))
    )
    SELECT CASE WHEN by_carrier = 1 THEN 'carrier' ELSE 'customer' END AS role,
      CASE WHEN by_carrier = 1 THEN provider_id ELSE customer_id END AS company,
      * EXCLUDE (customer_id, provider_id, by_carrier),
      100.0 * connected_1h / nullif(attempts_1h, 0) AS asr_1h,
      talk_1h / nullif(connected_1h, 0) AS acd_1h,
      100.0 * connected_24h / nullif(attempts_24h, 0) AS asr_24h,
      talk_24h / nullif(connected_24h, 0) AS acd_24h
    FROM per_company WHERE (CASE WHEN by_carrier = 1 THEN provider_id ELSE customer_id END) IS NOT NULL
    ORDER BY role, company
    """
    con = duckdb.connect()
    rows = con.execute(query).fetchall()
    names = [d[0] for d in con.description]
    if args.out:
        with open(args.out, "w") as f:
            f.write(",".join(names) + "\n")
            for r in rows:
                f.write(",".join("" if v is None else str(v) for v in r) + "\n")
    attempts = sum(r[names.index("attempts_24h")] for r in rows if r[0] == "customer")
    print(f"duckdb: {len(rows)} companies, {attempts} attempts in the 24h window", file=sys.stderr)


if __name__ == "__main__":
    main()
