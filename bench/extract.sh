#!/bin/sh
# bench/extract.sh BUILD_DIR: owi-extract's throughput on the SpamAssassin
# corpus (envelopes made once by owi-parse), in mails/s, entities/s and
# peak memory, beside its baseline in the same run: reading and writing
# the same envelopes untouched (tests/helper/test-envelope), the cost of
# the JSON that no stage of the chain escapes.
set -eu
build=${1:?usage: bench/extract.sh BUILD_DIR}
here=$(cd "$(dirname "$0")" && pwd)
corpus=${OWI_CORPUS_DIR:-$build/corpus}
"$here/../scripts/corpus-unpack" "$corpus" || {
	echo "extract: skipped: no corpora to benchmark on" >&2
	exit 0
}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/owi-bench.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
"$build/owi-parse" "$corpus"/easy_ham "$corpus"/easy_ham_2 "$corpus"/hard_ham \
    "$corpus"/spam "$corpus"/spam_2 >"$tmp/in.jsonl"
mails=$(wc -l <"$tmp/in.jsonl" | tr -d ' ')

. "$here/lib.sh"
base=$(best baseline "$build/tests/helper/test-envelope")
ext=$(best owi-extract "$build/owi-extract" -r "$here/../rules.d")
entities=$(python3 -c '
import json, sys
n = 0
for line in open(sys.argv[1], encoding="utf-8"):
    n += sum(len(v) for v in json.loads(line)["entities"].values())
print(n)' "$tmp/out.jsonl")
echo "owi-extract over $mails SpamAssassin envelopes, best wall time of 3 runs; baseline: the same envelopes read and written untouched"
printf '%-12s %9s %12s %14s\n' program mails/s entities/s "peak RSS MiB"
echo "$base" | while read -r n t rss; do
	printf '%-12s %9.0f %12s %14.1f\n' "$n" "$(echo "$mails / $t" | bc -l)" - "$(echo "$rss / 1024" | bc -l)"
done
echo "$ext" | while read -r n t rss; do
	printf '%-12s %9.0f %12.0f %14.1f\n' "$n" "$(echo "$mails / $t" | bc -l)" "$(echo "$entities / $t" | bc -l)" "$(echo "$rss / 1024" | bc -l)"
done
t_base=$(echo "$base" | cut -d' ' -f2)
t_ext=$(echo "$ext" | cut -d' ' -f2)
printf 'owi-extract / baseline time: %.2f (%s entities found)\n' "$(echo "$t_ext / $t_base" | bc -l)" "$entities"
