#!/usr/bin/env bash
# Scenario 2: prober CPU. The same job (S2_N targets, S2_COUNT probes each,
# one every S2_PERIOD s) with and without the flood (no stress-ng here, so the
# tool's own CPU time is what changes). Per run: user and sys seconds of the
# prober process from /usr/bin/time (for ping: all its processes), its set-up
# share (user+sys from /proc/PID/stat at the moment the namespace's first echo
# request leaves: BPF load and verification, maps, target list) and the
# steady part (total - set-up). Every run is repeated S2_REPS times; other
# load on the machine can only add CPU time, so the report keeps the run with
# the least.
. "$(dirname "$0")/lib.sh"

N=${S2_N:-${N_TARGETS:-2000}}
COUNT=${S2_COUNT:-5}
PERIOD=${S2_PERIOD:-1}
WAIT=${S2_WAIT:-2}
N_PING=${S2_N_PING:-100}
TOOLS=${S2_TOOLS:-"icmpmon icmpmon-socket icmpmon-dgram fping ping"}
REPS=${S2_REPS:-2} # each run this often, alternating conditions; the report keeps the least CPU
OUT=$BENCH_OUT/s2_cpu.tsv

bench_topo_up
printf 'tool\tcond\trep\ttargets\tuser_s\tsys_s\tcpu_s\tsetup_s\tsteady_s\twall_s\tsent\treached_stack\trecorded\trc\tflood_pps\n' > "$OUT"

one() {
	local tool=$1 cond=$2 n=$3 rep=$4 f=$TMPD/targets.$3 name=s2-$1-$2-$4 bound a b f0 f1 t0 u s tot st steady secs
	[ -s "$f" ] || targets_file "$f" "$n"
	# Under the flood fping needed 4-6 times the job's length: allow 6 times.
	bound=$(awk -v c="$COUNT" -v p="$PERIOD" -v w="$WAIT" 'BEGIN { printf "%d", 6 * c * p + w + 30 }')
	tool_cmd "$tool" "$f" "$COUNT" "$PERIOD" "$WAIT"
	if [ "$cond" = flood ]; then
		flood_start "$((bound + 5))"
		nap 1
	fi
	counters_snap a
	f0=$(flood_tx)
	t0=$(date +%s%N)
	timed_bg "$name" "$bound" "${CMD[@]}"
	if [ "$tool" = ping ]; then
		SETUP_CPU=NA
	else
		setup_cpu
	fi
	timed_done "$name"
	secs=$(awk -v ms="$(ms_since "$t0")" 'BEGIN { printf "%.2f", ms / 1000 }')
	f1=$(flood_tx)
	counters_snap b
	[ "$cond" = flood ] && flood_stop
	tool_counts "$tool" "$name"
	u=$(time_field "$name" 1)
	s=$(time_field "$name" 2)
	tot=$(awk -v u="$u" -v s="$s" 'BEGIN { printf "%.2f", u + s }')
	steady=NA
	[ "$SETUP_CPU" != NA ] && steady=$(awk -v t="$tot" -v st="$SETUP_CPU" 'BEGIN { printf "%.2f", t - st }')
	tsv "$OUT" "$tool" "$cond" "$rep" "$n" "$u" "$s" "$tot" "$SETUP_CPU" "$steady" "$(time_field "$name" 4)" \
		"$TOOL_SENT" "$((b[0] - a[0]))" "$TOOL_RECV" "$RC" "$(awk -v d="$((f1 - f0))" -v s="$secs" 'BEGIN { printf "%d", (s > 0 ? d / s : 0) }')"
	log "$tool $cond: cpu ${tot}s (setup $SETUP_CPU) sent $TOOL_SENT reached $((b[0] - a[0])) recorded $TOOL_RECV rc=$RC"
	keep "$name"
}

for tool in $TOOLS; do
	n=$N
	[ "$tool" = ping ] && n=$N_PING
	for ((rep = 1; rep <= REPS; rep++)); do
		one "$tool" quiet "$n" "$rep"
		one "$tool" flood "$n" "$rep"
	done
done
