#!/usr/bin/env bash
# Targets behind two interfaces in one run: a second veth pair to the
# responder, with its own IPv4 and IPv6 subnets. icmpmon attaches its
# catcher and its egress stamper on both interfaces, counts every reply of
# every target, and leaves nothing on either one; through XDP and through tc
# ingress, and with XDP taken by a foreign program on one of the two.
#
#   prober VETH_P (10.200.0/24, fd00:200::/64) -- responder: 10.201/16, fd00:201::/64 local
#   prober VETH_Q (10.205.0/24, fd00:205::/64) -- responder: 10.207/16, fd00:207::/64 local
. "$(dirname "$0")/lib.sh"
need clang
topo_up
topo6_up

VETH_Q=imq$$
VETH_S=ims$$
veth_pair "$NS_P" "$VETH_Q" "$NS_R" "$VETH_S"
ip -n "$NS_P" addr add 10.205.0.1/24 dev "$VETH_Q" &&
ip -n "$NS_R" addr add 10.205.0.2/24 dev "$VETH_S" &&
ip -n "$NS_P" addr add fd00:205::1/64 dev "$VETH_Q" nodad &&
ip -n "$NS_R" addr add fd00:205::2/64 dev "$VETH_S" nodad &&
ip -n "$NS_R" route add local 10.207.0.0/16 dev lo &&
ip -n "$NS_R" -6 route add local fd00:207::/64 dev lo &&
ip -n "$NS_P" route add 10.207.0.0/16 via 10.205.0.2 dev "$VETH_Q" &&
ip -n "$NS_P" -6 route add fd00:207::/64 via fd00:205::2 dev "$VETH_Q" ||
	fail "cannot configure the second veth pair"
settle "$NS_P" 10.205.0.2 || fail "the responder does not answer 10.205.0.2"
settle "$NS_P" fd00:205::2 || fail "the responder does not answer fd00:205::2"

# Two targets of each family behind each interface.
T_P=("$ANSWERED" "$ANSWERED6" 10.201.0.8 fd00:201::8)
T_Q=(10.207.0.7 fd00:207::7 10.205.0.2 fd00:205::2)
ALL=("${T_P[@]}" "${T_Q[@]}")
# The kernel's view: which interface each target is routed over.
for t in "${T_P[@]}"; do
	ip -n "$NS_P" route get "$t" | grep -q "dev $VETH_P " || fail "$t is not routed over $VETH_P"
done
for t in "${T_Q[@]}"; do
	ip -n "$NS_P" route get "$t" | grep -q "dev $VETH_Q " || fail "$t is not routed over $VETH_Q"
done

# check_all NAME COUNT: every target has COUNT of COUNT, nothing else printed.
check_all() {
	local f=$TMPD/$1.out t n=${#ALL[@]}
	for t in "${ALL[@]}"; do
		check_target_block "$f" "$t" "$2" || { diag_file "$f"; diag_file "$TMPD/$1.err"; fail "$1: $WHY"; }
	done
	[ "$(wc -l < "$f")" -eq $((n + n * $2 + 4 * n)) ] ||
		{ diag_file "$f"; fail "$1: $(wc -l < "$f") lines, expected $((n + n * $2 + 4 * n))"; }
}

# nothing_left WHEN: neither interface has anything of icmpmon's.
nothing_left() {
	local state
	state=$(attached_on "$NS_P" "$VETH_P"; attached_on "$NS_P" "$VETH_Q"; attached_on "$NS_P" lo)
	[ -z "$state" ] || fail "$1: left attached: $state"
}

# ---- XDP on both, checked while the run lasts ----
bg_p bg "$ICMPMON" -c 40 -i 0.1 "${ALL[@]}"
pid=$BG_PID
for t in "${ALL[@]}"; do
	wait_match "$TMPD/bg.out" "^64 bytes from $(re_quote "$t"): icmp_seq=1 " 15 ||
		{ diag_file "$TMPD/bg.out"; diag_file "$TMPD/bg.err"; fail "no first reply from $t within 15 s"; }
done
alive "$pid" || { diag_file "$TMPD/bg.out"; fail "icmpmon ended before its programs could be looked at"; }
net=$(ip netns exec "$NS_P" bpftool -j net show)
for dev in "$VETH_P" "$VETH_Q"; do
	xdp=$(echo "$net" | jq -r --arg d "$dev" '[.[] | (.xdp // [])[] | select(.devname == $d) | .id] | .[0] // empty')
	[ -n "$xdp" ] || { echo "$net" | sed 's/^/#   /'; fail "no XDP program on $dev while icmpmon runs"; }
	[ "$(bpftool -j prog show id "$xdp" | jq -r .name)" = icmpmon_xdp ] || fail "the XDP program on $dev is not icmpmon_xdp"
	egress_attached "$NS_P" "$dev" "$pid" ||
		fail "no icmpmon tc egress filter or TCX link on $dev while icmpmon runs"
done
alive "$pid" || { diag_file "$TMPD/bg.out"; fail "icmpmon ended while its programs were looked at (raise -c)"; }
bg_wait "$pid" 30
[ "$BG_RC" -eq 0 ] || { diag_file "$TMPD/bg.out"; diag_file "$TMPD/bg.err"; fail "icmpmon over two interfaces exited $BG_RC, expected 0"; }
[ -s "$TMPD/bg.err" ] && { diag_file "$TMPD/bg.err"; fail "icmpmon over two interfaces wrote to stderr"; }
check_all bg 40
nothing_left "after the XDP run"

# ---- tc ingress on both ----
icmpmon_p tc --attach tc -v -c 5 -i 0.1 "${ALL[@]}"
[ "$RC" -eq 0 ] || { diag_file "$TMPD/tc.out"; diag_file "$TMPD/tc.err"; fail "--attach tc over two interfaces exited $RC"; }
check_all tc 5
for dev in "$VETH_P" "$VETH_Q"; do
	grep -Fxq "icmpmon: $dev: replies caught in tc ingress" "$TMPD/tc.err" ||
		{ diag_file "$TMPD/tc.err"; fail "--attach tc -v does not say it caught replies in tc ingress on $dev"; }
done
nothing_left "after the tc ingress run"

# ---- a foreign XDP program on the second interface: XDP on one, tc on the other ----
bpf_build pass <<'EOF'
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
SEC("xdp")
int foreign_pass(struct xdp_md *ctx)
{
	return XDP_PASS;
}
char LICENSE[] SEC("license") = "GPL";
EOF
ip -n "$NS_P" link set dev "$VETH_Q" xdpgeneric obj "$TMPD/pass.o" sec xdp || fail "cannot attach the foreign XDP program"
fid=$(ip -n "$NS_P" -d -j link show dev "$VETH_Q" | jq -r '.[0].xdp.prog.id // empty')
icmpmon_p mixed -v -c 5 -i 0.1 "${ALL[@]}"
[ "$RC" -eq 0 ] || { diag_file "$TMPD/mixed.out"; diag_file "$TMPD/mixed.err"; fail "XDP + tc fallback exited $RC"; }
check_all mixed 5
grep -Eq "^icmpmon: $VETH_P: replies caught in XDP" "$TMPD/mixed.err" &&
grep -Eq "^icmpmon: $VETH_Q: .*another XDP program.*tc ingress" "$TMPD/mixed.err" ||
	{ diag_file "$TMPD/mixed.err"; fail "expected XDP on $VETH_P and the tc fallback on $VETH_Q"; }
[ "$(ip -n "$NS_P" -d -j link show dev "$VETH_Q" | jq -r '.[0].xdp.prog.id // empty')" = "$fid" ] ||
	fail "the foreign XDP program on $VETH_Q is gone or replaced"
ip -n "$NS_P" link set dev "$VETH_Q" xdpgeneric off || fail "cannot detach the foreign XDP program"
nothing_left "after the mixed run"
[ -z "$(bpf_net_list "$NS_P")" ] || { bpf_net_list "$NS_P" | sed 's/^/#   /'; fail "programs left in the prober namespace"; }
pass
