#!/usr/bin/env bash
# Replies that take 300 ms (a user-space responder, the kernel's own echo
# replies off): every probe is answered within -W, so every reply counts and
# its RTT is at least the delay, as ping reports it. A sweep that expired
# probes before their timeout would lose them all.
. "$(dirname "$0")/lib.sh"
need python3
topo_up
T=$ANSWERED
DELAY=0.3

in_r sysctl -qw net.ipv4.icmp_echo_ignore_all=1 || fail "cannot turn the responder's echo replies off"
bg_r() { ip netns exec "$NS_R" "$@" >"$TMPD/responder.log" 2>&1 & BG_PIDS+=("$!"); }
bg_r python3 "$(dirname "$0")/progs/slow_responder.py" "$T" "$DELAY" 60
# the responder is up once a probe gets its slow answer
for ((i = 0; i < 50; i++)); do
	in_p ping -c 1 -W 2 "$T" >/dev/null 2>&1 && break
done
[ "$i" -lt 50 ] || { diag_file "$TMPD/responder.log"; fail "the slow responder does not answer"; }

check() { # NAME: 5 of 5 answered, every time= at least the delay
	local f=$TMPD/$1.out
	grep -Eq '^5 packets transmitted, 5 received, 0% packet loss' "$f" ||
		{ diag_file "$f"; fail "$1: counts line is '$(grep transmitted "$f")'"; }
	[ "$(grep -c 'bytes from' "$f")" = 5 ] || { diag_file "$f"; fail "$1: not 5 reply lines"; }
	awk -v d="$DELAY" '/bytes from/ { sub(/.*time=/, ""); if ($1 + 0 < d * 1000) bad++ } END { exit bad > 0 }' "$f" ||
		{ diag_file "$f"; fail "$1: an RTT shorter than the responder's ${DELAY} s delay"; }
}
run_p ping 30 ping -c 5 -i 0.2 -W 2 "$T"
check ping
icmpmon_p im -c 5 -i 0.2 -W 2 "$T"
[ "$RC" = 0 ] || { diag_file "$TMPD/im.err"; fail "icmpmon exited $RC"; }
check im
icmpmon_p fp fping -c 5 -p 200 -t 2000 "$T"
grep -Eq "^$T +: xmt/rcv/%loss = 5/5/0%" "$TMPD/fp.err" || { diag_file "$TMPD/fp.err"; fail "fping personality: not 5/5"; }
[ -z "$(attached_state)" ] || fail "something left attached"
pass
