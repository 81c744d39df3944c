#!/usr/bin/env bash
# One iputils ping per target, all at once: ping_many.sh FILE COUNT INTERVAL WAIT [lines]
# (run inside the prober namespace by the benchmarks; bounded by their timeout).
# With "lines", every reply line is printed (no -q).
set -u
f=$1 c=$2 i=$3 w=$4
q=-q
[ "${5:-}" = lines ] && q=""
pids=()
while read -r t; do
	[ -n "$t" ] || continue
	ping -n $q -c "$c" -i "$i" -W "$w" "$t" &
	pids+=("$!")
done < "$f"
rc=0
for p in "${pids[@]}"; do wait "$p" || rc=1; done
exit "$rc"
