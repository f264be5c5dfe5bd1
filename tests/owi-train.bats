#!/usr/bin/env bats
# owi-train: learning from labelled mail, and measuring on held-out mail.

load test_helper

setup() {
	common_setup
	RULES=$BATS_TEST_DIRNAME/../rules.d
	SEED=$BATS_TEST_DIRNAME/../data/seed
	# A small labelled set: the first 40 examples of each motive.
	SMALL=$BATS_TEST_TMPDIR/small.jsonl
	for f in "$SEED"/*.jsonl; do head -n 40 "$f"; done >"$SMALL"
}

@test "a model learned from labelled records is used by owi-classify" {
	run --separate-stderr owi-train -r "$RULES" -o "$BATS_TEST_TMPDIR/m.owim" "$SMALL"
	assert_success
	assert_output ""
	assert_equal "$stderr" ""
	run owi-classify -r "$RULES" -m "$BATS_TEST_TMPDIR/m.owim" <<<'{"owi":1,"id":"a","message":{"subject":"annulation","new_text":"merci d annuler ma commande"}}'
	assert_success
	printf '%s\n' "$output" >"$BATS_TEST_TMPDIR/o"
	assert_equal "$(jget "$BATS_TEST_TMPDIR/o" 'm["classification"]["motives"][0]["id"]')" "order_cancellation"
}

@test "training is deterministic for a seed, and the seed matters" {
	owi-train -r "$RULES" -o "$BATS_TEST_TMPDIR/a.owim" "$SMALL"
	owi-train -r "$RULES" -o "$BATS_TEST_TMPDIR/b.owim" "$SMALL"
	owi-train -r "$RULES" -s 7 -o "$BATS_TEST_TMPDIR/c.owim" "$SMALL"
	cmp "$BATS_TEST_TMPDIR/a.owim" "$BATS_TEST_TMPDIR/b.owim"
	run cmp -s "$BATS_TEST_TMPDIR/a.owim" "$BATS_TEST_TMPDIR/c.owim"
	assert_failure
}

@test "envelopes with labels (owi-parse's output) are learned" {
	for m in order_cancellation order_tracking; do
		head -n 30 "$SEED/$m.jsonl"
	done >"$BATS_TEST_TMPDIR/two.jsonl"
	# The same mails as real envelopes: parse mails made from the records.
	python3 - "$BATS_TEST_TMPDIR/two.jsonl" "$BATS_TEST_TMPDIR/mails" <<'PY'
import json, os, sys
from email.message import EmailMessage
os.makedirs(sys.argv[2])
for i, line in enumerate(open(sys.argv[1], encoding="utf-8")):
    r = json.loads(line)
    m = EmailMessage()
    m["Subject"] = r["subject"] or "(none)"
    m["From"] = "client@example.fr"
    m["X-Label"] = r["labels"][0]
    m.set_content(r["text"])
    open(os.path.join(sys.argv[2], "%03d" % i), "wb").write(bytes(m))
PY
	run owi-parse "$BATS_TEST_TMPDIR/mails"
	assert_success
	printf '%s\n' "$output" >"$BATS_TEST_TMPDIR/parsed"
	python3 - "$BATS_TEST_TMPDIR/parsed" >"$BATS_TEST_TMPDIR/labelled" <<'PY'
import json, sys
for line in open(sys.argv[1], encoding="utf-8"):
    e = json.loads(line)
    e["labels"] = [v for k, v in e["message"]["headers"] if k == "X-Label"]
    print(json.dumps(e, ensure_ascii=False))
PY
	run --separate-stderr owi-train -r "$RULES" -f 3 -e "$BATS_TEST_TMPDIR/labelled"
	assert_success
	assert_line --partial "60 mails, 2 motives"
}

@test "a Maildir sorted by humans teaches its folders' motives" {
	md=$BATS_TEST_TMPDIR/Maildir
	python3 - "$SEED" "$md" <<'PY'
import json, os, sys
from email.message import EmailMessage
folders = {"order_tracking": ".02 – Suivi de commande", "order_cancellation": ".04 – Annulation de commande"}
for motive, folder in folders.items():
    for sub in ("cur", "new", "tmp"):
        os.makedirs(os.path.join(sys.argv[2], folder, sub), exist_ok=True)
    for i, line in enumerate(open(os.path.join(sys.argv[1], motive + ".jsonl"), encoding="utf-8")):
        if i == 25:
            break
        r = json.loads(line)
        m = EmailMessage()
        m["Subject"] = r["subject"] or "(none)"
        m["From"] = "client@example.fr"
        m.set_content(r["text"])
        open(os.path.join(sys.argv[2], folder, "cur", "%d:2,S" % i), "wb").write(bytes(m))
PY
	mkdir -p "$md/.Unrelated/cur"
	cp "$md/.02 – Suivi de commande/cur/0:2,S" "$md/.Unrelated/cur/"
	run --separate-stderr owi-train -r "$RULES" -f 3 -e -M "$md"
	assert_success
	assert_line --partial "50 mails, 2 motives"
}

@test "owi's own unreviewed decisions are never learned" {
	md=$BATS_TEST_TMPDIR/Maildir
	mkdir -p "$md/.04 – Annulation de commande/cur" "$md/.04 – Annulation de commande/new"
	for i in 1 2 3; do
		printf 'X-Owi-Folder: 04 – Annulation de commande\nSubject: annuler\n\nannulez ma commande %s\n' "$i" \
		    >"$md/.04 – Annulation de commande/cur/$i:2,S"
	done
	run --separate-stderr owi-train -r "$RULES" -o "$BATS_TEST_TMPDIR/m.owim" -M "$md"
	assert_failure 65
	assert_equal "$stderr" "owi-train: no labelled mail to learn from"
	# Moved by a human into another folder: a lesson.
	mkdir -p "$md/.02 – Suivi de commande/cur"
	mv "$md/.04 – Annulation de commande/cur/1:2,S" "$md/.02 – Suivi de commande/cur/"
	run --separate-stderr owi-train -r "$RULES" -o "$BATS_TEST_TMPDIR/m.owim" -M "$md"
	assert_success
}

@test "a line without labels is reported and not learned" {
	{ cat "$SMALL"; echo '{"owi":1,"id":"x","message":{"new_text":"hello"},"classification":{"motives":[{"id":"spam"}]}}'; } >"$BATS_TEST_TMPDIR/in"
	n=$(wc -l <"$BATS_TEST_TMPDIR/in" | tr -d ' ')
	run --separate-stderr owi-train -r "$RULES" -o "$BATS_TEST_TMPDIR/m.owim" "$BATS_TEST_TMPDIR/in"
	assert_failure 65
	assert_equal "$stderr" "owi-train: $BATS_TEST_TMPDIR/in:$n: no \"labels\": not learned"
	[ -f "$BATS_TEST_TMPDIR/m.owim" ]
}

@test "an unknown motive is reported with its file and line" {
	{ head -n 5 "$SMALL"; echo '{"labels":["refund_maybe"],"subject":"","text":"x"}'; } >"$BATS_TEST_TMPDIR/in"
	run --separate-stderr owi-train -r "$RULES" -o "$BATS_TEST_TMPDIR/m.owim" "$BATS_TEST_TMPDIR/in"
	assert_failure 65
	assert_equal "$stderr" "owi-train: $BATS_TEST_TMPDIR/in:6: unknown motive 'refund_maybe' (not in rules.d)"
}

@test "--eval prints per-motive precision, recall, F1, support, coverage and confusion" {
	run --separate-stderr owi-train -r "$RULES" -e "$SMALL"
	assert_success
	assert_line --index 0 "owi-train: 5-fold evaluation on held-out folds, 320 mails, 8 motives, target precision 0.95"
	assert_line --regexp '^motive +precision +recall +F1 +support$'
	# Support counts every label of a mail: 40 main labels and some seconds.
	assert_line --regexp '^order_tracking +[01]\.[0-9]{3} +[01]\.[0-9]{3} +[01]\.[0-9]{3} +4[0-9]$'
	assert_line --partial "top-1 accuracy:"
	assert_line --partial "coverage at precision 0.95:"
	assert_line --partial "decided alone (model thresholds):"
	assert_line "confusion: rows are the main label, columns the top prediction"
	# Each row of the confusion matrix adds up to the motive's mails.
	run python3 -c '
import sys
rows = [l.split() for l in sys.stdin.read().split("columns the top prediction\n")[1].splitlines()[1:]]
assert len(rows) == 8 and all(sum(map(int, r[1:])) == 40 for r in rows), rows
' <<<"$output"
	assert_success
}

@test "--eval --json gives the same figures as JSON" {
	run --separate-stderr owi-train -r "$RULES" -e -j "$SMALL"
	assert_success
	printf '%s\n' "$output" >"$BATS_TEST_TMPDIR/e.json"
	run python3 -c '
import json, sys
e = json.load(open(sys.argv[1]))
assert e["mails"] == 320 and len(e["motives"]) == 8
for m in e["motives"]:
    assert set(m) == {"motive", "precision", "recall", "f1", "support"} and m["support"] >= 40
assert 0 <= e["coverage_at_precision"] <= 1 and 0 < e["top1_accuracy"] <= 1
print(sum(sum(r.values()) for r in e["confusion"].values()))
' "$BATS_TEST_TMPDIR/e.json"
	assert_success
	assert_output 320
}

@test "--test trains on the input and measures on another file" {
	for f in "$SEED"/*.jsonl; do sed -n '41,60p' "$f"; done >"$BATS_TEST_TMPDIR/test.jsonl"
	run --separate-stderr owi-train -r "$RULES" -t "$BATS_TEST_TMPDIR/test.jsonl" "$SMALL"
	assert_success
	assert_line --index 0 "owi-train: trained on the input, tested on $BATS_TEST_TMPDIR/test.jsonl, 160 mails, 8 motives, target precision 0.95"
}

@test "the seed corpus: several hundred examples per motive, all motives of rules.d" {
	run python3 - "$SEED" "$RULES/00-motives.yaml" <<'PY'
import collections, glob, json, re, sys
motives = set(re.findall(r"- id: (\w+)", open(sys.argv[2]).read()))
count = collections.Counter()
for f in glob.glob(sys.argv[1] + "/*.jsonl"):
    for line in open(f, encoding="utf-8"):
        r = json.loads(line)
        assert set(r) == {"labels", "lang", "subject", "text"}, r
        assert set(r["labels"]) <= motives, r["labels"]
        count.update(r["labels"])
assert set(count) == motives, count
print(min(count.values()))
PY
	assert_success
	[ "$output" -ge 300 ]
}

@test "--help's usage is the man page's SYNOPSIS" {
	run owi-train --help
	usage=$(printf '%s\n' "${lines[0]}" "${lines[1]}" | sed 's/^usage: //' | tr -s ' \n' '  ' | sed 's/ $//')
	synopsis=$(mandoc -Tascii "$BATS_TEST_DIRNAME/../man/owi-train.1" | col -bx | sed -n '/^SYNOPSIS/,/^DESCRIPTION/p' | sed '1d;$d' | tr -s ' \n' '  ' | sed 's/^ //; s/ $//')
	assert_equal "$usage" "$synopsis"
}

@test "without -o the model goes to the shop's data directory, created if needed" {
	run --separate-stderr owi-train -r "$RULES" "$SMALL"
	assert_success
	[ -f "$XDG_DATA_HOME/owi/model.owim" ]
	# ...and owi-classify uses it by default.
	run owi-classify -r "$RULES" <<<'{"owi":1,"id":"a","message":{"subject":"","new_text":"annulez ma commande"}}'
	assert_success
	assert_output --partial "\"model\":\"$XDG_DATA_HOME/owi/model.owim\""
}
