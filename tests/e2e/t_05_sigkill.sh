#!/usr/bin/env bash
# SIGKILL mid-run: the XDP link (and a TCX egress link) dies with the process,
# the next run removes a stale clsact filter, works, and leaves nothing behind.
. "$(dirname "$0")/lib.sh"
topo_up

bg_p im "$ICMPMON" -i 0.1 "$ANSWERED"
pid=$BG_PID
if ! wait_match "$TMPD/im.out" "^64 bytes from ${ANSWERED//./\\.}: icmp_seq=1 " 10; then
	diag_file "$TMPD/im.out"; diag_file "$TMPD/im.err"
	fail "no reply line within 10 s"
fi
[ "$(cat "/proc/$pid/comm" 2>/dev/null)" = icmpmon ] || fail "pid $pid is not icmpmon"
# While it runs: XDP on the veth and an egress filter in icmpmon's slot range.
ip -n "$NS_P" -d link show dev "$VETH_P" 2>/dev/null | grep -q 'prog/xdp' ||
	fail "no XDP program on $VETH_P while icmpmon runs"
egress_attached "$NS_P" "$VETH_P" "$pid" ||
	fail "no icmpmon tc egress filter or TCX link on $VETH_P while icmpmon runs"

# (bash's "Killed" job notice goes to /dev/null)
{ kill -KILL "$pid"; bg_wait "$pid" 5; } 2>/dev/null
[ "$BG_RC" -eq 137 ] || fail "icmpmon exited $BG_RC after SIGKILL, expected 137"
# The XDP bpf_link is released with the last fd; allow the kernel a moment.
for ((i = 0; i < 40; i++)); do
	ip -n "$NS_P" -d link show dev "$VETH_P" 2>/dev/null | grep -q 'prog/xdp' || break
	sleep 0.05
done
if ip -n "$NS_P" -d link show dev "$VETH_P" 2>/dev/null | grep -q 'prog/xdp'; then
	ip -n "$NS_P" -d link show dev "$VETH_P" | sed 's/^/#   /'
	fail "an XDP program is still attached after SIGKILL"
fi
if ip netns exec "$NS_P" bpftool -j net show | jq -e '[.[] | (.xdp // [])[]] | length > 0' >/dev/null; then
	ip netns exec "$NS_P" bpftool net show | sed 's/^/#   /'
	fail "bpftool net show still lists XDP after SIGKILL"
fi
stale=$(tc -n "$NS_P" filter show dev "$VETH_P" egress | grep -Ec "handle $TC_HANDLE_RE")
diag "icmpmon tc filters left by the killed run: $stale"

icmpmon_p next -c 3 -i 0.2 "$ANSWERED"
if [ "$RC" -ne 0 ]; then
	diag_file "$TMPD/next.out"; diag_file "$TMPD/next.err"
	fail "the run after SIGKILL exited $RC, expected 0"
fi
check_ping_output "$TMPD/next.out" "$ANSWERED" 3 || { diag_file "$TMPD/next.out"; fail "the run after SIGKILL: $WHY"; }
state=$(attached_state)
if [ -n "$state" ]; then
	echo "$state" | sed 's/^/#   /'
	fail "left attached after the run that followed the SIGKILL"
fi
pass
