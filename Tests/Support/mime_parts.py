#!/usr/bin/env python3
"""Parses one RFC 5322 message with Python's own email package (independent of
Klaxon's encoder) and prints it as JSON: the decoded headers Subject, From,
To, Message-ID, Date and Content-Type, and every leaf part's content type and
decoded text.

    mime_parts.py MESSAGE_FILE
"""
import email
import email.policy
import json
import sys

with open(sys.argv[1], "rb") as f:
    message = email.message_from_binary_file(f, policy=email.policy.default)

parts = []
for part in message.walk():
    if part.is_multipart():
        continue
    parts.append({"content_type": part.get_content_type(), "text": part.get_content()})

print(json.dumps({
    "subject": str(message["Subject"] or ""),
    "from": str(message["From"] or ""),
    "to": str(message["To"] or ""),
    "message_id": str(message["Message-ID"] or ""),
    "date": str(message["Date"] or ""),
    "content_type": message.get_content_type(),
    "defects": [type(d).__name__ for d in message.defects],
    "parts": parts,
}))
