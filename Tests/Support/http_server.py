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
  /scripted/<codes>/…  the n-th request to this exact path is answered with
          the n-th status of <codes> (comma-separated; the last one repeats),
          e.g. /scripted/429,202; ?retry_after=N adds "Retry-After: N" to a
          429 or 5xx answer, ?retry_after_date=N the HTTP-date N seconds from
          now; a 4xx answer's body is "invalid event: <status>" and a second line
  /encoded/<form>/…  500, echoing each credential header's value and the
          body in one encoding: json (slashes as \/), json-ascii (every
          non-alphanumeric as a \\u escape), url, url-lower (lowercase hex), form
          (space as +), base64, html; "all" gives every one of them

With --cert and --key it speaks HTTPS (a gateway behind a private CA).
  /2010-04-01/Accounts/<sid>/Messages.json   201 and a Twilio-shaped JSON answer
  other   404

Every record also names the client's address and port ("peer"), so a test can
count the connections requests came over. Any path with ?close=1 answers and
then closes the connection without saying so (no "Connection: close"): a
server that drops idle connections.

It stops by itself after --lifetime seconds, and with --exit-on-stdin-eof
as soon as the test process that started it goes away.
"""

import argparse
import base64
import html
import json
import os
import re
import ssl
import signal
import sys
import threading
import time
import uuid
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, quote, quote_plus, urlsplit

from recording import watch_stdin, write_record


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", required=True, help="folder for request JSON files")
    parser.add_argument("--lifetime", type=float, default=120.0, help="seconds before exiting on its own")
    parser.add_argument("--exit-on-stdin-eof", action="store_true", help="exit when stdin closes")
    parser.add_argument("--cert", help="PEM certificate: serve HTTPS")
    parser.add_argument("--key", help="PEM private key for --cert")
    return parser.parse_args()


def json_ascii(text):
    """JSON the way some encoders write it: every non-alphanumeric escaped."""
    return "".join(c if c.isalnum() and c.isascii() else "\\u%04x" % ord(c) for c in text)


def url_lower(text):
    return re.sub(r"%[0-9A-F]{2}", lambda m: m.group(0).lower(), quote(text, safe=""))


ENCODERS = {
    "json": lambda v: json.dumps(v).replace("/", "\\/"),
    "json-ascii": json_ascii,
    "url": lambda v: quote(v, safe=""),
    "url-lower": url_lower,
    "form": quote_plus,
    "base64": lambda v: base64.b64encode(v.encode()).decode("ascii"),
    "html": lambda v: html.escape(v, quote=True),
}
ENCODINGS = list(ENCODERS)


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Headers and body go out in two writes: with Nagle's algorithm the second would wait for
    # the client's delayed ACK (40 ms) on a kept connection.
    disable_nagle_algorithm = True
    out_dir = "."
    lock = threading.Lock()
    flaky_seen = 0
    scripted_seen = {}

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
            "peer": f"{self.client_address[0]}:{self.client_address[1]}",
        })
        url = urlsplit(self.path)
        if "close" in parse_qs(url.query):
            self.close_connection = True
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
        elif url.path.startswith("/scripted/"):
            self.scripted(url)
        elif url.path.startswith("/echo"):
            echoed = "".join(f"{name}: {value}\n" for name, value in self.headers.items())
            self.reply(500, b"refused: " + echoed.encode() + b"\n" + body, "text/plain")
        elif url.path.startswith("/encoded/"):
            form = url.path.split("/")[2]
            values = [value for name, value in self.headers.items()
                      if any(word in name.lower() for word in ("auth", "token", "key"))]
            values.append(body.decode("utf-8", "replace"))
            forms = ENCODINGS if form == "all" else [form]
            echoed = " | ".join(ENCODERS[f](v) for f in forms for v in values)
            self.reply(500, ("refused: " + echoed).encode(), "text/plain")
        elif url.path.startswith("/2010-04-01/Accounts/") and url.path.endswith("/Messages.json"):
            self.reply(201, b'{"sid":"SM0001","status":"queued"}', "application/json")
        elif url.path == "/big":
            self.reply(200, b"x" * (200 * 1024), "application/octet-stream")
        else:
            self.reply(404, b"no such path", "text/plain")

    def scripted(self, url):
        codes = [int(code) for code in url.path.split("/")[2].split(",")]
        with Handler.lock:
            seen = Handler.scripted_seen.get(url.path, 0)
            Handler.scripted_seen[url.path] = seen + 1
        status = codes[min(seen, len(codes) - 1)]
        query = parse_qs(url.query)
        headers = []
        if status == 429 or status >= 500:
            if "retry_after" in query:
                headers.append(("Retry-After", query["retry_after"][0]))
            if "retry_after_date" in query:
                when = time.time() + float(query["retry_after_date"][0])
                headers.append(("Retry-After", formatdate(when, usegmt=True)))
        if 200 <= status < 300:
            self.reply(status, b'{"status":"success"}', "application/json", headers)
        else:
            body = f"invalid event: {status}\nsee the documentation".encode()
            self.reply(status, body, "text/plain", headers)

    def reply(self, status, body, content_type, headers=()):
        try:
            self.send_response(status)
            for name, value in headers:
                self.send_header(name, value)
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
    if args.cert:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(args.cert, args.key)
        server.socket = context.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    print(f"PORT {server.server_address[1]}", flush=True)
    if args.exit_on_stdin_eof:
        watch_stdin()
    time.sleep(args.lifetime)
    os._exit(0)


if __name__ == "__main__":
    main()
