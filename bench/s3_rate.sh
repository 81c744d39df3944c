#!/usr/bin/env bash
# Scenario 3: the highest sustained probe rate with 0 missed replies, per tool.
# No flood, no stress. icmpmon (both modes) and fping probe S3_N targets,
# ping one target per 1,000 probes/s (one process each, see ping_targets). The rate steps up through
# S3_RATES (probes/s over all targets), each step lasting S3_STEP_SECS, and
# stops at the first step that fails. A step passes when
#   - the tool sent at least 99 % of the planned probes,
#   - it recorded a reply for every probe it sent (0 missed, 0 lost), and
#   - the achieved send rate (the prober namespace's IcmpOutEchos, sampled
#     every 10 ms, between its first and last increase) is >= 90 % of the step.
# The best passing rate is then confirmed by one run of S3_CONFIRM_SECS (more
# than 10 s, so that limits over a 10 s window show); if that fails, the
# highest passing step at or below the rate it achieved is tried next (at most
# S3_CONFIRM_TRIES confirmation runs).
. "$(dirname "$0")/lib.sh"

N=${S3_N:-1000}
RATES=${S3_RATES:-"200 500 1000 2000 5000 10000 20000 30000 40000 50000 70000 100000 150000 200000 300000"}
STEP_SECS=${S3_STEP_SECS:-2}
CONFIRM_SECS=${S3_CONFIRM_SECS:-11}
CONFIRM_TRIES=${S3_CONFIRM_TRIES:-3}
WAIT=${S3_WAIT:-1}
TOOLS=${S3_TOOLS:-"icmpmon icmpmon-socket fping ping"}
OUT=$BENCH_OUT/s3_rate.tsv
MAX=$BENCH_OUT/s3_max.tsv

bench_topo_up
printf 'tool\tphase\trate\ttargets\tsecs\tplanned\tsent\trecorded\treached_stack\tachieved_pps\twall_s\trc\tpass\tnote\n' > "$OUT"
printf 'tool\tmax_rate\ttargets\tnote\n' > "$MAX"

# iputils ping keeps its interval in whole milliseconds (-i 0.0005 is -i 0:
# unpaced), so above 1,000 probes/s ping gets one process per 1,000/s, each
# to its own target at -i 0.001.
ping_targets() { awk -v r="$1" 'BEGIN { n = int((r + 999) / 1000); print (n < 1 ? 1 : n) }'; }

# step TOOL PHASE RATE SECS: sets PASS (1/0)
step() {
	local tool=$1 phase=$2 rate=$3 secs=$4 n=$N f name c p planned bound a b base now t_first="" t_last="" tn i ach
	[ "$tool" = ping ] && n=$(ping_targets "$rate")
	f=$TMPD/targets.$n
	[ -s "$f" ] || targets_file "$f" "$n"
	name=s3-$tool-$phase-$rate
	c=$(awk -v r="$rate" -v s="$secs" -v n="$n" 'BEGIN { c = int(r * s / n + 0.5); print (c < 1 ? 1 : c) }')
	p=$(fmt_num "$(awk -v r="$rate" -v n="$n" 'BEGIN { print n / r }')")
	planned=$((c * n))
	bound=$((secs * 3 + 20))
	tool_cmd "$tool" "$f" "$c" "$p" "$WAIT"
	counters_snap a
	snmp_var OutEchos base
	timed_bg "$name" "$bound" "${CMD[@]}"
	# Sample the namespace's echo requests until the tool ends (bounded by timeout(1) above).
	for ((i = 0; i < bound * 100; i++)); do
		alive "$TIMED_PID" || break
		snmp_var OutEchos now
		if [ "$now" != "$base" ]; then
			tn=${EPOCHREALTIME/./}
			[ -n "$t_first" ] || t_first=$tn
			t_last=$tn
			base=$now
		fi
		nap 0.01
	done
	timed_done "$name"
	counters_snap b
	tool_counts "$tool" "$name"
	ach=0
	if [ -n "$t_first" ] && [ "$t_last" != "$t_first" ]; then
		ach=$(awk -v d="$((b[1] - a[1]))" -v us="$((t_last - t_first))" -v n="$n" -v r="$rate" \
			'BEGIN { # the first sample already holds some probes: count the span as one interval more
				printf "%d", d / (us / 1e6 + 0.01) }')
	fi
	PASS=0
	LAST_ACH=$ach
	if [ "$TOOL_SENT" != NA ] && [ "$TOOL_SENT" -ge $((planned * 99 / 100)) ] &&
	   [ "$TOOL_RECV" = "$TOOL_SENT" ] && [ "$ach" -ge $((rate * 9 / 10)) ]; then
		PASS=1
	fi
	tsv "$OUT" "$tool" "$phase" "$rate" "$n" "$secs" "$planned" "$TOOL_SENT" "$TOOL_RECV" "$((b[0] - a[0]))" "$ach" \
		"$(time_field "$name" 4)" "$RC" "$PASS" "$TOOL_NOTE"
	log "$tool $phase $rate/s: sent $TOOL_SENT/$planned recorded $TOOL_RECV achieved $ach/s pass=$PASS $TOOL_NOTE"
	keep "$name"
}

# The ceiling: what the responder's kernel answers on this machine with no
# prober to speak of. hping3 --flood sends echo requests to one target from
# the prober namespace as fast as it can and reads nothing; the replies that
# reach the prober's stack (InEchoReps) per second, over S3_CEILING_SECS, are
# the most any prober could record here.
ceiling() {
	local secs=${S3_CEILING_SECS:-3} a b t0 t1 rate
	counters_snap a
	t0=${EPOCHREALTIME/./}
	timeout -k 2 "$secs" ip netns exec "$NS_P" hping3 --icmp --flood -q "$BLOCK_A.0.1" >"$TMPD/ceiling.out" 2>&1
	t1=${EPOCHREALTIME/./}
	counters_snap b
	rate=$(awk -v d="$((b[0] - a[0]))" -v us="$((t1 - t0))" 'BEGIN { printf "%d", d / (us / 1e6) }')
	tsv "$MAX" "responder ceiling" "$rate" 1 "hping3 --icmp --flood, replies reaching the prober's stack per second (InEchoReps), nothing reading them"
	log "responder ceiling: $rate replies/s"
}
[ "${S3_CEILING:-1}" = 1 ] && ceiling

for tool in $TOOLS; do
	passed=()
	for r in $RATES; do
		step "$tool" step "$r" "$STEP_SECS"
		[ "$PASS" = 1 ] || break
		passed+=("$r")
	done
	best=0
	note=""
	tries=0
	k=$((${#passed[@]} - 1))
	while [ "$k" -ge 0 ] && [ "$tries" -lt "$CONFIRM_TRIES" ]; do
		tries=$((tries + 1))
		step "$tool" confirm "${passed[$k]}" "$CONFIRM_SECS"
		if [ "$PASS" = 1 ]; then
			best=${passed[$k]}
			break
		fi
		note="${note}${passed[$k]}/s failed its ${CONFIRM_SECS} s confirmation (${LAST_ACH}/s achieved); "
		# Next: the highest passed step at or below what was achieved.
		k=$((k - 1))
		while [ "$k" -gt 0 ] && [ "${passed[$k]}" -gt "$LAST_ACH" ]; do k=$((k - 1)); done
	done
	[ "${#passed[@]}" -eq 0 ] && note="no step passed"
	[ "$PASS" = 1 ] && [ "$best" = "${passed[-1]}" ] && [ "${#passed[@]}" -eq "$(wc -w <<<"$RATES")" ] &&
		note="${note}passed every step: the highest step is a lower bound"
	n=$N
	[ "$tool" = ping ] && n=$(ping_targets "$best")
	tsv "$MAX" "$tool" "$best" "$n" "$note"
done
