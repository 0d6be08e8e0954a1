"""The differential check of the uniform workload: Klaxon's windows against DuckDB's.

- every value that a decision of the first run carries (Low ASR, Spend 24h,
  Short calls, Carrier ASR, Carrier PDD) against DuckDB's number for that
  company and window;
- every company's 1h and 24h window in `klaxon report --format csv` of the
  first run's state and of the hourly run's state (23 hourly runs, then the 24th) (attempts, connected, ASR, NER, ACD, PDD, minutes, spend,
  profit) against DuckDB's;
- chdb's numbers against DuckDB's (every column).

Klaxon's report rounds to 4 decimals; money is summed in micro-units by both
Klaxon and DuckDB (DECIMAL(18,6)); so values must agree to 1e-4 relative or
absolute. A disagreement is listed precisely: company, window, column, both numbers.
"""
import csv
import os
import subprocess
import sys

import benchlib

NOW = "2026-11-27T00:00:00Z"


def ratio(a, b, scale=1.0):
    return None if not b else scale * a / b


def expected(row, w):
    """DuckDB's row as the numbers Klaxon shows for window w ("1h" or "24h")."""
    n = lambda k: float(row[f"{k}_{w}"] or 0)  # noqa: E731
    role = row["role"]
    return {
        "attempts": n("attempts"), "connected": n("connected"),
        "asr": ratio(n("connected"), n("attempts"), 100),
        "ner": ratio(n("ner_ok"), n("attempts") - n("redirects"), 100),
        "acd": ratio(n("talk"), n("connected")),
        "pdd": ratio(n("pdd_sum"), n("pdd_count")),
        "minutes": n("talk") / 60,
        "spend": n("provider_charge") if role == "carrier" else n("customer_charge"),
        "profit": n("customer_charge") - n("provider_charge"),
    }


DECISIONS = {  # alert title: (role, window, metric)
    "Low ASR": ("customer", "1h", "asr"), "Spend 24h": ("customer", "24h", "spend"),
    "Short calls": ("customer", "24h", "acd"), "Carrier ASR": ("carrier", "1h", "asr"),
    "Carrier PDD": ("carrier", "24h", "pdd"),
}
REPORT_COLUMNS = {"attempts": "attempts", "connected": "connected", "asr": "asr", "ner": "ner",
                  "acd": "acd_seconds", "pdd": "pdd_ms", "minutes": "minutes", "spend": "spend", "profit": "profit"}


def close(a, b, tol=1e-4):
    if a is None or b is None:
        return a is None and b is None
    return abs(a - b) <= tol * max(1.0, abs(a), abs(b))


def compare_report(rows, duck, job):
    """Disagreements between the rows of `klaxon report --format csv` and DuckDB's numbers."""
    windows = sorted({k[len("attempts_"):] for k in rows[0] if k.startswith("attempts_")})
    bad, cells = [], 0
    for r in rows:
        key = (r["type"], r["company"])
        for w in windows:
            want = expected(duck[key], "1h" if w == "1h" else "24h") if key in duck else None
            for metric, column in REPORT_COLUMNS.items():
                cell = r[f"{column}_{w}"]
                got = float(cell) if cell != "" else None
                if want is None:
                    exp = None if metric in ("asr", "ner", "acd", "pdd") else 0.0
                else:
                    exp = want[metric]
                cells += 1
                # The report prints 4 decimals: a value agrees within half a unit of the 4th.
                if not (close(got, exp) or (got is not None and exp is not None and abs(got - exp) <= 0.00005 + 1e-12)):
                    bad.append(f"report of {job}: {r['company']} ({r['type']}) {w} {metric}: "
                               f"Klaxon {cell!r}, DuckDB {exp!r}")
    return bad, cells, windows


def load_rows(path):
    return {(r["role"], r["company"]): r for r in csv.DictReader(open(path))}


def check(binary, data, full, first_report, scratch):
    lines, bad = [], []
    duck_csv, ch_csv = os.path.join(scratch, "duckdb.csv"), os.path.join(scratch, "chdb.csv")
    here = benchlib.HERE
    subprocess.run([sys.executable, os.path.join(here, "duckdb_metrics.py"), "--now", NOW, full, "--out", duck_csv],
                   check=True, stderr=subprocess.DEVNULL)
    subprocess.run([sys.executable, os.path.join(here, "chdb_metrics.py"), "--now", NOW, full, "--out", ch_csv],
                   check=True, stderr=subprocess.DEVNULL)
    duck, ch = load_rows(duck_csv), load_rows(ch_csv)

    # 1. The values the first run's decisions carry.
    checked = 0
    for d in first_report["decisions"]:
        if d["alert"] not in DECISIONS or d.get("value") is None:
            continue
        role, w, metric = DECISIONS[d["alert"]]
        want = expected(duck[(role, d["company"])], w)[metric] if (role, d["company"]) in duck else None
        checked += 1
        if not close(d["value"], want, 1e-9):
            bad.append(f"decision {d['alert']} / {d['company']} ({w} {metric}): Klaxon {d['value']!r}, DuckDB {want!r}")
    lines.append(f"- decision values: {checked} checked against DuckDB, {checked - len(bad)} agree")

    # 2. Every company's windows in the report of the first run's state, and of the hourly run's.
    for job in ("full.json5", "hourly-24.json5"):
        report_csv = os.path.join(scratch, "report.csv")
        subprocess.run([binary, "report", os.path.join(data, "jobs", job), "--now", NOW,
                        "--format", "csv", "--output", report_csv], check=True)
        rows = list(csv.DictReader(open(report_csv, newline="")))
        found, cells, windows = compare_report(rows, duck, job)
        bad.extend(found)
        lines.append(f"- `klaxon report --format csv` of {job}'s state: {len(rows):,} companies × windows "
                     f"{', '.join(windows)} × {len(REPORT_COLUMNS)} values = {cells:,} cells against DuckDB, "
                     f"{len(found)} disagree")
    # The check must be able to fail: one DuckDB number changed by one call is one disagreement.
    key = ("customer", rows[0]["company"]) if rows[0]["type"] == "customer" else next(iter(duck))
    tampered = dict(duck)
    tampered[key] = dict(duck[key], attempts_1h=str(int(float(duck[key]["attempts_1h"])) + 1))
    caught = compare_report([r for r in rows if (r["type"], r["company"]) == key], tampered, "self-test")[0]
    if not any(" 1h attempts" in c for c in caught):
        bad.append(f"self-test: one call added to DuckDB's 1h attempts of {key} went unnoticed ({caught})")
    else:
        lines.append(f"- self-test: one call added to DuckDB's 1h attempts of {key[1]} is caught ({len(caught)} cells: {caught[0]})")

    # 3. chdb against DuckDB.
    before = len(bad)
    for key, r in duck.items():
        other = ch.get(key)
        if other is None:
            bad.append(f"chdb has no row for {key}")
            continue
        for col, v in r.items():
            if col in ("role", "company"):
                continue
            a = float(v) if v != "" else None
            b = float(other[col]) if other.get(col, "") != "" else None
            if not close(a, b, 1e-9):
                bad.append(f"chdb {key} {col}: DuckDB {v!r}, chdb {other.get(col)!r}")
    lines.append(f"- chdb against DuckDB: {len(duck):,} companies, {len(ch):,} from chdb, {len(bad) - before} disagreements")
    lines.append("Agreement: " + ("every value agrees." if not bad else f"{len(bad)} DISAGREEMENTS:"))
    lines.extend(f"  - {b}" for b in bad[:50])
    return {"ok": not bad, "lines": lines, "disagreements": bad}
