#!/usr/bin/env bats
#
# html.bats: owi_html_to_text() (common/html.c), through the driver
# tests/helper/test-html, which prints the text of the HTML on its stdin.
# Nothing is built here: the driver is expected at
# $BUILD/tests/helper/test-html, BUILD defaulting to ../build.
#
# Each fixture fixtures/html/NAME.html has its expected output NAME.txt,
# compared byte for byte.  Inputs too big or too binary to commit are made
# here.

bats_require_minimum_version 1.5.0

load /usr/lib/bats/bats-support/load
load /usr/lib/bats/bats-assert/load

setup() {
	BUILD=${BUILD:-"$BATS_TEST_DIRNAME/../build"}
	HTML="$BUILD/tests/helper/test-html"
	FIX="$BATS_TEST_DIRNAME/fixtures/html"
	[ -x "$HTML" ] || fail "no driver at '$HTML': build it first"
}

# check_fixture NAME: NAME.html converts to exactly NAME.txt, silently.
check_fixture() {
	local in="$FIX/$1.html" out="$BATS_TEST_TMPDIR/$1.out"

	run --separate-stderr "$HTML" <"$in"
	assert_success
	assert_equal "$stderr" ""
	"$HTML" <"$in" >"$out"
	run diff -u "$FIX/$1.txt" "$out"
	assert_success
}

# repeat STRING N: STRING N times, by doubling.
repeat() {
	local s=$1 n=$2 r=

	while [ "$n" -gt 0 ]; do
		if [ $((n % 2)) -eq 1 ]; then
			r+=$s
		fi
		s+=$s
		n=$((n / 2))
	done
	printf '%s' "$r"
}

# convert FORMAT: runs the driver on printf FORMAT (escapes allowed).
convert() {
	local in="$BATS_TEST_TMPDIR/in.html"

	# shellcheck disable=SC2059
	printf "$1" >"$in"
	run --separate-stderr "$HTML" <"$in"
}

# text_checks FILE: valid UTF-8, no trailing blanks, no two blank lines
# in a row, no blank first or last line.
text_checks() {
	run iconv -f UTF-8 -t UTF-8 "$1"
	assert_success
	run grep -n '[[:blank:]]$' "$1"
	assert_failure 1
	run awk 'NR == 1 && $0 == "" { bad = 1 }
	    $0 == "" && prev == "" && NR > 1 { bad = 1 }
	    { prev = $0 } END { if (prev == "" && NR > 0) bad = 1; exit bad }' "$1"
	assert_success
}

@test "every fixture has its expected output" {
	local f n=0

	for f in "$FIX"/*.html; do
		[ -f "${f%.html}.txt" ] || fail "no ${f%.html}.txt"
		n=$((n + 1))
	done
	[ "$n" -ge 25 ] || fail "only $n fixtures"
}

@test "fixture: PrestaShop order confirmation, table of order lines" {
	check_fixture prestashop-order
}

@test "fixture: Gmail reply, gmail_quote blockquote becomes > lines" {
	check_fixture gmail-reply
}

@test "fixture: Outlook reply, De / Envoyé / À / Objet block, MsoNormal" {
	check_fixture outlook-reply
}

@test "fixture: Outlook on the web reply in English, hr and From / Sent" {
	check_fixture english-reply
}

@test "fixture: Apple Mail reply, blockquote type=cite" {
	check_fixture apple-mail-reply
}

@test "fixture: marketing mail, hidden preheader and layout tables" {
	check_fixture marketing-preheader
}

@test "fixture: named entities, with and without semicolon" {
	check_fixture entities-named
}

@test "fixture: numeric references, invalid ones become U+FFFD" {
	check_fixture entities-numeric
}

@test "fixture: ul and ol lists, start and value" {
	check_fixture lists
}

@test "fixture: nested lists indented two spaces a level" {
	check_fixture lists-nested
}

@test "fixture: pre and listing keep whitespace" {
	check_fixture pre
}

@test "fixture: textarea and xmp keep whitespace" {
	check_fixture textarea
}

@test "fixture: whitespace collapses as in a browser" {
	check_fixture whitespace
}

@test "fixture: headings and paragraphs set off by one blank line" {
	check_fixture headings
}

@test "fixture: br and empty blocks, never two blank lines" {
	check_fixture br-blank-lines
}

@test "fixture: other block elements end lines" {
	check_fixture blocks
}

@test "fixture: nested blockquotes give > > prefixes" {
	check_fixture blockquote-nested
}

@test "fixture: lists and tables inside a blockquote" {
	check_fixture quote-list
}

@test "fixture: links as text <URL>, or text alone when it shows the URL" {
	check_fixture links
}

@test "fixture: images give their alt text in brackets" {
	check_fixture images
}

@test "fixture: hidden attribute, display:none, visibility:hidden" {
	check_fixture hidden
}

@test "fixture: head, script, style, template, noscript, svg, object" {
	check_fixture dropped-elements
}

@test "fixture: comments, conditional comments, CDATA, doctype" {
	check_fixture comments-doctype
}

@test "fixture: layout tables nested in cells, empty cells skipped" {
	check_fixture table-layout
}

@test "fixture: malformed markup: unclosed, stray, unquoted, uppercase" {
	check_fixture malformed
}

@test "fixture: misnested elements" {
	check_fixture misnested
}

@test "fixture: attribute quote that never closes" {
	check_fixture unclosed-quote
}

@test "fixture: Outlook list paragraphs" {
	check_fixture outlook-lists
}

@test "fixture: invalid UTF-8 becomes U+FFFD" {
	check_fixture invalid-utf8
}

@test "fixture: C1 characters read as windows-1252" {
	check_fixture cp1252-c1
}

@test "fixture: empty input gives empty output" {
	check_fixture empty
}

@test "fixture: markup without visible text gives empty output" {
	check_fixture whitespace-only
}

@test "output is valid UTF-8 on input with invalid bytes" {
	local out="$BATS_TEST_TMPDIR/out.txt"

	"$HTML" <"$FIX/invalid-utf8.html" >"$out"
	run iconv -f UTF-8 -t UTF-8 "$out"
	assert_success
	# The input itself is not.
	run iconv -f UTF-8 -t UTF-8 "$FIX/invalid-utf8.html"
	assert_failure
}

@test "output is valid UTF-8 on binary input" {
	local in="$BATS_TEST_TMPDIR/in.bin" out="$BATS_TEST_TMPDIR/out.txt"

	# Pseudo-random bytes from a fixed seed, with some markup.
	awk 'BEGIN { srand(42); for (i = 0; i < 200000; i++) {
	    r = int(rand() * 300); if (r < 256) printf "%c", r;
	    else if (r < 270) printf "<p>"; else if (r < 280) printf "&#";
	    else printf "<blockquote>" } }' >"$in"
	run --separate-stderr "$HTML" <"$in"
	assert_success
	"$HTML" <"$in" >"$out"
	text_checks "$out"
}

@test "tag soup from a fixed seed converts to clean text" {
	local in="$BATS_TEST_TMPDIR/soup.html" out="$BATS_TEST_TMPDIR/out.txt"

	awk 'BEGIN { srand(7); n = split("<div> </div> <p> </p> <br> " \
	    "<blockquote> </blockquote> <ul> <ol> <li> </li> </ul> <table> " \
	    "<tr> <td> </td> <pre> </pre> <b> </b> <a&#32;href=x> </a> " \
	    "<span&#32;hidden> </span> &nbsp; &eacute &#0; \303\251 \377 " \
	    "<!-- --> <script> </script> <svg> </svg> <textarea> " \
	    "</textarea> <p&#32;class=MsoNormal> mot word \n \t", t, " ");
	    for (i = 0; i < 50000; i++) { s = t[int(rand() * n) + 1];
	    gsub(/&#32;/, " ", s); printf "%s", s } }' >"$in"
	run --separate-stderr "$HTML" <"$in"
	assert_success
	assert_equal "$stderr" ""
	"$HTML" <"$in" >"$out"
	text_checks "$out"
}

@test "20,000 nested divs" {
	local in="$BATS_TEST_TMPDIR/in.html"

	{
		repeat '<div>' 20000
		printf 'deep'
		repeat '</div>' 20000
		printf 'after'
	} >"$in"
	run --separate-stderr "$HTML" <"$in"
	assert_success
	assert_output "$(printf 'deep\nafter')"
}

@test "100,000 nested tags, never closed, inside a blockquote" {
	local in="$BATS_TEST_TMPDIR/in.html"

	{
		printf '<p>new</p><blockquote>'
		repeat '<div><span><font>' 33334
		printf 'quoted</blockquote>after'
	} >"$in"
	run --separate-stderr "$HTML" <"$in"
	assert_success
	assert_output "$(printf 'new\n\n> quoted\n\nafter')"
}

@test "hidden element holding 50,000 nested elements" {
	local in="$BATS_TEST_TMPDIR/in.html"

	{
		# No box, so no line break either.
		printf 'shown <div style="display:none">'
		repeat '<div><b>' 25000
		printf 'hidden'
		repeat '</b></div>' 25000
		printf '</div> on one line'
	} >"$in"
	run --separate-stderr "$HTML" <"$in"
	assert_success
	assert_output 'shown on one line'
}

@test "quote prefixes stop at 32 levels" {
	local in="$BATS_TEST_TMPDIR/in.html"

	{
		repeat '<blockquote>' 40
		printf 'deep'
	} >"$in"
	run --separate-stderr "$HTML" <"$in"
	assert_success
	assert_output "$(repeat '> ' 32)deep"
}

@test "list indentation stops at 16 levels" {
	local in="$BATS_TEST_TMPDIR/in.html"

	{
		repeat '<ul><li>' 40
		printf 'deep'
	} >"$in"
	run --separate-stderr "$HTML" <"$in"
	assert_success
	# Items without text show no marker.
	assert_output "$(repeat '  ' 15)- deep"
}

@test "NUL bytes become U+FFFD" {
	convert 'a\0b<p>c\0<img alt="d\0"></p>'
	assert_success
	assert_output "$(printf 'a\357\277\275b\n\nc\357\277\275[d\357\277\275]')"
}

@test "input ending inside a tag drops the tag" {
	convert 'text<a href="x'
	assert_success
	assert_output 'text'
}

@test "input ending inside a comment drops the comment" {
	convert 'text<!-- never closed <p>x</p>'
	assert_success
	assert_output 'text'
}

@test "input ending inside a UTF-8 sequence gives U+FFFD" {
	convert 'caf\303'
	assert_success
	assert_output "$(printf 'caf\357\277\275')"
}

@test "input ending inside references" {
	convert 'a &eacute'
	assert_output 'a é'
	convert 'a &#x'
	assert_output 'a &#x'
	convert 'a &#233'
	assert_output 'a é'
	convert 'a &'
	assert_output 'a &'
}

@test "a lone < and </ at the end are text" {
	convert 'a <'
	assert_output 'a <'
	convert 'a </'
	assert_output 'a </'
}

@test "output ends with one newline" {
	local out="$BATS_TEST_TMPDIR/out.txt"

	printf '<p>one</p>\n\n<p>two</p>\n\n' | "$HTML" >"$out"
	printf 'one\n\ntwo\n' >"$BATS_TEST_TMPDIR/expected"
	run cmp "$BATS_TEST_TMPDIR/expected" "$out"
	assert_success
}

@test "a 1 MB mail converts in well under a second" {
	local in="$BATS_TEST_TMPDIR/big.html" start end

	repeat '<tr><td>T-shirt &eacute;t&eacute;</td><td>19,12&nbsp;&euro;</td></tr><p class=MsoNormal>Bonjour <a href="https://x.example/?a=1&amp;b=2">lien</a><o:p></o:p></p><!-- c --><div style="display:none">x</div>' 5000 >"$in"
	[ "$(wc -c <"$in")" -gt 1000000 ]
	start=$(date +%s%N)
	run --separate-stderr "$HTML" <"$in"
	end=$(date +%s%N)
	assert_success
	# Generous: the driver may be built with sanitizers.
	[ $(((end - start) / 1000000)) -lt 3000 ] ||
	    fail "took $(((end - start) / 1000000)) ms"
}
