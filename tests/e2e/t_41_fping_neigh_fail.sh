#!/usr/bin/env bash
# An on-link address nobody owns (issue 14, row 1): ARP/ND never resolves, so
# the probes wait in the neighbour queue, where tc egress never sees them,
# and die there; the kernel then sends ICMP errors to the prober itself. The
# probes count as sent and time out, the errors are printed and counted as
# fping prints and counts them (fping 5.1 ignores ICMPv6 errors), and -C
# prints '-' per lost probe. The prober gives up on a neighbour after 3
# solicitations 100 ms apart, so each error comes 300 ms after its probe.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/fping_compare.sh"
need_fping

topo_up
topo6_up
in_p sysctl -qw "net.ipv4.neigh.$VETH_P.retrans_time_ms=100" "net.ipv6.neigh.$VETH_P.retrans_time_ms=100" \
	"net.ipv4.neigh.$VETH_P.mcast_solicit=3" "net.ipv6.neigh.$VETH_P.mcast_solicit=3" ||
	fail "cannot set the prober's neighbour timers"
DEAD=10.200.0.99   # in the prober's veth subnet, owned by nobody
DEAD6=fd00:200::99

both count -c 3 -p 1000 "$DEAD"
grep -c '^ICMP Host Unreachable from 10.200.0.1 for ICMP Echo sent to 10.200.0.99$' "$TMPD/count.im.err" |
	grep -qx 3 || differs count "not 3 ICMP Host Unreachable lines"
grep -q "^$DEAD : xmt/rcv/%loss = 3/0/100%$" "$TMPD/count.im.err" || differs count "not 3/0/100%"
both vcount -C 3 -q -p 1000 "$DEAD"
grep -q "^$DEAD : - - -$" "$TMPD/vcount.im.err" || differs vcount "no '- - -'"
both stats -s -c 2 -p 1000 "$DEAD"
both alive -s -r 1 -t 1000 "$DEAD"
both mixed --sort -c 3 -p 1000 "$ANSWERED" "$DEAD"
both count6 -c 3 -p 1000 "$DEAD6"
both vcount6 -C 2 -q -p 500 "$DEAD6"

[ "$FAILS" = 0 ] || fail "$FAILS differences from fping 5.1 (see above)"
pass
