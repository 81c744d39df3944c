#!/usr/bin/env bash
# Issue 12, row 6: in --mode socket a forger who copies the cookie answered
# sequences not sent yet, and icmpmon printed "5 packets transmitted, 8
# received, -60% packet loss". A forger in the responder namespace sniffs the
# probes to an answered and a silent target and, with the run's id and cookie,
# sends for each probe seq s < N: early replies for s+1 and s+2 (not sent
# yet) from both targets, K replays of the answered target's real reply to s
# (duplicates, counted as ping counts them), and from the silent target a
# late reply to s-3 (timed out by then). Socket mode must count what kernel
# mode counts on the same packets: the genuine replies, the duplicates, never
# more received than transmitted, and the rest rejected as unmatched.
. "$(dirname "$0")/lib.sh"
need python3
topo_up

N=6   # probes per target
K=2   # replays of each real reply
W=0.5 # -W: a silent probe is settled (timed out) 0.5 s after it went

cat > "$TMPD/forge.py" <<'EOF'
# forge.py IFACE PROBER ANSWERED SILENT N K SECONDS: see t_97_socket_forged.sh; prints
# what it sent per kind as one JSON line.
import json, select, socket, struct, sys, time
from pktforge import icmp, ip
iface, prober, answered, silent = sys.argv[1:5]
N, K, limit = int(sys.argv[5]), int(sys.argv[6]), float(sys.argv[7])
ETH_P_ALL, ETH_P_IP, PACKET_OUTGOING = 3, 0x0800, 4
FORGED_IP_ID = b"\x34\x56"  # the forger sees its own replies too: they are not replayed

def reply(src, ident, seq, payload):
    return ip(src, prober, icmp(0, 0, ident + struct.pack("!H", seq), payload), ident=0x3456)  # FORGED_IP_ID

sniff = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
sniff.bind((iface, 0))
raw = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
print("ready", file=sys.stderr, flush=True)
sent = {"early": 0, "dup": 0, "late": 0}
def send(kind, pkt):
    raw.sendto(pkt, (prober, 0))
    sent[kind] += 1

end = time.monotonic() + limit
ident, seen, replayed = None, set(), set()
while time.monotonic() < end and not ((silent, N) in seen and (answered, N) in seen):
    r, _, _ = select.select([sniff], [], [], 0.1)
    if not r:
        continue
    frame, addr = sniff.recvfrom(65535)
    d = frame[14:]
    if addr[1] != ETH_P_IP or len(d) < 36 or d[0] >> 4 != 4 or d[9] != 1:
        continue
    hl = (d[0] & 15) * 4
    tot = struct.unpack("!H", d[2:4])[0]
    src, dst = socket.inet_ntoa(d[12:16]), socket.inet_ntoa(d[16:20])
    m = d[hl:tot]
    seq = struct.unpack("!H", m[6:8])[0]
    if m[0] == 8 and src == prober and dst in (answered, silent) and addr[2] != PACKET_OUTGOING:
        ident = ident or m[4:6]
        if m[4:6] != ident or (dst, seq) in seen:
            continue
        seen.add((dst, seq))
        if seq < N:
            for ahead in (1, 2):                    # not sent yet
                send("early", reply(dst, ident, seq + ahead, m[8:]))
            if dst == silent and seq > 3:           # timed out by now
                send("late", reply(silent, ident, seq - 3, m[8:]))
    elif m[0] == 0 and src == answered and dst == prober and ident and m[4:6] == ident and d[4:6] != FORGED_IP_ID:
        if seq < N and seq not in replayed:
            replayed.add(seq)
            time.sleep(0.01)  # after the real reply
            for _ in range(K):
                send("dup", d[:tot])
print(json.dumps({"sent": sent, "seen": len(seen)}))
EOF

# run NAME MODE: icmpmon --mode MODE -v against the forger.
run() {
	local name=$1 mode=$2
	in_r timeout -k 2 20 python3 "$TMPD/forge.py" "$VETH_R" "$P_ADDR" "$ANSWERED" "$SILENT" "$N" "$K" 15 \
		>"$TMPD/$name.forge" 2>"$TMPD/$name.forge.err" &
	FORGE_PID=$!
	BG_PIDS+=("$FORGE_PID")
	wait_match "$TMPD/$name.forge.err" '^ready$' 10 || { diag_file "$TMPD/$name.forge.err"; fail "the forger did not start"; }
	icmpmon_p "$name" --mode "$mode" -v -c "$N" -i 0.3 -W "$W" "$ANSWERED" "$SILENT"
	bg_wait "$FORGE_PID" 20
	if [ "$BG_RC" -ne 0 ] || ! jq -e .sent "$TMPD/$name.forge" >/dev/null 2>&1; then
		diag_file "$TMPD/$name.forge"; diag_file "$TMPD/$name.forge.err"
		fail "$mode: the forger failed (exit $BG_RC)"
	fi
	diag "$mode: forger $(cat "$TMPD/$name.forge")"
	read -r e d l < <(jq -r '.sent | "\(.early) \(.dup) \(.late)"' "$TMPD/$name.forge")
	[ "$e" -eq $((4 * (N - 1))) ] && [ "$d" -eq $((K * (N - 1))) ] && [ "$l" -eq $((N - 4)) ] ||
		fail "$mode: the forger sent early $e, dup $d, late $l; expected $((4 * (N - 1))), $((K * (N - 1))), $((N - 4))"
}

# check NAME MODE: the genuine counts, the forged duplicates, the rest rejected.
check() {
	local name=$1 mode=$2 f=$TMPD/$1.out a s
	[ "$RC" -eq 0 ] || { diag_file "$f"; diag_file "$TMPD/$name.err"; fail "$mode: icmpmon exited $RC, expected 0"; }
	grep -A1 -Fx -- "--- $ANSWERED ping statistics ---" "$f" | sed -n 2p > "$TMPD/$name.a"
	grep -A1 -Fx -- "--- $SILENT ping statistics ---" "$f" | sed -n 2p > "$TMPD/$name.s"
	a=$(cat "$TMPD/$name.a")
	s=$(cat "$TMPD/$name.s")
	diag "$mode: $ANSWERED: $a" "$mode: $SILENT: $s" "$mode: $(grep '^icmpmon: rejected' "$f")"
	echo "$a" | grep -Eq "^$N packets transmitted, $N received, \+$((K * (N - 1))) duplicates, 0% packet loss, time [0-9]+ms$" ||
		{ diag_file "$f"; fail "$mode: $ANSWERED counts line is '$a'"; }
	echo "$s" | grep -Eq "^$N packets transmitted, 0 received, 100% packet loss, time [0-9]+ms$" ||
		{ diag_file "$f"; fail "$mode: $SILENT counts line is '$s'"; }
	grep -Fxq "icmpmon: rejected: $((4 * (N - 1) + N - 4)) unmatched (no probe waiting)" "$f" ||
		{ diag_file "$f"; fail "$mode: -v does not say that $((4 * (N - 1) + N - 4)) replies were unmatched"; }
	if grep -E "^[0-9]+ packets transmitted, " "$f" | awk '{ if ($4 > $1) bad = 1 } END { exit !bad }'; then
		fail "$mode: more received than transmitted"
	fi
	[ "$(grep -Ec "^64 bytes from $(re_quote "$ANSWERED"): icmp_seq=[0-9]+( ident=[0-9]+)? ttl=64 time=[0-9.]+ ms$" "$f")" -eq "$N" ] ||
		{ diag_file "$f"; fail "$mode: not $N first-reply lines for $ANSWERED"; }
	grep -q "^64 bytes from $(re_quote "$SILENT")" "$f" && { diag_file "$f"; fail "$mode: a reply line for the silent target"; }
	return 0
}

run sock socket
check sock socket
run kern kernel
check kern kernel
# the same counts in both modes (the times aside)
for t in a s; do
	[ "$(sed 's/, time .*//' "$TMPD/sock.$t")" = "$(sed 's/, time .*//' "$TMPD/kern.$t")" ] ||
		fail "socket and kernel mode count differently: '$(cat "$TMPD/sock.$t")' vs '$(cat "$TMPD/kern.$t")'"
done
[ "$(grep '^icmpmon: rejected' "$TMPD/sock.out")" = "$(grep '^icmpmon: rejected' "$TMPD/kern.out")" ] ||
	fail "socket and kernel mode reject differently"
state=$(attached_state)
[ -z "$state" ] || fail "left attached: $state"
pass
