#!/usr/bin/env python3
"""ClickHouse helpers for the tests and the scaling benchmark.

  clickhouse.py load URL CSV...        create cdr.cdr (ConnexCS's column names) on the server
                                       at URL if missing, and insert the CDR files' rows
  clickhouse.py ping URL SECONDS       wait until the server at URL answers SELECT 1
  clickhouse.py query URL SQLFILE      print what the server at URL answers to SQLFILE
  clickhouse.py chdb SQLFILE CSV...    run SQLFILE in chdb (the current ClickHouse engine, in
                                       process) over a cdr.cdr table holding the CSV files' rows
  clickhouse.py chdb-query SQLFILE     run SQLFILE in chdb with no table, printed as TabSeparated

KLAXON_CH_USER / KLAXON_CH_PASSWORD, when set, are sent as basic auth to the server.
"""
import base64
import csv
import os
import sys
import urllib.parse
import urllib.request

TABLE = """CREATE TABLE IF NOT EXISTS cdr.cdr (
    dt DateTime, callid String, customer_id String, provider_id String, dest_number String,
    duration UInt32, sip_code UInt16, pdd Nullable(UInt32),
    customer_charge Float64, provider_charge Float64
) ENGINE = MergeTree() PARTITION BY toYYYYMMDD(dt) ORDER BY (dt, customer_id)"""

COLUMNS = ["dt", "callid", "customer_id", "provider_id", "dest_number", "duration", "sip_code", "pdd",
           "customer_charge", "provider_charge"]


def rows(paths):
    for path in paths:
        with open(path, newline="") as f:
            for row in csv.DictReader(f):
                yield [row.get(c, "") for c in COLUMNS]


def tsv(rows_):
    def cell(c, v):
        if v == "" and c in ("pdd",):
            return "\\N"
        if v == "" and c in ("duration", "sip_code", "customer_charge", "provider_charge"):
            return "0"
        return v.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")
    return "".join("\t".join(cell(c, v) for c, v in zip(COLUMNS, r)) + "\n" for r in rows_)


def post(url, sql, body=b""):
    request = urllib.request.Request(url, data=(sql + "\n").encode() + body if body else sql.encode(), method="POST")
    if body:
        request = urllib.request.Request(url + "/?query=" + urllib.parse.quote(sql), data=body, method="POST")
    user, password = os.environ.get("KLAXON_CH_USER"), os.environ.get("KLAXON_CH_PASSWORD", "")
    if user:
        request.add_header("Authorization", "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode())
    with urllib.request.urlopen(request, timeout=60) as r:
        return r.read().decode()


def load(url, paths):
    post(url, "CREATE DATABASE IF NOT EXISTS cdr")
    post(url, TABLE)
    post(url, "INSERT INTO cdr.cdr FORMAT TabSeparated", tsv(rows(paths)).encode())


def run_chdb(sql_file, paths):
    from chdb import session
    s = session.Session()
    s.query("CREATE DATABASE IF NOT EXISTS cdr")
    s.query(TABLE)
    data = tsv(rows(paths))
    tmp = os.path.join(os.path.dirname(os.path.abspath(sql_file)), "chdb-rows.tsv")
    with open(tmp, "w") as f:
        f.write(data)
    s.query(f"INSERT INTO cdr.cdr SELECT * FROM file('{tmp}', TabSeparated, "
            "'dt DateTime, callid String, customer_id String, provider_id String, dest_number String, "
            "duration UInt32, sip_code UInt16, pdd Nullable(UInt32), customer_charge Float64, provider_charge Float64')")
    with open(sql_file) as f:
        sql = f.read()
    # chdb takes the output format as an argument; the query's own FORMAT clause is kept and wins.
    sys.stdout.write(str(s.query(sql, "CSV")))


def ping(url, seconds):
    import time
    deadline = time.time() + seconds
    while True:
        try:
            if post(url, "SELECT 1").strip() == "1":
                return
        except Exception as error:  # not listening yet, or still loading
            if time.time() > deadline:
                sys.exit(f"no answer from {url} within {seconds}s: {error}")
        time.sleep(0.2)


if __name__ == "__main__":
    import urllib.parse
    if len(sys.argv) == 4 and sys.argv[1] == "ping":
        ping(sys.argv[2].rstrip("/"), float(sys.argv[3]))
        sys.exit(0)
    if len(sys.argv) == 4 and sys.argv[1] == "query":
        with open(sys.argv[3]) as f:
            sys.stdout.write(post(sys.argv[2].rstrip("/"), f.read()))
        sys.exit(0)
    if len(sys.argv) >= 3 and sys.argv[1] == "load":
        load(sys.argv[2].rstrip("/"), sys.argv[3:])
    elif len(sys.argv) == 3 and sys.argv[1] == "chdb-query":
        import chdb
        with open(sys.argv[2]) as f:
            sys.stdout.write(str(chdb.query(f.read(), "TabSeparated")))
    elif len(sys.argv) >= 3 and sys.argv[1] == "chdb":
        run_chdb(sys.argv[2], sys.argv[3:])
    else:
        sys.exit(__doc__)
