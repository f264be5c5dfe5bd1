#!/usr/bin/env bats
# owi-extract: the facts in the mail, exact and validated.

load test_helper

setup() {
	common_setup
	RULES=$BATS_TEST_DIRNAME/../rules.d
}

# extract TEXT [DATE [QUOTED [SUBJECT [FROM_NAME]]]]: one envelope through
# owi-extract into $out.
extract() {
	python3 - "$1" "${2:-2025-10-06T10:12:00+02:00}" "${3:-}" "${4:-}" "${5:-}" >"$BATS_TEST_TMPDIR/in" <<'PY'
import json, sys
text, date, quoted, subject, name = sys.argv[1:6]
print(json.dumps({"owi": 1, "id": "t", "message": {
    "date": date, "subject": subject, "new_text": text, "quoted_text": quoted,
    "signature": "", "forwarded_text": "", "attachments": [],
    "from": {"name": name or None, "address": "client@example.fr"}}}))
PY
	out=$BATS_TEST_TMPDIR/out.jsonl
	run --separate-stderr owi-extract -r "$RULES" "$BATS_TEST_TMPDIR/in"
	assert_success
	assert_equal "$stderr" ""
	printf '%s\n' "$output" >"$out"
}

# values TYPE: the normalised values found, as a JSON list.
values() {
	jget "$out" "[e['value'] for e in m['entities']['$1']]"
}

@test "every entity type is a key, empty lists included" {
	extract "Bonjour"
	run jget "$out" 'sorted(m["entities"])'
	assert_output '["amount", "customer_name", "date", "ean13", "email", "iban", "order_id", "order_reference", "phone", "product_reference", "tracking_number"]'
}

@test "an entity says its raw text, field, offsets and confidence" {
	extract "Où est ma commande KHWLILZLL ?"
	run jget "$out" 'm["entities"]["order_reference"][0]'
	assert_output '{"value": "KHWLILZLL", "raw": "KHWLILZLL", "from": "new_text", "start": 20, "end": 29, "confidence": 0.95}'
}

@test "order references: capitals, lower case and groups with context" {
	extract "commande khwlilzll svp"
	assert_equal "$(values order_reference)" '["KHWLILZLL"]'
	extract "ma commande KHW LIL ZLL n'est pas arrivée"
	assert_equal "$(values order_reference)" '["KHWLILZLL"]'
	extract "Order ref: khw-lil-zll please"
	assert_equal "$(values order_reference)" '["KHWLILZLL"]'
	extract "XKBDFQWPL"
	assert_equal "$(values order_reference)" '["XKBDFQWPL"]'
}

@test "order references: capitalised words and shouting are no references" {
	extract "BONJOUR URGENT MERCI COMMANDE LIVRAISON IMPORTANT"
	assert_equal "$(values order_reference)" '[]'
	extract "JE VEUX MON REMBOURSEMENT MAINTENANT ABSOLUMENT RETOURNER"
	assert_equal "$(values order_reference)" '[]'
	extract "The parcel did not arrive for Christmas, what a nightmare."
	assert_equal "$(values order_reference)" '[]'
	extract "I ordered it but the mug is broken"
	assert_equal "$(values order_reference)" '[]'
	extract "my code GIFTCARDS-2025 does not work"
	assert_equal "$(values order_reference)" '[]'
}

@test "order numbers in context, leading zeros dropped; quantities and sizes are not" {
	extract "commande n°1042, order #000123, cmd 7788 et ma commande 4455"
	assert_equal "$(values order_id)" '["1042", "123", "7788", "4455"]'
	extract "j'ai commandé 3 articles en taille 42 pour 75011 Paris en 2025"
	assert_equal "$(values order_id)" '[]'
}

@test "an order number that looks like a phone is an order number" {
	extract "la commande apparaît avec le n° 0645123398 sur mon compte"
	assert_equal "$(values order_id)" '["645123398"]'
	assert_equal "$(values phone)" '[]'
}

@test "product references: with a context word, and the SKU shape" {
	extract "réf. TSH-BLU-M et la référence ALPHA-02, SKU 88213"
	assert_equal "$(values product_reference)" '["TSH-BLU-M", "ALPHA-02", "88213"]'
	extract "I got the lamp LAM-0087 instead of ROB-FLE-38"
	assert_equal "$(values product_reference)" '["LAM-0087", "ROB-FLE-38"]'
	extract "la réf commande est dans le mail, UTF-8 et WI-FI ne sont pas des produits"
	assert_equal "$(values product_reference)" '[]'
}

@test "EAN-13 and UPC-A: check digits decide" {
	extract "code EAN 3 760086 812344 et 4006381333931, UPC 012345678905"
	assert_equal "$(values ean13)" '["3760086812344", "4006381333931", "0012345678905"]'
	extract "EAN 4006381333932 (faux) et 3760086812345"
	assert_equal "$(values ean13)" '[]'
}

@test "tracking numbers: UPS, S10, Colissimo, and bare numbers only with a carrier" {
	extract "UPS 1Z999AA10123456784, La Poste LA 4829 1736 7 FR, Colissimo 6A12345678901, DHL 3018492765"
	run jget "$out" '[(e["value"], e["carrier"]) for e in m["entities"]["tracking_number"]]'
	assert_output '[["1Z999AA10123456784", "ups"], ["LA482917367FR", "laposte"], ["6A12345678901", "colissimo"], ["3018492765", "dhl"]]'
	extract "le numéro 3018492765 de mon dossier"
	assert_equal "$(values tracking_number)" '[]'
}

@test "tracking numbers with a wrong check digit are refused" {
	extract "UPS 1Z999AA10123456785 et La Poste LA482917368FR"
	assert_equal "$(values tracking_number)" '[]'
}

@test "e-mail addresses in lower case; phones in E.164" {
	extract "Écrivez à Jeanne.Martin@Example.FR ou appelez le 06 12 34 56 78, le +33 (0)1 42 68 53 00 ou +32 470 12 34 56"
	assert_equal "$(values email)" '["jeanne.martin@example.fr"]'
	assert_equal "$(values phone)" '["+33612345678", "+33142685300", "+32470123456"]'
}

@test "amounts with their currency, French and English forms" {
	extract "payé 49,90 €, puis €49.90, 49.90 EUR, 49 euros 90, 1 249,00 €, £45 et 45 francs suisses"
	run jget "$out" '[(e["value"], e["currency"]) for e in m["entities"]["amount"]]'
	assert_output '[["49.90", "EUR"], ["1249.00", "EUR"], ["45.00", "GBP"], ["45.00", "CHF"]]'
	extract "il coûte 49,90 sur Instagram et 20% de remise"
	assert_equal "$(values amount)" '[]'
}

@test "IBAN: mod 97 decides" {
	extract "mon IBAN : FR76 3000 6000 0112 3456 7890 189, l'autre FR76 3000 6000 0112 3456 7890 188"
	assert_equal "$(values iban)" '["FR7630006000011234567890189"]'
}

@test "dates resolve against the mail's own Date, across a year boundary" {
	extract "commandé le 28 décembre, reçu hier" "2026-01-02T09:00:00+01:00"
	run jget "$out" '[(e["value"], e["about"]) for e in m["entities"]["date"]]'
	assert_output '[["2025-12-28", "ordered"], ["2026-01-01", "delivered"]]'
	extract "livraison prévue le 3 janvier" "2025-12-28T09:00:00+01:00"
	run jget "$out" '[(e["value"], e["about"]) for e in m["entities"]["date"]]'
	assert_output '[["2026-01-03", "expected"]]'
}

@test "no Date, no relative date: nothing is guessed from today" {
	python3 -c 'import json; print(json.dumps({"owi": 1, "id": "t", "message": {"date": None, "new_text": "reçu hier", "attachments": []}}))' >"$BATS_TEST_TMPDIR/in"
	run owi-extract -r "$RULES" "$BATS_TEST_TMPDIR/in"
	assert_success
	printf '%s\n' "$output" >"$BATS_TEST_TMPDIR/o"
	assert_equal "$(jget "$BATS_TEST_TMPDIR/o" 'm["entities"]["date"]')" '[]'
}

@test "what the customer writes now comes first; the quoted history is marked as such" {
	extract "Ma commande XKBDFQWPL n'est pas arrivée" "" "> Votre commande KHWLILZLL a été expédiée, colis 6A12345678901"
	run jget "$out" '[(e["value"], e["from"]) for e in m["entities"]["order_reference"]]'
	assert_output '[["XKBDFQWPL", "new_text"], ["KHWLILZLL", "quoted_text"]]'
	run jget "$out" '[e["from"] for e in m["entities"]["tracking_number"]]'
	assert_output '["quoted_text"]'
}

@test "a value seen in the new text and the quote is listed once, from the new text" {
	extract "commande KHWLILZLL" "" "> commande KHWLILZLL"
	run jget "$out" '[(e["value"], e["from"]) for e in m["entities"]["order_reference"]]'
	assert_output '[["KHWLILZLL", "new_text"]]'
}

@test "the customer's name: From, capitals fixed; a shop's name is none" {
	extract "Bonjour" "" "" "" "JEAN DUPONT"
	assert_equal "$(values customer_name)" '["Jean Dupont"]'
	extract "Bonjour" "" "" "" "Smith, John"
	assert_equal "$(values customer_name)" '["John Smith"]'
	extract "Bonjour" "" "" "" "Service client Boutique"
	assert_equal "$(values customer_name)" '[]'
}

@test "the customer's name from the last line of the new text" {
	extract "$(printf 'où est mon colis ?\nPaul')"
	assert_equal "$(values customer_name)" '["Paul"]'
}

@test "a shop's SKU format from rules.d is found without a context word" {
	mkdir "$BATS_TEST_TMPDIR/rules"
	cp "$RULES"/*.yaml "$BATS_TEST_TMPDIR/rules/"
	printf 'entities:\n  product_patterns: ["\\\\bZ[0-9]{5}\\\\b"]\n' >"$BATS_TEST_TMPDIR/rules/50-shop.yaml"
	python3 -c 'import json; print(json.dumps({"owi": 1, "id": "t", "message": {"new_text": "le Z12345 est cassé", "attachments": []}}))' >"$BATS_TEST_TMPDIR/in"
	run owi-extract -r "$BATS_TEST_TMPDIR/rules" "$BATS_TEST_TMPDIR/in"
	assert_success
	printf '%s\n' "$output" >"$BATS_TEST_TMPDIR/o"
	assert_equal "$(jget "$BATS_TEST_TMPDIR/o" '[e["value"] for e in m["entities"]["product_reference"]]')" '["Z12345"]'
}

@test "a broken product pattern is reported at file:line:col, exit 78" {
	mkdir "$BATS_TEST_TMPDIR/rules"
	cp "$RULES"/*.yaml "$BATS_TEST_TMPDIR/rules/"
	printf 'entities:\n  product_patterns:\n    - "[A-Z"\n' >"$BATS_TEST_TMPDIR/rules/50-shop.yaml"
	run --separate-stderr owi-extract -r "$BATS_TEST_TMPDIR/rules" </dev/null
	assert_failure 78
	[[ $stderr == *"50-shop.yaml:3:7: invalid pattern at offset 4: missing terminating ] for character class" ]]
}

@test "attachment text is read, and says which attachment" {
	python3 -c 'import json; print(json.dumps({"owi": 1, "id": "t", "message": {"new_text": "voir pièce jointe", "attachments": [{"text": None}, {"text": "BON DE COMMANDE\nReference KHWLILZLL\nTotal 49,90 EUR"}]}}))' >"$BATS_TEST_TMPDIR/in"
	run owi-extract -r "$RULES" "$BATS_TEST_TMPDIR/in"
	printf '%s\n' "$output" >"$BATS_TEST_TMPDIR/o"
	assert_equal "$(jget "$BATS_TEST_TMPDIR/o" '[(e["value"], e["from"]) for e in m["entities"]["order_reference"]]')" '[["KHWLILZLL", "attachments.1.text"]]'
}

@test "the chain: owi-parse then owi-extract on a real mail, the PDF's text included" {
	run owi-parse "$FIXTURES/owi-parse/attachments.eml"
	printf '%s\n' "$output" >"$BATS_TEST_TMPDIR/p"
	run owi-extract -r "$RULES" "$BATS_TEST_TMPDIR/p"
	assert_success
	printf '%s\n' "$output" >"$BATS_TEST_TMPDIR/o"
	assert_equal "$(jget "$BATS_TEST_TMPDIR/o" '[e["value"] for e in m["entities"]["order_reference"]]')" '["KHWLILZLL"]'
	assert_equal "$(jget "$BATS_TEST_TMPDIR/o" '[(e["value"], e["currency"]) for e in m["entities"]["amount"]]')" '[["49.90", "EUR"]]'
	assert_equal "$(jget "$BATS_TEST_TMPDIR/o" '[e["value"] for e in m["entities"]["customer_name"]]')" '["Paul Durand"]'
}

@test "--eval prints precision, recall, F1 and support per entity type" {
	run --separate-stderr owi-extract -r "$RULES" -e "$BATS_TEST_DIRNAME/../data/extract/labelled.jsonl"
	assert_success
	assert_line --index 0 --partial "owi-extract: scores against"
	assert_line --regexp '^entity +precision +recall +F1 +support$'
	for t in order_reference order_id product_reference ean13 tracking_number email phone date amount iban customer_name; do
		assert_line --regexp "^$t +[01]\.[0-9]{3} +[01]\.[0-9]{3} +[01]\.[0-9]{3} +[0-9]+$"
	done
}

@test "the team's labelled set: micro F1 of at least 0.85 (a regression guard)" {
	run --separate-stderr owi-extract -r "$RULES" -j -e "$BATS_TEST_DIRNAME/../data/extract/labelled.jsonl"
	assert_success
	printf '%s\n' "$output" >"$BATS_TEST_TMPDIR/e.json"
	run python3 -c '
import json, sys
e = json.load(open(sys.argv[1]))
p, r = e["micro_precision"], e["micro_recall"]
f = 2 * p * r / (p + r)
print("%.3f" % f)
sys.exit(f < 0.85)' "$BATS_TEST_TMPDIR/e.json"
	assert_success
}

@test "--help's usage is the man page's SYNOPSIS; --version" {
	run owi-extract --help
	usage=$(printf '%s\n' "${lines[0]}" | sed 's/^usage: //' | tr -s ' ')
	synopsis=$(mandoc -Tascii "$BATS_TEST_DIRNAME/../man/owi-extract.1" | col -bx | sed -n '/^SYNOPSIS/,/^DESCRIPTION/p' | sed '1d;$d' | tr -s ' \n' '  ' | sed 's/^ //; s/ $//')
	assert_equal "$usage" "$synopsis"
	run owi-extract --version
	assert_output --regexp '^owi-extract \(owi\) [0-9.]+$'
}

@test "a weekday with a day and a month picks the year they agree in" {
	# 10 January 2025 is a Friday; a mail of 3 January 2025 asks for it.
	extract "Pouvez-vous relivrer vendredi 10 janvier ?" "2025-01-03T09:00:00+01:00"
	assert_equal "$(values date)" '["2025-01-10"]'
	# With the year written, the customer's word stands.
	extract "livré le vendredi 10 janvier 2024" "2025-01-03T09:00:00+01:00"
	assert_equal "$(values date)" '["2024-01-10"]'
}

@test "a day without its month: this month, the last, or the nearest when expected" {
	extract "commandé le 28, rien reçu" "2025-03-05T09:00:00+01:00"
	run jget "$out" '[(e["value"], e["about"]) for e in m["entities"]["date"]]'
	assert_output '[["2025-02-28", "ordered"]]'
	extract "la livraison était annoncée pour le 3, et rien" "2025-03-05T09:00:00+01:00"
	run jget "$out" '[(e["value"], e["about"]) for e in m["entities"]["date"]]'
	assert_output '[["2025-03-03", "expected"]]'
	extract "j'ai commandé le 3 articles en taille 38" "2025-03-05T09:00:00+01:00"
	assert_equal "$(values date)" '[]'
}
