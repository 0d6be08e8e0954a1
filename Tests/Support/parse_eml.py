#!/usr/bin/env python3
"""Reads an .eml file with Python's `email` package (an independent MIME parser)
and prints, as JSON, its decoded subject, the content type of every part, and the
decoded text of its text/plain and text/html parts, its To and Message-ID, and the
defects the parser found. Usage: parse_eml.py FILE.eml"""
import email, email.policy, json, sys

with open(sys.argv[1], "rb") as f:
    message = email.message_from_binary_file(f, policy=email.policy.default)
out = {"subject": str(message["subject"]), "types": [part.get_content_type() for part in message.walk()],
       "to": str(message["to"] or ""), "message_id": str(message["message-id"] or ""),
       "defects": [type(d).__name__ for d in message.defects]}
for kind in ("plain", "html"):
    part = message.get_body(preferencelist=(kind,))
    out[kind] = part.get_content() if part is not None and part.get_content_type() == f"text/{kind}" else None
print(json.dumps(out))
