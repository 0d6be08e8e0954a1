"""Runs a command with its stdout and stderr into a file, and prints its exit
status and its own peak resident memory in KiB.

Why a process of its own: Linux records, at exec, the peak memory of the
address space being replaced. A child that the test process spawns (vfork) or
forks starts with the test process's address space, so its ru_maxrss would be
at least the test process's peak. Forked from this small script instead, the
command's figure is its own (plus this script's few MiB).

usage: peak_rss.py OUTPUT COMMAND [ARG...]
"""
import os
import sys


def main():
    output, argv = sys.argv[1], sys.argv[2:]
    pid = os.fork()
    if pid == 0:
        fd = os.open(output, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.dup2(fd, 1)
        os.dup2(fd, 2)
        os.execv(argv[0], argv)
    _, status, usage = os.wait4(pid, 0)
    code = os.waitstatus_to_exitcode(status)
    print(code if code >= 0 else 128 - code, usage.ru_maxrss)


if __name__ == "__main__":
    main()
