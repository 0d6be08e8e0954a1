"""Appends Asterisk Master.csv lines to a file as a switch does, for the append-mode
kill test: line n is customer C(n mod 4 + 1), every third answered, written in random
chunks of 1 to 400 bytes with short pauses, so readers find partial last lines.

usage: cdr_appender.py PATH COUNT SEED
"""
import os
import random
import sys
import time

path, count, seed = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
rnd = random.Random(seed)
fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
pending = b""
for n in range(count):
    c = "C%d" % (n % 4 + 1)
    answered = n % 3 == 0
    start = "2026-11-27 01:%02d:%02d" % ((n // 60) % 60, n % 60)
    fields = [
        '"%s"' % c, '"15550100"', '"4420%07d"' % n, '"from-customers"', '"""Cust %s"" <15550100>"' % c,
        '"SIP/%s-%08x"' % (c, n), '"SIP/P%d-%08x"' % (n % 2 + 1, n), '"Dial"', '"SIP/P1/44,60"',
        '"%s"' % start, ('"%s"' % start) if answered else "", '"%s"' % start,
        str(70 if answered else 5), str(60 if answered else 0), '"ANSWERED"' if answered else '"BUSY"',
        '"DOCUMENTATION"', '"%d.%d"' % (1795737600 + n, n),
    ]
    pending += (",".join(fields) + "\n").encode()
    while len(pending) > 400 or (n == count - 1 and pending):
        k = rnd.randint(1, 400)
        os.write(fd, pending[:k])
        pending = pending[k:]
        time.sleep(rnd.random() * 0.004)
os.close(fd)
