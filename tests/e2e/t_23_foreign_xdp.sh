#!/usr/bin/env bash
# Coexistence with other people's programs on the prober's interface: a
# foreign XDP program (generic, then native) and foreign tc filters on clsact
# egress and ingress, each counting ICMP packets by type in its own map.
# --attach auto falls back to tc ingress (one line on stderr) and gets every
# reply; --attach xdp exits 2 with one line; afterwards the foreign programs
# are still attached (same ids) and still see packets. The foreign tc filters
# sit after icmpmon's (prio 50000 > 0xc1c0): they only see packets because
# icmpmon's programs return TC_ACT_UNSPEC.
. "$(dirname "$0")/lib.sh"
need clang
topo_up

bpf_build foreign <<'EOF'
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

/* ICMP packets seen, by ICMP type. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 256);
	__type(key, __u32);
	__type(value, __u64);
} foreign_icmp SEC(".maps");

static __always_inline void count_icmp(void *data, void *end)
{
	struct ethhdr *eth = data;
	struct iphdr *ip = (void *)(eth + 1);
	__u8 *icmp;
	__u32 type;
	__u64 *v;

	if ((void *)(ip + 1) > end || eth->h_proto != bpf_htons(ETH_P_IP) || ip->protocol != 1)
		return;
	icmp = (__u8 *)ip + ip->ihl * 4;
	if ((void *)(icmp + 1) > end)
		return;
	type = *icmp;
	v = bpf_map_lookup_elem(&foreign_icmp, &type);
	if (v)
		__sync_fetch_and_add(v, 1);
}

SEC("xdp")
int foreign_xdp(struct xdp_md *ctx)
{
	count_icmp((void *)(long)ctx->data, (void *)(long)ctx->data_end);
	return XDP_PASS;
}

SEC("tc")
int foreign_tc(struct __sk_buff *skb)
{
	count_icmp((void *)(long)skb->data, (void *)(long)skb->data_end);
	return -1; /* TC_ACT_UNSPEC: the next filter, or the default */
}

char LICENSE[] SEC("license") = "GPL";
EOF

ECHO_REPLY=0
ECHO_REQUEST=8

tc -n "$NS_P" qdisc add dev "$VETH_P" clsact || fail "cannot add a clsact qdisc"
for dir in egress ingress; do
	tc -n "$NS_P" filter add dev "$VETH_P" "$dir" prio 50000 handle 1 bpf da obj "$TMPD/foreign.o" sec tc ||
		fail "cannot attach the foreign tc $dir filter"
done
tc_id() { tc -n "$NS_P" -j filter show dev "$VETH_P" "$1" | jq -r '.[] | select(.options.prog.name == "foreign_tc") | .options.prog.id'; }
EG_ID=$(tc_id egress)
IN_ID=$(tc_id ingress)
[ -n "$EG_ID" ] && [ -n "$IN_ID" ] || fail "cannot find the foreign tc programs' ids"
EG_MAP=$(prog_map_id "$EG_ID")
IN_MAP=$(prog_map_id "$IN_ID")
[ -n "$EG_MAP" ] && [ -n "$IN_MAP" ] || fail "cannot find the foreign tc programs' maps"
xdp_id() { ip -n "$NS_P" -d -j link show dev "$VETH_P" | jq -r '.[0].xdp.prog.id // empty'; }

# counters: the foreign programs' counts, "xdp_replies eg_requests in_replies".
counters() {
	echo "$(map_u64 "$XDP_MAP" "$ECHO_REPLY") $(map_u64 "$EG_MAP" "$ECHO_REQUEST") $(map_u64 "$IN_MAP" "$ECHO_REPLY")"
}

# saw_at_least BEFORE AFTER N WHAT: each foreign counter grew by N or more.
saw_at_least() {
	local -a b a
	local i names=("foreign XDP (echo replies)" "foreign tc egress (echo requests)" "foreign tc ingress (echo replies)")
	read -ra b <<< "$1"
	read -ra a <<< "$2"
	for i in 0 1 2; do
		[ "$((a[i] - b[i]))" -ge "$3" ] || fail "$4: the ${names[i]} counted $((a[i] - b[i])) packets, expected at least $3"
	done
}

# Our programs are gone, the foreign ones are all there, with the same ids.
only_foreign_left() {
	local want got
	want=$(printf '%s\n' "xdp $VETH_P $XDP_ID" "tc $VETH_P clsact/egress $EG_ID" "tc $VETH_P clsact/ingress $IN_ID" | sort)
	got=$(bpf_net_list "$NS_P")
	if [ "$got" != "$want" ]; then
		diag "bpftool net show, expected:" $want "got:" $got
		fail "$1: the programs attached to $VETH_P are not exactly the foreign ones"
	fi
	if tc -n "$NS_P" filter show dev "$VETH_P" egress | grep -Eq "$TC_HANDLE_RE|icmpmon" ||
	   tc -n "$NS_P" filter show dev "$VETH_P" ingress | grep -Eq "$TC_HANDLE_RE|icmpmon"; then
		tc -n "$NS_P" filter show dev "$VETH_P" egress | sed 's/^/#   /'
		tc -n "$NS_P" filter show dev "$VETH_P" ingress | sed 's/^/#   /'
		fail "$1: an icmpmon tc filter is left on $VETH_P"
	fi
}

for mode in xdpgeneric xdpdrv; do
	ip -n "$NS_P" link set dev "$VETH_P" "$mode" obj "$TMPD/foreign.o" sec xdp ||
		fail "cannot attach the foreign XDP program ($mode)"
	XDP_ID=$(xdp_id)
	[ -n "$XDP_ID" ] || fail "no id for the foreign XDP program ($mode)"
	XDP_MAP=$(prog_map_id "$XDP_ID")
	[ -n "$XDP_MAP" ] || fail "no map for the foreign XDP program ($mode)"

	# auto: falls back to tc ingress, says so once, counts everything.
	c0=$(counters)
	icmpmon_p auto -c 5 -i 0.2 "$ANSWERED"
	if [ "$RC" -ne 0 ] || ! check_ping_output "$TMPD/auto.out" "$ANSWERED" 5; then
		diag_file "$TMPD/auto.out"; diag_file "$TMPD/auto.err"
		fail "$mode foreign XDP, --attach auto (exit $RC): ${WHY:-expected exit 0}"
	fi
	if [ "$(wc -l < "$TMPD/auto.err")" -ne 1 ] ||
	   ! grep -Eq "^icmpmon: $VETH_P: .*another XDP program.*tc ingress" "$TMPD/auto.err"; then
		diag_file "$TMPD/auto.err"
		fail "$mode foreign XDP, --attach auto: stderr is not one line saying it falls back to tc ingress"
	fi
	c1=$(counters)
	saw_at_least "$c0" "$c1" 5 "$mode foreign XDP, during icmpmon --attach auto"
	[ "$(xdp_id)" = "$XDP_ID" ] || fail "$mode: the foreign XDP program changed from id $XDP_ID to '$(xdp_id)'"
	only_foreign_left "$mode foreign XDP, after icmpmon --attach auto"

	# xdp: refuses, one line, exit 2, nothing of its own left behind.
	icmpmon_p xdp --attach xdp -c 5 -i 0.2 "$ANSWERED"
	if [ "$RC" -ne 2 ]; then
		diag_file "$TMPD/xdp.out"; diag_file "$TMPD/xdp.err"
		fail "$mode foreign XDP, --attach xdp: exit $RC, expected 2"
	fi
	if [ "$(wc -l < "$TMPD/xdp.err")" -ne 1 ] || ! grep -q "another XDP program" "$TMPD/xdp.err"; then
		diag_file "$TMPD/xdp.err"
		fail "$mode foreign XDP, --attach xdp: stderr is not one line about the other XDP program"
	fi
	[ -s "$TMPD/xdp.out" ] && { diag_file "$TMPD/xdp.out"; fail "$mode foreign XDP, --attach xdp: output on stdout"; }
	only_foreign_left "$mode foreign XDP, after icmpmon --attach xdp"

	# --attach tc with the foreign XDP in place works too, without a word.
	icmpmon_p tc --attach tc -c 3 -i 0.2 "$ANSWERED"
	if [ "$RC" -ne 0 ] || ! check_ping_output "$TMPD/tc.out" "$ANSWERED" 3; then
		diag_file "$TMPD/tc.out"; diag_file "$TMPD/tc.err"
		fail "$mode foreign XDP, --attach tc (exit $RC): ${WHY:-expected exit 0}"
	fi
	[ -s "$TMPD/tc.err" ] && { diag_file "$TMPD/tc.err"; fail "$mode foreign XDP, --attach tc: output on stderr"; }
	only_foreign_left "$mode foreign XDP, after icmpmon --attach tc"

	# The foreign programs still work on their own.
	c2=$(counters)
	run_p ping 30 ping -c 3 -i 0.2 "$ANSWERED"
	[ "$RC" -eq 0 ] || { diag_file "$TMPD/ping.out"; fail "$mode: ping after icmpmon exited $RC"; }
	c3=$(counters)
	saw_at_least "$c2" "$c3" 3 "$mode foreign XDP, ping after icmpmon"

	ip -n "$NS_P" link set dev "$VETH_P" "$mode" off || fail "cannot detach the foreign XDP program ($mode)"
done

# Without the foreign XDP: icmpmon takes XDP itself, the foreign tc filters
# still see every request and reply; afterwards only they are left.
c0=$(counters)
icmpmon_p plain -c 5 -i 0.2 "$ANSWERED"
if [ "$RC" -ne 0 ] || ! check_ping_output "$TMPD/plain.out" "$ANSWERED" 5; then
	diag_file "$TMPD/plain.out"; diag_file "$TMPD/plain.err"
	fail "foreign tc filters only (exit $RC): ${WHY:-expected exit 0}"
fi
[ -s "$TMPD/plain.err" ] && { diag_file "$TMPD/plain.err"; fail "foreign tc filters only: output on stderr"; }
c1=$(counters)
read -ra b <<< "$c0"
read -ra a <<< "$c1"
[ "$((a[1] - b[1]))" -ge 5 ] && [ "$((a[2] - b[2]))" -ge 5 ] ||
	fail "foreign tc filters only: they counted $((a[1] - b[1])) requests and $((a[2] - b[2])) replies, expected 5 or more each"
want=$(printf '%s\n' "tc $VETH_P clsact/egress $EG_ID" "tc $VETH_P clsact/ingress $IN_ID" | sort)
got=$(bpf_net_list "$NS_P")
[ "$got" = "$want" ] || { diag "expected:" $want "got:" $got; fail "after icmpmon with foreign tc filters: not exactly the foreign filters left"; }
tc -n "$NS_P" qdisc show dev "$VETH_P" | grep -q clsact || fail "the clsact qdisc is gone"
pass
