#!/usr/bin/env bash
# Scenario 7: what monitoring costs, icmpmon next to fping, in the same run.
#   monitor  S7_N (4,096) targets probed once a second for S7_SECS (20) s:
#            icmpmon --daemon --file T --period 1   vs   fping -l -q -p 1000 -i 0.1 -f T
#            CPU ticks (utime+stime, /proc/PID/stat) of the prober over the
#            window, counted from the first echo request it sent (set-up is not
#            monitoring), and the ratio to fping's.
#   count    the fping personality's count job, the same command line for both:
#            [icmpmon] fping -c S7_COUNT -p 1000 -i 0 -q -f T, user+sys s
#            (/usr/bin/time, set-up included, as a user sees it); beside them
#            the floor, bench/send_floor.c: the same probes sent with
#            nothing else (no receive, no BPF), what any prober pays here.
# Each job runs S7_REPS (2) times alternating the tools; the report keeps the
# run with the least CPU (other load can only add to it).
. "$(dirname "$0")/lib.sh"

: "${SEND_FLOOR:=$BENCH_DIR/../build/bench/send_floor}"
N=${S7_N:-4096}
SECS=${S7_SECS:-20}
COUNT=${S7_COUNT:-10}
REPS=${S7_REPS:-2}
JOBS=${S7_JOBS:-"monitor count"}
OUT=$BENCH_OUT/s7_monitor.tsv

bench_topo_up
printf 'job\ttool\trep\ttargets\tsecs\tticks\tcpu_s\tsetup_s\tsent\trecorded\trc\tnote\n' > "$OUT"
f=$TMPD/targets.$N
targets_file "$f" "$N"
HZ=$(getconf CLK_TCK)

ticks_of() { awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$1/stat" 2>/dev/null; }

# monitor TOOL REP: ticks used over SECS seconds from the first probe on.
monitor() {
	local tool=$1 rep=$2 name=s7-monitor-$1-$2 pid t0 t1 a b
	case $tool in
	icmpmon) CMD=("$ICMPMON" --daemon --file "$f" --period 1) ;;
	fping) CMD=(fping -l -q -p 1000 -i 0.1 -f "$f") ;;
	esac
	counters_snap a
	timed_bg "$name" "$((SECS + 40))" "${CMD[@]}"
	setup_cpu
	pid=$(tool_pid) || { log "$tool did not start"; timed_done "$name"; return; }
	t0=$(ticks_of "$pid")
	sleep "$SECS"
	t1=$(ticks_of "$pid")
	kill -INT "$pid" 2>/dev/null
	timed_done "$name"
	counters_snap b
	tsv "$OUT" monitor "$tool" "$rep" "$N" "$SECS" "$((t1 - t0))" \
		"$(awk -v t="$((t1 - t0))" -v hz="$HZ" 'BEGIN { printf "%.2f", t / hz }')" "$SETUP_CPU" \
		"$((b[1] - a[1]))" "$((b[0] - a[0]))" "$RC" ""
	log "monitor $tool: $((t1 - t0)) ticks in ${SECS}s (setup $SETUP_CPU s), out $((b[1] - a[1])) in $((b[0] - a[0]))"
	keep "$name"
}

# count TOOL REP: the whole fping-personality count job under /usr/bin/time.
count() {
	local tool=$1 rep=$2 name=s7-count-$1-$2 a b u s sums
	case $tool in
	icmpmon) CMD=("$ICMPMON" fping -c "$COUNT" -p 1000 -i 0 -q -f "$f") ;;
	fping) CMD=(fping -c "$COUNT" -p 1000 -i 0 -q -f "$f") ;;
	floor) CMD=("$SEND_FLOOR" "$f" "$COUNT" 1000) ;;
	esac
	counters_snap a
	timed_bg "$name" "$((COUNT * 3 + 40))" "${CMD[@]}"
	setup_cpu
	timed_done "$name"
	counters_snap b
	u=$(time_field "$name" 1)
	s=$(time_field "$name" 2)
	# the floor prints no summary: what left and came back, from the namespace's counters
	if [ "$tool" = floor ]; then sums="$((b[1] - a[1])) $((b[0] - a[0]))"; else sums=$(fping_summary_sums "$TMPD/$name.err"); fi
	tsv "$OUT" count "$tool" "$rep" "$N" "$(time_field "$name" 4)" NA \
		"$(awk -v u="$u" -v s="$s" 'BEGIN { printf "%.2f", u + s }')" "$SETUP_CPU" "${sums% *}" "${sums#* }" "$RC" ""
	log "count $tool: user $u sys $s (setup $SETUP_CPU) sent/recv $sums rc=$RC"
	keep "$name"
}

for ((rep = 1; rep <= REPS; rep++)); do
	for job in $JOBS; do
		if [ $((rep % 2)) = 1 ]; then order="icmpmon fping"; else order="fping icmpmon"; fi
		[ "$job" = count ] && [ -x "$SEND_FLOOR" ] && order="$order floor"
		for tool in $order; do "$job" "$tool" "$rep"; done
	done
done
