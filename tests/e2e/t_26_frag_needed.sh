#!/usr/bin/env bash
# Path MTU errors quoting our probes: the router's link to the destination
# has an MTU of 1280, probes of -s 1400 do not fit. The first probe gets
# "Frag needed and DF set (mtu = 1280)" (IPv4) or "Packet too big: mtu=1280"
# (IPv6) from the router, the prober's kernel learns the path MTU and
# fragments the next probes, which are answered (in fragments). icmpmon
# prints exactly what ping prints, the MTU included, through each receive hook.
. "$(dirname "$0")/lib.sh"
topo_up
topo6_up
router_up

ip -n "$NS_R" link set dev "$VETH_GD" mtu 1280 &&
ip -n "$NS_D" link set dev "$VETH_D" mtu 1280 || fail "cannot set the MTU of the router's far link"
settle "$NS_P" "$DEST" || fail "no path to $DEST after the MTU change"
settle "$NS_P" "$DEST6" || fail "no path to $DEST6 after the MTU change"

# The prober forgets the path MTU it learnt, so that the next probe meets the
# router's 1280 again.
forget_pmtu() {
	ip -n "$NS_P" route flush cache >/dev/null 2>&1
	ip -n "$NS_P" -6 route flush cache >/dev/null 2>&1
	if ip -n "$NS_P" route get "$DEST" | grep -q 'mtu' || ip -n "$NS_P" -6 route get "$DEST6" | grep -q 'mtu'; then
		fail "the prober still has a path MTU for the destination"
	fi
}

# pmtu_case NAME TARGET TEXT [icmpmon options]: icmpmon's and ping's outputs
# for -s 1400 -c 3 are the same (times masked): one TEXT error, two replies.
pmtu_case() {
	local name=$1 t=$2 text=$3 from=$R_ADDR
	shift 3
	case $t in *:*) from=$R6_ADDR ;; esac
	forget_pmtu
	run_p "$name.ping" 30 ping -s 1400 -c 3 -i 0.2 -W 2 "$t"
	if [ "$RC" -ne 0 ] || ! grep -Fxq "From $from icmp_seq=1 $text" "$TMPD/$name.ping.out"; then
		diag_file "$TMPD/$name.ping.out"
		fail "$name: the reference ping did not get '$text' for its first probe (exit $RC)"
	fi
	forget_pmtu
	icmpmon_p "$name" "$@" -s 1400 -c 3 -i 0.2 -W 2 "$t"
	[ "$RC" -eq 0 ] || { diag_file "$TMPD/$name.out"; diag_file "$TMPD/$name.err"; fail "$name: icmpmon exited $RC, expected 0"; }
	grep -Eq '^3 packets transmitted, 2 received, \+1 errors, 33\.3333% packet loss, time [0-9]+ms$' "$TMPD/$name.out" ||
		{ diag_file "$TMPD/$name.out"; fail "$name: counts line is '$(grep transmitted "$TMPD/$name.out")'"; }
	same_as_ping "$TMPD/$name.out" "$TMPD/$name.ping.out" ||
		fail "$name ($*): icmpmon's output differs from ping's (times masked); expected 'From $from icmp_seq=1 $text'"
}

for hook in "--xdp-mode native" "--xdp-mode generic" "--attach tc"; do
	# shellcheck disable=SC2086 # option and value
	pmtu_case frag4 "$DEST" "Frag needed and DF set (mtu = 1280)" $hook
	# shellcheck disable=SC2086
	pmtu_case ptb6 "$DEST6" "Packet too big: mtu=1280" $hook
done
state=$(attached_state)
[ -z "$state" ] || fail "left attached: $state"
pass
