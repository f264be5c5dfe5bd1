#!/usr/bin/env bats
# The manual pages: mdoc that mandoc's linter finds clean, one per program.

load test_helper

setup() {
	common_setup
	MAN=$BATS_TEST_DIRNAME/../man
	command -v mandoc >/dev/null || skip "mandoc is not installed"
}

@test "every page is clean under mandoc -Tlint" {
	run mandoc -Tlint -Wwarning "$MAN"/*.1 "$MAN"/*.5 "$MAN"/*.7
	assert_success
	assert_output ""
}

@test "every program has its page, with EXIT STATUS and EXAMPLES" {
	for c in "$BATS_TEST_DIRNAME"/../cmd/*.c; do
		p=$(basename "$c" .c)
		[ -f "$MAN/$p.1" ] || fail "no man/$p.1"
		grep -q '^\.Sh EXIT STATUS' "$MAN/$p.1" || fail "$p.1: no EXIT STATUS"
		grep -q '^\.Sh EXAMPLES' "$MAN/$p.1" || fail "$p.1: no EXAMPLES"
	done
}

@test "owi(7) names every program that exists" {
	for c in "$BATS_TEST_DIRNAME"/../cmd/*.c; do
		p=$(basename "$c" .c)
		grep -q "^\.Xr $p 1" "$MAN/owi.7" || fail "owi.7 does not name $p"
	done
}

@test "a long batch shows its progress on a terminal, and only there" {
	command -v script >/dev/null || skip "script(1) is not installed"
	d=$BATS_TEST_TMPDIR/dir
	mkdir -p "$d"
	for i in 1 2 3; do cp "$FIXTURES/owi-parse/alternative.eml" "$d/$i"; done
	# stderr a terminal (script's pty), stdout a file: progress is shown.
	run script -qec "owi-parse '$d' >'$BATS_TEST_TMPDIR/o'" /dev/null
	assert_success
	assert_output --partial "owi-parse: 1 mails"
	# stderr not a terminal: nothing.
	run --separate-stderr owi-parse "$d"
	assert_success
	assert_equal "$stderr" ""
}
