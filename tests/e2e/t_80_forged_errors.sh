#!/usr/bin/env bash
# Issue 12, row 1: forged ICMP errors never cancel a probe. The responder's
# kernel does not answer; a responder in its namespace answers each echo
# request 25 ms late, and first sends four Destination Host Unreachable
# errors quoting it: one as RFC 792 allows (IP header + 8 bytes, from the
# router's address), and three that cannot be about our probe: a forged
# inner source, a wrong quoted cookie, an inner IHL of 15. icmpmon prints and
# counts the first as ping does, rejects the others (bad_quote), and every
# genuine reply still counts: 0% loss, as ping reports on the same packets.
. "$(dirname "$0")/lib.sh"
need python3
topo_up
ip netns exec "$NS_R" sysctl -q -w net.ipv4.icmp_echo_ignore_all=1 >/dev/null || fail "cannot silence the responder's kernel"

N=5
cat > "$TMPD/slow.py" <<'EOF'
# slow.py PROBER ROUTER TARGET SECONDS: answers echo requests to TARGET after
# four forged errors, 25 ms late; prints how many requests it answered.
import socket, struct, sys, time
from pktforge import icmp, ip
prober, router, target, limit = sys.argv[1], sys.argv[2], sys.argv[3], float(sys.argv[4])

rx = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
tx = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
rx.settimeout(0.2)
print("ready", flush=True)
end, answered = time.monotonic() + limit, 0
while time.monotonic() < end:
    try:
        d = rx.recv(65535)
    except socket.timeout:
        continue
    hl = (d[0] & 15) * 4
    if d[9] != 1 or socket.inet_ntoa(d[16:20]) != target or socket.inet_ntoa(d[12:16]) != prober or d[hl] != 8:
        continue
    req = d[hl:]
    unreach = lambda quote: ip(router, prober, icmp(3, 1, b"\0" * 4, quote))
    tx.sendto(unreach(d[:hl + 8]), (prober, 0))                       # as RFC 792 allows
    forged = d[:12] + socket.inet_aton("1.2.3.4") + d[16:hl]
    tx.sendto(unreach(forged + req[:8]), (prober, 0))                 # inner source not ours
    bad = bytes([req[8] ^ 0x5a]) + req[9:16]
    tx.sendto(unreach(d[:hl] + req[:8] + bad), (prober, 0))           # wrong quoted cookie
    nops = b"\x01" * 40
    tx.sendto(unreach(ip(prober, target, req[:8], opts=nops)), (prober, 0))  # inner IHL 15
    time.sleep(0.025)
    tx.sendto(ip(target, prober, icmp(0, 0, req[4:8], req[8:])), (prober, 0))
    answered += 1
print(answered)
EOF

# slow NAME: the responder, in the background, for 12 s at most (ip netns exec execs
# timeout, so SLOW_PID is the one to stop).
slow() {
	ip netns exec "$NS_R" timeout -k 2 15 python3 "$TMPD/slow.py" "$P_ADDR" "$R_ADDR" "$ANSWERED" 12 >"$TMPD/$1.slow" 2>&1 &
	SLOW_PID=$!
	BG_PIDS+=("$SLOW_PID")
	wait_match "$TMPD/$1.slow" '^ready$' 10 || { diag_file "$TMPD/$1.slow"; fail "the responder did not start"; }
}

# The reference: ping on the same packets prints the errors and still takes
# every reply. (It stops once replies + errors reach -c, so it sends fewer
# probes, and the last one's reply may come after it stopped.)
slow ping
run_p ping 30 ping -c "$N" -i 0.2 "$ANSWERED"
sent=$(sed -nE 's/^([0-9]+) packets transmitted, .*/\1/p' "$TMPD/ping.out")
got=$(grep -c "^64 bytes from $ANSWERED: " "$TMPD/ping.out")
[ -n "$sent" ] && [ "$got" -ge 1 ] && [ "$got" -ge $((sent - 1)) ] ||
	{ diag_file "$TMPD/ping.out"; fail "the reference ping lost replies to the forged errors"; }
grep -q "^From $R_ADDR icmp_seq=1 Destination Host Unreachable$" "$TMPD/ping.out" ||
	{ diag_file "$TMPD/ping.out"; fail "the reference ping did not see the forged errors"; }
kill "$SLOW_PID" 2>/dev/null; wait "$SLOW_PID" 2>/dev/null

# check NAME HOOK: icmpmon counted every reply, one error per probe, and said what it rejected.
check() {
	local f=$TMPD/$1.out i
	[ "$RC" -eq 0 ] || { diag_file "$f"; diag_file "$TMPD/$1.err"; fail "$2: icmpmon exited $RC, expected 0"; }
	grep -Eq "^$N packets transmitted, $N received, \+$N errors, 0% packet loss, time [0-9]+ms$" "$f" ||
		{ diag_file "$f"; fail "$2: counts line is '$(grep transmitted "$f")'"; }
	for ((i = 1; i <= N; i++)); do
		grep -q "^From $R_ADDR icmp_seq=$i Destination Host Unreachable$" "$f" ||
			{ diag_file "$f"; fail "$2: no error line for icmp_seq=$i"; }
		grep -Eq "^64 bytes from ${ANSWERED//./\\.}: icmp_seq=$i( ident=[0-9]+)? ttl=64 time=[0-9.]+ ms$" "$f" ||
			{ diag_file "$f"; fail "$2: no reply line for icmp_seq=$i"; }
	done
	[ "$(grep -c '^From ' "$f")" -eq "$N" ] || { diag_file "$f"; fail "$2: a misquoting error was printed"; }
	grep -q "^icmpmon: rejected: $((3 * N)) errors misquoting a probe$" "$f" ||
		{ diag_file "$f"; fail "$2: -v does not say that $((3 * N)) errors misquoted a probe"; }
}
for hook in "--xdp-mode generic" "--attach tc" "--mode socket"; do
	slow im
	# shellcheck disable=SC2086 # option and value
	icmpmon_p im $hook -v -c "$N" -i 0.2 "$ANSWERED"
	check im "$hook"
	kill "$SLOW_PID" 2>/dev/null; wait "$SLOW_PID" 2>/dev/null
done
state=$(attached_state)
[ -z "$state" ] || fail "left attached: $state"
pass
