#!/usr/bin/env bash
# Issue 12, row 4: a target removed by a reload, its slot reused by another.
# A daemon with one slot (--max-targets 1) probes A (answered); a sniffer in
# the responder namespace copies the run's id, cookie and A's real replies.
# A SIGHUP swaps A for B (silent): B is left out until A's slot leaves its
# quarantine, then takes it. A forger then sends, with the run's id and
# cookie, replays and crafted copies of A's answered replies (the
# answered-probe map still holds them, with the slot's index), late replies
# for A's sequences after the last one sent, and ICMP errors quoting A's
# probes. None may land in B's counters (replies, duplicates, errors all stay
# 0: B never answers); each is counted as unmatched or foreign, exactly.
. "$(dirname "$0")/lib.sh"
need python3
need curl
topo_up

PORT=9396
URL=http://127.0.0.1:$PORT
A=$ANSWERED
B=$SILENT
K=3 # forged packets of each kind per sequence
F=$TMPD/targets

cat > "$TMPD/sniff.py" <<'EOF'
# sniff.py IFACE PROBER TARGET WANT SECONDS: the run's id and cookie, WANT of
# TARGET's real echo replies and the requests they answer, as one JSON line.
import json, select, socket, struct, sys, time
iface, prober, target, want, limit = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), float(sys.argv[5])
ETH_P_ALL, ETH_P_IP, PACKET_OUTGOING = 3, 0x0800, 4
sniff = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
sniff.bind((iface, 0))
print("ready", file=sys.stderr, flush=True)
end = time.monotonic() + limit
ident, req, reply = None, {}, {}
while time.monotonic() < end and len([s for s in reply if s in req]) < want:
    r, _, _ = select.select([sniff], [], [], 0.1)
    if not r:
        continue
    frame, addr = sniff.recvfrom(65535)
    d = frame[14:]
    if addr[1] != ETH_P_IP or len(d) < 28 or d[0] >> 4 != 4 or d[9] != 1:
        continue
    hl = (d[0] & 15) * 4
    tot = struct.unpack("!H", d[2:4])[0]
    src, dst = socket.inet_ntoa(d[12:16]), socket.inet_ntoa(d[16:20])
    m = d[hl:tot]
    if len(m) < 16:
        continue
    seq = struct.unpack("!H", m[6:8])[0]
    if m[0] == 8 and src == prober and dst == target and addr[2] != PACKET_OUTGOING:
        ident = ident or m[4:6]
        if m[4:6] == ident:
            req[seq] = d[:tot]
    elif m[0] == 0 and src == target and dst == prober and ident and m[4:6] == ident:
        reply[seq] = d[:tot]
seqs = sorted(s for s in reply if s in req)
if len(seqs) < want:
    print(json.dumps({"error": "saw %d answered probes of %s, wanted %d" % (len(seqs), target, want)}))
    sys.exit(1)
print(json.dumps({"id": ident.hex(), "cookie": req[seqs[0]][28:36].hex(), "max_seq": max(req),
                  "req": {s: req[s].hex() for s in seqs}, "reply": {s: reply[s].hex() for s in seqs}}))
EOF

cat > "$TMPD/forge.py" <<'EOF'
# forge.py SNIFFED.json PROBER TARGET ROUTER K: A's late packets, with the run's
# id and cookie; prints what it sent per kind as one JSON line.
import json, socket, struct, sys, time
from pktforge import icmp, ip
s = json.load(open(sys.argv[1]))
prober, target, router, K = sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5])
ident, cookie = bytes.fromhex(s["id"]), bytes.fromhex(s["cookie"])

raw = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
sent = {"reply": 0, "error": 0}
def send(kind, pkt):
    raw.sendto(pkt, (prober, 0))
    sent[kind] += 1
    time.sleep(0.002)

for seq, rep in s["reply"].items():
    seq, rep, req = int(seq), bytes.fromhex(rep), bytes.fromhex(s["req"][seq])
    payload = req[28:]
    for _ in range(K):
        send("reply", rep)                                                   # a replay of A's reply
        send("reply", ip(target, prober, icmp(0, 0, ident + struct.pack("!H", seq), cookie + b"late" * 8)))
        send("error", ip(router, prober, icmp(3, 1, b"\0" * 4, req[:28])))   # IP header + 8 bytes
        send("error", ip(router, prober, icmp(11, 0, b"\0" * 4, req)))       # the whole probe, cookie too
for k in range(K):  # late replies for sequences after the last one A was sent
    send("reply", ip(target, prober, icmp(0, 0, ident + struct.pack("!H", s["max_seq"] + 1 + k), cookie + b"\0" * 48)))
print(json.dumps({"sent": sent}))
EOF

scrape() { in_p curl -s -m 5 "$URL/metrics" > "$TMPD/$1"; }
gauge() { sed -n "s/^$2 //p" "$TMPD/$1"; }
# of FILE FAMILY TARGET: the value of FAMILY's series for TARGET (empty if none)
of() { grep -E "^$2\{target=\"$(re_quote "$3")\"[,}]" "$TMPD/$1" | awk '{ print $NF }'; }
counter() { local v; v=$(gauge "$1" "$2"); echo "${v:-0}"; }

echo "$A" > "$F"
in_r timeout -k 2 15 python3 "$TMPD/sniff.py" "$VETH_R" "$P_ADDR" "$A" 4 12 >"$TMPD/sniff.out" 2>"$TMPD/sniff.err" &
SNIFF_PID=$!
BG_PIDS+=("$SNIFF_PID")
wait_match "$TMPD/sniff.err" '^ready$' 10 || { diag_file "$TMPD/sniff.err"; fail "the sniffer did not start"; }
bg_p d "$ICMPMON" --daemon --file "$F" --max-targets 1 -i 0.2 -W 1 --metrics "$PORT"
PID=$BG_PID
bg_wait "$SNIFF_PID" 15
if [ "$BG_RC" -ne 0 ] || ! jq -e .reply "$TMPD/sniff.out" >/dev/null 2>&1; then
	diag_file "$TMPD/sniff.out"; diag_file "$TMPD/sniff.err"; diag_file "$TMPD/d.err"
	fail "the sniffer did not see A's answered probes (exit $BG_RC)"
fi
diag "sniffed: id $(jq -r .id "$TMPD/sniff.out"), A's seqs $(jq -r '.reply | keys | join(",")' "$TMPD/sniff.out")"
scrape a
[ "$(gauge a icmpmon_target_slots)" = 1 ] || { diag_file "$TMPD/a"; fail "not 1 slot: '$(gauge a icmpmon_target_slots)'"; }
[ "$(of a icmpmon_replies_total "$A")" -ge 4 ] 2>/dev/null || { diag_file "$TMPD/a"; fail "A has no replies before the reload"; }

# A -> B: A's slot is quarantined, B left out until it is free, then gets it.
echo "$B" > "$F"
kill -HUP "$PID"
wait_match "$TMPD/d.err" 'reloaded targets: 0 kept, 0 added, 1 removed, 0 renamed, 1 left out' 5 ||
	{ diag_file "$TMPD/d.err"; fail "the reload did not leave B out while A's slot is in quarantine"; }
t0=$(date +%s%N)
for ((i = 0; i < 50; i++)); do
	scrape b
	[ "$(gauge b icmpmon_targets)" = 1 ] && [ "$(gauge b icmpmon_targets_over_capacity)" = 0 ] &&
		[ "$(of b icmpmon_probes_sent_total "$B")" -gt 0 ] 2>/dev/null && break
	sleep 0.2
done
[ "$i" -lt 50 ] || { diag_file "$TMPD/d.err"; diag_file "$TMPD/b"; fail "B never got A's slot"; }
diag "B probed $((($(date +%s%N) - t0) / 1000000)) ms after the reload"
grep -q "target=\"$A\"" "$TMPD/b" && fail "A is still exported after its slot went to B"
un0=$(counter b icmpmon_unmatched_replies_total)
fe0=$(counter b icmpmon_foreign_icmp_errors_total)

in_r timeout -k 2 15 python3 "$TMPD/forge.py" "$TMPD/sniff.out" "$P_ADDR" "$A" "$R_ADDR" "$K" >"$TMPD/forge.out" 2>"$TMPD/forge.err" ||
	{ diag_file "$TMPD/forge.out"; diag_file "$TMPD/forge.err"; fail "the forger failed"; }
read -r n_rep n_err < <(jq -r '.sent | "\(.reply) \(.error)"' "$TMPD/forge.out")
diag "forged: $n_rep replies and duplicates of A, $n_err errors quoting A's probes"
sleep 0.5 # the last forged packet went through XDP before the scrape
scrape c
sent=$(of c icmpmon_probes_sent_total "$B")
errs=$(grep -E "^icmpmon_icmp_errors_total\{target=\"$(re_quote "$B")\"" "$TMPD/c" | awk '{ s += $NF } END { print s + 0 }')
got="$(of c icmpmon_replies_total "$B") $(of c icmpmon_duplicates_total "$B") $errs"
diag "B: $sent probes sent; replies, duplicates, errors: $got"
[ "$got" = "0 0 0" ] || { grep -E '^icmpmon_(replies|duplicates|icmp_errors|unmatched|foreign)' "$TMPD/c" > "$TMPD/c.ours"; diag_file "$TMPD/c.ours"; fail "B (silent) has replies, duplicates, errors '$got': A's late packets landed in B's counters"; }
un=$(($(counter c icmpmon_unmatched_replies_total) - un0))
fe=$(($(counter c icmpmon_foreign_icmp_errors_total) - fe0))
[ "$un" -eq "$n_rep" ] || fail "unmatched replies rose by $un, $n_rep of A's late replies were forged"
[ "$fe" -eq "$n_err" ] || fail "foreign ICMP errors rose by $fe, $n_err errors quoting A's probes were forged"

kill -TERM "$PID"
bg_wait "$PID" 10
[ "$BG_RC" -eq 0 ] || { diag_file "$TMPD/d.err"; fail "exit $BG_RC after SIGTERM"; }
state=$(attached_state)
[ -z "$state" ] || fail "left attached: $state"
pass
