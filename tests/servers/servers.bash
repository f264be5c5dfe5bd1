# Shared by the suites that start the shop test servers (servers.bats,
# owi-shop.bats): each server on a free loopback port, in the background,
# its pid kept so that stop_servers (the suites' teardown) ends it.
# SERVERS is this directory; SERVER_DATA the shop export they serve.

SERVERS=$BATS_TEST_DIRNAME/servers
SERVER_DATA=${SERVER_DATA:-$BATS_TEST_DIRNAME/../examples/shop.json}

# launch NAME SCRIPT [ARGS...]: runs a server, its fd 3 closed so that bats
# does not wait for it.
launch() {
	local name=$1 script=$2
	shift 2
	python3 "$SERVERS/$script" --data "$SERVER_DATA" --port 0 "$@" \
		>"$BATS_TEST_TMPDIR/$name.out" 2>"$BATS_TEST_TMPDIR/$name.err" 3>&- &
	echo $! >>"$BATS_TEST_TMPDIR/pids"
	echo $! >"$BATS_TEST_TMPDIR/$name.pid"
}

# ready NAME: waits for the "listening 127.0.0.1:PORT" line, sets PORT_NAME.
ready() {
	local name=$1 i port
	for i in $(seq 200); do
		grep -q '^listening ' "$BATS_TEST_TMPDIR/$name.out" && break
		sleep 0.025
	done
	port=$(sed -n 's/^listening 127\.0\.0\.1:\([0-9]*\)$/\1/p' "$BATS_TEST_TMPDIR/$name.out")
	[ -n "$port" ] || fail "$name did not start: $(cat "$BATS_TEST_TMPDIR/$name.err")"
	printf -v "PORT_$name" %s "$port"
}

stop_servers() {
	local pid
	[ -f "$BATS_TEST_TMPDIR/pids" ] || return 0
	while read -r pid; do
		kill "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
	done <"$BATS_TEST_TMPDIR/pids"
}
