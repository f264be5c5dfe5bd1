#!/usr/bin/env python3
"""Summarise mail with Python's email package, one JSON line per message.

usage: pymail-summary.py FILE|DIR|-...

The reference side of the differential test (tests/differential.bats): it
prints what owi-parse should agree on, using nothing but the standard
library.  A FILE whose first line starts with "From " (but is no "From :"
header) is an mbox, split with mailbox.mbox; any other FILE is one message.
A DIR is read recursively, every regular file in name order; a Maildir
contributes its cur/ and new/ only, as owi-parse reads it.  "-" is one
message on standard input.

Each message gives
    {"path": ..., "offset": N, "subject": ..., "from": ..., "attachments": [...]}
where offset (the byte offset of the "From " line) is present for mbox
messages only, subject is decoded with email.policy.default (the raw header
where decoding fails, null where there is none), from is the lowercased
address of the first mailbox of the first From header or null, and
attachments lists the filename (or null) of each attachment:

    multipart/* parts are containers, descended into;
    a message/rfc822 part is one attachment, not descended into;
    a text/plain or text/html leaf with no filename (Content-Disposition
    filename, Content-Type name) and a disposition other than "attachment"
    is body text;
    every other leaf is an attachment.

A message Python cannot parse gives {"path": ..., "error": "..."} and the
run goes on.  Exit status: 0, 64 usage, 66 an argument cannot be read.
"""

import email.parser
import email.policy
import json
import mailbox
import os
import re
import stat
import sys

PROG = "pymail-summary"
BODY_TYPES = ("text/plain", "text/html")
HEADER_FROM = re.compile(rb"From[ \t]*:")


def raw_header(msg, name):
    """The first NAME header as it stands in the mail, or None."""
    for key, value in msg.raw_items():
        if key.lower() == name:
            return str(value)
    return None


def subject_of(msg):
    try:
        value = msg["subject"]
        return None if value is None else str(value)
    except Exception:  # the header parser itself failed: keep it raw
        return raw_header(msg, "subject")


def from_of(msg):
    try:
        header = msg["from"]
        if header is None:
            return None
        addresses = header.addresses
    except Exception:
        return None
    if not addresses:
        return None
    first = addresses[0]
    # Python spells an empty address (From: <>) "<>": that is no address.
    if not first.username and not first.domain:
        return None
    return first.addr_spec.lower()


def attachments_of(msg):
    """Filenames of the attachments, in MIME tree order (depth first)."""
    found = []
    # An explicit stack, not recursion: some test mails nest thousands deep.
    stack = [msg]
    while stack:
        part = stack.pop()
        ctype = part.get_content_type()
        if part.get_content_maintype() == "multipart":
            payload = part.get_payload()
            # A multipart whose boundary is missing or never found has a
            # str payload: a container with no children.
            if isinstance(payload, list):
                stack.extend(reversed(payload))
            continue
        filename = part.get_filename()
        if (ctype in BODY_TYPES and filename is None
                and part.get_content_disposition() != "attachment"):
            continue
        # Any other leaf, message/rfc822 included (Python would parse it
        # as a subtree; we do not descend), is an attachment.
        found.append(filename)
    return found


def summarise(path, offset, data):
    record = {"path": path}
    if offset is not None:
        record["offset"] = offset
    try:
        msg = email.parser.BytesParser(policy=email.policy.default) \
            .parsebytes(data)
        record["subject"] = subject_of(msg)
        record["from"] = from_of(msg)
        record["attachments"] = attachments_of(msg)
    except Exception as e:  # a broken mail is data, not a crash
        record = {"path": path}
        if offset is not None:
            record["offset"] = offset
        record["error"] = "%s: %s" % (type(e).__name__, e)
    return record


def emit(record):
    try:
        line = json.dumps(record, ensure_ascii=False)
        line.encode("utf-8")
    except UnicodeEncodeError:
        # Undecodable header bytes survive as lone surrogates: escape them.
        line = json.dumps(record, ensure_ascii=True)
    sys.stdout.write(line + "\n")


def is_mbox(path):
    with open(path, "rb") as f:
        line = f.readline(1000)
    # "From  : ..." (obsolete syntax, RFC 5322 section 4.5) is a header.
    return line.startswith(b"From ") and not HEADER_FROM.match(line)


def do_file(path):
    if not is_mbox(path):
        with open(path, "rb") as f:
            data = f.read()
        emit(summarise(path, None, data))
        return
    box = mailbox.mbox(path, create=False)
    try:
        for key in box.keys():
            # _toc maps a key to the (start, stop) byte offsets of the
            # message, its "From " line included: the public API has no
            # other way to tell where a message is.
            start = box._toc[key][0]
            try:
                data = box.get_bytes(key)
            except Exception as e:
                emit({"path": path, "offset": start,
                      "error": "%s: %s" % (type(e).__name__, e)})
                continue
            emit(summarise(path, start, data))
    finally:
        box.close()


def entries(path):
    with os.scandir(path) as it:
        return sorted(it, key=lambda e: os.fsencode(e.name))


def is_maildir(path):
    return all(os.path.isdir(os.path.join(path, d)) for d in ("cur", "new"))


def do_dir(path):
    if is_maildir(path):
        for sub in ("cur", "new"):
            for e in entries(os.path.join(path, sub)):
                if e.is_file():
                    do_file(e.path)
        return
    for e in entries(path):
        if e.is_dir():
            do_dir(e.path)
        elif e.is_file():
            do_file(e.path)


def main(argv):
    if len(argv) > 1 and argv[1] in ("-h", "--help"):
        print("usage: %s FILE|DIR|-..." % PROG)
        return 0
    if len(argv) < 2 or any(a[:1] == "-" and a != "-" for a in argv[1:]):
        print("usage: %s FILE|DIR|-..." % PROG, file=sys.stderr)
        return 64
    status = 0
    for arg in argv[1:]:
        try:
            if arg == "-":
                emit(summarise("-", None, sys.stdin.buffer.read()))
            elif stat.S_ISDIR(os.stat(arg).st_mode):
                do_dir(arg)
            else:
                do_file(arg)
        except OSError as e:
            print("%s: cannot read '%s': %s"
                  % (PROG, e.filename or arg, e.strerror),
                  file=sys.stderr)
            status = 66
    try:
        sys.stdout.flush()
    except OSError as e:
        print("%s: cannot write output: %s" % (PROG, e.strerror),
              file=sys.stderr)
        return 74
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv))
