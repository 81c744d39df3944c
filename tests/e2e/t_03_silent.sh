#!/usr/bin/env bash
# A blackholed address: every probe is lost, exit status 1, as ping.
. "$(dirname "$0")/lib.sh"
topo_up

t0=$(date +%s%N)
icmpmon_p im -c 3 -i 0.2 -W 1 "$SILENT"
t1=$(date +%s%N)
if [ "$RC" -ne 1 ]; then
	diag_file "$TMPD/im.out"; diag_file "$TMPD/im.err"
	fail "icmpmon exited $RC, expected 1"
fi
f=$TMPD/im.out
[ "$(sed -n 1p "$f")" = "PING $SILENT ($SILENT) 56(84) bytes of data." ] || { diag_file "$f"; fail "no ping header"; }
grep -q 'bytes from' "$f" && { diag_file "$f"; fail "a reply line for a silent address"; }
grep -Fxq -- "--- $SILENT ping statistics ---" "$f" || { diag_file "$f"; fail "no statistics block"; }
grep -Eq '^3 packets transmitted, 0 received, 100% packet loss, time [0-9]+ms$' "$f" ||
	{ diag_file "$f"; fail "counts line is '$(grep transmitted "$f")'"; }
grep -q '^rtt' "$f" && { diag_file "$f"; fail "an rtt line without replies"; }
# Two intervals of sending, then -W 1 of waiting: about 1.4 s, not 10 s.
ms=$(((t1 - t0) / 1000000))
[ "$ms" -ge 1000 ] && [ "$ms" -le 5000 ] || fail "icmpmon took $ms ms; with -W 1 it should wait about 1 s after the last probe"

run_p ping 30 ping -c 3 -i 0.2 -W 1 "$SILENT"
[ "$RC" -eq 1 ] || { diag_file "$TMPD/ping.out"; fail "the reference ping exited $RC, expected 1"; }
same_as_ping "$TMPD/im.out" "$TMPD/ping.out" || fail "icmpmon's output differs from ping's (times masked)"
pass
