#!/usr/bin/env bash
# A 4 KiB ring buffer (about 70 events) against 2000 targets probed 3 times,
# 10 ms apart: the kernel must drop reply lines, say how many, and keep the
# statistics exact.
. "$(dirname "$0")/lib.sh"
topo_up

X=8 Y=250 C=3
NT=$((X * Y))
TARGETS=()
for ((x = 1; x <= X; x++)); do
	for ((y = 1; y <= Y; y++)); do
		TARGETS+=("10.201.$x.$y")
	done
done

r_before=$(snmp_icmp "$NS_R" OutEchoReps)
p_before=$(snmp_icmp "$NS_P" InEchoReps)
IM_TIMEOUT=60 icmpmon_p im --ringbuf-kib 4 -c "$C" -i 0.01 "${TARGETS[@]}"
r_sent=$(($(snmp_icmp "$NS_R" OutEchoReps) - r_before))
p_got=$(($(snmp_icmp "$NS_P" InEchoReps) - p_before))
f=$TMPD/im.out
if [ "$RC" -ne 0 ]; then
	diag_file "$f"; diag_file "$TMPD/im.err"
	fail "icmpmon exited $RC, expected 0"
fi
# The network itself lost nothing: the responder answered every probe and
# the prober's stack got every answer (icmpmon passes replies on).
total=$((NT * C))
[ "$r_sent" -eq "$total" ] || fail "the responder sent $r_sent echo replies for $total probes (the test network dropped probes)"
[ "$p_got" -eq "$total" ] || fail "the prober's stack got $p_got of the $total echo replies"

[ "$(grep -c '^PING ' "$f")" -eq "$NT" ] || fail "$(grep -c '^PING ' "$f") headers, expected $NT"
blocks=$(grep -c -- '^--- 10\.201\.[0-9]*\.[0-9]* ping statistics ---$' "$f")
[ "$blocks" -eq "$NT" ] || fail "$blocks statistics blocks, expected $NT"
exact=$(grep -Ec "^$C packets transmitted, $C received, 0% packet loss, time [0-9]+ms$" "$f")
if [ "$exact" -ne "$NT" ]; then
	grep 'packets transmitted' "$f" | sort | uniq -c | sort -rn | head -5 | sed 's/^/#   /'
	fail "$exact of $NT targets report $C/$C; the statistics are not exact"
fi
# Received counts sum to the number of probes.
sum=$(awk '/packets transmitted/ { s += $4 } END { print s + 0 }' "$f")
[ "$sum" -eq "$total" ] || fail "received counts sum to $sum, expected $total"
# Every target has its statistics line.
for t in "${TARGETS[0]}" "${TARGETS[$((NT / 2))]}" "${TARGETS[$((NT - 1))]}"; do
	grep -A2 -- "^--- ${t//./\\.} ping statistics ---$" "$f" | grep -q '^rtt min/avg/max/mdev = ' ||
		fail "no rtt line for $t"
done

shown=$(grep -c '^64 bytes from ' "$f")
drops=$(sed -nE 's/^icmpmon: ([0-9]+) reply lines not shown \(ring buffer full\); the statistics above are complete$/\1/p' "$f")
diag "reply lines shown: $shown, reported not shown: ${drops:-none}"
[ -n "$drops" ] || fail "no 'reply lines not shown (ring buffer full)' line: the ring buffer did not overflow ($shown of $total lines shown)"
# Every reply is either a line or counted as not shown.
[ $((shown + drops)) -eq "$total" ] || fail "$shown lines shown + $drops not shown != $total replies"
# The drop report is the last line, after all the statistics blocks.
tail -n1 "$f" | grep -q 'reply lines not shown' || fail "the drop report is not the last line"
grep -q 'probes not tracked' "$f" && fail "probes not tracked: $(grep 'probes not tracked' "$f")"
pass
