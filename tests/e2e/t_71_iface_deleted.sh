#!/usr/bin/env bash
# An interface deleted mid-run. Expected behaviour:
# probes to targets behind it are refused by the socket (ENETUNREACH, or
# ENODEV/ENXIO with -I): one "icmpmon: sendmsg: ..." line on stderr per
# refused send, counted as transmitted and lost, as ping counts a hard local
# send error (no "+N errors": those are ICMP errors); the other
# interface keeps probing; icmpmon neither hangs nor spins; the exit status is
# ping's (0 if any reply came); nothing is left attached. The deletion is said
# once on stderr. An interface that is deleted and created again is attached
# again: every probe the responder answered counts (t_95 compares with ping).
. "$(dirname "$0")/lib.sh"
topo_up

# --- two interfaces, one deleted -------------------------------------------
iface2_up
C=40
bg_p two "$ICMPMON" -c "$C" -i 0.1 -W 1 "$ANSWERED" "$T2"
pid=$BG_PID
wait_match "$TMPD/two.out" "^64 bytes from ${T2//./\\.}: icmp_seq=3 " 10 ||
	{ diag_file "$TMPD/two.out"; diag_file "$TMPD/two.err"; fail "no third reply from $T2 within 10 s"; }
ip -n "$NS_P" link del "$V2P" || fail "cannot delete $V2P"
t0=$(cpu_ticks "$pid")
sleep 1
alive "$pid" || { diag_file "$TMPD/two.out"; diag_file "$TMPD/two.err"; fail "icmpmon ended within 1 s of the deletion"; }
cpu=$(($(cpu_ticks "$pid") - t0))
[ "$cpu" -le $((HZ / 4)) ] || fail "icmpmon used $cpu/$HZ s of CPU in the second after the deletion (spinning?)"
bg_wait "$pid" 20
f=$TMPD/two.out
[ "$BG_RC" -eq 0 ] || { diag_file "$f"; diag_file "$TMPD/two.err"; fail "exit status $BG_RC, expected 0 (replies came)"; }
# The interface that stayed: every probe answered.
grep -Eq "^$C packets transmitted, $C received, 0% packet loss, time [0-9]+ms$" "$f" ||
	{ diag_file "$f"; fail "$ANSWERED on the remaining interface: '$(counts "$f" "$ANSWERED")', expected $C/$C"; }
seqs=$(grep -cE "^64 bytes from ${ANSWERED//./\\.}: icmp_seq=[0-9]+ ttl=64 time=" "$f")
[ "$seqs" -eq "$C" ] || fail "$seqs reply lines from $ANSWERED, expected $C"
# The deleted one: every probe is transmitted; the refused ones are lost, and a probe in flight at the deletion may be.
read -r tx rx er <<< "$(counts "$f" "$T2")"
refused=$(grep -c '^icmpmon: sendmsg: ' "$TMPD/two.err")
diag "$T2 after the deletion: transmitted ${tx:-?} received ${rx:-?} refused $refused errors ${er:-0}"
[ -n "$tx" ] && [ -n "$rx" ] && [ -z "$er" ] || { diag_file "$f"; fail "$T2's statistics: '$tx $rx $er' (refused sends are losses, not +N errors)"; }
[ "$tx" -eq "$C" ] || fail "$T2: $tx transmitted, expected $C (refused sends count as transmitted, as in ping)"
[ "$refused" -ge 5 ] || fail "$T2: only $refused refused sends reported"
[ "$rx" -ge 3 ] && [ "$rx" -le $((tx - refused)) ] && [ $((tx - refused - rx)) -le 1 ] ||
	fail "$T2: $rx received of $tx transmitted with $refused refused"
# stderr: the documented lines (the refused sends counted above, the deletion once), nothing else.
[ "$(grep -c "^icmpmon: $V2P: interface deleted; " "$TMPD/two.err")" -eq 1 ] || { diag_file "$TMPD/two.err"; fail "the deletion is not said once"; }
other=$(grep -Ecv "^icmpmon: (sendmsg: Network is unreachable|$V2P: interface deleted; .*)$" "$TMPD/two.err")
[ "$other" -eq 0 ] || { diag_file "$TMPD/two.err"; fail "stderr: $other unexpected lines"; }
state=$(attached_state)
[ -z "$state" ] || fail "left attached: $state"

# --- -I on the only interface, no -c: keeps running quietly until SIGINT ------
iface2_up
bg_p one "$ICMPMON" -i 0.1 -I "$V2P" "$T2"
pid=$BG_PID
wait_match "$TMPD/one.out" "^64 bytes from ${T2//./\\.}: icmp_seq=3 " 10 ||
	{ diag_file "$TMPD/one.out"; diag_file "$TMPD/one.err"; fail "-I $V2P: no third reply within 10 s"; }
ip -n "$NS_P" link del "$V2P" || fail "cannot delete $V2P"
t0=$(cpu_ticks "$pid")
sleep 1
alive "$pid" || { diag_file "$TMPD/one.err"; fail "-I $V2P: icmpmon ended after its interface was deleted"; }
cpu=$(($(cpu_ticks "$pid") - t0))
[ "$cpu" -le $((HZ / 4)) ] || fail "-I $V2P: $cpu/$HZ s of CPU in the second after the deletion (spinning?)"
kill -INT "$pid"
bg_wait "$pid" 5
f=$TMPD/one.out
[ "$BG_RC" -eq 0 ] || { diag_file "$f"; diag_file "$TMPD/one.err"; fail "-I $V2P: exit status $BG_RC after SIGINT, expected 0"; }
read -r tx rx er <<< "$(counts "$f" "$T2")"
diag "-I $V2P deleted: transmitted ${tx:-?} received ${rx:-?} errors ${er:-0}; stderr: $(sort "$TMPD/one.err" | uniq -c | tr -s ' ' | tr '\n' ';')"
refused=$(grep -c '^icmpmon: sendmsg: ' "$TMPD/one.err")
[ -n "$tx" ] && [ "${rx:-0}" -ge 3 ] && [ -z "$er" ] && [ "$refused" -ge 5 ] && [ "$rx" -le $((tx - refused)) ] ||
	{ diag_file "$f"; fail "-I $V2P: statistics '$tx $rx $er', $refused refused"; }
other=$(grep -Ecv "^icmpmon: (sendmsg: (No such device|No such device or address|Network is unreachable)|$V2P: interface deleted; .*)$" "$TMPD/one.err")
[ "$other" -eq 0 ] || { diag_file "$TMPD/one.err"; fail "-I $V2P: unexpected lines on stderr"; }
state=$(attached_state)
[ -z "$state" ] || fail "left attached: $state"

# --- deleted and created again: attached again, every answered probe counts ---
iface2_up
C=30
r0=$(snmp_icmp "$NS_R" OutEchoReps)
bg_p re "$ICMPMON" -c "$C" -i 0.1 -W 1 "$T2"
pid=$BG_PID
wait_match "$TMPD/re.out" "^64 bytes from ${T2//./\\.}: icmp_seq=3 " 10 || fail "re: no third reply within 10 s"
ip -n "$NS_P" link del "$V2P" || fail "cannot delete $V2P"
iface2_up
bg_wait "$pid" 20
[ "$BG_RC" -eq 0 ] || { diag_file "$TMPD/re.out"; diag_file "$TMPD/re.err"; fail "re: exit status $BG_RC"; }
read -r tx rx er <<< "$(counts "$TMPD/re.out" "$T2")"
answered=$(($(snmp_icmp "$NS_R" OutEchoReps) - r0 - 1)) # less iface2_up's own ping
[ "$tx" -eq "$C" ] || fail "re: $tx transmitted, expected $C"
diag "deleted and re-created: transmitted $tx, received $rx, errors ${er:-0}; the responder answered $answered probes"
# a probe in flight at the deletion may be answered into the void
[ "$rx" -ge $((answered - 1)) ] || { diag_file "$TMPD/re.err"; fail "re: $rx received of $answered answered: the re-created interface is not watched"; }
grep -q "^icmpmon: $V2P: interface back (index [0-9]*); attached again$" "$TMPD/re.err" || { diag_file "$TMPD/re.err"; fail "re: the re-attachment is not said"; }
state=$(attached_state)
[ -z "$state" ] || fail "left attached: $state"
pass
