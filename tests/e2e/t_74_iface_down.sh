#!/usr/bin/env bash
# An interface set down mid-run, then up again. Expected behaviour: while it
# is down its connected route is gone, so probes to targets behind it are
# refused (ENETUNREACH: "icmpmon: sendmsg: ..." on stderr, counted as
# transmitted and lost, as ping does); XDP and the tc filters stay attached through down/up, so replies
# are matched again once it is up; the other interface is not disturbed;
# no spinning; exit status 0; nothing left attached.
. "$(dirname "$0")/lib.sh"
topo_up

iface2_up


C=50
bg_p im "$ICMPMON" -c "$C" -i 0.1 -W 1 "$ANSWERED" "$T2"
pid=$BG_PID
f=$TMPD/im.out
wait_match "$f" "^64 bytes from ${T2//./\\.}: icmp_seq=3 " 10 ||
	{ diag_file "$f"; diag_file "$TMPD/im.err"; fail "no third reply from $T2 within 10 s"; }
ip -n "$NS_P" link set "$V2P" down || fail "cannot set $V2P down"
t0=$(cpu_ticks "$pid")
sleep 1
alive "$pid" || { diag_file "$TMPD/im.err"; fail "icmpmon ended while $V2P was down"; }
cpu=$(($(cpu_ticks "$pid") - t0))
[ "$cpu" -le $((HZ / 4)) ] || fail "icmpmon used $cpu/$HZ s of CPU in the second $V2P was down (spinning?)"
last_before=$(grep -E "^64 bytes from ${T2//./\\.}: " "$f" | tail -n1 | sed -E 's/.*icmp_seq=([0-9]+) .*/\1/')
ip -n "$NS_P" link set "$V2P" up || fail "cannot set $V2P up"
# veth needs its peer up too; it stayed up: the carrier comes back at once.
bg_wait "$pid" 20
[ "$BG_RC" -eq 0 ] || { diag_file "$f"; diag_file "$TMPD/im.err"; fail "exit status $BG_RC, expected 0"; }
grep -Eq "^$C packets transmitted, $C received, 0% packet loss, time [0-9]+ms$" "$f" ||
	{ diag_file "$f"; fail "$ANSWERED on the other interface: '$(counts "$f" "$ANSWERED")', expected $C/$C"; }
read -r tx rx er <<< "$(counts "$f" "$T2")"
refused=$(grep -c '^icmpmon: sendmsg: ' "$TMPD/im.err")
diag "$T2 down 1 s: transmitted ${tx:-?} received ${rx:-?} refused $refused errors ${er:-0}"
[ -n "$tx" ] && [ -n "$rx" ] && [ -z "$er" ] || { diag_file "$f"; fail "$T2's statistics: '$tx $rx $er' (refused sends are losses, not +N errors)"; }
[ "$tx" -eq "$C" ] || fail "$T2: $tx transmitted, expected $C"
er=$refused
[ "$er" -ge 5 ] || fail "$T2: only $er refused probes in the second it was down"
# Back up: matched again. At most a probe or two in flight around down/up is lost.
after=$(grep -E "^64 bytes from ${T2//./\\.}: icmp_seq=[0-9]+ " "$f" | sed -E 's/.*icmp_seq=([0-9]+) .*/\1/' |
	awk -v b="$last_before" '$1 > b' | wc -l)
[ "$after" -ge $((C - last_before - er - 2)) ] && [ "$after" -ge 5 ] ||
	{ diag_file "$f"; fail "$T2: only $after replies after $V2P came back up"; }
[ "$rx" -ge $((tx - er - 2)) ] && [ "$rx" -le $((tx - er)) ] || fail "$T2: $rx received of $tx transmitted, $er refused"
other=$(grep -cv '^icmpmon: sendmsg: Network is unreachable$' "$TMPD/im.err")
[ "$other" -eq 0 ] && [ "$(grep -c . "$TMPD/im.err")" -le "$er" ] ||
	{ diag_file "$TMPD/im.err"; fail "unexpected lines on stderr"; }
state=$(attached_state)
[ -z "$state" ] || fail "left attached: $state"
ip netns exec "$NS_P" bpftool -j net show dev "$V2P" 2>/dev/null | jq -e '[.[] | (.xdp // [])[], (.tc // [])[]] | length == 0' >/dev/null ||
	fail "left attached on $V2P: $(ip netns exec "$NS_P" bpftool net show dev "$V2P")"
pass
