#!/usr/local/bin/env bats
# make install and make uninstall, with DESTDIR, as a packager runs them.

load test_helper

setup() {
	common_setup
	REPO=$(cd "$BATS_TEST_DIRNAME/.." && pwd)
}

@test "make install puts programs, pages, rules and model under DESTDIR; uninstall removes them" {
	dest=$BATS_TEST_TMPDIR/dest
	run make -s -C "$REPO" BUILD="$BUILD" DESTDIR="$dest" install
	assert_success
	for p in owi-parse owi-classify owi-extract owi-shop owi-route owi-train; do
		[ -x "$dest/usr/local/bin/$p" ] || fail "no $p"
		[ -f "$dest/usr/local/share/man/man1/$p.1" ] || fail "no $p.1"
	done
	[ -f "$dest/usr/local/share/man/man5/owi-rules.5" ]
	[ -f "$dest/usr/local/share/man/man7/owi.7" ]
	[ -f "$dest/usr/local/share/owi/model.owim" ]
	[ -f "$dest/usr/local/share/owi/rules.d/00-motives.yaml" ]
	run "$dest/usr/local/bin/owi-parse" --version
	assert_success
	# The installed rules check, their templates beside them, where the
	# programs look by default (owi-route --check with no -r reads DATADIR
	# only when PREFIX matches, so name the installed directory).
	run "$dest/usr/local/bin/owi-route" --check -r "$dest/usr/local/share/owi/rules.d"
	assert_success
	run make -s -C "$REPO" BUILD="$BUILD" DESTDIR="$dest" uninstall
	assert_success
	run find "$dest" -type f
	assert_output ""
}
