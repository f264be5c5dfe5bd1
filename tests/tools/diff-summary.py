#!/usr/bin/env python3
"""Compare owi-parse envelopes with pymail-summary.py lines.

usage: diff-summary.py [-a ACCEPTED] [-r DIR[=NAME]]... OWI.jsonl PYTHON.jsonl

Pairs the messages of the two JSON Lines files by (path, offset) and compares
the subject (runs of whitespace made one space, trimmed), the From address
(lowercased), and the attachments (count, then each filename in order).
Each disagreement is printed with its field and a category that says what
kind of difference it is:

    PATH: FIELD: CATEGORY: owi VALUE, python VALUE

The categories: only-owi, only-python (a message one side did not see),
offset, python-error, owi-error (no message in the envelope); for the
subject, the From address and each filename, owi-no-X or python-no-X
(one side has none), and X-header-8bit (python kept undecodable bytes),
X-owi-truncated, X-python-truncated, X-encoded-word-owi-raw,
X-encoded-word-python-raw (one side left an RFC 2047 word undecoded),
X-encoded-word-spacing, X-replacement-char ('?' against U+FFFD),
X-raw-8bit-header (python made raw 8-bit bytes U+FFFD, owi guessed a
charset), X-charset, X-other; attachment-count.

PATH is the mail's path made relative to the deepest -r DIR it lies under
(then prefixed with NAME/ where given), with "#OFFSET" appended for a
message past the start of an mbox file.  That is the key of ACCEPTED
(default: tests/differential-accepted.tsv beside this tools/ directory),
a tab-separated file of disagreements that were looked at and accepted:

    PATH<TAB>FIELD<TAB>CATEGORY<TAB>REASON

where REASON says which side is right and why.  Blank lines and lines
starting with "#" are comments.  An accepted disagreement is printed with
"accepted: " before it, one that is not with "DISAGREE: ".

Exit status: 0 all disagreements accepted, 1 some are not, 64 usage,
65 an input line or ACCEPTED line is malformed, 66 a file cannot be read.
"""

import argparse
import json
import os
import re
import sys

PROG = "diff-summary"
WS = re.compile(r"[ \t\n\r\f\v]+")
SURROGATE = re.compile("[\udc80-\udcff]")
NON_ASCII = re.compile(r"[^\x00-\x7f]")


class DataError(Exception):
    pass


def die(status, msg):
    print("%s: %s" % (PROG, msg), file=sys.stderr)
    sys.exit(status)


def read_jsonl(path):
    try:
        with open(path, "rb") as f:
            lines = f.read().split(b"\n")
    except OSError as e:
        die(66, "cannot open '%s': %s" % (path, e.strerror))
    offset = 0
    for lineno, line in enumerate(lines, 1):
        start = offset
        offset += len(line) + 1
        if not line.strip():
            continue
        try:
            obj = json.loads(line.decode("utf-8", "surrogateescape"))
            if not isinstance(obj, dict):
                raise ValueError("not a JSON object")
        except ValueError as e:
            raise DataError("%s:%d: bad JSON line at byte %d: %s"
                            % (path, lineno, start, e))
        yield lineno, obj


def get(obj, *keys):
    """obj[k1][k2]..., or None where a level is missing."""
    for k in keys:
        if not isinstance(obj, dict):
            return None
        obj = obj.get(k)
    return obj


def from_owi(obj):
    msg = obj.get("message")
    rec = {
        "path": get(obj, "source", "path"),
        "offset": get(obj, "source", "offset"),
    }
    if not isinstance(msg, dict):
        rec["error"] = "no message in the envelope: %s" \
            % json.dumps(obj.get("errors"))
        return rec
    rec["subject"] = msg.get("subject")
    rec["from"] = get(msg, "from", "address")
    atts = msg.get("attachments") or []
    rec["attachments"] = [a.get("filename") if isinstance(a, dict) else None
                          for a in atts]
    rec["types"] = [a.get("content_type") if isinstance(a, dict) else None
                    for a in atts]
    return rec


def canon_path(path):
    return os.path.realpath(path) if path else path


def norm_subject(s):
    return None if s is None else WS.sub(" ", s).strip(" ")


def norm_from(a):
    return a.lower() if a else None


def text_category(owi, py, prefix=""):
    """What kind of difference two decoded header texts show."""
    if SURROGATE.search(py):
        # Python keeps bytes it could not decode as lone surrogates.
        return prefix + "header-8bit"
    if py.startswith(owi):
        return prefix + "owi-truncated"
    if owi.startswith(py):
        return prefix + "python-truncated"
    if "=?" in py and "=?" not in owi:
        return prefix + "encoded-word-python-raw"
    if "=?" in owi and "=?" not in py:
        return prefix + "encoded-word-owi-raw"
    if WS.sub("", owi) == WS.sub("", py):
        return prefix + "encoded-word-spacing"
    if py.replace("\ufffd", "?") == owi:
        return prefix + "replacement-char"
    if "\ufffd" in py and "\ufffd" not in owi:
        # Python's default policy makes each undecodable 8-bit byte of a
        # header U+FFFD; a charset guess gives letters instead.
        return prefix + "raw-8bit-header"
    if NON_ASCII.sub("", owi) == NON_ASCII.sub("", py):
        return prefix + "charset"
    return prefix + "other"


def subject_category(owi, py):
    if owi is None:
        return "owi-no-subject"
    if py is None:
        return "python-no-subject"
    return text_category(owi, py, "subject-")


def from_category(owi, py):
    if py is not None and SURROGATE.search(py):
        return "from-header-8bit"
    if owi is None:
        return "owi-no-from"
    if py is None:
        return "python-no-from"
    return text_category(owi, py, "from-")


def filename_category(owi, py):
    if owi is None:
        return "owi-no-filename"
    if py is None:
        return "python-no-filename"
    return text_category(owi, py, "filename-")


def compare(o, p):
    """The (field, category, owi value, python value) disagreements."""
    if "error" in p:
        return [("message", "python-error", None, p["error"])]
    if "error" in o:
        return [("message", "owi-error", o["error"], None)]
    out = []
    os_, ps = norm_subject(o["subject"]), norm_subject(p["subject"])
    if os_ != ps:
        out.append(("subject", subject_category(os_, ps), os_, ps))
    of, pf = norm_from(o["from"]), norm_from(p["from"])
    if of != pf:
        out.append(("from", from_category(of, pf), of, pf))
    oa, pa = o["attachments"], p["attachments"]
    if len(oa) != len(pa):
        out.append(("attachments", "attachment-count",
                    "%d %s" % (len(oa), json.dumps(o["types"])),
                    "%d %s" % (len(pa), json.dumps(pa, ensure_ascii=False))))
    else:
        for i, (a, b) in enumerate(zip(oa, pa)):
            if a != b:
                out.append(("attachment[%d]" % i, filename_category(a, b),
                            a, b))
    return out


def pair(owi, py):
    """Yield (key, owi record or None, python record or None)."""
    index = {}
    for rec in py:
        index.setdefault((rec["path"], rec.get("offset")), []).append(rec)
    left = []
    for rec in owi:
        lst = index.get((rec["path"], rec["offset"]))
        if lst:
            yield rec, lst.pop(0)
        else:
            left.append(rec)
    # What is left may differ in the offset only (say owi gives none for a
    # mail file that starts with a "From " line): pair it by path where
    # each side has exactly one message left for the path.
    py_left = {}
    for (path, _), lst in index.items():
        for rec in lst:
            py_left.setdefault(path, []).append(rec)
    owi_left = {}
    for rec in left:
        owi_left.setdefault(rec["path"], []).append(rec)
    for path, lst in owi_left.items():
        plst = py_left.get(path, [])
        if len(lst) == 1 and len(plst) == 1:
            yield lst[0], plst.pop()
        else:
            for rec in lst:
                yield rec, None
    for lst in py_left.values():
        for rec in lst:
            yield None, rec


class Keyer:
    def __init__(self, roots):
        self.roots = []
        for r in roots:
            d, _, name = r.partition("=")
            self.roots.append((canon_path(d).rstrip("/") + "/", name))
        # The deepest root wins where one lies inside another.
        self.roots.sort(key=lambda r: -len(r[0]))

    def __call__(self, path, offset):
        key = path or "(no path)"
        for d, name in self.roots:
            if path and path.startswith(d):
                key = path[len(d):]
                if name:
                    key = name + "/" + key
                break
        if offset:
            key += "#%d" % offset
        return key


def read_accepted(path):
    accepted = {}
    try:
        f = open(path, encoding="utf-8")
    except FileNotFoundError:
        return accepted
    except OSError as e:
        die(66, "cannot open '%s': %s" % (path, e.strerror))
    with f:
        for lineno, line in enumerate(f, 1):
            line = line.rstrip("\n")
            if not line.strip() or line.startswith("#"):
                continue
            fields = line.split("\t")
            if len(fields) != 4 or not all(x.strip() for x in fields):
                raise DataError("%s:%d: want 4 tab-separated fields "
                                "(path, field, category, reason), got %d"
                                % (path, lineno, len(fields)))
            accepted[tuple(fields[:3])] = lineno
    return accepted


def show(v):
    return "null" if v is None else json.dumps(v, ensure_ascii=False)


def main(argv):
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(prog=PROG, description=__doc__.split("\n")[0])
    ap.add_argument("-a", "--accepted",
                    default=os.path.normpath(os.path.join(
                        here, "..", "differential-accepted.tsv")))
    ap.add_argument("-r", "--root", action="append", default=[],
                    metavar="DIR[=NAME]")
    ap.add_argument("owi")
    ap.add_argument("python")
    try:
        args = ap.parse_args(argv[1:])
    except SystemExit as e:
        return 0 if e.code == 0 else 64
    sys.stdout.reconfigure(errors="backslashreplace")

    try:
        accepted = read_accepted(args.accepted)
        owi = []
        for _, obj in read_jsonl(args.owi):
            rec = from_owi(obj)
            rec["path"] = canon_path(rec["path"])
            owi.append(rec)
        py = []
        for _, obj in read_jsonl(args.python):
            obj["path"] = canon_path(obj.get("path"))
            py.append(obj)
    except DataError as e:
        die(65, str(e))

    keyer = Keyer(args.root)
    compared = agree = n_accepted = 0
    refused = []
    seen = set()
    results = []
    for o, p in pair(owi, py):
        compared += 1
        if o is None:
            diffs = [("message", "only-python", None, p.get("subject"))]
            key = keyer(p["path"], p.get("offset"))
        elif p is None:
            diffs = [("message", "only-owi", o.get("subject"), None)]
            key = keyer(o["path"], o["offset"])
        else:
            diffs = compare(o, p)
            if o["offset"] != p.get("offset"):
                diffs.insert(0, ("offset", "offset", o["offset"],
                                 p.get("offset")))
            key = keyer(p["path"], p.get("offset"))
        if not diffs:
            agree += 1
        for field, cat, ov, pv in diffs:
            results.append((key, field, cat, ov, pv))
    results.sort(key=lambda r: r[:3])
    # The accepted first, so that what fails stands at the end, above
    # the summary.
    for key, field, cat, ov, pv in results:
        if (key, field, cat) in accepted:
            seen.add((key, field, cat))
            n_accepted += 1
            print("accepted: %s: %s: %s: owi %s, python %s"
                  % (key, field, cat, show(ov), show(pv)))
    for key, field, cat, ov, pv in results:
        if (key, field, cat) not in accepted:
            refused.append(key)
            print("DISAGREE: %s: %s: %s: owi %s, python %s"
                  % (key, field, cat, show(ov), show(pv)))

    for entry, lineno in sorted(accepted.items(), key=lambda e: e[1]):
        if entry not in seen:
            print("%s: %s:%d: accepted disagreement not seen: %s"
                  % (PROG, args.accepted, lineno, "\t".join(entry)),
                  file=sys.stderr)
    print("%d mails compared, %d agree, %d accepted disagreements"
          % (compared, agree, n_accepted))
    if refused:
        print("%d disagreements not accepted: add them to %s with a reason,"
              " or fix owi-parse" % (len(refused), args.accepted))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
