#!/usr/bin/env bats
#
# dates.bats - owi_find_dates through tests/helper/test-dates.
#
# Each fixtures/dates/NAME.txt is a mail's date (first line) and its text;
# NAME.out is the driver's expected output, one "START END YYYY-MM-DD ABOUT
# [rel]" line per date.  The expected days were computed with python3's
# datetime from the rules of common/dates.h, not from the C code.

load /usr/lib/bats/bats-support/load
load /usr/lib/bats/bats-assert/load

bats_require_minimum_version 1.5.0

setup() {
	BUILD=${BUILD:-"$BATS_TEST_DIRNAME/../build"}
	DATES="$BUILD/tests/helper/test-dates"
	FIX="$BATS_TEST_DIRNAME/fixtures/dates"
	[ -x "$DATES" ] || fail "driver '$DATES' not built"
}

# The driver's stdout goes to a file, so that run sees its status and
# stderr only and the output is compared byte for byte.
dates_to() {
	run sh -c 'exec "$0" <"$1" >"$2"' "$DATES" "$1" "$2"
	assert_success
	assert_output ""
}

check_fixture() {
	dates_to "$FIX/$1.txt" "$BATS_TEST_TMPDIR/$1.got"
	run diff -u "$FIX/$1.out" "$BATS_TEST_TMPDIR/$1.got"
	assert_success
}

# Prints what is wrong with the driver output $2 for input $1, nothing if
# fine: line syntax, offsets inside the text, hits in order, no overlap.
hit_problems() {
	python3 - "$1" "$2" <<'PY'
import re, sys
text = open(sys.argv[1], "rb").read().split(b"\n", 1)[1]
pat = re.compile(r"(\d+) (\d+) (\d{4})-(\d\d)-(\d\d) "
    r"(ordered|delivered|shipped|expected|other)( rel)?")
last = 0
for i, line in enumerate(open(sys.argv[2], encoding="ascii"), 1):
    m = pat.fullmatch(line.rstrip("\n"))
    if not m:
        print(f"line {i}: bad syntax: {line!r}")
        continue
    s, e = int(m[1]), int(m[2])
    if not (last <= s < e <= len(text)):
        print(f"line {i}: bad span {s} {e} after {last}")
    if not (1 <= int(m[4]) <= 12 and 1 <= int(m[5]) <= 31):
        print(f"line {i}: bad day")
    last = e
PY
}

@test "every fixture has its expected output and its test" {
	local t name n=0
	for t in "$FIX"/*.txt; do
		name=$(basename "$t" .txt)
		assert [ -f "$FIX/$name.out" ]
		run grep -c "^@test \"fixture $name\" " "$BATS_TEST_FILENAME"
		assert_output 1
		n=$((n + 1))
	done
	assert [ "$n" -ge 60 ]
}

@test "the keyword table of dates.c is sorted, as bsearch needs" {
	local src="$BATS_TEST_DIRNAME/../common/dates.c"
	[ -f "$src" ] || skip "no source next to the tests"
	grep -o 'E("[^"]*"' "$src" | sed 's/^E("//; s/"$//' \
	    >"$BATS_TEST_TMPDIR/words"
	run env LC_ALL=C sort -c -u "$BATS_TEST_TMPDIR/words"
	assert_success
}

@test "1 MB of mail text: finishes, every line valid" {
	local big="$BATS_TEST_TMPDIR/big.txt" t
	for t in "$FIX"/*.txt; do
		tail -n +2 "$t"
	done >"$BATS_TEST_TMPDIR/chunk.txt"
	{
		echo 2025-11-05
		while [ "$(wc -c <"$BATS_TEST_TMPDIR/body.txt" 2>/dev/null ||
		    echo 0)" -lt 1048576 ]; do
			cat "$BATS_TEST_TMPDIR/chunk.txt" >>"$BATS_TEST_TMPDIR/body.txt"
		done
		cat "$BATS_TEST_TMPDIR/body.txt"
	} >"$big"
	assert [ "$(wc -c <"$big")" -ge 1048576 ]
	run timeout 60 sh -c 'exec "$0" <"$1" >"$2"' "$DATES" "$big" \
	    "$BATS_TEST_TMPDIR/big.got"
	assert_success
	assert_output ""
	run hit_problems "$big" "$BATS_TEST_TMPDIR/big.got"
	assert_output ""
	run grep -c . "$BATS_TEST_TMPDIR/big.got"
	assert [ "$output" -gt 1000 ]
}

@test "hostile 1 MB texts: number chains, one long word, only keywords" {
	local in="$BATS_TEST_TMPDIR/hostile.txt" body
	for body in 'for (i = 0; i < 350000; i++) printf "1/"' \
	    'for (i = 0; i < 1048576; i++) printf "e"' \
	    'for (i = 0; i < 60000; i++) printf "il y a le 3 du lundi "' \
	    'for (i = 0; i < 200000; i++) printf "06.12."'; do
		LC_ALL=C awk "BEGIN { print \"2025-11-05\"; $body; print \"\" }" >"$in"
		run timeout 60 sh -c 'exec "$0" <"$1" >"$2"' "$DATES" "$in" \
		    "$BATS_TEST_TMPDIR/hostile.got"
		assert_success
		run hit_problems "$in" "$BATS_TEST_TMPDIR/hostile.got"
		assert_output ""
	done
}

@test "-m keeps the first hits only" {
	run -0 sh -c 'exec "$0" -m 2 <"$1"' "$DATES" "$FIX/fr-month-names.txt"
	assert_output "$(head -n 2 "$FIX/fr-month-names.out")"
}

@test "a first line that is not a date is a data error" {
	printf 'hier\nle 3 novembre\n' >"$BATS_TEST_TMPDIR/bad.txt"
	run -65 --separate-stderr sh -c 'exec "$0" <"$1"' "$DATES" \
	    "$BATS_TEST_TMPDIR/bad.txt"
	assert_output ""
	assert_equal "$stderr" \
	    "test-dates: first line is not a date 'YYYY-MM-DD'"
}

@test "an impossible reference date finds nothing" {
	printf '2025-02-30\nhier, le 3 novembre\n' >"$BATS_TEST_TMPDIR/ref.txt"
	run -0 sh -c 'exec "$0" <"$1"' "$DATES" "$BATS_TEST_TMPDIR/ref.txt"
	assert_output ""
}

@test "fixture about-clause-boundary" {
	check_fixture about-clause-boundary
}

@test "fixture about-delivered" {
	check_fixture about-delivered
}

@test "fixture about-expected" {
	check_fixture about-expected
}

@test "fixture about-nearest" {
	check_fixture about-nearest
}

@test "fixture about-ordered" {
	check_fixture about-ordered
}

@test "fixture about-shipped" {
	check_fixture about-shipped
}

@test "fixture about-too-far" {
	check_fixture about-too-far
}

@test "fixture crlf" {
	check_fixture crlf
}

@test "fixture empty" {
	check_fixture empty
}

@test "fixture en-about-classes" {
	check_fixture en-about-classes
}

@test "fixture en-ago" {
	check_fixture en-ago
}

@test "fixture en-durations" {
	check_fixture en-durations
}

@test "fixture en-in-days-future" {
	check_fixture en-in-days-future
}

@test "fixture en-iso-day-first" {
	check_fixture en-iso-day-first
}

@test "fixture en-last-next" {
	check_fixture en-last-next
}

@test "fixture en-leap" {
	check_fixture en-leap
}

@test "fixture en-may" {
	check_fixture en-may
}

@test "fixture en-month-names" {
	check_fixture en-month-names
}

@test "fixture en-negatives" {
	check_fixture en-negatives
}

@test "fixture en-on-the-short-month" {
	check_fixture en-on-the-short-month
}

@test "fixture en-on-the" {
	check_fixture en-on-the
}

@test "fixture en-quoted-header" {
	check_fixture en-quoted-header
}

@test "fixture en-relative-words" {
	check_fixture en-relative-words
}

@test "fixture en-ship-date-labels" {
	check_fixture en-ship-date-labels
}

@test "fixture en-the-day-month" {
	check_fixture en-the-day-month
}

@test "fixture en-us-month-first" {
	check_fixture en-us-month-first
}

@test "fixture en-weekday-future" {
	check_fixture en-weekday-future
}

@test "fixture en-weekday-names" {
	check_fixture en-weekday-names
}

@test "fixture en-weekday-same-day" {
	check_fixture en-weekday-same-day
}

@test "fixture en-year-boundary-future" {
	check_fixture en-year-boundary-future
}

@test "fixture en-year-boundary-past" {
	check_fixture en-year-boundary-past
}

@test "fixture expected-day-passed" {
	check_fixture expected-day-passed
}

@test "fixture fr-abbreviations" {
	check_fixture fr-abbreviations
}

@test "fixture fr-aujourdhui" {
	check_fixture fr-aujourdhui
}

@test "fixture fr-business-days" {
	check_fixture fr-business-days
}

@test "fixture fr-ce-matin" {
	check_fixture fr-ce-matin
}

@test "fixture fr-dans" {
	check_fixture fr-dans
}

@test "fixture fr-day-first-no-year" {
	check_fixture fr-day-first-no-year
}

@test "fixture fr-day-first-years" {
	check_fixture fr-day-first-years
}

@test "fixture fr-day-glued-chain" {
	check_fixture fr-day-glued-chain
}

@test "fixture fr-day-month-dash" {
	check_fixture fr-day-month-dash
}

@test "fixture fr-day-range-ordinal" {
	check_fixture fr-day-range-ordinal
}

@test "fixture fr-decomposed-accents" {
	check_fixture fr-decomposed-accents
}

@test "fixture fr-demain" {
	check_fixture fr-demain
}

@test "fixture fr-dot-dash-need-cue" {
	check_fixture fr-dot-dash-need-cue
}

@test "fixture fr-durations" {
	check_fixture fr-durations
}

@test "fixture fr-fraction-after-comma" {
	check_fixture fr-fraction-after-comma
}

@test "fixture fr-hier-avant-hier" {
	check_fixture fr-hier-avant-hier
}

@test "fixture fr-idioms" {
	check_fixture fr-idioms
}

@test "fixture fr-il-y-a-ans-leap" {
	check_fixture fr-il-y-a-ans-leap
}

@test "fixture fr-il-y-a-jours" {
	check_fixture fr-il-y-a-jours
}

@test "fixture fr-il-y-a-mois-clamp" {
	check_fixture fr-il-y-a-mois-clamp
}

@test "fixture fr-il-y-a-qualifiers" {
	check_fixture fr-il-y-a-qualifiers
}

@test "fixture fr-il-y-a-semaines" {
	check_fixture fr-il-y-a-semaines
}

@test "fixture fr-invalid-days" {
	check_fixture fr-invalid-days
}

@test "fixture fr-iso-slash-time" {
	check_fixture fr-iso-slash-time
}

@test "fixture fr-iso" {
	check_fixture fr-iso
}

@test "fixture fr-mois-dernier" {
	check_fixture fr-mois-dernier
}

@test "fixture fr-month-names" {
	check_fixture fr-month-names
}

@test "fixture fr-no-accents" {
	check_fixture fr-no-accents
}

@test "fixture fr-no-us-reading" {
	check_fixture fr-no-us-reading
}

@test "fixture fr-no-year-is-past" {
	check_fixture fr-no-year-is-past
}

@test "fixture fr-numbers-in-words" {
	check_fixture fr-numbers-in-words
}

@test "fixture fr-order-numbers" {
	check_fixture fr-order-numbers
}

@test "fixture fr-phones" {
	check_fixture fr-phones
}

@test "fixture fr-premier" {
	check_fixture fr-premier
}

@test "fixture fr-prices" {
	check_fixture fr-prices
}

@test "fixture fr-quoted-header" {
	check_fixture fr-quoted-header
}

@test "fixture fr-range" {
	check_fixture fr-range
}

@test "fixture fr-ratings-with-cue" {
	check_fixture fr-ratings-with-cue
}

@test "fixture fr-ratings" {
	check_fixture fr-ratings
}

@test "fixture fr-semaine-derniere" {
	check_fixture fr-semaine-derniere
}

@test "fixture fr-sizes-fractions" {
	check_fixture fr-sizes-fractions
}

@test "fixture fr-two-digit-year" {
	check_fixture fr-two-digit-year
}

@test "fixture fr-upper-case" {
	check_fixture fr-upper-case
}

@test "fixture fr-versions" {
	check_fixture fr-versions
}

@test "fixture fr-weekday-alone" {
	check_fixture fr-weekday-alone
}

@test "fixture fr-weekday-future" {
	check_fixture fr-weekday-future
}

@test "fixture fr-weekday-negatives" {
	check_fixture fr-weekday-negatives
}

@test "fixture fr-weekday-same-day" {
	check_fixture fr-weekday-same-day
}

@test "fixture fr-year-alone-times" {
	check_fixture fr-year-alone-times
}

@test "fixture fr-year-with-unit" {
	check_fixture fr-year-with-unit
}

@test "fixture future-prepositions" {
	check_fixture future-prepositions
}

@test "fixture future-will-be-delivered" {
	check_fixture future-will-be-delivered
}

@test "fixture invalid-utf8-nul" {
	check_fixture invalid-utf8-nul
}

@test "fixture leap-invalid" {
	check_fixture leap-invalid
}

@test "fixture leap-no-year-future" {
	check_fixture leap-no-year-future
}

@test "fixture leap-no-year-past" {
	check_fixture leap-no-year-past
}

@test "fixture leap-valid" {
	check_fixture leap-valid
}

@test "fixture no-break-spaces" {
	check_fixture no-break-spaces
}

@test "fixture no-dates" {
	check_fixture no-dates
}

@test "fixture prochain-dernier" {
	check_fixture prochain-dernier
}

@test "fixture year-boundary-future" {
	check_fixture year-boundary-future
}

@test "fixture year-boundary-past" {
	check_fixture year-boundary-past
}

@test "fixture year-boundary-relative" {
	check_fixture year-boundary-relative
}

@test "fixture year-boundary-tomorrow" {
	check_fixture year-boundary-tomorrow
}
