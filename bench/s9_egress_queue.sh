#!/usr/bin/env bash
# Scenario 9: the prober's own egress queue is full. A TBF (S9_RATE, default
# 20mbit) on the prober's veth with a bounded bulk UDP flow behind it (dd of
# 1400-byte datagrams to a prefix the responder blackholes (no ICMP error
# comes back to end the flow), at most S9_FLOOD_PKTS and the
# scenario's time). A packet tap on that veth sees each request after the
# qdisc, so its reply time - request time is the network RTT. In one run:
#   icmpmon (RTT from the driver hand-off, the default) to one target and
#   iputils ping to another, at the same time; then icmpmon --rtt-from tc.
# Per tool: RTT error against the tap (signed median, p99 of |error|); the host
# queue delay icmpmon reports against the queue the tap implies for the same
# probe (tap request time - icmpmon's tc egress time, which is the reply's
# timestamp minus its RTT and queue); for ping, its RTT minus the tap's RTT
# (the queue plus ping's own user-space overhead).
. "$(dirname "$0")/lib.sh"

COUNT=${S9_COUNT:-40}
PERIOD=${S9_PERIOD:-0.1}
RATE=${S9_RATE:-20mbit}
FLOOD_PKTS=${S9_FLOOD_PKTS:-60000}
OUT=$BENCH_OUT/s9_egress_queue.tsv
A=$BLOCK_A.0.1
B=$BLOCK_A.0.2

bench_topo_up
command -v jq >/dev/null || die "jq missing (make bench-deps)"
printf 'tool\ttarget\tprobes\tmatched\ttap_rtt_p50_us\trtt_p50_us\trtt_err_median_us\trtt_abs_err_p99_us\tqueue_p50_ms\tqueue_implied_p50_ms\tqueue_err_median_pct\tqueue_abs_err_p99_pct\n' > "$OUT"

SINK=10.205.0.9
ip -n "$NS_R" route add blackhole 10.205.0.0/16 && ip -n "$NS_P" route add 10.205.0.0/16 via "$R_ADDR" dev "$DEV_P" ||
	die "cannot route the bulk flow's sink"
in_p tc qdisc add dev "$DEV_P" root tbf rate "$RATE" burst 32kbit latency 400ms || die "cannot add the TBF qdisc"
flood_secs=$(awk -v c="$COUNT" -v p="$PERIOD" 'BEGIN { printf "%d", 2 * c * p + 40 }')
ip netns exec "$NS_P" timeout "$flood_secs" bash -c "exec dd if=/dev/zero bs=1400 count=$FLOOD_PKTS > /dev/udp/$SINK/9" \
	>"$TMPD/flood.out" 2>&1 &
BG_PIDS+=("$!")
for ((i = 0; i < 100; i++)); do
	in_p tc -s qdisc show dev "$DEV_P" | awk '/backlog/ { sub("p", "", $3); exit !($3 + 0 >= 20) }' && break
	sleep 0.1
done
log "egress queue: $(in_p tc -s qdisc show dev "$DEV_P" | awk '/backlog/ { print $2, $3 }' | head -n1)"

bound=$(awk -v c="$COUNT" -v p="$PERIOD" 'BEGIN { printf "%d", c * p + 25 }')

# icmpmon NAME: "target<TAB>seq<TAB>rtt_us<TAB>queue_us<TAB>tc_egress_s" per first reply (tc_egress_s: epoch s).
icmpmon_rows() {
	jq -r 'select(.type == "reply" and (.dup | not) and .rtt_ms != null)
		| (.ts | capture("^(?<s>[^.]+)\\.(?<f>[0-9]+)Z$")) as $t
		| (($t.s + "Z") | fromdateiso8601) as $sec
		| ((.rtt_ms + (if $from == "wire" then (.host_tx_queue_ms // 0) else 0 end)) * 1000) as $tc_us
		| [.addr, .seq, (.rtt_ms * 1000), ((.host_tx_queue_ms // 0) * 1000),
		   (($sec | tostring) + "." + $t.f), $tc_us] | @tsv' --arg from "$2" "$1" |
	awk -F'\t' -v OFS='\t' '{ split($5, w, "."); printf "%s\t%s\t%.3f\t%.3f\t%s\t%s\t%.3f\n", $1, $2, $3, $4, w[1], w[2], $6 }'
}

ping_rows() {
	awk '/bytes from .*icmp_seq=.*time=/ && !/DUP!/ {
		t = $4; sub(/:$/, "", t)
		for (i = 1; i <= NF; i++) { if ($i ~ /^icmp_seq=/) s = substr($i, 10); if ($i ~ /^time=/) v = substr($i, 6) }
		printf "%s\t%s\t%.3f\t\t\t\t\n", t, s, v * 1000 }' "$1"
}

# summarize TOOL TARGET ROWS TRUTH: joins by (target, seq), one TSV line.
summarize() {
	local tool=$1 target=$2 rows=$3 truth=$4
	awk -F'\t' -v tool="$tool" -v target="$target" -v OFS='\t' '
		function med(a, n,   i, j, t) { for (i = 2; i <= n; i++) { t = a[i]; for (j = i - 1; j >= 1 && a[j] > t; j--) a[j + 1] = a[j]; a[j + 1] = t }
			return n ? a[int((n + 1) / 2)] : "NA" }
		function p99(a, n,   i, j, t) { if (!n) return "NA"; med(a, n); return a[int(n * 0.99 + 0.999999)] }
		FNR == NR { if ($1 == target) { k = $1 SUBSEP $3; tr[k] = $7; rq[k] = $5; probes++ } next }
		{
			k = $1 SUBSEP $2
			if (!(k in tr)) next
			m++; tap[m] = tr[k]; rtt[m] = $3; e[m] = $3 - tr[k]; ae[m] = (e[m] < 0 ? -e[m] : e[m])
			if ($5 != "") {
				# request left the qdisc (tap) - entered it (icmpmon: reply ts - rtt from tc egress), in us
				split(rq[k], q, ".")
				implied = (q[1] - $5) * 1e6 + (("0." q[2]) - ("0." $6)) * 1e6 + $7
				qi[m] = implied; qr[m] = $4
				qe[m] = implied > 0 ? 100 * ($4 - implied) / implied : 0; aqe[m] = (qe[m] < 0 ? -qe[m] : qe[m])
			} else {
				qi[m] = $3 - tr[k]; qr[m] = "NA"
			}
		}
		END {
			n = m + 0
			for (i = 1; i <= n; i++) { t1[i] = tap[i]; t2[i] = rtt[i]; t3[i] = e[i]; t4[i] = ae[i]; t6[i] = qi[i] / 1000 }
			hasq = (n && qr[1] != "NA")
			for (i = 1; i <= n; i++) if (hasq) { t5[i] = qr[i] / 1000; t7[i] = qe[i]; t8[i] = aqe[i] }
			printf "%s\t%s\t%d\t%d\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", tool, target, probes, n, med(t1, n), med(t2, n),
				med(t3, n), p99(t4, n), hasq ? med(t5, n) : "NA", med(t6, n), hasq ? med(t7, n) : "NA",
				hasq ? p99(t8, n) : "NA"
		}' "$truth" "$rows"
}

run_round() {
	local name=$1 from=$2
	shift 2
	tap_start "$name" "$TMPD/$name.pcap"
	timeout -k 3 "$bound" ip netns exec "$NS_P" "$ICMPMON" -n --json -c "$COUNT" -i "$PERIOD" -W 2 "$@" "$A" \
		>"$TMPD/$name.im.out" 2>"$TMPD/$name.im.err" &
	local im=$!
	if [ "$from" = wire ]; then
		timeout -k 3 "$bound" ip netns exec "$NS_P" ping -n -c "$COUNT" -i "$PERIOD" -W 2 "$B" \
			>"$TMPD/$name.ping.out" 2>"$TMPD/$name.ping.err"
	fi
	wait "$im"
	tap_stop "$name"
	tap_probes "$TMPD/$name.pcap" > "$TMPD/$name.truth"
	icmpmon_rows "$TMPD/$name.im.out" "$from" > "$TMPD/$name.im.rows"
	summarize "icmpmon --rtt-from $from" "$A" "$TMPD/$name.im.rows" "$TMPD/$name.truth" >> "$OUT"
	if [ "$from" = wire ]; then
		ping_rows "$TMPD/$name.ping.out" > "$TMPD/$name.ping.rows"
		summarize ping "$B" "$TMPD/$name.ping.rows" "$TMPD/$name.truth" >> "$OUT"
	fi
	keep "$name"
}

run_round s9-wire wire
run_round s9-tc tc --rtt-from tc
grep -q '"tx_stamp":"wire"' "$TMPD/s9-wire.im.out" || log "icmpmon could not attach its transmit hook: $(head -c 300 "$TMPD/s9-wire.im.err")"
log "$(column -t -s $'\t' "$OUT" 2>/dev/null || cat "$OUT")"
