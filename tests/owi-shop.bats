#!/usr/bin/env bats
# owi-shop: ask the shop what really happened to the order.
# Each expectation comes from man/owi-shop.1 ("the page") and from the
# data of examples/shop.json (orders 1035-1046); the shop servers are
# tests/servers/*.py, started as in servers.bats.

load test_helper
load servers/servers

EXPORT=$BATS_TEST_DIRNAME/../examples/shop.json
RULES=$BATS_TEST_DIRNAME/../rules.d
PSKEY=OWITESTKEY0123456789ABCDEFGHIJKL
WCKEY=ck_0123456789abcdef0123456789abcdef01234567:cs_0123456789abcdef0123456789abcdef01234567
LAPOSTE='https://www.laposte.fr/outils/suivre-vos-envois?code='

setup() {
	common_setup
	: >"$BATS_TEST_TMPDIR/pids"
	IN=$BATS_TEST_TMPDIR/in.jsonl
	OUT=$BATS_TEST_TMPDIR/out.jsonl
	: >"$IN"
	unset OWI_SHOP_KEY
	config
}

teardown() {
	stop_servers
}

# config [KEY=VALUE...]: the shop section of $OWI_CONFIG, fast and gentle
# defaults for tests (no rate limit, few retries, short backoff, a cache
# in the test's own directory); KEY= drops a key.
config() {
	local -A kv=([rate]=0 [retries]=1 [backoff]=0.1 [timeout]=5
	    [connect_timeout]=2 [cache_dir]="\"$BATS_TEST_TMPDIR/cache\"")
	local a k
	for a in "$@"; do
		kv[${a%%=*}]=${a#*=}
	done
	{
		echo 'shop:'
		for k in "${!kv[@]}"; do
			[ -z "${kv[$k]}" ] || printf '  %s: %s\n' "$k" "${kv[$k]}"
		done
	} >"$BATS_TEST_TMPDIR/config.yaml"
	export OWI_CONFIG=$BATS_TEST_TMPDIR/config.yaml
}

# mail ID ADDRESS LANG [TYPE=VALUE...]: appends to $IN an envelope as
# owi-extract writes it: every entity type a key, the values given found
# in the new text.  The sender's name is the export's, if any.
mail() {
	python3 - "$IN" "$EXPORT" "$@" <<'PY'
import json, sys
path, export, mid, address, lang, *given = sys.argv[1:]
names = {c["email"]: c["firstname"] + " " + c["lastname"]
         for c in json.load(open(export, encoding="utf-8"))["customers"]}
types = ["amount", "customer_name", "date", "ean13", "email", "iban",
         "order_id", "order_reference", "phone", "product_reference",
         "tracking_number"]
entities = {t: [] for t in types}
for g in given:
    t, _, v = g.partition("=")
    entities[t].append({"value": v, "raw": v, "from": "new_text"})
text = "Bonjour, où en est ma commande ? " + " ".join(g.partition("=")[2] for g in given)
env = {"owi": 1, "id": mid,
       "message": {"from": {"name": names.get(address), "address": address},
                   "subject": "Ma commande", "new_text": text},
       "classification": {"lang": lang}, "entities": entities}
with open(path, "a", encoding="utf-8") as f:
    f.write(json.dumps(env, ensure_ascii=False) + "\n")
PY
}

# keep [FILE]: the output of the last run into FILE (default $OUT).
keep() {
	printf '%s\n' "$output" >"${1:-$OUT}"
}



# prestashop NAME [ARGS...]: a PrestaShop server; $PS is its API URL and
# the key is in OWI_SHOP_KEY.
prestashop() {
	launch "$1" prestashop.py "${@:2}"
	ready "$1"
	local port=PORT_$1
	PS=http://127.0.0.1:${!port}/api/
	export OWI_SHOP_KEY=$PSKEY
}

woocommerce() {
	launch "$1" woocommerce.py "${@:2}"
	ready "$1"
	local port=PORT_$1
	WC=http://127.0.0.1:${!port}/wp-json/wc/v3/
	export OWI_SHOP_KEY=$WCKEY
}

# requests NAME: the requests a --verbose server logged, URL-decoded.
requests() {
	python3 - "$BATS_TEST_TMPDIR/$1.err" <<'PY'
import re, sys, urllib.parse
for line in open(sys.argv[1], encoding="utf-8", errors="replace"):
    m = re.search(r'"[A-Z]+ (\S+) HTTP/1\.[01]"', line)
    if m:
        print(urllib.parse.unquote_plus(m.group(1)))
PY
}

count_requests() {
	grep -c '"GET ' "$BATS_TEST_TMPDIR/$1.err" || true
}

free_port() {
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# same_shops A B EXPR: for each envelope of A and the one on the same line
# of B, EXPR over its shop key (s) gives the same value, compared
# canonically (key order and 65.6 against 65.60 do not matter); else the
# differences, with their line and path.
same_shops() {
	python3 - "$@" <<'PY'
import json, sys
a, b, expr = sys.argv[1:]
A = [json.loads(l) for l in open(a, encoding="utf-8")]
B = [json.loads(l) for l in open(b, encoding="utf-8")]
out = []
if len(A) != len(B):
    out.append("%d envelopes against %d" % (len(A), len(B)))
def num(x):
    return isinstance(x, (int, float)) and not isinstance(x, bool)
def diff(path, x, y):
    if num(x) and num(y):
        if abs(x - y) > 1e-9:
            out.append("%s: %r != %r" % (path, x, y))
    elif isinstance(x, dict) and isinstance(y, dict):
        for k in sorted(set(x) | set(y)):
            if k not in y or k not in x:
                out.append("%s.%s: only in %s: %s" % (path, k, a if k in x else b,
                           json.dumps((x if k in x else y)[k], ensure_ascii=False)))
            else:
                diff("%s.%s" % (path, k), x[k], y[k])
    elif isinstance(x, list) and isinstance(y, list):
        if len(x) != len(y):
            out.append("%s: %d items != %d: %s != %s" % (path, len(x), len(y),
                       json.dumps(x, ensure_ascii=False), json.dumps(y, ensure_ascii=False)))
        else:
            for i, (p, q) in enumerate(zip(x, y)):
                diff("%s[%d]" % (path, i), p, q)
    elif x != y or type(x) != type(y):
        out.append("%s: %s != %s" % (path, json.dumps(x, ensure_ascii=False),
                                     json.dumps(y, ensure_ascii=False)))
for n, (ea, eb) in enumerate(zip(A, B), 1):
    diff("line %d (%s) shop" % (n, ea.get("id")), eval(expr, {"s": ea.get("shop")}),
         eval(expr, {"s": eb.get("shop")}))
print("\n".join(out))
sys.exit(1 if out else 0)
PY
}

# The envelopes both the file and the PrestaShop backends are held to:
# every kind of lookup of the page's DESCRIPTION.
many_mails() {
	mail ref-fr jeanne.martin@example.fr fr order_reference=KHWLILZLL
	mail ref-en jeanne.martin@example.fr en order_reference=KHWLILZLL
	mail ref-de jeanne.martin@example.fr de order_reference=KHWLILZLL
	mail id john.smith@example.com en order_id=1042
	mail tracking jeanne.martin@example.fr fr tracking_number=6A12345678901
	mail sender jeanne.martin@example.fr fr
	mail accents francois@example.fr fr
	mail other jeanne.martin@example.fr fr order_reference=YTREZAQSD
	mail typo jeanne.martin@example.fr fr order_reference=KHWLILZLM order_id=9999
	mail refunded marie.lefebvre@example.fr fr order_id=1036
	mail canceled lucas.moreau@example.fr fr order_id=1037 order_id=1041
	mail processing emma.wilson@example.co.uk en order_id=1043
	mail products lucas.moreau@example.fr fr product_reference=ALPHA-02-NOIR \
	    product_reference=MUG-GRES-BLEU ean13=3760123450218 product_reference=NOPE-404
	mail hostile jeanne.martin@example.fr fr 'order_reference=KHWLILZLL]|[1041' \
	    'order_id=1040 OR 1=1' 'tracking_number=X&filter[id]=1'
	mail stranger nobody@example.org fr order_reference=PLKJHGFDR
}

# --- The file backend ----------------------------------------------------

@test "file: an order by its reference, the state in French for a French mail" {
	mail t1 jeanne.martin@example.fr fr order_reference=KHWLILZLL
	run --separate-stderr owi-shop -r "$RULES" -f "$EXPORT" "$IN"
	assert_success
	assert_equal "$stderr" ""
	keep
	run jget "$OUT" '[m["shop"]["backend"], m["shop"]["lang"], len(m["shop"]["orders"])]'
	assert_output '["file", "fr", 1]'
	run jget "$OUT" '[m["shop"]["orders"][0][k] for k in ("id", "reference", "matched_by", "matched_value", "belongs_to_sender")]'
	assert_output '[1040, "KHWLILZLL", "order_reference", "KHWLILZLL", true]'
	# "id: the shop's order number (a JSON number)"
	run jget "$OUT" 'type(m["shop"]["orders"][0]["id"]).__name__'
	assert_output int
	run jget "$OUT" 'm["shop"]["orders"][0]["customer"]'
	assert_output '{"email": "jeanne.martin@example.fr", "firstname": "Jeanne", "lastname": "Martin"}'
	run jget "$OUT" 'm["shop"]["orders"][0]["date"].startswith("2025-09-30T14:02:11")'
	assert_output true
	run jget "$OUT" '[m["shop"]["orders"][0]["state"][k] for k in ("name", "paid", "shipped", "delivered", "canceled", "refunded", "validated")]'
	assert_output '["Expédié", true, true, false, false, false, true]'
	run jget "$OUT" 'm["shop"]["orders"][0]["carrier"]'
	assert_output '{"id": "colissimo", "name": "Colissimo", "tracking_number": "6A12345678901", "tracking_url": "'"$LAPOSTE"'6A12345678901"}'
	run jget "$OUT" '[[l["product_reference"], l["name"], l["quantity"], round(float(l["unit_price"]), 2)] for l in m["shop"]["orders"][0]["lines"]]'
	assert_output '[["MUG-GRES-BLEU", "Mug en grès bleu", 2, 16.9], ["BOUGIE-FIGUE", "Bougie parfumée figue", 1, 24.9]]'
	run jget "$OUT" '[round(float(m["shop"]["orders"][0]["totals"][k]), 2) for k in ("paid", "products")]'
	assert_output '[65.6, 58.7]'
	run jget "$OUT" '[m["shop"].get("failed", False), m["shop"]["not_found"]]'
	assert_output '[false, []]'
}

@test "file: state names in the mail's language, else the configured one" {
	# "lang: the mail's language (classification.lang) when the shop has
	# it, else language from the configuration"; the export has fr and en.
	mail en jeanne.martin@example.fr en order_reference=KHWLILZLL
	mail de jeanne.martin@example.fr de order_reference=KHWLILZLL
	run --separate-stderr owi-shop -r "$RULES" -f "$EXPORT" "$IN"
	assert_success
	keep
	run jget "$OUT" '[m["shop"]["lang"], m["shop"]["orders"][0]["state"]["name"]]' 1
	assert_output '["en", "Shipped"]'
	# The configuration's default language is fr.
	run jget "$OUT" '[m["shop"]["lang"], m["shop"]["orders"][0]["state"]["name"]]' 2
	assert_output '["fr", "Expédié"]'
	config language=en
	run --separate-stderr owi-shop -r "$RULES" -f "$EXPORT" "$IN"
	assert_success
	keep
	run jget "$OUT" '[m["shop"]["lang"], m["shop"]["orders"][0]["state"]["name"]]' 2
	assert_output '["en", "Shipped"]'
}

@test "file: an order by its number" {
	mail t1 john.smith@example.com en order_id=1042
	run --separate-stderr owi-shop -r "$RULES" -f "$EXPORT" "$IN"
	assert_success
	keep
	run jget "$OUT" '[(o["id"], o["reference"], o["matched_by"], o["matched_value"], o["belongs_to_sender"]) for o in m["shop"]["orders"]]'
	assert_output '[[1042, "YTREZAQSD", "order_id", "1042", true]]'
	run jget "$OUT" '[m["shop"]["orders"][0]["state"][k] for k in ("name", "shipped", "delivered")]'
	assert_output '["Delivered", true, true]'
	run jget "$OUT" 'm["shop"]["orders"][0]["carrier"]'
	assert_output '{"id": "chronopost", "name": "Chronopost", "tracking_number": "XW512983746FR", "tracking_url": "https://www.chronopost.fr/tracking-no-cms/suivi-page?listeNumerosLT=XW512983746FR"}'
}

@test "file: an order by its tracking number" {
	mail t1 jeanne.martin@example.fr fr tracking_number=6A12345678901
	run --separate-stderr owi-shop -r "$RULES" -f "$EXPORT" "$IN"
	assert_success
	keep
	run jget "$OUT" '[(o["id"], o["matched_by"], o["matched_value"]) for o in m["shop"]["orders"]]'
	assert_output '[[1040, "tracking_number", "6A12345678901"]]'
}

@test "file: a reference wins over the id and the tracking number of the same order" {
	# "Orders are looked up in order of trust ... each order_id not
	# already found; each tracking_number not already found"
	mail t1 jeanne.martin@example.fr fr tracking_number=6A12345678901 order_id=1040 order_reference=KHWLILZLL
	run --separate-stderr owi-shop -r "$RULES" -f "$EXPORT" "$IN"
	assert_success
	keep
	run jget "$OUT" '[(o["id"], o["matched_by"]) for o in m["shop"]["orders"]]'
	assert_output '[[1040, "order_reference"]]'
}

@test "file: a mail that names no order gets the sender's most recent orders" {
	mail t1 jeanne.martin@example.fr fr
	run --separate-stderr owi-shop -r "$RULES" -f "$EXPORT" "$IN"
	assert_success
	keep
	run jget "$OUT" 'sorted((o["id"], o["matched_by"], o["matched_value"], o["belongs_to_sender"]) for o in m["shop"]["orders"])'
	assert_output '[[1035, "sender", "jeanne.martin@example.fr", true], [1039, "sender", "jeanne.martin@example.fr", true], [1040, "sender", "jeanne.martin@example.fr", true]]'
	# "recent_orders: how many of the sender's orders to look up"
	config recent_orders=2
	run --separate-stderr owi-shop -r "$RULES" -f "$EXPORT" "$IN"
	assert_success
	keep
	run jget "$OUT" 'sorted(o["id"] for o in m["shop"]["orders"])'
	assert_output '[1039, 1040]'
}

@test "file: another customer's order is kept, not the sender's" {
	# "an order placed by another customer is kept, with belongs_to_sender false"
	mail t1 jeanne.martin@example.fr fr order_reference=YTREZAQSD
	run --separate-stderr owi-shop -r "$RULES" -f "$EXPORT" "$IN"
	assert_success
	keep
	run jget "$OUT" '[(o["id"], o["belongs_to_sender"], o["customer"]["email"]) for o in m["shop"]["orders"]]'
	assert_output '[[1042, false, "john.smith@example.com"]]'
	# The sender is still the customer the shop knows.
	run jget "$OUT" 'm["shop"]["customer"]["email"]'
	assert_output jeanne.martin@example.fr
}

@test "file: a reference with a typo is listed in not_found" {
	# "not_found: the identifiers the shop does not know ... A customer's
	# typo shows here."  They were sent, so not refused.
	mail t1 jeanne.martin@example.fr fr order_reference=KHWLILZLM order_id=9999
	run --separate-stderr owi-shop -r "$RULES" -f "$EXPORT" "$IN"
	assert_success
	keep
	run jget "$OUT" 'sorted((e["type"], e["value"], e.get("refused", False)) for e in m["shop"]["not_found"])'
	assert_output '[["order_id", "9999", false], ["order_reference", "KHWLILZLM", false]]'
	# Nothing was found by them; the sender's orders stand in.
	run jget "$OUT" 'sorted({o["matched_by"] for o in m["shop"]["orders"]})'
	assert_output '["sender"]'
}

@test "file: state flags follow the state of each order" {
	# PrestaShop's default states: Refunded, Canceled, Awaiting bank wire,
	# Processing in progress, Delivered; delivered, canceled, refunded from
	# the default state ids [5], [6], [7].
	mail t1 marie.lefebvre@example.fr fr order_id=1036
	mail t2 lucas.moreau@example.fr fr order_id=1037 order_id=1041
	mail t3 emma.wilson@example.co.uk en order_id=1043
	mail t4 john.smith@example.com en order_id=1042
	run --separate-stderr owi-shop -r "$RULES" -f "$EXPORT" "$IN"
	assert_success
	keep
	flags='[[o["id"], o["state"]["name"]] + [o["state"][k] for k in ("paid", "shipped", "delivered", "canceled", "refunded", "validated")] for o in m["shop"]["orders"]]'
	run jget "$OUT" "$flags" 1
	assert_output '[[1036, "Remboursé", false, false, false, false, true, false]]'
	run jget "$OUT" "$flags" 2
	assert_output '[[1037, "Annulé", false, false, false, true, false, false], [1041, "En attente de virement bancaire", false, false, false, false, false, false]]'
	run jget "$OUT" "$flags" 3
	assert_output '[[1043, "Processing in progress", true, false, false, false, false, true]]'
	run jget "$OUT" "$flags" 4
	assert_output '[[1042, "Delivered", true, true, true, false, false, true]]'
}

@test "file: no tracking number, no tracking URL" {
	# "tracking_number (or null) and tracking_url ... null without a
	# tracking number"
	mail t1 lucas.moreau@example.fr fr order_id=1037
	run --separate-stderr owi-shop -r "$RULES" -f "$EXPORT" "$IN"
	assert_success
	keep
	run jget "$OUT" 'm["shop"]["orders"][0]["carrier"]'
	assert_output '{"id": "colissimo", "name": "Colissimo", "tracking_number": null, "tracking_url": null}'
}

@test "file: products with their stock; the black lamp is out of stock" {
	mail t1 lucas.moreau@example.fr fr product_reference=ALPHA-02-NOIR product_reference=MUG-GRES-BLEU ean13=3760123450218 product_reference=NOPE-404
	run --separate-stderr owi-shop -r "$RULES" -f "$EXPORT" "$IN"
	assert_success
	keep
	run jget "$OUT" 'sorted([p["reference"], p["ean13"], p["name"], round(float(p["price"]), 2), p["stock"], p["in_stock"], p["matched_by"], p["matched_value"]] for p in m["shop"]["products"])'
	assert_output '[["ALPHA-02", "3760123450218", "Lampe ALPHA-02 blanche", 59.9, 12, true, "ean13", "3760123450218"], ["ALPHA-02-NOIR", "3760123450287", "Lampe ALPHA-02 noire", 59.9, 0, false, "product_reference", "ALPHA-02-NOIR"], ["MUG-GRES-BLEU", "3760123450355", "Mug en grès bleu", 16.9, 38, true, "product_reference", "MUG-GRES-BLEU"]]'
	run jget "$OUT" '[(e["type"], e["value"]) for e in m["shop"]["not_found"]]'
	assert_output '[["product_reference", "NOPE-404"]]'
}

@test "file: the customer with the history of their orders" {
	# "customer: ... orders (how many), first_order, last_order (dates),
	# total_spent (the orders in a validated state)": Jeanne has 1035
	# Delivered 56.70, 1039 Delivered 30.00, 1040 Shipped 65.60.
	mail jeanne jeanne.martin@example.fr fr
	# Lucas: 1037 Canceled and 1041 Awaiting bank wire, none validated.
	mail lucas lucas.moreau@example.fr fr
	mail nobody nobody@example.org fr
	run --separate-stderr owi-shop -r "$RULES" -f "$EXPORT" "$IN"
	assert_success
	keep
	run jget "$OUT" '[m["shop"]["customer"][k] for k in ("email", "firstname", "lastname", "orders")] + [m["shop"]["customer"]["first_order"][:10], m["shop"]["customer"]["last_order"][:10], round(float(m["shop"]["customer"]["total_spent"]), 2)]' 1
	assert_output '["jeanne.martin@example.fr", "Jeanne", "Martin", 3, "2025-08-18", "2025-09-30", 152.3]'
	run jget "$OUT" '[m["shop"]["customer"]["orders"], float(m["shop"]["customer"]["total_spent"])]' 2
	assert_output '[2, 0.0]'
	run jget "$OUT" '[m["shop"]["customer"], m["shop"]["orders"]]' 3
	assert_output '[null, []]'
}

@test "file: hostile identifiers are refused and never found" {
	# "no identifier may hold [ ] | % , ! < > or a control character ...
	# an order id is digits; the others are listed in not_found with
	# refused true."
	mail t1 jeanne.martin@example.fr fr 'order_reference=KHWLILZLL]|[1041' 'order_id=1040 OR 1=1' \
	    'tracking_number=X&filter[id]=1' 'product_reference=ALPHA-02%'
	run --separate-stderr owi-shop -r "$RULES" -f "$EXPORT" "$IN"
	assert_success
	keep
	run jget "$OUT" 'sorted((e["type"], e["value"], e.get("refused")) for e in m["shop"]["not_found"])'
	assert_output '[["order_id", "1040 OR 1=1", true], ["order_reference", "KHWLILZLL]|[1041", true], ["product_reference", "ALPHA-02%", true], ["tracking_number", "X&filter[id]=1", true]]'
	run jget "$OUT" '[(o["id"], o["matched_by"]) for o in m["shop"]["orders"] if o["matched_by"] != "sender" or o["id"] == 1041]'
	assert_output '[]'
	run jget "$OUT" 'm["shop"]["products"]'
	assert_output '[]'
}

# --- The PrestaShop backend ----------------------------------------------

@test "prestashop: an order by its reference, its state, carrier and lines" {
	prestashop ps
	mail t1 jeanne.martin@example.fr fr order_reference=KHWLILZLL
	mail t2 jeanne.martin@example.fr en order_reference=KHWLILZLL
	run --separate-stderr owi-shop -r "$RULES" -b prestashop -u "$PS" "$IN"
	assert_success
	assert_equal "$stderr" ""
	keep
	run jget "$OUT" '[m["shop"]["backend"], m["shop"]["lang"]] + [m["shop"]["orders"][0][k] for k in ("id", "reference", "matched_by", "belongs_to_sender")]'
	assert_output '["prestashop", "fr", 1040, "KHWLILZLL", "order_reference", true]'
	# "state: id (the backend's: a PrestaShop state id ...)": 4 is Shipped.
	run jget "$OUT" '[m["shop"]["orders"][0]["state"][k] for k in ("name", "shipped", "delivered")]'
	assert_output '["Expédié", true, false]'
	run jget "$OUT" 'str(m["shop"]["orders"][0]["state"]["id"])'
	assert_output 4
	run jget "$OUT" '[m["shop"]["lang"], m["shop"]["orders"][0]["state"]["name"]]' 2
	assert_output '["en", "Shipped"]'
	# "the shop's own tracking link (PrestaShop's carrier url with @ replaced)"
	run jget "$OUT" 'm["shop"]["orders"][0]["carrier"]'
	assert_output '{"id": "colissimo", "name": "Colissimo", "tracking_number": "6A12345678901", "tracking_url": "'"$LAPOSTE"'6A12345678901"}'
	run jget "$OUT" '[[l["product_reference"], l["quantity"], round(float(l["unit_price"]), 2)] for l in m["shop"]["orders"][0]["lines"]]'
	assert_output '[["MUG-GRES-BLEU", 2, 16.9], ["BOUGIE-FIGUE", 1, 24.9]]'
}

@test "prestashop: by number, tracking number, sender; another's order; a typo" {
	prestashop ps
	mail id john.smith@example.com en order_id=1042
	mail tracking jeanne.martin@example.fr fr tracking_number=6A12345678901
	mail sender jeanne.martin@example.fr fr
	mail other jeanne.martin@example.fr fr order_reference=YTREZAQSD
	mail typo jeanne.martin@example.fr fr order_reference=KHWLILZLM
	run --separate-stderr owi-shop -r "$RULES" -b prestashop -u "$PS" "$IN"
	assert_success
	keep
	run jget "$OUT" '[(o["id"], o["matched_by"], o["state"]["delivered"]) for o in m["shop"]["orders"]]' 1
	assert_output '[[1042, "order_id", true]]'
	run jget "$OUT" '[(o["id"], o["matched_by"]) for o in m["shop"]["orders"]]' 2
	assert_output '[[1040, "tracking_number"]]'
	run jget "$OUT" 'sorted((o["id"], o["matched_by"]) for o in m["shop"]["orders"])' 3
	assert_output '[[1035, "sender"], [1039, "sender"], [1040, "sender"]]'
	run jget "$OUT" '[(o["id"], o["belongs_to_sender"]) for o in m["shop"]["orders"]]' 4
	assert_output '[[1042, false]]'
	run jget "$OUT" '[(e["type"], e["value"]) for e in m["shop"]["not_found"]]' 5
	assert_output '[["order_reference", "KHWLILZLM"]]'
}

@test "prestashop: stock, prices with tax, and the customer's history" {
	# "vat_rate: percent added to PrestaShop's product prices, which are
	# without tax (default 20)"
	prestashop ps
	mail t1 jeanne.martin@example.fr fr product_reference=ALPHA-02-NOIR ean13=3760123450355
	run --separate-stderr owi-shop -r "$RULES" -b prestashop -u "$PS" "$IN"
	assert_success
	keep
	run jget "$OUT" 'sorted([p["reference"], round(float(p["price"]), 2), p["stock"], p["in_stock"], p["matched_by"]] for p in m["shop"]["products"])'
	assert_output '[["ALPHA-02-NOIR", 59.9, 0, false, "product_reference"], ["MUG-GRES-BLEU", 16.9, 38, true, "ean13"]]'
	run jget "$OUT" '[m["shop"]["customer"][k] for k in ("email", "orders")] + [round(float(m["shop"]["customer"]["total_spent"]), 2)]'
	assert_output '["jeanne.martin@example.fr", 3, 152.3]'
}

@test "prestashop 8.2: the shop key is the file backend's, but for backend" {
	# SHOP-EXPORT FORMAT: "The same file can be served by the PrestaShop
	# and WooCommerce test servers ..., and both backends then give the
	# same shop key."
	prestashop ps -V 8
	many_mails
	run --separate-stderr owi-shop -r "$RULES" -f "$EXPORT" "$IN"
	assert_success
	keep "$BATS_TEST_TMPDIR/file.jsonl"
	run --separate-stderr owi-shop -r "$RULES" -b prestashop -u "$PS" "$IN"
	assert_success
	assert_equal "$stderr" ""
	keep "$BATS_TEST_TMPDIR/ps.jsonl"
	run jget "$BATS_TEST_TMPDIR/ps.jsonl" 'm["shop"]["backend"]'
	assert_output prestashop
	run same_shops "$BATS_TEST_TMPDIR/file.jsonl" "$BATS_TEST_TMPDIR/ps.jsonl" '{k: v for k, v in s.items() if k != "backend"}'
	assert_success
}

@test "prestashop 1.7.8: the shop key is the file backend's, but for backend" {
	# 1.7 keeps falsy fields and reads orders.shipping_number from the
	# legacy column (the spec's §11); the answer must not change.
	prestashop ps -V 1.7
	many_mails
	run --separate-stderr owi-shop -r "$RULES" -f "$EXPORT" "$IN"
	assert_success
	keep "$BATS_TEST_TMPDIR/file.jsonl"
	run --separate-stderr owi-shop -r "$RULES" -b prestashop -u "$PS" "$IN"
	assert_success
	assert_equal "$stderr" ""
	keep "$BATS_TEST_TMPDIR/ps.jsonl"
	run same_shops "$BATS_TEST_TMPDIR/file.jsonl" "$BATS_TEST_TMPDIR/ps.jsonl" '{k: v for k, v in s.items() if k != "backend"}'
	assert_success
}

@test "prestashop 9.0: the shop key is the file backend's, but for backend" {
	prestashop ps -V 9
	many_mails
	run --separate-stderr owi-shop -r "$RULES" -f "$EXPORT" "$IN"
	assert_success
	keep "$BATS_TEST_TMPDIR/file.jsonl"
	run --separate-stderr owi-shop -r "$RULES" -b prestashop -u "$PS" "$IN"
	assert_success
	assert_equal "$stderr" ""
	keep "$BATS_TEST_TMPDIR/ps.jsonl"
	run same_shops "$BATS_TEST_TMPDIR/file.jsonl" "$BATS_TEST_TMPDIR/ps.jsonl" '{k: v for k, v in s.items() if k != "backend"}'
	assert_success
}

@test "prestashop: a shop that is down: unreachable, failed, exit 0; -t exits 75" {
	# "The exit status stays 0 unless -t or tempfail asks for 75"; "then
	# orders, products and customer are absent (nothing is guessed)"
	export OWI_SHOP_KEY=$PSKEY
	local url
	url=http://127.0.0.1:$(free_port)/api/
	mail t1 jeanne.martin@example.fr fr order_reference=KHWLILZLL
	run --separate-stderr owi-shop -r "$RULES" -b prestashop -u "$url" "$IN"
	assert_success
	keep
	run jget "$OUT" '[m["shop"]["failed"], sorted({k for k in ("orders", "products", "customer") if k in m["shop"]})]'
	assert_output '[true, []]'
	run jget "$OUT" 'sorted({(e["stage"], e["code"]) for e in m["errors"]})'
	assert_output '[["owi-shop", "unreachable"]]'
	run --separate-stderr owi-shop -t -r "$RULES" -b prestashop -u "$url" "$IN"
	assert_failure 75
	keep
	run jget "$OUT" 'm["shop"]["failed"]'
	assert_output true
	config tempfail=true
	run --separate-stderr owi-shop -r "$RULES" -b prestashop -u "$url" "$IN"
	assert_failure 75
}

@test "prestashop: a slow shop times out" {
	# "timeout: no answer within timeout seconds, after the retries"
	prestashop slow --delay 3
	config timeout=1 retries=0
	mail t1 jeanne.martin@example.fr fr order_reference=KHWLILZLL
	run --separate-stderr owi-shop -r "$RULES" -b prestashop -u "$PS" "$IN"
	assert_success
	keep
	run jget "$OUT" '[m["shop"]["failed"], sorted({(e["stage"], e["code"]) for e in m["errors"]})]'
	assert_output '[true, [["owi-shop", "timeout"]]]'
}

@test "prestashop: a wrong key is code auth" {
	# "auth: 401 or 403: the key is wrong, inactive, or lacks a permission"
	prestashop ps
	export OWI_SHOP_KEY=ABCDEFGHIJKLMNOPQRSTUVWXYZ012345
	mail t1 jeanne.martin@example.fr fr order_reference=KHWLILZLL
	run --separate-stderr owi-shop -r "$RULES" -b prestashop -u "$PS" "$IN"
	assert_success
	keep
	run jget "$OUT" '[m["shop"]["failed"], sorted({(e["stage"], e["code"]) for e in m["errors"]})]'
	assert_output '[true, [["owi-shop", "auth"]]]'
}

@test "prestashop: a disabled webservice (503) is code unavailable, after the retries" {
	# "unavailable: 503 ... after the retries"; "5xx answers are retried
	# retries times"
	prestashop down --fail-status 503 --verbose
	config retries=2
	mail t1 jeanne.martin@example.fr fr order_reference=KHWLILZLL
	run --separate-stderr owi-shop -r "$RULES" -b prestashop -u "$PS" "$IN"
	assert_success
	keep
	run jget "$OUT" '[m["shop"]["failed"], sorted({(e["stage"], e["code"]) for e in m["errors"]})]'
	assert_output '[true, [["owi-shop", "unavailable"]]]'
	# The first request was sent once and retried twice.
	local first
	first=$(requests down | head -1)
	run grep -cxF "$first" <(requests down)
	assert_output 3
}

@test "prestashop: hostile identifiers never reach the shop" {
	prestashop ps --verbose
	mail t1 jeanne.martin@example.fr fr 'order_reference=KHWLILZLL]|[1041' 'order_id=1040 OR 1=1' \
	    'tracking_number=X&filter[id]=1' product_reference=MUG-GRES-BLEU
	run --separate-stderr owi-shop -r "$RULES" -b prestashop -u "$PS" "$IN"
	assert_success
	keep
	run jget "$OUT" 'sorted((e["type"], e["value"], e.get("refused")) for e in m["shop"]["not_found"])'
	assert_output '[["order_id", "1040 OR 1=1", true], ["order_reference", "KHWLILZLL]|[1041", true], ["tracking_number", "X&filter[id]=1", true]]'
	run jget "$OUT" '[o["id"] for o in m["shop"]["orders"] if o["matched_by"] != "sender" or o["id"] == 1041]'
	assert_output '[]'
	# The shop was asked (the product, the sender), never with those values.
	requests ps >"$BATS_TEST_TMPDIR/requests"
	run grep -c . "$BATS_TEST_TMPDIR/requests"
	refute_output 0
	run grep -F -e ']|[' -e '1041' -e ' OR ' -e 'X&filter' "$BATS_TEST_TMPDIR/requests"
	assert_output ''
}

@test "prestashop: a second run is answered from the cache; -n asks the shop" {
	# "answers are kept in an on-disk cache for cache_ttl seconds";
	# "-n: neither read nor write the cache"
	prestashop ps --verbose
	mail t1 jeanne.martin@example.fr fr order_reference=KHWLILZLL product_reference=ALPHA-02-NOIR
	run --separate-stderr owi-shop -r "$RULES" -b prestashop -u "$PS" "$IN"
	assert_success
	keep "$BATS_TEST_TMPDIR/first.jsonl"
	local n1 n2 n3
	n1=$(count_requests ps)
	[ "$n1" -gt 0 ]
	run --separate-stderr owi-shop -r "$RULES" -b prestashop -u "$PS" "$IN"
	assert_success
	keep "$BATS_TEST_TMPDIR/second.jsonl"
	n2=$(count_requests ps)
	assert_equal "$n2" "$n1"
	run same_shops "$BATS_TEST_TMPDIR/first.jsonl" "$BATS_TEST_TMPDIR/second.jsonl" 's'
	assert_success
	run --separate-stderr owi-shop -n -r "$RULES" -b prestashop -u "$PS" "$IN"
	assert_success
	n3=$(count_requests ps)
	[ "$n3" -gt "$n2" ]
}

@test "prestashop: a key file readable by others is refused, exit 78" {
	# "key_file: ... The file must not be readable by group or others."
	prestashop ps
	unset OWI_SHOP_KEY
	local key=$BATS_TEST_TMPDIR/shop.key
	printf '%s\n' "$PSKEY" >"$key"
	chmod 644 "$key"
	mail t1 jeanne.martin@example.fr fr order_reference=KHWLILZLL
	run --separate-stderr owi-shop -r "$RULES" -b prestashop -u "$PS" -k "$key" "$IN"
	assert_failure 78
	[[ $stderr == "owi-shop: "*"$key"* ]]
	chmod 600 "$key"
	run --separate-stderr owi-shop -r "$RULES" -b prestashop -u "$PS" -k "$key" "$IN"
	assert_success
	keep
	run jget "$OUT" '[o["id"] for o in m["shop"]["orders"]]'
	assert_output '[1040]'
}

@test "prestashop: no url is a configuration error, exit 78" {
	export OWI_SHOP_KEY=$PSKEY
	config backend=prestashop
	mail t1 jeanne.martin@example.fr fr order_reference=KHWLILZLL
	run --separate-stderr owi-shop -r "$RULES" "$IN"
	assert_failure 78
	[[ $stderr == "owi-shop: "* ]]
}

@test "open customer-service threads: the export's and PrestaShop's agree" {
	# owi-shop(1): "open_threads: how many of the customer's threads are
	# not closed"; examples/shop.json: Jeanne one open and one closed,
	# John one pending1, Paul one closed, Emma none.
	mail t1 jeanne.martin@example.fr fr
	mail t2 john.smith@example.com en
	mail t3 paul.durand@example.fr fr
	mail t4 emma.wilson@example.co.uk en
	run --separate-stderr owi-shop -r "$RULES" -f "$EXPORT" "$IN"
	assert_success
	keep "$BATS_TEST_TMPDIR/file.jsonl"
	for n in 1 2 3 4; do
		run jget "$BATS_TEST_TMPDIR/file.jsonl" 'm["shop"]["customer"]["open_threads"]' "$n"
		assert_output "$(echo 1 1 0 0 | cut -d' ' -f"$n")"
	done
	prestashop ps
	run --separate-stderr owi-shop -r "$RULES" -b prestashop -u "$PS" "$IN"
	assert_success
	keep "$BATS_TEST_TMPDIR/ps.jsonl"
	for n in 1 2 3 4; do
		run jget "$BATS_TEST_TMPDIR/ps.jsonl" 'm["shop"]["customer"]["open_threads"]' "$n"
		assert_output "$(echo 1 1 0 0 | cut -d' ' -f"$n")"
	done
}

@test "a wrong value or an unknown key in the configuration: file:line:col, exit 78" {
	mail t1 jeanne.martin@example.fr fr order_reference=KHWLILZLL
	printf 'shop:\n  backend: file\n  retries: many\n' >"$BATS_TEST_TMPDIR/bad.yaml"
	run --separate-stderr owi-shop -c "$BATS_TEST_TMPDIR/bad.yaml" -r "$RULES" -f "$EXPORT" "$IN"
	assert_failure 78
	assert_equal "$stderr" "owi-shop: $BATS_TEST_TMPDIR/bad.yaml:3:12: 'shop.retries' must be a number from 0 to 10"
	printf 'shop:\n  timout: 3\n' >"$BATS_TEST_TMPDIR/bad.yaml"
	run --separate-stderr owi-shop -c "$BATS_TEST_TMPDIR/bad.yaml" -r "$RULES" -f "$EXPORT" "$IN"
	assert_failure 78
	assert_equal "$stderr" "owi-shop: $BATS_TEST_TMPDIR/bad.yaml:2:3: unknown key 'shop.timout'"
	printf 'shop:\n  url: [a\n' >"$BATS_TEST_TMPDIR/bad.yaml"
	run --separate-stderr owi-shop -c "$BATS_TEST_TMPDIR/bad.yaml" -r "$RULES" -f "$EXPORT" "$IN"
	assert_failure 78
	[[ $stderr == "owi-shop: $BATS_TEST_TMPDIR/bad.yaml:3:"* ]]
}

@test "a broken shop export is a configuration error naming the file and the place" {
	mail t1 jeanne.martin@example.fr fr order_reference=KHWLILZLL
	printf '{"shop": {"name": "x", "languages": ["fr"]},\n "orders": [}\n' >"$BATS_TEST_TMPDIR/bad.json"
	run --separate-stderr owi-shop -r "$RULES" -f "$BATS_TEST_TMPDIR/bad.json" "$IN"
	assert_failure 78
	[[ $stderr == "owi-shop: $BATS_TEST_TMPDIR/bad.json:2:"* ]]
	python3 - "$EXPORT" "$BATS_TEST_TMPDIR/bad.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1], encoding="utf-8"))
d["orders"][2]["state"] = "Lost at sea"
json.dump(d, open(sys.argv[2], "w", encoding="utf-8"))
PY
	run --separate-stderr owi-shop -r "$RULES" -f "$BATS_TEST_TMPDIR/bad.json" "$IN"
	assert_failure 78
	assert_equal "$stderr" "owi-shop: $BATS_TEST_TMPDIR/bad.json: orders[2]: \"state\" is not a PrestaShop default state"
}

# --- The WooCommerce backend ---------------------------------------------

@test "woocommerce: an order by its number, completed read as shipped" {
	# CAVEATS: "its completed status is read as shipped, not delivered";
	# "reference: the order reference (... WooCommerce: its number)"
	woocommerce wc
	mail t1 john.smith@example.com en order_id=1042
	run --separate-stderr owi-shop -r "$RULES" -b woocommerce -u "$WC" "$IN"
	assert_success
	assert_equal "$stderr" ""
	keep
	run jget "$OUT" '[m["shop"]["backend"]] + [m["shop"]["orders"][0][k] for k in ("id", "reference", "matched_by", "belongs_to_sender")]'
	assert_output '["woocommerce", 1042, "1042", "order_id", true]'
	run jget "$OUT" '[m["shop"]["orders"][0]["state"][k] for k in ("id", "shipped", "delivered", "canceled")]'
	assert_output '["completed", true, false, false]'
	run jget "$OUT" '[[l["product_reference"], l["quantity"], round(float(l["unit_price"]), 2)] for l in m["shop"]["orders"][0]["lines"]]'
	assert_output '[["TSH-BLU-L", 1, 79.0]]'
}

@test "woocommerce: the sender's orders" {
	woocommerce wc
	mail t1 jeanne.martin@example.fr fr
	run --separate-stderr owi-shop -r "$RULES" -b woocommerce -u "$WC" "$IN"
	assert_success
	keep
	run jget "$OUT" 'sorted((o["id"], o["matched_by"], o["belongs_to_sender"]) for o in m["shop"]["orders"])'
	assert_output '[[1035, "sender", true], [1039, "sender", true], [1040, "sender", true]]'
	run jget "$OUT" '[(o["id"], o["state"]["id"], o["state"]["shipped"]) for o in m["shop"]["orders"] if o["id"] == 1040]'
	assert_output '[[1040, "completed", true]]'
}

@test "woocommerce: the tracking number from the Shipment Tracking items" {
	# CAVEATS: "a tracking number [is matched] against the Shipment
	# Tracking items of the sender's orders"
	woocommerce wc
	mail t1 jeanne.martin@example.fr fr tracking_number=6A12345678901
	mail t2 jeanne.martin@example.fr fr order_id=1039
	run --separate-stderr owi-shop -r "$RULES" -b woocommerce -u "$WC" "$IN"
	assert_success
	keep
	run jget "$OUT" '[(o["id"], o["matched_by"]) for o in m["shop"]["orders"]]'
	assert_output '[[1040, "tracking_number"]]'
	run jget "$OUT" 'm["shop"]["orders"][0]["carrier"]'
	assert_output '{"id": "colissimo", "name": "Colissimo", "tracking_number": "6A12345678901", "tracking_url": "'"$LAPOSTE"'6A12345678901"}'
	run jget "$OUT" 'm["shop"]["orders"][0]["carrier"]' 2
	assert_output '{"id": "mondial_relay", "name": "Mondial Relay", "tracking_number": "35120987", "tracking_url": "https://www.mondialrelay.fr/suivi-de-colis/?NumeroExpedition=35120987"}'
}

@test "woocommerce: with an order-number plugin, references of the sender's own orders" {
	# CAVEATS: "a reference is matched against the order numbers of the
	# sender's own orders (a custom order-number plugin)"
	woocommerce wc --order-number reference
	mail t1 jeanne.martin@example.fr fr order_reference=KHWLILZLL
	mail t2 jeanne.martin@example.fr fr order_reference=YTREZAQSD
	run --separate-stderr owi-shop -r "$RULES" -b woocommerce -u "$WC" "$IN"
	assert_success
	keep
	run jget "$OUT" '[(o["id"], o["reference"], o["matched_by"]) for o in m["shop"]["orders"]]'
	assert_output '[[1040, "KHWLILZLL", "order_reference"]]'
	# John's order is not one of Jeanne's: not found through her.
	run jget "$OUT" '[(e["type"], e["value"]) for e in m["shop"]["not_found"]]' 2
	assert_output '[["order_reference", "YTREZAQSD"]]'
}

@test "woocommerce: orders, lines, totals and tracking agree with the file backend" {
	# Compared: what both APIs hold the same way.  Left out, as CAVEATS
	# and the page say: reference (WooCommerce's number), state id and
	# name, delivered (completed is shipped, not delivered), paid and
	# validated (WooCommerce has no such flags), shipped_at (date_shipped
	# is optional in the export), products (no EAN field) and customer.
	woocommerce wc
	mail a jeanne.martin@example.fr fr order_id=1040
	mail b john.smith@example.com en order_id=1042
	mail c jeanne.martin@example.fr fr
	mail d jeanne.martin@example.fr fr tracking_number=6A12345678901
	mail e lucas.moreau@example.fr fr order_id=1037
	mail f emma.wilson@example.co.uk en order_id=1043
	mail g jeanne.martin@example.fr fr order_id=1042
	run --separate-stderr owi-shop -r "$RULES" -f "$EXPORT" "$IN"
	assert_success
	keep "$BATS_TEST_TMPDIR/file.jsonl"
	run --separate-stderr owi-shop -r "$RULES" -b woocommerce -u "$WC" "$IN"
	assert_success
	keep "$BATS_TEST_TMPDIR/wc.jsonl"
	run same_shops "$BATS_TEST_TMPDIR/file.jsonl" "$BATS_TEST_TMPDIR/wc.jsonl" \
	    '[dict({k: o.get(k) for k in ("id", "date", "matched_by", "matched_value", "belongs_to_sender", "customer", "lines", "totals", "carrier")}, shipped=o["state"]["shipped"], canceled=o["state"]["canceled"]) for o in s["orders"]]'
	assert_success
}

# --- Input, output, usage --------------------------------------------------

@test "--help's first line is the usage of the SYNOPSIS, exit 0" {
	run --separate-stderr owi-shop --help
	assert_success
	usage=$(printf '%s\n' "${lines[0]}" | sed 's/^usage: //' | tr -s ' ')
	synopsis=$(mandoc -Tascii "$BATS_TEST_DIRNAME/../man/owi-shop.1" | col -bx | sed -n '/^SYNOPSIS/,/^DESCRIPTION/p' | sed '1d;$d' | tr -s ' \n' '  ' | sed 's/^ //; s/ $//')
	assert_equal "$usage" "$synopsis"
	run owi-shop --version
	assert_output --regexp '^owi-shop \(owi\) [0-9.]+$'
}

@test "a bad input line is reported with its line number, the others written, exit 65" {
	mail t1 jeanne.martin@example.fr fr order_reference=KHWLILZLL
	echo '{"owi":1,' >>"$IN"
	mail t3 john.smith@example.com en order_id=1042
	run --separate-stderr owi-shop -r "$RULES" -f "$EXPORT" "$IN"
	assert_failure 65
	assert_equal "${#lines[@]}" 2
	assert_equal "$stderr" "owi-shop: $IN:2: invalid JSON at byte 9: unexpected end of line"
	keep
	run jget "$OUT" '[m["id"], [o["id"] for o in m["shop"]["orders"]]]' 2
	assert_output '["t3", [1042]]'
}

@test "an envelope without a message gets the error no-message" {
	printf '%s\n' '{"owi":1,"id":"n1","entities":{"order_reference":[{"value":"KHWLILZLL","from":"new_text"}]}}' >"$IN"
	run --separate-stderr owi-shop -r "$RULES" -f "$EXPORT" "$IN"
	assert_success
	keep
	run jget "$OUT" '[m["id"], [(e["stage"], e["code"]) for e in m["errors"]]]'
	assert_output '["n1", [["owi-shop", "no-message"]]]'
}

@test "the other keys of the envelope pass through untouched" {
	python3 - "$IN" <<'PY'
import json, sys
env = {"owi": 1, "id": "k1",
       "source": {"path": "/m/cur/1:2,S", "sha256": "ab" * 32},
       "message": {"from": {"name": "Jeanne Martin", "address": "jeanne.martin@example.fr"},
                   "subject": "Où est ma commande ?", "new_text": "KHWLILZLL",
                   "quoted_text": "", "attachments": [{"text": None}], "x-custom": [1, 2.5, None]},
       "classification": {"lang": "fr", "motives": [{"id": "order_tracking", "score": 0.91}]},
       "entities": {"order_reference": [{"value": "KHWLILZLL", "raw": "KHWLILZLL", "from": "new_text",
                                         "start": 0, "end": 9, "confidence": 0.95}]},
       "route": {"folder": "02"}, "errors": [{"stage": "owi-parse", "code": "x", "message": "y"}],
       "zz": {"nested": {"deep": [True, False, "é"]}}}
open(sys.argv[1], "w", encoding="utf-8").write(json.dumps(env, ensure_ascii=False) + "\n")
PY
	run --separate-stderr owi-shop -r "$RULES" -f "$EXPORT" "$IN"
	assert_success
	keep
	run python3 -c 'import json, sys
a = json.loads(open(sys.argv[1], encoding="utf-8").readline())
b = json.loads(open(sys.argv[2], encoding="utf-8").readline())
assert "shop" in b, "no shop key"
b.pop("shop")
print("same" if a == b else json.dumps(b, ensure_ascii=False))' "$IN" "$OUT"
	assert_output same
}
