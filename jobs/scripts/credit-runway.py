#!/usr/bin/env python3
"""Credit runway: fire for customers whose available credit will run out within
HOURS at the rate they spent over the alert's sample period.

A Klaxon script alert (area "script"). Klaxon runs it without a shell, with the
arguments written in the alert, and gives it JSON on standard input:
  {"now", "job", "alert": {"title", "sample_period", "arguments", ...},
   "companies": [{"id", "name", "credit", "available_credit", "currency",
                  "window": {"period", "spend", "attempts", ...}, ...}]}
It prints a JSON list: [{"company", "fire", "value", "message"}]. A company it
leaves out keeps its alert state (here: companies without a balance or a window).

usage: credit-runway.py [--hours N]     (default 4)
"""
import json, sys

def main():
    hours = 4.0
    args = sys.argv[1:]
    if args[:1] == ["--hours"] and len(args) == 2:
        hours = float(args[1])
    elif args:
        print("usage: credit-runway.py [--hours N]", file=sys.stderr)
        return 2
    data = json.load(sys.stdin)
    verdicts = []
    for c in data["companies"]:
        window, available = c.get("window"), c.get("available_credit")
        if window is None or available is None:
            continue
        period_hours = parse_hours(window["period"])
        rate = window["spend"] / period_hours if period_hours else 0
        if rate <= 0:
            verdicts.append({"company": c["id"], "fire": available <= 0, "value": None,
                             "message": "no spend in the last %s" % window["period"]})
            continue
        runway = max(available, 0) / rate
        money = lambda v: ("%.2f %s" % (v, c["currency"])).strip()
        verdicts.append({
            "company": c["id"],
            "fire": runway < hours,
            "value": round(runway, 1),
            "message": "At %s an hour, the %s of credit left lasts %.1f hours." % (money(rate), money(max(available, 0)), runway),
        })
    json.dump(verdicts, sys.stdout)
    return 0

def parse_hours(text):
    """Klaxon writes periods as 1h, 30m, 1d, 1h30m."""
    total, number = 0.0, ""
    for ch in text:
        if ch.isdigit():
            number += ch
        else:
            total += int(number) * {"d": 24, "h": 1, "m": 1 / 60, "s": 1 / 3600}[ch]
            number = ""
    return total

if __name__ == "__main__":
    sys.exit(main())
