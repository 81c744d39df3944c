#!/usr/bin/env bash
# Issue #14 row 10: ping's options with ping's meanings, side by side with
# iputils ping (icmpmon through a link named "ping"): -O -a -l -M -Q -m -e -B
# -r -b -S -d -L; bad values in ping's words and exit codes; -R -T -U -F -N
# -C refused with one line and exit 2.
. "$(dirname "$0")/lib.sh"
topo_up

mkdir -p "$TMPD/bin"
ln -s "$ICMPMON" "$TMPD/bin/ping"
T=$ANSWERED

mask() { sed -E -e 's/, pipe [0-9]+$//' -e 's/ident=[0-9]+/ident=N/' "$1" > "$1.p"; mask_times "$1.p"; }

# both LABEL ARGS...: same exit status, first stderr line and masked stdout as ping.
both() {
	local label=$1
	shift
	(cd /tmp && timeout 30 ip netns exec "$NS_P" ping "$@" >"$TMPD/p.out" 2>"$TMPD/p.err"); prc=$?
	(cd /tmp && PATH=$TMPD/bin:$PATH timeout 30 ip netns exec "$NS_P" ping "$@" >"$TMPD/i.out" 2>"$TMPD/i.err"); irc=$?
	[ "$irc" = "$prc" ] || { diag_file "$TMPD/i.err"; diag_file "$TMPD/p.err"; fail "$label (ping $*): exit $irc, ping's $prc"; }
	[ "$(head -n1 "$TMPD/i.err")" = "$(head -n1 "$TMPD/p.err")" ] ||
		fail "$label (ping $*): stderr '$(head -n1 "$TMPD/i.err")', ping's '$(head -n1 "$TMPD/p.err")'"
	mask "$TMPD/i.out" > "$TMPD/i.m"
	mask "$TMPD/p.out" > "$TMPD/p.m"
	cmp -s "$TMPD/i.m" "$TMPD/p.m" || { diff -u "$TMPD/p.m" "$TMPD/i.m" | head -n 30 | sed 's/^/#   /'; fail "$label (ping $*): output differs from ping's"; }
}

both outstanding -O -c 3 -i 0.2 -W 1 "$SILENT"
[ "$(grep -c '^no answer yet for icmp_seq=' "$TMPD/i.out")" = 2 ] || fail "-O: no 'no answer yet' lines"
both audible -a -c 2 -i 0.2 "$T"
[ "$(grep -c "$(printf 'ms\a$')" "$TMPD/i.out")" = 2 ] || fail "-a: no bell before the newline"
both preload -l 3 -c 5 -i 0.5 "$T"
# -e: the identifier of the probes (ping -v shows it, and writes its own debugging lines besides)
run_p ping 30 ping -v -e 4660 -c 2 -i 0.2 "$T"
icmpmon_p im -v -e 4660 -c 2 -i 0.2 "$T"
[ "$RC" = 0 ] || fail "-e 4660: exit $RC"
grep '^64 bytes' "$TMPD/ping.out" | sed -E 's/time=[0-9.]+/time=T/' > "$TMPD/p.lines"
grep '^64 bytes' "$TMPD/im.out" | sed -E 's/time=[0-9.]+/time=T/' > "$TMPD/i.lines"
grep -q 'icmp_seq=1 ident=4660 ' "$TMPD/i.lines" && cmp -s "$TMPD/i.lines" "$TMPD/p.lines" ||
	{ diag_file "$TMPD/i.lines"; diag_file "$TMPD/p.lines"; fail "-e 4660: reply lines differ from ping's"; }
both sticky -B -c 2 -i 0.2 "$T"
both dontroute -r -c 2 -i 0.2 "$R_ADDR"
both sndbuf -S 65536 -c 2 -i 0.2 "$T"
both debug-noloop -d -L -c 2 -i 0.2 "$T"
both bcast-allowed -b -c 2 -i 0.2 "$T"
both tos -Q 0x10 -c 2 -i 0.2 "$T"
both pmtu-do -M do -c 2 -i 0.2 "$T"
both pmtu-dont -M dont -c 2 -i 0.2 "$T"
both broadcast-refused -c 1 10.200.0.255
both bad-M -M x -c 1 "$T"
both bad-Q -Q zz -c 1 "$T"
both big-Q -Q 300 -c 1 "$T"
both bad-l -l 0 -c 1 "$T"
both bad-e -e 70000 -c 1 "$T"
both bad-m -m x -c 1 "$T"
both bad-S -S 0 -c 1 "$T"

# -m: SO_MARK steers the probes by policy routing on the mark. Unroutable
# when marked: refused at the start as ping refuses it; routed from a second
# source address when marked: the responder sees that source.
ip -n "$NS_P" rule add fwmark 0x2a lookup 142 &&
ip -n "$NS_P" route add unreachable "$T/32" table 142 &&
ip -n "$NS_P" addr add 10.200.0.5/24 dev "$VETH_P" &&
ip -n "$NS_P" rule add fwmark 0x2b lookup 143 &&
ip -n "$NS_P" route add "$T/32" via "$R_ADDR" dev "$VETH_P" src 10.200.0.5 table 143 ||
	fail "cannot add the marks' routing rules"
both mark-unroutable -m 42 -c 2 -i 0.2 "$T"
[ "$(wc -l < "$TMPD/i.err")" = 1 ] && [ ! -s "$TMPD/i.out" ] || fail "-m 42: not refused at the start"
both mark-routed -m 43 -c 2 -i 0.2 "$T"
in_r tcpdump -l -n -i "$VETH_R" -c 2 icmp and src 10.200.0.5 > "$TMPD/mdump" 2>/dev/null &
DPID=$!
BG_PIDS+=("$DPID")
sleep 1
icmpmon_p m -m 43 -c 2 -i 0.2 "$T"
[ "$RC" = 0 ] || fail "-m 43: exit $RC"
bg_wait "$DPID" 10
[ "$(grep -c "10.200.0.5 > $T: ICMP echo request" "$TMPD/mdump")" = 2 ] ||
	{ diag_file "$TMPD/mdump"; fail "-m 43: the probes did not follow the mark's route"; }

# -Q and -M on the wire, as the responder sees them
in_r tcpdump -l -n -v -i "$VETH_R" -c 4 icmp and src "$P_ADDR" > "$TMPD/dump" 2>/dev/null &
DPID=$!
BG_PIDS+=("$DPID")
sleep 1
icmpmon_p w -Q 0x28 -M dont -c 2 -i 0.2 "$T"
icmpmon_p w -M do -c 2 -i 0.2 "$T"
bg_wait "$DPID" 10
[ "$(grep -c 'tos 0x28' "$TMPD/dump")" = 2 ] || { diag_file "$TMPD/dump"; fail "-Q 0x28: probes without tos 0x28"; }
[ "$(grep -c 'flags \[DF\]' "$TMPD/dump")" = 2 ] || { diag_file "$TMPD/dump"; fail "-M do/dont: DF not as asked"; }

# no sense for a kernel-side prober: one line, exit 2, nothing attached
for args in "-R" "-T tsonly" "-U" "-F 1" "-N name" "-C"; do
	# shellcheck disable=SC2086
	icmpmon_p u $args -c 1 "$T"
	[ "$RC" = 2 ] || fail "$args: exit $RC, expected 2"
	[ "$(wc -l < "$TMPD/u.err")" = 1 ] && grep -q "option ${args%% *} is not supported: " "$TMPD/u.err" ||
		{ diag_file "$TMPD/u.err"; fail "$args: not one 'not supported' line"; }
	[ -s "$TMPD/u.out" ] && fail "$args: wrote to stdout"
done
[ -z "$(attached_state)" ] || fail "something left attached"
pass
