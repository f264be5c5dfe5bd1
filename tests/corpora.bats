#!/usr/bin/env bats
# Every message of the shared corpora (SpamAssassin, MIME edge cases) gives
# exactly one valid envelope: no crash, valid JSON, valid UTF-8.  Under
# `make check-asan` the same run is checked by ASan and UBSan.

load test_helper

setup_file() {
	[ -d "${OWI_CORPORA:-$BATS_TEST_DIRNAME/../../shared/corpora}" ] || return 0
	export CORPUS_DIR=${OWI_CORPUS_DIR:-$BUILD/corpus}
	"$BATS_TEST_DIRNAME/../scripts/corpus-unpack" "$CORPUS_DIR" >&2
}

setup() {
	common_setup
	require_corpora
}

# The files of mime-edge that are messages (not licences or notes).
edge_files() {
	find "$CORPORA/mime-edge" -type f ! -name 'LICENSE*' ! -name '*LICENSE*' \
	    ! -name 'COPYING*' ! -name 'NOTICE*' ! -name '*.md' ! -name 'README*' | sort
}

# check_envelopes FILE: valid UTF-8, valid JSON, an envelope on each line.
check_envelopes() {
	python3 - "$1" <<'PY'
import json, sys
n = 0
with open(sys.argv[1], "rb") as f:
    for i, raw in enumerate(f, 1):
        line = raw.decode("utf-8")          # strict: fails on invalid UTF-8
        env = json.loads(line)
        assert env["owi"] == 1 and env["id"], f"line {i}: not an envelope"
        assert "message" in env and "source" in env, f"line {i}: keys missing"
        n += 1
print(n)
PY
}

@test "SpamAssassin: 6046 mails, 6046 valid envelopes" {
	out=$BATS_TEST_TMPDIR/sa.jsonl
	run --separate-stderr owi-parse "$CORPUS_DIR"/easy_ham "$CORPUS_DIR"/easy_ham_2 \
	    "$CORPUS_DIR"/hard_ham "$CORPUS_DIR"/spam "$CORPUS_DIR"/spam_2
	assert_success
	assert_equal "$stderr" ""
	printf '%s\n' "$output" >"$out"
	run check_envelopes "$out"
	assert_success
	assert_output 6046
}

@test "mime-edge: one valid envelope per message file" {
	out=$BATS_TEST_TMPDIR/edge.jsonl
	edge_files >"$BATS_TEST_TMPDIR/list"
	# The mbox files have their own test below; every other file is one mail.
	cut -f1 "$BATS_TEST_DIRNAME/corpora-mbox.tsv" | grep -v '^#' |
	    sed "s|^|$CORPORA/mime-edge/|" >"$BATS_TEST_TMPDIR/mboxes"
	grep -vxF -f "$BATS_TEST_TMPDIR/mboxes" "$BATS_TEST_TMPDIR/list" >"$BATS_TEST_TMPDIR/single"
	run --separate-stderr xargs -d '\n' owi-parse <"$BATS_TEST_TMPDIR/single"
	assert_success
	assert_equal "$stderr" ""
	printf '%s\n' "$output" >"$out"
	run check_envelopes "$out"
	assert_success
	assert_output "$(wc -l <"$BATS_TEST_TMPDIR/single" | tr -d ' ')"
	# One per file, in order: the paths are the files given.
	run python3 -c 'import json,sys; print("\n".join(json.loads(l)["source"]["path"] for l in open(sys.argv[1])))' "$out"
	assert_output "$(cat "$BATS_TEST_TMPDIR/single")"
}

@test "mime-edge mbox files: the number of mails of tests/corpora-mbox.tsv" {
	# Counts and reasons, one file a line.
	while IFS='	' read -r path want why; do
		case $path in '#'*|'') continue ;; esac
		run --separate-stderr owi-parse "$CORPORA/mime-edge/$path"
		assert_success
		printf '%s\n' "$output" >"$BATS_TEST_TMPDIR/m"
		run check_envelopes "$BATS_TEST_TMPDIR/m"
		assert_success
		[ "$output" = "$want" ] || fail "$path: $output envelopes, want $want ($why)"
	done <"$BATS_TEST_DIRNAME/corpora-mbox.tsv"
}

@test "mime-edge: the stress mails (deep nesting, huge) each give an envelope" {
	for f in mimekit/messages/stack-overflow.txt mailparser/test/fixtures/htmllargecallstack.eml \
	    mailparser/test/fixtures/outofmemory.eml mailparser/test/fixtures/large_text.eml \
	    crymap/torture-test.eml; do
		[ -f "$CORPORA/mime-edge/$f" ] || fail "missing $f"
		run --separate-stderr owi-parse "$CORPORA/mime-edge/$f"
		assert_success
		printf '%s\n' "$output" >"$BATS_TEST_TMPDIR/s"
		run check_envelopes "$BATS_TEST_TMPDIR/s"
		assert_output 1
	done
}
