#!/bin/sh
# bench/shop.sh BUILD_DIR: owi-shop's lookups against the PrestaShop test
# server (tests/servers/prestashop.py serving examples/shop.json), in
# envelopes/s and HTTP requests/s, beside its baseline in the same run:
# bench/shop-baseline.py, a plain keep-alive client, no cache, asking what
# the recipes of the Webservice spec (§10) need for each envelope.
# owi-shop runs without its cache (-n), then with it: once cold to fill
# it, then warm.  Requests are counted from the server's --verbose log.
# Each timed program runs 3 times; the best wall time counts, and the peak
# RSS (GNU time's %M) is the largest of the runs.
# Exit status: 0, 64 usage, 69 owi-shop or a tool is missing (the baseline
# is still measured), 70 a program failed or answered wrongly.
set -eu

prog=shop.sh
runs=3
envelopes=300

if [ $# -ne 1 ] || [ -z "$1" ]; then
	echo "usage: bench/shop.sh BUILD_DIR" >&2
	exit 64
fi
build=$1
here=$(cd "$(dirname "$0")" && pwd)
root=$here/..
shop=$build/owi-shop
data=$root/examples/shop.json

if [ ! -x /usr/bin/time ]; then
	echo "$prog: GNU time (/usr/bin/time) is needed for peak RSS" >&2
	exit 69
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/owi-bench.XXXXXX")
server=
trap '[ -z "$server" ] || kill "$server" 2>/dev/null || :; rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM

fail() {
	echo "$prog: $1" >&2
	if [ -s "$tmp/err" ]; then
		tail -n 5 "$tmp/err" >&2
	fi
	exit 70
}

python3 "$root/tests/servers/prestashop.py" --data "$data" --port 0 --verbose \
    >"$tmp/server.out" 2>"$tmp/server.log" &
server=$!
i=0
while ! grep -qs '^listening ' "$tmp/server.out"; do
	i=$((i + 1))
	if [ "$i" -gt 200 ] || ! kill -0 "$server" 2>/dev/null; then
		cp "$tmp/server.log" "$tmp/err"
		fail "the test server did not start"
	fi
	sleep 0.05
done
port=$(sed -n 's/^listening 127\.0\.0\.1:\([0-9]*\)$/\1/p' "$tmp/server.out")
url=http://127.0.0.1:$port/api/

# The envelopes: every order of the export in turn, from its customer,
# naming it by reference, id or tracking number (the reference when it
# has none), one in four also naming a product of the order.
python3 -c '
import json, sys
d = json.load(open(sys.argv[1], encoding="utf-8"))
orders, n = d["orders"], int(sys.argv[2])
for i in range(n):
    o = orders[i % len(orders)]
    kind = i // len(orders) % 4
    ent = {k: [] for k in ("order_reference", "order_id", "tracking_number",
                           "product_reference", "ean13")}
    if kind == 1:
        ent["order_id"] = [{"value": str(o["id"])}]
        said = "n° %d" % o["id"]
    elif kind == 2 and o["tracking_number"]:
        ent["tracking_number"] = [{"value": o["tracking_number"]}]
        said = "(colis %s)" % o["tracking_number"]
    else:
        ent["order_reference"] = [{"value": o["reference"]}]
        said = o["reference"]
    text = "Bonjour, où en est ma commande %s ?" % said
    if kind == 3:
        ref = o["lines"][0]["product_reference"]
        ent["product_reference"] = [{"value": ref}]
        text += " Le produit %s est-il encore en stock ?" % ref
    env = {"owi": 1, "id": "bench-%d" % (i + 1),
           "message": {"from": {"name": "%s %s" % (o["customer_firstname"],
                                                   o["customer_lastname"]),
                                "address": o["customer_email"]},
                       "subject": "Ma commande %s" % said, "new_text": text},
           "entities": ent}
    print(json.dumps(env, ensure_ascii=False))' "$data" "$envelopes" >"$tmp/in.jsonl"

export OWI_SHOP_KEY=OWITESTKEY0123456789ABCDEFGHIJKL
# The default rate limit (10/s) would measure the limit, not owi-shop.
export OWI_CONFIG="$tmp/config.yaml"
export XDG_CACHE_HOME="$tmp/xdg-cache"
printf 'shop:\n  rate: 0\n  cache_dir: %s/cache\n' "$tmp" >"$OWI_CONFIG"

requests() {
	grep -c '"GET ' "$tmp/server.log" || :
}

# measure NAME CMD...: run CMD $runs times, stdout to $tmp/NAME.out; sets
# best_ns (wall time), rss_kib (peak RSS) and reqs (requests of one run).
# The wall time is taken with date: %e has only centiseconds, too coarse
# for a warm cache.
measure() {
	name=$1
	shift
	best_ns=
	rss_kib=0
	i=0
	while [ "$i" -lt "$runs" ]; do
		i=$((i + 1))
		r0=$(requests)
		t0=$(date +%s%N)
		rc=0
		/usr/bin/time -f '%M' -o "$tmp/rss" "$@" <"$tmp/in.jsonl" \
		    >"$tmp/$name.out" 2>"$tmp/err" || rc=$?
		t1=$(date +%s%N)
		[ "$rc" -eq 0 ] || fail "$name exited $rc"
		reqs=$(($(requests) - r0))
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

# check NAME: owi-shop must find, for every envelope, the orders and
# products the baseline found, and fail none.
check() {
	python3 -c '
import json, sys
base = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8")]
got = [json.loads(l) for l in open(sys.argv[2], encoding="utf-8")]
if len(got) != len(base):
    sys.exit("%s wrote %d envelopes of %d" % (sys.argv[3], len(got), len(base)))
for b, e in zip(base, got):
    s = e.get("shop") or {}
    if s.get("failed"):
        sys.exit("%s: %s: shop.failed: %s" % (sys.argv[3], b["id"],
                 json.dumps(e.get("errors"), ensure_ascii=False)))
    orders = sorted(o["id"] for o in s.get("orders") or [])
    products = [p["reference"] for p in s.get("products") or []]
    if e.get("id") != b["id"] or orders != b["orders"] or products != b["products"]:
        sys.exit("%s: %s: orders %s, products %s; the baseline found %s, %s" % (
            sys.argv[3], b["id"], orders, products, b["orders"], b["products"]))
' "$tmp/baseline.out" "$tmp/$1.out" "$1" 2>"$tmp/err" ||
	    fail "$1: owi-shop disagrees with the baseline"
}

row() {
	awk -v name="$1" -v ns="$2" -v rss="$3" -v reqs="$4" -v n="$envelopes" \
	    -v base_ns="$base_ns" 'BEGIN {
		s = ns / 1e9
		printf "%-22s %11.0f %9d %11.0f %7.2f %13.1f\n", name, n / s, reqs, \
		    reqs / s, base_ns / ns, rss / 1024
	}'
}

measure baseline python3 "$here/shop-baseline.py" "$url"
base_ns=$best_ns base_rss=$rss_kib base_reqs=$reqs
[ "$(wc -l <"$tmp/baseline.out" | tr -d ' ')" -eq "$envelopes" ] ||
    fail "the baseline did not answer every envelope"

orders=$(python3 -c 'import json, sys
print(len(json.load(open(sys.argv[1], encoding="utf-8"))["orders"]))' "$data")
echo "owi-shop over $envelopes envelopes (the $orders orders of examples/shop.json in turn) against tests/servers/prestashop.py, best wall time of $runs runs (the cold cache: 1 run); baseline: a plain keep-alive client, no cache (bench/shop-baseline.py); speed: envelopes/s over the baseline's"
printf '%-22s %11s %9s %11s %7s %13s\n' program envelopes/s requests \
    requests/s speed "peak RSS MiB"
row baseline "$base_ns" "$base_rss" "$base_reqs"

if [ ! -x "$shop" ]; then
	echo "$prog: '$shop' is not built: run make first" >&2
	exit 69
fi
measure nocache "$shop" -r "$root/rules.d" -b prestashop -u "$url" -n
check nocache
nc_ns=$best_ns nc_rss=$rss_kib nc_reqs=$reqs
row "owi-shop no cache" "$nc_ns" "$nc_rss" "$nc_reqs"

# One run fills the cache; the timed ones after it read it.
runs_timed=$runs runs=1
measure cold "$shop" -r "$root/rules.d" -b prestashop -u "$url"
check cold
row "owi-shop cold cache" "$best_ns" "$rss_kib" "$reqs"
runs=$runs_timed
measure warm "$shop" -r "$root/rules.d" -b prestashop -u "$url"
check warm
warm_ns=$best_ns
row "owi-shop warm cache" "$warm_ns" "$rss_kib" "$reqs"

awk -v n="$envelopes" -v base_ns="$base_ns" -v nc_ns="$nc_ns" \
    -v warm_ns="$warm_ns" 'BEGIN {
	printf "owi-shop no cache: %.0f envelopes/s, %.2f× the baseline\n", \
	    n / (nc_ns / 1e9), base_ns / nc_ns
	printf "owi-shop warm cache: %.0f envelopes/s, %.2f× the baseline\n", \
	    n / (warm_ns / 1e9), base_ns / warm_ns
}'
