#!/usr/bin/env bash
# Issue #14 row 8: -I takes an address or an interface name, and the header
# says "from ADDR IFACE:" as ping prints it (-B too); a bad -I is refused in
# ping's words. Side by side with iputils ping, through a link named "ping".
. "$(dirname "$0")/lib.sh"
topo_up
topo6_up

mkdir -p "$TMPD/bin"
ln -s "$ICMPMON" "$TMPD/bin/ping"

# both LABEL ARGS...: the real ping and icmpmon (as "ping") with ARGS; same
# exit status, same stdout with the times masked, same first stderr line.
both() {
	local label=$1
	shift
	(cd /tmp && timeout 30 ip netns exec "$NS_P" ping "$@" >"$TMPD/p.out" 2>"$TMPD/p.err"); prc=$?
	(cd /tmp && PATH=$TMPD/bin:$PATH timeout 30 ip netns exec "$NS_P" ping "$@" >"$TMPD/i.out" 2>"$TMPD/i.err"); irc=$?
	[ "$irc" = "$prc" ] || { diag_file "$TMPD/i.err"; fail "$label (ping $*): exit $irc, ping's $prc"; }
	[ "$(head -n1 "$TMPD/i.err")" = "$(head -n1 "$TMPD/p.err")" ] ||
		fail "$label (ping $*): stderr '$(head -n1 "$TMPD/i.err")', ping's '$(head -n1 "$TMPD/p.err")'"
	same_as_ping "$TMPD/i.out" "$TMPD/p.out" || fail "$label (ping $*): output differs from ping's"
}

both addr4 -c 3 -i 0.2 -I "$P_ADDR" "$ANSWERED"
grep -qFx "PING $ANSWERED ($ANSWERED) from $P_ADDR : 56(84) bytes of data." "$TMPD/i.out" || fail "-I ADDR: header"
both iface4 -c 3 -i 0.2 -I "$VETH_P" "$ANSWERED"
grep -qFx "PING $ANSWERED ($ANSWERED) from $P_ADDR $VETH_P: 56(84) bytes of data." "$TMPD/i.out" || fail "-I IFACE: header"
both sticky4 -c 3 -i 0.2 -B "$ANSWERED"
both addr6 -c 3 -i 0.2 -I "$P6_ADDR" "$ANSWERED6"
both iface6 -c 3 -i 0.2 -I "$VETH_P" "$ANSWERED6"
both nosuchif -c 1 -I nosuchif0 "$ANSWERED"
both notlocal -c 1 -I 10.9.9.9 "$ANSWERED"
both badsrc6 -c 1 -I fd00::zz "$ANSWERED6"

[ -z "$(attached_state)" ] || fail "something left attached"
pass
