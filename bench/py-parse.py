#!/usr/bin/env python3
"""Python's email doing the core of owi-parse, for bench/parse.sh.

usage: py-parse.py [FILE...]    (no FILE: paths on stdin, one a line)

Each file is one mail, parsed with email.policy.default; for each it writes
one JSON line with the decoded subject, the From address, the text of the
text/plain and text/html body parts (charset decoded) and the attachment
filenames (with the text of text attachments, as floor decodes every text
part), under the attachment definition of tests/tools/pymail-summary.py.
A mail that cannot be parsed gives an "error" line.  This is the yardstick
that owi-parse should beat by an order of magnitude.
"""

import email.parser
import email.policy
import json
import sys

BODY_TYPES = ("text/plain", "text/html")


def text_of(part):
    try:
        return part.get_content()
    except (LookupError, UnicodeError, AssertionError):
        # An unknown or lying charset: keep what can be read.
        payload = part.get_payload(decode=True) or b""
        return payload.decode("latin-1")


def extract(parser, path):
    with open(path, "rb") as f:
        msg = parser.parse(f)
    subject = msg["subject"]
    sender = msg["from"]
    address = None
    if sender is not None and sender.addresses:
        first = sender.addresses[0]
        if first.username or first.domain:  # From: <> is no address
            address = first.addr_spec.lower()
    texts, attachments = [], []
    stack = [msg]
    while stack:
        part = stack.pop()
        if part.get_content_maintype() == "multipart":
            payload = part.get_payload()
            if isinstance(payload, list):
                stack.extend(reversed(payload))
            continue
        ctype = part.get_content_type()
        filename = part.get_filename()
        if (ctype in BODY_TYPES and filename is None
                and part.get_content_disposition() != "attachment"):
            texts.append(text_of(part))
        else:
            att = {"filename": filename, "content_type": ctype}
            if part.get_content_maintype() == "text":
                att["text"] = text_of(part)
            attachments.append(att)
    return {
        "source": {"path": path},
        "message": {
            "from": {"address": address},
            "subject": None if subject is None else str(subject),
            "text": "\n".join(texts),
            "attachments": attachments,
        },
    }


def paths(argv):
    if argv:
        yield from argv
    else:
        for line in sys.stdin:
            line = line.rstrip("\n")
            if line:
                yield line


def main(argv):
    parser = email.parser.BytesParser(policy=email.policy.default)
    out = sys.stdout
    for path in paths(argv[1:]):
        try:
            rec = extract(parser, path)
        except Exception as e:
            rec = {"source": {"path": path},
                   "errors": [{"stage": "py-parse",
                               "message": "%s: %s" % (type(e).__name__, e)}]}
        # Undecodable header bytes stay lone surrogates: ASCII-escape them.
        out.write(json.dumps(rec, ensure_ascii=True) + "\n")
    out.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
