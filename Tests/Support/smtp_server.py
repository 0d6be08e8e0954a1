#!/usr/bin/env python3
"""Loopback SMTP server for Klaxon's transport tests.

Listens on 127.0.0.1 on a free port, prints "PORT <n>" on stdout once it
accepts connections, and writes every message it accepts as one JSON file
(envelope sender, recipients, the exact DATA bytes in base64, whether the
session was TLS and authenticated) into --out. Files appear atomically and
before the server answers the final "250", so a client that got its reply
can read them at once.

Modes:
  (default)       an aiosmtpd server; options below add AUTH and TLS
  --silent        accepts TCP connections and never says anything
                  (for total-timeout tests)
  --refuse-data REPLY
                  takes the whole message, then answers REPLY (e.g.
                  "451 4.3.0 Try again later") instead of 250; records nothing
  --stall-data    takes the whole message and never answers
  --close-mid-data
                  closes the connection after the first bytes of the message
  --close-after N an aiosmtpd server that closes each connection after
                  answering its N-th message (a server that drops kept
                  connections)

Every connection the aiosmtpd server accepts is a line in the file
"connections" beside --out, and each record names its connection ("peer",
the client's port), so a test can count the connections a client opened.

It stops by itself after --lifetime seconds, and with --exit-on-stdin-eof
as soon as the test process that started it goes away.
"""

import argparse
import asyncio
import base64
import json
import os
import signal
import socket
import ssl
import sys
import threading
import time
import uuid

from recording import watch_stdin, write_record


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", required=True, help="folder for received-message JSON files")
    parser.add_argument("--port", type=int, default=0, help="port to listen on (0: any free one)")
    parser.add_argument("--silent", action="store_true", help="accept connections, never answer")
    parser.add_argument("--auth", help="USER:PASSWORD; AUTH PLAIN/LOGIN is then required")
    parser.add_argument("--cert", help="PEM certificate for STARTTLS or implicit TLS")
    parser.add_argument("--key", help="PEM private key for --cert")
    parser.add_argument("--starttls", action="store_true", help="offer and require STARTTLS")
    parser.add_argument("--implicit-tls", action="store_true", help="TLS from the first byte (smtps)")
    parser.add_argument("--reject-rcpt", action="append", default=[], help="answer 550 to RCPT TO for this address")
    parser.add_argument("--refuse-data", help="answer this reply to the end of DATA instead of 250")
    parser.add_argument("--stall-data", action="store_true", help="never answer the end of DATA")
    parser.add_argument("--close-mid-data", action="store_true", help="close the connection inside DATA")
    parser.add_argument("--close-after", type=int, help="close each connection after answering this many messages")
    parser.add_argument("--drop-reply-at", type=int, help="take the Nth message of the server's life whole, then drop the connection without replying")
    parser.add_argument("--lifetime", type=float, default=120.0, help="seconds before exiting on its own")
    parser.add_argument("--exit-on-stdin-eof", action="store_true", help="exit when stdin closes")
    return parser.parse_args()


def run_silent(args):
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", args.port))
    listener.listen(16)
    listener.settimeout(0.5)
    print(f"PORT {listener.getsockname()[1]}", flush=True)
    held = []  # keep accepted sockets open and quiet
    deadline = time.monotonic() + args.lifetime
    while time.monotonic() < deadline:
        try:
            connection, _ = listener.accept()
            held.append(connection)
            # A readiness signal for tests: a client is now held inside its dialogue.
            with open(os.path.join(os.path.dirname(args.out), "connections"), "a") as log:
                log.write("connected\n")
        except socket.timeout:
            pass


def run_scripted(args):
    """A hand-written SMTP dialogue that goes wrong inside DATA, as --stall-data
    and --close-mid-data ask; everything before DATA is answered normally."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", args.port))
    listener.listen(16)
    print(f"PORT {listener.getsockname()[1]}", flush=True)
    held = []

    def serve(connection):
        reader = connection.makefile("rb")
        try:
            connection.sendall(b"220 klaxon-test ESMTP\r\n")
            while True:
                line = reader.readline()
                if not line:
                    return
                verb = line[:4].upper()
                if verb == b"EHLO":
                    connection.sendall(b"250-klaxon-test\r\n250 8BITMIME\r\n")
                elif verb in (b"HELO", b"MAIL", b"RCPT", b"RSET", b"NOOP"):
                    connection.sendall(b"250 OK\r\n")
                elif verb == b"QUIT":
                    connection.sendall(b"221 bye\r\n")
                    return
                elif verb == b"DATA":
                    connection.sendall(b"354 go ahead\r\n")
                    if args.close_mid_data:
                        reader.read(40)
                        connection.shutdown(socket.SHUT_RDWR)
                        return
                    while reader.readline() not in (b".\r\n", b""):
                        pass
                    held.append(connection)  # --stall-data: the reply never comes
                    time.sleep(args.lifetime)
                    return
                else:
                    connection.sendall(b"500 unknown command\r\n")
        except OSError:
            pass
        finally:
            if connection not in held:
                connection.close()

    deadline = time.monotonic() + args.lifetime
    listener.settimeout(0.5)
    while time.monotonic() < deadline:
        try:
            connection, _ = listener.accept()
        except socket.timeout:
            continue
        threading.Thread(target=serve, args=(connection,), daemon=True).start()


class RecordingHandler:
    def __init__(self, out_dir, rejected, refuse_data=None, close_after=None, drop_reply_at=None):
        self.drop_reply_at = drop_reply_at
        self.taken = 0
        self.out_dir = out_dir
        self.rejected = set(rejected)
        self.refuse_data = refuse_data
        self.close_after = close_after

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.rejected:
            return f"550 5.1.1 <{address}>: Recipient address rejected: User unknown"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.refuse_data:
            return self.refuse_data
        record = {
            "mail_from": envelope.mail_from,
            "rcpt_tos": envelope.rcpt_tos,
            # aiosmtpd has already undone the dot-stuffing and removed the final ".".
            "data_b64": base64.b64encode(envelope.original_content or b"").decode("ascii"),
            "tls": server.transport.get_extra_info("ssl_object") is not None,
            "authenticated": bool(session.authenticated),
            "login": session.auth_data if isinstance(session.auth_data, str) else None,
            "peer": session.peer[1] if session.peer else None,
        }
        write_record(self.out_dir, record)
        self.taken += 1
        if self.drop_reply_at == self.taken:
            # The message arrived whole; the client never hears so.
            server.transport.abort()
            return "250 2.0.0 OK: never sent"
        if self.close_after:
            session.klaxon_messages = getattr(session, "klaxon_messages", 0) + 1
            if session.klaxon_messages >= self.close_after:
                # After the reply below is written: close() sends what is buffered first.
                asyncio.get_running_loop().call_soon(server.transport.close)
        return "250 2.0.0 OK: queued"


def make_authenticator(credentials):
    from aiosmtpd.smtp import AuthResult, LoginPassword

    user, _, password = credentials.partition(":")

    def authenticator(server, session, envelope, mechanism, auth_data):
        ok = (
            isinstance(auth_data, LoginPassword)
            and auth_data.login == user.encode()
            and auth_data.password == password.encode()
        )
        return AuthResult(success=ok, handled=False, auth_data=user if ok else None)

    return authenticator


async def run_smtp(args):
    from aiosmtpd.smtp import SMTP

    tls_context = None
    if args.cert:
        tls_context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        tls_context.load_cert_chain(args.cert, args.key)
    handler = RecordingHandler(args.out, args.reject_rcpt, args.refuse_data, args.close_after, args.drop_reply_at)
    loop = asyncio.get_running_loop()
    connections = os.path.join(os.path.dirname(args.out), "connections")

    class LoggingSMTP(SMTP):
        def connection_made(self, transport):
            with open(connections, "a") as log:
                log.write("connected\n")
            super().connection_made(transport)

    def factory():
        return LoggingSMTP(
            handler,
            hostname="klaxon-test.local",
            tls_context=tls_context if args.starttls else None,
            require_starttls=bool(args.starttls),
            auth_required=bool(args.auth),
            # AUTH is tested over plain connections too; TLS is tested on its own.
            auth_require_tls=False,
            authenticator=make_authenticator(args.auth) if args.auth else None,
            decode_data=False,
            loop=loop,
        )

    server = await loop.create_server(
        factory, host="127.0.0.1", port=args.port, reuse_address=True,
        ssl=tls_context if args.implicit_tls else None,
    )
    print(f"PORT {server.sockets[0].getsockname()[1]}", flush=True)
    await asyncio.sleep(args.lifetime)
    server.close()


def main():
    # A parent that started us from a thread with SIGTERM blocked passes that
    # mask on; unblock it so the test can stop us with SIGTERM.
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM, signal.SIGINT})
    args = parse_args()
    os.makedirs(args.out, exist_ok=True)
    if args.exit_on_stdin_eof:
        watch_stdin()
    if args.silent:
        run_silent(args)
    elif args.stall_data or args.close_mid_data:
        run_scripted(args)
    else:
        asyncio.run(run_smtp(args))


if __name__ == "__main__":
    main()
