#!/usr/bin/env bash
# The prober's own egress is saturated (TBF 20 mbit on its veth, a bounded UDP
# flood behind it, both inside this test's namespaces): iputils ping sees the
# host's queue as RTT; icmpmon's RTT stays near the unloaded one and the queue
# is reported apart (JSON, ping summary, /metrics). --rtt-from tc and the
# fallback (ICMPMON_TX_STAMP=tc, as on a kernel without the hook) give the
# old, tc-egress-based RTT, the fallback said once on stderr and in the labels.
# Magnitudes only: RTT median < 5 ms while the queue is > 10 ms.
. "$(dirname "$0")/lib.sh"
topo_up

need curl
A=$ANSWERED
PORT=9377

median() { sort -g | awk '{ v[NR] = $1 } END { if (NR) print v[int((NR + 1) / 2)]; else print "none" }'; }
json_median() { jq -r "select(.type == \"reply\") | .$2" "$1" | median; }
# lt A B: A < B as numbers ("none" is never smaller)
lt() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a != "none" && a + 0 < b + 0) }'; }

icmpmon_p idle --json -c 5 -i 0.1 "$A"
[ "$RC" -eq 0 ] || { diag_file "$TMPD/idle.err"; fail "unloaded run exited $RC"; }
grep -q '"tx_stamp":"wire"' "$TMPD/idle.out" || { diag_file "$TMPD/idle.out"; diag_file "$TMPD/idle.err"; fail "the transmit hook did not attach on this kernel ($(uname -r))"; }
idle=$(json_median "$TMPD/idle.out" rtt_ms)
diag "unloaded: median RTT $idle ms"

in_p tc qdisc add dev "$VETH_P" root tbf rate 20mbit burst 32kbit latency 400ms || fail "cannot add the TBF qdisc"
# 1400-byte datagrams to an address the responder blackholes: at most 90000 (about 50 s at 20 mbit), 60 s at most.
bg_p flood timeout 60 bash -c "exec dd if=/dev/zero bs=1400 count=90000 > /dev/udp/$SILENT/9"
FLOOD=$BG_PID
queue_full() { in_p tc -s qdisc show dev "$VETH_P" | awk '/backlog/ { sub("p", "", $3); exit !($3 + 0 >= 20) }'; }
for ((i = 0; i < 100; i++)); do queue_full && break; sleep 0.1; done
queue_full || fail "the egress queue did not fill: $(in_p tc -s qdisc show dev "$VETH_P" | tr '\n' ' ')"

run_p ping 20 ping -c 5 -i 0.1 "$A"
pavg=$(sed -nE 's|^rtt min/avg/max/mdev = [0-9.]+/([0-9.]+)/.*|\1|p' "$TMPD/ping.out")
diag "iputils ping under the full queue: avg ${pavg:-none} ms"
lt 10 "${pavg:-0}" || { diag_file "$TMPD/ping.out"; fail "ping's RTT is not above 10 ms: the queue is not full"; }

icmpmon_p load --json -c 10 -i 0.1 "$A"
[ "$RC" -eq 0 ] || { diag_file "$TMPD/load.err"; fail "loaded run exited $RC"; }
rtt=$(json_median "$TMPD/load.out" rtt_ms)
q=$(json_median "$TMPD/load.out" host_tx_queue_ms)
diag "icmpmon under the full queue: median RTT $rtt ms, median host transmit queue $q ms"
lt "$rtt" 5 || { diag_file "$TMPD/load.out"; fail "median RTT $rtt ms under a full egress queue (unloaded $idle ms): the host queue is counted as network"; }
lt 10 "$q" || { diag_file "$TMPD/load.out"; fail "median host_tx_queue_ms $q, expected > 10"; }
jq -s -e 'map(select(.type == "summary"))[0].host_tx_queue_max_ms > 10' "$TMPD/load.out" >/dev/null ||
	{ grep summary "$TMPD/load.out" | sed "s/^/#   /"; fail "the JSON summary has no host_tx_queue_max_ms above 10"; }

# ping personality: RTT lines near idle, one summary line for the queue; /metrics has the histogram.
bg_p pm "$ICMPMON" -c 15 -i 0.1 --metrics "$PORT" "$A"
PM=$BG_PID
wait_match "$TMPD/pm.out" 'icmp_seq=8 ' 20 || { diag_file "$TMPD/pm.err"; fail "no 8th reply"; }
in_p curl -s -m 5 "http://127.0.0.1:$PORT/metrics" > "$TMPD/m" || fail "scrape failed"
bg_wait "$PM" 30 || fail "the ping-mode run did not end"
lbl="target=\"$A\",host=\"$A\",interface=\"$VETH_P\""
grep -q '^# TYPE icmpmon_host_tx_queue_seconds histogram$' "$TMPD/m" || { diag_file "$TMPD/m"; fail "no icmpmon_host_tx_queue_seconds histogram"; }
qcount=$(awk -v s="icmpmon_host_tx_queue_seconds_count{$lbl}" '$1 == s { print $2 }' "$TMPD/m")
qsum=$(awk -v s="icmpmon_host_tx_queue_seconds_sum{$lbl}" '$1 == s { print $2 }' "$TMPD/m")
rsum=$(awk -v s="icmpmon_rtt_seconds_sum{$lbl}" '$1 == s { print $2 }' "$TMPD/m")
rcount=$(awk -v s="icmpmon_rtt_seconds_count{$lbl}" '$1 == s { print $2 }' "$TMPD/m")
diag "/metrics: queue sum $qsum s over $qcount, rtt sum $rsum s over $rcount"
lt 0 "${qcount:-0}" && lt 0.010 "$(awk -v s="$qsum" -v c="$qcount" 'BEGIN { print s / c }')" ||
	fail "icmpmon_host_tx_queue_seconds: mean not above 10 ms ($qsum / $qcount)"
lt "$(awk -v s="$rsum" -v c="$rcount" 'BEGIN { print s / c }')" 0.005 || fail "icmpmon_rtt_seconds: mean not below 5 ms ($rsum / $rcount)"
grep -q '^icmpmon_build_info{.*tx_stamp="wire",rtt_from="wire"} 1$' "$TMPD/m" || fail "build_info: $(grep '^icmpmon_build_info' "$TMPD/m")"
pm_avg=$(sed -nE 's|^rtt min/avg/max/mdev = [0-9.]+/([0-9.]+)/.*|\1|p' "$TMPD/pm.out")
lt "${pm_avg:-99}" 5 || { diag_file "$TMPD/pm.out"; fail "ping-mode avg RTT ${pm_avg:-none} ms under the full queue"; }
grep -Eq '^host transmit queue avg/max = [0-9.]+/[0-9.]+ ms, not part of the rtt above$' "$TMPD/pm.out" ||
	{ diag_file "$TMPD/pm.out"; fail "no host transmit queue line in the summary"; }

# --rtt-from tc: the old RTT, queue included, and the line says so.
icmpmon_p tc -c 5 -i 0.1 --rtt-from tc "$A"
tc_avg=$(sed -nE 's|^rtt min/avg/max/mdev = [0-9.]+/([0-9.]+)/.*|\1|p' "$TMPD/tc.out")
diag "--rtt-from tc: avg ${tc_avg:-none} ms"
lt 10 "${tc_avg:-0}" || { diag_file "$TMPD/tc.out"; fail "--rtt-from tc avg ${tc_avg:-none} ms, expected the queue in it (> 10)"; }
grep -q 'included in the rtt above (--rtt-from tc)$' "$TMPD/tc.out" || { diag_file "$TMPD/tc.out"; fail "no 'included' queue line with --rtt-from tc"; }

# The fallback: said once on stderr, labelled, RTT from tc egress.
run_p fb 30 env ICMPMON_TX_STAMP=tc "$ICMPMON" --json -c 5 -i 0.1 "$A"
[ "$RC" -eq 0 ] || fail "fallback run exited $RC"
[ "$(grep -c 'stamped at tc egress only' "$TMPD/fb.err")" -eq 1 ] || { diag_file "$TMPD/fb.err"; fail "the fallback is not said exactly once on stderr"; }
grep -q '"tx_stamp":"tc","rtt_from":"tc"' "$TMPD/fb.out" || fail "the JSON start does not say tx_stamp tc"
fb=$(json_median "$TMPD/fb.out" rtt_ms)
lt 10 "$fb" || fail "fallback median RTT $fb ms, expected the queue in it"
[ "$(jq -r 'select(.type == "reply") | .host_tx_queue_ms' "$TMPD/fb.out" | sort -u)" = null ] ||
	fail "the fallback reports a host queue it cannot measure"

# Bad value: one line, exit 2.
icmpmon_p bad --rtt-from nic "$A"
[ "$RC" -eq 2 ] && [ "$(wc -l < "$TMPD/bad.err")" -eq 1 ] || fail "--rtt-from nic: exit $RC, stderr $(cat "$TMPD/bad.err")"

kill -TERM "$FLOOD" 2>/dev/null
pass
