#!/usr/bin/env bash
# VLANs. Part 1: the responder's tc egress pushes 802.1Q, or
# 802.1ad + 802.1Q (QinQ), tags into its echo replies, in the frame's bytes,
# so that icmpmon's XDP program on the prober's veth has to skip one or two
# tags to find the IP header (tc ingress sees them after the stack untagged
# the outer one). With VLAN id 0 (priority tags) the prober's stack accepts
# the replies too, so ping gives the reference output; with VLAN id 100 (no
# such VLAN on the prober) the stack drops them: ping gets nothing, which
# shows the tags are really on the wire, and icmpmon counts nothing either
# (a reply the host would not take is no reply; issue 12, row 7).
# Part 2 (needs 802.1Q devices in the kernel, a separate check skipped
# without them): a VLAN device on each side of
# the veth pair, then a QinQ stack (802.1ad outer, 802.1Q inner); the route's
# interface is the VLAN device, so icmpmon attaches there (XDP generic on a
# VLAN device sees untagged frames) and counts every reply.
. "$(dirname "$0")/lib.sh"

need clang
topo_up
topo6_up
# Can this kernel make 802.1Q devices? (a throwaway one in the prober)
has_vlan=0
if ip -n "$NS_P" link add link "$VETH_P" name imz$$ type vlan id 4000 2>/dev/null; then
	has_vlan=1
	ip -n "$NS_P" link del imz$$
fi

# check_both NAME COUNT: NAME.out counts COUNT of COUNT for $ANSWERED and $ANSWERED6.
check_both() {
	local t
	for t in "$ANSWERED" "$ANSWERED6"; do
		check_target_block "$TMPD/$1.out" "$t" "$2" || { diag_file "$TMPD/$1.out"; diag_file "$TMPD/$1.err"; fail "$1: $WHY"; }
	done
}

# ---- Part 1: tags pushed into the replies' frames by the responder ----
tagger_src=$(cat <<'EOF'
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

/* -DTAGS=1|2 -DOUTER_TPID=0x8100|0x88a8 -DVID=n; the inner tag of two is 802.1Q. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} tagged SEC(".maps");

SEC("tc")
int tagger(struct __sk_buff *skb)
{
	void *data = (void *)(long)skb->data, *end = (void *)(long)skb->data_end;
	struct ethhdr *eth = data;
	__u8 tags[4 * TAGS + 2];
	__u32 zero = 0;
	__u16 proto;
	__u64 *n;
	__u8 *l4;

	if ((void *)(eth + 1) > end)
		return -1;
	proto = eth->h_proto;
	if (proto == bpf_htons(ETH_P_IP)) {
		struct iphdr *ip = (void *)(eth + 1);

		if ((void *)(ip + 1) > end || ip->protocol != 1 || ip->ihl != 5)
			return -1;
		l4 = (void *)(ip + 1);
		if ((void *)(l4 + 1) > end || *l4 != 0) /* echo reply only */
			return -1;
	} else if (proto == bpf_htons(ETH_P_IPV6)) {
		struct ipv6hdr *ip6 = (void *)(eth + 1);

		if ((void *)(ip6 + 1) > end || ip6->nexthdr != 58)
			return -1;
		l4 = (void *)(ip6 + 1);
		if ((void *)(l4 + 1) > end || *l4 != 129) /* echo reply only */
			return -1;
	} else {
		return -1;
	}
	/* Room between the Ethernet and the IP header, then rewrite from the
	 * EtherType on: TPID, TCI (, TPID, TCI), original EtherType. */
	if (bpf_skb_adjust_room(skb, 4 * TAGS, BPF_ADJ_ROOM_MAC, 0))
		return -1;
	tags[0] = OUTER_TPID >> 8;
	tags[1] = OUTER_TPID & 0xff;
	tags[2] = VID >> 8;
	tags[3] = VID & 0xff;
#if TAGS == 2
	tags[4] = 0x81;
	tags[5] = 0x00;
	tags[6] = VID >> 8;
	tags[7] = VID & 0xff;
#endif
	__builtin_memcpy(&tags[4 * TAGS], &proto, 2);
	if (bpf_skb_store_bytes(skb, 12, tags, sizeof(tags), 0))
		return 2; /* TC_ACT_SHOT: never a half-written frame */
	n = bpf_map_lookup_elem(&tagged, &zero);
	if (n)
		__sync_fetch_and_add(n, 1);
	return -1;
}

char LICENSE[] SEC("license") = "GPL";
EOF
)
bpf_build q0 -DTAGS=1 -DOUTER_TPID=0x8100 -DVID=0 <<< "$tagger_src"
bpf_build qinq0 -DTAGS=2 -DOUTER_TPID=0x88a8 -DVID=0 <<< "$tagger_src"
bpf_build q100 -DTAGS=1 -DOUTER_TPID=0x8100 -DVID=100 <<< "$tagger_src"
tc -n "$NS_R" qdisc add dev "$VETH_R" clsact || fail "cannot add clsact on the responder's veth"

# use_tagger NAME: the responder tags its echo replies with NAME.o; sets TAG_MAP.
use_tagger() {
	local id
	tc -n "$NS_R" filter replace dev "$VETH_R" egress prio 1 handle 1 bpf da obj "$TMPD/$1.o" sec tc ||
		fail "cannot attach the $1 tagger"
	id=$(tc -n "$NS_R" -j filter show dev "$VETH_R" egress | jq -r '.[] | select(.options.prog.name == "tagger") | .options.prog.id')
	TAG_MAP=$(prog_map_id "$id")
	[ -n "$TAG_MAP" ] || fail "no map for the $1 tagger"
}
# tagged_since N: the tagger tagged at least N replies since the last call.
TAG_LAST=0
tagged_since() {
	local now
	now=$(map_u64 "$TAG_MAP" 0)
	[ "$((now - TAG_LAST))" -ge "$1" ] || fail "the tagger tagged $((now - TAG_LAST)) replies, expected at least $1"
	TAG_LAST=$now
}

for cfg in q0 qinq0; do
	use_tagger "$cfg"
	TAG_LAST=0
	# The reference: ping still gets its replies through priority tags.
	run_p "$cfg.ping" 30 ping -c 5 -i 0.2 "$ANSWERED"
	if [ "$RC" -ne 0 ] || ! check_ping_output "$TMPD/$cfg.ping.out" "$ANSWERED" 5; then
		diag_file "$TMPD/$cfg.ping.out"
		fail "$cfg: the reference ping did not get its replies through the tagged frames (exit $RC) ${WHY:-}"
	fi
	tagged_since 5
	icmpmon_p "$cfg" -c 5 -i 0.2 "$ANSWERED"
	if [ "$RC" -ne 0 ] || ! check_ping_output "$TMPD/$cfg.out" "$ANSWERED" 5; then
		diag_file "$TMPD/$cfg.out"; diag_file "$TMPD/$cfg.err"
		fail "$cfg tagged replies: icmpmon (exit $RC): ${WHY:-expected exit 0}"
	fi
	same_as_ping "$TMPD/$cfg.out" "$TMPD/$cfg.ping.out" || fail "$cfg tagged replies: icmpmon's output differs from ping's"
	tagged_since 5
	for hook in "--xdp-mode native" "--xdp-mode generic" "--attach tc"; do
		# shellcheck disable=SC2086 # option and value
		icmpmon_p hook $hook -c 5 -i 0.1 "$ANSWERED" "$ANSWERED6"
		[ "$RC" -eq 0 ] || { diag_file "$TMPD/hook.out"; diag_file "$TMPD/hook.err"; fail "$cfg $hook: exit $RC, expected 0"; }
		check_both hook 5
		tagged_since 10
		state=$(attached_state)
		[ -z "$state" ] || fail "$cfg: left attached after $hook: $state"
	done
done

# VLAN 100: the prober's stack drops the replies, and XDP rejects them as not for this host.
use_tagger q100
TAG_LAST=0
run_p q100.ping 30 ping -c 3 -i 0.2 -W 1 "$ANSWERED"
if [ "$RC" -ne 1 ] || ! grep -Eq '^3 packets transmitted, 0 received' "$TMPD/q100.ping.out"; then
	diag_file "$TMPD/q100.ping.out"
	fail "q100: ping got replies tagged with VLAN 100 (exit $RC): the tags are not on the wire"
fi
tagged_since 3
for hook in "--xdp-mode native" "--xdp-mode generic"; do
	# shellcheck disable=SC2086 # option and value
	icmpmon_p hook $hook -v -c 5 -i 0.1 -W 1 "$ANSWERED" "$ANSWERED6"
	[ "$RC" -eq 1 ] || { diag_file "$TMPD/hook.out"; diag_file "$TMPD/hook.err"; fail "q100 $hook: exit $RC, expected 1"; }
	[ "$(grep -c '^5 packets transmitted, 0 received, 100% packet loss' "$TMPD/hook.out")" -eq 2 ] ||
		{ diag_file "$TMPD/hook.out"; fail "q100 $hook: replies tagged with VLAN 100 were counted"; }
	grep -qx 'icmpmon: rejected: 10 not for this host' "$TMPD/hook.out" ||
		{ diag_file "$TMPD/hook.out"; fail "q100 $hook: -v does not say 10 replies were not for this host"; }
	tagged_since 10
done
tc -n "$NS_R" filter del dev "$VETH_R" egress prio 1 handle 1 bpf || fail "cannot remove the tagger"
state=$(attached_state)
[ -z "$state" ] || fail "left attached after the tagged runs: $state"

# ---- Part 2: VLAN devices ----
if [ "$has_vlan" = 0 ]; then
	skip_part vlan-devices "this kernel has no 802.1Q devices (CONFIG_VLAN_8021Q)"
	pass
fi

# vlan_case NAME DEV_P PEER_ADDR: over the VLAN device DEV_P, icmpmon
# attaches to DEV_P, prints what ping prints and leaves nothing behind.
vlan_case() {
	local name=$1 dev=$2 peer=$3 state
	settle "$NS_P" "$peer" || fail "$name: $peer does not answer over $dev"
	icmpmon_p "$name.v" -v -c 5 -i 0.2 "$peer"
	if [ "$RC" -ne 0 ] || ! check_ping_output "$TMPD/$name.v.out" "$peer" 5; then
		diag_file "$TMPD/$name.v.out"; diag_file "$TMPD/$name.v.err"
		fail "$name: icmpmon -v over $dev (exit $RC): ${WHY:-expected exit 0}"
	fi
	if ! grep -Eq "^icmpmon: $dev: replies caught in " "$TMPD/$name.v.err" ||
	   [ "$(grep -c 'replies caught in' "$TMPD/$name.v.err")" -ne 1 ]; then
		diag_file "$TMPD/$name.v.err"
		fail "$name: icmpmon did not attach (only) to the route's interface $dev"
	fi
	icmpmon_p "$name" -c 5 -i 0.2 "$peer"
	run_p "$name.ping" 30 ping -c 5 -i 0.2 "$peer"
	[ "$RC" -eq 0 ] || { diag_file "$TMPD/$name.ping.out"; fail "$name: the reference ping exited $RC"; }
	same_as_ping "$TMPD/$name.out" "$TMPD/$name.ping.out" || fail "$name: icmpmon's output differs from ping's"
	state=$(attached_on "$NS_P" "$dev"; attached_on "$NS_P" "$VETH_P")
	[ -z "$state" ] || fail "$name: left attached: $state"
}

# 802.1Q, VLAN 100.
ip -n "$NS_P" link add link "$VETH_P" name imv$$ type vlan id 100 &&
ip -n "$NS_R" link add link "$VETH_R" name imw$$ type vlan id 100 &&
ip -n "$NS_P" addr add 10.230.0.1/24 dev imv$$ &&
ip -n "$NS_R" addr add 10.230.0.2/24 dev imw$$ &&
ip -n "$NS_P" addr add fd00:230::1/64 dev imv$$ nodad &&
ip -n "$NS_R" addr add fd00:230::2/64 dev imw$$ nodad &&
ip -n "$NS_P" link set imv$$ up &&
ip -n "$NS_R" link set imw$$ up || fail "cannot set up VLAN 100 on the veth pair"
vlan_case vlan100 imv$$ 10.230.0.2
settle "$NS_P" fd00:230::2 || fail "fd00:230::2 does not answer over VLAN 100"
icmpmon_p vlan100_6 -c 3 -i 0.2 fd00:230::2 10.230.0.2
for t in fd00:230::2 10.230.0.2; do
	check_target_block "$TMPD/vlan100_6.out" "$t" 3 || { diag_file "$TMPD/vlan100_6.out"; fail "VLAN 100, dual stack: $WHY"; }
done

# QinQ: 802.1ad VLAN 200 outside, 802.1Q VLAN 300 inside.
if ip -n "$NS_P" link add link "$VETH_P" name ims$$ type vlan proto 802.1ad id 200 2>/dev/null; then
	ip -n "$NS_R" link add link "$VETH_R" name imt$$ type vlan proto 802.1ad id 200 &&
	ip -n "$NS_P" link add link ims$$ name imq$$ type vlan id 300 &&
	ip -n "$NS_R" link add link imt$$ name imu$$ type vlan id 300 &&
	ip -n "$NS_P" addr add 10.231.0.1/24 dev imq$$ &&
	ip -n "$NS_R" addr add 10.231.0.2/24 dev imu$$ &&
	ip -n "$NS_P" link set ims$$ up && ip -n "$NS_P" link set imq$$ up &&
	ip -n "$NS_R" link set imt$$ up && ip -n "$NS_R" link set imu$$ up || fail "cannot set up QinQ on the veth pair"
	vlan_case qinq imq$$ 10.231.0.2
	state=$(attached_on "$NS_P" ims$$)
	[ -z "$state" ] || fail "qinq: left attached: $state"
else
	skip_part qinq-devices "this kernel has no 802.1ad VLAN devices"
fi
pass
