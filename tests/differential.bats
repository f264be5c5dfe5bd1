#!/usr/bin/env bats
# The differential test: owi-parse against Python's email package over the
# shared corpora, the SpamAssassin mail (unpacked) and the MIME edge cases.
# Every disagreement must be a known one, listed with its reason in
# tests/differential-accepted.tsv; see tests/tools/diff-summary.py.

load test_helper

setup() {
	common_setup
	REPO=$(cd "$BATS_TEST_DIRNAME/.." && pwd)
	TOOLS=$BATS_TEST_DIRNAME/tools
	PYTHON=${PYTHON:-python3}
}

need_corpora() {
	if [ ! -d "$CORPORA/spamassassin" ] || [ ! -d "$CORPORA/mime-edge" ]
	then
		skip "no shared corpora at $CORPORA (set OWI_CORPORA)"
	fi
}

need_owi_parse() {
	[ -x "$BUILD/owi-parse" ] || fail "no '$BUILD/owi-parse': run make first"
}

# A JSON line of each kind for the self-tests of diff-summary.py.
owi_line() {	# PATH SUBJECT ADDRESS [FILENAME]
	local atts='[]'
	[ $# -lt 4 ] || atts="[{\"filename\":\"$4\",\"content_type\":\"application/pdf\"}]"
	printf '{"owi":1,"source":{"path":"%s"},"message":{"subject":"%s","from":{"address":"%s"},"attachments":%s}}\n' \
	    "$1" "$2" "$3" "$atts"
}

py_line() {	# PATH SUBJECT ADDRESS [FILENAME]
	local atts='[]'
	[ $# -lt 4 ] || atts="[\"$4\"]"
	printf '{"path":"%s","subject":"%s","from":"%s","attachments":%s}\n' \
	    "$1" "$2" "$3" "$atts"
}

@test "diff-summary.py: agreement, after whitespace and case folding" {
	cd "$BATS_TEST_TMPDIR"
	owi_line a.eml 'Hello  world' 'Jeanne@Example.FR' 'f.pdf' >owi.jsonl
	py_line a.eml ' Hello world' 'jeanne@example.fr' 'f.pdf' >py.jsonl
	: >accepted.tsv
	run -0 "$PYTHON" "$TOOLS/diff-summary.py" -a accepted.tsv \
	    owi.jsonl py.jsonl
	assert_output "1 mails compared, 1 agree, 0 accepted disagreements"
}

@test "diff-summary.py: a disagreement not accepted fails, with its category" {
	cd "$BATS_TEST_TMPDIR"
	owi_line a.eml 'caf\u00e9' 'a@b.c' >owi.jsonl
	py_line a.eml 'caf\u00c3\u00a9' 'a@b.c' >py.jsonl
	owi_line b.eml 'x' 'a@b.c' 'f.pdf' >>owi.jsonl
	py_line b.eml 'x' 'a@b.c' >>py.jsonl
	: >accepted.tsv
	run -1 "$PYTHON" "$TOOLS/diff-summary.py" -r "$PWD=top" \
	    -a accepted.tsv owi.jsonl py.jsonl
	assert_line "DISAGREE: top/a.eml: subject: subject-charset: owi \"café\", python \"cafÃ©\""
	assert_line --partial "DISAGREE: top/b.eml: attachments: attachment-count:"
	assert_line "2 mails compared, 0 agree, 0 accepted disagreements"
}

@test "diff-summary.py: an accepted disagreement passes" {
	cd "$BATS_TEST_TMPDIR"
	owi_line a.eml 'caf\u00e9' 'a@b.c' >owi.jsonl
	py_line a.eml 'caf\u00c3\u00a9' 'a@b.c' >py.jsonl
	printf 'top/a.eml\tsubject\tsubject-charset\towi is right: a test\n' >accepted.tsv
	run -0 "$PYTHON" "$TOOLS/diff-summary.py" -r "$PWD=top" \
	    -a accepted.tsv owi.jsonl py.jsonl
	assert_line --partial "accepted: top/a.eml: subject: subject-charset:"
	assert_line "1 mails compared, 0 agree, 1 accepted disagreements"
}

@test "diff-summary.py: a mail on one side only is a disagreement" {
	cd "$BATS_TEST_TMPDIR"
	owi_line a.eml 's' 'a@b.c' >owi.jsonl
	py_line a.eml 's' 'a@b.c' >py.jsonl
	py_line b.eml 's' 'a@b.c' >>py.jsonl
	: >accepted.tsv
	run -1 "$PYTHON" "$TOOLS/diff-summary.py" -a accepted.tsv \
	    owi.jsonl py.jsonl
	assert_line --partial "b.eml: message: only-python:"
}

@test "diff-summary.py: a malformed accepted line is a data error" {
	cd "$BATS_TEST_TMPDIR"
	owi_line a.eml 's' 'a@b.c' >owi.jsonl
	py_line a.eml 's' 'a@b.c' >py.jsonl
	printf 'a.eml\tsubject\n' >accepted.tsv
	run -65 --separate-stderr "$PYTHON" "$TOOLS/diff-summary.py" \
	    -a accepted.tsv owi.jsonl py.jsonl
	[[ $stderr == "diff-summary: accepted.tsv:1: want 4 tab-separated"* ]]
}

@test "pymail-summary.py: a broken mail is summarised, never a crash" {
	cd "$BATS_TEST_TMPDIR"
	printf 'Subject: =?utf-8?q?caf=C3=A9?=\nFrom: undisclosed-recipients:;\nContent-Type: multipart/mixed; boundary="b"\n\n--b\nContent-Type: application/pdf\n\n' >broken.eml
	printf 'From x\nSubject: one\n\nbody\n\nFrom y\nSubject: two\n\nbody\n' >box.mbox
	run -0 --separate-stderr "$PYTHON" "$TOOLS/pymail-summary.py" \
	    broken.eml box.mbox
	assert_line --index 0 '{"path": "broken.eml", "subject": "café", "from": null, "attachments": [null]}'
	assert_line --index 1 --partial '"path": "box.mbox", "offset": 0, "subject": "one"'
	assert_line --index 2 --partial '"path": "box.mbox", "offset": 27, "subject": "two"'
}

@test "owi-parse agrees with Python's email over the corpora" {
	need_corpora
	need_owi_parse
	local corpus=${OWI_CORPUS_DIR:-$BUILD/corpus} tmp=$BATS_TEST_TMPDIR
	local rc files

	run -0 env OWI_CORPORA="$CORPORA" "$REPO/scripts/corpus-unpack" "$corpus"

	# Every mail file, but not the licence texts shipped beside them.
	find "$corpus"/*/ "$CORPORA/mime-edge" -type f \
	    ! -name '*LICENSE*' ! -name 'COPYING*' >"$tmp/found"
	LC_ALL=C sort "$tmp/found" >"$tmp/list"
	mapfile -t files <"$tmp/list"
	[ "${#files[@]}" -gt 6046 ] || fail "only ${#files[@]} mail files found"

	# Each tool writes to a file; its exit status is checked on its own.
	rc=0
	"$BUILD/owi-parse" "${files[@]}" >"$tmp/owi.jsonl" 2>"$tmp/owi.err" ||
	    rc=$?
	[ "$rc" -eq 0 ] ||
	    fail "owi-parse exited $rc: $(tail -n 5 "$tmp/owi.err")"
	rc=0
	"$PYTHON" "$TOOLS/pymail-summary.py" "${files[@]}" >"$tmp/py.jsonl" \
	    2>"$tmp/py.err" || rc=$?
	[ "$rc" -eq 0 ] ||
	    fail "pymail-summary.py exited $rc: $(tail -n 5 "$tmp/py.err")"

	run "$PYTHON" "$TOOLS/diff-summary.py" -r "$corpus=spamassassin" \
	    -r "$CORPORA" "$tmp/owi.jsonl" "$tmp/py.jsonl"
	assert_success
	assert_line --regexp \
	    '^[0-9]+ mails compared, [0-9]+ agree, [0-9]+ accepted disagreements$'
}
