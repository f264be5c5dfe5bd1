#!/usr/bin/env bats
#
# quote.bats - owi_split_text through tests/helper/test-split.
#
# Each fixtures/quote/NAME.txt is a decoded mail body, NAME.out the driver's
# expected output. Besides the byte-exact comparison, every fixture and the
# generated large bodies are checked for the invariants of quote.h: every
# non-blank input line is in exactly one field, and no field has trailing
# blanks or starts or ends with a blank line.

load /usr/lib/bats/bats-support/load
load /usr/lib/bats/bats-assert/load

bats_require_minimum_version 1.5.0

setup() {
	BUILD=${BUILD:-"$BATS_TEST_DIRNAME/../build"}
	SPLIT="$BUILD/tests/helper/test-split"
	FIX="$BATS_TEST_DIRNAME/fixtures/quote"
	[ -x "$SPLIT" ] || fail "driver '$SPLIT' not built"
}

# The driver's stdout goes to a file so that trailing newlines are compared
# too; run sees only its status and stderr.
split_to() {
	run sh -c 'exec "$0" <"$1" >"$2"' "$SPLIT" "$1" "$2"
	assert_success
	assert_output ""
}

check_fixture() {
	split_to "$FIX/$1.txt" "$BATS_TEST_TMPDIR/$1.got"
	run diff -u "$FIX/$1.out" "$BATS_TEST_TMPDIR/$1.got"
	assert_success
}

# Non-blank lines, right-trimmed as quote.c trims them, sorted.
input_lines() {
	LC_ALL=C awk '{ sub(/[ \t\r\f\v]+$/, ""); if ($0 != "") print }' "$1" |
	    LC_ALL=C sort
}

output_lines() {
	LC_ALL=C awk '/^== (new_text|quoted_text|forwarded_text|signature) ==$/ {
		next
	} $0 != "" { print }' "$1" | LC_ALL=C sort
}

# Prints what is wrong with the fields of a driver output, nothing if fine.
field_problems() {
	LC_ALL=C awk '
	function check(   k) {
		if (name == "")
			return
		if (n == 1 && f[1] == "")
			return
		if (f[1] == "")
			print name ": starts with a blank line"
		if (f[n] == "")
			print name ": ends with a blank line"
		for (k = 1; k <= n; k++)
			if (f[k] ~ /[ \t\r\f\v]$/)
				print name ": trailing blank in line " k
	}
	/^== (new_text|quoted_text|forwarded_text|signature) ==$/ {
		check()
		name = $2
		n = 0
		next
	}
	{ f[++n] = $0 }
	END { check() }' "$1"
}

# Every non-blank line of input $1 is in exactly one field of output $2.
check_invariants() {
	input_lines "$1" >"$BATS_TEST_TMPDIR/in.lines"
	output_lines "$2" >"$BATS_TEST_TMPDIR/out.lines"
	run diff "$BATS_TEST_TMPDIR/in.lines" "$BATS_TEST_TMPDIR/out.lines"
	assert_success
	run field_problems "$2"
	assert_output ""
}

@test "every fixture has its expected output and its test" {
	local t name
	for t in "$FIX"/*.txt; do
		name=$(basename "$t" .txt)
		assert [ -f "$FIX/$name.out" ]
		run grep -c "^@test \"fixture $name\" " "$BATS_TEST_FILENAME"
		assert_output 1
	done
}

@test "no non-blank line is lost or duplicated, fields are trimmed" {
	local t name
	for t in "$FIX"/*.txt; do
		name=$(basename "$t" .txt)
		split_to "$t" "$BATS_TEST_TMPDIR/$name.got"
		check_invariants "$t" "$BATS_TEST_TMPDIR/$name.got"
	done
}

# The `timeout 60` of these tests only guards against a hang (a quadratic
# regression would never end): speed is measured by make bench, not here.
@test "a 10 MB body of realistic mails is split whole, nothing lost" {
	local big="$BATS_TEST_TMPDIR/big.txt" i n
	# Inline replies and negatives, no forward: every line is looked at.
	for i in $(seq 400); do
		for n in fr-gmail-top-reply en-inline-nested fr-inline-reply \
		    fr-from-in-sentence-negative fr-block-too-short-negative \
		    misc-long-dashdash-signature; do
			cat "$FIX/$n.txt"
		done
	done >"$BATS_TEST_TMPDIR/chunk.txt"
	for i in $(seq 14); do
		cat "$BATS_TEST_TMPDIR/chunk.txt"
	done >"$big"
	assert [ "$(wc -c <"$big")" -ge 10000000 ]
	run timeout 60 sh -c 'exec "$0" <"$1" >"$2"' "$SPLIT" "$big" \
	    "$BATS_TEST_TMPDIR/big.got"
	assert_success
	check_invariants "$big" "$BATS_TEST_TMPDIR/big.got"
}

@test "100,000 lines of '>' are all quoted" {
	local in="$BATS_TEST_TMPDIR/gt.txt"
	LC_ALL=C awk 'BEGIN { for (i = 0; i < 100000; i++) print ">" }' >"$in"
	run timeout 60 sh -c 'exec "$0" <"$1" >"$2"' "$SPLIT" "$in" \
	    "$BATS_TEST_TMPDIR/gt.got"
	assert_success
	run grep -c '^>$' "$BATS_TEST_TMPDIR/gt.got"
	assert_output 100000
	check_invariants "$in" "$BATS_TEST_TMPDIR/gt.got"
}

@test "hostile bodies: near-miss markers on every line, one 10 MB line" {
	local in="$BATS_TEST_TMPDIR/hostile.txt"
	# Attribution, header and closing look-alikes that must all fail late.
	LC_ALL=C awk 'BEGIN {
		for (i = 0; i < 20000; i++) {
			print "Le 6 oct. 2025 a a a a a a a a a a schrieb:"
			print "Am 6 schrieb schrieb schrieb schrieb schrieb x"
			print "De : x"
			print "Date : y"
			print "Cordialement, Aaaaaaaa Bbbbbbbbb Cccccccc?"
		}
	}' >"$in"
	run timeout 60 sh -c 'exec "$0" <"$1" >"$2"' "$SPLIT" "$in" \
	    "$BATS_TEST_TMPDIR/hostile.got"
	assert_success
	check_invariants "$in" "$BATS_TEST_TMPDIR/hostile.got"
	LC_ALL=C awk 'BEGIN {
		s = "Le 6 "
		for (i = 0; i < 21; i++)
			s = s s
		print s " a écrit :"
	}' >"$in"
	run timeout 60 sh -c 'exec "$0" <"$1" >"$2"' "$SPLIT" "$in" \
	    "$BATS_TEST_TMPDIR/hostile.got"
	assert_success
	check_invariants "$in" "$BATS_TEST_TMPDIR/hostile.got"
}

@test "empty input gives four empty fields" {
	run -0 "$SPLIT" </dev/null
	assert_output "$(printf '%s\n\n' '== new_text ==' '== quoted_text ==' \
	    '== forwarded_text ==' '== signature ==')"
}

@test "fixture de-apple-forward" {
	check_fixture de-apple-forward
}

@test "fixture de-forward" {
	check_fixture de-forward
}

@test "fixture de-gmail-reply" {
	check_fixture de-gmail-reply
}

@test "fixture de-outlook-ursprungliche" {
	check_fixture de-outlook-ursprungliche
}

@test "fixture en-apple-forward" {
	check_fixture en-apple-forward
}

@test "fixture en-get-outlook-ios" {
	check_fixture en-get-outlook-ios
}

@test "fixture en-gmail-forward" {
	check_fixture en-gmail-forward
}

@test "fixture en-gmail-reply" {
	check_fixture en-gmail-reply
}

@test "fixture en-gmail-wrapped-attribution" {
	check_fixture en-gmail-wrapped-attribution
}

@test "fixture en-inline-nested" {
	check_fixture en-inline-nested
}

@test "fixture en-negative-prose" {
	check_fixture en-negative-prose
}

@test "fixture en-outlook-original-message" {
	check_fixture en-outlook-original-message
}

@test "fixture en-outlook-underscore-bold" {
	check_fixture en-outlook-underscore-bold
}

@test "fixture en-sent-from-galaxy-inline-sig" {
	check_fixture en-sent-from-galaxy-inline-sig
}

@test "fixture en-sent-from-iphone" {
	check_fixture en-sent-from-iphone
}

@test "fixture en-thanks-is-the-message" {
	check_fixture en-thanks-is-the-message
}

@test "fixture en-thanks-then-question-negative" {
	check_fixture en-thanks-then-question-negative
}

@test "fixture en-thunderbird-dashdash" {
	check_fixture en-thunderbird-dashdash
}

@test "fixture en-thunderbird-forward-message" {
	check_fixture en-thunderbird-forward-message
}

@test "fixture en-thunderbird-original-message" {
	check_fixture en-thunderbird-original-message
}

@test "fixture en-windows-mail-galaxy" {
	check_fixture en-windows-mail-galaxy
}

@test "fixture es-forward" {
	check_fixture es-forward
}

@test "fixture es-gmail-reply" {
	check_fixture es-gmail-reply
}

@test "fixture es-outlook-block-saludos-cordiales" {
	check_fixture es-outlook-block-saludos-cordiales
}

@test "fixture es-outlook-mensaje-original" {
	check_fixture es-outlook-mensaje-original
}

@test "fixture fr-all-quoted" {
	check_fixture fr-all-quoted
}

@test "fixture fr-apple-mail-forward-iphone" {
	check_fixture fr-apple-mail-forward-iphone
}

@test "fixture fr-attribution-long-month-nbsp" {
	check_fixture fr-attribution-long-month-nbsp
}

@test "fixture fr-attribution-three-lines" {
	check_fixture fr-attribution-three-lines
}

@test "fixture fr-attribution-unquoted-history" {
	check_fixture fr-attribution-unquoted-history
}

@test "fixture fr-block-too-short-negative" {
	check_fixture fr-block-too-short-negative
}

@test "fixture fr-bottom-post" {
	check_fixture fr-bottom-post
}

@test "fixture fr-closing-with-name-same-line" {
	check_fixture fr-closing-with-name-same-line
}

@test "fixture fr-cordialement-middle-negative" {
	check_fixture fr-cordialement-middle-negative
}

@test "fixture fr-cordialement-then-long-text-negative" {
	check_fixture fr-cordialement-then-long-text-negative
}

@test "fixture fr-dashdash-inside-line-negative" {
	check_fixture fr-dashdash-inside-line-negative
}

@test "fixture fr-dashdash-signature-top" {
	check_fixture fr-dashdash-signature-top
}

@test "fixture fr-device-galaxy-samsung" {
	check_fixture fr-device-galaxy-samsung
}

@test "fixture fr-device-smartphone-samsung" {
	check_fixture fr-device-smartphone-samsung
}

@test "fixture fr-forward-with-quoted-history" {
	check_fixture fr-forward-with-quoted-history
}

@test "fixture fr-free-zimbra" {
	check_fixture fr-free-zimbra
}

@test "fixture fr-from-in-sentence-negative" {
	check_fixture fr-from-in-sentence-negative
}

@test "fixture fr-gmail-crlf" {
	check_fixture fr-gmail-crlf
}

@test "fixture fr-gmail-forward-colissimo" {
	check_fixture fr-gmail-forward-colissimo
}

@test "fixture fr-gmail-top-reply" {
	check_fixture fr-gmail-top-reply
}

@test "fixture fr-gmail-wrapped-attribution" {
	check_fixture fr-gmail-wrapped-attribution
}

@test "fixture fr-inline-reply" {
	check_fixture fr-inline-reply
}

@test "fixture fr-ipad-after-closing" {
	check_fixture fr-ipad-after-closing
}

@test "fixture fr-merci-avance-cordialement" {
	check_fixture fr-merci-avance-cordialement
}

@test "fixture fr-merci-is-the-message" {
	check_fixture fr-merci-is-the-message
}

@test "fixture fr-only-forward" {
	check_fixture fr-only-forward
}

@test "fixture fr-orange-webmail" {
	check_fixture fr-orange-webmail
}

@test "fixture fr-outlook-bold-date-variant" {
	check_fixture fr-outlook-bold-date-variant
}

@test "fixture fr-outlook-mobile" {
	check_fixture fr-outlook-mobile
}

@test "fixture fr-outlook-nospace-colon" {
	check_fixture fr-outlook-nospace-colon
}

@test "fixture fr-outlook-underscore-block" {
	check_fixture fr-outlook-underscore-block
}

@test "fixture fr-ps-after-closing-negative" {
	check_fixture fr-ps-after-closing-negative
}

@test "fixture fr-thunderbird-forward" {
	check_fixture fr-thunderbird-forward
}

@test "fixture fr-thunderbird-message-origine" {
	check_fixture fr-thunderbird-message-origine
}

@test "fixture fr-thunderbird-slash-date" {
	check_fixture fr-thunderbird-slash-date
}

@test "fixture fr-yahoo-indented-attribution" {
	check_fixture fr-yahoo-indented-attribution
}

@test "fixture fr-zimbra-forward" {
	check_fixture fr-zimbra-forward
}

@test "fixture it-forward" {
	check_fixture it-forward
}

@test "fixture it-gmail-reply" {
	check_fixture it-gmail-reply
}

@test "fixture it-gmail-wrapped-grazie" {
	check_fixture it-gmail-wrapped-grazie
}

@test "fixture it-outlook-messaggio-originale" {
	check_fixture it-outlook-messaggio-originale
}

@test "fixture misc-closing-too-many-lines" {
	check_fixture misc-closing-too-many-lines
}

@test "fixture misc-empty" {
	check_fixture misc-empty
}

@test "fixture misc-invalid-utf8" {
	check_fixture misc-invalid-utf8
}

@test "fixture misc-long-dashdash-signature" {
	check_fixture misc-long-dashdash-signature
}

@test "fixture misc-merci-only" {
	check_fixture misc-merci-only
}

@test "fixture misc-mbox-from-escape" {
	check_fixture misc-mbox-from-escape
}

@test "fixture misc-only-quotes" {
	check_fixture misc-only-quotes
}

@test "fixture nl-gmail-reply" {
	check_fixture nl-gmail-reply
}
