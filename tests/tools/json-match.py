#!/usr/bin/env python3
"""Compare owi output with an expected JSON file, canonically.

usage: json-match.py ACTUAL EXPECTED

ACTUAL holds JSON Lines (one envelope per line); EXPECTED holds one JSON
value: an object (the single envelope expected) or a list (one per line).
Key order does not matter.  In EXPECTED, the string "*" matches any value
(paths, hashes and times are masked that way).  Prints each difference
with its path and exits 1 when there is one.
"""
import json
import sys


def diff(path, want, got, out):
    if want == "*":
        return
    if isinstance(want, dict) and isinstance(got, dict):
        for k in sorted(set(want) | set(got)):
            if k not in got:
                out.append(f"{path}.{k}: missing (want {json.dumps(want[k], ensure_ascii=False)})")
            elif k not in want:
                out.append(f"{path}.{k}: unexpected {json.dumps(got[k], ensure_ascii=False)[:200]}")
            else:
                diff(f"{path}.{k}", want[k], got[k], out)
    elif isinstance(want, list) and isinstance(got, list):
        if len(want) != len(got):
            out.append(f"{path}: {len(got)} items, want {len(want)}")
        for i, (w, g) in enumerate(zip(want, got)):
            diff(f"{path}[{i}]", w, g, out)
    elif want != got or type(want) != type(got):
        out.append(f"{path}: got {json.dumps(got, ensure_ascii=False)[:300]}, "
                   f"want {json.dumps(want, ensure_ascii=False)[:300]}")


def main():
    with open(sys.argv[1], encoding="utf-8") as f:
        got = [json.loads(l) for l in f if l.strip()]
    with open(sys.argv[2], encoding="utf-8") as f:
        want = json.load(f)
    if isinstance(want, dict):
        want = [want]
    out = []
    diff("$", want, got, out)
    for line in out:
        print(line)
    sys.exit(1 if out else 0)


main()
