#!/bin/sh
# bench/route.sh BUILD_DIR: owi-route's decisions per second with the
# shipped rules, over the SpamAssassin corpus taken through the chain once
# (owi-parse, owi-classify, owi-extract, owi-shop on examples/shop.json),
# beside its baseline in the same run: reading and writing the same
# envelopes untouched (tests/helper/test-envelope).  Rules/s counts every
# rule a mail was tested against until one decided.
set -eu
build=${1:?usage: bench/route.sh BUILD_DIR}
here=$(cd "$(dirname "$0")" && pwd)
root=$here/..
corpus=${OWI_CORPUS_DIR:-$build/corpus}
"$root/scripts/corpus-unpack" "$corpus" || {
	echo "route: skipped: no corpora to benchmark on" >&2
	exit 0
}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/owi-bench.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
"$build/owi-parse" "$corpus"/easy_ham "$corpus"/hard_ham "$corpus"/spam |
    "$build/owi-classify" -r "$root/rules.d" -m "$build/model.owim" |
    "$build/owi-extract" -r "$root/rules.d" |
    "$build/owi-shop" -r "$root/rules.d" -f "$root/examples/shop.json" \
    >"$tmp/in.jsonl"
mails=$(wc -l <"$tmp/in.jsonl" | tr -d ' ')

. "$here/lib.sh"
base=$(best baseline "$build/tests/helper/test-envelope")
route=$(best owi-route "$build/owi-route" -r "$root/rules.d")
# The rules tested: up to and including the one that decided (all of
# them when none did), from the rule names in the shipped order.
rules=$(python3 - "$root/rules.d/30-routes.yaml" "$tmp/out.jsonl" <<'PY'
import json, re, sys
names = re.findall(r'^  - name: (\S+)', open(sys.argv[1], encoding="utf-8").read(), re.M)
n = 0
for line in open(sys.argv[2], encoding="utf-8"):
    rule = json.loads(line)["route"]["rule"]
    n += names.index(rule["name"]) + 1 if rule else len(names)
print(n)
PY
)
echo "owi-route over $mails SpamAssassin envelopes, shipped rules, best wall time of 3 runs; baseline: the same envelopes read and written untouched"
printf '%-12s %9s %10s %14s\n' program mails/s rules/s "peak RSS MiB"
echo "$base" | while read -r n t rss; do
	printf '%-12s %9.0f %10s %14.1f\n' "$n" "$(echo "$mails / $t" | bc -l)" - "$(echo "$rss / 1024" | bc -l)"
done
echo "$route" | while read -r n t rss; do
	printf '%-12s %9.0f %10.0f %14.1f\n' "$n" "$(echo "$mails / $t" | bc -l)" "$(echo "$rules / $t" | bc -l)" "$(echo "$rss / 1024" | bc -l)"
done
t_base=$(echo "$base" | cut -d' ' -f2)
t_route=$(echo "$route" | cut -d' ' -f2)
printf 'owi-route / baseline time: %.2f (%s rules tested)\n' "$(echo "$t_route / $t_base" | bc -l)" "$rules"
