#!/usr/bin/env bash
# Hostile packets on the wire: while icmpmon probes an answering and a silent
# target, a forger in the responder namespace sniffs the real probes (AF_PACKET
# on the responder's veth), copies the run's ICMP id and payload cookie, and
# sends forged echo replies and ICMP errors with a raw socket: wrong cookie,
# too short for a cookie, unknown seq, wrong source, replays and crafted
# replies to answered seqs, errors quoting someone else's packet. None may
# become a reply or an error of a target; each kind lands in its counter.
# Run twice: XDP with --json (counters from the end object), and tc ingress
# with ping text and --pin (counters dumped from the pinned icmpmon_counter).
. "$(dirname "$0")/lib.sh"
need python3
topo_up

N=20        # probes per target, 0.25 s apart: 5 s of probing
K=5         # forged packets of each kind
OTHER=10.201.0.99 # answered range, not a target

cat > "$TMPD/forge.py" <<'EOF'
# forge.py IFACE PROBER RESPONDER ANSWERED SILENT OTHER K TIMEOUT
# Sniffs the prober's echo requests on IFACE, then sends K forged packets of
# each kind to PROBER (IPv4, raw socket, IP_HDRINCL) and prints one JSON line.
import json, select, socket, struct, sys, time
from pktforge import csum, icmp, ip

iface, prober, responder, answered, silent, other = sys.argv[1:7]
K, limit = int(sys.argv[7]), float(sys.argv[8])
ETH_P_ALL, ETH_P_IP = 3, 0x0800
PACKET_OUTGOING = 4

def echo(typ, ident, seq, payload):  # ident: as on the wire (2 bytes)
    return icmp(typ, 0, ident + struct.pack("!H", seq), payload)

# ETH_P_ALL: a protocol-specific packet socket does not see outgoing frames
sniff = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
sniff.bind((iface, 0))
end = time.monotonic() + limit
ident = None
req = {}      # (dst, seq) -> payload of the echo request
reply = {}    # seq -> IP datagram of the answered target's real echo reply
while time.monotonic() < end:
    # enough seen: the answered target's replies to 1 and 2, a silent probe after seq 3
    if 1 in reply and 2 in reply and any(d == silent and s >= 3 for d, s in req):
        break
    r, _, _ = select.select([sniff], [], [], 0.1)
    if not r:
        continue
    frame, addr = sniff.recvfrom(65535)
    d = frame[14:]
    if addr[1] != ETH_P_IP or len(d) < 28 or d[0] >> 4 != 4 or d[9] != 1:
        continue
    hl = (d[0] & 15) * 4
    src, dst = socket.inet_ntoa(d[12:16]), socket.inet_ntoa(d[16:20])
    tot = struct.unpack("!H", d[2:4])[0]
    m = d[hl:tot]
    if len(m) < 16:
        continue
    seq = struct.unpack("!H", m[6:8])[0]
    if m[0] == 8 and src == prober and addr[2] != PACKET_OUTGOING:
        ident = ident or m[4:6]
        if m[4:6] == ident:
            req[(dst, seq)] = m[8:]
    elif m[0] == 0 and src == answered and dst == prober and ident and m[4:6] == ident:
        reply[seq] = d[:tot]
if ident is None or 1 not in reply or 2 not in reply:
    print(json.dumps({"error": "did not see the probes (id %s, replies %s, requests %s)"
                      % (ident and ident.hex(), sorted(reply), sorted(req))}))
    sys.exit(1)
sseq = max(s for d, s in req if d == silent)   # a silent probe still outstanding
payload = req[(silent, sseq)]
cookie = payload[:8]
bad = bytes([cookie[0] ^ 0x5a]) + cookie[1:] + payload[8:]
other_id = bytes([ident[0] ^ 0xff, ident[1]])

raw = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
sent = {}

def send(kind, pkt):
    raw.sendto(pkt, (prober, 0))
    sent[kind] = sent.get(kind, 0) + 1
    time.sleep(0.002)

def quoted_echo(dst, qid, seq):
    # an echo request from the prober as a router quotes it: IP header + 8 bytes
    return ip(prober, dst, echo(8, qid, seq, payload[:0]), ttl=1)[:28]

for i in range(K):
    # our id, wrong cookie: from the silent target with a seq it has outstanding, and
    # from the answered target with an answered seq (either would match without the cookie check)
    send("bad_cookie", ip(silent, prober, echo(0, ident, sseq, bad)))
    send("bad_cookie", ip(answered, prober, echo(0, ident, 1, bad)))
    # our id, 4 payload bytes: too short to carry the cookie
    send("bad_cookie", ip(silent, prober, echo(0, ident, sseq, cookie[:4])))
    # our id and cookie, a seq never sent
    send("unmatched", ip(answered, prober, echo(0, ident, 40000 + i, payload)))
    send("unmatched", ip(silent, prober, echo(0, ident, 50000 + i, payload)))
    # our id and cookie, the silent target's outstanding seq, from addresses that are not it
    send("unmatched", ip(other, prober, echo(0, ident, sseq, payload)))
    send("unmatched", ip(responder, prober, echo(0, ident, sseq, payload)))
    # another run's id with our cookie: not ours at all (no counter)
    send("not_ours", ip(silent, prober, echo(0, other_id, sseq, payload)))
    # a replay of the answered target's real reply to seq 2, and a crafted reply to seq 1
    send("dup", reply[2])
    send("dup", ip(answered, prober, echo(0, ident, 1, cookie + b"forged" * 8)))
    # ICMP errors quoting: another id, our id with a seq never sent, our id and an
    # outstanding seq to an address we do not probe (host unreachable, from the responder)
    send("foreign_error", ip(other, prober, icmp(3, 1, b"\0" * 4, quoted_echo(silent, other_id, sseq))))
    send("foreign_error", ip(other, prober, icmp(3, 1, b"\0" * 4, quoted_echo(silent, ident, 60000 + i))))
    send("foreign_error", ip(other, prober, icmp(11, 0, b"\0" * 4, quoted_echo(other, ident, sseq))))
    # an error quoting a UDP datagram: not an echo request, no counter
    udp = ip(prober, silent, struct.pack("!HHHH", 40000, 33434, 8, 0), proto=17)
    send("not_ours", ip(other, prober, icmp(3, 3, b"\0" * 4, udp)))
print(json.dumps({"id": int.from_bytes(ident, "big"), "silent_seq": sseq, "sent": sent}))
EOF

# forge NAME: the forger in the responder namespace, in the background.
forge() {
	in_r timeout -k 2 20 python3 "$TMPD/forge.py" "$VETH_R" "$P_ADDR" "$R_ADDR" "$ANSWERED" "$SILENT" "$OTHER" "$K" 15 \
		>"$TMPD/$1.out" 2>"$TMPD/$1.err" &
	FORGE_PID=$!
	BG_PIDS+=("$FORGE_PID")
	sleep 0.3 # the sniffer is bound before the first probe
}

# forge_done NAME: waits for the forger, checks what it sent.
forge_done() {
	bg_wait "$FORGE_PID" 20
	if [ "$BG_RC" -ne 0 ] || ! jq -e .sent "$TMPD/$1.out" >/dev/null 2>&1; then
		diag_file "$TMPD/$1.out"; diag_file "$TMPD/$1.err"
		fail "the forger failed (exit $BG_RC)"
	fi
	read -r F_bad_cookie F_unmatched F_dup F_foreign_error F_not_ours < <(jq -r \
		'.sent | "\(.bad_cookie) \(.unmatched) \(.dup) \(.foreign_error) \(.not_ours)"' "$TMPD/$1.out")
	[ "$F_bad_cookie" -eq $((3 * K)) ] && [ "$F_unmatched" -eq $((4 * K)) ] && [ "$F_dup" -eq $((2 * K)) ] &&
		[ "$F_foreign_error" -eq $((3 * K)) ] && [ "$F_not_ours" -eq $((2 * K)) ] ||
		{ diag_file "$TMPD/$1.out"; fail "the forger did not send what it should"; }
	diag "$1: $(cat "$TMPD/$1.out")"
}

# --- XDP, --json -------------------------------------------------------------
forge fx
icmpmon_p im --json -c "$N" -i 0.25 -W 2 "$ANSWERED" "$SILENT"
forge_done fx
j=$TMPD/im.out
if [ "$RC" -ne 0 ]; then
	diag_file "$j"; diag_file "$TMPD/im.err"
	fail "icmpmon --json exited $RC, expected 0"
fi
[ ! -s "$TMPD/im.err" ] || { diag_file "$TMPD/im.err"; fail "icmpmon --json wrote to stderr"; }
jq -se 'map(select(.type == "start"))[0].interfaces[0].hook | startswith("xdp")' "$j" >/dev/null ||
	{ diag_file "$j"; fail "the first run did not catch replies in XDP"; }
[ "$(jq -r 'select(.type == "start") | .id' "$j")" = "$(jq -r .id "$TMPD/fx.out")" ] ||
	fail "the forger sniffed id $(jq -r .id "$TMPD/fx.out"), icmpmon says $(jq -r 'select(.type == "start") | .id' "$j")"

# The answered target: N first replies with seqs 1..N, the 2K forged duplicates
# as duplicates (as ping counts them) of seqs 1 and 2; nothing for the silent one.
seqs=$(jq -r --arg a "$ANSWERED" 'select(.type == "reply" and .addr == $a and .dup == false) | .seq' "$j" | tr '\n' ' ')
[ "$seqs" = "$(seq 1 "$N" | tr '\n' ' ')" ] || { diag_file "$j"; fail "first replies have seqs '$seqs', expected 1..$N"; }
dseqs=$(jq -r 'select(.type == "reply" and .dup == true) | "\(.addr)/\(.seq)"' "$j" | sort -u | tr '\n' ' ')
ndup=$(jq -r 'select(.type == "reply" and .dup == true) | .seq' "$j" | wc -l)
[ "$ndup" -eq $((2 * K)) ] && [ "$dseqs" = "$ANSWERED/1 $ANSWERED/2 " ] ||
	{ diag_file "$j"; fail "$ndup duplicate reply objects for '$dseqs', expected $((2 * K)) for $ANSWERED seqs 1 and 2"; }
n=$(jq -r --arg s "$SILENT" 'select((.type == "reply" or .type == "icmp_error") and .addr == $s)' "$j" | wc -l)
[ "$n" -eq 0 ] || fail "$n reply or error objects for the silent target $SILENT: a forged packet was taken for one"
n=$(jq -r 'select(.type == "icmp_error")' "$j" | wc -l)
[ "$n" -eq 0 ] || { diag_file "$j"; fail "$n icmp_error objects: a forged error was taken as ours"; }
sa=$(jq -c --arg a "$ANSWERED" 'select(.type == "summary" and .addr == $a) | [.sent, .received, .duplicates, .icmp_errors]' "$j")
ss=$(jq -c --arg s "$SILENT" 'select(.type == "summary" and .addr == $s) | [.sent, .received, .duplicates, .icmp_errors]' "$j")
[ "$sa" = "[$N,$N,$((2 * K)),0]" ] || fail "$ANSWERED summary [sent,received,duplicates,icmp_errors] = $sa, expected [$N,$N,$((2 * K)),0]"
[ "$ss" = "[$N,0,0,0]" ] || fail "$SILENT summary [sent,received,duplicates,icmp_errors] = $ss, expected [$N,0,0,0]"
end=$(jq -c 'select(.type == "end") | [.received, .bad_cookie, .unmatched, .foreign_errors, .table_full, .ringbuf_dropped]' "$j")
want="[$N,$((3 * K)),$((4 * K)),$((3 * K)),0,0]"
[ "$end" = "$want" ] ||
	fail "end [received,bad_cookie,unmatched,foreign_errors,table_full,ringbuf_dropped] = $end, expected $want"
state=$(attached_state)
[ -z "$state" ] || fail "left attached: $state"

# --- tc ingress, ping text, counters from the pinned map ----------------------
BPFFS=$TMPD/bpffs
mkdir -p "$BPFFS"
mount -t bpf bpf "$BPFFS" || fail "cannot mount a bpf filesystem on $BPFFS"
MOUNTS+=("$BPFFS")
PIN=$BPFFS/run

forge ft
bg_p tc "$ICMPMON" --attach tc --pin "$PIN" -c "$N" -i 0.25 -W 2 "$ANSWERED" "$SILENT"
pid=$BG_PID
forge_done ft
sleep 0.2 # the last forged packet went through tc ingress before the dump
alive "$pid" || { diag_file "$TMPD/tc.out"; diag_file "$TMPD/tc.err"; fail "icmpmon --attach tc ended before the counters could be read"; }
bpftool -j map dump pinned "$PIN/icmpmon_counter" > "$TMPD/counter.json" 2>&1 ||
	{ diag_file "$TMPD/counter.json"; fail "bpftool cannot dump $PIN/icmpmon_counter"; }
# enum icmpmon_counter: 0 ringbuf dropped, 1 bad cookie, 2 unmatched, 3 table full, 4 foreign error,
# 5 bad checksum, 6 not for this host, 7 bad quote
counts=$(jq -c '[.[].formatted | {k: .key, v: ([.values[].value] | add)}] | sort_by(.k) | map(.v)' "$TMPD/counter.json")
want="[0,$((3 * K)),$((4 * K)),0,$((3 * K)),0,0,0]"
[ "$counts" = "$want" ] || { diag_file "$TMPD/counter.json"; fail "pinned icmpmon_counter (per kind, summed over CPUs) = $counts, expected $want"; }
bg_wait "$pid" 20
f=$TMPD/tc.out
[ "$BG_RC" -eq 0 ] || { diag_file "$f"; diag_file "$TMPD/tc.err"; fail "icmpmon --attach tc exited $BG_RC, expected 0"; }
[ ! -s "$TMPD/tc.err" ] || { diag_file "$TMPD/tc.err"; fail "icmpmon --attach tc wrote to stderr"; }
re=${ANSWERED//./\\.}
seqs=$(grep -E "^64 bytes from $re: icmp_seq=[0-9]+ ttl=64 time=[0-9.]+ ms$" "$f" | sed -E 's/.*icmp_seq=([0-9]+) .*/\1/' | tr '\n' ' ')
[ "$seqs" = "$(seq 1 "$N" | tr '\n' ' ')" ] || { diag_file "$f"; fail "tc: reply lines have seqs '$seqs', expected 1..$N"; }
nd=$(grep -Ec "^64 bytes from $re: icmp_seq=(1|2) ttl=64 time=[0-9.]+ ms \(DUP!\)$" "$f")
[ "$nd" -eq $((2 * K)) ] || { diag_file "$f"; fail "tc: $nd (DUP!) lines for seqs 1 and 2, expected $((2 * K))"; }
lines=$(grep -c '^64 bytes from ' "$f")
[ "$lines" -eq $((N + 2 * K)) ] || { diag_file "$f"; fail "tc: $lines reply lines, expected $N + $((2 * K)) duplicates"; }
grep -q "${SILENT//./\\.}: icmp_seq\|^From " "$f" && { diag_file "$f"; fail "tc: a line for the silent target or an error line"; }
grep -Eq "^$N packets transmitted, $N received, \+$((2 * K)) duplicates, 0% packet loss, time [0-9]+ms$" "$f" ||
	{ diag_file "$f"; fail "tc: $ANSWERED counts line is '$(grep -m1 transmitted "$f")'"; }
grep -Eq "^$N packets transmitted, 0 received, 100% packet loss, time [0-9]+ms$" "$f" ||
	{ diag_file "$f"; fail "tc: $SILENT counts line is '$(grep transmitted "$f" | tail -n1)'"; }
[ "$(grep -c transmitted "$f")" -eq 2 ] || fail "tc: not two statistics blocks"
for m in icmpmon_counter icmpmon_stats; do
	[ -e "$PIN/$m" ] && fail "$PIN/$m is still pinned after icmpmon exited"
done
state=$(attached_state)
[ -z "$state" ] || fail "left attached after --attach tc: $state"
pass
