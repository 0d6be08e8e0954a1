#!/usr/bin/env python3
"""Loopback HTTP server for Klaxon's transport tests.

Listens on 127.0.0.1 on a free port, prints "PORT <n>" on stdout once it
accepts connections, and writes every request it receives (method, path with
query, headers in order, body in base64) as one JSON file into --out before it
answers. The answer depends on the path:

  /ok     201, a small JSON document
  /fail   500, a plain-text error
  /slow   sleeps ?seconds= (default 10), then 200
  /big    200, a 200 KiB body
  /flaky  500 to the first request, 201 to every later one
  /echo…  500, echoing the request's headers and body (a gateway that quotes
          the credentials it refuses, for the secrets tests)
  /2010-04-01/Accounts/<sid>/Messages.json   201 and a Twilio-shaped JSON answer
  other   404

It stops by itself after --lifetime seconds, and with --exit-on-stdin-eof
as soon as the test process that started it goes away.
"""

import argparse
import base64
import json
import os
import signal
import sys
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from recording import watch_stdin, write_record


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", required=True, help="folder for request JSON files")
    parser.add_argument("--lifetime", type=float, default=120.0, help="seconds before exiting on its own")
    parser.add_argument("--exit-on-stdin-eof", action="store_true", help="exit when stdin closes")
    return parser.parse_args()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    out_dir = "."
    lock = threading.Lock()
    flaky_seen = 0

    def do_GET(self):
        self.answer()

    do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_GET

    def answer(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        write_record(self.out_dir, {
            "method": self.command,
            "path": self.path,
            "headers": [[name, value] for name, value in self.headers.items()],
            "body_b64": base64.b64encode(body).decode("ascii"),
        })
        url = urlsplit(self.path)
        if url.path == "/ok":
            self.reply(201, b'{"id":"msg-1","status":"queued"}', "application/json")
        elif url.path == "/fail":
            self.reply(500, b"gateway exploded: upstream SMSC unreachable", "text/plain")
        elif url.path == "/slow":
            seconds = float(parse_qs(url.query).get("seconds", ["10"])[0])
            time.sleep(seconds)
            self.reply(200, b"late", "text/plain")
        elif url.path == "/flaky":
            with Handler.lock:
                Handler.flaky_seen += 1
                first = Handler.flaky_seen == 1
            if first:
                self.reply(500, b"temporarily unavailable", "text/plain")
            else:
                self.reply(201, b'{"status":"queued"}', "application/json")
        elif url.path.startswith("/echo"):
            echoed = "".join(f"{name}: {value}\n" for name, value in self.headers.items())
            self.reply(500, b"refused: " + echoed.encode() + b"\n" + body, "text/plain")
        elif url.path.startswith("/2010-04-01/Accounts/") and url.path.endswith("/Messages.json"):
            self.reply(201, b'{"sid":"SM0001","status":"queued"}', "application/json")
        elif url.path == "/big":
            self.reply(200, b"x" * (200 * 1024), "application/octet-stream")
        else:
            self.reply(404, b"no such path", "text/plain")

    def reply(self, status, body, content_type):
        try:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (timeout tests)

    def log_message(self, format, *args):
        pass  # keep test output clean


def main():
    # A parent that started us from a thread with SIGTERM blocked passes that
    # mask on; unblock it so the test can stop us with SIGTERM.
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM, signal.SIGINT})
    args = parse_args()
    os.makedirs(args.out, exist_ok=True)
    Handler.out_dir = args.out
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    print(f"PORT {server.server_address[1]}", flush=True)
    if args.exit_on_stdin_eof:
        watch_stdin()
    time.sleep(args.lifetime)
    os._exit(0)


if __name__ == "__main__":
    main()
