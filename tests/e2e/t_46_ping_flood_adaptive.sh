#!/usr/bin/env bash
# Issue #14 row 7: ping -f is adaptive (the next probe as soon as the reply is
# in, at least every 10 ms) and prints '.' per probe and "\b \b" per reply;
# -A and -i 0 pace the same way. Run side by side with iputils ping.
. "$(dirname "$0")/lib.sh"
topo_up
T=$ANSWERED
N=2000

# flood_shape FILE: the header line, then only '.' and "\b \b" tokens up to the
# blank line of the summary, N of each, never more replies than probes.
flood_shape() {
	python3 - "$1" "$N" <<'PY'
import sys
data = open(sys.argv[1], 'rb').read()
n = int(sys.argv[2])
head, _, rest = data.partition(b'\n')
body, sep, _ = rest.partition(b'\n--- ')
if not sep:
    print("no statistics block"); sys.exit(1)
dots = bs = bal = i = 0
while i < len(body):
    if body[i:i+1] == b'.':
        dots += 1; bal += 1; i += 1
    elif body[i:i+3] == b'\b \b':
        bs += 1; bal -= 1; i += 3
        if bal < 0:
            print("a reply erased more than was printed at byte %d" % i); sys.exit(1)
    else:
        print("unexpected byte %r at %d" % (body[i:i+1], i)); sys.exit(1)
if dots != n or bs != n:
    print("%d '.' and %d '\\b \\b', expected %d of each" % (dots, bs, n)); sys.exit(1)
PY
}

run_p ping 60 ping -f -c "$N" "$T"
[ "$RC" = 0 ] || { diag_file "$TMPD/ping.err"; fail "the reference ping -f exited $RC"; }
WHY=$(flood_shape "$TMPD/ping.out") || fail "the reference ping -f: $WHY"
IM_TIMEOUT=60 icmpmon_p im -f -c "$N" "$T"
[ "$RC" = 0 ] || { diag_file "$TMPD/im.err"; fail "icmpmon -f exited $RC"; }
WHY=$(flood_shape "$TMPD/im.out") || fail "icmpmon -f: $WHY"
[ "$(head -n1 "$TMPD/im.out")" = "$(head -n1 "$TMPD/ping.out")" ] || fail "-f header differs from ping's"
grep -Eq "^$N packets transmitted, $N received, 0% packet loss, time [0-9]+ms$" "$TMPD/im.out" ||
	{ diag "$(grep transmitted "$TMPD/im.out")"; fail "-f -c $N: not all answered"; }
grep -Eq '^rtt min/avg/max/mdev = [0-9./]+ ms, ipg/ewma [0-9.]+/[0-9.]+ ms$' "$TMPD/im.out" ||
	fail "-f: no ipg/ewma in the rtt line"
# adaptive: far below the 20 s a fixed 10 ms pace takes (a generous bound)
ms=$(sed -nE 's/.* packets transmitted, .*, time ([0-9]+)ms$/\1/p' "$TMPD/im.out")
[ "${ms:-99999}" -lt 10000 ] || fail "-f -c $N took ${ms}ms: not adaptive (fixed 10 ms would be 20 s)"
# ...and paced by each reply, not by the reader's 1 ms tick (which would make it $N ms at least;
# ping takes a few tens of ms here)
[ "${ms:-99999}" -lt $((N / 2)) ] || fail "-f -c $N took ${ms}ms: one probe per tick, not per reply"

# -f -w: no count, so what can be in flight is what goes unanswered every 10 ms within the
# timeout; the run says nothing ping does not (no warning about the outstanding-probe map)
run_p ping 30 ping -f -w 1 "$T"
[ "$RC" = 0 ] || { diag_file "$TMPD/ping.err"; fail "the reference ping -f -w 1 exited $RC"; }
IM_TIMEOUT=30 icmpmon_p im -f -w 1 "$T"
[ "$RC" = 0 ] || { diag_file "$TMPD/im.err"; fail "icmpmon -f -w 1 exited $RC"; }
[ -s "$TMPD/im.err" ] && { diag_file "$TMPD/im.err"; fail "icmpmon -f -w 1 wrote to stderr"; }
grep -Eq '^[0-9]+ packets transmitted, [0-9]+ received, 0% packet loss, time [0-9]+ms$' "$TMPD/im.out" ||
	{ diag "$(grep -a transmitted "$TMPD/im.out")"; fail "-f -w 1: no ping summary or lost probes"; }

# A send the kernel refuses (the route turns unreachable for a while) prints no '.', as
# ping's: every '.' left is a probe that left and was not answered. A few that were on
# their way when the route turned may stay unanswered (at most -l = 1, plus one).
flood_refused() {
	local name=$1
	shift
	bg_p "$name" timeout -k 3 30 "$@"
	wait_match "$TMPD/$name.out" '^PING' 10 || fail "$name: no header"
	sleep 0.3
	ip -n "$NS_P" route replace unreachable 10.201.0.0/16
	sleep 0.3
	ip -n "$NS_P" route replace 10.201.0.0/16 via "$R_ADDR" dev "$VETH_P"
	wait "$BG_PID" || fail "$name: -f -w 2 exited $?"
}
# refused_shape FILE: every '.' not erased is a probe that left (at most 2 on their way)
refused_shape() {
	python3 - "$1" <<'PY'
import re, sys
data = open(sys.argv[1], 'rb').read()
m = re.search(rb'\n(\d+) packets transmitted, (\d+) received', data)
if not m:
    print("no statistics"); sys.exit(1)
sent, got = int(m.group(1)), int(m.group(2))
body = data.partition(b'\n')[2].partition(b'\n--- ')[0]
dots, erased = body.count(b'.'), body.count(b'\b \b')
if sent - got < 5:
    print("only %d of %d lost: the route change refused nothing" % (sent - got, sent)); sys.exit(1)
if erased != got or dots - got > 2:
    print("%d '.' for %d answered of %d sent: refused sends printed '.'" % (dots, got, sent)); sys.exit(1)
PY
}
flood_refused ping ping -f -w 2 "$T"
WHY=$(refused_shape "$TMPD/ping.out") || fail "the reference ping: $WHY"
flood_refused im "$ICMPMON" -f -w 2 "$T"
WHY=$(refused_shape "$TMPD/im.out") || fail "icmpmon: $WHY"
grep -q '^icmpmon: sendmsg: ' "$TMPD/im.err" || { diag_file "$TMPD/im.err"; fail "icmpmon -f: refused sends not said on stderr"; }

# -A and -i 0: the same lines as ping, paced by the replies
mask_ipg() {
	sed -E 's#, ipg/ewma [0-9.]+/[0-9.]+ ms$#\nipg/ewma T#' "$1" > "$1.noipg" # its own line, so mask_times still sees the rtt line
	mask_times "$1.noipg"
}
for args in "-A -c 20" "-i 0 -c 20"; do
	# shellcheck disable=SC2086
	run_p ping 60 ping $args "$T"
	# shellcheck disable=SC2086
	icmpmon_p im $args "$T"
	[ "$RC" = 0 ] || { diag_file "$TMPD/im.err"; fail "icmpmon $args exited $RC"; }
	mask_ipg "$TMPD/im.out" > "$TMPD/im.m"
	mask_ipg "$TMPD/ping.out" > "$TMPD/ping.m"
	cmp -s "$TMPD/im.m" "$TMPD/ping.m" || { diff -u "$TMPD/ping.m" "$TMPD/im.m" | head -n 30 | sed 's/^/#   /'; fail "icmpmon $args: output differs from ping's"; }
	ms=$(sed -nE 's/.* packets transmitted, .*, time ([0-9]+)ms$/\1/p' "$TMPD/im.out")
	[ "${ms:-99999}" -lt 5000 ] || fail "icmpmon $args took ${ms}ms for 20 probes: not paced by the replies"
done
[ -z "$(attached_state)" ] || fail "something left attached"
pass
