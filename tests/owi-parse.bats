#!/usr/bin/env bats
# owi-parse: mail in, envelopes out.

load test_helper

setup() {
	common_setup
	F=$FIXTURES/owi-parse
}

# Runs owi-parse on FILE... into $out, asserting exit 0 and a quiet stderr.
parse() {
	out=$BATS_TEST_TMPDIR/out.jsonl
	run --separate-stderr owi-parse "$@"
	assert_success
	assert_equal "$stderr" ""
	printf '%s\n' "$output" >"$out"
}

@test "every fixture gives the expected envelope" {
	for eml in "$F"/*.eml "$F"/*.mbox; do
		want=${eml%.*}.json
		[ -f "$want" ] || fail "no expected output $want"
		run owi-parse "$eml"
		assert_success
		printf '%s\n' "$output" >"$BATS_TEST_TMPDIR/got"
		run assert_json_matches "$BATS_TEST_TMPDIR/got" "$want"
		[ "$status" -eq 0 ] || fail "$(basename "$eml"): $output"
	done
}

@test "--help prints the usage on stdout and exits 0" {
	run --separate-stderr owi-parse --help
	assert_success
	assert_line --index 0 --partial "usage: owi-parse"
	assert_equal "$stderr" ""
}

@test "--help's usage is the man page's SYNOPSIS" {
	command -v mandoc >/dev/null || skip "mandoc is not installed"
	run owi-parse --help
	usage=$(printf '%s\n' "${lines[0]}" "${lines[1]}" | sed 's/^usage: //' | tr -s ' \n' '  ' | sed 's/ $//')
	synopsis=$(mandoc -Tascii "$BATS_TEST_DIRNAME/../man/owi-parse.1" | col -bx | sed -n '/^SYNOPSIS/,/^DESCRIPTION/p' | sed '1d;$d' | tr -s ' \n' '  ' | sed 's/^ //; s/ $//')
	assert_equal "$usage" "$synopsis"
}

@test "--version names the program and the version" {
	run owi-parse --version
	assert_success
	assert_output --regexp '^owi-parse \(owi\) [0-9]+\.[0-9]+\.[0-9]+$'
}

@test "an unknown option is a usage error (64)" {
	run --separate-stderr owi-parse --no-such-option
	assert_failure 64
	assert_output ""
	[[ $stderr == *"usage: owi-parse"* ]]
}

@test "a bad option value is a usage error naming the value" {
	run --separate-stderr owi-parse -P zero "$F/alternative.eml"
	assert_failure 64
	[[ $stderr == *"invalid value 'zero' for -P"* ]]
}

@test "a missing file is reported, the others are parsed, exit 66" {
	run --separate-stderr owi-parse "$F/alternative.eml" "$BATS_TEST_TMPDIR/nope.eml" "$F/flowed.eml"
	assert_failure 66
	assert_equal "${#lines[@]}" 2
	assert_equal "$stderr" "owi-parse: cannot open '$BATS_TEST_TMPDIR/nope.eml': No such file or directory"
}

@test "standard input is one mail, and '-' names it" {
	run --separate-stderr owi-parse <"$F/alternative.eml"
	assert_success
	printf '%s\n' "$output" >"$BATS_TEST_TMPDIR/a"
	run owi-parse - <"$F/alternative.eml"
	assert_success
	printf '%s\n' "$output" >"$BATS_TEST_TMPDIR/b"
	assert_equal "$(jget "$BATS_TEST_TMPDIR/a" 'm["source"]["path"]')" "null"
	assert_equal "$(jget "$BATS_TEST_TMPDIR/b" 'm["message"]["subject"]')" "Question stock"
}

@test "a leading mbox From line on stdin (procmail) is not part of the mail" {
	{ echo "From jeanne@example.fr Mon Oct  6 10:00:00 2025"; cat "$F/alternative.eml"; } >"$BATS_TEST_TMPDIR/in"
	parse - <"$BATS_TEST_TMPDIR/in"
	assert_equal "$(jget "$out" 'm["source"]["size"]')" "$(wc -c <"$F/alternative.eml" | tr -d ' ')"
	assert_equal "$(jget "$out" 'm["message"]["headers"][0][0]')" "Message-ID"
}

@test "an mbox gives one envelope per mail, mboxrd quoting undone" {
	parse "$F/mbox-rd.mbox"
	assert_equal "${#lines[@]}" 3
	assert_equal "$(jget "$out" 'm["message"]["text"]' 1)" "$(printf 'From the start, mboxrd quotes this line.\n>From here two quote marks become one.')"
	assert_equal "$(jget "$out" 'm["message"]["text"]' 2)" "From time to time a body line starts like this."
	assert_equal "$(jget "$out" 'm["source"]["offset"]' 3)" "$(grep -b '^From carol' "$F/mbox-rd.mbox" | cut -d: -f1)"
}

@test "a Maildir gives its new then cur mails, in name order" {
	md=$BATS_TEST_TMPDIR/Maildir
	mkdir -p "$md/cur" "$md/new" "$md/tmp"
	cp "$F/flowed.eml" "$md/cur/2:2,S"
	cp "$F/alternative.eml" "$md/new/1"
	cp "$F/forwarded.eml" "$md/cur/1:2,S"
	cp "$F/dsn.eml" "$md/tmp/not-yet-delivered"
	parse "$md"
	assert_equal "${#lines[@]}" 3
	assert_equal "$(jget "$out" 'm["source"]["path"]' 1)" "$md/new/1"
	assert_equal "$(jget "$out" 'm["source"]["path"]' 2)" "$md/cur/1:2,S"
	assert_equal "$(jget "$out" 'm["source"]["path"]' 3)" "$md/cur/2:2,S"
}

@test "a plain directory gives each regular file, dotfiles skipped" {
	d=$BATS_TEST_TMPDIR/dir
	mkdir -p "$d/sub"
	cp "$F/flowed.eml" "$d/b"
	cp "$F/alternative.eml" "$d/a"
	cp "$F/dsn.eml" "$d/.hidden"
	cp "$F/dsn.eml" "$d/sub/x"
	parse "$d"
	assert_equal "${#lines[@]}" 2
	assert_equal "$(jget "$out" 'm["source"]["path"]' 1)" "$d/a"
}

@test "an unreadable file in a folder is reported and the folder goes on" {
	[ "$(id -u)" -ne 0 ] || skip "root reads every file"
	d=$BATS_TEST_TMPDIR/dir
	mkdir -p "$d"
	cp "$F/flowed.eml" "$d/a"
	cp "$F/flowed.eml" "$d/b"
	chmod 000 "$d/a"
	run --separate-stderr owi-parse "$d"
	assert_failure 66
	assert_equal "${#lines[@]}" 1
}

@test "--maildir stores the mail first and points source.path at it" {
	md=$BATS_TEST_TMPDIR/store
	parse --maildir "$md" <"$F/fr-reply-gmail.eml"
	stored=$(jget "$out" 'm["source"]["path"]')
	[[ $stored == "$md/new/"* ]]
	cmp "$stored" "$F/fr-reply-gmail.eml"
	assert_equal "$(find "$md/tmp" -type f | wc -l | tr -d ' ')" 0
}

@test "--maildir that cannot be written exits 75 so the MTA keeps the mail" {
	touch "$BATS_TEST_TMPDIR/file"
	run --separate-stderr owi-parse --maildir "$BATS_TEST_TMPDIR/file/sub" <"$F/alternative.eml"
	assert_failure 75
	assert_output ""
	[[ $stderr == "owi-parse: cannot create '$BATS_TEST_TMPDIR/file/sub': Not a directory" ]]
}

@test "--maildir with file arguments is a usage error" {
	run --separate-stderr owi-parse --maildir "$BATS_TEST_TMPDIR/m" "$F/alternative.eml"
	assert_failure 64
}

@test "a write error on stdout is reported and fails (ENOSPC)" {
	[ -w /dev/full ] || skip "no /dev/full"
	run --separate-stderr sh -c 'owi-parse "$1" >/dev/full' sh "$F/alternative.eml"
	assert_failure 74
	assert_equal "$stderr" "owi-parse: write error on standard output: No space left on device"
}

@test "a closed pipe on stdout is reported and fails (EPIPE)" {
	mbox=$BATS_TEST_TMPDIR/big.mbox
	for i in $(seq 1 300); do cat "$F/mbox-rd.mbox"; done >"$mbox"
	run --separate-stderr sh -c '{ owi-parse "$1"; echo "status=$?" >&2; } | head -c 10 >/dev/null' sh "$mbox"
	[[ $stderr == *"owi-parse: write error on standard output: Broken pipe"* ]]
	[[ $stderr == *"status=74"* ]]
}

@test "--pretty indents, and the pretty output is the same JSON" {
	parse "$F/alternative.eml"
	run owi-parse --pretty "$F/alternative.eml"
	assert_success
	assert_line --index 1 '  "owi": 1,'
	printf '%s\n' "$output" >"$BATS_TEST_TMPDIR/pretty.json"
	run python3 -c 'import json,sys; a=json.load(open(sys.argv[1])); b=json.loads(open(sys.argv[2]).readline()); sys.exit(a != b)' "$BATS_TEST_TMPDIR/pretty.json" "$out"
	assert_success
}

@test "top-level keys come in the order of owi(7)" {
	parse "$F/truncated.eml"
	run python3 -c 'import json,sys; print(" ".join(json.loads(open(sys.argv[1]).readline())))' "$out"
	assert_output "owi id source message errors"
}

@test "a mail without Message-ID is known by its sha256" {
	parse "$F/binary.eml"
	sha=$(sha256sum "$F/binary.eml" | cut -d' ' -f1)
	assert_equal "$(jget "$out" 'm["id"]')" "sha256:$sha"
	assert_equal "$(jget "$out" 'm["source"]["sha256"]')" "$sha"
}

@test "an empty input still gives an envelope, with not-a-mail" {
	parse /dev/null
	assert_equal "$(jget "$out" 'm["message"]')" "null"
	assert_equal "$(jget "$out" 'm["errors"][0]["code"]')" "not-a-mail"
}

@test "text without headers is read as a body, with no-headers" {
	printf 'ou est ma commande KHWLILZLL ???\n' >"$BATS_TEST_TMPDIR/t"
	parse "$BATS_TEST_TMPDIR/t"
	assert_equal "$(jget "$out" 'm["message"]["new_text"]')" "ou est ma commande KHWLILZLL ???"
	assert_equal "$(jget "$out" '[e["code"] for e in m["errors"]]')" '["no-headers"]'
}

@test "a Y2K year (0102) is read as 2002 and the raw date kept" {
	printf 'Date: Thu, 22 Aug 0102 12:07:35 +0800\nSubject: y2k\n\nx\n' >"$BATS_TEST_TMPDIR/y2k"
	parse "$BATS_TEST_TMPDIR/y2k"
	assert_equal "$(jget "$out" 'm["message"]["date"]')" "2002-08-22T12:07:35+08:00"
	assert_equal "$(jget "$out" 'm["message"]["date_raw"]')" "Thu, 22 Aug 0102 12:07:35 +0800"
}

@test "nesting beyond --max-depth is cut with too-deep, the text kept" {
	m=$BATS_TEST_TMPDIR/deep.eml
	{
		printf 'Subject: deep\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary="b0"\n\n'
		for i in $(seq 0 29); do printf -- '--b%d\nContent-Type: multipart/mixed; boundary="b%d"\n\n' "$i" $((i + 1)); done
		printf -- '--b30\nContent-Type: text/plain\n\ndeep inside\n'
		for i in $(seq 30 -1 0); do printf -- '--b%d--\n' "$i"; done
	} >"$m"
	parse -D 10 "$m"
	assert_equal "$(jget "$out" '[e["code"] for e in m["errors"]]')" '["too-deep"]'
	parse "$m"
	assert_equal "$(jget "$out" 'm["message"]["text"]')" "deep inside"
}

@test "parts beyond --max-parts are cut with too-many-parts" {
	m=$BATS_TEST_TMPDIR/many.eml
	{
		printf 'Subject: many\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary="b"\n\n'
		for i in $(seq 1 50); do printf -- '--b\nContent-Type: application/octet-stream; name="f%d.bin"\n\nx\n' "$i"; done
		printf -- '--b--\n'
	} >"$m"
	parse -P 10 "$m"
	assert_equal "$(jget "$out" 'len(m["message"]["attachments"])')" 9
	assert_equal "$(jget "$out" '[e["code"] for e in m["errors"]]')" '["too-many-parts"]'
}

@test "an attachment over --max-extract keeps its size and hash, not its text" {
	parse "$F/attachments.eml"
	sha=$(jget "$out" 'm["message"]["attachments"][0]["sha256"]')
	parse -X 100 "$F/attachments.eml"
	assert_equal "$(jget "$out" 'm["message"]["attachments"][0]["size"]')" 639
	assert_equal "$(jget "$out" 'm["message"]["attachments"][0]["text"]')" "null"
	assert_equal "$(jget "$out" 'm["message"]["attachments"][0]["sha256"]')" "$sha"
	assert_equal "$(jget "$out" '[e["code"] for e in m["errors"]]')" '["attachment-too-large"]'
}

@test "text beyond --max-text is cut on a character boundary" {
	parse -T 20 "$F/fr-reply-gmail.eml"
	text=$(jget "$out" 'm["message"]["text"]')
	[ "${#text}" -le 20 ]
	assert_equal "$(jget "$out" '[e["code"] for e in m["errors"]]')" '["text-truncated"]'
}

@test "--ocr reads the text of an image (tesseract)" {
	command -v tesseract >/dev/null || skip "tesseract is not installed"
	command -v pdftoppm >/dev/null || skip "pdftoppm is not installed"
	# A picture of the purchase order: the fixture's PDF, rendered.
	python3 -c '
import base64, email, sys
m = email.message_from_binary_file(open(sys.argv[1], "rb"))
for p in m.walk():
    if p.get_content_type() == "application/pdf":
        open(sys.argv[2], "wb").write(p.get_payload(decode=True))
' "$F/attachments.eml" "$BATS_TEST_TMPDIR/bon.pdf"
	pdftoppm -png -r 150 -singlefile "$BATS_TEST_TMPDIR/bon.pdf" "$BATS_TEST_TMPDIR/bon"
	m=$BATS_TEST_TMPDIR/photo.eml
	{
		printf 'Subject: photo\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary="b"\n\n'
		printf -- '--b\nContent-Type: text/plain\n\nvoir photo\n'
		printf -- '--b\nContent-Type: image/png; name="bon.png"\nContent-Transfer-Encoding: base64\n\n'
		base64 "$BATS_TEST_TMPDIR/bon.png"
		printf -- '--b--\n'
	} >"$m"
	parse "$m"
	assert_equal "$(jget "$out" 'm["message"]["attachments"][0]["text"]')" "null"
	parse --ocr "$m"
	assert_equal "$(jget "$out" 'm["message"]["attachments"][0]["text_from"]')" "ocr"
	[[ $(jget "$out" 'm["message"]["attachments"][0]["text"]') == *KHWLILZLL* ]]
}

@test "a missing pdftotext is an error in the envelope, not a failure" {
	mkdir -p "$BATS_TEST_TMPDIR/bin"
	ln -s "$(command -v python3)" "$BATS_TEST_TMPDIR/bin/python3"
	run --separate-stderr env PATH="$BATS_TEST_TMPDIR/bin" "$BUILD/owi-parse" "$F/attachments.eml"
	assert_success
	printf '%s\n' "$output" >"$BATS_TEST_TMPDIR/o"
	assert_equal "$(jget "$BATS_TEST_TMPDIR/o" '[e["code"] for e in m["errors"]]')" '["extract-unavailable"]'
}

@test "a pdftotext that hangs is killed after --timeout" {
	mkdir -p "$BATS_TEST_TMPDIR/bin"
	printf '#!/bin/sh\nexec sleep 30\n' >"$BATS_TEST_TMPDIR/bin/pdftotext"
	chmod +x "$BATS_TEST_TMPDIR/bin/pdftotext"
	PATH=$BATS_TEST_TMPDIR/bin:$PATH run --separate-stderr owi-parse -t 1 "$F/attachments.eml"
	assert_success
	printf '%s\n' "$output" >"$BATS_TEST_TMPDIR/o"
	assert_equal "$(jget "$BATS_TEST_TMPDIR/o" '[e["code"] for e in m["errors"]]')" '["extract-timeout"]'
}

@test "winmail.dat (TNEF) is opened: the files inside are listed, its body read" {
	require_corpora
	command -v tnef >/dev/null || skip "tnef is not installed"
	parse "$CORPORA/mime-edge/mimekit/tnef/rich-text.eml"
	run jget "$out" '[x["filename"] for a in m["message"]["attachments"] for x in a.get("attachments", [])]'
	assert_output '["Untitled Attachment", "Untitled Attachment.1", "kitten-playing-with-a-christmas-tree.jpg"]'
	run jget "$out" '[x["content_type"] for a in m["message"]["attachments"] for x in a.get("attachments", [])][2]'
	assert_output "image/jpeg"
	parse "$CORPORA/mime-edge/mimekit/tnef/ukr.eml"
	run jget "$out" 'm["message"]["attachments"][0]["text_from"]'
	assert_output "tnef"
	run jget "$out" 'm["message"]["attachments"][0]["text"].splitlines()[0]'
	assert_output "шостий"
}

@test "a mail whose first line is 'From  :' (obsolete syntax) is one mail, not an mbox" {
	printf 'From  : John Doe <jdoe@example.org>\r\nSubject: obs\r\n\r\nhello\r\n' >"$BATS_TEST_TMPDIR/obs.eml"
	parse "$BATS_TEST_TMPDIR/obs.eml"
	assert_equal "${#lines[@]}" 1
	assert_equal "$(jget "$out" 'm["message"]["from"]["address"]')" "jdoe@example.org"
}

@test "hostile input (tests/fixtures/broken): one envelope each, valid UTF-8, nothing on stderr" {
	for f in "$FIXTURES"/broken/*.eml; do
		run --separate-stderr owi-parse "$f"
		assert_success
		[ -z "$stderr" ] || fail "$(basename "$f"): $stderr"
		printf '%s\n' "$output" >"$BATS_TEST_TMPDIR/b"
		run python3 -c '
import json, sys
lines = open(sys.argv[1], "rb").read().decode("utf-8").splitlines()
assert len(lines) == 1, len(lines)
e = json.loads(lines[0])
assert e["owi"] == 1 and e["source"]["size"] > 0
' "$BATS_TEST_TMPDIR/b"
		[ "$status" -eq 0 ] || fail "$(basename "$f"): $output"
	done
}

@test "hostile input: a 20 MB line and 200,000 parts are cut with their codes, not fatal" {
	python3 -c '
import sys
sys.stdout.write("Subject: huge\n\n" + "x" * 20000000 + "\n")' >"$BATS_TEST_TMPDIR/huge.eml"
	parse "$BATS_TEST_TMPDIR/huge.eml"
	assert_equal "$(jget "$out" '[e["code"] for e in m["errors"]]')" '["text-truncated"]'
	python3 -c '
import sys
w = sys.stdout.write
w("Subject: parts\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=b\n\n")
for i in range(200000):
    w("--b\nContent-Type: text/plain\n\n%d\n" % i)
w("--b--\n")' >"$BATS_TEST_TMPDIR/parts.eml"
	parse "$BATS_TEST_TMPDIR/parts.eml"
	assert_equal "$(jget "$out" '[e["code"] for e in m["errors"]]')" '["too-many-parts"]'
}
