#!/usr/bin/env bats
# owi-classify: motives with calibrated scores, spam, language, signals.

load test_helper

setup_file() {
	# One model for the suite, learned from the seed corpus by make.
	export MODEL=$BUILD/model.owim
	[ -f "$MODEL" ] || "$BUILD/owi-train" -r "$BATS_TEST_DIRNAME/../rules.d" \
	    -o "$MODEL" "$BATS_TEST_DIRNAME"/../data/seed/*.jsonl
}

setup() {
	common_setup
	RULES=$BATS_TEST_DIRNAME/../rules.d
}

# mail SUBJECT BODY: a one-part mail into $BATS_TEST_TMPDIR/mail.eml
mail() {
	printf 'From: Client <client@example.fr>\nSubject: %s\nMIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\n\n%s\n' \
	    "$1" "$2" >"$BATS_TEST_TMPDIR/mail.eml"
}

# classify [OPTIONS]: parses mail.eml, classifies it into $out.
classify() {
	run owi-parse "$BATS_TEST_TMPDIR/mail.eml"
	assert_success
	printf '%s\n' "$output" >"$BATS_TEST_TMPDIR/parsed.jsonl"
	out=$BATS_TEST_TMPDIR/out.jsonl
	run --separate-stderr owi-classify -r "$RULES" -m "$MODEL" "$@" "$BATS_TEST_TMPDIR/parsed.jsonl"
	assert_success
	assert_equal "$stderr" ""
	printf '%s\n' "$output" >"$out"
}

top() {
	jget "$out" 'm["classification"]["motives"][0]["id"] if m["classification"]["motives"] else None'
}

@test "classification has motives with score, threshold and sure, highest first" {
	mail "Où est ma commande ?" "Bonjour, j'ai commandé il y a dix jours et je n'ai toujours rien reçu. Pouvez-vous me donner le numéro de suivi ?"
	classify
	run python3 - "$out" <<'PY'
import json, sys
c = json.loads(open(sys.argv[1]).readline())["classification"]
ms = c["motives"]
assert ms, "no motive"
assert [m["score"] for m in ms] == sorted((m["score"] for m in ms), reverse=True)
for m in ms:
    assert set(m) == {"id", "score", "threshold", "sure"}, m
    assert 0 <= m["score"] <= 1 and 0 <= m["threshold"] <= 1.01
    assert m["sure"] == (m["score"] >= m["threshold"])
assert 0 <= c["spam"] <= 1
assert set(c) == {"motives", "spam", "lang", "signals", "model"}
PY
	assert_success
	assert_equal "$(top)" "order_tracking"
}

@test "each motive on a plain example, French and English" {
	while IFS='|' read -r want subject body; do
		mail "$subject" "$body"
		classify
		[ "$(top)" = "$want" ] || fail "'$body': $(top), want $want"
	done <<'EOF'
order_tracking|suivi|Bonjour, ma commande n'est toujours pas arrivée, où en est-elle ?
order_tracking|Order status|Hi, when will my order ship? It's been a week.
return_request|Retour|Je souhaite retourner la robe, elle ne me va pas. Comment obtenir une étiquette de retour ?
return_request|Return|I'd like to return the shoes for a refund, they are too small.
order_cancellation|Annulation|Merci d'annuler ma commande passée hier, je me suis trompée.
order_cancellation|Cancel|Please cancel my order, I ordered the wrong model.
wrong_item|Erreur|J'ai reçu un pull rouge alors que j'avais commandé le bleu.
wrong_item|Wrong item|You sent me the wrong size, I ordered a medium and got a large.
carrier_issue|Colis|Le suivi indique livré mais je n'ai rien reçu, le livreur ne l'a pas déposé.
carrier_issue|Parcel|Tracking says delivered but there is no parcel, the courier left it somewhere else.
product_question|Question|Est-ce que ce canapé existe en gris et quelles sont ses dimensions ?
product_question|Question|Do you have this jacket in size XL? When will it be back in stock?
spam|Boost your sales|We are an SEO agency: rank your website first on Google today, reply for our best price.
EOF
}

@test "the quoted history does not override what the customer writes now" {
	body=$(printf 'Je voudrais annuler ma commande, je ne la veux plus.\n\nLe lun. 6 oct. 2025 à 10:12, Boutique <contact@boutique.example> a écrit :\n> Votre demande de retour est acceptée. Renvoyez le colis avec l étiquette de retour\n> jointe, le remboursement suivra à réception du retour.')
	mail "Re: Votre demande" "$body"
	classify
	assert_equal "$(top)" "order_cancellation"
	run jget "$out" '[x["id"] for x in m["classification"]["motives"]]'
	refute_output --partial "return_request"
}

@test "a mail with only a forwarded confirmation is read in the forwarded text" {
	body=$(printf -- '---------- Forwarded message ---------\nDe : Boutique <contact@boutique.example>\nDate: lun. 6 oct. 2025 à 10:12\nSubject: Commande annulée\n\nJe ne la veux plus, annulez ma commande svp.')
	mail "Fwd: commande" "$body"
	classify
	assert_equal "$(top)" "order_cancellation"
}

@test "SMS spelling and missing accents are understood" {
	mail "" "jai tjr rien recu ma cmd svp ou elle est"
	classify
	assert_equal "$(top)" "order_tracking"
}

@test "languages: fr, en, es, de, it" {
	while IFS='|' read -r want body; do
		mail "x" "$body"
		classify
		assert_equal "$(jget "$out" 'm["classification"]["lang"]')" "$want"
	done <<'EOF'
fr|Bonjour, je n'ai pas reçu ma commande, merci de me répondre.
en|Hello, I have not received my order yet, please help.
es|Hola, todavía no he recibido mi pedido, gracias por su ayuda.
de|Hallo, ich habe meine Bestellung noch nicht bekommen, danke.
it|Buongiorno, non ho ancora ricevuto il mio ordine, grazie.
EOF
}

@test "handover signals, each with its evidence" {
	while IFS='|' read -r want evidence body; do
		mail "x" "$body"
		classify
		run jget "$out" '[(s["id"], s["evidence"]) for s in m["classification"]["signals"]]'
		assert_output "[[\"$want\", \"$evidence\"]]"
	done <<'EOF'
angry|inadmissible|C'est inadmissible, trois semaines sans nouvelles de ma commande.
human|parler à un conseiller|Je voudrais parler à un conseiller au sujet de ma commande.
legal|avocat|Sans réponse de votre part, je transmets le dossier à mon avocat.
urgent|urgent|C'est urgent, j'ai besoin du colis pour samedi.
angry|unacceptable|This is unacceptable, my order is three weeks late.
human|speak to a human|Can I speak to a human about my order please.
legal|chargeback|I will file a chargeback with my bank for this order.
urgent|asap|Please send the replacement asap, thank you.
EOF
}

@test "no signal in a calm mail" {
	mail "Question" "Bonjour, avez-vous ce modèle en bleu ? Merci."
	classify
	assert_equal "$(jget "$out" 'm["classification"]["signals"]')" "[]"
}

@test "a model's motive that rules.d does not know is never reported" {
	printf '%s\n' '{"labels":["bogus"],"subject":"x","text":"where is my order it has not arrived"}' \
	    '{"labels":["bogus"],"subject":"x","text":"my order has not arrived yet where is it"}' \
	    '{"labels":["order_tracking"],"subject":"x","text":"hello can you tell me the status of my order"}' \
	    '{"labels":["order_tracking"],"subject":"x","text":"any news of my order please"}' >"$BATS_TEST_TMPDIR/train.jsonl"
	run --separate-stderr owi-train --any-labels -f 2 -r "$RULES" -o "$BATS_TEST_TMPDIR/bogus.owim" "$BATS_TEST_TMPDIR/train.jsonl"
	assert_success
	mail "x" "where is my order it has not arrived"
	run owi-parse "$BATS_TEST_TMPDIR/mail.eml"
	printf '%s\n' "$output" >"$BATS_TEST_TMPDIR/p"
	run --separate-stderr owi-classify -r "$RULES" -m "$BATS_TEST_TMPDIR/bogus.owim" "$BATS_TEST_TMPDIR/p"
	assert_success
	refute_output --partial '"bogus"'
	assert_equal "$stderr" "owi-classify: model motive 'bogus' is not in $RULES: never reported"
}

@test "a missing model: a clear message and exit 78" {
	mail "x" "y"
	run owi-parse "$BATS_TEST_TMPDIR/mail.eml"
	printf '%s\n' "$output" >"$BATS_TEST_TMPDIR/p"
	run --separate-stderr owi-classify -r "$RULES" -m "$BATS_TEST_TMPDIR/none.owim" "$BATS_TEST_TMPDIR/p"
	assert_failure 78
	assert_output ""
	assert_equal "$stderr" "owi-classify: cannot open model '$BATS_TEST_TMPDIR/none.owim': No such file or directory"
}

@test "with -k a missing model passes the envelope on with an error" {
	mail "x" "y"
	run owi-parse "$BATS_TEST_TMPDIR/mail.eml"
	printf '%s\n' "$output" >"$BATS_TEST_TMPDIR/p"
	run --separate-stderr owi-classify -k -r "$RULES" -m "$BATS_TEST_TMPDIR/none.owim" "$BATS_TEST_TMPDIR/p"
	assert_success
	printf '%s\n' "$output" >"$BATS_TEST_TMPDIR/o"
	assert_equal "$(jget "$BATS_TEST_TMPDIR/o" 'm["classification"]')" "null"
	assert_equal "$(jget "$BATS_TEST_TMPDIR/o" 'm["errors"][-1]["code"]')" "model-unavailable"
	assert_equal "$(jget "$BATS_TEST_TMPDIR/o" 'm["message"]["subject"]')" "x"
}

@test "a truncated model is refused" {
	head -c 100000 "$MODEL" >"$BATS_TEST_TMPDIR/cut.owim"
	run --separate-stderr owi-classify -r "$RULES" -m "$BATS_TEST_TMPDIR/cut.owim" </dev/null
	assert_failure 78
	[[ $stderr == *"model '$BATS_TEST_TMPDIR/cut.owim' is truncated (100000 of "*" bytes)" ]]
}

@test "a model of another version is refused" {
	cp "$MODEL" "$BATS_TEST_TMPDIR/v2.owim"
	printf '\002' | dd of="$BATS_TEST_TMPDIR/v2.owim" bs=1 seek=8 conv=notrunc status=none
	run --separate-stderr owi-classify -r "$RULES" -m "$BATS_TEST_TMPDIR/v2.owim" </dev/null
	assert_failure 78
	[[ $stderr == *"is version 2/1, this owi reads 1/1: train it again" ]]
}

@test "a damaged model (a label changed) is refused by its checksum" {
	cp "$MODEL" "$BATS_TEST_TMPDIR/bad.owim"
	printf 'X' | dd of="$BATS_TEST_TMPDIR/bad.owim" bs=1 seek=130 conv=notrunc status=none
	run --separate-stderr owi-classify -r "$RULES" -m "$BATS_TEST_TMPDIR/bad.owim" </dev/null
	assert_failure 78
	[[ $stderr == *"is damaged (checksum)" ]]
}

@test "a file that is not a model is refused" {
	run --separate-stderr owi-classify -r "$RULES" -m "$RULES/00-motives.yaml" </dev/null
	assert_failure 78
	[[ $stderr == *"is not an owi model" ]]
}

@test "broken rules are reported at file:line:col and exit 78" {
	mkdir "$BATS_TEST_TMPDIR/rules"
	cp "$RULES"/*.yaml "$BATS_TEST_TMPDIR/rules/"
	printf 'motives:\n  - id: spam\n    folder: "01"\n    colour: red\n' >"$BATS_TEST_TMPDIR/rules/50-shop.yaml"
	run --separate-stderr owi-classify -r "$BATS_TEST_TMPDIR/rules" -m "$MODEL" </dev/null
	assert_failure 78
	assert_equal "$stderr" "owi-classify: $BATS_TEST_TMPDIR/rules/50-shop.yaml:4:5: unknown key 'colour' in a motive"
	printf 'signals:\n  - id: angry\n    patterns: ["(unclosed"]\n' >"$BATS_TEST_TMPDIR/rules/50-shop.yaml"
	run --separate-stderr owi-classify -r "$BATS_TEST_TMPDIR/rules" -m "$MODEL" </dev/null
	assert_failure 78
	[[ $stderr == *"50-shop.yaml:3:16: invalid pattern at offset 9: missing closing parenthesis" ]]
	printf 'motives:\n  - id: spam\n  folder: x\n' >"$BATS_TEST_TMPDIR/rules/50-shop.yaml"
	run --separate-stderr owi-classify -r "$BATS_TEST_TMPDIR/rules" -m "$MODEL" </dev/null
	assert_failure 78
	[[ $stderr == *"50-shop.yaml:3:3: did not find expected '-' indicator while parsing a block collection" ]]
}

@test "a bad input line is reported, the others classified, exit 65" {
	mail "x" "Merci d'annuler ma commande."
	run owi-parse "$BATS_TEST_TMPDIR/mail.eml"
	{ printf '%s\n' "$output"; echo '{"owi":1,'; printf '%s\n' "$output"; } >"$BATS_TEST_TMPDIR/p"
	run --separate-stderr owi-classify -r "$RULES" -m "$MODEL" "$BATS_TEST_TMPDIR/p"
	assert_failure 65
	assert_equal "${#lines[@]}" 2
	assert_equal "$stderr" "owi-classify: $BATS_TEST_TMPDIR/p:2: invalid JSON at byte 9: unexpected end of line"
}

@test "keys of other stages pass through untouched" {
	run owi-classify -r "$RULES" -m "$MODEL" <<<'{"owi":1,"id":"x","message":{"new_text":"annulez ma commande","subject":""},"shop":{"a":[1]},"zz":true}'
	assert_success
	printf '%s\n' "$output" >"$BATS_TEST_TMPDIR/o"
	assert_equal "$(jget "$BATS_TEST_TMPDIR/o" '[m["shop"], m["zz"], list(m)]')" '[{"a": [1]}, true, ["owi", "id", "message", "classification", "shop", "zz"]]'
}

@test "--help's usage is the man page's SYNOPSIS; --version" {
	run owi-classify --help
	assert_success
	usage=$(printf '%s\n' "${lines[0]}" | sed 's/^usage: //' | tr -s ' ')
	synopsis=$(mandoc -Tascii "$BATS_TEST_DIRNAME/../man/owi-classify.1" | col -bx | sed -n '/^SYNOPSIS/,/^DESCRIPTION/p' | sed '1d;$d' | tr -s ' \n' '  ' | sed 's/^ //; s/ $//')
	assert_equal "$usage" "$synopsis"
	run owi-classify --version
	assert_output --regexp '^owi-classify \(owi\) [0-9.]+$'
}

@test "a letter that starts like a header block is still read (all taken for history)" {
	body=$(printf 'De : Jeanne Martin\nDate : 6 octobre 2025\nÀ : Service client\nObjet : annulation\n\nMadame, Monsieur, je vous prie d annuler ma commande passée hier, je ne la veux plus.')
	mail "" "$body"
	classify
	assert_equal "$(jget "$out" 'm["message"]["new_text"]')" ""
	assert_equal "$(top)" "order_cancellation"
}
