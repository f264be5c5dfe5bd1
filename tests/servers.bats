#!/usr/bin/env bats
# The shop test servers (tests/servers/*.py) against the Webservice spec,
# shared/specs/prestashop-webservice.md ("the spec", sections as §N).
# Each expectation quotes the spec, not the server's own output.

bats_require_minimum_version 1.5.0
load /usr/lib/bats/bats-support/load
load /usr/lib/bats/bats-assert/load
load servers/servers

DATA=$BATS_TEST_DIRNAME/../examples/shop.json
KEY=OWITESTKEY0123456789ABCDEFGHIJKL
CK=ck_0123456789abcdef0123456789abcdef01234567
CS=cs_0123456789abcdef0123456789abcdef01234567



start() {
	launch "$@"
	ready "$1"
}

setup() {
	: >"$BATS_TEST_TMPDIR/pids"
	launch ps prestashop.py
	launch wc woocommerce.py
	ready ps
	ready wc
	PS=http://127.0.0.1:$PORT_ps/api
	WC=http://127.0.0.1:$PORT_wc/wp-json/wc/v3
	BODY=$BATS_TEST_TMPDIR/body
	HDRS=$BATS_TEST_TMPDIR/headers
}

teardown() {
	stop_servers
}

# get URL [CURL ARGS...]: the body in $BODY, headers in $HDRS, status in
# $code (curl's exit status in $curl_status).
get() {
	local url=$1
	shift
	curl_status=0
	code=$(curl -sg -o "$BODY" -D "$HDRS" -w '%{http_code}' "$@" "$url") || curl_status=$?
}

# psq PATH: a PrestaShop request with the key as Basic user name (§1.2).
psq() {
	get "$PS/$1" -u "$KEY:" "${@:2}"
}

wcq() {
	get "$WC/$1" -u "$CK:$CS" "${@:2}"
}

# json EXPR: evaluates EXPR over the body (d) and prints it as JSON.
json() {
	python3 -c 'import json, sys
d = json.load(open(sys.argv[1], encoding="utf-8"))
print(json.dumps(eval(sys.argv[2], {"d": d}), ensure_ascii=False))' "$BODY" "$1"
}

# header NAME: the value of a response header.
header() {
	sed -n "s/^$1: \(.*\)\r\$/\1/Ip" "$HDRS"
}

body() {
	cat "$BODY"
}

# --- PrestaShop: startup and transport ------------------------------------

@test "prestashop: prints only its listening line and nothing on stderr" {
	psq orders
	run cat "$BATS_TEST_TMPDIR/ps.out"
	assert_output "listening 127.0.0.1:$PORT_ps"
	run cat "$BATS_TEST_TMPDIR/ps.err"
	assert_output ''
}

@test "prestashop: exits 0 on SIGTERM" {
	local pid
	pid=$(cat "$BATS_TEST_TMPDIR/ps.pid")
	kill -TERM "$pid"
	local rc=0
	wait "$pid" || rc=$?
	assert_equal "$rc" 0
}

@test "prestashop: --verbose logs requests on stderr only" {
	start verbose prestashop.py --verbose
	get "http://127.0.0.1:$PORT_verbose/api/orders" -u "$KEY:"
	sleep 0.2
	run cat "$BATS_TEST_TMPDIR/verbose.err"
	assert_output --partial '"GET /api/orders HTTP/1.1" 200'
	run cat "$BATS_TEST_TMPDIR/verbose.out"
	assert_output "listening 127.0.0.1:$PORT_verbose"
}

# --- §1.2 Authentication --------------------------------------------------

@test "§1.2 no key at all: 401, the realm, plain-text body" {
	# "No key at all: ... status 401, header WWW-Authenticate: Basic
	# realm="Welcome to PrestaShop Webservice, please enter the
	# authentication key as the login. No password required.", body is the
	# plain text 401 Unauthorized (not XML/JSON)."
	get "$PS/orders?output_format=JSON"
	assert_equal "$code" 401
	run header WWW-Authenticate
	assert_output 'Basic realm="Welcome to PrestaShop Webservice, please enter the authentication key as the login. No password required."'
	run body
	assert_output '401 Unauthorized'
}

@test "§1.2 unknown key: 401 with errors 20 then 21, same realm" {
	# "unknown or inactive → two errors: code 20 Authentification key is
	# not active (sic) then code 21 No permission for this authentication
	# key"; §7.3 gives the JSON.
	get "$PS/orders?output_format=JSON" -u ABCDEFGHIJKLMNOPQRSTUVWXYZ012345:
	assert_equal "$code" 401
	run header WWW-Authenticate
	assert_output --partial 'Basic realm="Welcome to PrestaShop Webservice'
	run body
	assert_output '{"errors":[{"code":20,"message":"Authentification key is not active"},{"code":21,"message":"No permission for this authentication key"}]}'
}

@test "§1.2 empty key is code 17, a key not 32 long is code 18" {
	# "empty string → code 17 Authentication key is empty; length ≠ 32 →
	# code 18 Invalid authentication key format"
	get "$PS/orders?ws_key=&output_format=JSON"
	assert_equal "$code" 401
	run json 'd["errors"]'
	assert_output '[{"code": 17, "message": "Authentication key is empty"}]'
	get "$PS/orders?ws_key=short&output_format=JSON"
	assert_equal "$code" 401
	run json 'd["errors"]'
	assert_output '[{"code": 18, "message": "Invalid authentication key format"}]'
}

@test "§1.2 the key as ws_key works; Basic wins over ws_key; the password is ignored" {
	# "Sources of the key, in order: HTTP Basic user name ..., else query
	# parameter ws_key. The Basic password is ignored ... If both are
	# present, Basic wins."
	get "$PS/orders?ws_key=$KEY&output_format=JSON"
	assert_equal "$code" 200
	get "$PS/orders?ws_key=$KEY&output_format=JSON" -u ABCDEFGHIJKLMNOPQRSTUVWXYZ012345:
	assert_equal "$code" 401
	get "$PS/orders?output_format=JSON" -u "$KEY:any-password"
	assert_equal "$code" 200
}

@test "§1.5 PSWS-Version is the version once authenticated, 0 before (8.x)" {
	# "PSWS-Version: <_PS_VERSION_> (e.g. 8.2.0 ...; when the request was
	# not authenticated — 401, 503 — the header is still emitted with
	# value 0)"; "X-Powered-By: PrestaShop Webservice"
	psq orders
	run header PSWS-Version
	assert_output 8.2.0
	run header X-Powered-By
	assert_output 'PrestaShop Webservice'
	get "$PS/orders?ws_key=ABCDEFGHIJKLMNOPQRSTUVWXYZ012345"
	run header PSWS-Version
	assert_output 0
}

@test "§1.5 Content-Sha1 is the sha1 of a successful body, absent on errors" {
	# "Content-Sha1: <sha1 of body> (only for successful bodies)"
	psq "orders/1040?output_format=JSON"
	run header Content-Sha1
	assert_output "$(sha1sum "$BODY" | cut -d' ' -f1)"
	get "$PS/orders?ws_key=short"
	run header Content-Sha1
	assert_output ''
}

# --- §1.3 Output format ---------------------------------------------------

@test "§1.3 XML is the default, JSON only for the exact value JSON" {
	# "Default is XML ... The value is compared case-sensitively with JSON;
	# anything else (including json) gives XML."  "Content-Type:
	# application/json for JSON, text/xml for XML (PHP adds ;charset=UTF-8)"
	psq orders
	run header Content-Type
	assert_output 'text/xml;charset=UTF-8'
	run head -2 "$BODY"
	assert_output $'<?xml version="1.0" encoding="UTF-8"?>\n<prestashop xmlns:xlink="http://www.w3.org/1999/xlink">'
	psq "orders?output_format=json"
	run header Content-Type
	assert_output 'text/xml;charset=UTF-8'
	psq "orders?output_format=JSON"
	run header Content-Type
	assert_output application/json
}

@test "§1.3 the Io-Format header wins over the query" {
	# "JSON is selected by, in decreasing precedence: request header
	# Io-Format, header Output-Format, query output_format, query io_format."
	psq "orders?output_format=XML" -H 'Io-Format: JSON'
	run header Content-Type
	assert_output application/json
	psq "orders?io_format=JSON"
	run header Content-Type
	assert_output application/json
}

@test "§1.1 the dispatcher.php form answers like /api/" {
	# "Without URL rewriting the same call is
	# /webservice/dispatcher.php?url=orders/5&... A test server should accept both."
	get "http://127.0.0.1:$PORT_ps/webservice/dispatcher.php?url=orders/1040&output_format=JSON&display=[id,reference]" -u "$KEY:"
	assert_equal "$code" 200
	run body
	assert_output '{"orders":[{"id":1040,"reference":"KHWLILZLL"}]}'
}

# --- §2.1, §3.1 Display and shapes ------------------------------------------

@test "§2.1 a list without display has only the ids, as JSON numbers" {
	# "absent on a list → minimum: only ids ({"orders":[{"id":1},{"id":5}]})"
	# "ids are JSON numbers"
	psq "orders?filter[id_customer]=[301]&output_format=JSON"
	assert_equal "$code" 200
	run body
	assert_output '{"orders":[{"id":1035},{"id":1039},{"id":1040}]}'
}

@test "§2.1 the minimal XML list links every id" {
	# "Minimal list: <orders><order id="5" xlink:href="https://shop/api/orders/5"/></orders>"
	psq "orders?filter[reference]=[KHWLILZLL]"
	run grep -c '<order id="1040" xlink:href="http://127.0.0.1:'"$PORT_ps"'/api/orders/1040"/>' "$BODY"
	assert_output 1
}

@test "§7.1 order by reference with display=full" {
	# "GET /api/orders?filter[reference]=[XKBKNABJK]&display=full&output_format=JSON":
	# {"orders":[{"id":5,"id_address_delivery":"7",...,"reference":...,
	# "associations":{"order_rows":[...]}}]}; every field a string but the
	# entity's own id; shipping_number is the tracking number (§9).
	psq "orders?filter[reference]=[KHWLILZLL]&display=full&output_format=JSON"
	assert_equal "$code" 200
	run json 'len(d["orders"])'
	assert_output 1
	run json '[k for k in d["orders"][0]][:9]'
	assert_output '["id", "id_address_delivery", "id_address_invoice", "id_cart", "id_currency", "id_lang", "id_customer", "id_carrier", "current_state"]'
	run json 'list(d["orders"][0])[-2:]'
	assert_output '["reference", "associations"]'
	run json '[d["orders"][0][k] for k in ("id", "reference", "current_state", "shipping_number", "total_paid", "carrier_tax_rate", "gift")]'
	assert_output '[1040, "KHWLILZLL", "4", "6A12345678901", "65.600000", "20.000", "0"]'
	run json 'sorted({type(v).__name__ for k, v in d["orders"][0].items() if k not in ("id", "note", "associations")})'
	assert_output '["str"]'
}

@test "§6 order_rows carry exactly the declared fields, as strings or null" {
	# "Association order_rows ...: id, product_id, product_attribute_id,
	# product_quantity, product_name, product_reference, product_ean13,
	# product_isbn, product_upc, product_price, id_customization,
	# unit_price_tax_incl, unit_price_tax_excl.  Empty codes ... → null."
	# §3.2: "Inside associations every value, id included, is a string or null"
	psq "orders?filter[reference]=[KHWLILZLL]&display=full&output_format=JSON"
	run json 'list(d["orders"][0]["associations"]["order_rows"][0])'
	assert_output '["id", "product_id", "product_attribute_id", "product_quantity", "product_name", "product_reference", "product_ean13", "product_isbn", "product_upc", "product_price", "id_customization", "unit_price_tax_incl", "unit_price_tax_excl"]'
	run json '[(r["product_reference"], r["product_quantity"], r["product_isbn"]) for r in d["orders"][0]["associations"]["order_rows"]]'
	assert_output '[["MUG-GRES-BLEU", "2", null], ["BOUGIE-FIGUE", "1", null]]'
	run json 'type(d["orders"][0]["associations"]["order_rows"][0]["id"]).__name__'
	assert_output '"str"'
}

@test "§2.1 display=[fields] gives those fields in resource order, id only if listed" {
	# "[f1,f2,…] → only those fields, in the resource's field order (not the
	# request order) ... id appears only if listed."
	psq "orders?filter[reference]=[KHWLILZLL]&display=[reference,current_state,id]&output_format=JSON"
	run body
	assert_output '{"orders":[{"id":1040,"current_state":"4","reference":"KHWLILZLL"}]}'
	psq "orders?filter[reference]=[KHWLILZLL]&display=[reference]&output_format=JSON"
	run body
	assert_output '{"orders":[{"reference":"KHWLILZLL"}]}'
}

@test "§2.1 an association with sub-fields: display=[id,order_rows[...]]" {
	# "An association is requested as assoc[sub1,sub2], e.g.
	# display=[id,reference,order_rows[product_id,product_quantity]]"
	psq "orders/1042?display=[id,order_rows[product_reference,product_quantity]]&output_format=JSON"
	run body
	assert_output '{"orders":[{"id":1042,"associations":{"order_rows":[{"product_quantity":"1","product_reference":"TSH-BLU-L"}]}}]}'
}

@test "§2.1 an unknown display field is 400 code 35, bad syntax code 36" {
	# "Unknown field → 400 code 35 Unable to display this field "x".
	# However, these are available: …; bad syntax → 400 code 36."
	# (Single-object requests return a clean 400, §5.)
	psq "orders/1040?display=[bogus]&output_format=JSON"
	assert_equal "$code" 400
	run json 'd["errors"][0]["code"]'
	assert_output 35
	run json 'd["errors"][0]["message"].startswith("Unable to display this field \"bogus\". However, these are available: id, ")'
	assert_output true
	psq "orders/1040?display=bogus&output_format=JSON"
	assert_equal "$code" 400
	run json 'd["errors"][0]["code"]'
	assert_output 36
}

@test "§3.1 one object: {order:{}} without display, {orders:[{}]} with one" {
	# "one object, no display → {"<singular>":{…}}; one object with any
	# display param → {"<plural>":[{…}]}"
	psq "orders/1040?output_format=JSON"
	run json 'list(d)'
	assert_output '["order"]'
	psq "orders/1040?display=full&output_format=JSON"
	run json '[list(d), len(d["orders"])]'
	assert_output '[["orders"], 1]'
}

@test "§3.1 no match is [] in JSON and an empty wrapper in XML" {
	# "list, no match (any display) → [] — an empty JSON array, not
	# {"orders":[]}"; §4 "empty list: <orders> </orders> with nothing inside"
	psq "orders?filter[reference]=[NOSUCHREF]&output_format=JSON"
	assert_equal "$code" 200
	run body
	assert_output '[]'
	psq "orders?filter[reference]=[NOSUCHREF]&display=full&output_format=JSON"
	run body
	assert_output '[]'
	psq "orders?filter[reference]=[NOSUCHREF]"
	run sed -n 3,4p "$BODY"
	assert_output $'<orders>\n</orders>'
}

@test "§3.3 8.x drops falsy fields from a single object, keeps them in lists" {
	# "For a single object ({"order":{…}}) this removes every top-level
	# field whose value is "", "0", null, 0 or false (strings such as
	# "0.000000" ... survive). Lists are not affected"
	psq "orders/1040?output_format=JSON"
	run json '[k in d["order"] for k in ("gift", "recyclable", "note", "gift_message", "mobile_theme", "total_discounts", "reference")]'
	assert_output '[false, false, false, false, false, true, true]'
	psq "orders/1040?display=full&output_format=JSON"
	run json '[d["orders"][0][k] for k in ("gift", "note", "gift_message")]'
	assert_output '["0", null, ""]'
}

@test "§3.3 and §11: 1.7 keeps every field of a single object" {
	# "1.7.8 keeps every field."  §11: falsy fields "kept" in 1.7.8,
	# "dropped" in 8.0-8.2 and 9.0.
	start v17 prestashop.py --version 1.7
	get "http://127.0.0.1:$PORT_v17/api/orders/1040?output_format=JSON" -u "$KEY:"
	run json '[d["order"][k] for k in ("gift", "recyclable", "note", "gift_message")]'
	assert_output '["0", "0", null, ""]'
	run header PSWS-Version
	assert_output 1.7.8.10
	start v9 prestashop.py --version 9
	get "http://127.0.0.1:$PORT_v9/api/orders/1040?output_format=JSON" -u "$KEY:"
	run json '"gift" in d["order"]'
	assert_output false
	run header PSWS-Version
	assert_output 9.0.0
}

@test "§3.3 a falsy state flag vanishes: order_states/4 in 8.x" {
	# The 8.x single object loses "hidden":"0", "deleted":"0", "module_name":"";
	# the list with display=full keeps them (§7.3).
	psq "order_states/4?output_format=JSON"
	run json '[k in d["order_state"] for k in ("hidden", "deleted", "pdf_invoice", "shipped", "paid", "delivery")]'
	assert_output '[false, false, false, true, true, true]'
}

@test "§7.3 and §8: order state 4 with its flags and both names" {
	# "GET /api/order_states?filter[id]=[4]&display=full&output_format=JSON" →
	# {"order_states":[{"id":4,"unremovable":"1","delivery":"1","hidden":"0",
	# "send_email":"1","module_name":"","invoice":"1","color":"#01B887",
	# "logable":"1","shipped":"1","paid":"1","pdf_delivery":"0",
	# "pdf_invoice":"0","deleted":"0","name":[{"id":"1","value":"Expédié"},
	# {"id":"2","value":"Shipped"}],"template":[{"id":"1","value":"shipped"},
	# {"id":"2","value":"shipped"}]}]}
	psq "order_states?filter[id]=[4]&display=full&output_format=JSON"
	run body
	assert_output '{"order_states":[{"id":4,"unremovable":"1","delivery":"1","hidden":"0","send_email":"1","module_name":"","invoice":"1","color":"#01B887","logable":"1","shipped":"1","paid":"1","pdf_delivery":"0","pdf_invoice":"0","deleted":"0","name":[{"id":"1","value":"Expédié"},{"id":"2","value":"Shipped"}],"template":[{"id":"1","value":"shipped"},{"id":"2","value":"shipped"}]}]}'
}

@test "§3.4 language fields: a list of {id,value} for two languages, a string for one" {
	# "one language in the list → the field is a plain string ... several →
	# an array: "name":[{"id":"1","value":"Expédié"},{"id":"2","value":"Shipped"}]
	# (id string) ... language=N forces the plain form."
	psq "order_states/5?display=[name]&output_format=JSON&language=2"
	run body
	assert_output '{"order_states":[{"name":"Delivered"}]}'
	psq "order_states/5?display=[name]&output_format=JSON"
	run body
	assert_output '{"order_states":[{"name":[{"id":"1","value":"Livré"},{"id":"2","value":"Delivered"}]}]}'
}

@test "§4 XML: values in CDATA, xlink on linked fields, notFilterable on getters" {
	# "<id_customer xlink:href="https://shop/api/customers/3"><![CDATA[3]]></id_customer>
	# ... fields with a getter carry notFilterable="true"";
	# "Language field: <name><language id="1" xlink:href=".../api/languages/1">"
	psq "orders/1040"
	run grep -c "<id_customer xlink:href=\"http://127.0.0.1:$PORT_ps/api/customers/301\"><!\[CDATA\[301\]\]></id_customer>" "$BODY"
	assert_output 1
	run grep -c '<shipping_number notFilterable="true"><!\[CDATA\[6A12345678901\]\]></shipping_number>' "$BODY"
	assert_output 1
	run grep -c '<order_rows nodeType="order_row" virtualEntity="true">' "$BODY"
	assert_output 1
	psq "order_states/4"
	run grep -c "<name><language id=\"1\" xlink:href=\"http://127.0.0.1:$PORT_ps/api/languages/1\"><!\[CDATA\[Expédié\]\]></language>" "$BODY"
	assert_output 1
}

@test "§3.2 JSON escapes slashes and keeps UTF-8" {
	# "json_encode with JSON_UNESCAPED_UNICODE (UTF-8 kept as is) but slashes
	# escaped: "https:\/\/…""
	psq "carriers/3?output_format=JSON&language=1"
	run json 'd["carrier"]["url"]'
	assert_output '"https://www.laposte.fr/outils/suivre-vos-envois?code=@"'
	run grep -c '"url":"https:\\/\\/www.laposte.fr\\/outils\\/suivre-vos-envois?code=@"' "$BODY"
	assert_output 1
	run grep -c '"delay":"Livraison à domicile en 48h"' "$BODY"
	assert_output 1
	# §3.2 "carriers.id_tax_rules_group is a number"
	run json 'd["carrier"]["id_tax_rules_group"]'
	assert_output 1
}

# --- §5 Status codes --------------------------------------------------------

@test "§5 an unknown id, or a non-numeric one, is 404 with an empty body" {
	# "/{res}/{id} not found (or id 0) → 404, empty body"; §1.1 "/api/orders/abc is id 0 (→ 404)"
	psq "orders/999?output_format=JSON"
	assert_equal "$code" 404
	run body
	assert_output ''
	psq "orders/abc"
	assert_equal "$code" 404
	run body
	assert_output ''
}

@test "§3.6 an unknown resource is 400 code 27 with a did-you-mean" {
	# {"errors":[{"code":27,"message":"Resource of type \"order\" does not
	# exists. Did you mean: \"orders\"? The full list is: \"addresses\", …"}]}
	psq "order?output_format=JSON"
	assert_equal "$code" 400
	run json 'd["errors"][0]["code"]'
	assert_output 27
	run json 'd["errors"][0]["message"].startswith("Resource of type \"order\" does not exists. Did you mean: \"orders\"? The full list is: \"addresses\", ")'
	assert_output true
}

@test "§3.6 errors in XML" {
	# "<prestashop …><errors><error><code><![CDATA[27]]></code><message><![CDATA[…]]></message></error></errors></prestashop>"
	psq order
	run grep -c '<code><!\[CDATA\[27\]\]></code>' "$BODY"
	assert_output 1
	run grep -c '<message><!\[CDATA\[Resource of type "order" does not exists. Did you mean: "orders"?' "$BODY"
	assert_output 1
}

@test "§1.4 a method the key lacks is 405" {
	# "method not granted → 405 code 25" (the test key has GET and HEAD)
	psq "orders?output_format=JSON" -X POST
	assert_equal "$code" 405
	run json 'd["errors"][0]["code"]'
	assert_output 25
}

@test "§1.4 HEAD answers headers only" {
	# "GET, HEAD (headers only)"
	get "$PS/orders/1040" -u "$KEY:" -I
	assert_equal "$code" 200
	run header PSWS-Version
	assert_output 8.2.0
	run header Content-Sha1
	assert_output --regexp '^[0-9a-f]{40}$'
	# With -I curl writes the headers as the body: nothing else came.
	run diff "$HDRS" "$BODY"
	assert_success
}

@test "§1.2 9.x answers an OPTIONS preflight without key" {
	# "9.x only: an OPTIONS request without key gets
	# Access-Control-Allow-Headers: Authorization, Content-Type and body 200 OK."
	start v9 prestashop.py --version 9
	get "http://127.0.0.1:$PORT_v9/api/orders" -X OPTIONS
	assert_equal "$code" 200
	run header Access-Control-Allow-Headers
	assert_output 'Authorization, Content-Type'
	run body
	assert_output '200 OK'
	get "$PS/orders" -X OPTIONS
	assert_equal "$code" 401
}

# --- §2.2 Filters -----------------------------------------------------------

@test "§2.2 exact, bare and case-insensitive filters" {
	# "[v] equals v; v (no brackets) equals v"; "comparisons are SQL string
	# comparisons, so case-insensitive under the default collation"
	psq "orders?filter[reference]=[KHWLILZLL]&output_format=JSON"
	run body
	assert_output '{"orders":[{"id":1040}]}'
	psq "orders?filter[reference]=KHWLILZLL&output_format=JSON"
	run body
	assert_output '{"orders":[{"id":1040}]}'
	psq "orders?filter[reference]=[khwlilzll]&output_format=JSON"
	run body
	assert_output '{"orders":[{"id":1040}]}'
}

@test "§2.2 OR, interval, different-from and comparisons" {
	# "[a|b|c] equals any (OR)"; "[x,y] BETWEEN min and max"; "![a|b]
	# different from each"; ">[v], <[v] strictly greater / less"
	psq "orders?filter[reference]=[KHWLILZLL|XKBDFQWPL]&output_format=JSON"
	run body
	assert_output '{"orders":[{"id":1040},{"id":1045}]}'
	psq "orders?filter[id]=[1044,1042]&output_format=JSON"
	run body
	assert_output '{"orders":[{"id":1042},{"id":1043},{"id":1044}]}'
	psq "orders?filter[id_customer]=![301|302|303|304|305]&output_format=JSON"
	run body
	assert_output '{"orders":[{"id":1044},{"id":1045},{"id":1046}]}'
	psq "orders?filter[total_paid]=>[90]&output_format=JSON"
	run body
	assert_output '{"orders":[{"id":1042},{"id":1043}]}'
}

@test "§2.2 begins-with and contains, _ is a wildcard there" {
	# "[v]%, %[v], %[v]% → LIKE v%, %v, %v% (_ inside v is a LIKE wildcard too)"
	psq "products?filter[reference]=[ALPHA-02]%&display=[reference]&output_format=JSON"
	run body
	assert_output '{"products":[{"reference":"ALPHA-02"},{"reference":"ALPHA-02-NOIR"}]}'
	psq "orders?filter[reference]=%[WLIL]%&output_format=JSON"
	run body
	assert_output '{"orders":[{"id":1040}]}'
	psq "orders?filter[reference]=[KHW_ILZLL]%&output_format=JSON"
	run body
	assert_output '{"orders":[{"id":1040}]}'
	# Without % the same value is an exact comparison: no wildcard.
	psq "orders?filter[reference]=[KHW_ILZLL]&output_format=JSON"
	run body
	assert_output '[]'
}

@test "§2.2 a language field is filterable, over the active languages" {
	# "language fields are allowed (joined on <table>_lang, restricted to the
	# active languages)"
	psq "order_states?filter[name]=[Shipped]&output_format=JSON"
	run body
	assert_output '{"order_states":[{"id":4}]}'
	psq "order_states?filter[name]=[Expédié]&output_format=JSON"
	run body
	assert_output '{"order_states":[{"id":4}]}'
}

@test "§2.2 hostile values are compared literally" {
	# The grammar of §2.2 is all PrestaShop interprets: SQL-ish text is a
	# literal value (no match), "]" inside the brackets is part of the value,
	# "|" in first position is not an OR ("needs | not in first position"),
	# "%" inside [v] is not a wildcard without the outer %.
	psq "orders?filter[reference]=[%22%20OR%201=1%20--%20]&output_format=JSON"
	assert_equal "$code" 200
	run body
	assert_output '[]'
	psq "orders?filter[reference]=[KHWLILZLL%27)%20OR%20(%271%27=%271]&output_format=JSON"
	run body
	assert_output '[]'
	psq "orders?filter[reference]=[KHWLILZLL]]&output_format=JSON"
	run body
	assert_output '[]'
	psq "orders?filter[reference]=[|KHWLILZLL]&output_format=JSON"
	run body
	assert_output '[]'
	psq "orders?filter[reference]=[%25]&output_format=JSON"
	run body
	assert_output '[]'
}

@test "§2.2 a dynamic field is refused with code 34, an unknown one with 32" {
	# "fields that have a getter (... orders.shipping_number ...) are refused
	# with 400 code 34"; "Unknown field → 400 code 32 This filter does not
	# exist. Did you mean: …"; §5: on a list the response is "500 with the
	# real 400 error first"; "Clients should key on the first error's code"
	psq "orders?filter[shipping_number]=[6A12345678901]&output_format=JSON"
	run json 'd["errors"][0]'
	assert_output '{"code": 34, "message": "The field \"shipping_number\" is dynamic. It is not possible to filter GET query with this field."}'
	psq "orders?filter[referenc]=[KHWLILZLL]&output_format=JSON"
	run json 'd["errors"][0]["message"].startswith("This filter does not exist. Did you mean: \"reference\"? The full list is: \"id\", ")'
	assert_output true
	assert_equal "$code" 500
	run json '[e["code"] for e in d["errors"]][1:]'
	assert_output '[3, 3, 3, 3]'
}

@test "§5 with display_errors on (--dev) a bad filter stays a clean 400" {
	# "With display_errors on (dev mode) it stays 400."
	start dev prestashop.py --dev
	get "http://127.0.0.1:$PORT_dev/api/orders?filter[referenc]=[x]&output_format=JSON" -u "$KEY:"
	assert_equal "$code" 400
	run json '[e["code"] for e in d["errors"]]'
	assert_output '[32]'
}

@test "§2.2 an empty filter value is code 33" {
	# "Empty value → 400 code 33."
	psq "orders/?filter[reference]=&output_format=JSON"
	run json 'd["errors"][0]["code"]'
	assert_output 33
}

@test "§2.2 dates are filterable only with date=1" {
	# "date_add/date_upd are only filterable (and sortable) when date=1 is
	# also given"
	psq "orders?filter[date_add]=[2025-10-07,2025-10-11]&output_format=JSON"
	run json 'd["errors"][0]["code"]'
	assert_output 32
	psq "orders?filter[date_add]=[2025-10-07,2025-10-11]&date=1&output_format=JSON"
	run body
	assert_output '{"orders":[{"id":1044},{"id":1045},{"id":1046}]}'
}

# --- §2.3 Sort and limit ----------------------------------------------------

@test "§2.3 sort and limit, and limit=offset,N" {
	# "sort=[f_ASC] or [f1_DESC,f2_ASC]"; "limit=N or limit=offset,N (0-based offset)"
	psq "orders?sort=[id_DESC]&limit=2&output_format=JSON"
	run body
	assert_output '{"orders":[{"id":1046},{"id":1045}]}'
	psq "orders?sort=[id_ASC]&limit=1,2&output_format=JSON"
	run body
	assert_output '{"orders":[{"id":1036},{"id":1037}]}'
	psq "orders?limit=1,2,3&output_format=JSON"
	run json 'd["errors"][0]["code"]'
	assert_output 39
}

@test "§2.3 sorting by a date needs date=1, else code 38" {
	# "Sorting by a date needs date=1 (else 400 code 38)."
	psq "orders?sort=[date_add_DESC]&output_format=JSON"
	run json 'd["errors"][0]["code"]'
	assert_output 38
	psq "orders?sort=[date_add_DESC]&date=1&limit=1&output_format=JSON"
	run body
	assert_output '{"orders":[{"id":1046}]}'
}

# --- §9, §10 The recipes owi-shop uses -------------------------------------

@test "§10.3 a customer by e-mail, then the customer's orders" {
	# "GET /api/customers?filter[email]=[EMAIL]&display=[id,firstname,lastname,email,...]";
	# "then history GET /api/orders?filter[id_customer]=[ID1|ID2]&display=[...]&sort=[id_DESC]&limit=20"
	psq "customers?filter[email]=[francois@example.fr]&display=[id,firstname,lastname,email,is_guest]&output_format=JSON"
	run json '[(c["firstname"], c["lastname"], c["is_guest"]) for c in d["customers"]]'
	assert_output '[["François", "Bérard", "0"]]'
	local id
	id=$(json 'd["customers"][0]["id"]')
	psq "orders?filter[id_customer]=[$id]&display=[id,reference,current_state]&sort=[id_DESC]&limit=20&output_format=JSON"
	run body
	assert_output '{"orders":[{"id":1045,"current_state":"2","reference":"XKBDFQWPL"},{"id":1044,"current_state":"4","reference":"RTZUIOPQS"}]}'
}

@test "§9 the carrier row of an order holds its tracking number" {
	# "Tracking number: order_carrier.tracking_number ... query
	# GET /api/order_carriers?filter[id_order]=[5]&display=full"; "Tracking
	# URL: carriers.url with every @ replaced by the tracking number"
	psq "order_carriers?filter[id_order]=[1040]&display=full&output_format=JSON"
	run json '[(r["id_order"], r["tracking_number"]) for r in d["order_carriers"]]'
	assert_output '[["1040", "6A12345678901"]]'
	local carrier
	carrier=$(json 'd["order_carriers"][0]["id_carrier"]' | tr -d '"')
	psq "carriers/$carrier?output_format=JSON&language=1"
	run json '[d["carrier"]["name"], d["carrier"]["url"].replace("@", "6A12345678901")]'
	assert_output '["Colissimo", "https://www.laposte.fr/outils/suivre-vos-envois?code=6A12345678901"]'
}

@test "§10.6 stock of a product by reference: the black lamp is out of stock" {
	# "GET /api/products?filter[reference]=[REF]&display=[id,reference,name,active]";
	# "stock → GET /api/stock_availables?filter[id_product]=[ID]&display=full"
	psq "products?filter[reference]=[ALPHA-02-NOIR]&display=[id,reference]&output_format=JSON"
	local id
	id=$(json 'd["products"][0]["id"]')
	psq "stock_availables?filter[id_product]=[$id]&display=full&output_format=JSON"
	run json '[(r["id_product_attribute"], r["quantity"]) for r in d["stock_availables"]]'
	assert_output '[["0", "0"]]'
	psq "products?filter[reference]=[ALPHA-02]&display=[id]&output_format=JSON"
	id=$(json 'd["products"][0]["id"]')
	psq "stock_availables?filter[id_product]=[$id]&display=[quantity]&output_format=JSON"
	run json 'int(d["stock_availables"][0]["quantity"]) > 0'
	assert_output true
}

@test "§10.4 the order history ends with the current state" {
	# "One row per status change; the newest row equals orders.current_state."
	psq "order_histories?filter[id_order]=[1040]&display=full&sort=[id_ASC]&output_format=JSON"
	run json 'd["order_histories"][-1]["id_order_state"]'
	assert_output '"4"'
	psq "orders/1040?display=[current_state]&output_format=JSON"
	run json 'd["orders"][0]["current_state"]'
	assert_output '"4"'
}

@test "§10.4 an export's date_shipped is the date of the order's Shipped history row" {
	# "order_histories ... One row per status change"; state 4 is Shipped (§8).
	# A copy of the export whose order 1040 shipped at another time than
	# examples/shop.json says, so the date cannot come from elsewhere.
	local data=$BATS_TEST_TMPDIR/shop.json
	python3 -c 'import json, sys
d = json.load(open(sys.argv[1], encoding="utf-8"))
next(o for o in d["orders"] if o["id"] == 1040)["date_shipped"] = "2025-10-02 08:15:00"
json.dump(d, open(sys.argv[2], "w", encoding="utf-8"), ensure_ascii=False)' "$DATA" "$data"
	start moved prestashop.py --data "$data"
	get "http://127.0.0.1:$PORT_moved/api/order_histories?filter[id_order]=[1040]&display=full&sort=[id_ASC]&output_format=JSON" -u "$KEY:"
	run json '[(r["id_order_state"], r["date_add"]) for r in d["order_histories"] if r["id_order_state"] == "4"]'
	assert_output '[["4", "2025-10-02 08:15:00"]]'
	# §12: the tracking item's "date_shipped (unix time)" follows, from
	# Paris summer time (UTC+2): 2025-10-02 06:15:00 UTC.
	start wmoved woocommerce.py --data "$data"
	get "http://127.0.0.1:$PORT_wmoved/wp-json/wc/v3/orders/1040" -u "$CK:$CS"
	run json '[m["value"][0]["date_shipped"] for m in d["meta_data"] if m["key"] == "_wc_shipment_tracking_items"]'
	assert_output '["1759385700"]'
}

# --- §6, §10.7 Customer service ---------------------------------------------

@test "§10.7 a customer's threads by e-mail, display=full: §6 fields in order, customer_messages ids" {
	# §10.7 "Messages → GET /api/customer_threads?filter[id_order]=[5]&display=full
	# or filter[email]=[EMAIL]"; §6 "customer_threads (CustomerThread): id,
	# id_lang, id_shop, id_customer, id_order, id_product, id_contact, email,
	# token, status (open|closed|pending1|pending2), date_add, date_upd.
	# Association customer_messages{id}."  §3.5 "After the fields, one key
	# "associations" ... each row has exactly the association's declared
	# fields"; §3.2 the entity's own id a number, every other field a string,
	# "Inside associations every value, id included, is a string".
	psq "customer_threads?filter[email]=[jeanne.martin@example.fr]&display=full&output_format=JSON"
	assert_equal "$code" 200
	run json 'sorted({tuple(t) for t in d["customer_threads"]})'
	assert_output '[["id", "id_lang", "id_shop", "id_customer", "id_order", "id_product", "id_contact", "email", "token", "status", "date_add", "date_upd", "associations"]]'
	# examples/shop.json: Jeanne's open thread about order 1040 and her
	# closed one without order (an unset id is stored as 0).
	run json 'sorted((t["status"], t["id_order"], t["email"]) for t in d["customer_threads"])'
	assert_output '[["closed", "0", "jeanne.martin@example.fr"], ["open", "1040", "jeanne.martin@example.fr"]]'
	run json 'sorted({type(v).__name__ for t in d["customer_threads"] for k, v in t.items() if k not in ("id", "associations")} | {type(t["id"]).__name__ for t in d["customer_threads"]})'
	assert_output '["int", "str"]'
	run json 'sorted({(tuple(t["associations"]), tuple(r), type(r["id"]).__name__) for t in d["customer_threads"] for r in t["associations"]["customer_messages"]})'
	assert_output '[[["customer_messages"], ["id"], "str"]]'
	# id_customer is the customer with that e-mail (§6 customers).
	local ids
	ids=$(json 'sorted({t["id_customer"] for t in d["customer_threads"]})')
	psq "customers?filter[email]=[jeanne.martin@example.fr]&display=[id]&output_format=JSON"
	run json '[str(c["id"]) for c in d["customers"]]'
	assert_output "$ids"
}

@test "§2.2 customer_threads?filter[status]=[open|pending1]" {
	# "[a|b|c] equals any (OR)"; §6 "status (open|closed|pending1|pending2)".
	# examples/shop.json has Jeanne's open thread about 1040 and John's
	# pending1 one about 1042; the two others are closed.
	psq "customer_threads?filter[status]=[open|pending1]&display=[email,id_order,status]&output_format=JSON"
	assert_equal "$code" 200
	run json 'sorted((t["email"], t["id_order"], t["status"]) for t in d["customer_threads"])'
	assert_output '[["jeanne.martin@example.fr", "1040", "open"], ["john.smith@example.com", "1042", "pending1"]]'
	psq "customer_threads?filter[status]=[pending2]&output_format=JSON"
	run body
	assert_output '[]'
}

@test "§10.7 a thread's messages via filter[id_customer_thread], in §6 order (8.x)" {
	# "GET /api/customer_threads?filter[id_order]=[5]&display=full";
	# "GET /api/customer_messages?filter[id_customer_thread]=[T]&display=full".
	# §6 "customer_messages (CustomerMessage): id, id_employee ("0" = written
	# by the customer), id_customer_thread, (9.x: id_product), ip_address,
	# message h, file_name, user_agent, private b, date_add, date_upd, read b."
	psq "customer_threads?filter[id_order]=[1040]&display=full&output_format=JSON"
	local thread messages
	thread=$(json 'd["customer_threads"][0]["id"]')
	messages=$(json '[r["id"] for r in d["customer_threads"][0]["associations"]["customer_messages"]]')
	psq "customer_messages?filter[id_customer_thread]=[$thread]&display=full&sort=[id_ASC]&output_format=JSON"
	assert_equal "$code" 200
	run json 'sorted({tuple(m) for m in d["customer_messages"]})'
	assert_output '[["id", "id_employee", "id_customer_thread", "ip_address", "message", "file_name", "user_agent", "private", "date_add", "date_upd", "read"]]'
	run json '[str(m["id"]) for m in d["customer_messages"]]'
	assert_output "$messages"
	run json 'sorted({m["id_customer_thread"] for m in d["customer_messages"]})'
	assert_output "[\"$thread\"]"
	# examples/shop.json: Jeanne wrote first, customer service answered.
	run json '[(m["id_employee"] == "0", m["message"].split(",")[0]) for m in d["customer_messages"]]'
	assert_output '[[true, "Bonjour"], [false, "Bonjour Madame Martin"]]'
	run json 'sorted({m[k] for m in d["customer_messages"] for k in ("private", "read")} - {"0", "1"})'
	assert_output '[]'
}

@test "§11 customer_messages have id_product in 9.x only" {
	# §11 "customer_messages | — | — | + id_product" (1.7.8, 8.0–8.2, 9.0);
	# §6 "(9.x: id_product)"; §2.2 a field that is not in the resource is
	# "Unknown field → 400 code 32".
	start v9 prestashop.py --version 9
	get "http://127.0.0.1:$PORT_v9/api/customer_messages?display=full&output_format=JSON" -u "$KEY:"
	assert_equal "$code" 200
	run json 'all("id_product" in m for m in d["customer_messages"]) and len(d["customer_messages"]) > 0'
	assert_output true
	get "http://127.0.0.1:$PORT_v9/api/customer_messages?filter[id_product]=[0]&output_format=JSON" -u "$KEY:"
	assert_equal "$code" 200
	psq "customer_messages?display=full&output_format=JSON"
	run json 'any("id_product" in m for m in d["customer_messages"]) or len(d["customer_messages"]) == 0'
	assert_output false
	psq "customer_messages?filter[id_product]=[0]&output_format=JSON"
	run json 'd["errors"][0]["code"]'
	assert_output 32
	start v17 prestashop.py --version 1.7
	get "http://127.0.0.1:$PORT_v17/api/customer_messages?display=full&output_format=JSON" -u "$KEY:"
	run json 'any("id_product" in m for m in d["customer_messages"])'
	assert_output false
}

@test "§3.3 8.x drops falsy fields from a single customer_thread; 1.7 keeps them" {
	# "For a single object ... this removes every top-level field whose
	# value is "", "0", null, 0 or false"; "display=full on a single object
	# avoids the loss (but changes the shape, §3.1)"; "1.7.8 keeps every
	# field".  Jeanne's thread without order (examples/shop.json) has
	# id_order and id_product 0.
	psq "customer_threads?filter[email]=[jeanne.martin@example.fr]&filter[id_order]=[0]&output_format=JSON"
	local thread
	thread=$(json 'd["customer_threads"][0]["id"]')
	psq "customer_threads/$thread?output_format=JSON"
	assert_equal "$code" 200
	run json '[k in d["customer_thread"] for k in ("id_order", "id_product", "id_customer", "email", "token", "status", "date_upd")]'
	assert_output '[false, false, true, true, true, true, true]'
	psq "customer_threads/$thread?display=full&output_format=JSON"
	run json '[d["customer_threads"][0][k] for k in ("id_order", "id_product")]'
	assert_output '["0", "0"]'
	# The customer's own message: id_employee "0" (§6), private and read
	# "0" (§6 b), no attachment.
	local message
	message=$(json '[m["id"] for m in d["customer_threads"][0]["associations"]["customer_messages"]][0]' | tr -d '"')
	psq "customer_messages/$message?output_format=JSON"
	run json '[k in d["customer_message"] for k in ("id_employee", "private", "file_name", "id_customer_thread", "message", "date_add")]'
	assert_output '[false, false, false, true, true, true]'
	start v17 prestashop.py --version 1.7
	get "http://127.0.0.1:$PORT_v17/api/customer_threads/$thread?output_format=JSON" -u "$KEY:"
	run json '[d["customer_thread"][k] for k in ("id_order", "id_product")]'
	assert_output '["0", "0"]'
}

@test "§4 a customer_thread in XML: xlinks on the ids, a customer_messages association" {
	# "fields with an xlink_resource carry xlink:href (dropped when an id_*
	# value is empty/0)"; "for real entities the header is
	# nodeType="category" api="categories" instead of virtualEntity".
	psq "customer_threads?filter[id_order]=[1040]&output_format=JSON"
	local thread
	thread=$(json 'd["customer_threads"][0]["id"]')
	psq "customer_threads/$thread"
	assert_equal "$code" 200
	run grep -c "<id_order xlink:href=\"http://127.0.0.1:$PORT_ps/api/orders/1040\"><!\[CDATA\[1040\]\]></id_order>" "$BODY"
	assert_output 1
	run grep -c '<id_product><!\[CDATA\[0\]\]></id_product>' "$BODY"
	assert_output 1
	run grep -c '<customer_messages nodeType="customer_message" api="customer_messages">' "$BODY"
	assert_output 1
	run grep -c "<customer_message xlink:href=\"http://127.0.0.1:$PORT_ps/api/customer_messages/[0-9]*\">" "$BODY"
	assert_output 2
}

@test "§3.1 an export without threads: customer_threads and customer_messages are empty" {
	# "list, no match (any display) → []"; §4 "empty list: <orders> </orders>
	# with nothing inside".
	local data=$BATS_TEST_TMPDIR/shop.json
	python3 -c 'import json, sys
d = json.load(open(sys.argv[1], encoding="utf-8"))
del d["threads"]
json.dump(d, open(sys.argv[2], "w", encoding="utf-8"), ensure_ascii=False)' "$DATA" "$data"
	start bare prestashop.py --data "$data"
	get "http://127.0.0.1:$PORT_bare/api/customer_threads?display=full&output_format=JSON" -u "$KEY:"
	assert_equal "$code" 200
	run body
	assert_output '[]'
	get "http://127.0.0.1:$PORT_bare/api/customer_messages" -u "$KEY:"
	run sed -n 3,4p "$BODY"
	assert_output $'<customer_messages>\n</customer_messages>'
}

@test "prestashop: a thread status outside §6's list is a data error naming the thread" {
	# §6 "status (open|closed|pending1|pending2)".
	local data=$BATS_TEST_TMPDIR/shop.json
	python3 -c 'import json, sys
d = json.load(open(sys.argv[1], encoding="utf-8"))
d["threads"][1]["status"] = "answered"
json.dump(d, open(sys.argv[2], "w", encoding="utf-8"), ensure_ascii=False)' "$DATA" "$data"
	run python3 "$BATS_TEST_DIRNAME/servers/prestashop.py" --data "$data" --port 0
	assert_failure 65
	assert_output --partial 'threads[1]: "status"'
}

# --- Slowness and failures -------------------------------------------------

@test "--delay answers late enough for a client timeout" {
	start slow prestashop.py --delay 2
	get "http://127.0.0.1:$PORT_slow/api/orders" -u "$KEY:" -m 0.5
	assert_equal "$curl_status" 28
}

@test "§5 --fail-status 503: the webservice is disabled, code 22" {
	# "webservice disabled (PS_WEBSERVICE=0) → 503, error code 22 The
	# PrestaShop webservice is disabled. Please activate it in the
	# PrestaShop Back Office"; §1.5 PSWS-Version 0 on a 503
	start down prestashop.py --fail-status 503
	get "http://127.0.0.1:$PORT_down/api/orders?output_format=JSON" -u "$KEY:"
	assert_equal "$code" 503
	run body
	assert_output '{"errors":[{"code":22,"message":"The PrestaShop webservice is disabled. Please activate it in the PrestaShop Back Office"}]}'
	run header PSWS-Version
	assert_output 0
}

@test "§5 --fail-status 500: a PHP warning, code 3" {
	# "PHP warning/notice during the request (prod mode only) → 500,
	# [PHP Warning #2] … (file, line N), codes 2–15"
	start broken prestashop.py --fail-status 500
	get "http://127.0.0.1:$PORT_broken/api/orders?output_format=JSON" -u "$KEY:"
	assert_equal "$code" 500
	run json '[d["errors"][0]["code"], d["errors"][0]["message"].startswith("[PHP Warning #2] ")]'
	assert_output '[3, true]'
}

# --- §12 WooCommerce ------------------------------------------------------

@test "woocommerce: prints only its listening line and exits 0 on SIGTERM" {
	run cat "$BATS_TEST_TMPDIR/wc.out"
	assert_output "listening 127.0.0.1:$PORT_wc"
	local pid
	pid=$(cat "$BATS_TEST_TMPDIR/wc.pid")
	kill -TERM "$pid"
	local rc=0
	wait "$pid" || rc=$?
	assert_equal "$rc" 0
}

@test "§12 woocommerce: without keys 401, a wrong secret is an authentication error" {
	# "Errors: {"code":"woocommerce_rest_…","message":"…","data":{"status":404}}
	# (... woocommerce_rest_cannot_view 401/403)"
	get "$WC/orders"
	assert_equal "$code" 401
	run json 'd["code"], d["data"]["status"]'
	assert_output '["woocommerce_rest_cannot_view", 401]'
	get "$WC/orders" -u "$CK:cs_wrong"
	assert_equal "$code" 401
	run json 'd["code"]'
	assert_output '"woocommerce_rest_authentication_error"'
	# "query consumer_key/consumer_secret"
	get "$WC/orders/1042?consumer_key=$CK&consumer_secret=$CS"
	assert_equal "$code" 200
}

@test "§12 woocommerce: order 1042 with its line items" {
	# "number (string; = id unless a plugin changes it)"; line_items with sku
	# and "price is a number"; money fields as strings with 2 decimals
	wcq orders/1042
	assert_equal "$code" 200
	run json '[d["id"], d["number"], d["status"], d["total"], d["billing"]["email"]]'
	assert_output '[1042, "1042", "completed", "91.90", "john.smith@example.com"]'
	run json '[(li["sku"], li["quantity"], type(li["price"]).__name__) for li in d["line_items"]]'
	assert_output '[["TSH-BLU-L", 1, "float"]]'
	run json 'd["date_created"]'
	assert_output '"2025-10-02T09:48:21"'
}

@test "§12 woocommerce: status names never carry the wc- prefix" {
	# "status (pending|processing|on-hold|completed|cancelled|refunded|failed|trash, ...
	# never with the wc- prefix)"
	wcq "orders?per_page=100"
	run json 'sorted({o["status"] for o in d} - {"pending", "processing", "on-hold", "completed", "cancelled", "refunded", "failed", "trash"})'
	assert_output '[]'
	run json 'sorted({o["status"] for o in d})'
	assert_output '["cancelled", "completed", "on-hold", "processing", "refunded"]'
}

@test "§12 woocommerce: search by e-mail, totals in the headers" {
	# "Search ... matches billing/shipping names, e-mails ... Totals in headers
	# X-WP-Total, X-WP-TotalPages"; "default orderby=date, order=desc"
	wcq "orders?search=jeanne.martin@example.fr&per_page=2"
	run json '[o["id"] for o in d]'
	assert_output '[1040, 1039]'
	run header X-WP-Total
	assert_output 3
	run header X-WP-TotalPages
	assert_output 2
}

@test "§12 woocommerce: a customer by e-mail, then ?customer=" {
	# "GET customers?email=…"; "Other filters: customer=<user id>"
	wcq "customers?email=francois@example.fr"
	run json '[(c["first_name"], c["last_name"]) for c in d]'
	assert_output '[["François", "Bérard"]]'
	local id
	id=$(json 'd[0]["id"]')
	wcq "orders?customer=$id"
	run json '[(o["id"], o["status"]) for o in d]'
	assert_output '[[1045, "processing"], [1044, "completed"]]'
}

@test "§12 woocommerce: tracking in _wc_shipment_tracking_items" {
	# "store order meta _wc_shipment_tracking_items, visible in meta_data as
	# an array of {tracking_provider, custom_tracking_provider,
	# custom_tracking_link, tracking_number, date_shipped (unix time), tracking_id}"
	wcq orders/1040
	run json '[m["value"][0]["tracking_number"] for m in d["meta_data"] if m["key"] == "_wc_shipment_tracking_items"]'
	assert_output '["6A12345678901"]'
	run json 'sorted([m for m in d["meta_data"] if m["key"] == "_wc_shipment_tracking_items"][0]["value"][0])'
	assert_output '["custom_tracking_link", "custom_tracking_provider", "date_shipped", "tracking_id", "tracking_number", "tracking_provider"]'
	run json '[m["key"] for m in d["meta_data"] if m["key"].startswith("_billing")]'
	assert_output '[]'
}

@test "§12 woocommerce: products by sku, stock as an int and a status" {
	# "GET products?sku=… (stock_quantity int|null, stock_status instock|outofstock|onbackorder)"
	wcq "products?sku=ALPHA-02-NOIR"
	run json '[(p["sku"], p["stock_quantity"], p["stock_status"]) for p in d]'
	assert_output '[["ALPHA-02-NOIR", 0, "outofstock"]]'
	wcq "products?sku=ALPHA-02"
	run json '[(p["sku"], p["stock_status"]) for p in d]'
	assert_output '[["ALPHA-02", "instock"]]'
}

@test "§12 woocommerce: unknown order 404, unknown route rest_no_route, per_page max 100" {
	# "GET orders/<id>"; "Errors: ... data":{"status":404} (WP core: rest_no_route ...)";
	# "default 10 per page, max 100"
	wcq orders/999
	assert_equal "$code" 404
	run json '[d["code"], d["data"]["status"]]'
	assert_output '["woocommerce_rest_shop_order_invalid_id", 404]'
	wcq nosuch
	assert_equal "$code" 404
	run json 'd["code"]'
	assert_output '"rest_no_route"'
	wcq "orders?per_page=101"
	assert_equal "$code" 400
}

@test "§12 woocommerce: search does not match a plugin-made order number" {
	# "it does not match a plugin-made order number"
	start refs woocommerce.py --order-number reference
	get "http://127.0.0.1:$PORT_refs/wp-json/wc/v3/orders/1040" -u "$CK:$CS"
	run json 'd["number"]'
	assert_output '"KHWLILZLL"'
	get "http://127.0.0.1:$PORT_refs/wp-json/wc/v3/orders?search=KHWLILZLL" -u "$CK:$CS"
	run body
	assert_output '[]'
	# "when numeric, the order id" is matched.
	get "http://127.0.0.1:$PORT_refs/wp-json/wc/v3/orders?search=1040" -u "$CK:$CS"
	run json '[o["id"] for o in d]'
	assert_output '[1040]'
}

@test "woocommerce: --delay and --fail-status" {
	start wslow woocommerce.py --delay 2
	get "http://127.0.0.1:$PORT_wslow/wp-json/wc/v3/orders" -u "$CK:$CS" -m 0.5
	assert_equal "$curl_status" 28
	start wdown woocommerce.py --fail-status 503
	get "http://127.0.0.1:$PORT_wdown/wp-json/wc/v3/orders" -u "$CK:$CS"
	assert_equal "$code" 503
}
