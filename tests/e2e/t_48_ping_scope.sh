#!/usr/bin/env bash
# Issue #14 row 9 (%scope): ping fe80::2%IFACE keeps the scope: probes leave
# through IFACE and the header, reply lines and summary print the address
# with its %IFACE, as iputils ping does.
. "$(dirname "$0")/lib.sh"
topo_up
# fixed link-local addresses, usable at once
ip -n "$NS_P" addr add fe80::1/64 dev "$VETH_P" nodad &&
ip -n "$NS_R" addr add fe80::2/64 dev "$VETH_R" nodad || fail "cannot add link-local addresses"
ip netns exec "$NS_R" sysctl -q -w net.ipv6.icmp.ratelimit=0 net.ipv6.icmp.echo_ignore_all=0 >/dev/null ||
	fail "cannot set the responder's ICMPv6 sysctls"
T="fe80::2%$VETH_P"
settle "$NS_P" "$T" || fail "the responder does not answer $T"

run_p ping 30 ping -c 3 -i 0.2 "$T"
[ "$RC" = 0 ] || { diag_file "$TMPD/ping.err"; fail "the reference ping $T exited $RC"; }
icmpmon_p im -c 3 -i 0.2 "$T"
[ "$RC" = 0 ] || { diag_file "$TMPD/im.out"; diag_file "$TMPD/im.err"; fail "icmpmon $T exited $RC"; }
[ -s "$TMPD/im.err" ] && { diag_file "$TMPD/im.err"; fail "icmpmon $T wrote to stderr"; }
grep -qFx "PING $T($T) 56 data bytes" "$TMPD/im.out" || { diag_file "$TMPD/im.out"; fail "header without the scope"; }
[ "$(grep -cF "64 bytes from $T: icmp_seq=" "$TMPD/im.out")" = 3 ] || { diag_file "$TMPD/im.out"; fail "reply lines without the scope"; }
same_as_ping "$TMPD/im.out" "$TMPD/ping.out" || fail "icmpmon $T: output differs from ping's"

# a numeric scope (the interface index) works too and is printed as its name, as ping does
idx=$(ip netns exec "$NS_P" cat "/sys/class/net/$VETH_P/ifindex")
run_p ping 30 ping -c 2 -i 0.2 "fe80::2%$idx"
icmpmon_p im -c 2 -i 0.2 "fe80::2%$idx"
[ "$RC" = 0 ] || { diag_file "$TMPD/im.err"; fail "icmpmon fe80::2%$idx exited $RC"; }
same_as_ping "$TMPD/im.out" "$TMPD/ping.out" || fail "icmpmon fe80::2%$idx: output differs from ping's"

# -I IFACE with an unscoped link-local target: ping takes IFACE as the scope and
# prints the replies' source with it (fe80::2%IFACE), as it learns it from the socket
run_p ping 30 ping -c 2 -i 0.2 -I "$VETH_P" fe80::2
[ "$RC" = 0 ] || { diag_file "$TMPD/ping.err"; fail "the reference ping -I $VETH_P fe80::2 exited $RC"; }
icmpmon_p im -c 2 -i 0.2 -I "$VETH_P" fe80::2
[ "$RC" = 0 ] || { diag_file "$TMPD/im.err"; fail "icmpmon -I $VETH_P fe80::2 exited $RC"; }
same_as_ping "$TMPD/im.out" "$TMPD/ping.out" || fail "icmpmon -I $VETH_P fe80::2: output differs from ping's"

[ -z "$(attached_state)" ] || fail "something left attached"
pass
