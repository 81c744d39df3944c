#!/usr/bin/env bash
# Scenario 6: footprint at 1, 1,024 and 65,536 targets (S6_SIZES). Each tool
# probes the targets S6_COUNT times, once a second. Per run: the peak resident
# set (VmHWM, from /usr/bin/time's maximum RSS) and, for icmpmon's kernel
# mode, the memory of its BPF maps and programs as the kernel charges it
# (memlock in /proc/PID/fdinfo of each map and program fd, read one second
# after the first probe left), by map.
. "$(dirname "$0")/lib.sh"

SIZES=${S6_SIZES:-"1 1024 65536"}
COUNT=${S6_COUNT:-3}
TOOLS=${S6_TOOLS:-"icmpmon icmpmon-socket fping ping"}
OUT=$BENCH_OUT/s6_footprint.tsv

bench_topo_up
printf 'tool\ttargets\tmaxrss_kib\tmap_bytes\tprog_bytes\tmaps\trc\tnote\n' > "$OUT"

# bpf_mem PID: sets MAP_BYTES, PROG_BYTES, MAP_LIST ("name=bytes,...").
bpf_mem() {
	local pid=$1 fd id mem name
	MAP_BYTES=0 PROG_BYTES=0 MAP_LIST=""
	for fd in /proc/"$pid"/fdinfo/*; do
		mem=$(awk '/^memlock:/ { print $2 }' "$fd" 2>/dev/null)
		[ -n "$mem" ] || continue
		id=$(awk '/^map_id:/ { print $2 }' "$fd" 2>/dev/null)
		if [ -n "$id" ]; then
			name=$(bpftool map show id "$id" -j 2>/dev/null | jq -r '.name // "?"')
			MAP_BYTES=$((MAP_BYTES + mem))
			MAP_LIST="${MAP_LIST:+$MAP_LIST,}$name=$mem"
		elif grep -q '^prog_type:' "$fd" 2>/dev/null; then
			PROG_BYTES=$((PROG_BYTES + mem))
		fi
	done
}

for n in $SIZES; do
	f=$TMPD/targets.$n
	targets_file "$f" "$n"
	for tool in $TOOLS; do
		if [ "$tool" = ping ] && [ "$n" -gt 1 ]; then
			continue # one process per target: N times the single-target figure
		fi
		name=s6-$tool-$n
		tool_cmd "$tool" "$f" "$COUNT" 1 1
		timed_bg "$name" "$((COUNT + 40))" "${CMD[@]}"
		MAP_BYTES=NA PROG_BYTES=NA MAP_LIST=""
		if [ "$tool" = icmpmon ]; then
			setup_cpu
			nap 1
			pid=$(tool_pid) && alive "$pid" && bpf_mem "$pid"
		fi
		timed_done "$name"
		tool_counts "$tool" "$name"
		tsv "$OUT" "$tool" "$n" "$(time_field "$name" 3)" "$MAP_BYTES" "$PROG_BYTES" "$MAP_LIST" "$RC" "$TOOL_NOTE"
		log "$tool n=$n: maxrss $(time_field "$name" 3) KiB, maps $MAP_BYTES B ($MAP_LIST) rc=$RC $TOOL_NOTE"
		keep "$name"
	done
done
