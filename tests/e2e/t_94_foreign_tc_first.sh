#!/usr/bin/env bash
# Another tc egress filter ahead of icmpmon's (issue 12, row 8): a foreign
# clsact filter at pref 1 that returns TC_ACT_OK ends classification, so a
# clsact filter of icmpmon's never sees the probes. By default (a kernel with
# TCX) icmpmon attaches a TCX link, which runs first: every reply counts and
# the foreign filter still sees every probe. Forced onto clsact
# (--tc-link clsact), the probes leave unstamped: it says so on stderr, in the
# summary and in icmpmon_probes_unstamped_total.
. "$(dirname "$0")/lib.sh"
need clang
need curl
topo_up

bpf_build first <<'EOF'
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} first_seen SEC(".maps");

SEC("tc")
int first_ok(struct __sk_buff *skb)
{
	__u32 k = 0;
	__u64 *v = bpf_map_lookup_elem(&first_seen, &k);

	if (v)
		__sync_fetch_and_add(v, 1);
	return 0; /* TC_ACT_OK: no later clsact filter runs */
}

char LICENSE[] SEC("license") = "GPL";
EOF

tc -n "$NS_P" qdisc add dev "$VETH_P" clsact || fail "cannot add a clsact qdisc"
tc -n "$NS_P" filter add dev "$VETH_P" egress pref 1 handle 1 bpf da obj "$TMPD/first.o" sec tc ||
	fail "cannot attach the foreign tc egress filter"
ID=$(tc -n "$NS_P" -j filter show dev "$VETH_P" egress | jq -r '.[] | select(.options.prog.name == "first_ok") | .options.prog.id')
MAP=$(prog_map_id "$ID")
[ -n "$MAP" ] || fail "cannot find the foreign filter's map"
settle "$NS_P" "$ANSWERED"

# default: TCX, first in line
C=20
seen0=$(map_u64 "$MAP" 0)
icmpmon_p tcx -v -c "$C" -i 0.1 -W 1 "$ANSWERED"
seen=$(($(map_u64 "$MAP" 0) - seen0))
[ "$RC" -eq 0 ] || { diag_file "$TMPD/tcx.out"; diag_file "$TMPD/tcx.err"; fail "default: exit $RC"; }
grep -Eq "^$C packets transmitted, $C received, 0% packet loss" "$TMPD/tcx.out" ||
	{ diag_file "$TMPD/tcx.out"; diag_file "$TMPD/tcx.err"; fail "default: a foreign pref-1 TC_ACT_OK filter costs replies: '$(counts "$TMPD/tcx.out" "$ANSWERED")'"; }
grep -q "probes stamped by a TCX egress link" "$TMPD/tcx.err" || { diag_file "$TMPD/tcx.err"; fail "-v does not say the egress program is a TCX link"; }
grep -q "never" "$TMPD/tcx.out" "$TMPD/tcx.err" && { diag_file "$TMPD/tcx.err"; fail "default: unstamped probes reported"; }
[ "$seen" -ge "$C" ] || fail "the foreign filter saw $seen packets during $C probes: icmpmon's TCX link hid them"
diag "default: $C/$C replies, the foreign filter saw $seen packets"

# --tc-link clsact: behind the foreign filter, unstamped, and said
icmpmon_p cls --tc-link clsact -c "$C" -i 0.1 -W 1 "$ANSWERED"
diag "clsact: '$(counts "$TMPD/cls.out" "$ANSWERED")', exit $RC"
grep -q "^icmpmon: $ANSWERED: [0-9]* probes left the socket but icmpmon's tc egress program on $VETH_P never saw them" "$TMPD/cls.err" ||
	{ diag_file "$TMPD/cls.err"; fail "clsact: no 'never saw them' line on stderr"; }
[ "$(grep -c 'never saw them' "$TMPD/cls.err")" -eq 1 ] || { diag_file "$TMPD/cls.err"; fail "clsact: said more than once"; }
grep -q "^icmpmon: $C probes sent but never stamped by the tc egress program" "$TMPD/cls.out" ||
	{ diag_file "$TMPD/cls.out"; fail "clsact: the summary does not say $C probes went unstamped"; }

# metrics
PORT=9377
bg_p d "$ICMPMON" --daemon --tc-link clsact -i 0.1 -W 1 --metrics "$PORT" "$ANSWERED"
pid=$BG_PID
v=""
for ((i = 0; i < 50; i++)); do
	v=$(in_p curl -s -m 2 "http://127.0.0.1:$PORT/metrics" | sed -nE "s/^icmpmon_probes_unstamped_total\{target=\"$ANSWERED\".*\} ([0-9]+)$/\1/p")
	[ "${v:-0}" -ge 5 ] && break
	sleep 0.2
done
kill -TERM "$pid"
bg_wait "$pid" 10
[ "${v:-0}" -ge 5 ] || { diag_file "$TMPD/d.err"; fail "icmpmon_probes_unstamped_total is '${v}' after 10 s"; }
grep -q "never saw them" "$TMPD/d.err" || { diag_file "$TMPD/d.err"; fail "--daemon: no 'never saw them' line"; }

state=$(attached_state | grep -v -e first_ok -e "first.o")
[ -z "$state" ] || fail "left attached: $state"
[ "$(tc -n "$NS_P" -j filter show dev "$VETH_P" egress | jq -r '.[] | select(.options.prog.name == "first_ok") | .options.prog.id')" = "$ID" ] ||
	fail "the foreign filter is gone or replaced"
pass
