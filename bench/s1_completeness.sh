#!/usr/bin/env bash
# Scenario 1: completeness under load. Every tool probes the same targets
# while the flooder sends ICMP echo requests at the prober (FLOOD_INSTANCES
# hping3 processes) and stress-ng loads every CPU. Per run:
#   sent_tool      probes the tool says it sent
#   sent_kernel    IcmpOutEchos delta of the prober namespace
#   reached_stack  IcmpInEchoReps delta: replies that reached the prober's ICMP layer
#   reached_tap    replies from the target blocks captured on the prober's veth
#                  (packet tap; tap_dropped: what the kernel dropped before the tap read it)
#   recorded       replies the tool reports
#   missed         reached_stack - recorded: arrived, yet not counted by the tool
#                  (when the tool printed no result at all, every reply that arrived)
# Then icmpmon alone on S1_BIG_N targets (default 65,536) under the same load,
# and, without load, S1_SEQ_N targets (default 70,000) probed once within a
# second by icmpmon and by fping: more probes within 10 s than fping's 16-bit
# sequence space holds (fping 5.1 exits with status 4 at the 65,536th).
. "$(dirname "$0")/lib.sh"

N=${S1_N:-${N_TARGETS:-2000}}
COUNT=${S1_COUNT:-5}
PERIOD=${S1_PERIOD:-1}
WAIT=${S1_WAIT:-2}
N_PING=${S1_N_PING:-100}
BIG_N=${S1_BIG_N:-65536}
BIG_COUNT=${S1_BIG_COUNT:-1}
TOOLS=${S1_TOOLS:-"icmpmon icmpmon-socket icmpmon-dgram fping ping"}
BIG_TOOLS=${S1_BIG_TOOLS:-"icmpmon"}
SEQ_N=${S1_SEQ_N:-70000}
SEQ_TOOLS=${S1_SEQ_TOOLS:-"icmpmon fping"}
OUT=$BENCH_OUT/s1_completeness.tsv

bench_topo_up
printf 'case\ttool\ttargets\tplanned\tsent_tool\tsent_kernel\treached_stack\treached_tap\ttap_dropped\trecorded\tmissed\twall_s\trc\tflood_pps\tnote\n' > "$OUT"

# one CASE TOOL N COUNT [noload]
one() {
	local cas=$1 tool=$2 n=$3 c=$4 load=${5:-load} f=$TMPD/targets.$3 name=s1-$1-$2 bound a b f0 f1 t0 secs missed
	[ -s "$f" ] || targets_file "$f" "$n"
	# Set-up grows with the target count (maps, one insert per target) and under load.
	# Under the flood fping needed 4-5 times the job's length: allow 6 times.
	bound=$(awk -v c="$c" -v p="$PERIOD" -v w="$WAIT" -v n="$n" 'BEGIN { printf "%d", 6 * c * p + w + 30 + n / 1000 }')
	tool_cmd "$tool" "$f" "$c" "$PERIOD" "$WAIT"
	if [ "$load" = load ]; then
		flood_start "$((bound + 5))"
		stress_start "$((bound + 5))"
		nap 1
	fi
	counters_snap a
	f0=$(flood_tx)
	t0=$(date +%s%N)
	tap_start "$name"
	timed "$name" "$bound" "${CMD[@]}"
	tap_stop "$name"
	secs=$(awk -v ms="$(ms_since "$t0")" 'BEGIN { printf "%.2f", ms / 1000 }')
	f1=$(flood_tx)
	counters_snap b
	flood_stop
	stress_stop
	tool_counts "$tool" "$name"
	# Missed: replies that reached the prober's ICMP layer and the tool did not
	# report (negative: it recorded replies the stack never counted).
	missed=$((b[0] - a[0]))
	[ "$TOOL_RECV" != NA ] && missed=$((missed - TOOL_RECV))
	tsv "$OUT" "$cas" "$tool" "$n" "$((n * c))" "$TOOL_SENT" "$((b[1] - a[1]))" "$((b[0] - a[0]))" "$TAP_COUNT" \
		"$TAP_DROPPED" "$TOOL_RECV" "$missed" "$(time_field "$name" 4)" "$RC" \
		"$(awk -v d="$((f1 - f0))" -v s="$secs" 'BEGIN { printf "%d", (s > 0 ? d / s : 0) }')" "$TOOL_NOTE"
	log "$cas $tool n=$n: sent $TOOL_SENT/$((b[1] - a[1])) reached $((b[0] - a[0]))/$TAP_COUNT recorded $TOOL_RECV rc=$RC $TOOL_NOTE"
	keep "$name"
}

for tool in $TOOLS; do
	if [ "$tool" = ping ]; then
		one load ping "$N_PING" "$COUNT"
	else
		one load "$tool" "$N" "$COUNT"
	fi
done
for tool in $BIG_TOOLS; do
	one big "$tool" "$BIG_N" "$BIG_COUNT"
done
for tool in $SEQ_TOOLS; do
	one seqlimit "$tool" "$SEQ_N" 1 noload
done
