bats_require_minimum_version 1.5.0

# Shared set-up for the bats suites: the build first in PATH, a private
# HOME and XDG directories per test, bats-support and bats-assert.

load /usr/lib/bats/bats-support/load
load /usr/lib/bats/bats-assert/load

BUILD=${BUILD:-$BATS_TEST_DIRNAME/../build}
FIXTURES=$BATS_TEST_DIRNAME/fixtures
CORPORA=${OWI_CORPORA:-$BATS_TEST_DIRNAME/../../shared/corpora}
PATH=$BUILD:$PATH

common_setup() {
	export HOME=$BATS_TEST_TMPDIR/home
	export XDG_CONFIG_HOME=$HOME/.config XDG_DATA_HOME=$HOME/.local/share
	export XDG_CACHE_HOME=$HOME/.cache TMPDIR=$BATS_TEST_TMPDIR
	mkdir -p "$HOME"
	export LC_ALL=C.UTF-8
}

# jq-free JSON queries: python3 reads the envelope, prints one value.
#   jget FILE 'm["message"]["subject"]'   (m: the envelope on line LINE, default 1)
jget() {
	python3 - "$1" "$2" "${3:-1}" <<'PY'
import json, sys
lines = open(sys.argv[1], encoding="utf-8").read().splitlines()
m = json.loads(lines[int(sys.argv[3]) - 1])
v = eval(sys.argv[2], {"m": m})
print(v if isinstance(v, str) else json.dumps(v, ensure_ascii=False))
PY
}

# Compares an envelope with the expected JSON, canonically: keys sorted,
# source.path, source.sha256 and attachment hashes compared as given
# unless the expectation says "*" (any value).
assert_json_matches() {
	python3 "$BATS_TEST_DIRNAME/tools/json-match.py" "$1" "$2"
}

require_corpora() {
	[ -d "$CORPORA" ] || skip "no corpora at $CORPORA (../shared is absent)"
}
