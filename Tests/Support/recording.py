"""What the loopback test servers share: writing a received record so that a
test never reads half of it, and exiting when the test that started us goes away."""

import json
import os
import sys
import threading
import time
import uuid


def write_record(out_dir, record):
    """Write atomically: the test must never read half a file."""
    name = f"{time.time_ns():020d}-{uuid.uuid4().hex}.json"
    tmp = os.path.join(out_dir, "." + name + ".tmp")
    with open(tmp, "w", encoding="utf-8") as handle:
        json.dump(record, handle)
    os.replace(tmp, os.path.join(out_dir, name))


def watch_stdin():
    """Exit when the parent closes our stdin (it exited or stopped us)."""
    def run():
        try:
            while sys.stdin.buffer.read(1024):
                pass
        finally:
            os._exit(0)
    threading.Thread(target=run, daemon=True).start()
