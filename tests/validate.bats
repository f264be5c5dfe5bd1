#!/usr/bin/env bats
#
# validate.bats - common/validate.c through tests/helper/test-validate,
# which reads "KIND VALUE" lines and prints "ok NORMALISED" or "no".
# Nothing is built here: the driver is expected at
# $BUILD/tests/helper/test-validate, BUILD defaulting to ../build.
#
# The tests are tables of "INPUT => EXPECTED" lines, INPUT a driver line,
# EXPECTED its answer; a mismatch shows as a diff of the table. The check
# digits of the valid examples were computed with an independent Python
# implementation of the specifications and cross-checked against
# python-stdnum (EAN, IBAN, Luhn) and libphonenumber (phones, where it
# agrees: it leaves the overseas departments' national numbers in +33).
# The last test recomputes random ones with a Python reference here.

bats_require_minimum_version 1.5.0

load /usr/lib/bats/bats-support/load
load /usr/lib/bats/bats-assert/load

setup() {
	BUILD=${BUILD:-"$BATS_TEST_DIRNAME/../build"}
	DRIVER="$BUILD/tests/helper/test-validate"
	[ -x "$DRIVER" ] || fail "no driver at '$DRIVER': build it first"
}

# check_table: the table on stdin, through the driver, silently.
check_table() {
	local t="$BATS_TEST_TMPDIR"

	cat >"$t/table"
	sed 's/ => .*$//' "$t/table" >"$t/in"
	run --separate-stderr "$DRIVER" <"$t/in"
	assert_success
	assert_equal "$stderr" ""
	printf '%s\n' "$output" >"$t/out"
	awk 'NR == FNR { r[FNR] = $0; next } { print $0 " => " r[FNR] }' \
	    "$t/out" "$t/in" >"$t/got"
	run diff -u "$t/table" "$t/got"
	assert_success
}

# check_file FILE EXPECTED: the driver's answer to a file of raw bytes.
check_file() {
	run --separate-stderr "$DRIVER" <"$1"
	assert_success
	assert_equal "$stderr" ""
	assert_output "$2"
}

@test "ean13: valid EAN-13 and UPC-A" {
	check_table <<'EOF'
ean13 4006381333931 => ok 4006381333931
ean13 3017620422003 => ok 3017620422003
ean13 5901234123457 => ok 5901234123457
ean13 9780306406157 => ok 9780306406157
ean13 3760123456784 => ok 3760123456784
ean13 8716891157120 => ok 8716891157120
ean13 7612345678900 => ok 7612345678900
ean13 0549123456788 => ok 0549123456788
ean13 036000291452 => ok 0036000291452
ean13 012345678905 => ok 0012345678905
ean13 042100005264 => ok 0042100005264
ean13 074700000103 => ok 0074700000103
EOF
}

@test "ean13: wrong check digit, length, letters, separators" {
	check_table <<'EOF'
ean13 4006381333932 => no
ean13 3017620422000 => no
ean13 036000291453 => no
ean13 400638133393 => no
ean13 40063813339311 => no
ean13 40063813393 => no
ean13 40063813339A1 => no
ean13 4006381333931X => no
ean13 0000000000000 => no
ean13 000000000000 => no
ean13 -4006381333931 => no
ean13 4006381333931- => no
ean13 400.638.133.393.1 => no
ean13 4006381_333931 => no
ean13 +4006381333931 => no
EOF
}

@test "ups: valid 1Z numbers" {
	check_table <<'EOF'
ups 1Z999AA10123456784 => ok 1Z999AA10123456784
ups 1Z5R89390357567127 => ok 1Z5R89390357567127
ups 1Z879E930346834440 => ok 1Z879E930346834440
ups 1Z410E7W0392751591 => ok 1Z410E7W0392751591
ups 1Z8V92A70367203024 => ok 1Z8V92A70367203024
ups 1ZXX3150YW44070023 => ok 1ZXX3150YW44070023
ups 1Z12345E6605272234 => ok 1Z12345E6605272234
ups 1ZA5Y7920333339879 => ok 1ZA5Y7920333339879
ups 1ZW3268W0396447399 => ok 1ZW3268W0396447399
ups 1ZXY9Z0H4501234568 => ok 1ZXY9Z0H4501234568
ups 1Z4F1I2J3K09876540 => ok 1Z4F1I2J3K09876540
ups 1ZAAAAAA0000000002 => ok 1ZAAAAAA0000000002
EOF
}

@test "ups: wrong check digit, length, prefix, letters" {
	check_table <<'EOF'
ups 1Z999AA10123456785 => no
ups 1Z999AA10123456780 => no
ups 1Z12345E0205271688 => no
ups 1Z999AA1012345678 => no
ups 1Z999AA101234567840 => no
ups 2Z999AA10123456784 => no
ups 1Y999AA10123456784 => no
ups Z999AA10123456784 => no
ups 1Z999AA1012345678A => no
ups 1Z999AA1012345678+4 => no
ups 1Z => no
EOF
}

@test "s10: valid UPU S10 numbers" {
	check_table <<'EOF'
s10 RR123456785FR => ok RR123456785FR
s10 EE123456785FR => ok EE123456785FR
s10 CP000000005FR => ok CP000000005FR
s10 LA999999995DE => ok LA999999995DE
s10 RB471158630GB => ok RB471158630GB
s10 UA314159268CN => ok UA314159268CN
s10 VV202401015US => ok VV202401015US
s10 XY458120379FR => ok XY458120379FR
s10 EA876543216BE => ok EA876543216BE
s10 CA100000017CH => ok CA100000017CH
s10 LX555555555DE => ok LX555555555DE
s10 RI765432106IT => ok RI765432106IT
EOF
}

@test "s10: wrong check digit, length, country, letters and digits swapped" {
	check_table <<'EOF'
s10 RR123456784FR => no
s10 XY458120376FR => no
s10 RB471158635GB => no
s10 RR12345678FR => no
s10 RR1234567855FR => no
s10 RR123456785F => no
s10 RR123456785XX => no
s10 RR123456785ZZ => no
s10 RR123456785UK => no
s10 R1123456785FR => no
s10 11123456785FR => no
s10 RR12345A785FR => no
s10 RR123456785F1 => no
s10 RR123456785 => no
EOF
}

@test "iban: valid, SEPA lengths and the general rule" {
	check_table <<'EOF'
iban FR7630006000011234567890189 => ok FR7630006000011234567890189
iban DE89370400440532013000 => ok DE89370400440532013000
iban GB29NWBK60161331926819 => ok GB29NWBK60161331926819
iban BE68539007547034 => ok BE68539007547034
iban CH9300762011623852957 => ok CH9300762011623852957
iban ES9121000418450200051332 => ok ES9121000418450200051332
iban IT60X0542811101000000123456 => ok IT60X0542811101000000123456
iban NL91ABNA0417164300 => ok NL91ABNA0417164300
iban LU280019400644750000 => ok LU280019400644750000
iban PT50000201231234567890154 => ok PT50000201231234567890154
iban MC5811222000010123456789030 => ok MC5811222000010123456789030
iban NO9386011117947 => ok NO9386011117947
iban MT84MALT011000012345MTLCAST001S => ok MT84MALT011000012345MTLCAST001S
iban AT611904300234573201 => ok AT611904300234573201
iban PL61109010140000071219812874 => ok PL61109010140000071219812874
iban SE4550000000058398257466 => ok SE4550000000058398257466
iban AD1200012030200359100100 => ok AD1200012030200359100100
iban MD24AG000225100013104168 => ok MD24AG000225100013104168
iban XK051212012345678906 => ok XK051212012345678906
iban SA0380000000608010167519 => ok SA0380000000608010167519
iban TR330006100519786457841326 => ok TR330006100519786457841326
iban BR9700360305000010009795493P1 => ok BR9700360305000010009795493P1
iban MU17BOMM0101101030300200000MUR => ok MU17BOMM0101101030300200000MUR
iban DE98370400440500000025 => ok DE98370400440500000025
iban FR0230006000010000000004006 => ok FR0230006000010000000004006
EOF
}

# The crafted ones pass mod 97 and fail only the rule named.
@test "iban: wrong check, length, country, character classes, check digits" {
	check_table <<'EOF'
iban FR7630006000011234567890188 => no
iban FR7730006000011234567890189 => no
iban GB29NWBK60161331926818 => no
iban FR133000600001123456789018 => no
iban FR76300060000112345678901890 => no
iban NL06ABNA04171643001 => no
iban DE0537040044053201300A => no
iban GB58123460161331926819 => no
iban XX46370400440532013000 => no
iban QZ0212345678901234 => no
iban SA678000000060 => no
iban SA048888888888888888888888888888888 => no
iban DE01370400440500000025 => no
iban DE00370400440500000043 => no
iban FR9930006000010000000004006 => no
iban 7630006000011234567890189 => no
iban F17630006000011234567890189 => no
iban FRA630006000011234567890189 => no
EOF
}

@test "luhn: valid card-like numbers, 12 to 19 digits" {
	check_table <<'EOF'
luhn 4111111111111111 => ok
luhn 5500000000000004 => ok
luhn 340000000000009 => ok
luhn 6011000000000004 => ok
luhn 378282246310005 => ok
luhn 4012888888881881 => ok
luhn 30569309025904 => ok
luhn 3530111333300000 => ok
luhn 424242424242 => ok
luhn 1234567890123456785 => ok
luhn 4111 1111 1111 1111 => ok
luhn 4111-1111-1111-1111 => ok
EOF
}

@test "luhn: wrong check digit, length, letters" {
	check_table <<'EOF'
luhn 4111111111111112 => no
luhn 5500000000000005 => no
luhn 378282246310006 => no
luhn 79927398713 => no
luhn 12345678901234567894 => no
luhn 4111-1111-1111-111A => no
luhn 4111.1111.1111.1111 => no
luhn -4111111111111111 => no
luhn 4111111111111111- => no
luhn 0 => no
EOF
}

@test "phone: French national forms" {
	check_table <<'EOF'
phone 06 12 34 56 78 => ok +33612345678
phone 06.12.34.56.78 => ok +33612345678
phone 0612345678 => ok +33612345678
phone 06-12-34-56-78 => ok +33612345678
phone 06/12/34/56/78 => ok +33612345678
phone 06 - 12 - 34 - 56 - 78 => ok +33612345678
phone 01 42 68 53 00 => ok +33142685300
phone 04.78.12.34.56 => ok +33478123456
phone 07 81 23 45 67 => ok +33781234567
phone 09 70 12 34 56 => ok +33970123456
phone 08 00 12 34 56 => ok +33800123456
phone (0)6 12 34 56 78 => ok +33612345678
EOF
}

@test "phone: French international forms" {
	check_table <<'EOF'
phone +33 6 12 34 56 78 => ok +33612345678
phone +33612345678 => ok +33612345678
phone +33 (0)6 12 34 56 78 => ok +33612345678
phone +33(0)612345678 => ok +33612345678
phone +33 (0) 6 12 34 56 78 => ok +33612345678
phone +33.6.12.34.56.78 => ok +33612345678
phone 0033 6 12 34 56 78 => ok +33612345678
phone 0033612345678 => ok +33612345678
phone 0033 (0)6 12 34 56 78 => ok +33612345678
phone +33 06 12 34 56 78 => ok +33612345678
phone (+33) 6 12 34 56 78 => ok +33612345678
phone +33 1 42 68 53 00 => ok +33142685300
EOF
}

@test "phone: every listed country" {
	check_table <<'EOF'
phone +32 2 555 12 12 => ok +3225551212
phone +32 470 12 34 56 => ok +32470123456
phone 0032 470 12 34 56 => ok +32470123456
phone +32 (0)470 12 34 56 => ok +32470123456
phone +41 44 668 18 00 => ok +41446681800
phone +41 (0)79 123 45 67 => ok +41791234567
phone 0041 21 312 34 56 => ok +41213123456
phone +352 26 12 34 56 => ok +35226123456
phone +352 621 123 456 => ok +352621123456
phone 00352 46 66 44 => ok +352466644
phone +49 30 12345678 => ok +493012345678
phone +49 (0)151 12345678 => ok +4915112345678
phone 0049 89 1234567 => ok +49891234567
phone +34 612 34 56 78 => ok +34612345678
phone 0034 91 123 45 67 => ok +34911234567
phone +39 06 1234 5678 => ok +390612345678
phone +39 312 345 6789 => ok +393123456789
phone +39 (0)2 1234 5678 => ok +390212345678
phone +44 20 7946 0018 => ok +442079460018
phone +44 (0)7700 900123 => ok +447700900123
phone 0044 161 496 0000 => ok +441614960000
phone +31 20 123 4567 => ok +31201234567
phone +31 6 12345678 => ok +31612345678
phone +31 (0)6 1234 5678 => ok +31612345678
phone +351 912 345 678 => ok +351912345678
phone 00351 21 123 4567 => ok +351211234567
phone +1 (514) 555-0199 => ok +15145550199
phone +1 212-555-0100 => ok +12125550100
phone 001 416 555 0123 => ok +14165550123
phone +377 93 15 26 00 => ok +37793152600
phone +377 6 12 34 56 78 => ok +377612345678
phone +352 4712 3456 789 => ok +35247123456789
phone +352 4796 => ok +3524796
phone +49 30 1234 5678 901 => ok +493012345678901
phone +49 911 12 => ok +4991112
phone +39 0331 12 => ok +39033112
EOF
}

@test "phone: French overseas departments get their own country code" {
	check_table <<'EOF'
phone +262 692 12 34 56 => ok +262692123456
phone +262 (0)692 12 34 56 => ok +262692123456
phone 0692 12 34 56 => ok +262692123456
phone 02 62 12 34 56 => ok +262262123456
phone +33 6 92 12 34 56 => ok +262692123456
phone 0269 61 23 45 => ok +262269612345
phone 0639 12 34 56 => ok +262639123456
phone 06 39 98 12 47 => ok +33639981247
phone +590 690 12 34 56 => ok +590690123456
phone 0590 12 34 56 => ok +590590123456
phone +594 694 12 34 56 => ok +594694123456
phone 0594 12 34 56 => ok +594594123456
phone +596 696 12 34 56 => ok +596696123456
phone 0696 12 34 56 => ok +596696123456
phone 00596 596 12 34 56 => ok +596596123456
EOF
}

@test "phone: wrong length, country, prefix, characters" {
	check_table <<'EOF'
phone 06 12 34 56 7 => no
phone 06 12 34 56 789 => no
phone 6 12 34 56 78 => no
phone 00 12 34 56 78 => no
phone 0470 12 34 56 7 => no
phone +33 6 12 34 56 7 => no
phone +33 6 12 34 56 789 => no
phone +33 00 12 34 56 78 => no
phone +7 495 123 45 67 => no
phone +212 6 12 34 56 78 => no
phone 06 12 AB 56 78 => no
phone 06 12 34 56 78 ext 12 => no
phone +32 12 34 56 => no
phone +32 2 555 121 => no
phone +32 470 12 34 56 7 => no
phone +41 79 123 45 678 => no
phone +352 621 123 456 789 => no
phone +39 06 123 => no
phone +39 06 1234 5678 90 => no
phone +44 20 7946 00 => no
phone +44 20 7946 0018 1 => no
phone +31 6 1234567 => no
phone +31 6 123456789 => no
phone +34 612 34 56 7 => no
phone +34 612 34 56 789 => no
phone +351 912 345 67 => no
phone +377 93 15 26 0 => no
phone +377 6 12 34 56 789 => no
phone +262 692 12 34 5 => no
phone +590 690 12 34 567 => no
phone +1 514 555 01999 => no
phone +41 44 668 18 0 => no
phone +352 123 => no
phone +49 1234 => no
phone +49 12345678901234 => no
phone +34 012 345 678 => no
phone +351 012 345 678 => no
phone +1 012 555 0123 => no
phone +1 212 055 0123 => no
phone +1 212 555 012 => no
phone ++33 6 12 34 56 78 => no
phone +33 +6 12 34 56 78 => no
phone 06..12.34.56.78 => no
phone -06 12 34 56 78 => no
phone 06 12 34 56 78- => no
phone +33 (0)(0)6 12 34 56 78 => no
phone +33 6 (0)12 34 56 78 => no
phone +34 (0)612 34 56 78 => no
phone +33 6 (12 34 56 78 => no
phone +33 6 12) 34 56 78 => no
phone (+33 6 12 34 56 78 => no
phone +33 () 6 12 34 56 78 => no
phone 0(0)033 6 12 34 56 78 => no
phone 0(0)12 34 56 78 => no
phone (0)0 6 12 34 56 78 => no
phone 06 12 34 56 78 / 06 11 22 33 44 => no
phone 612345678 => no
phone + => no
phone () => no
EOF
}

@test "carrier: shapes that are sure without a hint" {
	check_table <<'EOF'
carrier 1Z999AA10123456784 - => ok ups
carrier 1z999aa10123456784 - => ok ups
carrier RR123456785FR - => ok laposte
carrier RB471158630GB - => ok laposte
carrier EA876543216BE - => ok laposte
carrier XY458120379FR - => ok chronopost
carrier EE123456785FR - => ok chronopost
carrier 6A12345678901 - => ok colissimo
carrier 8L12345678901 - => ok colissimo
carrier 6a20458811734 - => ok colissimo
carrier CB12345678901 - => ok colissimo
carrier JJD000390007882281856 - => ok dhl
carrier JJD000390007882281856123 - => ok dhl
carrier JVGL0123456789012345 - => ok dhl
EOF
}

@test "carrier: hints decide between ambiguous shapes" {
	check_table <<'EOF'
carrier RR123456785FR colissimo => ok colissimo
carrier CP000000005FR colissimo => ok colissimo
carrier RR123456785FR chronopost => ok chronopost
carrier XY458120376FR chronopost => ok chronopost
carrier XY918273645FR Chronopost => ok chronopost
carrier 1234567890123 colissimo => ok colissimo
carrier 1234567890123 laposte => ok colissimo
carrier 1234567890 dhl => ok dhl
carrier 1234567890 DHL Express => ok dhl
carrier 1234567890 mondial => ok mondialrelay
carrier 1234567890 mondial relay => ok mondialrelay
carrier 12345678 Mondial-Relay => ok mondialrelay
carrier 12345678901234 dpd => ok dpd
carrier 12345678901 gls => ok gls
carrier 123456789012 gls => ok gls
carrier 123456789012 fedex => ok fedex
carrier 123456789012345 fedex => ok fedex
carrier 1Z999AA10123456784 dhl => ok ups
carrier RR123456785FR dhl => ok laposte
carrier 6A12345678901 chronopost => ok colissimo
EOF
}

@test "carrier: nothing sure" {
	check_table <<'EOF'
carrier 1Z999AA10123456785 - => no
carrier 1Z999AA10123456785 ups => no
carrier XY458120376FR - => no
carrier XY458120376FR laposte => no
carrier XY458120376DE chronopost => no
carrier 1234567890123 - => no
carrier 1234567890123 fedex => no
carrier 6A1234567890 - => no
carrier 1234567890 - => no
carrier 1234567890 ups => no
carrier 1234567890 tnt => no
carrier 12345678901234 dhl => no
carrier 1234567890 gls => no
carrier 1234567890123 mondial => no
carrier 123456789 dhl => no
carrier JJD00039000788228 - => no
carrier JJD00039000788228185 - => no
carrier JJD0003900078822818561234 - => no
carrier JVGL0123456 - => no
carrier JVGL012345678901234567890 - => no
carrier 12345678901234 fedex => no
carrier 1234567890123456 fedex => no
carrier 123456789012345 dpd => no
carrier 1234567890123 dpd => no
carrier 1Z-999AA10123456784 - => no
carrier RR 123456785FR - => no
carrier  - => no
EOF
}

@test "normalisation: spaces, dashes, dots, lower case, blanks around" {
	check_table <<'EOF'
ean13 400 6381 33393 1 => ok 4006381333931
ean13 4-006381-333931 => ok 4006381333931
ean13 0 36000 29145 2 => ok 0036000291452
ean13   4006381333931   => ok 4006381333931
ups 1Z 999 AA1 01 2345 678 4 => ok 1Z999AA10123456784
ups 1z999aa10123456784 => ok 1Z999AA10123456784
ups 1Z-999-AA1-01-2345-678-4 => ok 1Z999AA10123456784
s10 RR 123 456 785 FR => ok RR123456785FR
s10 rr123456785fr => ok RR123456785FR
s10 Rr 1234 5678 5 fR => ok RR123456785FR
iban FR76 3000 6000 0112 3456 7890 189 => ok FR7630006000011234567890189
iban fr76 3000 6000 0112 3456 7890 189 => ok FR7630006000011234567890189
iban gb29 nwbk 6016 1331 9268 19 => ok GB29NWBK60161331926819
iban DE89-3704-0044-0532-0130-00 => ok DE89370400440532013000
iban  BE68 5390 0754 7034  => ok BE68539007547034
phone 06 12 34 56 78  => ok +33612345678
phone  +33 6 12 34 56 78 => ok +33612345678
phone 06.12.34.56.78 => ok +33612345678
EOF
}

@test "normalisation: no-break and thin spaces, Unicode hyphens and dashes" {
	local nb=$'\xc2\xa0' nn=$'\xe2\x80\xaf' th=$'\xe2\x80\x89'
	local hy=$'\xe2\x80\x90' nh=$'\xe2\x80\x91' en=$'\xe2\x80\x93'
	local mi=$'\xe2\x88\x92'

	check_table <<EOF
phone 06${nb}12${nb}34${nb}56${nb}78 => ok +33612345678
phone +33${nn}6${nn}12${nn}34${nn}56${nn}78 => ok +33612345678
phone 06${nh}12${nh}34${nh}56${nh}78 => ok +33612345678
phone 06 ${en} 12 ${en} 34 ${en} 56 ${en} 78 => ok +33612345678
iban FR76${nb}3000${nb}6000${nb}0112${nb}3456${nb}7890${nb}189 => ok FR7630006000011234567890189
iban FR76${th}3000${th}6000${th}0112${th}3456${th}7890${th}189 => ok FR7630006000011234567890189
ean13 4006381${hy}333931 => ok 4006381333931
ean13 4006381${mi}333931 => ok 4006381333931
s10 RR${nn}123${nn}456${nn}785${nn}FR => ok RR123456785FR
luhn 4111${nb}1111${nb}1111${nb}1111 => ok
ean13 ${nb}4006381333931${nb} => ok 4006381333931
ean13 ${en}4006381333931 => no
EOF
}

# KIND:SIZE gives the function an out of SIZE bytes, KIND:0 a NULL one;
# the driver reports any byte written past SIZE as "overflow".
@test "out buffer: exact fit, one byte short, NULL" {
	check_table <<'EOF'
ean13:14 4006381333931 => ok 4006381333931
ean13:13 4006381333931 => no
ean13:1 4006381333931 => no
ean13:0 4006381333931 => ok
ean13:0 4006381333932 => no
ean13:14 4006381333932 => no
ups:19 1Z999AA10123456784 => ok 1Z999AA10123456784
ups:18 1Z999AA10123456784 => no
s10:14 RR123456785FR => ok RR123456785FR
s10:13 RR123456785FR => no
iban:28 FR7630006000011234567890189 => ok FR7630006000011234567890189
iban:27 FR7630006000011234567890189 => no
iban:35 MT84MALT011000012345MTLCAST001S => ok MT84MALT011000012345MTLCAST001S
iban:0 FR7630006000011234567890189 => ok
phone:13 06 12 34 56 78 => ok +33612345678
phone:12 06 12 34 56 78 => no
phone:14 +262 692 12 34 56 => ok +262692123456
phone:13 +262 692 12 34 56 => no
phone:17 +49 (0)151 12345678 => ok +4915112345678
phone:0 +33 6 12 34 56 78 => ok
EOF
}

@test "hostile input: NUL bytes, broken UTF-8, control characters, huge lines" {
	local f="$BATS_TEST_TMPDIR/in"

	printf 'ean13 400638\0001333931\n' >"$f"
	check_file "$f" "no"
	printf 'phone 06 12 34\000 56 78\n' >"$f"
	check_file "$f" "no"
	printf 'iban FR76\3023000600001123456789018\n' >"$f"
	check_file "$f" "no"
	printf 'phone 06 12 34 56 78\342\200\n' >"$f"
	check_file "$f" "no"
	printf 'phone 06\34212 34 56 78\n' >"$f"
	check_file "$f" "no"
	printf 's10 RR123456785FR\r\n' >"$f"
	check_file "$f" "ok RR123456785FR"
	printf 's10 RR123456785\tFR\n' >"$f"
	check_file "$f" "ok RR123456785FR"
	printf 'ups 1Z999AA1\v0123456784\n' >"$f"
	check_file "$f" "no"
	printf 'luhn 4111111111111111\f\n' >"$f"
	check_file "$f" "no"
	python3 -c '
import sys
w = sys.stdout.write
for kind in ("ean13", "ups", "s10", "iban", "luhn", "phone"):
	w(kind + " " + "1" * 100000 + "\n")
	w(kind + " " + "1 " * 50000 + "\n")
w("phone +" + "(0)" * 1000 + "\n")
w("phone " + "(" * 5000 + "\n")
w("carrier " + "A" * 100000 + " dhl\n")
w("carrier 1234567890 " + "d" * 100000 + "\n")
' >"$f"
	run --separate-stderr "$DRIVER" <"$f"
	assert_success
	assert_equal "$stderr" ""
	assert_equal "${#lines[@]}" 16
	refute_output --partial "ok"
}

@test "driver: malformed lines are usage errors" {
	local f="$BATS_TEST_TMPDIR/in"

	printf 'isbn 9780306406157\n' >"$f"
	run --separate-stderr "$DRIVER" <"$f"
	assert_failure 65
	assert_equal "$stderr" "test-validate: stdin:1: malformed line"
	printf 'ean13 4006381333931\nean13\n' >"$f"
	run --separate-stderr "$DRIVER" <"$f"
	assert_failure 65
	assert_output "ok 4006381333931"
	assert_equal "$stderr" "test-validate: stdin:2: malformed line"
	run --separate-stderr "$DRIVER" extra
	assert_failure 64
}

# A second implementation, from the same specifications, over random
# valid numbers and one-character corruptions of them: the driver must
# agree with it on every line, corruptions that the check digit cannot
# see (UPS doubles, so a digit changed by 5 there passes) included.
@test "random numbers agree with a Python reference" {
	python3 - >"$BATS_TEST_TMPDIR/table" <<'PY'
import random

rnd = random.Random(20240613)
DIG = "0123456789"
ALNUM = DIG + "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def ean_ok(s):
	if len(s) != 13 or not s.isdigit() or s == "0" * 13:
		return False
	t = sum(int(c) * (3 if i % 2 else 1) for i, c in enumerate(s[:12]))
	return (10 - t % 10) % 10 == int(s[12])


def ups_ok(s):
	if len(s) != 18 or s[:2] != "1Z" or not s[17].isdigit():
		return False
	t = 0
	for i, c in enumerate(s[2:17]):
		v = int(c) if c.isdigit() else (ord(c) - 65 + 2) % 10
		t += v * (2 if i % 2 else 1)
	return (10 - t % 10) % 10 == int(s[17])


def s10_ok(s):
	if not (len(s) == 13 and s[:2].isalpha() and s[2:11].isdigit()):
		return False
	t = sum(int(c) * w for c, w in zip(s[2:10], (8, 6, 4, 2, 3, 5, 9, 7)))
	c = {10: 0, 11: 5}.get(11 - t % 11, 11 - t % 11)
	return c == int(s[10]) and s[11:] in ("FR", "DE", "GB", "CN", "US")


def iban_ok(s):
	r = s[4:] + s[:4]
	return (2 <= int(s[2:4]) <= 98 and
	    int("".join(str(int(c, 36)) for c in r)) % 97 == 1)


def luhn_ok(s):
	t = 0
	for i, c in enumerate(reversed(s)):
		v = int(c) * (2 if i % 2 else 1)
		t += v - 9 if v > 9 else v
	return 12 <= len(s) <= 19 and t % 10 == 0


def fix(s, ok, pos, chars):
	"""The one character at pos that makes s valid."""
	for c in chars:
		t = s[:pos] + c + s[pos + 1:]
		if ok(t):
			return t
	raise SystemExit("no check character for " + s)


def mutate(s, positions, chars):
	p = rnd.choice(positions)
	c = rnd.choice([c for c in chars if c != s[p]])
	return s[:p] + c + s[p + 1:]


def emit(kind, s, ok, norm=None):
	if kind == "luhn":
		ans = "ok" if ok else "no"
	else:
		ans = "ok " + (norm or s) if ok else "no"
	print("%s %s => %s" % (kind, s, ans))


for _ in range(200):
	s = fix("".join(rnd.choice(DIG) for _ in range(13)), ean_ok, 12, DIG)
	emit("ean13", s, True)
	m = mutate(s, range(13), DIG)
	emit("ean13", m, ean_ok(m))
	u = s[1:]
	if s[0] == "0":
		emit("ean13", u, True, s)

	s = "1Z" + "".join(rnd.choice(ALNUM) for _ in range(6)) + \
	    "".join(rnd.choice(DIG) for _ in range(10))
	s = fix(s, ups_ok, 17, DIG)
	emit("ups", s, True)
	m = mutate(s, range(2, 18), DIG)
	emit("ups", m, ups_ok(m))

	s = "".join(rnd.choice(ALNUM[10:]) for _ in range(2)) + \
	    "".join(rnd.choice(DIG) for _ in range(9)) + \
	    rnd.choice(("FR", "DE", "GB", "CN", "US"))
	s = fix(s, s10_ok, 10, DIG)
	emit("s10", s, True)
	m = mutate(s, range(2, 11), DIG)
	emit("s10", m, s10_ok(m))

	cc, n = rnd.choice((("FR", 23), ("DE", 18), ("ES", 20), ("PL", 24),
	    ("BE", 12), ("NO", 11), ("PT", 21)))
	b = "".join(rnd.choice(DIG) for _ in range(n))
	r = int("".join(str(int(c, 36)) for c in b + cc + "00")) % 97
	s = "%s%02d%s" % (cc, 98 - r, b)
	assert iban_ok(s)
	emit("iban", s, True)
	m = mutate(s, range(2, len(s)), DIG)
	emit("iban", m, iban_ok(m))

	n = rnd.randint(12, 19)
	s = fix("".join(rnd.choice(DIG) for _ in range(n)), luhn_ok, n - 1,
	    DIG)
	emit("luhn", s, True)
	m = mutate(s, range(n), DIG)
	emit("luhn", m, luhn_ok(m))
PY
	check_table <"$BATS_TEST_TMPDIR/table"
}
