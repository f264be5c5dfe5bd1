#!/bin/sh
# bench/parse.sh BUILD_DIR: how fast owi-parse reads the SpamAssassin corpus,
# against two yardsticks run over the same 6046 files:
#   floor      BUILD_DIR/bench/floor (bench/floor.c): GMime parsing and the
#              decoding of every text part, the cost no GMime-based parser
#              can go under;
#   python     bench/py-parse.py: Python's email doing owi-parse's core.
# Each program runs 3 times; the best wall time counts, and the peak RSS
# (GNU time's %M) is the largest of the runs.  It builds nothing: make bench
# builds BUILD_DIR/bench/floor and BUILD_DIR/owi-parse first.
# The corpus is unpacked with scripts/corpus-unpack into $OWI_CORPUS_DIR
# (default BUILD_DIR/corpus); without the shared corpora the bench is skipped.
# Exit status: 0 (also when skipped), 64 usage, 69 a program is not built,
# 70 a program failed or did not read every mail.
set -eu

prog=parse.sh
runs=3

if [ $# -ne 1 ] || [ -z "$1" ]; then
	echo "usage: bench/parse.sh BUILD_DIR" >&2
	exit 64
fi
build=$1
here=$(dirname "$0")
root=$here/..
floor=$build/bench/floor
owi=$build/owi-parse
python=${PYTHON:-python3}
corpus=${OWI_CORPUS_DIR:-$build/corpus}

if [ ! -x /usr/bin/time ]; then
	echo "$prog: GNU time (/usr/bin/time) is needed for peak RSS" >&2
	exit 69
fi
for p in "$floor" "$owi"; do
	if [ ! -x "$p" ]; then
		echo "$prog: '$p' is not built: run make first" >&2
		exit 69
	fi
done

status=0
"$root/scripts/corpus-unpack" "$corpus" || status=$?
case $status in
0) ;;
69)
	echo "$prog: skipped: no corpora to benchmark on" >&2
	exit 0
	;;
*) exit "$status" ;;
esac

tmp=$(mktemp -d "${TMPDIR:-/tmp}/owi-bench.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM

dirs="easy_ham easy_ham_2 hard_ham spam spam_2"
set --
for d in $dirs; do
	set -- "$@" "$corpus/$d"
done
# The list of message files, made once; owi-parse reads the same files
# through its directory arguments (every regular file, in name order).
find "$@" -type f | LC_ALL=C sort >"$tmp/list"
mails=$(wc -l <"$tmp/list" | tr -d ' ')
# Reading every file once also warms the page cache for the first run.
bytes=$(xargs cat <"$tmp/list" | wc -c | tr -d ' ')

fail() {
	echo "$prog: $1" >&2
	if [ -s "$tmp/err" ]; then
		tail -n 5 "$tmp/err" >&2
	fi
	exit 70
}

# check NAME OUTPUT: a correctness run, untimed, that must cover every mail.
check() {
	name=$1
	got=$2
	if [ "$got" != "$mails" ]; then
		fail "$name read $got mails of $mails"
	fi
}

# measure NAME INPUT CMD...: run CMD 3 times with INPUT on stdin and stdout
# to /dev/null; sets best_ns (wall time) and rss_kib (peak RSS).
measure() {
	name=$1
	input=$2
	shift 2
	best_ns=
	rss_kib=0
	i=0
	while [ "$i" -lt "$runs" ]; do
		i=$((i + 1))
		t0=$(date +%s%N)
		rc=0
		/usr/bin/time -f '%M' -o "$tmp/rss" "$@" <"$input" \
		    >/dev/null 2>"$tmp/err" || rc=$?
		t1=$(date +%s%N)
		case $rc in
		0) ;;
		65) [ "$name" = owi-parse ] || fail "$name exited 65" ;;
		*) fail "$name exited $rc" ;;
		esac
		ns=$((t1 - t0))
		if [ -z "$best_ns" ] || [ "$ns" -lt "$best_ns" ]; then
			best_ns=$ns
		fi
		# GNU time writes "Command exited with non-zero status" first.
		kib=$(tail -n 1 "$tmp/rss")
		if [ "$kib" -gt "$rss_kib" ]; then
			rss_kib=$kib
		fi
	done
}

# The correctness runs: each program must see every mail.
"$floor" <"$tmp/list" >"$tmp/floor.out" 2>"$tmp/err" ||
    fail "floor exited $?"
check floor "$(sed -n 's/^\([0-9]*\) mails.*/\1/p' "$tmp/floor.out")"
rc=0
"$owi" "$@" >"$tmp/owi.jsonl" 2>"$tmp/err" || rc=$?
[ "$rc" -eq 0 ] || [ "$rc" -eq 65 ] || fail "owi-parse exited $rc"
check owi-parse "$(wc -l <"$tmp/owi.jsonl" | tr -d ' ')"
"$python" "$here/py-parse.py" <"$tmp/list" >"$tmp/py.jsonl" 2>"$tmp/err" ||
    fail "python exited $?"
check python "$(wc -l <"$tmp/py.jsonl" | tr -d ' ')"

measure floor "$tmp/list" "$floor"
floor_ns=$best_ns floor_rss=$rss_kib
measure owi-parse /dev/null "$owi" "$@"
owi_ns=$best_ns owi_rss=$rss_kib
measure python "$tmp/list" "$python" "$here/py-parse.py"
py_ns=$best_ns py_rss=$rss_kib

awk -v mails="$mails" -v bytes="$bytes" -v runs="$runs" \
    -v floor_ns="$floor_ns" -v floor_rss="$floor_rss" \
    -v owi_ns="$owi_ns" -v owi_rss="$owi_rss" \
    -v py_ns="$py_ns" -v py_rss="$py_rss" '
function row(name, ns, rss,  s) {
	s = ns / 1e9
	printf "%-10s %10.0f %8.1f %13.1f\n", name, mails / s, bytes / 1e6 / s, \
	    rss / 1024
}
BEGIN {
	printf "owi-parse over %d SpamAssassin mails (%.1f MB), best wall " \
	    "time of %d runs; baseline: floor (GMime parse + decode of every " \
	    "text part, bench/floor.c)\n", mails, bytes / 1e6, runs
	printf "%-10s %10s %8s %13s\n", "program", "mails/s", "MB/s", \
	    "peak RSS MiB"
	row("floor", floor_ns, floor_rss)
	row("owi-parse", owi_ns, owi_rss)
	row("python", py_ns, py_rss)
	printf "owi-parse / floor time: %.2f (aim <= 1.5)\n", owi_ns / floor_ns
	printf "python / owi-parse time: %.1f (aim >= 10)\n", py_ns / owi_ns
}'
