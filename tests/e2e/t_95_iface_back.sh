#!/usr/bin/env bash
# Interfaces that come back and routes that move (issue 12, row 5), side by
# side with iputils ping on the same schedule:
#  1. the interface a target is routed over is deleted mid-run and created
#     again with the same name and addresses: icmpmon says so, attaches again,
#     and counts every reply ping counts (ping: sends refused while it is gone);
#  2. a target's route moves to an interface icmpmon has not attached: it
#     attaches there and keeps counting what ping counts.
. "$(dirname "$0")/lib.sh"
topo_up

# side_by_side NAME TARGET: icmpmon and ping, -c 60 -i 0.1 -W 1, started together in the background
C=60
side_by_side() {
	bg_p "$1" "$ICMPMON" -c "$C" -i 0.1 -W 1 "$2"
	IM=$BG_PID
	bg_p "$1.ping" ping -c "$C" -i 0.1 -W 1 "$2"
	PING=$BG_PID
	wait_match "$TMPD/$1.out" "^64 bytes from ${2//./\\.}: icmp_seq=5 " 10 ||
		{ diag_file "$TMPD/$1.out"; diag_file "$TMPD/$1.err"; fail "$1: no fifth reply within 10 s"; }
}
# compare NAME TARGET: both done; icmpmon received what ping received (one probe in flight either way)
compare() {
	local tx rx er ptx prx per
	bg_wait "$IM" 30
	im_rc=$BG_RC
	bg_wait "$PING" 30
	read -r tx rx er <<< "$(counts "$TMPD/$1.out" "$2")"
	read -r ptx prx per <<< "$(counts "$TMPD/$1.ping.out" "$2")"
	diag "$1: icmpmon $tx transmitted, $rx received; ping $ptx transmitted, $prx received"
	diag "$1: icmpmon stderr: $(grep -v sendmsg "$TMPD/$1.err" | tr '\n' '|') + $(grep -c sendmsg "$TMPD/$1.err") sendmsg lines; ping: $(grep -c sendmsg "$TMPD/$1.ping.err") sendmsg lines"
	[ "$im_rc" -eq 0 ] || { diag_file "$TMPD/$1.err"; fail "$1: icmpmon exited $im_rc"; }
	[ "$tx" = "$C" ] && [ "$ptx" = "$C" ] || fail "$1: transmitted icmpmon $tx, ping $ptx; expected $C"
	[ -n "$rx" ] && [ -n "$prx" ] && [ "$rx" -ge $((prx - 1)) ] ||
		fail "$1: icmpmon counted ${rx:-?} replies where ping counted ${prx:-?}: loss reported for probes that were answered"
}

# 1. deleted and created again
iface2_up
side_by_side re "$T2"
ip -n "$NS_P" link del "$V2P" || fail "cannot delete $V2P"
sleep 0.5
iface2_up
compare re "$T2"
grep -q "^icmpmon: $V2P: interface deleted; its targets are not observed" "$TMPD/re.err" || fail "re: the deletion is not said on stderr"
grep -q "^icmpmon: $V2P: interface back (index [0-9]*); attached again$" "$TMPD/re.err" || fail "re: the re-attachment is not said on stderr"
other=$(grep -Ecv "^icmpmon: (sendmsg: Network is unreachable|$V2P: interface (deleted|back))" "$TMPD/re.err")
[ "$other" -eq 0 ] || { diag_file "$TMPD/re.err"; fail "re: unexpected lines on stderr"; }
state=$(attached_state; attached_on "$NS_P" "$V2P")
[ -z "$state" ] || fail "re: left attached: $state"

# 2. the route to a target moves to an interface not attached yet
MOVED=10.201.5.5
side_by_side mv "$MOVED"
ip -n "$NS_P" route add 10.201.5.0/24 via "$T2" dev "$V2P" || fail "cannot move the route to $MOVED"
compare mv "$MOVED"
grep -q "^icmpmon: $MOVED: now routed over $V2P; attached there$" "$TMPD/mv.err" || { diag_file "$TMPD/mv.err"; fail "mv: the move is not said on stderr"; }
state=$(attached_state; attached_on "$NS_P" "$V2P")
[ -z "$state" ] || fail "mv: left attached: $state"

# 3. the metrics say it
need curl
PORT=9378
bg_p d "$ICMPMON" --daemon -i 0.1 -W 1 --metrics "$PORT" "$T2"
D=$BG_PID
ev() { in_p curl -s -m 2 "http://127.0.0.1:$PORT/metrics" | sed -n "s/^icmpmon_interface_events_total{event=\"$1\"} //p"; }
for ((i = 0; i < 50; i++)); do [ -n "$(ev deleted)" ] && break; sleep 0.2; done
[ "$(ev deleted)" = 0 ] && [ "$(ev reattached)" = 0 ] || fail "metrics: interface events before any: '$(ev deleted)' '$(ev reattached)'"
ip -n "$NS_P" link del "$V2P" || fail "cannot delete $V2P"
iface2_up
for ((i = 0; i < 25; i++)); do [ "$(ev reattached)" = 1 ] && break; sleep 0.2; done
[ "$(ev deleted)" = 1 ] && [ "$(ev reattached)" = 1 ] || { diag_file "$TMPD/d.err"; fail "metrics: deleted '$(ev deleted)', reattached '$(ev reattached)', expected 1 and 1"; }
kill -TERM "$D"
bg_wait "$D" 10
[ "$BG_RC" -eq 0 ] || fail "--daemon exited $BG_RC"
state=$(attached_state; attached_on "$NS_P" "$V2P")
[ -z "$state" ] || fail "daemon: left attached: $state"
pass
