#!/usr/bin/env bash
# libxdp's multi-program XDP dispatcher (xdp-tools' xdp-loader) on the
# prober's interface: icmpmon joins it as one more program (priority 10, ahead
# of a pass-through program at 60) instead of falling back to tc ingress; -v
# and --json say "libxdp dispatcher"; the other program still sees every echo
# reply (icmpmon returns XDP_PASS, which the dispatcher chains on); at exit
# (and on SIGTERM) icmpmon takes out only its own program, the dispatcher and
# the other program stay. Where libxdp's state of a dispatcher is missing, or
# joining fails (a kernel that refuses BPF_PROG_TYPE_EXT: libxdp cannot load
# any program into a dispatcher there, xdp-loader itself falls back to a single
# program), icmpmon says which in one line and catches replies in tc ingress,
# the dispatcher untouched. Interfaces without XDP, or with a plain foreign
# XDP program: t_01_five_probes, t_23_foreign_xdp.
. "$(dirname "$0")/lib.sh"
need xdp-tools xdp-loader
need clang
topo_up

# libxdp keeps a dispatcher's programs as pins on a bpf filesystem: xdp-loader
# and icmpmon share one of this test's own (LIBXDP_BPFFS), unmounted at exit.
BPFFS=$TMPD/bpffs
mkdir "$BPFFS" && mount -t bpf bpf "$BPFFS" || fail "cannot mount a bpf filesystem on $BPFFS"
MOUNTS+=("$BPFFS")
export LIBXDP_BPFFS=$BPFFS

MULTIARCH=$(gcc -print-multiarch 2>/dev/null)
DISPATCHER_O=/usr/lib/${MULTIARCH:-$(uname -m)-linux-gnu}/bpf/xdp-dispatcher.o
[ -f "$DISPATCHER_O" ] || fail "no $DISPATCHER_O (libxdp1 ships it)"

# The other program: counts the echo replies it sees, passes everything.
bpf_build pass <<'EOF'
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>
#include <xdp/xdp_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} pass_replies SEC(".maps");

struct {
	__uint(priority, 60);
	__uint(XDP_PASS, 1);
} XDP_RUN_CONFIG(pass_count);

SEC("xdp")
int pass_count(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data, *end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	struct iphdr *ip = (void *)(eth + 1);
	__u32 zero = 0;
	__u8 *icmp;
	__u64 *v;

	if ((void *)(ip + 1) > end || eth->h_proto != bpf_htons(ETH_P_IP) || ip->protocol != 1)
		return XDP_PASS;
	icmp = (__u8 *)ip + ip->ihl * 4;
	if ((void *)(icmp + 1) > end || *icmp != 0)
		return XDP_PASS;
	v = bpf_map_lookup_elem(&pass_replies, &zero);
	if (v)
		__sync_fetch_and_add(v, 1);
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
EOF

# xl ARGS...: xdp-loader in the prober namespace (never cut short by a pipe:
# a killed xdp-loader leaves its /run/xdp-loader.lck behind).
xl() { timeout -k 5 30 ip netns exec "$NS_P" xdp-loader "$@"; }
# The dispatcher's programs, one "PRIO NAME ID" line each, in run order.
members() { xl status "$VETH_P" 2>/dev/null > "$TMPD/status.txt"; awk '$1 == "=>" { print $2, $3, $4 }' "$TMPD/status.txt"; }
# "NAME ID" of the XDP program on the prober's interface; empty if none.
xdp_prog() { ip -n "$NS_P" -d -j link show dev "$VETH_P" | jq -r '.[0].xdp.prog // empty | "\(.name) \(.id)"'; }
hook_of() { jq -sr 'map(select(.type == "start"))[0].interfaces | map("\(.name)=\(.hook)") | join(",")' "$1"; }
one_line() { [ "$(wc -l < "$1")" -eq 1 ]; }

# No icmpmon tc filter or TCX link on the prober's interface, XDP exactly "$1" (NAME ID) there.
only_left() {
	local want=$1 what=$2 tc_left
	[ "$(xdp_prog)" = "$want" ] || fail "$what: the XDP program on $VETH_P is '$(xdp_prog)', expected '$want'"
	tc_left=$(bpf_net_list "$NS_P" | grep '^tc ')
	[ -z "$tc_left" ] || { diag "$tc_left"; fail "$what: a tc program is left on $VETH_P"; }
	if tc -n "$NS_P" filter show dev "$VETH_P" egress | grep -Eq "$TC_HANDLE_RE|icmpmon" ||
	   tc -n "$NS_P" filter show dev "$VETH_P" ingress | grep -Eq "$TC_HANDLE_RE|icmpmon"; then
		fail "$what: an icmpmon tc filter is left on $VETH_P"
	fi
}

# --- can libxdp build a dispatcher on this kernel? ----------------------------
xl load -v -m skb "$VETH_P" "$TMPD/pass.o" > "$TMPD/probe.out" 2>&1 ||
	{ diag_file "$TMPD/probe.out"; fail "xdp-loader cannot load the pass-through program"; }
if [ "$(xdp_prog | cut -d' ' -f1)" = xdp_dispatcher ]; then
	EXT=1
else
	EXT=0
	NO_EXT_WHY=$(grep -o 'Compatibility check for dispatcher program failed: .*' "$TMPD/probe.out" | head -1)
	diag "xdp-loader loaded a single program, no dispatcher: ${NO_EXT_WHY:-the kernel cannot run one}"
fi
xl unload -a "$VETH_P" > "$TMPD/unload.out" 2>&1 || { diag_file "$TMPD/unload.out"; fail "xdp-loader unload -a failed"; }
[ -z "$(xdp_prog)" ] || fail "XDP still on $VETH_P after xdp-loader unload -a: $(xdp_prog)"

# falls_back NAME WHAT REGEX: three probes, all answered (in tc ingress), and one
# stderr line, matching REGEX, that says why XDP was not joined
falls_back() {
	local name=$1 what=$2 re=$3
	icmpmon_p "$name" -c 3 -i 0.2 "$ANSWERED"
	if [ "$RC" -ne 0 ] || ! check_ping_output "$TMPD/$name.out" "$ANSWERED" 3; then
		diag_file "$TMPD/$name.out"; diag_file "$TMPD/$name.err"
		fail "$what (exit $RC): ${WHY:-expected exit 0}"
	fi
	if ! one_line "$TMPD/$name.err" || ! grep -Eq "$re" "$TMPD/$name.err"; then
		diag_file "$TMPD/$name.err"
		fail "$what: stderr is not one line saying why and that tc ingress took over"
	fi
}

# --- a dispatcher libxdp has no state of: tc ingress, said in one line ---------
ip -n "$NS_P" link set dev "$VETH_P" xdpgeneric obj "$DISPATCHER_O" sec xdp program xdp_dispatcher ||
	fail "cannot attach libxdp's dispatcher program by hand"
DISP=$(xdp_prog)
DISP_ID=${DISP#* }
[ "${DISP% *}" = xdp_dispatcher ] || fail "the XDP program on $VETH_P is '$DISP', not the dispatcher"
falls_back nostate "dispatcher without libxdp state" \
	"^icmpmon: $VETH_P: a libxdp dispatcher runs there, but libxdp finds no state of it .*; catching replies in tc ingress instead$"
only_left "$DISP" "dispatcher without libxdp state"

# --- the same with its state, on a kernel where joining fails ------------------
IFINDEX=$(ip -n "$NS_P" -j link show dev "$VETH_P" | jq -r '.[0].ifindex')
STATE_DIR=$BPFFS/xdp/dispatch-$IFINDEX-$DISP_ID
if [ "$EXT" = 0 ]; then
	mkdir -p "$STATE_DIR" || fail "cannot make $STATE_DIR"
	falls_back nojoin "dispatcher that cannot be joined" \
		"^icmpmon: $VETH_P: cannot join the libxdp dispatcher there: .+; catching replies in tc ingress instead$"
	diag "$(cat "$TMPD/nojoin.err")"
	only_left "$DISP" "dispatcher that cannot be joined"
	icmpmon_p nojoin_xdp --attach xdp -c 3 -i 0.2 "$ANSWERED"
	[ "$RC" -eq 2 ] && one_line "$TMPD/nojoin_xdp.err" && grep -q 'cannot join the libxdp dispatcher' "$TMPD/nojoin_xdp.err" ||
		{ diag_file "$TMPD/nojoin_xdp.err"; fail "--attach xdp, dispatcher that cannot be joined: exit $RC, expected 2 and one line"; }
	only_left "$DISP" "--attach xdp, dispatcher that cannot be joined"
	rmdir "$STATE_DIR"
else
	skip_part cannot-join "this kernel lets libxdp load programs into a dispatcher (the next part joins one)"
fi
ip -n "$NS_P" link set dev "$VETH_P" xdpgeneric off || fail "cannot detach the dispatcher program"

# --- xdp-loader's dispatcher: icmpmon joins it ---------------------------------
if [ "$EXT" = 0 ]; then
	skip_part joined "libxdp cannot load programs into a dispatcher on this kernel (${NO_EXT_WHY:-xdp-loader loaded a single program})"
	pass
fi

xl load -m skb "$VETH_P" "$TMPD/pass.o" > "$TMPD/load.out" 2>&1 || { diag_file "$TMPD/load.out"; fail "xdp-loader load failed"; }
before=$(members)
PASS_ID=$(echo "$before" | awk '$2 == "pass_count" { print $3 }')
[ -n "$PASS_ID" ] && [ "$(echo "$before" | wc -l)" -eq 1 ] || { diag "$before"; fail "xdp-loader status does not list the pass-through program alone"; }
PASS_MAP=$(prog_map_id "$PASS_ID")
[ -n "$PASS_MAP" ] || fail "no map for the pass-through program"

c0=$(map_u64 "$PASS_MAP" 0)
bg_p join "$ICMPMON" -v -c 6 -i 0.3 "$ANSWERED"
wait_match "$TMPD/join.out" 'icmp_seq=2 ' 15 || { diag_file "$TMPD/join.out"; diag_file "$TMPD/join.err"; fail "no replies while joined"; }
during=$(members)
diag "while icmpmon runs:" "$during"
MY_ID=$(echo "$during" | awk '$2 == "icmpmon_xdp" { print $3 }')
[ "$(echo "$during" | awk '{ print $1, $2 }' | tr '\n' ' ')" = "10 icmpmon_xdp 60 pass_count " ] ||
	fail "xdp-loader status does not list icmpmon_xdp (priority 10) ahead of pass_count (60)"
echo "$during" | grep -q "^60 pass_count $PASS_ID$" || fail "the pass-through program's id changed while icmpmon joined"
bg_wait "$BG_PID" 20
if [ "$BG_RC" -ne 0 ] || ! check_ping_output "$TMPD/join.out" "$ANSWERED" 6; then
	diag_file "$TMPD/join.out"; diag_file "$TMPD/join.err"
	fail "joined the dispatcher (exit $BG_RC): ${WHY:-expected exit 0}"
fi
grep -q "^icmpmon: $VETH_P: replies caught in XDP (libxdp dispatcher, generic)$" "$TMPD/join.err" &&
	! grep -q 'tc ingress' "$TMPD/join.err" || { diag_file "$TMPD/join.err"; fail "-v does not say the replies were caught in the libxdp dispatcher"; }
c1=$(map_u64 "$PASS_MAP" 0)
[ "$((c1 - c0))" -ge 6 ] || fail "the pass-through program saw $((c1 - c0)) echo replies while icmpmon ran, expected 6 or more"

after=$(members)
[ "$after" = "60 pass_count $PASS_ID" ] || { diag "$after"; fail "after icmpmon: the dispatcher does not hold exactly the pass-through program"; }
[ "$(xdp_prog | cut -d' ' -f1)" = xdp_dispatcher ] || fail "after icmpmon: no dispatcher on $VETH_P"
only_left "$(xdp_prog)" "after icmpmon in the dispatcher"
bpftool prog show id "$MY_ID" >/dev/null 2>&1 && fail "icmpmon's program $MY_ID is still loaded after its exit"

# --json names the hook; SIGTERM leaves the same way.
icmpmon_p json --json -c 2 -i 0.2 "$ANSWERED"
[ "$RC" -eq 0 ] && [ "$(hook_of "$TMPD/json.out")" = "$VETH_P=xdp-dispatcher-generic" ] ||
	{ diag_file "$TMPD/json.err"; fail "--json: exit $RC, hooks '$(hook_of "$TMPD/json.out")', expected $VETH_P=xdp-dispatcher-generic"; }
bg_p term "$ICMPMON" -i 0.2 "$ANSWERED"
wait_match "$TMPD/term.out" 'icmp_seq=2 ' 15 || { diag_file "$TMPD/term.err"; fail "no replies before SIGTERM"; }
MY_ID=$(members | awk '$2 == "icmpmon_xdp" { print $3 }')
[ -n "$MY_ID" ] || fail "icmpmon_xdp is not in the dispatcher before SIGTERM"
kill -TERM "$BG_PID"
bg_wait "$BG_PID" 10
[ "$BG_RC" -eq 0 ] || { diag_file "$TMPD/term.err"; fail "SIGTERM: exit $BG_RC, expected 0"; }
[ "$(members)" = "60 pass_count $PASS_ID" ] || fail "after SIGTERM: the dispatcher does not hold exactly the pass-through program"
bpftool prog show id "$MY_ID" >/dev/null 2>&1 && fail "after SIGTERM: icmpmon's program $MY_ID is still loaded"

# The pass-through program still runs on its own.
c2=$(map_u64 "$PASS_MAP" 0)
run_p ping 30 ping -c 3 -i 0.2 "$ANSWERED"
[ "$RC" -eq 0 ] || fail "ping after icmpmon exited $RC"
[ "$(($(map_u64 "$PASS_MAP" 0) - c2))" -ge 3 ] || fail "the pass-through program no longer sees echo replies"
xl unload -a "$VETH_P" > "$TMPD/unload.out" 2>&1 || { diag_file "$TMPD/unload.out"; fail "xdp-loader unload -a failed at the end"; }
pass
