#!/usr/bin/env bash
# Issue 12, row 7: replies with our id and cookie that the prober's stack
# would drop are not counted. The responder's kernel does not answer; an
# injector on the responder's veth (AF_PACKET) answers every echo request with
# four such frames - bad IPv4 header checksum, another destination MAC, an IP
# destination that is not the probe's source, an 802.1Q tag of VLAN 100 (no
# such VLAN on the prober) - and the even ones also with the genuine reply.
# Every hook counts the even probes only, as ping does, and -v says why the
# rest was rejected. (A bad ICMP checksum is left to the BPF table tests: veth
# marks an injected frame's checksum as verified, so the prober's stack and
# ping take it.)
. "$(dirname "$0")/lib.sh"
need python3
topo_up
ip netns exec "$NS_R" sysctl -q -w net.ipv4.icmp_echo_ignore_all=1 >/dev/null || fail "cannot silence the responder's kernel"
P_MAC=$(ip -n "$NS_P" -j link show dev "$VETH_P" | jq -r '.[0].address')
R_MAC=$(ip -n "$NS_R" -j link show dev "$VETH_R" | jq -r '.[0].address')
N=6

cat > "$TMPD/inject.py" <<'EOF'
# inject.py IFACE PROBER_MAC OWN_MAC PROBER TARGET SECONDS
import socket, struct, sys, time
from pktforge import csum
iface, pmac, rmac, prober, target, limit = sys.argv[1:7]
limit = float(limit)
mac = lambda s: bytes.fromhex(s.replace(":", ""))

def reply(req, dst, bad_ip=False):
    m = b"\0\0\0\0" + req[4:]
    m = m[:2] + struct.pack("!H", csum(m)) + m[4:]
    h = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(m), 0x1111, 0, 64, 1, 0,
                    socket.inet_aton(target), socket.inet_aton(dst))
    return h[:10] + struct.pack("!H", csum(h) ^ (1 if bad_ip else 0)) + h[12:] + m

s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(0x0800))
s.bind((iface, 0))
s.settimeout(0.2)
print("ready", flush=True)
end, n = time.monotonic() + limit, 0
while time.monotonic() < end:
    try:
        f, addr = s.recvfrom(65535)
    except socket.timeout:
        continue
    d = f[14:]
    hl = (d[0] & 15) * 4
    if addr[2] == 4 or d[9] != 1 or socket.inet_ntoa(d[16:20]) != target or d[hl] != 8:
        continue
    req = d[hl:struct.unpack("!H", d[2:4])[0]]
    seq = struct.unpack("!H", req[6:8])[0]
    eth = lambda dst: mac(dst) + mac(rmac) + b"\x08\x00"
    s.send(eth(pmac) + reply(req, prober, bad_ip=True))
    s.send(eth("02:de:ad:be:ef:01") + reply(req, prober))
    s.send(eth(pmac) + reply(req, "10.200.0.99"))
    s.send(mac(pmac) + mac(rmac) + b"\x81\x00\x00\x64\x08\x00" + reply(req, prober))
    if seq % 2 == 0:
        s.send(eth(pmac) + reply(req, prober))
    n += 1
print(n)
EOF

inject() {
	ip netns exec "$NS_R" timeout -k 2 15 python3 "$TMPD/inject.py" "$VETH_R" "$P_MAC" "$R_MAC" "$P_ADDR" "$ANSWERED" 12 \
		>"$TMPD/$1.inj" 2>&1 &
	INJ_PID=$!
	BG_PIDS+=("$INJ_PID")
	wait_match "$TMPD/$1.inj" '^ready$' 10 || { diag_file "$TMPD/$1.inj"; fail "the injector did not start"; }
}
stop_inject() { kill "$INJ_PID" 2>/dev/null; wait "$INJ_PID" 2>/dev/null; }

# The reference: ping takes the even replies only.
inject ping
run_p ping 30 ping -c "$N" -i 0.2 -W 1 "$ANSWERED"
stop_inject
grep -Eq "^$N packets transmitted, $((N / 2)) received, .*50% packet loss" "$TMPD/ping.out" ||
	{ diag_file "$TMPD/ping.out"; fail "the reference ping did not count $((N / 2)) of $N"; }

for hook in "--xdp-mode generic" "--xdp-mode native" "--attach tc" "--mode socket"; do
	inject im
	# shellcheck disable=SC2086 # option and value
	icmpmon_p im $hook -v -c "$N" -i 0.2 -W 1 "$ANSWERED"
	stop_inject
	f=$TMPD/im.out
	grep -Eq "^$N packets transmitted, $((N / 2)) received, 50% packet loss, time [0-9]+ms$" "$f" ||
		{ diag_file "$f"; diag_file "$TMPD/im.err"; fail "$hook: counts line is '$(grep transmitted "$f")', expected $((N / 2)) of $N"; }
	seqs=$(grep -E "^64 bytes from ${ANSWERED//./\\.}: " "$f" | sed -E 's/.*icmp_seq=([0-9]+) .*/\1/' | tr '\n' ' ')
	[ "$seqs" = "2 4 6 " ] || { diag_file "$f"; fail "$hook: reply lines for seqs '$seqs', expected '2 4 6 '"; }
	case $hook in
	*socket*) # the stack dropped them all before the socket
		grep -q '^icmpmon: rejected' "$f" && { diag_file "$f"; fail "$hook: rejected what the stack dropped"; } ;;
	*)
		want="icmpmon: rejected: $N bad checksum, $((3 * N)) not for this host"
		grep -qFx "$want" "$f" || { diag_file "$f"; fail "$hook: no '$want'"; } ;;
	esac
done
state=$(attached_state)
[ -z "$state" ] || fail "left attached: $state"
pass
