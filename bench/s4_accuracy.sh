#!/usr/bin/env bash
# Scenario 4: accuracy. Each tool probes S4_N targets S4_COUNT times (one
# probe per target every S4_PERIOD s) while a packet tap on the prober's veth
# (tcpdump, nanosecond timestamps, kernel time at the device) records every
# echo request and reply. The truth for a probe is the tap's reply time minus
# its request time, matched by (target, identifier, sequence). Each reported
# RTT is compared with it, and with a second truth, the wire: the request as a
# tap at the far end of the veth stamps it coming off the veth (bench/lib.sh,
# far_tap_start), the reply as the prober's tap stamps it. Each reported
#   icmpmon, icmpmon-socket, icmpmon-dgram  per-reply NDJSON (rtt_ms, 10 ns) when this build
#                            has --json, else its ping-style reply lines (1 us)
#   ping                     its reply lines (time=, 1 us below 1 ms)
#   fping                    -C values (1 us), matched by the probe's position
#                            per target (its wire sequence is global)
# with and without stress-ng on every CPU. Output: every error, and p50, p99,
# max of the absolute error per tool and condition, and the signed median and
# spread of the error against each truth.
. "$(dirname "$0")/lib.sh"

N=${S4_N:-10}
COUNT=${S4_COUNT:-100}
PERIOD=${S4_PERIOD:-0.1}
WAIT=${S4_WAIT:-1}
TOOLS=${S4_TOOLS:-"icmpmon icmpmon-socket icmpmon-dgram ping fping"}
CONDS=${S4_CONDS:-"quiet stress"}
OUT=$BENCH_OUT/s4_accuracy.tsv
ERRS=$BENCH_OUT/s4_errors.tsv
SPLIT=$BENCH_OUT/s4_split.tsv

bench_topo_up
detect_json
printf 'tool\tcond\tsource\tprobes\tmatched\tp50_us\tp99_us\tmax_us\tmean_signed_us\tp99_debiased_us\ttruth_p50_us\twire_matched\twire_median_us\twire_spread_p99_us\trc\n' > "$OUT"
printf 'tool\tcond\tabs_err_us\tsigned_err_us\n' > "$ERRS"
printf 'tool\tcond\tprobes\trx_median_us\trx_spread_p99_us\ttx_median_us\ttx_spread_p99_us\terr_spread_p99_us\ttx_far_median_us\ttx_far_spread_p99_us\n' > "$SPLIT"
f=$TMPD/targets.$N
targets_file "$f" "$N"

# truth NEAR: "target<TAB>seq<TAB>ordinal<TAB>rtt_us" for every answered
# request, from the near tap's probes (tap_probes).
truth() {
	awk -F'\t' -v OFS='\t' '{ print $1, $3, $4, $7 }' "$1"
}

# wire_truth NEAR FAR: the same from the far tap's request time to the near
# tap's reply time (the ordinal is the near tap's, as for the other truth),
# both taps' probes as tap_probes writes them.
wire_truth() {
	awk -F'\t' "$AWK_SPAN_US"'
		FILENAME == near { k = $1 SUBSEP $3; rep[k] = $6; ord[k] = $4; next }
		($1 SUBSEP $3) in rep { k = $1 SUBSEP $3; printf "%s\t%s\t%s\t%.3f\n", $1, $3, ord[k], span_us($5, rep[k]) }
	' near="$1" "$1" "$2"
}

# reported TOOL NAME: "target<TAB>key<TAB>rtt_us", key = seq (or ordinal for fping).
reported() {
	local tool=$1 name=$2
	case $tool in
	icmpmon | icmpmon-socket | icmpmon-dgram)
		if [ "$HAVE_JSON" = 1 ]; then
			jq -r 'select(.type == "reply" and (.dup | not) and .rtt_ms != null) | [.addr, .seq, (.rtt_ms * 1000)] | @tsv' \
				"$TMPD/$name.out" 2>/dev/null
		else
			ping_lines "$TMPD/$name.out"
		fi ;;
	ping) ping_lines "$TMPD/$name.out" ;;
	fping)
		awk -F' : ' 'NF == 2 && $1 ~ /^[0-9.]+ *$/ { t = $1; gsub(/ /, "", t); n = split($2, v, " ")
			for (i = 1; i <= n; i++) if (v[i] != "-") printf "%s\t%d\t%.3f\n", t, i, v[i] * 1000 }' "$TMPD/$name.err" ;;
	esac
}

ping_lines() {
	awk '/bytes from .*icmp_seq=.*time=/ && !/DUP!/ {
		t = $4; sub(/:$/, "", t)
		for (i = 1; i <= NF; i++) { if ($i ~ /^icmp_seq=/) s = substr($i, 10); if ($i ~ /^time=/) v = substr($i, 6) }
		printf "%s\t%s\t%.3f\n", t, s, v * 1000 }' "$1"
}

# spread_p99: p99 of |x - median x| over the values on stdin ("NA" when none).
spread_p99() {
	sort -g | awk '{ v[NR] = $1 } END {
		if (!NR) { print "NA"; exit }
		m = v[int(NR / 2 + 0.5)]
		for (i = 1; i <= NR; i++) { d = v[i] - m; print (d < 0 ? -d : d) }
	}' | sort -g | awk '{ v[NR] = $1 } END { if (!NR || v[1] == "NA") { print "NA"; exit }
		printf "%.3f", v[int(NR * 0.99 + 0.999999)] }'
}

median() {
	sort -g | awk '{ v[NR] = $1 } END { printf (NR ? "%.3f" : "NA"), v[int(NR / 2 + 0.5)] }'
}

# split_error TOOL COND NAME: where a kernel-mode error comes from. From the
# JSON reply time (wall clock, 1 us) and rtt_ms, icmpmon's receive and
# transmit instants are set against the tap's for the same probe:
#   rx = icmpmon receive - tap reply, tx = icmpmon transmit - tap request,
# so error = rx - tx. A constant offset (the two clocks, the tap's place on
# the path) cancels in the spread; what varies shows on the side it comes from.
# tx_far = icmpmon transmit - the far tap's request time: the transmit side
# without the near tap's own filing of its copy in between.
split_error() {
	local tool=$1 cond=$2 name=$3
	jq -r 'select(.type == "reply" and (.dup | not) and .rtt_ms != null)
		| [.addr, .seq, (.ts[0:19] + "Z" | fromdateiso8601), .ts[20:26], (.rtt_ms * 1000)] | @tsv' \
		"$TMPD/$name.out" 2>/dev/null > "$TMPD/$name.rxts"
	awk -F'\t' -v OFS='\t' "$AWK_SPAN_US"'
		FILENAME ~ /\.near$/ { k = $1 SUBSEP $3; req[k] = $5; rep[k] = $6; trtt[k] = $7; next }
		FILENAME ~ /\.far$/ { far[$1 SUBSEP $3] = $5; next }
		{ k = $1 SUBSEP $2; if (!(k in rep) || !(k in far)) next
		  split(rep[k], r, ".")
		  rx = ($3 - r[1]) * 1e6 + ($4 + 0) - substr(r[2] "000000000", 1, 9) / 1000
		  tx = rx - ($5 - trtt[k])
		  # the transmit side against the far tap: less how much later than the near tap it stamped
		  print rx, tx, tx - span_us(req[k], far[k]) }' "$TMPD/$name.near" "$TMPD/$name.far" "$TMPD/$name.rxts" > "$TMPD/$name.split"
	tsv "$SPLIT" "$tool" "$cond" "$(grep -c . "$TMPD/$name.split")" \
		"$(cut -f1 "$TMPD/$name.split" | median)" "$(cut -f1 "$TMPD/$name.split" | spread_p99)" \
		"$(cut -f2 "$TMPD/$name.split" | median)" "$(cut -f2 "$TMPD/$name.split" | spread_p99)" \
		"$(awk -F'\t' '{ print $1 - $2 }' "$TMPD/$name.split" | spread_p99)" \
		"$(cut -f3 "$TMPD/$name.split" | median)" "$(cut -f3 "$TMPD/$name.split" | spread_p99)"
}

# errors_against TOOL COND REPORTED TRUTH: "tool<TAB>cond<TAB>abs_err_us<TAB>signed_err_us"
# of the RTTs in REPORTED against TRUTH, joined by (target, ordinal) for
# fping, by (target, seq) for the others.
errors_against() {
	awk -F'\t' -v byord="$([ "$1" = fping ] && echo 1 || echo 0)" -v tool="$1" -v cond="$2" '
		FNR == NR { k = $1 SUBSEP (byord ? $3 : $2); tr[k] = $4; next }
		{ k = $1 SUBSEP $2; if (k in tr) { d = $3 - tr[k]; printf "%s\t%s\t%.3f\t%.3f\n", tool, cond, (d < 0 ? -d : d), d } }
	' "$4" "$3"
}

for cond in $CONDS; do
	for tool in $TOOLS; do
		name=s4-$tool-$cond
		bound=$(awk -v c="$COUNT" -v p="$PERIOD" 'BEGIN { printf "%d", c * p + 25 }')
		src=lines
		case $tool in
		icmpmon | icmpmon-socket | icmpmon-dgram)
			CMD=("$ICMPMON" -n -c "$COUNT" -i "$PERIOD" -W "$WAIT")
			[ "$tool" = icmpmon-socket ] && CMD+=(--mode socket)
			[ "$tool" = icmpmon-dgram ] && CMD+=(--mode dgram)
			[ "$HAVE_JSON" = 1 ] && { CMD+=(--json); src=json; }
			CMD+=(--file "$f") ;;
		ping) CMD=(bash "$BENCH_DIR/ping_many.sh" "$f" "$COUNT" "$PERIOD" "$WAIT" lines) ;;
		fping) tool_cmd fping "$f" "$COUNT" "$PERIOD" "$WAIT"; src=fping-C ;;
		esac
		[ "$cond" = stress ] && { stress_start "$((bound + 5))"; nap 1; }
		tap_start "$name" "$TMPD/$name.pcap"
		far_tap_start "$name" "$TMPD/$name.far.pcap"
		timed "$name" "$bound" "${CMD[@]}"
		tap_stop "$name"
		far_tap_stop
		[ "$cond" = stress ] && stress_stop
		tap_probes "$TMPD/$name.pcap" > "$TMPD/$name.near"
		tap_probes "$TMPD/$name.far.pcap" > "$TMPD/$name.far"
		truth "$TMPD/$name.near" > "$TMPD/$name.truth"
		wire_truth "$TMPD/$name.near" "$TMPD/$name.far" > "$TMPD/$name.wtruth"
		reported "$tool" "$name" > "$TMPD/$name.rep"
		errors_against "$tool" "$cond" "$TMPD/$name.rep" "$TMPD/$name.truth" > "$TMPD/$name.err_us"
		errors_against "$tool" "$cond" "$TMPD/$name.rep" "$TMPD/$name.wtruth" > "$TMPD/$name.werr_us"
		cat "$TMPD/$name.err_us" >> "$ERRS"
		probes=$(grep -c . "$TMPD/$name.truth")
		matched=$(grep -c . "$TMPD/$name.err_us")
		stats=$(cut -f3 "$TMPD/$name.err_us" | sort -g | awk '{ v[NR] = $1 } END {
			if (!NR) { print "NA\tNA\tNA"; exit }
			i50 = int(NR * 0.50 + 0.999999); i99 = int(NR * 0.99 + 0.999999)
			printf "%.3f\t%.3f\t%.3f\n", v[i50], v[i99], v[NR] }')
		mean=$(awk -F'\t' '{ s += $4 } END { printf (NR ? "%.3f" : "NA"), (NR ? s / NR : 0) }' "$TMPD/$name.err_us")
		# |error - median signed error|: what is left once a constant offset is removed.
		deb=$(cut -f4 "$TMPD/$name.err_us" | spread_p99)
		tp50=$(cut -f4 "$TMPD/$name.truth" | median)
		tsv "$OUT" "$tool" "$cond" "$src" "$probes" "$matched" $stats "$mean" "$deb" "$tp50" \
			"$(grep -c . "$TMPD/$name.werr_us")" "$(cut -f4 "$TMPD/$name.werr_us" | median)" \
			"$(cut -f4 "$TMPD/$name.werr_us" | spread_p99)" "$RC"
		log "$tool $cond ($src): $matched/$probes matched, |err| p50/p99/max = $(echo $stats | tr ' ' /) us"
		[ "$tool" = icmpmon ] && [ "$src" = json ] && split_error "$tool" "$cond" "$name"
		keep "$name"
	done
done
