#!/usr/bin/env bats
# The envelope library (common/envelope.c, common/cli.c): the JSON Lines
# reader every program after owi-parse uses, and the ordered writer.

load test_helper

setup() {
	common_setup
	T=$BUILD/tests/helper/test-envelope
}

@test "envelopes pass through untouched, one line each" {
	printf '%s\n' '{"owi":1,"id":"a","custom":{"x":[1,2]},"message":{"subject":"é"}}' \
	    '{"owi":1,"id":"b"}' >"$BATS_TEST_TMPDIR/in"
	run --separate-stderr "$T" "$BATS_TEST_TMPDIR/in"
	assert_success
	assert_equal "${#lines[@]}" 2
	assert_line --index 0 '{"owi":1,"id":"a","message":{"subject":"é"},"custom":{"x":[1,2]}}'
	assert_line --index 1 '{"owi":1,"id":"b"}'
}

@test "top-level keys are written in the contract's order, others after in input order" {
	run "$T" <<<'{"zz":1,"errors":[],"route":{},"shop":{},"id":"x","aa":2,"message":{},"owi":1,"source":{}}'
	assert_success
	assert_output '{"owi":1,"id":"x","source":{},"message":{},"shop":{},"route":{},"errors":[],"zz":1,"aa":2}'
}

@test "a bad line is reported with its line number and byte offset, the rest goes on, exit 65" {
	printf '%s\n' '{"owi":1,"id":"a"}' '{"owi":1,"id":' '' '{"owi":1,"id":"c"}' >"$BATS_TEST_TMPDIR/in"
	run --separate-stderr "$T" <"$BATS_TEST_TMPDIR/in"
	assert_failure 65
	assert_equal "${#lines[@]}" 2
	assert_equal "$stderr" "test-envelope: <stdin>:2: invalid JSON at byte 14: unexpected end of line"
}

@test "a syntax error names the byte where it is" {
	run --separate-stderr "$T" <<<'{"owi":1,"id":"a",,}'
	assert_failure 65
	assert_equal "$stderr" "test-envelope: <stdin>:1: invalid JSON at byte 18: quoted object property name expected"
}

@test "a file argument is named in the message" {
	printf '%s\n' 'nope' >"$BATS_TEST_TMPDIR/bad.jsonl"
	run --separate-stderr "$T" "$BATS_TEST_TMPDIR/bad.jsonl"
	assert_failure 65
	[[ $stderr == "test-envelope: $BATS_TEST_TMPDIR/bad.jsonl:1: invalid JSON at byte "* ]]
}

@test "a JSON value that is not an object is not an envelope" {
	run --separate-stderr "$T" <<<'[1,2]'
	assert_failure 65
	assert_equal "$stderr" "test-envelope: <stdin>:1: not an envelope: a JSON array, not an object"
}

@test "another envelope version is refused" {
	run --separate-stderr "$T" <<<'{"owi":2,"id":"a"}'
	assert_failure 65
	assert_equal "$stderr" "test-envelope: <stdin>:1: unsupported envelope version '2' (this is version 1)"
}

@test "two values on a line are an error" {
	run --separate-stderr "$T" <<<'{"owi":1} {"owi":1}'
	assert_failure 65
	assert_equal "$stderr" "test-envelope: <stdin>:1: invalid JSON at byte 10: unexpected character"
}

@test "invalid UTF-8 in a line is an error, not passed on" {
	printf '{"owi":1,"id":"\377"}\n' >"$BATS_TEST_TMPDIR/in"
	run --separate-stderr "$T" "$BATS_TEST_TMPDIR/in"
	assert_failure 65
	assert_output ""
	[[ $stderr == *":1: invalid JSON at byte "* ]]
}

@test "a line of 20 MB is read whole" {
	python3 -c 'import json; print(json.dumps({"owi": 1, "id": "big", "message": {"text": "x" * 20000000}}, separators=(",", ":")))' >"$BATS_TEST_TMPDIR/in"
	run --separate-stderr "$T" "$BATS_TEST_TMPDIR/in"
	assert_success
	assert_equal "${#output}" "$(($(wc -c <"$BATS_TEST_TMPDIR/in") - 1))"
}

@test "CRLF line ends and blank lines are accepted" {
	printf '{"owi":1,"id":"a"}\r\n\r\n   \n{"owi":1,"id":"b"}\r\n' >"$BATS_TEST_TMPDIR/in"
	run --separate-stderr "$T" "$BATS_TEST_TMPDIR/in"
	assert_success
	assert_equal "${#lines[@]}" 2
}

@test "a missing file is reported and the others read, exit 66" {
	printf '{"owi":1,"id":"a"}\n' >"$BATS_TEST_TMPDIR/in"
	run --separate-stderr "$T" "$BATS_TEST_TMPDIR/none" "$BATS_TEST_TMPDIR/in"
	assert_failure 66
	assert_output '{"owi":1,"id":"a"}'
	assert_equal "$stderr" "test-envelope: cannot open '$BATS_TEST_TMPDIR/none': No such file or directory"
}

@test "the envelopes of owi-parse read back identically" {
	run owi-parse "$FIXTURES/owi-parse/fr-reply-gmail.eml" "$FIXTURES/owi-parse/attachments.eml"
	assert_success
	printf '%s\n' "$output" >"$BATS_TEST_TMPDIR/parsed"
	run "$T" "$BATS_TEST_TMPDIR/parsed"
	assert_success
	printf '%s\n' "$output" >"$BATS_TEST_TMPDIR/again"
	cmp "$BATS_TEST_TMPDIR/parsed" "$BATS_TEST_TMPDIR/again"
}

@test "--pretty output is indented and still one document per envelope" {
	run "$T" --pretty <<<'{"owi":1,"id":"a","message":{"to":[]}}'
	assert_success
	assert_line --index 0 '{'
	assert_line --index 1 '  "owi": 1,'
}
