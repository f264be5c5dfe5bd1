# bench/lib.sh: what the stage benchmarks share; sourced, with $tmp set.

# best NAME CMD...: the best wall time of 3 runs of CMD over
# $tmp/in.jsonl (output in $tmp/out.jsonl), and the peak RSS (KiB).
best() {
	name=$1
	shift
	t_best=
	for i in 1 2 3; do
		/usr/bin/time -f '%e %M' -o "$tmp/time" "$@" "$tmp/in.jsonl" >"$tmp/out.jsonl"
		read -r t rss <"$tmp/time"
		if [ -z "$t_best" ] || [ "$(echo "$t < $t_best" | bc)" = 1 ]; then
			t_best=$t
		fi
	done
	echo "$name $t_best $rss"
}
