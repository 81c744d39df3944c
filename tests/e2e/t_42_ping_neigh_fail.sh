#!/usr/bin/env bash
# ping to an on-link address nobody owns (issue 14, row 2): the probes die in
# the neighbour queue and the kernel answers each with an ICMP error to the
# prober itself, which reaches only the sending socket. ping prints a "From"
# line per error, "+N errors" and, over IPv4, "pipe N" when the errors come
# after several probes; icmpmon prints the same (times masked).
. "$(dirname "$0")/lib.sh"

topo_up
topo6_up
DEAD=10.200.0.99   # in the prober's veth subnet, owned by nobody
DEAD6=fd00:200::99
FAILS=0

# retrans MS: the prober gives up on a neighbour after 3 solicitations MS apart.
retrans() {
	in_p sysctl -qw "net.ipv4.neigh.$VETH_P.retrans_time_ms=$1" "net.ipv6.neigh.$VETH_P.retrans_time_ms=$1" \
		"net.ipv4.neigh.$VETH_P.mcast_solicit=3" "net.ipv6.neigh.$VETH_P.mcast_solicit=3" ||
		fail "cannot set the prober's neighbour timers"
}

# same NAME ARGS...: ping and icmpmon with ARGS: same exit status, same output (times masked).
same() {
	local name=$1
	shift
	run_p "$name.ping" 30 ping "$@"
	local rc_ping=$RC
	icmpmon_p "$name.im" "$@"
	if [ "$RC" != "$rc_ping" ]; then
		echo "# MISMATCH ($name): exit status: ping $rc_ping, icmpmon $RC (args: $*)"
		diag_file "$TMPD/$name.im.err"
		FAILS=$((FAILS + 1))
	fi
	if ! same_as_ping "$TMPD/$name.im.out" "$TMPD/$name.ping.out"; then
		echo "# MISMATCH ($name): output differs from ping's (args: $*)"
		FAILS=$((FAILS + 1))
	fi
}

# each error 300 ms after its probe, before the next one: no pipe
retrans 100
same one_by_one -c 3 -i 1 "$DEAD"
grep -c '^From 10.200.0.1 icmp_seq=[123] Destination Host Unreachable$' "$TMPD/one_by_one.im.out" | grep -qx 3 ||
	{ echo "# MISMATCH (one_by_one): not 3 'From' lines"; FAILS=$((FAILS + 1)); }
grep -q '^3 packets transmitted, 0 received, +3 errors, 100% packet loss, time [0-9]*ms$' "$TMPD/one_by_one.im.out" ||
	{ echo "# MISMATCH (one_by_one): not '+3 errors'"; FAILS=$((FAILS + 1)); }
same ipv6 -c 3 -i 1 "$DEAD6"
# all three errors 3 s after the first probe, when all three are out: pipe 3
retrans 1000
same piped -c 3 -i 0.3 "$DEAD"
grep -qx 'pipe 3' "$TMPD/piped.im.out" || { echo "# MISMATCH (piped): no 'pipe 3'"; FAILS=$((FAILS + 1)); }

[ "$FAILS" = 0 ] || fail "$FAILS differences from ping (see above)"
pass
