#!/usr/bin/env bats
# owi-route: business rules that decide, and say why.
# Each expectation comes from man/owi-route.1, man/owi-rules.5 (RULES,
# Conditions, Facts, Guards, Templates, Checking), man/owi.7 (the
# envelope) and, for the shipped rules, rules.d/30-routes.yaml over the
# orders of examples/shop.json (1035-1046).

load test_helper

RULES=$BATS_TEST_DIRNAME/../rules.d
EXPORT=$BATS_TEST_DIRNAME/../examples/shop.json
MAN=$BATS_TEST_DIRNAME/../man
UNSURE='00 – À analyser'
SPAM='01 – SPAM'
TRACKING='02 – Suivi de commande'
RETURNS='03 – Demande de retour'
CANCEL='04 – Annulation de commande'
WRONG='05 – Erreur produit reçu'
CARRIER='06 – Problème transporteur'
PRODUCT='07 – Question produit / stock'
OTHER='08 – Autres'

setup() {
	common_setup
	MY=$BATS_TEST_TMPDIR/rules
	IN=$BATS_TEST_TMPDIR/in.jsonl
	OUT=$BATS_TEST_TMPDIR/out.jsonl
	: >"$IN"
}

# myrules [DIR]: a rules directory of the test's own, DIR (default $MY):
# a copy of the shipped motives, a calendar (Europe/Paris, Monday to
# Friday, 09:00 to 18:00, closed on 2025-11-11), the templates ok, thanks
# and other, and 30-x.yaml read from standard input.
myrules() {
	local dir=${1:-$MY} t
	mkdir -p "$dir/templates"
	cp "$RULES/00-motives.yaml" "$dir/"
	printf '%s\n' 'calendar:' '  timezone: Europe/Paris' \
	    '  days: [mon, tue, wed, thu, fri]' '  hours: ["09:00", "18:00"]' \
	    '  closed: ["2025-11-11"]' >"$dir/10-calendar.yaml"
	for t in ok thanks other; do
		printf 'Bonjour,\n\n%s\n' "$t" >"$dir/templates/$t.fr.txt"
	done
	cat >"$dir/30-x.yaml"
}

# envelope ID [PATH=JSON | -PATH]...: appends to $IN an envelope as the
# chain writes it before owi-route: Jeanne Martin asks, in French, on
# Monday 2025-10-06 at 10:00 in Paris, where order KHWLILZLL is; one sure
# motive, order_tracking; the shop found order 1040 (shipped, Colissimo,
# hers).  PATH=JSON sets a dotted path (numbers index lists), -PATH
# removes it; shop.orders=@1040,1039 puts those orders of the export.
envelope() {
	python3 - "$IN" "$@" <<'PY'
import copy, json, sys
path, mid, *sets = sys.argv[1:]
jeanne = {"email": "jeanne.martin@example.fr", "firstname": "Jeanne", "lastname": "Martin"}
ORDERS = {
    "1040": {"id": 1040, "reference": "KHWLILZLL", "date": "2025-09-30T14:02:11",
             "customer": jeanne,
             "state": {"id": 4, "name": "Expédié", "paid": True, "shipped": True,
                       "delivered": False, "canceled": False, "refunded": False,
                       "validated": True},
             "shipped_at": "2025-10-01T15:02:54",
             "carrier": {"id": "colissimo", "name": "Colissimo",
                         "tracking_number": "6A12345678901",
                         "tracking_url": "https://www.laposte.fr/outils/suivre-vos-envois?code=6A12345678901"},
             "lines": [{"product_reference": "MUG-GRES-BLEU", "name": "Mug en grès bleu",
                        "quantity": 2, "unit_price": 16.9},
                       {"product_reference": "BOUGIE-FIGUE", "name": "Bougie parfumée figue",
                        "quantity": 1, "unit_price": 24.9}],
             "totals": {"paid": 65.6, "products": 58.7},
             "matched_by": "order_reference", "matched_value": "KHWLILZLL",
             "belongs_to_sender": True},
    "1039": {"id": 1039, "reference": "DFGHJKLZA", "date": "2025-09-21T12:03:44",
             "customer": jeanne,
             "state": {"id": 5, "name": "Livré", "paid": True, "shipped": True,
                       "delivered": True, "canceled": False, "refunded": False,
                       "validated": True},
             "shipped_at": "2025-09-22T15:45:41",
             "carrier": {"id": "mondial_relay", "name": "Mondial Relay",
                         "tracking_number": "35120987",
                         "tracking_url": "https://www.mondialrelay.fr/suivi-de-colis/?NumeroExpedition=35120987"},
             "lines": [{"product_reference": "CARNET-A5-KRAFT", "name": "Carnet A5 kraft",
                        "quantity": 3, "unit_price": 8.5}],
             "totals": {"paid": 30.0, "products": 25.5},
             "matched_by": "sender", "matched_value": "jeanne.martin@example.fr",
             "belongs_to_sender": True},
}
types = ["amount", "customer_name", "date", "ean13", "email", "iban",
         "order_id", "order_reference", "phone", "product_reference",
         "tracking_number"]
text = "Bonjour,\nOù en est ma commande KHWLILZLL ?\nMerci,\nJeanne"
entities = {t: [] for t in types}
entities["order_reference"].append({"value": "KHWLILZLL", "raw": "KHWLILZLL",
    "from": "new_text", "start": 31, "end": 40, "confidence": 0.95})
env = {
    "owi": 1, "id": mid,
    "source": {"path": None, "size": 612, "sha256": "0" * 64},
    "message": {
        "message_id": mid, "in_reply_to": None, "references": [],
        "date": "2025-10-06T10:00:00+02:00",
        "from": {"name": "Jeanne Martin", "address": "jeanne.martin@example.fr"},
        "to": [{"name": "Boutique Exemple", "address": "contact@boutique.example"}],
        "cc": [], "reply_to": [],
        "subject": "Ma commande KHWLILZLL",
        "headers": [["Message-ID", "<%s>" % mid],
                    ["Date", "Mon, 6 Oct 2025 10:00:00 +0200"],
                    ["From", "Jeanne Martin <jeanne.martin@example.fr>"],
                    ["To", "Boutique Exemple <contact@boutique.example>"],
                    ["Subject", "Ma commande KHWLILZLL"]],
        "text": text, "text_from": "plain", "new_text": text,
        "attachments": [], "automated": {"is": False, "why": None}},
    "classification": {
        "motives": [{"id": "order_tracking", "score": 0.97, "threshold": 0.63, "sure": True}],
        "spam": 0.01, "lang": "fr", "signals": [], "model": "model.owim"},
    "entities": entities,
    "shop": {"backend": "file", "lang": "fr", "orders": [copy.deepcopy(ORDERS["1040"])],
             "customer": dict(jeanne, orders=3, first_order="2025-08-18T10:14:52",
                              last_order="2025-09-30T14:02:11", total_spent=152.3),
             "products": [], "not_found": []},
}
def walk(keys):
    o = env
    for k in keys[:-1]:
        o = o[int(k)] if isinstance(o, list) else o.setdefault(k, {})
    return o, keys[-1]
for s in sets:
    if s.startswith("-"):
        o, k = walk(s[1:].split("."))
        del o[int(k) if isinstance(o, list) else k]
        continue
    p, _, v = s.partition("=")
    o, k = walk(p.split("."))
    if v.startswith("@"):
        val = [copy.deepcopy(ORDERS[i]) for i in v[1:].split(",")]
    else:
        val = json.loads(v)
    if isinstance(o, list):
        o[int(k)] = val
    else:
        o[k] = val
with open(path, "a", encoding="utf-8") as f:
    f.write(json.dumps(env, ensure_ascii=False) + "\n")
PY
}

# route DIRS [OPTIONS]: owi-route -r DIRS over $IN, into $OUT; it must
# succeed and say nothing on standard error.
route() {
	local dirs=$1
	shift
	run --separate-stderr owi-route -r "$dirs" "$@" "$IN"
	assert_success
	assert_equal "$stderr" ""
	printf '%s\n' "$output" >"$OUT"
}

# each EXPR: EXPR (jget's, m the envelope) for every envelope of $OUT.
each() {
	local i n
	n=$(grep -c . "$OUT")
	for ((i = 1; i <= n; i++)); do
		jget "$OUT" "$1" "$i" || return
	done
}

# line_of FILE TEXT: the number of the first line of FILE holding TEXT.
line_of() {
	grep -nF -m1 -- "$2" "$1" | cut -d: -f1
}

# --- Conditions (owi-rules(5), Conditions and Facts) ---------------------
# The marking rules below continue and tag the mail with their own name,
# so that the tags say which conditions held.

@test "field: value on a fact: lang, motive (a sure one only), score" {
	myrules <<'EOF'
rules:
  - name: fr
    when: {lang: fr}
    tag: fr
    continue: true
  - name: tracking
    when: {motive: order_tracking}
    tag: tracking
    continue: true
  - name: score
    when: {score: 0.97}
    tag: score
    continue: true
EOF
	envelope e1
	envelope e2 classification.lang='"en"' \
	    'classification.motives=[{"id": "return_request", "score": 0.91, "threshold": 0.72, "sure": true}]'
	# "motive: the most probable of the sure motives ... or absent"
	envelope e3 'classification.motives=[{"id": "order_tracking", "score": 0.97, "threshold": 0.98, "sure": false}]'
	route "$MY"
	run each '[m["id"], m["route"]["tags"]]'
	assert_output "$(printf '%s\n' '["e1", ["fr", "tracking", "score"]]' '["e2", []]' '["e3", ["fr", "score"]]')"
}

@test "eq and ne; a quoted scalar is a string, null is null" {
	myrules <<'EOF'
rules:
  - name: eq
    when: {lang: {eq: fr}}
    tag: eq
    continue: true
  - name: ne
    when: {lang: {ne: fr}}
    tag: ne
    continue: true
  - name: number
    when: {order.state.id: 4}
    tag: number
    continue: true
  - name: string
    when: {order.state.id: "4"}
    tag: string
    continue: true
  - name: boolean-string
    when: {order.state.shipped: "true"}
    tag: boolean-string
    continue: true
  - name: "null"
    when: {order.carrier.tracking_number: null}
    tag: "null"
    continue: true
EOF
	envelope e1
	envelope e2 classification.lang='"en"' shop.orders.0.state.id=2 shop.orders.0.carrier.tracking_number=null
	route "$MY"
	run each '[m["id"], m["route"]["tags"]]'
	assert_output "$(printf '%s\n' '["e1", ["eq", "number"]]' '["e2", ["ne", "null"]]')"
}

@test "the facts: likely_motive, sender, shop_address, automated, spam, order, orders_count, products_count, product, customer" {
	myrules <<'EOF'
shop_addresses: ["contact@boutique.example"]
rules:
  - name: sender
    when: {sender: jeanne.martin@example.fr}
    tag: sender
    continue: true
  - name: own
    when: {shop_address: true}
    tag: own
    continue: true
  - name: automated
    when: {automated: true}
    tag: automated
    continue: true
  - name: spam
    when: {spam: {ge: 0.5}}
    tag: spam
    continue: true
  - name: first-order
    when: {order.reference: DFGHJKLZA}
    tag: first-order
    continue: true
  - name: orders
    when: {orders_count: 2}
    tag: orders
    continue: true
  - name: products
    when: {products_count: {ge: 1}}
    tag: products
    continue: true
  - name: stock
    when: {product.stock: {gt: 10}}
    tag: stock
    continue: true
  - name: loyal
    when: {customer.orders: {ge: 3}}
    tag: loyal
    continue: true
  - name: likely
    when: {likely_motive: return_request}
    tag: likely
    continue: true
EOF
	envelope e1
	envelope e2 'message.from={"name": "Boutique Exemple", "address": "contact@boutique.example"}' \
	    'message.automated={"is": true, "why": "Auto-Submitted: auto-generated"}' classification.spam=0.7 \
	    shop.orders=@1039,1040 shop.customer=null \
	    'shop.products=[{"reference": "MUG-GRES-BLEU", "ean13": "3760123450355", "name": "Mug en grès bleu", "price": 16.9, "stock": 38, "in_stock": true, "matched_by": "product_reference", "matched_value": "MUG-GRES-BLEU"}]'
	envelope e3 'classification.motives=[{"id": "return_request", "score": 0.6, "threshold": 0.72, "sure": false}]'
	route "$MY"
	run each '[m["id"], m["route"]["tags"], m["route"]["order"]]'
	assert_output "$(printf '%s\n' '["e1", ["sender", "loyal"], "KHWLILZLL"]' \
	    '["e2", ["own", "automated", "spam", "first-order", "orders", "products", "stock"], "DFGHJKLZA"]' \
	    '["e3", ["sender", "loyal", "likely"], "KHWLILZLL"]')"
}

@test "order: the first order found that was placed by the mail's day" {
	# 1040 was placed on 2025-09-30, 1039 on 2025-09-21.
	myrules <<'EOF'
rules:
  - name: any-order
    when: {order.reference: {exists: true}}
    tag: any-order
    continue: true
EOF
	envelope same-day message.date='"2025-09-30T20:00:00+02:00"'
	envelope day-before message.date='"2025-09-29T10:00:00+02:00"'
	envelope skips-1040 message.date='"2025-09-25T10:00:00+02:00"' shop.orders=@1040,1039
	route "$MY"
	run each '[m["id"], m["route"]["tags"], m["route"]["order"]]'
	assert_output "$(printf '%s\n' '["same-day", ["any-order"], "KHWLILZLL"]' \
	    '["day-before", [], null]' '["skips-1040", ["any-order"], "DFGHJKLZA"]')"
}

@test "field: value on an envelope path, with an index into a list" {
	myrules <<'EOF'
rules:
  - name: first-reference
    when: {entities.order_reference.0.value: KHWLILZLL}
    tag: first-reference
    continue: true
  - name: second-order-delivered
    when: {shop.orders.1.state.delivered: true}
    tag: second-order-delivered
    continue: true
  - name: subject
    when: {message.subject: "Ma commande KHWLILZLL"}
    tag: subject
    continue: true
EOF
	envelope e1
	envelope e2 shop.orders=@1040,1039 message.subject='"Re: Ma commande"' \
	    'entities.order_reference=[{"value": "DFGHJKLZA", "raw": "DFGHJKLZA", "from": "new_text"}, {"value": "KHWLILZLL", "raw": "KHWLILZLL", "from": "new_text"}]'
	route "$MY"
	run each '[m["id"], m["route"]["tags"]]'
	assert_output "$(printf '%s\n' '["e1", ["first-reference", "subject"]]' '["e2", ["second-order-delivered"]]')"
}

@test "field: value on a list field: one of its items, by itself, its id or its value" {
	myrules <<'EOF'
rules:
  - name: reference
    when: {entities.order_reference: KHWLILZLL}
    tag: reference
    continue: true
  - name: angry
    when: {classification.signals: angry}
    tag: angry
    continue: true
  - name: sure-return
    when: {motives: return_request}
    tag: sure-return
    continue: true
EOF
	envelope e1 \
	    'entities.order_reference=[{"value": "DFGHJKLZA", "raw": "DFGHJKLZA", "from": "new_text"}, {"value": "KHWLILZLL", "raw": "KHWLILZLL", "from": "new_text"}]' \
	    'classification.signals=[{"id": "urgent", "evidence": "urgent", "from": "subject"}, {"id": "angry", "evidence": "inadmissible", "from": "new_text"}]' \
	    'classification.motives=[{"id": "order_tracking", "score": 0.95, "threshold": 0.63, "sure": true}, {"id": "return_request", "score": 0.8, "threshold": 0.72, "sure": true}]'
	envelope e2 \
	    'entities.order_reference=[{"value": "DFGHJKLZA", "raw": "DFGHJKLZA", "from": "new_text"}]' \
	    'classification.signals=[{"id": "urgent", "evidence": "urgent", "from": "subject"}]' \
	    'classification.motives=[{"id": "order_tracking", "score": 0.95, "threshold": 0.63, "sure": true}, {"id": "return_request", "score": 0.5, "threshold": 0.72, "sure": false}]'
	route "$MY"
	run each '[m["id"], m["route"]["tags"]]'
	assert_output "$(printf '%s\n' '["e1", ["reference", "angry", "sure-return"]]' '["e2", []]')"
}

@test "in and not_in, and a list of values for one of them" {
	myrules <<'EOF'
rules:
  - name: list
    when: {lang: [fr, en]}
    tag: list
    continue: true
  - name: in
    when: {order.state.id: {in: [4, 5]}}
    tag: in
    continue: true
  - name: not-in
    when: {lang: {not_in: [fr, en]}}
    tag: not-in
    continue: true
EOF
	envelope e1
	envelope e2 classification.lang='"de"' shop.orders='[]'
	envelope e3 classification.lang='"en"' shop.orders.0.state.id=2
	route "$MY"
	run each '[m["id"], m["route"]["tags"]]'
	assert_output "$(printf '%s\n' '["e1", ["list", "in"]]' '["e2", ["not-in"]]' '["e3", ["list"]]')"
}

@test "lt, le, gt, ge on days_since_order and days_since_shipping; a missing value never compares" {
	# Order 1040: placed 2025-09-30, shipped 2025-10-01.
	myrules <<'EOF'
rules:
  - name: lt-5
    when: {days_since_order: {lt: 5}}
    tag: lt-5
    continue: true
  - name: le-5
    when: {days_since_order: {le: 5}}
    tag: le-5
    continue: true
  - name: gt-4
    when: {days_since_order: {gt: 4}}
    tag: gt-4
    continue: true
  - name: ge-6
    when: {days_since_order: {ge: 6}}
    tag: ge-6
    continue: true
  - name: between
    when: {days_since_order: {gt: 4, lt: 6}}
    tag: between
    continue: true
  - name: shipped-4
    when: {days_since_shipping: {ge: 4, le: 4}}
    tag: shipped-4
    continue: true
  - name: not-old
    when: {days_since_order: {lt: 100}}
    tag: not-old
    continue: true
EOF
	envelope five message.date='"2025-10-05T10:00:00+02:00"'
	envelope two message.date='"2025-10-02T10:00:00+02:00"'
	envelope six message.date='"2025-10-06T10:00:00+02:00"' -shop.orders.0.shipped_at
	envelope no-order message.date='"2025-10-05T10:00:00+02:00"' shop.orders='[]'
	route "$MY"
	run each '[m["id"], m["route"]["tags"]]'
	assert_output "$(printf '%s\n' \
	    '["five", ["le-5", "gt-4", "between", "shipped-4", "not-old"]]' \
	    '["two", ["lt-5", "le-5", "not-old"]]' \
	    '["six", ["gt-4", "ge-6", "not-old"]]' \
	    '["no-order", []]')"
}

@test "has: a list field (signals) holds the value" {
	myrules <<'EOF'
rules:
  - name: angry
    when: {signals: {has: angry}}
    tag: angry
    continue: true
  - name: legal
    when: {classification.signals: {has: legal}}
    tag: legal
    continue: true
EOF
	envelope e1 'classification.signals=[{"id": "angry", "evidence": "inadmissible", "from": "new_text"}]'
	envelope e2 'classification.signals=[{"id": "urgent", "evidence": "urgent", "from": "subject"}, {"id": "legal", "evidence": "avocat", "from": "new_text"}]'
	envelope e3
	route "$MY"
	run each '[m["id"], m["route"]["tags"]]'
	assert_output "$(printf '%s\n' '["e1", ["angry"]]' '["e2", ["legal"]]' '["e3", []]')"
}

@test "exists and empty: present and not null; absent, null, empty string, list or mapping" {
	myrules <<'EOF'
rules:
  - name: tracking
    when: {order.carrier.tracking_number: {exists: true}}
    tag: tracking
    continue: true
  - name: no-tracking
    when: {order.carrier.tracking_number: {exists: false}}
    tag: no-tracking
    continue: true
  - name: no-quote
    when: {message.quoted_text: {empty: true}}
    tag: no-quote
    continue: true
  - name: not-found
    when: {shop.not_found: {empty: false}}
    tag: not-found
    continue: true
  - name: no-customer
    when: {shop.customer: {empty: true}}
    tag: no-customer
    continue: true
EOF
	envelope e1
	envelope e2 shop.orders.0.carrier.tracking_number=null message.quoted_text='""' \
	    'shop.not_found=[{"type": "order_reference", "value": "KHWLILZLM"}]' shop.customer='{}'
	envelope e3 shop.orders='[]' message.quoted_text='"> Bonjour Jeanne,"' shop.customer=null
	route "$MY"
	run each '[m["id"], m["route"]["tags"]]'
	assert_output "$(printf '%s\n' '["e1", ["tracking", "no-quote"]]' \
	    '["e2", ["no-tracking", "no-quote", "not-found", "no-customer"]]' \
	    '["e3", ["no-tracking", "no-customer"]]')"
}

@test "matches: a PCRE2 pattern, case-insensitive, on a string or the values of a list" {
	myrules <<'EOF'
rules:
  - name: word
    when: {message.subject: {matches: '\bcommande\b'}}
    tag: word
    continue: true
  - name: accent
    when: {message.new_text: {matches: 'réclamation (?!abusive)'}}
    tag: accent
    continue: true
  - name: reference
    when: {entities.order_reference: {matches: '^khw'}}
    tag: reference
    continue: true
EOF
	envelope e1 message.subject='"URGENT : MA COMMANDE"' message.new_text='"RÉCLAMATION POUR MA COMMANDE"' \
	    'entities.order_reference=[{"value": "DFGHJKLZA", "raw": "DFGHJKLZA", "from": "new_text"}, {"value": "KHWLILZLL", "raw": "KHWLILZLL", "from": "new_text"}]'
	envelope e2 message.subject='"Mes commandes"' message.new_text='"Réclamation abusive, reclamation "' \
	    'entities.order_reference=[{"value": "DFGHJKLZA", "raw": "DFGHJKLZA", "from": "new_text"}]'
	route "$MY"
	run each '[m["id"], m["route"]["tags"]]'
	assert_output "$(printf '%s\n' '["e1", ["word", "accent", "reference"]]' '["e2", []]')"
}

@test "all, any, not, and a list alone meaning all" {
	myrules <<'EOF'
rules:
  - name: all
    when:
      all:
        - lang: fr
        - motive: order_tracking
    tag: all
    continue: true
  - name: list
    when:
      - lang: fr
      - motive: order_tracking
    tag: list
    continue: true
  - name: any
    when:
      any:
        - lang: en
        - motive: order_tracking
    tag: any
    continue: true
  - name: not
    when:
      not: {lang: fr}
    tag: not
    continue: true
EOF
	envelope e1
	envelope e2 classification.lang='"en"' \
	    'classification.motives=[{"id": "return_request", "score": 0.91, "threshold": 0.72, "sure": true}]'
	envelope e3 classification.lang='"de"' \
	    'classification.motives=[{"id": "return_request", "score": 0.91, "threshold": 0.72, "sure": true}]'
	route "$MY"
	run each '[m["id"], m["route"]["tags"]]'
	assert_output "$(printf '%s\n' '["e1", ["all", "list", "any"]]' '["e2", ["any", "not"]]' '["e3", ["not"]]')"
}

@test "several keys in one mapping must all hold" {
	myrules <<'EOF'
rules:
  - name: three
    when:
      lang: fr
      motive: order_tracking
      order.state.shipped: true
    tag: three
    continue: true
EOF
	envelope e1
	envelope e2 shop.orders.0.state.shipped=false
	envelope e3 classification.lang='"en"'
	envelope e4 classification.motives='[]'
	route "$MY"
	run each '[m["id"], m["route"]["tags"]]'
	assert_output "$(printf '%s\n' '["e1", ["three"]]' '["e2", []]' '["e3", []]' '["e4", []]')"
}

@test "header.NAME: the first header of that name, in any case" {
	myrules <<'EOF'
rules:
  - name: lower
    when: {header.x-mailer: {matches: outlook}}
    tag: lower
    continue: true
  - name: upper
    when: {header.X-MAILER: {matches: outlook}}
    tag: upper
    continue: true
  - name: first
    when: {header.Received: "from a.example"}
    tag: first
    continue: true
  - name: second
    when: {header.received: "from b.example"}
    tag: second
    continue: true
  - name: absent
    when: {header.list-id: {exists: false}}
    tag: absent
    continue: true
EOF
	envelope e1 'message.headers=[["received", "from a.example"], ["X-Mailer", "Microsoft Outlook 16.0"], ["Received", "from b.example"], ["Subject", "Ma commande"]]'
	envelope e2 'message.headers=[["List-Id", "<news.example>"]]'
	route "$MY"
	run each '[m["id"], m["route"]["tags"]]'
	assert_output "$(printf '%s\n' '["e1", ["lower", "upper", "first", "absent"]]' '["e2", []]')"
}

@test "time.business, time.weekday, time.hour, time.date in the calendar's time zone" {
	# The calendar: Europe/Paris, mon-fri, 09:00-18:00, closed 2025-11-11.
	myrules <<'EOF'
rules:
  - name: open
    when: {time.business: true}
    tag: open
    continue: true
  - name: closed
    when: {time.business: false}
    tag: closed
    continue: true
  - name: saturday
    when: {time.weekday: sat}
    tag: saturday
    continue: true
  - name: monday
    when: {time.weekday: mon}
    tag: monday
    continue: true
  - name: ten
    when: {time.hour: 10, time.minute: 0}
    tag: ten
    continue: true
  - name: armistice
    when: {time.date: "2025-11-11"}
    tag: armistice
    continue: true
EOF
	envelope saturday message.date='"2025-10-04T10:00:00+02:00"'
	envelope monday message.date='"2025-10-06T10:00:00+02:00"'
	# 08:00 UTC is 10:00 in Paris (summer time).
	envelope monday-utc message.date='"2025-10-06T08:00:00+00:00"'
	envelope evening message.date='"2025-10-06T18:30:00+02:00"'
	# A Tuesday, a closed day (winter time).
	envelope closed-day message.date='"2025-11-11T10:00:00+01:00"'
	route "$MY"
	run each '[m["id"], m["route"]["tags"]]'
	assert_output "$(printf '%s\n' \
	    '["saturday", ["closed", "saturday", "ten"]]' \
	    '["monday", ["open", "monday", "ten"]]' \
	    '["monday-utc", ["open", "monday", "ten"]]' \
	    '["evening", ["closed", "monday"]]' \
	    '["closed-day", ["closed", "ten", "armistice"]]')"
}

@test "a mail without a date is read at the time of the run" {
	local today
	today=$(TZ=Europe/Paris date +%F)
	myrules <<EOF
rules:
  - name: today
    when: {time.date: "$today"}
    tag: today
    continue: true
EOF
	envelope no-date message.date=null
	envelope old
	route "$MY"
	run each '[m["id"], m["route"]["tags"]]'
	assert_output "$(printf '%s\n' '["no-date", ["today"]]' '["old", []]')"
}

@test "the first rule that holds and does not continue decides" {
	myrules <<'EOF'
rules:
  - name: first
    when: {motive: order_tracking}
    reply: ok
  - name: second
    when: {lang: fr}
    reply: thanks
EOF
	envelope both
	envelope second-only \
	    'classification.motives=[{"id": "return_request", "score": 0.91, "threshold": 0.72, "sure": true}]'
	envelope none classification.lang='"en"' \
	    'classification.motives=[{"id": "return_request", "score": 0.91, "threshold": 0.72, "sure": true}]'
	route "$MY"
	run each '[m["id"], m["route"]["action"], m["route"]["template"], (m["route"]["rule"] or {}).get("name")]'
	assert_output "$(printf '%s\n' '["both", "reply", "ok", "first"]' \
	    '["second-only", "reply", "thanks", "second"]' '["none", "file", null, null]')"
}

@test "continue: tags and priority accumulate, the why of a marking rule names it" {
	myrules <<'EOF'
rules:
  - name: mark-a
    when: {lang: fr}
    tag: a
    priority: high
    continue: true
  - name: mark-never
    when: {lang: en}
    tag: never
    priority: low
    continue: true
  - name: mark-b
    when: {motive: order_tracking}
    tag: [b, c]
    continue: true
  - name: answer
    when: {motive: order_tracking}
    tag: d
    reply: ok
EOF
	envelope e1
	route "$MY"
	run jget "$OUT" '[m["route"][k] for k in ("action", "template", "tags", "priority")] + [m["route"]["rule"]["name"]]'
	assert_output '["reply", "ok", ["a", "b", "c", "d"], "high", "answer"]'
	run jget "$OUT" '[w.rsplit(": ", 1)[0] for w in m["route"]["why"]]'
	assert_output '["mark-a: lang eq fr", "mark-b: motive eq order_tracking", "motive eq order_tracking"]'
	# "each with the value it saw"
	run jget "$OUT" 'm["route"]["why"][0].rsplit(": ", 1)[1].strip(chr(34))'
	assert_output fr
}

@test "stop: the opposite of continue" {
	myrules <<'EOF'
rules:
  - name: mark
    when: {lang: fr}
    tag: marked
    stop: false
  - name: decide
    when: {lang: fr}
    reply: ok
    stop: true
  - name: after
    when: {lang: fr}
    reply: thanks
EOF
	envelope e1
	route "$MY"
	run jget "$OUT" '[m["route"]["tags"], m["route"]["template"], m["route"]["rule"]["name"], m["route"]["why"][0].startswith("mark: ")]'
	assert_output '[["marked"], "ok", "decide", true]'
}

@test "a rule of a second directory with the same name replaces it, in its place" {
	myrules <<'EOF'
rules:
  - name: shipped
    when: {order.state.shipped: true}
    reply: ok
  - name: french
    when: {lang: fr}
    reply: thanks
EOF
	mkdir -p "$BATS_TEST_TMPDIR/own"
	cat >"$BATS_TEST_TMPDIR/own/50-own.yaml" <<'EOF'
rules:
  - name: shipped
    when: {order.state.shipped: true}
    draft: other
EOF
	envelope e1
	route "$MY"
	run jget "$OUT" '[m["route"]["action"], m["route"]["template"], m["route"]["rule"]["name"]]'
	assert_output '["reply", "ok", "shipped"]'
	route "$MY:$BATS_TEST_TMPDIR/own"
	run jget "$OUT" '[m["route"]["action"], m["route"]["template"], m["route"]["rule"]["name"], m["route"]["rule"]["file"]]'
	assert_output '["draft", "other", "shipped", "'"$BATS_TEST_TMPDIR/own/50-own.yaml"'"]'
}

@test "disabled: true removes the rule of that name" {
	myrules <<'EOF'
rules:
  - name: shipped
    when: {order.state.shipped: true}
    reply: ok
  - name: french
    when: {lang: fr}
    reply: thanks
EOF
	mkdir -p "$BATS_TEST_TMPDIR/own"
	printf '%s\n' 'rules:' '  - name: shipped' '    disabled: true' >"$BATS_TEST_TMPDIR/own/50-own.yaml"
	envelope e1
	route "$MY:$BATS_TEST_TMPDIR/own"
	run jget "$OUT" '[m["route"]["action"], m["route"]["template"], m["route"]["rule"]["name"]]'
	assert_output '["reply", "thanks", "french"]'
	run --separate-stderr owi-route --check -r "$MY:$BATS_TEST_TMPDIR/own"
	assert_success
}

@test "a file of the second directory replaces the first's file of the same name" {
	myrules <<'EOF'
rules:
  - name: shipped
    when: {order.state.shipped: true}
    reply: ok
  - name: french
    when: {lang: fr}
    reply: thanks
EOF
	mkdir -p "$BATS_TEST_TMPDIR/own"
	# Its template is the first directory's.
	printf '%s\n' 'rules:' '  - name: english' '    when: {lang: en}' '    reply: thanks' \
	    >"$BATS_TEST_TMPDIR/own/30-x.yaml"
	envelope fr
	envelope en classification.lang='"en"'
	route "$MY:$BATS_TEST_TMPDIR/own"
	run each '[m["id"], m["route"]["action"], (m["route"]["rule"] or {}).get("name"), (m["route"]["rule"] or {}).get("file")]'
	assert_output "$(printf '%s\n' '["fr", "file", null, null]' \
	    '["en", "reply", "english", "'"$BATS_TEST_TMPDIR/own/30-x.yaml"'"]')"
}

# --- Actions and the route key (owi-route(1), The route key) ------------

@test "reply: the whole route key, the rule's file, name and line, why, no guard" {
	myrules <<'EOF'
rules:
  - name: shipped
    description: shipped, with its tracking number
    when:
      motive: order_tracking
      order.state.shipped: true
    reply: ok
EOF
	envelope e1
	route "$MY"
	run jget "$OUT" 'list(m["route"])'
	assert_output '["action", "folder", "template", "motive", "order", "tags", "priority", "handover", "rule", "why", "guards"]'
	run jget "$OUT" '[m["route"][k] for k in ("action", "folder", "template", "motive", "order", "tags", "priority", "handover", "guards")]'
	assert_output '["reply", "'"$TRACKING"'", "ok", "order_tracking", "KHWLILZLL", [], "normal", null, []]'
	run jget "$OUT" 'm["route"]["rule"]'
	assert_output '{"file": "'"$MY/30-x.yaml"'", "name": "shipped", "line": 2}'
	# The man page's own example of a why.
	run jget "$OUT" '"order.state.shipped eq true: true" in m["route"]["why"]'
	assert_output true
	run jget "$OUT" '[w.rsplit(": ", 1)[0] for w in m["route"]["why"]]'
	assert_output '["motive eq order_tracking", "order.state.shipped eq true"]'
}

@test "rule.line is the line of the rule's mapping in its file" {
	myrules <<'EOF'
# A comment, then the rules.
rules:
  - name: french
    when: {lang: fr, motive: return_request}
    reply: thanks

  # Its mapping begins with when, not with its name.
  - when:
      motive: order_tracking
    name: tracking
    reply: ok
EOF
	envelope e1
	envelope e2 'classification.motives=[{"id": "return_request", "score": 0.91, "threshold": 0.72, "sure": true}]'
	route "$MY"
	run jget "$OUT" 'm["route"]["rule"]["line"]' 1
	assert_output "$(line_of "$MY/30-x.yaml" '- when:')"
	run jget "$OUT" 'm["route"]["rule"]["line"]' 2
	assert_output "$(line_of "$MY/30-x.yaml" '- name: french')"
}

@test "draft: the motive's folder unless folder says otherwise; draft assistant needs no template" {
	myrules <<'EOF'
rules:
  - name: elsewhere
    when: {lang: en}
    draft: thanks
    folder: "08 – Autres"
  - name: french
    when: {lang: fr, motive: order_tracking}
    draft: other
  - name: helper
    when: {lang: de}
    draft: assistant
EOF
	envelope en classification.lang='"en"'
	envelope fr
	envelope de classification.lang='"de"'
	route "$MY"
	run each '[m["id"]] + [m["route"][k] for k in ("action", "folder", "template")]'
	assert_output "$(printf '%s\n' '["en", "draft", "'"$OTHER"'", "thanks"]' \
	    '["fr", "draft", "'"$TRACKING"'", "other"]' '["de", "draft", "'"$TRACKING"'", "assistant"]')"
}

@test "file: the folder named, no template" {
	myrules <<'EOF'
rules:
  - name: wrong
    when: {motive: order_tracking}
    file: "05 – Erreur produit reçu"
EOF
	envelope e1
	route "$MY"
	run jget "$OUT" '[m["route"][k] for k in ("action", "folder", "template", "motive", "order")] + [m["route"]["rule"]["name"]]'
	assert_output '["file", "'"$WRONG"'", null, "order_tracking", "KHWLILZLL", "wrong"]'
}

@test "file and folder take motive:ID, the folder of that motive" {
	myrules <<'EOF'
rules:
  - name: english
    when: {lang: en}
    file: motive:wrong_item
  - name: french
    when: {lang: fr}
    draft: ok
    folder: motive:other
EOF
	envelope en classification.lang='"en"'
	envelope fr
	route "$MY"
	run each '[m["id"]] + [m["route"][k] for k in ("action", "folder", "template")]'
	assert_output "$(printf '%s\n' '["en", "file", "'"$WRONG"'", null]' '["fr", "draft", "'"$OTHER"'", "ok"]')"
}

@test "tag as a string and as a list, priority, handover" {
	myrules <<'EOF'
rules:
  - name: vip
    when: {customer.orders: {ge: 3}}
    tag: vip
    continue: true
  - name: big
    when: {order.totals.paid: {gt: 50}}
    tag: [big, check]
    priority: urgent
    handover: a big order
    draft: other
EOF
	envelope e1
	route "$MY"
	run jget "$OUT" '[m["route"][k] for k in ("action", "template", "tags", "priority", "handover")]'
	assert_output '["draft", "other", ["vip", "big", "check"], "urgent", "a big order"]'
	myrules <<'EOF'
rules:
  - name: low
    when: {lang: fr}
    priority: low
    file: "08 – Autres"
EOF
	route "$MY"
	run jget "$OUT" '[m["route"][k] for k in ("action", "folder", "tags", "priority", "handover")]'
	assert_output '["file", "'"$OTHER"'", [], "low", null]'
}

@test "a rule with a folder and no action: refused by --check, or its route has an action" {
	# owi-route(1): "action: reply, draft or file"; owi-rules(5): folder
	# is "the folder for the reply or draft, instead of the motive's".
	myrules <<'EOF'
rules:
  - name: elsewhere
    when: {lang: fr}
    folder: "08 – Autres"
EOF
	run --separate-stderr owi-route --check -r "$MY"
	if [ "$status" -ne 0 ]; then
		assert_failure 78
		problems "$MY/30-x.yaml:2:5|'elsewhere'"
		return
	fi
	envelope e1
	route "$MY"
	run jget "$OUT" 'm["route"]["action"]'
	assert_output --regexp '^(reply|draft|file)$'
}

@test "no rule decides: filed into the sure motive's folder, or the unsure folder" {
	myrules <<'EOF'
rules:
  - name: english
    when: {lang: en}
    reply: ok
EOF
	envelope sure
	envelope unsure 'classification.motives=[{"id": "order_tracking", "score": 0.5, "threshold": 0.63, "sure": false}]'
	envelope none 'classification.motives=[]' shop.orders='[]'
	route "$MY"
	run each '[m["id"]] + [m["route"][k] for k in ("action", "folder", "template", "motive", "rule")]'
	assert_output "$(printf '%s\n' '["sure", "file", "'"$TRACKING"'", null, "order_tracking", null]' \
	    '["unsure", "file", "'"$UNSURE"'", null, null, null]' '["none", "file", "'"$UNSURE"'", null, null, null]')"
}

# --- Guards (owi-rules(5), Guards) ---------------------------------------
# A rule answers every mail; each test changes one thing of an envelope
# it would answer, and one guard holds.

# guarded [PATH=JSON | -PATH]...: the envelope so changed, routed by a
# rule that replies to everything (and marks "avocat" for a human).
guarded() {
	myrules <<'EOF'
shop_addresses: ["@boutique.example"]
rules:
  - name: lawyer
    when: {message.new_text: {matches: '\bavocat\b'}}
    handover: a lawyer is mentioned
    continue: true
  - name: answer
    reply: ok
EOF
	envelope g "$@"
	route "$MY"
}

# guards_are ID...: route.guards names these guards, each with a why.
guards_are() {
	run jget "$OUT" '[g["id"] for g in m["route"]["guards"]]'
	assert_output "$(python3 -c 'import json, sys; print(json.dumps(sys.argv[1:]))' "$@")"
	run jget "$OUT" 'all(isinstance(g["why"], str) and g["why"] != "" for g in m["route"]["guards"])'
	assert_output true
}

@test "guards: none holds, the rule's reply stands" {
	guarded
	run jget "$OUT" '[m["route"][k] for k in ("action", "folder", "template", "guards")]'
	assert_output '["reply", "'"$TRACKING"'", "ok", []]'
}

@test "guard automated: filed, no draft" {
	guarded 'message.automated={"is": true, "why": "Auto-Submitted: auto-replied"}'
	run jget "$OUT" '[m["route"][k] for k in ("action", "folder", "template")]'
	assert_output '["file", "'"$TRACKING"'", null]'
	guards_are automated
}

@test "guard spam: spam a sure motive, filed into the spam folder" {
	guarded 'classification.motives=[{"id": "spam", "score": 0.99, "threshold": 0.5, "sure": true}]'
	run jget "$OUT" '[m["route"][k] for k in ("action", "folder", "template")]'
	assert_output '["file", "'"$SPAM"'", null]'
	guards_are spam
}

@test "guard spam: a spam score of 0.9 (or 0.5), filed into the spam folder" {
	guarded classification.spam=0.9
	run jget "$OUT" '[m["route"][k] for k in ("action", "folder", "template")]'
	assert_output '["file", "'"$SPAM"'", null]'
	guards_are spam
	# "the spam score is 0.5 or more"
	: >"$IN"
	guarded classification.spam=0.5
	guards_are spam
	: >"$IN"
	guarded classification.spam=0.49
	guards_are
}

@test "guard shop-address: mail from the shop itself is filed" {
	guarded 'message.from={"name": "Boutique Exemple", "address": "service@boutique.example"}' \
	    shop.orders='[]' shop.customer=null
	run jget "$OUT" '[m["route"][k] for k in ("action", "template")]'
	assert_output '["file", null]'
	guards_are shop-address
}

@test "guard foreign-order: an order of another customer, a draft" {
	guarded shop.orders.0.belongs_to_sender=false
	run jget "$OUT" '[m["route"][k] for k in ("action", "folder", "template")]'
	assert_output '["draft", "'"$TRACKING"'", "ok"]'
	guards_are foreign-order
}

@test "guard ambiguous-order: the mail names no order, the sender has several, a draft" {
	guarded 'entities.order_reference=[]' message.subject='"Ma commande"' \
	    message.new_text='"Bonjour, où en est ma commande ?"' shop.orders=@1040,1039 \
	    shop.orders.0.matched_by='"sender"' shop.orders.0.matched_value='"jeanne.martin@example.fr"'
	run jget "$OUT" '[m["route"][k] for k in ("action", "folder", "template")]'
	assert_output '["draft", "'"$TRACKING"'", "ok"]'
	guards_are ambiguous-order
}

# signal_guard ID EVIDENCE: that handover signal alone makes a draft.
signal_guard() {
	guarded "classification.signals=[{\"id\": \"$1\", \"evidence\": \"$2\", \"from\": \"new_text\"}]"
	run jget "$OUT" '[m["route"][k] for k in ("action", "folder", "template")]'
	assert_output '["draft", "'"$TRACKING"'", "ok"]'
	guards_are handover
}

@test "guard handover: the signal angry" {
	signal_guard angry "c'est inadmissible"
}

@test "guard handover: the signal human" {
	signal_guard human "je veux parler à quelqu'un"
}

@test "guard handover: the signal legal" {
	signal_guard legal "mise en demeure"
}

@test "guard handover: the signal urgent" {
	signal_guard urgent "c'est urgent"
}

@test "guard handover: a rule's handover" {
	guarded message.new_text='"Sans réponse je contacte mon avocat."'
	run jget "$OUT" '[m["route"][k] for k in ("action", "folder", "template", "handover")]'
	assert_output '["draft", "'"$TRACKING"'", "ok", "a lawyer is mentioned"]'
	guards_are handover
}

@test "guard unsure: no sure motive, into the unsure folder" {
	guarded 'classification.motives=[{"id": "order_tracking", "score": 0.55, "threshold": 0.63, "sure": false}]'
	run jget "$OUT" '[m["route"][k] for k in ("action", "folder", "motive")]'
	assert_output '["draft", "'"$UNSURE"'", null]'
	guards_are unsure
}

@test "guard several-motives: more than one sure motive, a draft" {
	guarded 'classification.motives=[{"id": "order_tracking", "score": 0.95, "threshold": 0.63, "sure": true}, {"id": "order_cancellation", "score": 0.9, "threshold": 0.5, "sure": true}]'
	run jget "$OUT" '[m["route"][k] for k in ("action", "folder", "template", "motive")]'
	assert_output '["draft", "'"$TRACKING"'", "ok", "order_tracking"]'
	guards_are several-motives
}

@test "guard shop: shop.failed true" {
	guarded 'shop={"backend": "prestashop", "lang": "fr", "failed": true}'
	run jget "$OUT" '[m["route"][k] for k in ("action", "template")]'
	assert_output '["draft", "ok"]'
	guards_are shop
}

@test "guard shop: no shop key at all (the lookup was not done)" {
	guarded -shop
	run jget "$OUT" '[m["route"][k] for k in ("action", "template")]'
	assert_output '["draft", "ok"]'
	guards_are shop
}

@test "guard shop: an error of stage owi-shop" {
	guarded 'errors=[{"stage": "owi-shop", "code": "bad-answer", "message": "the answer is not JSON"}]'
	run jget "$OUT" '[m["route"][k] for k in ("action", "template")]'
	assert_output '["draft", "ok"]'
	guards_are shop
}

# --- --check (owi-rules(5), Checking) ------------------------------------
# Lines and columns are those of the YAML written here, counted from 1.

# check_fails [DIRS]: owi-route --check -r DIRS (default $MY) exits 78 and
# writes nothing on standard output.
check_fails() {
	run --separate-stderr owi-route --check -r "${1:-$MY}"
	assert_failure 78
	assert_output ""
}

# problems FILE:LINE:COL|WORDS...: standard error is exactly these
# problems, in this order, each "owi-route: FILE:LINE:COL: message" with
# WORDS in its message.
problems() {
	local -a got
	local i=0 spec
	mapfile -t got <<<"$stderr"
	for spec in "$@"; do
		[[ ${got[i]} == "owi-route: ${spec%%|*}: "*"${spec#*|}"* ]] ||
		    fail "problem $((i + 1)): expected 'owi-route: ${spec%%|*}: ...${spec#*|}...', got '${got[i]}'"
		i=$((i + 1))
	done
	assert_equal "${#got[@]}" "$#"
}

@test "--check: a clean directory exits 0 and says nothing" {
	myrules <<'EOF'
rules:
  - name: shipped
    when: {motive: order_tracking, order.state.shipped: true}
    reply: ok
  - name: everything
    file: "00 – À analyser"
EOF
	run --separate-stderr owi-route --check -r "$MY"
	assert_success
	assert_output ""
	assert_equal "$stderr" ""
	run --separate-stderr owi-route -C -r "$MY"
	assert_success
}

@test "--check: an unknown field in a condition" {
	myrules <<'EOF'
rules:
  - name: a
    when:
      motive: order_tracking
      order.stat.shipped: true
    reply: ok
EOF
	check_fails
	problems "$MY/30-x.yaml:5:7|'order.stat.shipped'"
}

@test "--check: an unknown operator" {
	myrules <<'EOF'
rules:
  - name: a
    when:
      motive: order_tracking
      days_since_order: {lte: 5}
    reply: ok
EOF
	check_fails
	problems "$MY/30-x.yaml:5:26|'lte'"
}

@test "--check: an unknown motive, as a value or in a list" {
	myrules <<'EOF'
rules:
  - name: a
    when:
      motive: order_trackin
    reply: ok
  - name: b
    when: {motives: [spam, shipping]}
    reply: ok
EOF
	check_fails
	problems "$MY/30-x.yaml:4:15|'order_trackin'" "$MY/30-x.yaml:7:28|'shipping'"
}

@test "--check: an unknown folder, in file and in folder, or motive:ID of an unknown motive" {
	myrules <<'EOF'
rules:
  - name: a
    when: {lang: fr}
    file: "09 – Divers"
  - name: b
    when: {lang: en}
    reply: ok
    folder: "02 - Suivi de commande"
  - name: c
    when: {lang: de}
    file: motive:shipping
EOF
	check_fails
	problems "$MY/30-x.yaml:4:11|'09 – Divers'" "$MY/30-x.yaml:8:13|'02 - Suivi de commande'" \
	    "$MY/30-x.yaml:11:11|shipping"
}

@test "--check: values of the wrong type (lt: \"abc\", exists: maybe, priority: 7)" {
	myrules <<'EOF'
rules:
  - name: a
    when: {days_since_order: {lt: "abc"}}
    reply: ok
  - name: b
    when: {order.carrier.tracking_number: {exists: maybe}}
    reply: ok
  - name: c
    when: {lang: fr}
    reply: ok
    priority: 7
EOF
	check_fails
	problems "$MY/30-x.yaml:3:35|'lt'" "$MY/30-x.yaml:6:52|'exists'" "$MY/30-x.yaml:11:15|'priority'"
}

@test "--check: a template that exists in none of the rules directories" {
	myrules <<'EOF'
rules:
  - name: a
    when: {lang: fr}
    reply: nosuch
  - name: b
    when: {lang: en}
    draft: nosuch_draft
EOF
	check_fails
	problems "$MY/30-x.yaml:4:12|'nosuch'" "$MY/30-x.yaml:7:12|'nosuch_draft'"
	# A template of a later directory counts.
	mkdir -p "$BATS_TEST_TMPDIR/own/templates"
	: >"$BATS_TEST_TMPDIR/own/templates/nosuch.en.txt"
	: >"$BATS_TEST_TMPDIR/own/templates/nosuch_draft.fr.txt"
	run --separate-stderr owi-route --check -r "$MY:$BATS_TEST_TMPDIR/own"
	assert_success
	assert_equal "$stderr" ""
}

@test "--check: a rule after a rule without when is never reached" {
	myrules <<'EOF'
rules:
  - name: mark-all
    tag: seen
    continue: true
  - name: everything
    reply: ok
  - name: never
    when: {lang: fr}
    reply: ok
  - name: never-either
    when: {lang: en}
    tag: x
    continue: true
EOF
	check_fails
	# A marking rule without when decides nothing: the rules after it are read.
	problems "$MY/30-x.yaml:7:5|'never'" "$MY/30-x.yaml:10:5|'never-either'"
}

@test "--check: two actions in one rule" {
	myrules <<'EOF'
rules:
  - name: both
    when: {lang: fr}
    reply: ok
    file: "08 – Autres"
EOF
	check_fails
	problems "$MY/30-x.yaml:5:5|'both'"
}

@test "--check: a rule that continues and replies" {
	myrules <<'EOF'
rules:
  - name: mark
    when: {lang: fr}
    reply: ok
    continue: true
EOF
	check_fails
	problems "$MY/30-x.yaml:2:5|'mark'"
}

@test "--check: an invalid regular expression" {
	myrules <<'EOF'
rules:
  - name: a
    when:
      message.subject: {matches: '(commande'}
    reply: ok
EOF
	check_fails
	problems "$MY/30-x.yaml:4:34|parenthes"
}

@test "--check: a file that is not YAML" {
	myrules <<'EOF'
rules:
  - name: a
    when: {lang: fr}
    reply: ok: no
EOF
	check_fails
	problems "$MY/30-x.yaml:4:14|"
}

@test "--check: every problem is reported, in every file" {
	myrules <<'EOF'
rules:
  - name: a
    when:
      order.stat.shipped: true
      order.belongs_to_sendr: true
    reply: nosuch
  - name: b
    when:
      any:
        - motive: order_trackin
        - days_since_order: {lte: 5}
    priority: 7
    file: "09 – Divers"
EOF
	printf '%s\n' 'rules:' '  - name: c' '    when: {lang: {matches: "("}}' '    reply: ok' >"$MY/40-y.yaml"
	check_fails
	problems "$MY/30-x.yaml:4:7|'order.stat.shipped'" "$MY/30-x.yaml:5:7|'order.belongs_to_sendr'" \
	    "$MY/30-x.yaml:6:12|'nosuch'" "$MY/30-x.yaml:10:19|'order_trackin'" \
	    "$MY/30-x.yaml:11:30|'lte'" "$MY/30-x.yaml:12:15|'priority'" \
	    "$MY/30-x.yaml:13:11|'09 – Divers'" "$MY/40-y.yaml:3:28|pattern"
}

@test "a normal run refuses rules that do not check: the problems, exit 78, no envelope" {
	myrules <<'EOF'
rules:
  - name: a
    when:
      motive: order_tracking
      order.stat.shipped: true
    reply: ok
EOF
	envelope e1
	run --separate-stderr owi-route -r "$MY" "$IN"
	assert_failure 78
	assert_output ""
	problems "$MY/30-x.yaml:5:7|'order.stat.shipped'"
	run --separate-stderr owi-route -x -r "$MY" "$IN"
	assert_failure 78
	assert_output ""
}

# --- The shipped rules (rules.d/30-routes.yaml) on the export's orders ---
# The mails are written as owi-parse, owi-classify and owi-extract write
# them, the shop key is the real owi-shop's over examples/shop.json.

# mail ID FROM DATE SUBJECT TEXT [lang=LANG] [motive=ID:SCORE:THRESHOLD]...
#     [signal=ID:EVIDENCE]... [spam=P] [TYPE=VALUE]...
# appends to $BATS_TEST_TMPDIR/mails.jsonl the envelope of a plain-text
# mail from FROM (its name the export's) to the shop, sent at DATE (ISO
# 8601), classified with those motives (sure when the score reaches the
# threshold; spam 0.01 unless given; lang fr unless given), and with
# the entities TYPE=VALUE found where they are in the subject or text.
mail() {
	python3 - "$BATS_TEST_TMPDIR/mails.jsonl" "$EXPORT" "$@" <<'PY'
import datetime, email.utils, json, sys
path, export, mid, address, date, subject, text, *given = sys.argv[1:]
names = {c["email"]: c["firstname"] + " " + c["lastname"]
         for c in json.load(open(export, encoding="utf-8"))["customers"]}
types = ["amount", "customer_name", "date", "ean13", "email", "iban",
         "order_id", "order_reference", "phone", "product_reference",
         "tracking_number"]
name = names.get(address)
lang, spam, motives, signals = "fr", 0.01, [], []
entities = {t: [] for t in types}
if name:
    entities["customer_name"].append({"value": name, "raw": name, "from": "from",
                                      "start": 0, "end": len(name), "confidence": 0.85})
for g in given:
    k, _, v = g.partition("=")
    if k == "lang":
        lang = v
    elif k == "spam":
        spam = float(v)
    elif k == "motive":
        i, s, t = v.split(":")
        motives.append({"id": i, "score": float(s), "threshold": float(t),
                        "sure": float(s) >= float(t)})
    elif k == "signal":
        i, _, e = v.partition(":")
        signals.append({"id": i, "evidence": e,
                        "from": "subject" if e in subject else "new_text"})
    elif k in entities:
        where, at = ("new_text", text.find(v)) if v in text else ("subject", subject.find(v))
        assert at >= 0, "%s is neither in the text nor in the subject" % v
        entities[k].append({"value": v, "raw": v, "from": where, "start": at,
                            "end": at + len(v), "confidence": 0.9})
    else:
        sys.exit("mail: unknown argument " + g)
motives.sort(key=lambda m: -m["score"])
sender = "%s <%s>" % (name, address) if name else address
rfc = email.utils.format_datetime(datetime.datetime.fromisoformat(date))
env = {
    "owi": 1, "id": mid,
    "source": {"path": "/var/mail/owi/new/%s.eml" % mid, "size": 900 + len(text), "sha256": "ab" * 32},
    "message": {
        "message_id": mid, "in_reply_to": None, "references": [], "date": date,
        "from": {"name": name, "address": address},
        "to": [{"name": "Boutique Exemple", "address": "contact@boutique.example"}],
        "cc": [], "reply_to": [], "subject": subject,
        "headers": [["Message-ID", "<%s>" % mid], ["Date", rfc], ["From", sender],
                    ["To", "Boutique Exemple <contact@boutique.example>"],
                    ["Subject", subject], ["MIME-Version", "1.0"],
                    ["Content-Type", "text/plain; charset=utf-8"]],
        "text": text, "text_from": "plain", "new_text": text, "quoted_text": "",
        "forwarded_text": "", "signature": "", "attachments": [],
        "automated": {"is": False, "why": None}},
    "classification": {"motives": motives, "spam": spam, "lang": lang,
                       "signals": signals, "model": "model.owim"},
    "entities": entities,
}
with open(path, "a", encoding="utf-8") as f:
    f.write(json.dumps(env, ensure_ascii=False) + "\n")
PY
}

# shipped: the real owi-shop over the mails, into $IN, then owi-route
# with the shipped rules, into $OUT.
shipped() {
	run --separate-stderr owi-shop -r "$RULES" -f "$EXPORT" "$BATS_TEST_TMPDIR/mails.jsonl"
	assert_success
	assert_equal "$stderr" ""
	printf '%s\n' "$output" >"$IN"
	route "$RULES"
}

# decided N RULE ACTION TEMPLATE|- FOLDER: envelope N of $OUT was decided
# by that shipped rule (its file and the line of its mapping), so.
decided() {
	local line template=null
	line=$(line_of "$RULES/30-routes.yaml" "- name: $2")
	[ "$4" = - ] || template="\"$4\""
	run jget "$OUT" '[m["route"]["rule"] and m["route"]["rule"][k] for k in ("file", "name", "line")] + [m["route"][k] for k in ("action", "template", "folder")]' "$1"
	assert_output "[\"$RULES/30-routes.yaml\", \"$2\", $line, \"$3\", $template, \"$5\"]"
}

# route_of N KEY...: those keys of envelope N's route, as a JSON list.
route_of() {
	local n=$1 k keys=
	shift
	for k in "$@"; do
		keys+="${keys:+, }\"$k\""
	done
	jget "$OUT" "[m[\"route\"][k] for k in ($keys,)]" "$n"
}

@test "rules.d: the shipped rules check" {
	run --separate-stderr owi-route --check -r "$RULES"
	assert_success
	assert_equal "$stderr" ""
}

@test "tracking-shipped: KHWLILZLL is on its way since at most a week, the reply order_shipped" {
	mail ship-fr jeanne.martin@example.fr 2025-10-03T10:15:00+02:00 'Où en est ma commande ?' \
	    "Bonjour,
J'ai passé la commande KHWLILZLL le 30 septembre, pouvez-vous me dire où elle en est ?
Merci,
Jeanne Martin" motive=order_tracking:0.97:0.63 order_reference=KHWLILZLL
	# Shipped 2025-10-01: a week later, on Wednesday 2025-10-08, still
	# answered; on Thursday, a question for the carrier and a human.
	mail week jeanne.martin@example.fr 2025-10-08T10:15:00+02:00 'Toujours rien' \
	    "Bonjour, toujours rien reçu pour la commande KHWLILZLL, où est-elle ?" \
	    motive=order_tracking:0.96:0.63 order_reference=KHWLILZLL
	mail week-and-a-day jeanne.martin@example.fr 2025-10-09T10:15:00+02:00 'Toujours rien' \
	    "Bonjour, toujours rien reçu pour la commande KHWLILZLL, où est-elle ?" \
	    motive=order_tracking:0.96:0.63 order_reference=KHWLILZLL
	shipped
	decided 2 tracking-shipped reply order_shipped "$TRACKING"
	decided 3 draft-tracking draft draft_order_tracking "$TRACKING"
	decided 1 tracking-shipped reply order_shipped "$TRACKING"
	run route_of 1 motive order tags priority handover guards
	assert_output '["order_tracking", "KHWLILZLL", [], "normal", null, []]'
	run jget "$OUT" '"order.state.shipped eq true: true" in m["route"]["why"] and "order.belongs_to_sender eq true: true" in m["route"]["why"]'
	assert_output true
}

@test "tracking-preparing: paid, not shipped, at most 5 days after the order" {
	# XKBDFQWPL: placed on Tuesday 2025-10-07, payment accepted.
	mail two-days francois@example.fr 2025-10-09T11:00:00+02:00 'Commande XKBDFQWPL' \
	    "Bonjour, j'ai passé la commande XKBDFQWPL mardi soir, quand partira-t-elle ? Merci" \
	    motive=order_tracking:0.95:0.63 order_reference=XKBDFQWPL
	# Sunday 2025-10-12: five days, and outside business hours.
	mail five-days francois@example.fr 2025-10-12T11:00:00+02:00 'Commande XKBDFQWPL' \
	    "Bonjour, toujours pas de nouvelles de la commande XKBDFQWPL, où en est-elle ?" \
	    motive=order_tracking:0.96:0.63 order_reference=XKBDFQWPL
	shipped
	decided 1 tracking-preparing reply order_preparing "$TRACKING"
	run route_of 1 order tags guards
	assert_output '["XKBDFQWPL", [], []]'
	decided 2 tracking-preparing reply order_preparing "$TRACKING"
	run route_of 2 order tags guards
	assert_output '["XKBDFQWPL", ["after-hours"], []]'
}

@test "tracking-late: paid, not shipped, more than 5 days after the order, a draft of high priority" {
	# MPLOKIUJY: placed 2025-10-06, processing in progress.
	mail late-en emma.wilson@example.co.uk 2025-10-15T10:00:00+01:00 'Order MPLOKIUJY not shipped' \
	    "Hello,
I placed order MPLOKIUJY on 6 October and it has still not been shipped. When will it leave?
Thanks,
Emma" lang=en motive=order_tracking:0.93:0.63 order_reference=MPLOKIUJY
	# XKBDFQWPL on Monday 2025-10-13: six days.
	mail six-days francois@example.fr 2025-10-13T10:00:00+02:00 'Commande XKBDFQWPL' \
	    "Bonjour, la commande XKBDFQWPL n'est toujours pas partie, que se passe-t-il ?" \
	    motive=order_tracking:0.96:0.63 order_reference=XKBDFQWPL
	shipped
	decided 1 tracking-late draft order_late "$TRACKING"
	run route_of 1 order priority
	assert_output '["MPLOKIUJY", "high"]'
	decided 2 tracking-late draft order_late "$TRACKING"
	run route_of 2 order priority
	assert_output '["XKBDFQWPL", "high"]'
}

@test "tracking-unpaid: order 1041 awaits a bank wire, the reply order_unpaid" {
	mail unpaid lucas.moreau@example.fr 2025-10-03T09:30:00+02:00 'Ma commande 1041' \
	    "Bonjour, où en est ma commande n° 1041 ? Je n'ai reçu aucune nouvelle. Lucas" \
	    motive=order_tracking:0.94:0.63 order_id=1041
	shipped
	run jget "$IN" '[m["shop"]["orders"][0][k] for k in ("id", "reference")] + [m["shop"]["orders"][0]["state"]["id"]]'
	assert_output '[1041, "NBVCXWMLK", 10]'
	decided 1 tracking-unpaid reply order_unpaid "$TRACKING"
	run route_of 1 order guards
	assert_output '["NBVCXWMLK", []]'
}

@test "return-in-period: delivered, shipped at most 14 days ago, the reply return_procedure" {
	# YTREZAQSD (1042): shipped 2025-10-03, delivered.
	mail five-days john.smith@example.com 2025-10-08T09:30:00+01:00 'Return' \
	    "Hello, the jacket of order #1042 does not suit me, I would like to return it. How do I proceed?" \
	    lang=en motive=return_request:0.93:0.72 order_id=1042
	mail fourteen-days john.smith@example.com 2025-10-17T09:30:00+01:00 'Return' \
	    "Hello, I would like to send back the jacket of order 1042. What is the procedure?" \
	    lang=en motive=return_request:0.94:0.72 order_id=1042
	shipped
	decided 1 return-in-period reply return_procedure "$RETURNS"
	run route_of 1 motive order guards
	assert_output '["return_request", "YTREZAQSD", []]'
	decided 2 return-in-period reply return_procedure "$RETURNS"
}

@test "return-in-period: 17 days after shipping it is not, draft-return drafts" {
	mail late-return john.smith@example.com 2025-10-20T09:30:00+01:00 'Return' \
	    "Hello, I would like to return the jacket of order #1042, how do I proceed?" \
	    lang=en motive=return_request:0.93:0.72 order_id=1042
	shipped
	decided 1 draft-return draft draft_return_request "$RETURNS"
	run route_of 1 order
	assert_output '["YTREZAQSD"]'
}

@test "cancel-shipped: RTZUIOPQS has left, the reply cancel_shipped" {
	mail cancel-shipped francois@example.fr 2025-10-09T09:30:00+02:00 'Annulation' \
	    "Bonjour, je voudrais annuler la commande RTZUIOPQS, je me suis trompé de vase. Merci" \
	    motive=order_cancellation:0.96:0.5 order_reference=RTZUIOPQS
	shipped
	decided 1 cancel-shipped reply cancel_shipped "$CANCEL"
	run route_of 1 order guards
	assert_output '["RTZUIOPQS", []]'
}

@test "cancel-not-shipped: XKBDFQWPL has not left, a draft cancel_ack of high priority" {
	mail cancel francois@example.fr 2025-10-08T14:00:00+02:00 'annulation commande' \
	    "bonjour jai commander 2 fois par erreur, annulé la 2eme svp (XKBDFQWPL)
merci" motive=order_cancellation:0.99:0.5 order_reference=XKBDFQWPL
	shipped
	decided 1 cancel-not-shipped draft cancel_ack "$CANCEL"
	run route_of 1 order priority
	assert_output '["XKBDFQWPL", "high"]'
}

@test "product-availability: one product, its stock known, the reply product_availability" {
	mail mug sophie.dubois@example.be 2025-10-07T15:00:00+02:00 'Mug en grès' \
	    "Bonjour, le mug MUG-GRES-BLEU est-il disponible ? J'en voudrais quatre. Sophie" \
	    motive=product_question:0.95:0.9 product_reference=MUG-GRES-BLEU
	shipped
	run jget "$IN" '[m["shop"]["products"][0]["stock"], len(m["shop"]["products"]), m["shop"]["orders"]]'
	assert_output '[38, 1, []]'
	decided 1 product-availability reply product_availability "$PRODUCT"
	run route_of 1 motive order guards
	assert_output '["product_question", null, []]'
}

@test "product-availability: a question about another colour or size is not answered, draft-product drafts" {
	# The stock of the white lamp does not answer "does it exist in black?".
	mail noir paul.durand@example.fr 2025-10-10T11:30:00+02:00 'Lampe ALPHA-02' \
	    "Bonjour, est-ce que la lampe ALPHA-02 est disponible en noir ?" \
	    motive=product_question:0.98:0.9 product_reference=ALPHA-02
	mail black emma.wilson@example.co.uk 2025-10-10T10:30:00+01:00 'ALPHA-02 lamp' \
	    "Hello, is the ALPHA-02 lamp also available in black?" \
	    lang=en motive=product_question:0.97:0.9 product_reference=ALPHA-02
	# Nor a size.
	mail size sophie.dubois@example.be 2025-10-10T10:30:00+02:00 'Plaid' \
	    "Bonjour, le plaid PLAID-LAINE-BEI est-il disponible en 200 x 220 ?" \
	    motive=product_question:0.96:0.9 product_reference=PLAID-LAINE-BEI
	shipped
	run jget "$IN" '[len(m["shop"]["products"]), m["shop"]["products"][0]["stock"]]'
	assert_output '[1, 12]'
	decided 1 draft-product draft draft_product_question "$PRODUCT"
	decided 2 draft-product draft draft_product_question "$PRODUCT"
	decided 3 draft-product draft draft_product_question "$PRODUCT"
}

@test "spam: a sure spam motive is filed into 01 – SPAM" {
	mail seo contact@seo-rank.example 2025-10-07T03:12:00+00:00 'Boostez votre référencement' \
	    "Bonjour, nous plaçons votre boutique en première page de Google en 30 jours. Répondez OUI." \
	    motive=spam:0.99:0.5 spam=0.98
	shipped
	decided 1 spam file - "$SPAM"
}

@test "urgent: tagged urgent, high priority, and the reply becomes a draft" {
	mail urgent jeanne.martin@example.fr 2025-10-03T10:15:00+02:00 'URGENT commande KHWLILZLL' \
	    "Bonjour, c'est urgent : j'ai besoin de la commande KHWLILZLL pour samedi, où en est-elle ?" \
	    motive=order_tracking:0.97:0.63 "signal=urgent:c'est urgent" order_reference=KHWLILZLL
	shipped
	decided 1 tracking-shipped draft order_shipped "$TRACKING"
	run route_of 1 tags priority
	assert_output '[["urgent"], "high"]'
	run jget "$OUT" '[[g["id"] for g in m["route"]["guards"]], m["route"]["why"][0].startswith("urgent: signals has urgent")]'
	assert_output '[["handover"], true]'
}

@test "upset-or-legal: anger, a lawyer or a person asked for: handed over, a draft" {
	mail lawyer john.smith@example.com 2025-10-08T09:30:00+01:00 'Unacceptable' \
	    "This is unacceptable. I want to return the jacket of order #1042 and get my money back, or my lawyer will hear about it." \
	    lang=en motive=return_request:0.9:0.72 signal=angry:unacceptable "signal=legal:my lawyer" order_id=1042
	mail human jeanne.martin@example.fr 2025-10-03T10:15:00+02:00 'Commande KHWLILZLL' \
	    "Bonjour, je veux parler à un conseiller, pas à un robot. Où est la commande KHWLILZLL ?" \
	    motive=order_tracking:0.9:0.63 "signal=human:parler à un conseiller" order_reference=KHWLILZLL
	shipped
	decided 1 return-in-period draft return_procedure "$RETURNS"
	decided 2 tracking-shipped draft order_shipped "$TRACKING"
	for n in 1 2; do
		run route_of $n tags priority handover
		assert_output '[["handover"], "high", "the customer is upset, asks for a person or speaks of legal action"]'
		run jget "$OUT" '[g["id"] for g in m["route"]["guards"]]' $n
		assert_output '["handover"]'
	done
}

@test "after-hours: tagged on a Saturday, in the evening, on a closed day; the reply stands" {
	local d
	for d in 2025-10-04T10:00:00+02:00 2025-10-06T19:30:00+02:00 2025-10-06T10:00:00+02:00; do
		mail "$d" jeanne.martin@example.fr "$d" 'Commande KHWLILZLL' \
		    "Bonjour, où en est la commande KHWLILZLL ? Merci" \
		    motive=order_tracking:0.96:0.63 order_reference=KHWLILZLL
	done
	# 2025-11-11 is a closed day of the shipped calendar.
	mail 2025-11-11T10:00:00+01:00 lucas.moreau@example.fr 2025-11-11T10:00:00+01:00 'Ma commande 1041' \
	    "Bonjour, où en est ma commande n° 1041 ?" motive=order_tracking:0.94:0.63 order_id=1041
	shipped
	for n in 1 2 3; do
		decided $n tracking-shipped reply order_shipped "$TRACKING"
	done
	decided 4 tracking-unpaid reply order_unpaid "$TRACKING"
	run each '[m["id"], m["route"]["tags"]]'
	assert_output "$(printf '%s\n' '["2025-10-04T10:00:00+02:00", ["after-hours"]]' \
	    '["2025-10-06T19:30:00+02:00", ["after-hours"]]' '["2025-10-06T10:00:00+02:00", []]' \
	    '["2025-11-11T10:00:00+01:00", ["after-hours"]]')"
}

@test "draft-tracking: an order the shop does not know, or another customer's, is drafted" {
	mail unknown sophie.dubois@example.be 2025-10-07T10:00:00+02:00 'Ma commande' \
	    "Bonjour, où en est ma commande QWERTYUIO ? Merci" \
	    motive=order_tracking:0.95:0.63 order_reference=QWERTYUIO
	# RTZUIOPQS is François's, shipped: never told to Jeanne.
	mail foreign jeanne.martin@example.fr 2025-10-09T10:00:00+02:00 'Ma commande' \
	    "Bonjour, où en est ma commande RTZUIOPQS ? Merci" \
	    motive=order_tracking:0.95:0.63 order_reference=RTZUIOPQS
	shipped
	run jget "$IN" '[(o["reference"], o["belongs_to_sender"]) for o in m["shop"]["orders"]]' 2
	assert_output '[["RTZUIOPQS", false]]'
	decided 1 draft-tracking draft draft_order_tracking "$TRACKING"
	decided 2 draft-tracking draft draft_order_tracking "$TRACKING"
}

@test "draft-cancellation: a cancellation of an order already canceled is drafted" {
	mail canceled lucas.moreau@example.fr 2025-10-03T10:00:00+02:00 'Annulation' \
	    "Bonjour, merci d'annuler ma commande 1037. Lucas" \
	    motive=order_cancellation:0.97:0.5 order_id=1037
	shipped
	decided 1 draft-cancellation draft draft_order_cancellation "$CANCEL"
	run route_of 1 order
	assert_output '["WZXNBVCMQ"]'
}

@test "draft-wrong-item: a wrong size received is drafted, high priority" {
	mail wrong-size john.smith@example.com 2025-10-07T09:01:00+01:00 'Wrong size' \
	    "Hello, I ordered the blue jacket in L (order #1042) and received an M.
Can I exchange it?

Best regards,
John" lang=en motive=wrong_item:0.99:0.95 motive=return_request:0.6:0.72 order_id=1042
	shipped
	decided 1 draft-wrong-item draft draft_wrong_item "$WRONG"
	run route_of 1 priority order
	assert_output '["high", "YTREZAQSD"]'
}

@test "draft-carrier: a parcel said delivered but not received is drafted" {
	mail not-received jeanne.martin@example.fr 2025-10-06T10:00:00+02:00 'Colis non reçu' \
	    "Bonjour, le suivi Colissimo 6A12345678901 indique que le colis est livré, mais je n'ai rien reçu." \
	    motive=carrier_issue:0.92:0.6 tracking_number=6A12345678901
	shipped
	decided 1 draft-carrier draft draft_carrier_issue "$CARRIER"
	run route_of 1 order
	assert_output '["KHWLILZLL"]'
}

@test "draft-other: an invoice request is drafted into 08 – Autres" {
	mail invoice marie.lefebvre@example.fr 2025-10-06T10:00:00+02:00 'Facture' \
	    "Bonjour, pourriez-vous m'envoyer la facture de ma commande HGYTRLKPQ ? Cordialement" \
	    motive=other:0.9:0.5 order_reference=HGYTRLKPQ
	shipped
	decided 1 draft-other draft draft_other "$OTHER"
}

@test "likely-*: no sure motive, the likely one's folder and a draft" {
	local m
	for m in order_tracking return_request order_cancellation wrong_item carrier_issue product_question other; do
		mail "$m" jeanne.martin@example.fr 2025-10-06T10:00:00+02:00 'Question' \
		    "Bonjour, j'ai une question sur ma commande KHWLILZLL." \
		    "motive=$m:0.55:0.9" order_reference=KHWLILZLL
	done
	shipped
	decided 1 likely-tracking draft draft_order_tracking "$TRACKING"
	decided 2 likely-return draft draft_return_request "$RETURNS"
	decided 3 likely-cancellation draft draft_order_cancellation "$CANCEL"
	decided 4 likely-wrong-item draft draft_wrong_item "$WRONG"
	decided 5 likely-carrier draft draft_carrier_issue "$CARRIER"
	decided 6 likely-product draft draft_product_question "$PRODUCT"
	decided 7 likely-other draft draft_other "$OTHER"
	run each '[m["route"]["motive"], m["route"]["action"]]'
	assert_output "$(printf '[null, "draft"]\n%.0s' 1 2 3 4 5 6 7)"
}

@test "no likely motive at all: no rule decides, filed into 00 – À analyser" {
	# owi-classify: motives "or none when nothing is likely enough";
	# owi-rules(5): "When none does, the mail is filed into its sure
	# motive's folder, or the unsure folder."
	mail vague jeanne.martin@example.fr 2025-10-06T10:00:00+02:00 'Question' \
	    "Bonjour, petite question, vous pouvez me rappeler ?"
	shipped
	run route_of 1 action template folder rule motive
	assert_output '["file", null, "'"$UNSURE"'", null, null]'
	run jget "$OUT" 'm["route"]["why"][-1]'
	assert_output "no rule decided: filed for a human"
}

# --- The manual's examples -----------------------------------------------

# man_example PAGE TAG N FILE: the Nth literal block of PAGE that follows
# a '.\" test: TAG' comment, mandoc's \e turned into \, into FILE.
man_example() {
	python3 - "$@" <<'PY'
import sys
page, tag, n, out = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
blocks, want, cur = [], False, None
for line in open(page, encoding="utf-8").read().splitlines():
    if line == '.\\" test: ' + tag:
        want = True
    elif want and line.startswith(".Bd -literal"):
        cur, want = [], False
    elif cur is not None and line == ".Ed":
        blocks.append(cur)
        cur = None
    elif cur is not None:
        cur.append(line.replace("\\e", "\\"))
if len(blocks) < n:
    sys.exit("%s: only %d blocks after '.\\\" test: %s'" % (page, len(blocks), tag))
open(out, "w", encoding="utf-8").write("\n".join(blocks[n - 1]) + "\n")
PY
}

@test "owi-rules(5) EXAMPLES: the configuration example checks over rules.d" {
	# "a shop adds its own files (for example 50-myshop.yaml)"
	local own=$BATS_TEST_TMPDIR/own
	mkdir -p "$own"
	man_example "$MAN/owi-rules.5" config 1 "$own/50-myshop.yaml"
	run grep -c . "$own/50-myshop.yaml"
	refute_output 0
	run --separate-stderr owi-route --check -r "$RULES:$own"
	assert_equal "$stderr" ""
	assert_success
	# The folder of other is renamed.
	mail invoice marie.lefebvre@example.fr 2025-10-06T10:00:00+02:00 'Facture' \
	    "Bonjour, pourriez-vous m'envoyer la facture de ma commande HGYTRLKPQ ?" \
	    motive=other:0.9:0.5 order_reference=HGYTRLKPQ
	run --separate-stderr owi-shop -r "$RULES:$own" -f "$EXPORT" "$BATS_TEST_TMPDIR/mails.jsonl"
	assert_success
	printf '%s\n' "$output" >"$IN"
	route "$RULES:$own"
	run route_of 1 action template folder
	assert_output '["draft", "draft_other", "08 - Divers"]'
}

@test "owi-rules(5) EXAMPLES: the shop's own tracking-unpaid, never in the evening" {
	local own=$BATS_TEST_TMPDIR/own
	mkdir -p "$own/templates"
	man_example "$MAN/owi-rules.5" route 1 "$own/50-myshop.yaml"
	# "with the shop's own template"
	printf 'Bonjour {customer.firstname},\n\nnous attendons votre chèque.\n' >"$own/templates/order_unpaid.fr.txt"
	run --separate-stderr owi-route --check -r "$RULES:$own"
	assert_equal "$stderr" ""
	assert_success
	mail morning lucas.moreau@example.fr 2025-10-03T10:00:00+02:00 'Ma commande 1041' \
	    "Bonjour, où en est ma commande n° 1041 ?" motive=order_tracking:0.94:0.63 order_id=1041
	mail evening lucas.moreau@example.fr 2025-10-03T19:30:00+02:00 'Ma commande 1041' \
	    "Bonjour, où en est ma commande n° 1041 ?" motive=order_tracking:0.94:0.63 order_id=1041
	run --separate-stderr owi-shop -r "$RULES" -f "$EXPORT" "$BATS_TEST_TMPDIR/mails.jsonl"
	assert_success
	printf '%s\n' "$output" >"$IN"
	route "$RULES:$own"
	run jget "$OUT" '[m["route"]["action"], m["route"]["template"], m["route"]["rule"]]' 1
	assert_output '["reply", "order_unpaid", {"file": "'"$own/50-myshop.yaml"'", "name": "tracking-unpaid", "line": 2}]'
	run jget "$OUT" '[m["route"]["action"], m["route"]["template"], m["route"]["rule"]["name"]]' 2
	assert_output '["draft", "draft_order_tracking", "draft-tracking"]'
}

@test "owi-rules(5) EXAMPLES: a shipped rule switched off, a lawyer sent to a person" {
	# In the file the example names: rules that decide before the
	# shipped ones sort first.
	local own=$BATS_TEST_TMPDIR/own
	mkdir -p "$own"
	man_example "$MAN/owi-rules.5" route 2 "$own/25-myshop.yaml"
	run --separate-stderr owi-route --check -r "$RULES:$own"
	assert_equal "$stderr" ""
	assert_success
	mail mug sophie.dubois@example.be 2025-10-07T15:00:00+02:00 'Mug en grès' \
	    "Bonjour, le mug MUG-GRES-BLEU est-il disponible ?" \
	    motive=product_question:0.95:0.9 product_reference=MUG-GRES-BLEU
	mail lawyer jeanne.martin@example.fr 2025-10-06T10:00:00+02:00 'Commande KHWLILZLL' \
	    "Bonjour, sans réponse sous huit jours je transmets le dossier KHWLILZLL à mon avocat." \
	    motive=order_tracking:0.9:0.63 order_reference=KHWLILZLL
	run --separate-stderr owi-shop -r "$RULES" -f "$EXPORT" "$BATS_TEST_TMPDIR/mails.jsonl"
	assert_success
	printf '%s\n' "$output" >"$IN"
	route "$RULES:$own"
	run jget "$OUT" '[m["route"]["action"], m["route"]["template"], m["route"]["rule"]["name"]]' 1
	assert_output '["draft", "draft_product_question", "draft-product"]'
	run jget "$OUT" '[m["route"][k] for k in ("action", "template", "priority", "handover")] + [m["route"]["rule"]["name"]]' 2
	assert_output '["draft", "draft_other", "urgent", "a lawyer is mentioned", "lawyer"]'
}

@test "owi-route(1) EXAMPLES: a shop's rules over the shipped ones check" {
	mkdir -p "$BATS_TEST_TMPDIR/etc/rules.d"
	run --separate-stderr owi-route --check -r "$RULES:$BATS_TEST_TMPDIR/etc/rules.d"
	assert_success
	assert_equal "$stderr" ""
}

@test "owi-route(1) EXAMPLES: why each demonstration mail was answered or filed" {
	# The page's pipeline, a stage at a time; the rules and model of the
	# source tree (not installed).
	local t=$BATS_TEST_TMPDIR
	run --separate-stderr owi-parse "$BATS_TEST_DIRNAME/../examples/Maildir"
	assert_success
	printf '%s\n' "$output" >"$t/parsed.jsonl"
	run --separate-stderr owi-classify -r "$RULES" -m "$BUILD/model.owim" "$t/parsed.jsonl"
	assert_success
	printf '%s\n' "$output" >"$t/classified.jsonl"
	run --separate-stderr owi-extract -r "$RULES" "$t/classified.jsonl"
	assert_success
	printf '%s\n' "$output" >"$t/extracted.jsonl"
	run --separate-stderr owi-shop -r "$RULES" -f "$EXPORT" "$t/extracted.jsonl"
	assert_success
	printf '%s\n' "$output" >"$t/shop.jsonl"
	run --separate-stderr owi-route -r "$RULES" --explain "$t/shop.jsonl"
	assert_success
	assert_equal "$stderr" ""
	printf '%s\n' "$output" >"$t/explained.txt"
	local ids n
	ids=$(python3 -c 'import json, sys; print("\n".join(json.loads(l)["id"] for l in open(sys.argv[1])))' "$t/parsed.jsonl")
	n=$(grep -c . <<<"$ids")
	[ "$n" -ge 5 ]
	# One block per mail, each beginning with the mail's id.
	run grep -v '^ ' "$t/explained.txt"
	assert_output "$ids"
	run grep -c '^  because ' "$t/explained.txt"
	assert_output "$n"
}

# --- Output, input, usage -------------------------------------------------

@test "--explain: for people, one block per mail, its action, folder, rule, because, guards" {
	myrules <<'EOF'
rules:
  - name: shipped
    when: {motive: order_tracking, order.state.shipped: true}
    reply: ok
EOF
	envelope answered
	envelope guarded shop.orders.0.belongs_to_sender=false
	envelope filed shop.orders.0.state.shipped=false
	run --separate-stderr owi-route -r "$MY" --explain "$IN"
	assert_success
	assert_equal "$stderr" ""
	printf '%s\n' "$output" >"$BATS_TEST_TMPDIR/explained.txt"
	refute_line --regexp '^[{[]'
	run python3 - "$BATS_TEST_TMPDIR/explained.txt" <<'PY'
import sys
blocks = []
for line in open(sys.argv[1], encoding="utf-8").read().splitlines():
    if line and not line.startswith(" "):
        blocks.append([line])
    else:
        blocks[-1].append(line)
for b in blocks:
    body = "\n".join(b[1:])
    print(b[0], [w for w in ("reply", "draft", "file", "ok", "shipped", "02 – Suivi de commande",
                             "because", "foreign-order") if w in body])
PY
	assert_output "$(printf '%s\n' \
	    "answered ['reply', 'ok', 'shipped', '02 – Suivi de commande', 'because']" \
	    "guarded ['draft', 'ok', 'shipped', '02 – Suivi de commande', 'because', 'foreign-order']" \
	    "filed ['file', '02 – Suivi de commande', 'because']")"
}

@test "--pretty indents the envelope, the same JSON" {
	myrules <<<'rules: []'
	envelope e1
	route "$MY"
	run --separate-stderr owi-route -r "$MY" --pretty "$IN"
	assert_success
	[ "${#lines[@]}" -gt 10 ]
	printf '%s\n' "$output" >"$BATS_TEST_TMPDIR/pretty.json"
	run python3 -c 'import json, sys; print(json.load(open(sys.argv[1])) == json.loads(open(sys.argv[2]).readline()))' \
	    "$BATS_TEST_TMPDIR/pretty.json" "$OUT"
	assert_output True
}

@test "--help's first line is the usage of the SYNOPSIS, exit 0" {
	run --separate-stderr owi-route --help
	assert_success
	usage=$(printf '%s\n' "${lines[0]}" | sed 's/^usage: //' | tr -s ' ')
	synopsis=$(mandoc -Tascii "$MAN/owi-route.1" | col -bx | sed -n '/^SYNOPSIS/,/^DESCRIPTION/p' | sed '1d;$d' | tr -s ' \n' '  ' | sed 's/^ //; s/ $//')
	assert_equal "$usage" "$synopsis"
	run owi-route --version
	assert_output --regexp '^owi-route \(owi\) [0-9.]+$'
}

@test "a usage error exits 64, a missing input file 66" {
	run --separate-stderr owi-route --bogus
	assert_failure 64
	[[ $stderr == *"usage: owi-route "* ]]
	myrules <<<'rules: []'
	run --separate-stderr owi-route -r "$MY" "$BATS_TEST_TMPDIR/none.jsonl"
	assert_failure 66
	[[ $stderr == "owi-route: "*"$BATS_TEST_TMPDIR/none.jsonl"* ]]
}

@test "a bad input line is reported with its line number, the others written, exit 65" {
	myrules <<'EOF'
rules:
  - name: shipped
    when: {order.state.shipped: true}
    draft: ok
EOF
	envelope e1
	echo '{"owi":1,' >>"$IN"
	envelope e3
	run --separate-stderr owi-route -r "$MY" "$IN"
	assert_failure 65
	assert_equal "${#lines[@]}" 2
	[[ $stderr == "owi-route: $IN:2: invalid JSON at byte "* ]] || fail "stderr: $stderr"
	assert_equal "$(grep -c . <<<"$stderr")" 1
	printf '%s\n' "$output" >"$OUT"
	run each '[m["id"], m["route"]["action"]]'
	assert_output "$(printf '%s\n' '["e1", "draft"]' '["e3", "draft"]')"
}

@test "the other keys of the envelope pass through untouched, the route in its place" {
	myrules <<'EOF'
rules:
  - name: shipped
    when: {order.state.shipped: true}
    reply: ok
EOF
	envelope e1 'zz={"nested": {"deep": [true, false, "é", 1.5, null]}}' \
	    'errors=[{"stage": "owi-parse", "code": "bad-charset", "message": "a part declared us-ascii"}]' \
	    'route={"folder": "from an earlier run"}' 'message.x-custom=[1, 2.5, null]'
	route "$MY"
	run python3 -c 'import json, sys
a = json.loads(open(sys.argv[1], encoding="utf-8").readline())
b = json.loads(open(sys.argv[2], encoding="utf-8").readline())
print(list(b))
r = b.pop("route")
a.pop("route")
print(r["action"], "same" if a == b else json.dumps(b, ensure_ascii=False))' "$IN" "$OUT"
	assert_output "$(printf '%s\n' \
	    "['owi', 'id', 'source', 'message', 'classification', 'entities', 'shop', 'route', 'errors', 'zz']" \
	    'reply same')"
}

@test "--eval: the automation rate beside its precision, folder accuracy, wrong answers listed" {
	# owi-route(1): "the share of mails answered automatically beside the
	# share of those answers that were right ..., then the folder
	# accuracy of the mails filed or drafted, and lists the wrong
	# automatic answers."
	mail right jeanne.martin@example.fr 2025-10-03T10:15:00+02:00 'Où en est ma commande ?' \
	    "Bonjour, où en est ma commande KHWLILZLL ?" motive=order_tracking:0.97:0.63 order_reference=KHWLILZLL
	mail wrong jeanne.martin@example.fr 2025-10-03T11:15:00+02:00 'Colis ?' \
	    "Bonjour, et mon colis KHWLILZLL ?" motive=order_tracking:0.97:0.63 order_reference=KHWLILZLL
	mail folder-ok john.smith@example.com 2025-10-07T09:01:00+01:00 'Wrong size' \
	    "I ordered the jacket in L (order #1042) and received an M." motive=wrong_item:0.99:0.7 order_id=1042 lang=en
	mail folder-bad john.smith@example.com 2025-10-07T10:01:00+01:00 'Parcel' \
	    "The parcel of order #1042 arrived crushed." motive=carrier_issue:0.95:0.7 order_id=1042 lang=en
	shipped
	cat >"$BATS_TEST_TMPDIR/labels.jsonl" <<-'EOF'
	{"file": "right.eml", "folder": "02 – Suivi de commande", "auto": true, "template": "order_shipped", "order": "KHWLILZLL"}
	{"file": "wrong.eml", "folder": "02 – Suivi de commande", "auto": false, "template": null, "order": null, "note": "a human must look"}
	{"file": "folder-ok.eml", "folder": "05 – Erreur produit reçu", "auto": false, "template": null, "order": "YTREZAQSD"}
	{"file": "folder-bad.eml", "folder": "08 – Autres", "auto": false, "template": null, "order": "YTREZAQSD"}
	EOF
	run --separate-stderr owi-route -r "$RULES" -e "$BATS_TEST_TMPDIR/labels.jsonl" "$IN"
	assert_success
	assert_line --partial "answered automatically     2 of    4   50.0%   of which right 1: precision 0.500"
	assert_line --partial "folder right 1: accuracy 0.500"
	assert_line --partial "wrong.eml: order_shipped for KHWLILZLL, expected no automatic answer (a human must look)"
	run --separate-stderr owi-route -r "$RULES" -j -e "$BATS_TEST_TMPDIR/labels.jsonl" "$IN"
	assert_success
	printf "%s\n" "$output" >"$BATS_TEST_TMPDIR/scores.json"
	run python3 -c 'import json, sys
d = json.load(open(sys.argv[1]))
print(d["mails"], d["answered_automatically"], d["answers_right"], d["answer_precision"], d["filed"], d["folder_accuracy"], [w["file"] for w in d["wrong_answers"]])' "$BATS_TEST_TMPDIR/scores.json"
	assert_output "4 2 1 0.5 2 0.5 ['wrong.eml']"
}
