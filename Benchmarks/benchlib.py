"""What the issue-18 benchmarks (uniform.py, companies.py, delivery.py) share:
whole-process measurement, medians, and the line that says where and when.

Keep this module free of heavy imports (numpy, duckdb, chdb): a child started
from this process by vfork reports, as its peak RSS, at least the peak of this
process's address space when it exec'd.
"""
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
DEFAULT_BINARY = os.path.join(ROOT, ".build", "release", "klaxon")


def measure(argv, cwd=None, ok=(0, 2)):
    """Runs argv as one child; wall s from here, CPU s (user + sys) and peak RSS MB from wait4."""
    start = time.perf_counter()
    proc = subprocess.Popen(argv, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    err = proc.stderr.read().decode(errors="replace")
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.stderr.close()
    code = os.waitstatus_to_exitcode(status)
    proc.returncode = code
    if code not in ok:
        sys.exit(f"{' '.join(argv)} failed ({code}):\n{err}")
    return {"wall": wall, "cpu": usage.ru_utime + usage.ru_stime, "rss": usage.ru_maxrss / 1024.0,
            "code": code, "stderr": err}


def klaxon_run(binary, job, now, state, out, report, start_from=None, extra=()):
    """One measured `klaxon run` on a fresh copy of `start_from` (or no state);
    the run report is added to the measurement as "report"."""
    shutil.rmtree(state, ignore_errors=True)
    if start_from:
        shutil.copytree(start_from, state)
    shutil.rmtree(out, ignore_errors=True)
    os.makedirs(out)
    os.sync()  # so that earlier writeback does not land inside the measured run
    m = measure([binary, "run", job, "--now", now, "--deliver-to", out, "--report", report, "--quiet", *extra])
    m["report"] = json.load(open(report))
    m["messages"] = sum(1 for _ in os.scandir(out))
    return m


def median(runs, key):
    return statistics.median(r[key] for r in runs)


def timing(runs, name):
    return statistics.median(r["report"]["timings"].get(name, 0) for r in runs)


def loadavg():
    return "/".join(f"{x:.2f}" for x in os.getloadavg())


def machine():
    cpu = ""
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return (f"{platform.node()}: {os.cpu_count()} cores ({cpu}), {mem:.0f} GiB, "
            f"{platform.system()} {platform.release()}; {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}")


def scratch(prefix):
    """A scratch folder in memory where there is one: delivered files are not what is measured."""
    return tempfile.mkdtemp(prefix=prefix, dir="/dev/shm" if os.path.isdir("/dev/shm") else None)


def warm(paths):
    for p in paths:
        with open(p, "rb") as fh:
            while fh.read(1 << 24):
                pass


def binary_arg(ap):
    ap.add_argument("--binary", default=DEFAULT_BINARY,
                    help="the klaxon binary to measure (default .build/release/klaxon; not built here)")


def check_binary(path):
    if not os.access(path, os.X_OK):
        sys.exit(f"{path}: no klaxon binary there; build it with `swift build -c release --product klaxon` "
                 f"or pass --binary PATH")
    return os.path.abspath(path)
